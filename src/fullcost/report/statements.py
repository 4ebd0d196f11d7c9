"""The financial statements as tables: a statements JSON (the books' own, year by year, or any reasonable
generic shape) read into titled rows and columns, for the page and the workbook to lay out. No HTML here."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fullcost.books.statements import INCOME_TOTALS, income_labels, presentation

# The financial statements: (key, title, keys a statements JSON may use for it)
STATEMENTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("income_statement", "Income statement",
     ("income_statement", "income", "profit_and_loss", "pnl", "is")),
    ("balance_sheet", "Balance sheet", ("balance_sheet", "balance", "bs")),
    ("cash_flow", "Cash flow statement", ("cash_flow", "cash_flow_statement", "cashflow", "cf")),
    ("adjusted_ebitda", "Adjusted EBITDA reconciliation",
     ("adjusted_ebitda", "adjusted_ebitda_reconciliation", "ebitda", "non_gaap", "reconciliation")),
)


@dataclass(frozen=True)
class StatementRow:
    label: str
    level: int
    values: tuple[Any, ...]  # per column: a number, a summary {mean, p5, p50, p95}, a string, or None
    total: bool = False

    @property
    def heading(self) -> bool:
        return all(v is None for v in self.values)


@dataclass(frozen=True)
class Statement:
    """One statement as a table: rows of labelled values, one column per year (or one 'amount' column)."""

    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[StatementRow, ...]


_LABEL_KEYS = ("label", "name", "line", "item", "account", "caption")
_VALUE_KEYS = ("usd", "amount", "value", "total_usd", "total")
_CHILD_KEYS = ("lines", "rows", "items", "children", "detail", "details")
_META_KEYS = ("title", "period", "currency", "note", "notes", "units", "unit", "name", "basis", "model", "year")
# Notes shown beside the statements where the books give them (never reported missing when they do not)
NOTES: tuple[tuple[str, str], ...] = (("depreciation_note", "Depreciation by nature"),)
FUNCTION_NAMES = {"cogs": "in cost of revenue", "rnd": "in research and development",
                  "sga": "in selling, general and administrative"}
CASH_LABELS = {"operating": "operating activities", "investing": "investing activities",
               "financing": "financing activities", "net_change": "net change in cash"}


def is_summary(v: Any) -> bool:
    return isinstance(v, dict) and "mean" in v and all(isinstance(x, (int, float)) for x in v.values())


def _statement(doc: dict[str, Any] | None, key: str) -> Any:
    """The part of a generic statements JSON that holds one statement (by its key or an alias)."""
    if not doc:
        return None
    for k, _, aliases in STATEMENTS:
        if k != key:
            continue
        low = {str(kk).lower().replace(" ", "_").replace("-", "_"): vv for kk, vv in doc.items()}
        for a in aliases:
            if a in low:
                return low[a]
    return None


def statement_rows(obj: Any, level: int = 0) -> list[StatementRow]:
    """Any reasonable statement JSON as rows: lists of {label, usd, lines?}, or nested label -> value maps."""
    out: list[StatementRow] = []
    if isinstance(obj, dict):
        for ck in _CHILD_KEYS:
            if isinstance(obj.get(ck), list):
                return statement_rows(obj[ck], level)
        for k, v in obj.items():
            if k in _META_KEYS:
                continue
            label = str(k).replace("_", " ")
            tot = label.lower().startswith(("total", "net ", "adjusted"))
            if (isinstance(v, (int, float)) and not isinstance(v, bool)) or is_summary(v) or isinstance(v, str):
                out.append(StatementRow(label, level, (v,), tot))
            elif isinstance(v, (dict, list)):
                out.append(StatementRow(label, level, (None,), False))
                out += statement_rows(v, level + 1)
    elif isinstance(obj, list):
        for el in obj:
            if isinstance(el, dict):
                lab = next((el[k] for k in _LABEL_KEYS if isinstance(el.get(k), str)), None)
                if lab is None:
                    out += statement_rows(el, level)
                    continue
                val = next((el[k] for k in _VALUE_KEYS if k in el), None)
                lvl = level + int(el["level"]) if isinstance(el.get("level"), int) else level
                tot = bool(el.get("total") is True or el.get("subtotal") or el.get("kind") in ("total", "subtotal")
                           or lab.lower().startswith(("total", "net ")))
                out.append(StatementRow(lab, lvl, (None if isinstance(val, bool) else val,), tot))
                kids = next((el[k] for k in _CHILD_KEYS if isinstance(el.get(k), (list, dict))), None)
                if kids is not None:
                    out += statement_rows(kids, lvl + 1)
            else:
                out.append(StatementRow(str(el), level, (None,)))
    return out


def _account_label(account: str) -> str:
    parts = account.split(":")
    return " › ".join(re.sub(r"(?<=[a-z])(?=[A-Z])", " ", p) for p in parts[1:]) or account


def _books_statements(doc: dict[str, Any]) -> list[Statement]:
    """The JSON of ``fullcost.books`` (``years: [{year, income_statement, balance_sheet, ...}]``) as tables."""
    years = [y for y in doc["years"] if isinstance(y, dict)]
    cols = tuple(str(y.get("year", i + 1)) for i, y in enumerate(years))

    def keys(get: Callable[[dict[str, Any]], Any]) -> list[str]:
        seen: list[str] = []
        for y in years:
            part = get(y)
            if isinstance(part, dict):
                seen += [k for k in part if k not in seen]
        return seen

    def vals(get: Callable[[dict[str, Any]], Any], k: str) -> tuple[Any, ...]:
        out = []
        for y in years:
            part = get(y)
            out.append(part.get(k) if isinstance(part, dict) else None)
        return tuple(out)

    out: list[Statement] = []
    inc = keys(lambda y: y.get("income_statement"))
    pres = presentation(doc)
    labels = income_labels(pres)
    if inc:
        out.append(Statement("income_statement", f"Income statement (expenses by {pres})", cols, tuple(
            StatementRow(labels.get(k, k.replace("_", " ")), 0, vals(lambda y: y.get("income_statement"), k),
                         k in INCOME_TOTALS) for k in inc)))

    def note(y: dict[str, Any]) -> Any:
        n = y.get("depreciation_note")
        return n if isinstance(n, dict) else None

    def by_nature(y: dict[str, Any]) -> Any:
        n = note(y)
        return {str(d.get("name")): d.get("usd") for d in n.get("by_nature", []) if isinstance(d, dict)} if n \
            else None

    natures = keys(by_nature)
    if natures:
        rows_ = [StatementRow(k, 0, vals(by_nature, k)) for k in natures]
        rows_.append(StatementRow("depreciation and amortization", 0, vals(note, "total"), True))
        rows_ += [StatementRow(FUNCTION_NAMES.get(f, f), 1, vals(lambda y: (note(y) or {}).get("by_function"), f))
                  for f in keys(lambda y: (note(y) or {}).get("by_function"))]
        out.append(Statement("depreciation_note", "Note: depreciation and amortization by nature, and where the "
                                                  "income statement carries it", cols, tuple(rows_)))

    def bs(y: dict[str, Any]) -> Any:
        b = y.get("balance_sheet")
        return b.get("lines") if isinstance(b, dict) else None

    lines = keys(bs)
    if lines:
        rows: list[StatementRow] = []
        for root, total_key, title in (("Assets", "assets", "total assets"),
                                       ("Liabilities", "liabilities", "total liabilities"),
                                       ("Equity", "equity", "total equity")):
            rows.append(StatementRow(root, 0, (None,) * len(cols)))
            rows += [StatementRow(_account_label(a), 1, vals(bs, a)) for a in lines if a.split(":")[0] == root]
            rows.append(StatementRow(title, 0, vals(lambda y: y.get("balance_sheet"), total_key), True))
        out.append(Statement("balance_sheet", "Balance sheet (year end)", cols, tuple(rows)))
    cf = keys(lambda y: y.get("cash_flow"))
    if cf:
        out.append(Statement("cash_flow", "Cash flow statement", cols, tuple(
            StatementRow(CASH_LABELS.get(k, k.replace("_", " ")), 0, vals(lambda y: y.get("cash_flow"), k),
                         k == "net_change") for k in cf)))

    def rec(y: dict[str, Any]) -> Any:
        a = y.get("adjusted_ebitda")
        steps = a.get("reconciliation") if isinstance(a, dict) else None
        return {str(s.get("name")): s.get("usd") for s in steps if isinstance(s, dict)} if isinstance(steps, list) \
            else None

    names = keys(rec)
    if names:
        rows = [StatementRow(n, 0, vals(rec, n), n == "net income") for n in names]
        rows.append(StatementRow("adjusted EBITDA", 0, tuple(
            (y.get("adjusted_ebitda") or {}).get("value") for y in years), True))
        out.append(Statement("adjusted_ebitda", "Adjusted EBITDA: reconciliation from net income", cols,
                             tuple(rows)))
    return out


def statement_tables(doc: dict[str, Any] | None) -> list[Statement]:
    """The statements a JSON holds, in the order of ``STATEMENTS``; the books' shape or a generic one."""
    if not doc:
        return []
    if isinstance(doc.get("years"), list):
        return _books_statements(doc)
    out = []
    for key, title, _ in STATEMENTS:
        part = _statement(doc, key)
        if part is None:
            continue
        rows = statement_rows(part)
        period = part.get("period") if isinstance(part, dict) else None
        out.append(Statement(key, title, (str(period) if period else "amount",), tuple(rows)))
    return out


def statement_caption(doc: dict[str, Any] | None) -> str:
    if not doc:
        return ""
    bits = [str(doc.get("title") or doc.get("name") or "")]
    pol = doc.get("policy_options")
    if isinstance(pol, dict) and pol.get("label"):
        bits.append(str(pol["label"]))
    elif doc.get("policy"):
        bits.append(str(doc["policy"]))
    if doc.get("illustrative"):
        bits.append("illustrative")
    return ", ".join(b for b in bits if b)
