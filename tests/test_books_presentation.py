"""The income statement by function (the essay's layout, the default) and by nature (``--presentation nature``):
the serving fleet's depreciation in cost of revenue, the research fleet's in R&D, EBITDA adding depreciation back,
a note giving depreciation by nature; both are views of the same journal."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from fullcost.books import accounts as acc
from fullcost.books.draw import draw
from fullcost.books.lab import load_lab
from fullcost.books.policy import Policy
from fullcost.books.post import post
from fullcost.books.statements import income_statement, statements


@pytest.fixture(scope="module")
def deepseek():
    run = draw(load_lab("deepseek"), 400, 0)
    return post(run, Policy("us-gaap")), post(run, Policy("ifrs"))


@pytest.mark.parametrize("policy", [0, 1])
def test_by_function_each_cost_carries_its_depreciation(deepseek, policy):
    j = deepseek[policy]
    for y in j.years:
        f, n = income_statement(j, y), income_statement(j, y, "nature")
        assert np.allclose(f["cogs"], j.flow(acc.COGS, y) + j.flow(acc.DEP_SERVING, y))
        assert np.allclose(f["rnd"], j.flow(acc.RND, y) + j.flow(acc.DEP_RESEARCH, y) + j.flow(acc.AMORTIZATION, y))
        assert np.allclose(f["sga"], j.flow(acc.SGA, y))  # no asset of SG&A's is depreciated
        assert np.allclose(n["cogs"], j.flow(acc.COGS, y))
        # EBITDA adds depreciation back: the same EBITDA, EBIT and net income either way
        assert np.allclose(f["ebit"] + f["depreciation_amortization"], f["ebitda"])
        for k in ("ebitda", "ebit", "net_income"):
            assert np.allclose(f[k], n[k]), k


def test_deepseek_2025_gross_margin_counts_the_serving_fleet(deepseek):
    gaap = deepseek[0]
    ys = statements(gaap, (2025,))[0]
    inc, unit = ys.income, ys.unit
    assert unit is not None
    dep = gaap.flow(acc.DEP_SERVING, 2025)
    assert np.all(dep > 0)
    margin = inc["gross_profit"] / inc["revenue"]
    assert np.allclose(unit["gross_margin"], margin)
    # before depreciation (the nature layout's gross profit, the cash gross margin) it read ~97%
    cash = income_statement(gaap, 2025, "nature")
    assert np.allclose(unit["cash_gross_margin"], cash["gross_profit"] / cash["revenue"])
    assert np.mean(unit["cash_gross_margin"]) > 0.9
    assert np.mean(margin) < 0.8
    note = ys.depreciation
    assert np.allclose(note["by_function"]["cogs"], dep)
    assert np.allclose(sum(note["by_nature"].values()), inc["depreciation_amortization"])


def test_cli_presentations(cli):
    f = cli("statements", "deepseek", "-n", "100", "-f", "json", "--year", "2025")
    n = cli("statements", "deepseek", "-n", "100", "-f", "json", "--year", "2025", "--presentation", "nature")
    assert f.code == 0 and n.code == 0, (f.err, n.err)
    fj, nj = f.json(), n.json()
    assert fj["presentation"] == "function" and nj["presentation"] == "nature"
    assert fj["developer"] == "DeepSeek"
    fi, ni = fj["years"][0]["income_statement"], nj["years"][0]["income_statement"]
    assert list(fi).index("ebit") < list(fi).index("ebitda")  # operating income, then EBITDA adding D&A back
    assert list(ni).index("ebitda") < list(ni).index("ebit")
    assert fi["ebitda"] == ni["ebitda"] and fi["net_income"] == ni["net_income"]
    assert fi["cogs"]["mean"] > ni["cogs"]["mean"]
    note = fj["years"][0]["depreciation_note"]
    assert {d["account"] for d in note["by_nature"]} >= {acc.DEP_SERVING, acc.DEP_RESEARCH}
    assert note["total"] == fi["depreciation_amortization"]
    assert sum(v["mean"] for v in note["by_function"].values()) == pytest.approx(note["total"]["mean"])
    from typer.testing import CliRunner

    from fullcost.cli import app

    wide = {"COLUMNS": "200"}
    t = CliRunner().invoke(app, ["statements", "deepseek", "-n", "100", "--year", "2025"], env=wide).stdout
    assert "operating income (EBIT)" in t and "by nature" in t
    assert "cost of revenue (serving, its fleet's depreciation included)" in t
    t = CliRunner().invoke(app, ["statements", "deepseek", "-n", "100", "--year", "2025", "--presentation",
                                 "nature"], env=wide).stdout
    assert "cost of revenue (serving), before depreciation" in t
    bad = cli("statements", "deepseek", "--presentation", "sideways")
    assert bad.code == 2


def test_report_lays_out_the_books_presentation(tmp_path, cli):
    st = tmp_path / "ds.json"
    r = cli("statements", "deepseek", "-n", "100", "-f", "json")
    st.write_text(r.out)
    out = tmp_path / "r.html"
    r = cli("report", "deepseek-v3", "-n", "200", "-o", str(out), "--statements", str(st))
    assert r.code == 0, r.err
    page = out.read_text(encoding="utf-8")
    assert "Income statement (expenses by function)" in page
    assert "depreciation of the serving fleet" in page and "operating income (EBIT)" in page
    # statements written before there was a choice were by nature, and are labelled so
    old = json.loads(st.read_text())
    old.pop("presentation")
    for y in old["years"]:
        y.pop("depreciation_note")
    st.write_text(json.dumps(old))
    r = cli("report", "deepseek-v3", "-n", "200", "-o", str(out), "--statements", str(st))
    assert r.code == 0, r.err
    page = out.read_text(encoding="utf-8")
    assert "Income statement (expenses by nature)" in page and "before depreciation" in page


@pytest.fixture(scope="module")
def deepseek_books(tmp_path_factory):
    from typer.testing import CliRunner

    from fullcost.cli import app

    p = tmp_path_factory.mktemp("books") / "deepseek.json"
    r = CliRunner().invoke(app, ["statements", "deepseek", "-n", "100", "-f", "json"])
    assert r.exit_code == 0
    p.write_text(r.stdout)
    return p


def test_report_refuses_another_labs_statements(deepseek_books, tmp_path, sh):
    out = tmp_path / "r.html"
    r = sh("report", "llama-3.1-405b", "-n", "100", "-o", str(out), "--statements", str(deepseek_books))
    assert r.code == 2, r.err
    lines = [ln for ln in r.err.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in r.err
    assert re.match(rf"error: {re.escape(str(deepseek_books))}: these are the books of lab 'deepseek'", lines[0])
    assert "llama-3.1-405b (Meta)" in lines[0]
    assert not out.exists()


@pytest.mark.parametrize("model", ["deepseek-v3", "deepseek-v3@essay", "deepseek-r1"])
def test_report_takes_its_own_labs_statements(deepseek_books, tmp_path, cli, model):
    out = tmp_path / "r.html"
    r = cli("report", model, "-n", "100", "-o", str(out), "--statements", str(deepseek_books))
    assert r.code == 0, r.err
    assert "these are the books" not in r.err
    assert 'id="' in out.read_text(encoding="utf-8") and "Not in this report:</strong> the income" not in \
        out.read_text(encoding="utf-8")
