"""The workbook: assumptions, cost items, the bridge, the footnotes, replication, the trend and the statements,
for an analyst.

Numbers are numbers (formatted as dollars, percentages or counts, never as text); text is text: a scenario's
``why: "=HYPERLINK(...)"`` or the catalog's note ``= 2.03125: ...`` is written as a text cell, never as a formula
(the only formulas are the bridge's running totals, marked ``Formula``). Every sheet has a header row that stays
in view, filters, and widths that fit. The bridge's rows add up to its total row.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from fullcost import __version__
from fullcost.report.model import ModelReport
from fullcost.report.statements import NOTES, STATEMENTS, is_summary, statement_tables
from fullcost.safe import FORMULA_PREFIXES, sheet_text
from fullcost.views import OWN_COST_LABEL

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell, MergedCell
    from openpyxl.worksheet.worksheet import Worksheet

USD = '"$"#,##0;[Red]-"$"#,##0'
PCT = "0.0%"
COUNT = "#,##0"
NUM = "#,##0.####"
SCI = "0.00E+00"


class Formula(str):
    """A formula the workbook means to write (the bridge's running total); every other string is text."""


def _clean(v: Any) -> Any:
    return sheet_text(v) if isinstance(v, str) and not isinstance(v, Formula) else v


def _as_text(c: Cell | MergedCell, v: Any) -> None:
    """Keep a string cell a string: openpyxl would take text starting with "=" for a formula."""
    if isinstance(v, str) and not isinstance(v, Formula):
        c.data_type = "s"
        if v.startswith(FORMULA_PREFIXES):
            c.quotePrefix = True  # and Excel keeps it text when the cell is edited


def _append(ws: Worksheet, values: Sequence[Any]) -> int:
    vals = [_clean(v) for v in values]
    ws.append(vals)
    r = ws.max_row
    for col, v in enumerate(vals, start=1):
        _as_text(ws.cell(row=r, column=col), v)
    return r


def _sheet(wb: Any, title: str, header: Sequence[str], widths: Sequence[int]) -> Worksheet:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    ws: Worksheet = wb.create_sheet(title)
    _append(ws, list(header))
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="16324F")
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        cell.border = Border(bottom=Side(style="thin"))
    ws.freeze_panes = "A2"
    return ws


def _row(ws: Worksheet, values: Sequence[Any], formats: dict[int, str] | None = None, bold: bool = False,
         indent: int = 0) -> int:
    from openpyxl.styles import Alignment, Font

    r = _append(ws, values)
    for col, f in (formats or {}).items():
        c = ws.cell(row=r, column=col)
        if (isinstance(c.value, (int, float)) and not isinstance(c.value, bool)) or isinstance(values[col - 1],
                                                                                               Formula):
            c.number_format = f
    if bold:
        for col in range(1, len(values) + 1):
            ws.cell(row=r, column=col).font = Font(bold=True)
    if indent:
        ws.cell(row=r, column=2).alignment = Alignment(indent=indent)
    return r


def _filter(ws: Worksheet) -> None:
    ws.auto_filter.ref = ws.dimensions


def _summary_vals(s: dict[str, float]) -> list[float]:
    return [s["mean"], s["p5"], s["p50"], s["p95"]]


def workbook(ms: Sequence[ModelReport], generated: str) -> bytes:
    """The workbook as bytes (written by the caller in one go, so a failure leaves no partial file)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    default = wb.active
    if default is not None:
        wb.remove(default)

    # -- summary: one column per model
    ws = _sheet(wb, "Summary", ["measure", *(m.title for m in ms), "unit"], [44, *([20] * len(ms)), 12])
    lines: list[tuple[str, Any, str, str]] = [
        ("scenario", lambda o: o["name"], "", ""),
        ("amounts in", lambda o: o["dollars"]["label"] if o.get("dollars") else "US dollars", "", ""),
        ("headline", lambda o: o["headline"]["usd"], USD, "USD"),
        ("headline basis", lambda o: o["headline"]["basis"], "", ""),
        ("headline GPU-hours", lambda o: o["headline"]["gpu_hours"], COUNT, "GPU-hours"),
        ("headline price per GPU-hour", lambda o: o["headline"]["usd_per_gpu_hour"], '"$"#,##0.00', "USD"),
        ("final-run GPUs", lambda o: o["final_run"]["gpus"], COUNT, "GPUs"),
        ("final-run hardware", lambda o: o["final_run"]["hardware"], "", ""),
        ("training compute", lambda o: o["final_run"]["flops"], SCI, "FLOP"),
        ("training compute basis", lambda o: {"6ND": "6·N·D", "reported": "as reported"}.get(
            o["final_run"].get("flops_basis", "6ND"), "unknown"), "", ""),
        ("implied MFU", lambda o: o["final_run"]["implied_mfu"], PCT, ""),
        (f"{OWN_COST_LABEL} (mean)", lambda o: o["final_run"]["own_cost_usd"]["mean"], USD, "USD"),
        ("final run, amortized ownership, Epoch AI's method (mean)", lambda o: o["final_run"]["amortized_usd"]["mean"],
         USD, "USD"),
        ("cluster acquisition (mean)", lambda o: o["final_run"]["acquisition_usd"]["mean"], USD, "USD"),
        ("development cost (mean)", lambda o: o["development"]["total_usd"]["mean"], USD, "USD"),
        ("development cost, 5th percentile", lambda o: o["development"]["total_usd"]["p5"], USD, "USD"),
        ("development cost, median", lambda o: o["development"]["total_usd"]["p50"], USD, "USD"),
        ("development cost, 95th percentile", lambda o: o["development"]["total_usd"]["p95"], USD, "USD"),
        ("headline share of development cost (median)", lambda o: o["coverage"]["headline_share"]["p50"], PCT, ""),
        ("program GPU-hours (mean)", lambda o: o["development"]["program_gpu_hours"]["mean"], COUNT, "GPU-hours"),
        ("lab annual cost (mean)",
         lambda o: o["lab_annual"]["total_usd"]["mean"] if o.get("lab_annual") else None, USD, "USD"),
        ("samples", lambda o: o["samples"], COUNT, ""),
        ("seed", lambda o: o["seed"], "0", ""),
    ]
    for label, get, f, unit in lines:
        _row(ws, [label, *(get(m.out) for m in ms), unit], {i + 2: f for i in range(len(ms))} if f else None)
    ws.cell(row=ws.max_row + 2, column=1, value=f"fullcost {__version__}, generated {generated}. "
            "Ranges are 90% intervals (5th to 95th percentile of the simulations).").font = Font(italic=True)

    # -- cost items
    ws = _sheet(wb, "Cost items", ["model", "item", "category", "phase", "line", "cash", "mean", "p5", "p50", "p95",
                                   "how it was computed"], [16, 60, 11, 13, 7, 7, 15, 15, 15, 15, 80])
    money = {7: USD, 8: USD, 9: USD, 10: USD}
    for m in ms:
        dev = m.out["development"]
        for it in dev["items"]:
            _row(ws, [m.name, it["name"], it["category"], it["phase"], it["line"], it["cash"],
                      *_summary_vals(it["usd"]), it["detail"]], money)
        _row(ws, [m.name, "total development cost", "", "", "", "", *_summary_vals(dev["total_usd"]), ""], money,
             bold=True)
    _filter(ws)

    # -- the bridge: steps then the total; a running total by formula
    ws = _sheet(wb, "Bridge", ["model", "step", "label", "usd (mean)", "running total"], [16, 15, 58, 16, 16])
    for m in ms:
        first = ws.max_row + 1
        for b in m.out["bridge"]:
            r = ws.max_row + 1
            _row(ws, [m.name, b["step"], b["label"], b["usd"], Formula(f"=SUM(D{first}:D{r})")], {4: USD, 5: USD})
        _row(ws, [m.name, "total", "development cost (mean)", m.out["development"]["total_usd"]["mean"], None],
             {4: USD}, bold=True)
    _filter(ws)

    # -- the footnotes: what the headline excludes
    ws = _sheet(wb, "Excluded", ["model", "excluded from the headline", "mean", "p5", "p50", "p95", "what"],
                [16, 30, 15, 15, 15, 15, 90])
    for m in ms:
        for x in m.out["coverage"]["excluded"]:
            _row(ws, [m.name, x["name"], *_summary_vals(x["usd"]), x["what"]], {3: USD, 4: USD, 5: USD, 6: USD})
    _filter(ws)

    # -- the lab's year
    ws = _sheet(wb, "Lab annual", ["model", "item", "category", "line", "cash", "mean", "p5", "p50", "p95", "detail"],
                [16, 40, 11, 7, 7, 15, 15, 15, 15, 60])
    money = {6: USD, 7: USD, 8: USD, 9: USD}
    for m in ms:
        lab = m.out.get("lab_annual")
        if not lab:
            _row(ws, [m.name, "not estimated: the scenario has no lab or fleet section"])
            continue
        for it in lab["items"]:
            _row(ws, [m.name, it["name"], it["category"], it["line"], it["cash"], *_summary_vals(it["usd"]),
                      it["detail"]], money)
        _row(ws, [m.name, "total", "", "", "", *_summary_vals(lab["total_usd"]), ""], money, bold=True)
    _filter(ws)

    # -- sensitivity
    ws = _sheet(wb, "Sensitivity", ["model", "input", "label", "range", "total, input low", "total, input high",
                                    "swing", "input at p5", "input at p95"], [16, 40, 44, 18, 16, 16, 16, 14, 14])
    for m in ms:
        lab_ = m.labels
        for r in m.out.get("sensitivity") or []:
            _row(ws, [m.name, r["input"], lab_.get(r["input"], r["input"]), r["text"], r["low_usd"], r["high_usd"],
                      r["swing_usd"], r["low_value"], r["high_value"]], {5: USD, 6: USD, 7: USD, 8: NUM, 9: NUM})
    _filter(ws)

    # -- replication by openness: each level's steps, then its total; the original development cost last
    ws = _sheet(wb, "Replication", ["model", "released", "openness", "as released", "step", "mean", "p5", "p50",
                                    "p95"], [16, 18, 20, 11, 30, 15, 15, 15, 15])
    money = {6: USD, 7: USD, 8: USD, 9: USD}
    for m in ms:
        if m.beyond is None:
            continue
        rp = m.beyond.replicate
        rel = rp.get("released")
        for lv in rp["levels"]:
            mine = lv["openness"] == rel
            for part in lv["parts"]:
                _row(ws, [m.name, rel, lv["openness"], mine, part["step"], *_summary_vals(part["usd"])], money)
            _row(ws, [m.name, rel, lv["openness"], mine, "total", *_summary_vals(lv["usd"])], money, bold=True)
        _row(ws, [m.name, rel, "original development", None, "total", *_summary_vals(rp["original_development_usd"])],
             money, bold=True)
    _filter(ws)

    # -- the trend: the same capability by year, the probability it is below the threshold, the frontier
    ws = _sheet(wb, "Trend", ["model", "year", "mean", "p5", "p50", "p95", "threshold", "P(below threshold)",
                              "frontier mean", "frontier p5", "frontier p50", "frontier p95"],
                [16, 8, 15, 15, 15, 15, 14, 12, 17, 17, 17, 17])
    money = {3: USD, 4: USD, 5: USD, 6: USD, 7: USD, 8: PCT, 9: USD, 10: USD, 11: USD, 12: USD}
    for m in ms:
        if m.beyond is None:
            continue
        t = m.beyond.trend
        front = {int(f["year"]): f["usd"] for f in t.get("frontier") or []}
        for y in t["years"]:
            year = int(y["year"])
            fr = _summary_vals(front[year]) if year in front else [None] * 4
            _row(ws, [m.name, year, *_summary_vals(y["usd"]), t["below_usd"], t["probability_by_year"][str(year)],
                      *fr], money | {2: "0"})
    _filter(ws)

    # -- assumptions
    ws = _sheet(wb, "Assumptions", ["model", "input", "label", "from", "value or range", "kind", "p5", "median",
                                    "p95", "source", "url", "date", "as published", "why", "problem"],
                [16, 38, 40, 9, 18, 22, 13, 13, 13, 50, 40, 12, 60, 60, 30])
    from openpyxl.styles import Font as _Font

    for m in ms:
        for a in m.assumptions:
            s = a.source
            r = _row(ws, [m.name, a.name, a.label, a.origin, a.text, a.kind, a.low, a.mid, a.high,
                          s.text if s else None, s.url if s else None, s.date if s else None, a.published, a.note,
                          s.problem if s else None], {7: NUM, 8: NUM, 9: NUM})
            if s is not None and s.url and s.url.startswith(("https://", "http://")):
                c = ws.cell(row=r, column=11)
                c.hyperlink = s.url
                c.font = _Font(color="1F5A8C", underline="single")
    _filter(ws)

    # -- statements: one sheet each, where given; years across, mean then the 90% interval
    tables = [(m, t) for m in ms for t in statement_tables(m.statements)]
    for key, title in [(k, t) for k, t, _ in STATEMENTS] + list(NOTES):
        mine = [(m, t) for m, t in tables if t.key == key]
        if not mine:
            continue
        cols = list(dict.fromkeys(c for _, t in mine for c in t.columns))
        head = ["model", "line"] + [f"{c} {what}" for c in cols for what in ("mean", "p5", "p95")]
        ws = _sheet(wb, title[:31], head, [16, 46, *([15] * (3 * len(cols)))])
        for m, t in mine:
            for row in t.rows:
                cells: list[Any] = [None] * (3 * len(cols))
                for col, v in zip(t.columns, row.values, strict=True):
                    j = 3 * cols.index(col)
                    if is_summary(v):
                        cells[j:j + 3] = [v["mean"], v.get("p5"), v.get("p95")]
                    elif isinstance(v, (int, float)) and not isinstance(v, bool):
                        cells[j] = v
                    elif v is not None:
                        cells[j] = str(v)
                _row(ws, [m.name, row.label, *cells], {i + 3: USD for i in range(len(cells))},
                     bold=row.total or row.heading, indent=row.level)

    # -- what is missing
    ws = _sheet(wb, "About", ["model", "note"], [16, 120])
    for m in ms:
        for x in m.missing or ["every section is present"]:
            _row(ws, [m.name, x])
    _row(ws, ["", f"fullcost {__version__}, generated {generated}"])

    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
