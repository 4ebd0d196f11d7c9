"""Statements per year, read from the journal and nothing else: income statement, adjusted EBITDA and its
reconciliation to net income, balance sheet, cash flow, unit economics of serving.

Every figure is a sample array; ``to_json`` summarizes each as ``{mean, p5, p50, p95}``. The income statement
has two presentations (IAS 1.99 allows both):

- ``function`` (the default, as the essay lays it out): cost of revenue includes the serving fleet's
  depreciation and energy, R&D the research and training compute's depreciation (and the amortization of
  capitalized models), SG&A its share (none today); operating income (EBIT) follows, and EBITDA adds the
  depreciation and amortization back. A note gives depreciation and amortization by nature (IAS 1.104).
- ``nature``: costs by function before depreciation and amortization (COGS, R&D, SG&A), then EBITDA, then
  depreciation and amortization as one line.

EBITDA, EBIT and net income are the same in both. Adjusted EBITDA adds back the expenses of transactions
that carry an add-back: stock-based compensation, the cash compute of "one-time" training runs, and any
cost the scenario marks as excluded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from fullcost.books import accounts as acc
from fullcost.books.journal import Journal
from fullcost.quantity import Arr
from fullcost.summary import summarize

PRESENTATIONS = ("function", "nature")
INCOME_KEYS = ("revenue", "cogs", "gross_profit", "rnd", "sga", "ebitda", "depreciation_amortization", "ebit",
               "interest", "tax", "net_income")
_LINES = {
    "function": ("revenue", "cogs", "gross_profit", "rnd", "sga", "ebit", "depreciation_amortization", "ebitda",
                 "interest", "tax", "net_income"),
    "nature": INCOME_KEYS,
}
_LABELS = {
    "function": {"revenue": "revenue", "cogs": "cost of revenue (serving, its fleet's depreciation included)",
                 "gross_profit": "gross profit",
                 "rnd": "research and development (compute depreciation included)",
                 "sga": "selling, general and administrative", "ebit": "operating income (EBIT)",
                 "depreciation_amortization": "+ depreciation and amortization (in the costs above)",
                 "ebitda": "EBITDA", "interest": "interest", "tax": "income tax", "net_income": "net income"},
    "nature": {"revenue": "revenue", "cogs": "cost of revenue (serving), before depreciation",
               "gross_profit": "gross profit before depreciation",
               "rnd": "research and development, before depreciation",
               "sga": "selling, general and administrative, before depreciation", "ebitda": "EBITDA",
               "depreciation_amortization": "depreciation and amortization", "ebit": "EBIT (operating income)",
               "interest": "interest", "tax": "income tax", "net_income": "net income"},
}
INCOME_TOTALS = ("gross_profit", "ebitda", "ebit", "net_income")
INCOME_LINES = _LINES["function"]
LABELS = _LABELS["function"]
DA_NATURE = {acc.DEP_SERVING: "depreciation of the serving fleet",
             acc.DEP_RESEARCH: "depreciation of the research fleet (training runs and idle time)",
             acc.AMORTIZATION: "amortization of capitalized model development"}
FUNCTIONS = ("cogs", "rnd", "sga")
CASH_LINES = ("operating", "investing", "financing", "net_change")
EBITDA_PREFIXES = (acc.COGS, acc.RND, acc.SGA)


def da_name(account: str) -> str:
    """A depreciation or amortization account in words."""
    return DA_NATURE.get(account, account.removeprefix(acc.DA + ":").replace(":", " ").lower())


def presentation(out: dict[str, Any]) -> str:
    """The income statement's presentation in a statements JSON; those written before there was a choice are
    by nature."""
    p = out.get("presentation")
    return p if p in PRESENTATIONS else "nature"


def income_lines(presentation: str) -> tuple[str, ...]:
    return _LINES[presentation]


def income_labels(presentation: str) -> dict[str, str]:
    return _LABELS[presentation]


@dataclass(frozen=True)
class YearStatements:
    year: int
    income: dict[str, Arr]
    addbacks: tuple[tuple[str, Arr], ...]
    adjusted_ebitda: Arr
    reconciliation: tuple[tuple[str, Arr], ...]
    balance_lines: dict[str, Arr]
    assets: Arr
    liabilities: Arr
    equity: Arr
    cash_flow: dict[str, Arr]
    cash_open: Arr
    cash_close: Arr
    unit: dict[str, Arr] | None
    depreciation: dict[str, dict[str, Arr]]  # by_nature (account -> usd) and by_function (cogs/rnd/sga -> usd)
    presentation: str = "function"


def depreciation(j: Journal, year: int) -> dict[str, dict[str, Arr]]:
    """Depreciation and amortization by nature (one line per account) and by the function that carries it."""
    nature = {a: j.flow(a, year) for a in j.accounts if acc.under(a, acc.DA)}
    function = {f: j.zeros() for f in FUNCTIONS}
    for a, v in nature.items():
        f = acc.da_function(a)
        function[f] = function[f] + v
    return {"by_nature": nature, "by_function": function}


def income_statement(j: Journal, year: int, presentation: str = "function") -> dict[str, Arr]:
    """The income statement, in ``presentation`` (``function`` or ``nature``); the keys are the same."""
    if presentation not in PRESENTATIONS:
        raise ValueError(f"unknown presentation {presentation!r} (function or nature)")
    revenue = 0.0 - j.flow(acc.REVENUE, year)  # 0.0 - x: no negative zeros
    cogs = j.flow(acc.COGS, year)
    rnd = j.flow(acc.RND, year)
    sga = j.flow(acc.SGA, year)
    da = j.flow(acc.DA, year)
    interest = j.flow(acc.INTEREST, year)
    tax = j.flow(acc.TAX, year)
    net = 0.0 - (j.flow("Income", year) + j.flow("Expenses", year))  # every account, not the lines above
    gross = revenue - cogs
    ebitda = gross - rnd - sga
    ebit = ebitda - da  # the same figures in both presentations, to the last bit
    if presentation == "function":
        by = depreciation(j, year)["by_function"]
        cogs, rnd, sga = cogs + by["cogs"], rnd + by["rnd"], sga + by["sga"]
        gross = revenue - cogs
    return {"revenue": revenue, "cogs": cogs, "gross_profit": gross, "rnd": rnd, "sga": sga, "ebitda": ebitda,
            "depreciation_amortization": da, "ebit": ebit, "interest": interest, "tax": tax, "net_income": net}


def _addback_order(name: str) -> tuple[int, str]:
    if name == "stock-based compensation":
        return (0, name)
    if name.startswith("one-time training run"):
        return (1, name)
    return (2, name)


def addbacks(j: Journal, year: int) -> tuple[tuple[str, Arr], ...]:
    flows = j.addback_flows(year, EBITDA_PREFIXES)
    return tuple((k, flows[k]) for k in sorted(flows, key=_addback_order) if np.any(flows[k] != 0))


def adjusted_ebitda(ebitda: Arr, adds: tuple[tuple[str, Arr], ...]) -> Arr:
    """EBITDA with the add-backs added back."""
    adj = ebitda.copy()
    for _, v in adds:
        adj = adj + v
    return adj


def reconciliation(income: dict[str, Arr], adds: tuple[tuple[str, Arr], ...]) -> tuple[tuple[str, Arr], ...]:
    """From net income to adjusted EBITDA, line by line: the steps sum to adjusted EBITDA."""
    return (("net income", income["net_income"]), ("+ income tax", income["tax"]), ("+ interest", income["interest"]),
            ("+ depreciation and amortization", income["depreciation_amortization"]),
            *((f"+ {name}", v) for name, v in adds))


def balance_sheet(j: Journal, year: int) -> tuple[dict[str, Arr], Arr, Arr, Arr]:
    lines: dict[str, Arr] = {}
    for a in j.accounts:
        r = acc.root(a)
        if r in ("Assets", "Liabilities", "Equity"):
            v = j.balance(a, year)
            lines[a] = v if r == "Assets" else 0.0 - v
    retained = 0.0 - (j.balance("Income", year) + j.balance("Expenses", year))
    lines[acc.RETAINED] = retained
    assets = j.balance("Assets", year)
    liabilities = 0.0 - j.balance("Liabilities", year)
    equity = retained - j.balance("Equity", year)
    return lines, assets, liabilities, equity


def cash_flow(j: Journal, year: int) -> dict[str, Arr]:
    op, inv, fin = (j.cash_flow(a, year) for a in ("operating", "investing", "financing"))
    return {"operating": op, "investing": inv, "financing": fin, "net_change": op + inv + fin}


def unit_economics(j: Journal, year: int, income: dict[str, Arr]) -> dict[str, Arr] | None:
    """Serving per million tokens. The gross margin counts the serving fleet's depreciation (as the income
    statement by function does); the cash gross margin leaves it out."""
    tokens = j.memo.get("tokens", {}).get(year)
    if tokens is None or not np.any(tokens > 0):
        return None
    millions = tokens / 1e6
    api = 0.0 - j.flow(acc.REVENUE_API, year)
    cash_cost = j.flow(acc.COGS, year)
    serving_cost = cash_cost + j.flow(acc.DEP_SERVING, year)
    rev = income["revenue"]
    listed = j.memo.get("list_revenue", {}).get(year, np.zeros(j.n))

    def per(a: Arr) -> Arr:
        out: Arr = np.divide(a, millions, out=np.zeros(j.n), where=millions > 0)
        return out

    def share(a: Arr, b: Arr) -> Arr:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            out: Arr = np.divide(a, b, out=np.full(j.n, np.nan), where=b > 0)
        return out

    return {
        "tokens_served": tokens,
        "api_revenue_per_million_tokens": per(api),
        "cost_per_million_tokens": per(serving_cost),
        "cash_cost_per_million_tokens": per(cash_cost),
        "gross_margin": share(rev - serving_cost, rev),
        "cash_gross_margin": share(rev - cash_cost, rev),
        "revenue_at_list_prices": listed,
        "list_price_markup_over_cost": share(listed - serving_cost, serving_cost),
    }


def year_statements(j: Journal, year: int, presentation: str = "function") -> YearStatements:
    inc = income_statement(j, year, presentation)
    adds = addbacks(j, year)
    adj = adjusted_ebitda(inc["ebitda"], adds)
    lines, assets, liabilities, equity = balance_sheet(j, year)
    return YearStatements(year, inc, adds, adj, reconciliation(inc, adds), lines, assets, liabilities, equity,
                          cash_flow(j, year), j.balance(acc.CASH, year - 1), j.balance(acc.CASH, year),
                          unit_economics(j, year, inc), depreciation(j, year), presentation)


def statements(j: Journal, years: tuple[int, ...] | None = None, presentation: str = "function"
               ) -> list[YearStatements]:
    return [year_statements(j, y, presentation) for y in (years or j.years)]


def _s(a: Arr) -> dict[str, float]:
    a = np.asarray(a, dtype=np.float64)
    ok = a[np.isfinite(a)]
    if ok.size == 0:
        return {"mean": 0.0, "p5": 0.0, "p50": 0.0, "p95": 0.0}
    return summarize(ok)


def year_json(ys: YearStatements) -> dict[str, Any]:
    out: dict[str, Any] = {
        "year": ys.year,
        "income_statement": {k: _s(ys.income[k]) for k in income_lines(ys.presentation)},
        "adjusted_ebitda": {
            "value": _s(ys.adjusted_ebitda),
            "addbacks": [{"name": n, "usd": _s(v)} for n, v in ys.addbacks],
            "reconciliation": [{"name": n, "usd": _s(v)} for n, v in ys.reconciliation],
        },
        "balance_sheet": {"assets": _s(ys.assets), "liabilities": _s(ys.liabilities), "equity": _s(ys.equity),
                          "lines": {k: _s(v) for k, v in ys.balance_lines.items()}},
        "cash_flow": {k: _s(ys.cash_flow[k]) for k in CASH_LINES},
    }
    dep = ys.depreciation
    out["depreciation_note"] = {
        "by_nature": [{"account": a, "name": da_name(a), "usd": _s(v)} for a, v in dep["by_nature"].items()],
        "by_function": {f: _s(v) for f, v in dep["by_function"].items()},
        "total": _s(ys.income["depreciation_amortization"]),
    }
    if ys.unit is not None:
        out["unit_economics"] = {k: _s(v) for k, v in ys.unit.items()}
    return out


@dataclass(frozen=True)
class Difference:
    """How one policy's statements differ from another's in one year, line by line (``b`` minus ``a``)."""

    year: int
    income: dict[str, Arr]
    accounts: dict[str, Arr]
    cash: Arr  # difference in year-end cash (zero when only the accounting differs)


def compare(a: Journal, b: Journal, presentation: str = "function") -> list[Difference]:
    out = []
    names = sorted({x for x in a.accounts + b.accounts if acc.root(x) in ("Income", "Expenses")})
    for y in a.years:
        ia, ib = income_statement(a, y, presentation), income_statement(b, y, presentation)
        accounts = {n: b.flow(n, y) - a.flow(n, y) for n in names}
        accounts = {n: v for n, v in accounts.items() if np.any(np.abs(v) > 1e-9 * (1 + np.abs(a.flow(n, y))))}
        ca, cb = a.balance(acc.CASH, y), b.balance(acc.CASH, y)
        cash = np.where(np.abs(cb - ca) <= 1e-9 * (1.0 + np.abs(ca)), 0.0, cb - ca)
        out.append(Difference(y, {k: ib[k] - ia[k] for k in income_lines(presentation)}, accounts, cash))
    return out


def difference_json(diffs: list[Difference]) -> list[dict[str, Any]]:
    return [{"year": d.year, "income_statement": {k: _s(v) for k, v in d.income.items()},
             "accounts": {k: _s(v) for k, v in d.accounts.items()}, "cash": _s(d.cash)} for d in diffs]
