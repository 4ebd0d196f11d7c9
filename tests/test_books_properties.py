"""Properties of the books over random labs built in memory: every posting balances, the balance sheet
balances in every sample of every year, the statements add up, and the policies agree on cash."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fullcost.books import accounts as acc
from fullcost.books.draw import draw
from fullcost.books.lab import from_data
from fullcost.books.policy import Policy, consumed
from fullcost.books.post import post
from fullcost.books.statements import income_statement, statements
from fullcost.quantity import TINY

CHIPS = ("h100-sxm", "a100-80gb", "h800")  # all with catalog purchase and rental prices


def close(a: np.ndarray, b: np.ndarray, scale: np.ndarray | float = 1.0) -> bool:
    return bool(np.all(np.abs(np.asarray(a) - np.asarray(b)) <= 1e-9 * (1.0 + np.abs(scale))))


def qty(draw_: Any, lo: float, hi: float) -> Any:
    """A point value or a 90% interval, as a scenario would write it (zero, or within the stated range of a
    quantity: at least ``TINY``)."""
    a = draw_(st.floats(max(lo, TINY), hi) | st.just(0.0)) if lo <= 0 else draw_(st.floats(lo, hi))
    if a <= 0 or draw_(st.booleans()):
        return a
    b = draw_(st.floats(a, min(a * 20, hi * 2)))
    return f"{a:.6g} to {b:.6g}" if b > a else a


def date_in(draw_: Any, start: dt.date, end: dt.date) -> str:
    days = (end - start).days - 1
    return (start + dt.timedelta(days=draw_(st.integers(0, max(days, 0))))).isoformat()


@st.composite
def labs(draw_: Any) -> dict[str, Any]:
    y0 = draw_(st.integers(2020, 2023))
    founded = dt.date(y0, draw_(st.integers(1, 12)), 1)
    last = y0 + draw_(st.integers(0, 3))
    end = dt.date(last + 1, 1, 1)
    years = list(range(y0, last + 1))
    lab: dict[str, Any] = {"kind": "lab", "name": "gen", "founded": founded.isoformat(), "last_year": last,
                           "tax": {"rate": draw_(st.sampled_from(["21%", "25%", "15% to 30%"])),
                                   "loss_carryforward": draw_(st.booleans())}}
    purchases = [{"hardware": draw_(st.sampled_from(CHIPS)), "count": qty(draw_, 1, 5000),
                  "date": date_in(draw_, founded, end),
                  **({"contributed_by": "parent", "price_usd": qty(draw_, 5000, 40000)}
                     if draw_(st.booleans()) else {}),
                  **({"useful_life": qty(draw_, 1, 7)} if draw_(st.booleans()) else {})}
                 for _ in range(draw_(st.integers(0, 3)))]
    if purchases:
        lab["fleet"] = {"purchases": purchases, "utilization": draw_(st.sampled_from(["50% to 90%", "80%"])),
                        "depreciation": draw_(st.sampled_from(["straight_line", "sum_of_years_digits"])),
                        "pue": 1.2, "electricity_usd_per_kwh": qty(draw_, 0.03, 0.2)}
    lab["funding"] = [{"name": f"round {i}", "date": date_in(draw_, founded, end), "usd": qty(draw_, 1e6, 1e9),
                       **({"kind": "debt", "interest_rate": qty(draw_, 0.01, 0.15),
                           "term": draw_(st.sampled_from([0.5, 2, 10]))} if draw_(st.booleans()) else {})}
                      for i in range(draw_(st.integers(1, 3)))]
    lab["staff"] = [{"role": f"role {i}", "line": draw_(st.sampled_from(["rnd", "sga", "cogs"])),
                     "salary_usd": qty(draw_, 1e4, 5e5),
                     **({"stock_comp_usd": qty(draw_, 0, 1e6)} if draw_(st.booleans()) else {}),
                     "headcount": {y: qty(draw_, 0, 500) for y in years if draw_(st.booleans())}}
                    for i in range(draw_(st.integers(0, 3)))]
    lab["costs"] = [{"name": f"cost {i}", "kind": draw_(st.sampled_from(["offices", "legal", "data", "research"])),
                     "usd_per_year": qty(draw_, 1e3, 1e8), "exclude_from_adjusted_ebitda": draw_(st.booleans())}
                    for i in range(draw_(st.integers(0, 2)))]
    lab["cloud"] = [{"name": f"cloud {i}", "start": date_in(draw_, founded, end), "usd_per_year": qty(draw_, 1e5, 1e9),
                     "serving_share": draw_(st.sampled_from(["0%", "30%", "10% to 60%"]))}
                    for i in range(draw_(st.integers(0, 2)))]
    serving = []
    for y in years:
        if draw_(st.booleans()):
            s: dict[str, Any] = {"year": y, "tokens_per_day": {"input": qty(draw_, 1e6, 1e12),
                                                               "output": qty(draw_, 1e6, 1e11)},
                                 "usd_per_million": {"input": qty(draw_, 0.01, 5), "output": qty(draw_, 0.05, 20)},
                                 "billed_share": draw_(st.sampled_from(["100%", "20% to 80%"]))}
            if purchases and draw_(st.booleans()):
                s["gpus"] = qty(draw_, 1, 2000)
            serving.append(s)
    lab["serving"] = serving
    if draw_(st.booleans()):
        lab["revenue"] = [{"name": "contracts", "kind": "enterprise",
                           "usd": {y: qty(draw_, 1e5, 1e9) for y in years}}]
    releases = []
    for i in range(draw_(st.integers(0, 2))):
        rel = date_in(draw_, founded, end)
        prog: dict[str, Any] = {
            "name": f"model-{i}", "model": {"params_active": "1B", "tokens": "100B"},
            "final_run": {"hardware": draw_(st.sampled_from(CHIPS)), "gpus": qty(draw_, 8, 4096),
                          "gpu_hours": qty(draw_, 1e3, 1e7), "usd_per_gpu_hour": qty(draw_, 0.5, 5)},
            "staff": {"duration": qty(draw_, 0.1, 2), "roles": [{"role": "r", "headcount": qty(draw_, 1, 300),
                                                                  "salary_usd": qty(draw_, 1e4, 4e5)}]},
            "data": [{"name": "d", "usd": qty(draw_, 1e3, 1e7)}] if draw_(st.booleans()) else [],
        }
        if draw_(st.booleans()):
            prog["program"] = {"multiplier": draw_(st.sampled_from([1.5, "2 to 4"]))}
        releases.append({"name": f"model-{i}", "released": rel, "program": prog,
                         **({"useful_life": qty(draw_, 0.2, 3)} if draw_(st.booleans()) else {})})
    lab["releases"] = releases
    return lab


def _check_journal(j: Any) -> None:
    for t in j.transactions:
        amounts = np.vstack([p.usd for p in t.postings])
        assert close(amounts.sum(axis=0), 0.0, np.abs(amounts).sum(axis=0))
        assert all(acc.is_valid(p.account) for p in t.postings)
    for ys in statements(j):
        y = ys.year
        inc = ys.income
        scale = sum(np.abs(v) for v in ys.balance_lines.values())
        # the balance sheet balances in every sample
        assert close(ys.assets, ys.liabilities + ys.equity, scale)
        # the income statement adds up to net income, which is read from every account, in both presentations:
        # by function (depreciation inside cost of revenue, R&D and SG&A; EBITDA adds it back) and by nature
        scale_i = sum(np.abs(v) for v in inc.values())
        nat = income_statement(j, y, "nature")
        for k in ("revenue", "ebitda", "ebit", "depreciation_amortization", "interest", "tax", "net_income"):
            assert close(inc[k], nat[k], scale_i), k
        dep = ys.depreciation
        assert close(sum(dep["by_nature"].values(), np.zeros(j.n)), inc["depreciation_amortization"], scale_i)
        assert close(sum(dep["by_function"].values(), np.zeros(j.n)), inc["depreciation_amortization"], scale_i)
        for k in ("cogs", "rnd", "sga"):
            assert close(inc[k], nat[k] + dep["by_function"][k], scale_i), k
        for s_ in (inc, nat):
            assert close(s_["revenue"] - s_["cogs"], s_["gross_profit"], scale_i)
        assert close(inc["gross_profit"] - inc["rnd"] - inc["sga"], inc["ebit"], scale_i)
        assert close(inc["ebit"] + inc["depreciation_amortization"], inc["ebitda"], scale_i)
        assert close(nat["gross_profit"] - nat["rnd"] - nat["sga"], nat["ebitda"], scale_i)
        assert close(inc["ebitda"] - inc["depreciation_amortization"] - inc["interest"] - inc["tax"],
                     inc["net_income"], scale_i)
        # the cash flow's net change is the change in cash
        cf = ys.cash_flow
        assert close(cf["operating"] + cf["investing"] + cf["financing"], cf["net_change"], scale)
        assert close(cf["net_change"], ys.cash_close - ys.cash_open, scale)
        # the indirect method agrees with the direct one
        sbc = sum(j.flow(a, y) for a in acc.SBC_ACCOUNTS)
        payable = -(j.balance(acc.TAX_PAYABLE, y) - j.balance(acc.TAX_PAYABLE, y - 1))
        indirect = inc["net_income"] + inc["depreciation_amortization"] + sbc + j.flow(acc.TAX_DEFERRED, y) + payable
        assert close(indirect, cf["operating"], scale)
        # the adjusted-EBITDA reconciliation adds up, both ways
        steps = sum(v for _, v in ys.reconciliation)
        assert close(steps, ys.adjusted_ebitda, scale_i)
        assert close(inc["ebitda"] + sum((v for _, v in ys.addbacks), np.zeros(j.n)), ys.adjusted_ebitda, scale_i)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(labs(), st.integers(1, 6), st.integers(0, 2**16), st.sampled_from([None, 4.0, 6.0]),
       st.sampled_from([None, "straight_line", "sum_of_years_digits"]), st.sampled_from(["owned", "rented"]))
def test_books_balance_and_statements_add_up(data, n, seed, life, method, compute):
    doc = from_data(data, "<generated>")
    run = draw(doc, n, seed)
    gaap = post(run, Policy("us-gaap", method, life, compute))  # type: ignore[arg-type]
    ifrs = post(run, Policy("ifrs", method, life, compute))  # type: ignore[arg-type]
    _check_journal(gaap)
    _check_journal(ifrs)
    for y in run.years:
        # the same lab under both standards: identical cash and PP&E, every year, every sample (to rounding of
        # the size of the ledger: a balance that nets to zero keeps the rounding of what was added and taken away)
        size = sum(np.abs(gaap.balance(a, y)) for a in gaap.accounts)
        assert close(gaap.balance(acc.CASH, y), ifrs.balance(acc.CASH, y), size)
        assert close(gaap.balance("Assets:PPE", y), ifrs.balance("Assets:PPE", y), size)
        assert np.all(gaap.balance("Assets:Intangible", y) == 0)
        # the profit difference is the net intangible less its deferred tax
        eq = [-(j.balance("Equity", y) + j.balance("Income", y) + j.balance("Expenses", y)) for j in (gaap, ifrs)]
        net_intangible = ifrs.balance("Assets:Intangible", y)
        dtl = -ifrs.balance(acc.DEFERRED_TAX, y)
        scale = sum(np.abs(ifrs.balance(a, y)) for a in ifrs.accounts)
        assert close(eq[1] - eq[0], net_intangible - dtl, scale)
        assert np.all(net_intangible >= -1e-6 * (1 + np.abs(ifrs.balance(acc.MODEL_DEVELOPMENT, y))))


@given(st.sampled_from(["straight_line", "sum_of_years_digits"]), st.floats(0.1, 20), st.integers(0, 3650))
def test_depreciation_never_exceeds_cost_and_ends_at_full_cost(method, life, days):
    start = dt.date(2023, 3, 1)
    life_a = np.array([life])
    a = consumed(method, start, start + dt.timedelta(days=days), life_a)
    assert 0.0 <= a[0] <= 1.0
    assert consumed(method, start, start + dt.timedelta(days=int(life * 365.25) + 2), life_a)[0] == 1.0
    if method == "sum_of_years_digits" and 0 < days < life * 365.25:
        assert a[0] >= consumed("straight_line", start, start + dt.timedelta(days=days), life_a)[0]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(labs(), st.sampled_from(["us-gaap", "ifrs"]), st.sampled_from(["mean", "p50", "p95"]))
def test_any_lab_exports_a_ledger_beancount_accepts(data, standard, at):
    from beancount import loader

    from fullcost.books.beancount import ledger

    j = post(draw(from_data(data, "<generated>"), 3, 1), Policy(standard))  # type: ignore[arg-type]
    _, errors, _ = loader.load_string(ledger(j, at))
    assert errors == []
