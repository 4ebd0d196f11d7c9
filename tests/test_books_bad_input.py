"""Bad lab input: one line naming the file, line and field; exit code 2; never a traceback."""

from __future__ import annotations

import pytest

from fullcost.books.lab import loads
from fullcost.errors import InputError

# A valid lab; each case below breaks one line of it.
BASE = """
kind: lab
name: base
founded: 2023-05-01
last_year: 2025
fleet:
  purchases:
    - hardware: h100-sxm
      count: 100
      date: 2023-07-01
  utilization: 80%
  useful_life: 5
funding:
  - {name: seed, date: 2023-05-15, usd: 50M}
staff:
  - role: research
    salary_usd: 100K
    headcount: {2023: 5, 2024: 10}
revenue:
  - name: contracts
    kind: enterprise
    usd: {2024: 1M}
releases:
  - name: model-a
    released: 2024-06-01
    program: deepseek-v3
tax:
  rate: 21%
"""


def _one_clean_line(r, *needles):
    assert r.code == 2, (r.out, r.err)
    assert "Traceback" not in r.err and "Traceback" not in r.out
    lines = [ln for ln in r.err.splitlines() if ln.strip()]
    assert len(lines) == 1, r.err
    for n in needles:
        assert n in lines[0], (n, lines[0])
    assert r.out == ""
    return lines[0]


def test_the_base_lab_is_valid(cli, write):
    r = cli("statements", str(write(BASE)), "-n", "20", "-f", "json")
    assert r.code == 0, r.err
    assert r.json()["name"] == "base"


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "needle"),
    [
        # a purchase dated before the lab exists
        ("      date: 2023-07-01", "      date: 2021-07-01", 9, "fleet.purchases[0].date",
         "before the lab exists (founded 2023-05-01)"),
        # a negative useful life
        ("  useful_life: 5", "  useful_life: -5", 11, "fleet.useful_life", "must not be negative"),
        ("  useful_life: 5", "  useful_life: 0", 11, "fleet.useful_life", "must be more than zero"),
        # funding booked as revenue, by kind or by name
        ("    kind: enterprise", "    kind: funding", 20, "revenue[0].kind", "funding is financing, not revenue"),
        ("  - name: contracts", "  - name: Series B round", 19, "revenue[0].name", "funding is financing"),
        ("  - name: contracts", "  - name: VC funding", 19, "revenue[0].name", "the essay's"),
        # a release without a program, or with an unknown one
        ("    program: deepseek-v3\n", "", 23, "releases[0]", "has no program"),
        ("    program: deepseek-v3", "    program: depseek-v3", 25, "releases[0].program",
         "did you mean 'deepseek-v3'"),
        # dates and years outside the lab's life
        ("  - {name: seed, date: 2023-05-15, usd: 50M}", "  - {name: seed, date: 2019-01-01, usd: 50M}", 13,
         "funding[0].date", "before the lab exists"),
        ("    released: 2024-06-01", "    released: 2027-06-01", 24, "releases[0].released",
         "after the last reported year"),
        ("    headcount: {2023: 5, 2024: 10}", "    headcount: {2023: 5, 2031: 10}", 17, "staff[0].headcount.2031",
         "outside the lab's years"),
        ("    usd: {2024: 1M}", "    usd: {2024: -1M}", 21, "revenue[0].usd.2024", "must not be negative"),
        # typos and bad values
        ("  utilization: 80%", "  utilisation: 80%", 10, "fleet.utilisation", "did you mean 'utilization'"),
        ("    - hardware: h100-sxm", "    - hardware: h100-sx", 7, "fleet.purchases[0].hardware",
         "did you mean 'h100-sxm'"),
        ("  rate: 21%", "  rate: 121%", 27, "tax.rate", "cannot exceed 100%"),
        ("last_year: 2025", "last_year: 2020", 4, "last_year", "before the founding"),
    ],
)
def test_bad_field_gives_file_line_field(sh, write, old, new, line, field, needle):
    assert old in BASE
    p = write(BASE.replace(old, new))
    msg = _one_clean_line(sh("statements", str(p), "-n", "20"), needle, field)
    assert msg.startswith(f"error: {p}:{line}: "), msg


def test_an_inline_program_error_points_into_the_lab_file(sh, write):
    text = BASE.replace("    program: deepseek-v3", """    program:
      name: inline
      model: {params_active: 1B, tokens: 100B}
      final_run: {hardware: h100-sxm, gpus: -8, gpu_hours: 10K}""")
    p = write(text)
    msg = _one_clean_line(sh("statements", str(p), "-n", "20"), "releases[0].program.final_run.gpus",
                          "must not be negative")
    assert msg.startswith(f"error: {p}:28: "), msg


def test_a_model_scenario_is_not_a_lab(cli):
    r = cli("statements", "src/fullcost/catalog/data/models/deepseek-v3.yaml")
    assert r.code == 2 and "model scenario, not a lab" in r.err


def test_unknown_lab_suggests_a_catalog_name(sh):
    _one_clean_line(sh("statements", "deepseak"), "did you mean 'deepseek'")


def test_unknown_variant(sh):
    _one_clean_line(sh("statements", "deepseek@nope"), "no variant 'nope'", "semianalysis")


def test_year_outside_the_lab(cli):
    r = cli("statements", "deepseek", "--year", "2019", "-n", "10")
    assert r.code == 2 and "no year 2019" in r.err


def test_bad_useful_life_option(cli):
    r = cli("statements", "deepseek", "--useful-life", "-4", "-n", "10")
    assert r.code == 2 and "--useful-life must be more than zero" in r.err


def test_rented_compute_needs_a_rental_price(write, cli):
    p = write(BASE.replace("hardware: h100-sxm", "hardware: h20"))
    r = cli("statements", str(p), "--compute", "rented", "-n", "10")
    assert r.code == 2 and "rental_usd_per_gpu_hour" in r.err and ":7:" in r.err


def test_a_contribution_in_kind_needs_a_value():
    with pytest.raises(InputError, match="needs its value"):
        from fullcost.books.draw import draw

        draw(loads(BASE.replace("      date: 2023-07-01", "      date: 2023-07-01\n      contributed_by: parent")),
             5, 0)


def test_debt_needs_an_interest_rate_and_equity_has_none(write, cli):
    p = write(BASE.replace("{name: seed, date: 2023-05-15, usd: 50M}",
                           "{name: loan, kind: debt, date: 2023-05-15, usd: 50M}"))
    r = cli("statements", str(p), "-n", "10")
    assert r.code == 2 and "interest_rate" in r.err
    p = write(BASE.replace("usd: 50M}", "usd: 50M, interest_rate: 5%}"))
    r = cli("statements", str(p), "-n", "10")
    assert r.code == 2 and "equity pays no interest" in r.err
