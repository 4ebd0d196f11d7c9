"""Constant dollars: the deflator (US PPI PCU518210518210, as Epoch AI applies it) on every amount of an estimate."""

from __future__ import annotations

import csv
import re

import numpy as np
import pytest

from fullcost import dollars, estimation
from fullcost.scenario import loads

from .conftest import ROOT, TOY

EPOCH = ROOT.parent / "shared" / "reference" / "epoch-training-cost-trends-e13599f"
JUNE_2024, DEC_2024, DEC_2020 = 119.644, 119.349, 114.8  # the index in those months (BLS, via Epoch's copy)


def test_the_catalog_series_is_epochs_copy_month_by_month():
    path = EPOCH / "PCU518210518210.csv"
    if not path.is_file():
        pytest.skip(f"Epoch AI's reference data is not at {path}")
    rows = list(csv.DictReader(path.open()))
    s = dollars.series()
    assert len(s.values) == len(rows)
    for r in rows:
        y, m = int(r["observation_date"][:4]), int(r["observation_date"][5:7])
        assert s.values[(y, m)] == float(r["PCU518210518210"]), r


def _json(cli, write, text: str, *extra: str) -> dict:
    r = cli("estimate", str(write(text)), "--format", "json", "--samples", "200", *extra)
    assert r.code == 0, r.err
    return r.json()


def test_every_amount_is_restated_and_no_quantity(cli, write):
    """TOY was released June 2024: '2024 dollars' are December 2024's, so every amount x 119.349 / 119.644."""
    nominal = _json(cli, write, TOY)
    const = _json(cli, write, TOY, "--dollars", "2024")
    f = DEC_2024 / JUNE_2024
    d = const["dollars"]
    assert d["basis"] == "constant" and d["year"] == 2024 and d["month"] == "2024-12"
    assert d["nominal_month"] == "2024-06" and d["factor"] == pytest.approx(f, rel=1e-15)
    assert d["series"] == "PCU518210518210" and "bls.gov" in d["source"]
    assert const["headline"]["usd"] == pytest.approx(25_000 * f, rel=1e-12)
    assert const["headline"]["usd_per_gpu_hour"] == pytest.approx(2.5 * f, rel=1e-12)
    for key in ("rental_usd", "amortized_usd", "amortized_straight_line_usd", "acquisition_usd"):
        for stat in ("mean", "p5", "p95"):
            assert const["final_run"][key][stat] == pytest.approx(nominal["final_run"][key][stat] * f, rel=1e-12)
    assert const["development"]["total_usd"]["mean"] == pytest.approx(
        nominal["development"]["total_usd"]["mean"] * f, rel=1e-12)
    for a, b in zip(nominal["development"]["items"], const["development"]["items"], strict=True):
        assert b["usd"]["mean"] == pytest.approx(a["usd"]["mean"] * f, rel=1e-12)
    for a, b in zip(nominal["bridge"], const["bridge"], strict=True):
        assert b["usd"] == pytest.approx(a["usd"] * f, rel=1e-12)
    # quantities and shares stay as they were
    assert const["final_run"]["gpu_hours"] == nominal["final_run"]["gpu_hours"]
    assert const["final_run"]["energy_kwh"] == nominal["final_run"]["energy_kwh"]
    assert const["coverage"]["headline_share"]["p50"] == pytest.approx(nominal["coverage"]["headline_share"]["p50"])


def test_nominal_is_said_too(cli, write):
    d = _json(cli, write, TOY)["dollars"]
    assert d["basis"] == "nominal" and d["factor"] == 1.0 and d["label"] == "nominal US dollars of 2024-06"


def test_a_month_and_a_scenario_default(cli, write):
    same = _json(cli, write, TOY, "--dollars", "2024-06")["dollars"]
    assert same["factor"] == 1.0 and same["label"] == "2024 US dollars (2024-06)"
    text = TOY.replace("name: toy\n", "name: toy\ndollars: 2020\n")
    d = _json(cli, write, text)["dollars"]
    assert d["year"] == 2020 and d["factor"] == pytest.approx(DEC_2020 / JUNE_2024, rel=1e-15)
    assert _json(cli, write, text, "--dollars", "2024")["dollars"]["year"] == 2024  # the command line wins


def test_the_python_api_takes_dollars():
    est = estimation.run(loads(TOY, "toy.yaml"), 100, 0, dollars=2024)
    assert est.dollars.factor == pytest.approx(DEC_2024 / JUNE_2024)
    assert est.headline.usd == pytest.approx(25_000 * DEC_2024 / JUNE_2024)
    assert float(np.mean(est.final.rental_usd)) == pytest.approx(25_000 * DEC_2024 / JUNE_2024)


def test_gpt4_in_2024_dollars_is_epochs_figure(cli):
    """Epoch AI's model_costs.csv (e13599f) gives GPT-4's amortized hardware + energy as $40,695,706 in December
    2024 dollars (published March 2023: x 119.349 / 117.766); the catalog entry carries Epoch's inputs."""
    out = cli("estimate", "gpt-4", "--format", "json", "--samples", "200", "--dollars", "2024").json()
    assert out["dollars"]["nominal_month"] == "2023-03"
    assert out["final_run"]["amortized_usd"]["p50"] == pytest.approx(40_695_706.40406813, rel=1e-3)


def test_tables_say_which_dollars(cli, write):
    r = cli("estimate", str(write(TOY)), "--samples", "50", "--dollars", "2024")
    assert r.code == 0 and "in 2024 US dollars" in r.out.splitlines()[0]
    assert "[quoted: the" in r.out  # the headline's basis, not swallowed as rich markup
    r = cli("compare", "gpt-4", "deepseek-v3", "--samples", "50", "--dollars", "2023")
    assert r.code == 0 and "in 2023 US dollars" in r.out
    r = cli("compare", "gpt-4", "deepseek-v3", "--samples", "50")
    assert r.code == 0 and "each model's nominal dollars" in r.out


@pytest.mark.parametrize(("args", "said"), [(["--dollars", "2024"], "2024 US dollars"),
                                            ([], "nominal US dollars of 2022-04")])
def test_the_report_and_workbook_say_which_dollars(cli, tmp_path, args, said):
    from openpyxl import load_workbook

    page, book = tmp_path / "r.html", tmp_path / "r.xlsx"
    r = cli("report", "palm-540b", "--samples", "100", "-o", str(page), "--xlsx", str(book), *args)
    assert r.code == 0, r.err
    visible = re.sub(r"<[^>]+>", "", re.sub(r"<script.*?</script>", "", page.read_text(), flags=re.S))
    assert f"In {said}." in visible
    rows = {row[0]: row[1] for row in load_workbook(book)["Summary"].iter_rows(values_only=True) if row}
    assert rows["amounts in"] == said
    assert rows["training compute basis"] == "as reported"  # PaLM's entry has Epoch AI's FLOPs, not 6·N·D


def test_compare_json_states_the_dollars_of_each_model(cli):
    out = cli("compare", "gpt-4", "deepseek-v3", "--samples", "50", "--dollars", "2024", "--format", "json").json()
    assert [m["dollars"]["year"] for m in out["models"]] == [2024, 2024]


@pytest.mark.parametrize("args, expect", [
    (["--dollars", "2030"], r"^error: --dollars: 2030 is outside the PCU518210518210 deflator series "
                            r"\(2000-12 to 2025-05\)$"),
    (["--dollars", "1999"], r"--dollars: 1999 is outside"),
    (["--dollars", "2025"], r"--dollars: December 2025 is not in the PCU518210518210 series yet"),
    (["--dollars", "2024-13"], r"--dollars: expected a year such as 2024"),
    (["--dollars", "soon"], r"--dollars: expected a year such as 2024"),
])
def test_a_deflator_year_outside_the_series_is_one_line(cli, write, args, expect):
    r = cli("estimate", str(write(TOY)), *args)
    assert r.code == 2
    lines = r.err.strip().splitlines()
    assert len(lines) == 1 and re.search(expect, lines[0]), r.err


def test_a_scenario_default_outside_the_series_points_at_its_line(cli, write):
    r = cli("estimate", str(write(TOY.replace("name: toy\n", "name: toy\ndollars: 2031\n"), "s.yaml")))
    assert r.code == 2 and re.search(r"s\.yaml:2: dollars: 2031 is outside", r.err), r.err
    r = cli("estimate", str(write(TOY.replace("name: toy\n", "name: toy\ndollars: many\n"), "s.yaml")))
    assert r.code == 2 and "s.yaml:2: dollars:" in r.err


def test_release_dates_outside_the_series(cli, write):
    early = TOY.replace("released: '2024-06-01'", "released: '1999-01-01'").replace("start: '2024-03-01'",
                                                                                   "start: '1998-06-01'")
    r = cli("estimate", str(write(early, "s.yaml")), "--dollars", "2024")
    assert r.code == 2 and re.search(r"s\.yaml:\d+: released: 1999-01 is before", r.err), r.err
    late = TOY.replace("released: '2024-06-01'", "released: '2026-01-01'")
    out = _json(cli, write, late, "--dollars", "2024")
    assert out["dollars"]["factor"] == pytest.approx(DEC_2024 / 121.742)  # as of the series' last month
    assert any("after the PCU518210518210 deflator series ends" in w for w in out["warnings"])
    undated = "\n".join(line for line in TOY.splitlines() if not line.startswith("released"))
    r = cli("estimate", str(write(undated)), "--dollars", "2024")
    assert r.code == 2 and "released: constant dollars need the release date" in r.err
