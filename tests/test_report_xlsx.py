"""`fullcost report --xlsx`: a workbook an analyst can use: numbers as numbers, a bridge that adds up."""

from __future__ import annotations

import json
import math

import pytest
from openpyxl import load_workbook

from .conftest import ROOT

TOY = ROOT / "tests" / "golden" / "toy.yaml"


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    from typer.testing import CliRunner

    from fullcost.cli import app

    d = tmp_path_factory.mktemp("xlsx")
    st = d / "st.json"
    st.write_text(json.dumps({"toy": {
        "income_statement": {"revenue": 10.0, "net income": -5.0},
        "balance_sheet": [{"label": "total assets", "usd": {"mean": 9.0, "p5": 8.0, "p50": 9.0, "p95": 10.0}}]}}))
    x = d / "r.xlsx"
    r = CliRunner().invoke(app, ["report", "deepseek-v3", str(TOY), "-o", str(d / "r.html"), "-n", "3000", "--seed",
                                 "2", "--xlsx", str(x), "--statements", str(st)])
    assert r.exit_code == 0, r.output
    est = CliRunner().invoke(app, ["estimate", "deepseek-v3", "-n", "3000", "--seed", "2", "--format", "json"])
    return load_workbook(x), json.loads(est.stdout)


@pytest.fixture(scope="module")
def analyses():
    from typer.testing import CliRunner

    from fullcost.cli import app

    def run(*args):
        r = CliRunner().invoke(app, [*args, "deepseek-v3", "-n", "3000", "--seed", "2", "--format", "json"])
        assert r.exit_code == 0, r.output
        return json.loads(r.stdout)

    return {"replicate": run("replicate"), "trend": run("trend")}


def rows(ws):
    head = [c.value for c in ws[1]]
    return [dict(zip(head, (c.value for c in r), strict=False)) for r in ws.iter_rows(min_row=2)]


def test_sheets(book):
    wb, _ = book
    assert wb.sheetnames == ["Summary", "Cost items", "Bridge", "Excluded", "Lab annual", "Sensitivity",
                             "Replication", "Trend", "Assumptions", "Income statement", "Balance sheet", "About"]


def test_bridge_sums_to_its_total(book):
    wb, est = book
    by: dict[str, list[dict]] = {}
    for r in rows(wb["Bridge"]):
        by.setdefault(r["model"], []).append(r)
    assert set(by) == {"deepseek-v3", "toy"}
    for model, rs in by.items():
        steps = [r["usd (mean)"] for r in rs if r["step"] != "total"]
        total = next(r["usd (mean)"] for r in rs if r["step"] == "total")
        assert all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in steps)
        assert math.isclose(sum(steps), total, rel_tol=1e-9), model
    ds_total = next(r["usd (mean)"] for r in by["deepseek-v3"] if r["step"] == "total")
    assert math.isclose(ds_total, est["development"]["total_usd"]["mean"], rel_tol=1e-14)  # Excel keeps 15 digits
    # the running total is a formula an analyst can follow
    assert str(wb["Bridge"]["E3"].value).startswith("=SUM(D2:D3")


def test_numbers_are_numbers_with_formats(book):
    wb, est = book
    ws = wb["Summary"]
    labels = [c.value for c in ws["A"]]
    r = labels.index("headline") + 1
    cell = ws.cell(row=r, column=2)
    assert cell.value == est["headline"]["usd"] and '"$"#,##0' in cell.number_format
    share = ws.cell(row=labels.index("headline share of development cost (median)") + 1, column=2)
    assert math.isclose(share.value, est["coverage"]["headline_share"]["p50"], rel_tol=1e-14)
    assert share.number_format == "0.0%"
    items = wb["Cost items"]
    for row in items.iter_rows(min_row=2, max_row=5):
        assert isinstance(row[6].value, float) and "$" in row[6].number_format
    assert items.freeze_panes == "A2" and items.auto_filter.ref


def test_cost_items_add_up(book):
    wb, est = book
    its = [r for r in rows(wb["Cost items"]) if r["model"] == "deepseek-v3"]
    parts = [r["mean"] for r in its if r["item"] != "total development cost"]
    assert len(parts) == len(est["development"]["items"])
    assert math.isclose(sum(parts), est["development"]["total_usd"]["mean"], rel_tol=1e-9)


def test_assumptions_with_links_and_problems(book):
    wb, _ = book
    a = rows(wb["Assumptions"])
    ds = {r["input"]: r for r in a if r["model"] == "deepseek-v3"}
    share = ds["staff.roles[0].share"]
    assert share["value or range"] == "20% to 80%" and 0.15 < share["p5"] < share["median"] < share["p95"] < 0.85
    ws = wb["Assumptions"]
    linked = [c for c in ws["K"][1:] if c.value]
    assert linked and all(c.hyperlink is not None and c.hyperlink.target == c.value for c in linked)
    toy = {r["input"]: r for r in a if r["model"] == "toy"}
    assert "not a valid web address" in toy["program.runs[0].share_of_final"]["problem"]


def test_statements_sheets_and_what_is_missing(book):
    wb, _ = book
    assert "Income statement" in wb.sheetnames and "Balance sheet" in wb.sheetnames
    inc = rows(wb["Income statement"])
    assert {r["line"]: r["amount mean"] for r in inc} == {"revenue": 10.0, "net income": -5.0}
    about = [r["note"] for r in rows(wb["About"]) if r["model"] == "toy"]
    assert any("no lab or fleet section" in n for n in about)
    lab = rows(wb["Lab annual"])
    assert any(r["model"] == "toy" and "not estimated" in r["item"] for r in lab)


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _same(got: list, want: list) -> bool:
    """Equal to the 15 significant digits a workbook keeps."""
    return len(got) == len(want) and all(math.isclose(a, b, rel_tol=1e-14) for a, b in zip(got, want, strict=True))


def test_replication_sheet(book, analyses):
    wb, _ = book
    rep = analyses["replicate"]
    rs = [r for r in rows(wb["Replication"]) if r["model"] == "deepseek-v3"]
    totals = {r["openness"]: r for r in rs if r["step"] == "total"}
    assert list(totals) == ["weights", "weights+code", "weights+code+data", "original development"]
    for lv in rep["levels"]:
        t = totals[lv["openness"]]
        assert _same([t["mean"], t["p5"], t["p50"], t["p95"]], [lv["usd"][k] for k in ("mean", "p5", "p50", "p95")])
        assert t["as released"] is (lv["openness"] == rep["released"])
        parts = [r for r in rs if r["openness"] == lv["openness"] and r["step"] != "total"]
        assert [r["step"] for r in parts] == [p["step"] for p in lv["parts"]]
        assert math.isclose(sum(r["mean"] for r in parts), t["mean"], rel_tol=1e-9)  # the steps add up
    assert _same([totals["original development"]["mean"]], [rep["original_development_usd"]["mean"]])
    assert all(_is_number(r[k]) for r in rs for k in ("mean", "p5", "p50", "p95"))
    ws = wb["Replication"]
    assert '"$"#,##0' in ws.cell(row=2, column=6).number_format and ws.auto_filter.ref
    assert any(r["model"] == "toy" for r in rows(ws))


def test_trend_sheet(book, analyses):
    wb, _ = book
    tr = analyses["trend"]
    rs = [r for r in rows(wb["Trend"]) if r["model"] == "deepseek-v3"]
    assert [r["year"] for r in rs] == [y["year"] for y in tr["years"]]
    for r, y, f in zip(rs, tr["years"], tr["frontier"], strict=True):
        assert _same([r["mean"], r["p5"], r["p50"], r["p95"]], [y["usd"][k] for k in ("mean", "p5", "p50", "p95")])
        assert _same([r["P(below threshold)"], r["threshold"], r["frontier p50"]],
                     [tr["probability_by_year"][str(y["year"])], tr["below_usd"], f["usd"]["p50"]])
        assert all(_is_number(v) for v in r.values() if v is not r["model"])
    ws = wb["Trend"]
    assert ws.cell(row=2, column=8).number_format == "0.0%" and ws.cell(row=2, column=2).number_format == "0"
