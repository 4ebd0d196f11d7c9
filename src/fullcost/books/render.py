"""Format lab statements (the JSON of ``books.run.to_json``) as terminal tables (rich) or CSV rows.

Years are columns, as in a filed statement; each cell is the mean with its 90% interval beneath.
Formatting only: every number here was computed from the journal.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from fullcost import fmt
from fullcost.books.statements import CASH_LINES, FUNCTIONS, INCOME_TOTALS, income_labels, income_lines, presentation
from fullcost.safe import term as esc

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

S = dict[str, float]
CASH_LABELS = {"operating": "operating activities", "investing": "investing activities (capex)",
               "financing": "financing activities", "net_change": "net change in cash"}
UNIT_FORMATS: dict[str, Callable[[float], str]] = {
    "tokens_served": fmt.num, "api_revenue_per_million_tokens": lambda v: f"${v:,.3f}",
    "cost_per_million_tokens": lambda v: f"${v:,.3f}", "cash_cost_per_million_tokens": lambda v: f"${v:,.3f}",
    "gross_margin": fmt.pct, "cash_gross_margin": fmt.pct,
    "revenue_at_list_prices": fmt.usd, "list_price_markup_over_cost": fmt.pct,
}


_INTERVALS = [True]  # show 90% intervals beneath the means (off for wide tables; set by ``tables``)


def _cell(s: S | None, f: Callable[[float], str] = fmt.usd, bold: bool = False) -> str:
    if s is None:
        return "-"
    main = f(s["mean"])
    if bold:
        main = f"[bold]{main}[/bold]"
    if s["p5"] == s["p95"] or not _INTERVALS[0]:
        return main
    return f"{main}\n[dim]{f(s['p5'])} to {f(s['p95'])}[/dim]"


def _table(title: str, years: list[dict[str, Any]]) -> Table:
    from rich.table import Table

    t = Table(title=title, title_justify="left")
    t.add_column("", overflow="fold", min_width=20)
    for y in years:
        t.add_column(str(y["year"]), justify="right")
    return t


def _console() -> Console:
    from rich.console import Console

    return Console()


def tables(out: dict[str, Any]) -> None:
    c = _console()
    years = out["years"]
    tag = "  [red]ILLUSTRATIVE INPUTS[/red]" if out.get("illustrative") else ""
    c.print(f"[bold]{esc(out['title'])}[/bold] ({esc(out['name'])}){tag}")
    _INTERVALS[0] = len(years) <= 3
    how = ("Means, with 90% intervals beneath." if _INTERVALS[0] else
           "Means; for 90% intervals pick a --year or use --format json or csv.")
    c.print(f"Policy: {esc(out['policy_options']['label'])}; {out['samples']:,} samples, seed {out['seed']}. {how}")

    pres = presentation(out)
    labels = income_labels(pres)
    t = _table(f"Income statement (expenses by {pres})", years)
    for k in income_lines(pres):
        bold = k in INCOME_TOTALS
        label = f"[bold]{labels[k]}[/bold]" if bold else labels[k]
        t.add_row(label, *(_cell(y["income_statement"][k], bold=bold) for y in years))
    c.print(t)
    _depreciation_note(out)

    t = _table("Adjusted EBITDA, reconciled to net income", years)
    steps: list[str] = []
    for y in years:
        for r in y["adjusted_ebitda"]["reconciliation"]:
            if r["name"] not in steps:
                steps.append(r["name"])
    for name in steps:
        vals = [{r["name"]: r["usd"] for r in y["adjusted_ebitda"]["reconciliation"]}.get(name) for y in years]
        t.add_row(esc(name), *(_cell(v) for v in vals))
    t.add_row("[bold]adjusted EBITDA[/bold]", *(_cell(y["adjusted_ebitda"]["value"], bold=True) for y in years))
    c.print(t)

    t = _table("Balance sheet (31 December)", years)
    lines: list[str] = []
    for y in years:
        for k in y["balance_sheet"]["lines"]:
            if k not in lines:
                lines.append(k)
    for root, total in (("Assets", "assets"), ("Liabilities", "liabilities"), ("Equity", "equity")):
        for k in lines:
            if k.split(":", 1)[0] == root:
                t.add_row(esc(k.split(":", 1)[1]), *(_cell(y["balance_sheet"]["lines"].get(k)) for y in years))
        t.add_row(f"[bold]total {total}[/bold]", *(_cell(y["balance_sheet"][total], bold=True) for y in years))
    c.print(t)

    t = _table("Cash flow", years)
    for k in CASH_LINES:
        t.add_row(CASH_LABELS[k], *(_cell(y["cash_flow"][k], bold=k == "net_change") for y in years))
    c.print(t)

    unit_years = [y for y in years if "unit_economics" in y]
    if unit_years:
        t = _table("Unit economics of serving", unit_years)
        for k, f in UNIT_FORMATS.items():
            t.add_row(k.replace("_", " "), *(_cell(y["unit_economics"].get(k), f) for y in unit_years))
        c.print(t)

    if out.get("versus"):
        v = out["versus"]
        diff = v["difference"]
        t = _table(f"{out['policy']} minus {v['policy']}: the same lab, line by line", diff)
        for k in income_lines(pres):
            t.add_row(labels[k], *(_cell(d["income_statement"][k]) for d in diff))
        names: list[str] = []
        for d in diff:
            names += [n for n in d["accounts"] if n not in names]
        for n in names:
            t.add_row(f"  {esc(n)}", *(_cell(d["accounts"].get(n)) for d in diff))
        t.add_row("cash at year end", *(_cell(d["cash"]) for d in diff))
        c.print(t)

    for p in out.get("programs", []):
        c.print(f"Release {esc(p['release'])} ({p['released']}): program {esc(p['program'])}, headline "
                f"{fmt.usd(p['headline_usd'])}, development {fmt.summary(p['development_usd'])}; final run "
                f"{p['final_run'][0]} to {p['final_run'][1]}; IFRS capitalization from {p['capitalize_from']}.")


FUNCTION_NAMES = {"cogs": "in cost of revenue", "rnd": "in research and development",
                  "sga": "in selling, general and administrative"}


def _depreciation_note(out: dict[str, Any]) -> None:
    years = [y for y in out["years"] if "depreciation_note" in y]
    if not years:
        return
    t = _table("Note: depreciation and amortization by nature, and where the income statement carries it", years)
    names: dict[str, str] = {}
    for y in years:
        for d in y["depreciation_note"]["by_nature"]:
            names.setdefault(d["account"], d["name"])
    for a, name in names.items():
        t.add_row(esc(name), *(_cell(next((d["usd"] for d in y["depreciation_note"]["by_nature"]
                                           if d["account"] == a), None)) for y in years))
    t.add_row("[bold]depreciation and amortization[/bold]",
              *(_cell(y["depreciation_note"]["total"], bold=True) for y in years))
    for f in FUNCTIONS:
        t.add_row(f"  {FUNCTION_NAMES[f]}", *(_cell(y["depreciation_note"]["by_function"][f]) for y in years))
    _console().print(t)


def rows(out: dict[str, Any]) -> Iterator[list[Any]]:
    yield ["name", "policy", "presentation", "year", "statement", "line", "mean", "p5", "p50", "p95"]
    pres = presentation(out)

    def r(year: int, statement: str, line: str, s: S) -> list[Any]:
        return [out["name"], out["policy"], pres, year, statement, line, s["mean"], s["p5"], s["p50"], s["p95"]]

    for y in out["years"]:
        yr = y["year"]
        for k, v in y["income_statement"].items():
            yield r(yr, "income_statement", k, v)
        note = y.get("depreciation_note")
        if note:
            for d in note["by_nature"]:
                yield r(yr, "depreciation_note.by_nature", d["account"], d["usd"])
            for k, v in note["by_function"].items():
                yield r(yr, "depreciation_note.by_function", k, v)
            yield r(yr, "depreciation_note", "total", note["total"])
        for a in y["adjusted_ebitda"]["addbacks"]:
            yield r(yr, "adjusted_ebitda.addback", a["name"], a["usd"])
        for a in y["adjusted_ebitda"]["reconciliation"]:  # every step adds: its "+ " is for tables
            yield r(yr, "adjusted_ebitda.reconciliation", a["name"].removeprefix("+ "), a["usd"])
        yield r(yr, "adjusted_ebitda", "value", y["adjusted_ebitda"]["value"])
        for k, v in y["balance_sheet"]["lines"].items():
            yield r(yr, "balance_sheet.lines", k, v)
        for k in ("assets", "liabilities", "equity"):
            yield r(yr, "balance_sheet", k, y["balance_sheet"][k])
        for k in CASH_LINES:
            yield r(yr, "cash_flow", k, y["cash_flow"][k])
        for k, v in y.get("unit_economics", {}).items():
            yield r(yr, "unit_economics", k, v)


def to_csv(out: dict[str, Any]) -> str:
    """The rows as CSV; text that a spreadsheet would read as a formula is written as text (``safe.csv_cell``)."""
    from fullcost.safe import csv_row

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    for row in rows(out):
        w.writerow(csv_row(row))
    return buf.getvalue()
