"""`fullcost statements` and `fullcost labs`: the JSON contract, CSV, tables, years, policies."""

from __future__ import annotations

import csv
import io

import pytest

S_KEYS = {"mean", "p5", "p50", "p95"}
INCOME = ("revenue", "cogs", "gross_profit", "rnd", "sga", "ebitda", "depreciation_amortization", "ebit",
          "interest", "tax", "net_income")


def is_summary(s) -> bool:
    return isinstance(s, dict) and set(s) == S_KEYS and s["p5"] <= s["p50"] <= s["p95"]


@pytest.fixture(scope="module")
def gaap_json():
    from typer.testing import CliRunner

    from fullcost.cli import app

    r = CliRunner().invoke(app, ["statements", "deepseek", "-n", "200", "-f", "json"])
    assert r.exit_code == 0, r.stderr
    import json

    return json.loads(r.stdout)


def test_json_contract(gaap_json):
    out = gaap_json
    assert out["name"] == "deepseek" and out["policy"] == "us-gaap"
    assert [y["year"] for y in out["years"]] == [2023, 2024, 2025]
    for y in out["years"]:
        assert set(INCOME) <= set(y["income_statement"])
        assert all(is_summary(y["income_statement"][k]) for k in INCOME)
        adj = y["adjusted_ebitda"]
        assert is_summary(adj["value"])
        assert all(set(a) == {"name", "usd"} and is_summary(a["usd"]) for a in adj["addbacks"])
        bs = y["balance_sheet"]
        assert all(is_summary(bs[k]) for k in ("assets", "liabilities", "equity"))
        assert "Assets:Cash" in bs["lines"] and all(is_summary(v) for v in bs["lines"].values())
        assert bs["assets"]["mean"] == pytest.approx(bs["liabilities"]["mean"] + bs["equity"]["mean"], rel=1e-9)
        cf = y["cash_flow"]
        assert set(cf) == {"operating", "investing", "financing", "net_change"} and all(map(is_summary, cf.values()))
    # the change in cash ties to the balance sheet
    cash = [y["balance_sheet"]["lines"]["Assets:Cash"]["mean"] for y in out["years"]]
    nets = [y["cash_flow"]["net_change"]["mean"] for y in out["years"]]
    assert nets[0] == pytest.approx(cash[0])
    assert nets[1] == pytest.approx(cash[1] - cash[0])
    # serving years carry unit economics
    assert "unit_economics" in out["years"][2] and "unit_economics" not in out["years"][0]


def test_year_and_policy_options(cli):
    r = cli("statements", "deepseek", "-n", "100", "-f", "json", "--year", "2024", "--policy", "ifrs",
            "--versus", "us-gaap")
    assert r.code == 0, r.err
    out = r.json()
    assert out["policy"] == "ifrs" and [y["year"] for y in out["years"]] == [2024]
    diff = out["versus"]["difference"]
    assert [d["year"] for d in diff] == [2024]
    assert diff[0]["cash"]["mean"] == 0 and diff[0]["income_statement"]["net_income"]["mean"] > 0
    assert "Expenses:RnD:Staff" in diff[0]["accounts"]


def test_same_seed_same_numbers_and_ifrs_keeps_cash(cli):
    a = cli("statements", "deepseek", "-n", "100", "-f", "json", "--seed", "3").json()
    b = cli("statements", "deepseek", "-n", "100", "-f", "json", "--seed", "3").json()
    c = cli("statements", "deepseek", "-n", "100", "-f", "json", "--seed", "3", "--policy", "ifrs").json()
    assert a["years"] == b["years"]
    for ya, yc in zip(a["years"], c["years"], strict=True):
        assert ya["balance_sheet"]["lines"]["Assets:Cash"] == pytest.approx(yc["balance_sheet"]["lines"]["Assets:Cash"])
    assert a["years"][1]["income_statement"]["net_income"] != c["years"][1]["income_statement"]["net_income"]


def test_csv(cli, gaap_json):
    r = cli("statements", "deepseek", "-n", "200", "-f", "csv")
    assert r.code == 0
    rows = list(csv.DictReader(io.StringIO(r.out)))
    assert set(rows[0]) == {"name", "policy", "presentation", "year", "statement", "line", "mean", "p5", "p50", "p95"}
    assert {x["presentation"] for x in rows} == {"function"}
    ni = [x for x in rows if x["statement"] == "income_statement" and x["line"] == "net_income" and x["year"] == "2025"]
    assert float(ni[0]["mean"]) == pytest.approx(gaap_json["years"][2]["income_statement"]["net_income"]["mean"])


def test_table(cli):
    r = cli("statements", "frontier-us", "-n", "200", "--compute", "rented", "--useful-life", "6")
    assert r.code == 0, r.err
    for needle in ("Income statement", "Adjusted EBITDA", "Balance sheet", "Cash flow", "Unit economics",
                   "ILLUSTRATIVE", "stock-based", "copyright"):
        assert needle in r.out, needle


def test_labs_listing(cli):
    r = cli("labs")
    assert r.code == 0
    assert "deepseek" in r.out and "frontier-us" in r.out and "illustrative" in r.out


def test_lab_schema_validates_the_catalog_labs(cli):
    import jsonschema

    from fullcost import yamlio
    from fullcost.books.lab import LABS

    r = cli("labs", "--schema")
    assert r.code == 0
    schema = r.json()
    assert schema["title"] == "fullcost lab scenario"
    data, _ = yamlio.load(LABS / "deepseek.yaml")
    data = {k: v for k, v in data.items() if k != "variants"}
    jsonschema.validate(_plain(data), schema)
    bad = {**_plain(data), "fleet": {"purchase": []}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def _plain(x):
    """YAML data as JSON would carry it (dates as text, integer keys as text)."""
    import datetime as dt

    if isinstance(x, dict):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_plain(v) for v in x]
    if isinstance(x, dt.date):
        return x.isoformat()
    return x


def test_a_program_can_be_a_scenario_file_next_to_the_lab(cli, tmp_path):
    from .conftest import TOY

    (tmp_path / "toy.yaml").write_text(TOY.lstrip())
    lab = tmp_path / "lab.yaml"
    lab.write_text("""kind: lab
name: beside
founded: 2024-01-01
last_year: 2024
funding: [{name: seed, date: 2024-01-01, usd: 10M}]
staff: [{role: r, salary_usd: 100K, headcount: {2024: 10}}]
cloud: [{name: c, start: 2024-01-01, usd_per_year: 1M}]
releases: [{name: toy, released: 2024-06-01, program: toy.yaml}]
tax: {rate: 21%}
""")
    r = cli("statements", str(lab), "-n", "20", "-f", "json", "--policy", "ifrs")
    assert r.code == 0, r.err
    out = r.json()
    assert out["programs"][0]["program"] == "toy"
    assert "Assets:Intangible:ModelDevelopment:Toy" in out["years"][0]["balance_sheet"]["lines"]
