"""The HTML report: one self-contained page (styles, script, charts and data inline; nothing fetched).

Every figure in the text comes from the estimate's JSON and is tagged ``data-fig="path.in.the.json"`` with
its format, so a test can check the page against ``fullcost estimate --format json``. Sections a scenario
lacks (the lab, the financial statements, uncertainty) are replaced by a line saying what is missing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape
from importlib import resources
from typing import TYPE_CHECKING, Any

from fullcost import __version__, fmt
from fullcost.report import charts
from fullcost.report.assumptions import Assumption, labels, problems, rows

if TYPE_CHECKING:
    from fullcost.estimate import Estimate

FORMATS: dict[str, Callable[[float], str]] = {"usd": fmt.usd, "pct": fmt.pct, "num": fmt.num,
                                              "int": lambda v: f"{v:,.0f}"}

# The financial statements: (key, title, keys a statements JSON may use for it)
STATEMENTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("income_statement", "Income statement",
     ("income_statement", "income", "profit_and_loss", "pnl", "is")),
    ("balance_sheet", "Balance sheet", ("balance_sheet", "balance", "bs")),
    ("cash_flow", "Cash flow statement", ("cash_flow", "cash_flow_statement", "cashflow", "cf")),
    ("adjusted_ebitda", "Adjusted EBITDA reconciliation",
     ("adjusted_ebitda", "adjusted_ebitda_reconciliation", "ebitda", "non_gaap", "reconciliation")),
)


@dataclass
class ModelReport:
    """One model's part of a report: the estimate's JSON and what the report adds to read it."""

    out: dict[str, Any]
    title: str
    developer: str | None
    released: str | None
    description: str | None
    hist: charts.Histogram
    assumptions: list[Assumption]
    scenario_notes: list[str] = field(default_factory=list)
    statements: dict[str, Any] | None = None
    statements_note: str = ""
    missing: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return str(self.out["name"])

    @property
    def slug(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-") or "model"

    @property
    def labels(self) -> dict[str, str]:
        return labels(self.assumptions)

    @property
    def view(self) -> dict[str, Any]:
        """The JSON with the model's title, as the charts name it."""
        return {**self.out, "title": self.title}


def model_report(est: Estimate, out: dict[str, Any], statements: dict[str, Any] | None = None,
                 statements_note: str = "") -> ModelReport:
    """Everything the renderers need for one model; bins the total for the histogram (no samples kept)."""
    sc = est.doc.scenario
    title = sc.title or sc.name
    if sc.variant:
        title = f"{title} ({sc.variant})"
    items = rows(est)
    m = ModelReport(out, title, sc.developer, sc.released.isoformat() if sc.released else None, sc.description,
                    charts.histogram(est.development_total), items, list(sc.notes), statements,
                    statements_note or "no statements were given (pass --statements FILE, the JSON of the "
                                        "lab's books)")
    if out.get("lab_annual") is None:
        m.missing.append("The lab's annual cost: the scenario has no lab or fleet section.")
    if statements is None:
        m.missing.append(f"Financial statements: {m.statements_note}.")
    else:
        have = {t.key for t in statement_tables(statements)}
        m.missing += [f"{title_}: not in the statements given." for key, title_, _ in STATEMENTS if key not in have]
    if not out.get("sensitivity"):
        m.missing.append("Sensitivity: every input is a single value, so there is nothing to rank.")
    m.missing += [f"The source of {p}." for p in problems(items)]
    m.missing += [f"Warning: {w}" for w in out.get("warnings", [])]
    return m


# --------------------------------------------------------------------------------------------- small pieces
def e(s: Any) -> str:
    return escape(str(s), quote=True)


def fig(path: str, value: float, kind: str = "usd") -> str:
    """A number from the JSON, tagged with where it comes from so tests can check it."""
    return f'<span data-fig="{e(path)}" data-fmt="{kind}">{e(FORMATS[kind](value))}</span>'


def interval(path: str, s: dict[str, float], kind: str = "usd") -> str:
    return f"{fig(path + '.p5', s['p5'], kind)}–{fig(path + '.p95', s['p95'], kind)}"


def mean_and_interval(path: str, s: dict[str, float], kind: str = "usd") -> tuple[str, str]:
    if s["p5"] == s["p95"]:
        return fig(path + ".mean", s["mean"], kind), ""
    return fig(path + ".mean", s["mean"], kind), interval(path, s, kind)


def _asset(name: str) -> str:
    return resources.files("fullcost.report").joinpath("assets", name).read_text(encoding="utf-8")


def _figure(fid: str, wide: charts.Chart | None, narrow: charts.Chart, caption: str, h: str = "") -> str:
    out = [f'<figure id="{e(fid)}">']
    if h:
        out.append(h)
    if wide is not None:
        out.append(f'<div class="chart-wide">{wide.svg(fid + "-w")}</div>')
        out.append(f'<div class="chart-narrow">{narrow.svg(fid + "-n")}</div>')
    else:
        out.append(f'<div>{narrow.svg(fid + "-n")}</div>')
    out.append(f"<figcaption>{caption}</figcaption></figure>")
    return "".join(out)


def _table(head: Sequence[tuple[str, bool]], body: Sequence[str], caption: str = "", tid: str = "",
           cls: str = "") -> str:
    ths = "".join(f'<th scope="col"{" class=n" if num else ""}>{e(h)}</th>' for h, num in head)
    if "stack" in cls.split():  # on a phone each row becomes a block, each cell labelled with its column
        body = [_label_cells(r, [h for h, _ in head]) for r in body]
    cap = f"<caption>{caption}</caption>" if caption else ""
    attrs = (f' id="{e(tid)}"' if tid else "") + (f' class="{e(cls)}"' if cls else "")
    return (f'<div class="table-wrap"><table{attrs}>{cap}<thead><tr>{ths}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')


def _label_cells(row: str, heads: list[str]) -> str:
    parts = row.split("<td")
    out = parts[0]
    for i, p in enumerate(parts[1:]):
        out += f'<td data-label="{e(heads[i] if i < len(heads) else "")}"' + p
    return out


def _missing(what: str) -> str:
    return f'<p class="missing"><strong>Not in this report:</strong> {what}</p>'


# --------------------------------------------------------------------------------------------- sections
def claim(m: ModelReport) -> str:
    o = m.out
    h, dev, share = o["headline"], o["development"]["total_usd"], o["coverage"]["headline_share"]
    rate = fig("headline.usd_per_gpu_hour", h["usd_per_gpu_hour"])
    if h["basis"] == "quoted":
        said = f"Reported: <b>{fig('headline.usd', h['usd'])}</b> (final run at {rate}/GPU-hour)."
    else:
        said = (f"Headline: <b>{fig('headline.usd', h['usd'])}</b> (final run at a market rental price of "
                f"{rate}/GPU-hour; the developer quoted none).")
    total = f"<b>{fig('development.total_usd.mean', dev['mean'])}</b>"
    rng = f" (90% interval {interval('development.total_usd', dev)})" if dev["p5"] != dev["p95"] else ""
    cover = f"<b>{fig('coverage.headline_share.p50', share['p50'], 'pct')}</b>"
    return (f'<div class="claim"><p class="reported">{said}</p>'
            f'<p class="answer">Development cost: {total}{rng}. The headline covers {cover}.</p>'
            f"<small>{o['samples']:,} simulations, seed {o['seed']}. Development cost is the mean; ranges are "
            "90% intervals (5th to 95th percentile). The share is the median of headline ÷ development cost."
            "</small></div>")


def cards(m: ModelReport) -> str:
    o = m.out
    h, fr, dev = o["headline"], o["final_run"], o["development"]
    share = o["coverage"]["headline_share"]

    def card(cls: str, value: str, key: str, sub: str = "") -> str:
        return (f'<div class="card {cls}"><div class="v">{value}</div><div class="k">{key}</div>'
                f'{f"<div class=s>{sub}</div>" if sub else ""}</div>')

    gh = fig("headline.gpu_hours", h["gpu_hours"], "num")
    out = [card("headline", fig("headline.usd", h["usd"]), "the headline",
                f"{gh} GPU-hours × {fig('headline.usd_per_gpu_hour', h['usd_per_gpu_hour'])}")]
    v, rng = mean_and_interval("development.total_usd", dev["total_usd"])
    out.append(card("total", v, "development cost", rng))
    v, rng = mean_and_interval("coverage.headline_share", share, "pct")
    out.append(card("", fig("coverage.headline_share.p50", share["p50"], "pct"), "of it is in the headline", rng))
    v, rng = mean_and_interval("final_run.amortized_usd", fr["amortized_usd"])
    out.append(card("", v, "final run at the lab's own cost (amortized)", rng))
    v, rng = mean_and_interval("final_run.acquisition_usd", fr["acquisition_usd"])
    out.append(card("", v, "to buy the training cluster", rng))
    lab = o.get("lab_annual")
    if lab:
        v, rng = mean_and_interval("lab_annual.total_usd", lab["total_usd"])
        out.append(card("", v, "the lab's annual cost", rng))
    return f'<div class="cards">{"".join(out)}</div>'


def iceberg_section(m: ModelReport, fid: str) -> str:
    o = m.out
    neg = [(i, b) for i, b in enumerate(o["bridge"]) if i > 0 and b["usd"] < 0]
    note = ""
    if neg:
        parts = "; ".join(f"{e(b['label'])}: {fig(f'bridge.{i}.usd', b['usd'])}" for i, b in neg)
        note = (f" Steps that lower the cost are not drawn as blocks ({parts}); the waterfall below includes "
                "them, and the development cost is the sum of every step.")
    cap = ("The reported figure is the tip above the waterline; each block below it is a cost the headline "
           "leaves out, drawn to the same scale (mean dollars)." + note)
    return _figure(fid, charts.iceberg(m.view), charts.iceberg(m.view, charts.NARROW), cap)


def waterfall_section(m: ModelReport, fid: str) -> str:
    o = m.out
    cap = ("From the headline to the development cost, step by step (mean dollars). Each step is what the "
           "headline leaves out, or how the lab's own cost of the final run differs from the rental quote.")
    body = []
    for i, b in enumerate(o["bridge"]):
        sw = f'<span class="swatch" style="background:{charts.STEP_COLORS.get(b["step"], charts.HIGH)}"></span>'
        body.append(f'<tr><td>{sw}{e(b["label"])}</td><td class="n">{fig(f"bridge.{i}.usd", b["usd"])}</td></tr>')
    body.append(f'<tr class="total"><td>development cost (mean)</td>'
                f'<td class="n">{fig("development.total_usd.mean", o["development"]["total_usd"]["mean"])}</td></tr>')
    table = _table((("step", False), ("mean", True)), body, "The bridge")
    return _figure(fid, charts.waterfall(m.view), charts.waterfall(m.view, charts.NARROW), cap) + table


def distribution_section(m: ModelReport, fid: str) -> str:
    s = m.out["development"]["total_usd"]
    if m.hist.point is not None:
        cap = ("Every input of this scenario is a single value, so the development cost is one number, "
               f"{fig('development.total_usd.mean', s['mean'])}: there is no spread to draw.")
    else:
        cap = (f"{m.hist.samples:,} simulated development costs. 90% of them fall between "
               f"{interval('development.total_usd', s)} (shaded); the solid line is the mean, "
               f"{fig('development.total_usd.mean', s['mean'])}, the dashed red line the headline.")
    return _figure(fid, charts.distribution(m.view, m.hist), charts.distribution(m.view, m.hist, charts.NARROW), cap)


def tornado_section(m: ModelReport, fid: str) -> str:
    rows_ = m.out.get("sensitivity") or []
    if not rows_:
        return _missing("a ranking of inputs: every input is a single value, so none moves the total.")
    cap = ("Each bar is the mean development cost when one input sits at its low end (its lowest tenth of "
           "draws, around the 5th percentile) or its high end (around the 95th), every other input still "
           "uncertain. The longest bars are the assumptions worth arguing about.")
    return _figure(fid, charts.tornado(m.view, m.labels), charts.tornado(m.view, m.labels, charts.NARROW), cap)


def footnotes(m: ModelReport) -> str:
    o = m.out
    out = ['<ol class="footnotes">']
    for i, x in enumerate(o["coverage"]["excluded"]):
        p = f"coverage.excluded.{i}.usd"
        v, rng = mean_and_interval(p, x["usd"])
        out.append(f'<li><b>{e(x["name"].capitalize())}</b>: <span class="amt">{v}</span>'
                   f'{f" (90% interval {rng})" if rng else ""}<span class="what">{e(x["what"])}</span></li>')
    out.append("</ol>")
    if len(out) == 2:
        out = ["<p>The headline leaves nothing out in this scenario.</p>"]
    fr_step = next((b for b in o["bridge"] if b["step"] == "final_run"), None)
    if fr_step is not None and fr_step["usd"] != 0:
        i = o["bridge"].index(fr_step)
        out.append(f"<p>Beside these, the final run itself: {e(fr_step['label'])}, "
                   f"{fig(f'bridge.{i}.usd', fr_step['usd'])}.</p>")
    if m.scenario_notes:
        out.append('<h3>Notes in the scenario</h3><ul class="plain">')
        out += [f"<li>{e(n)}</li>" for n in m.scenario_notes]
        out.append("</ul>")
    return "".join(out)


def items_table(m: ModelReport) -> str:
    dev = m.out["development"]
    body = []
    for i, it in enumerate(dev["items"]):
        v, rng = mean_and_interval(f"development.items.{i}.usd", it["usd"])
        cash = "cash" if it["cash"] else "non-cash"
        body.append(f'<tr><td>{e(it["name"])}<span class="detail">{e(it["detail"])}</span></td>'
                    f'<td>{e(it["category"])}</td><td>{e(it.get("phase", ""))}</td>'
                    f'<td class="nw">{e(it["line"].upper() if it["line"] != "rnd" else "R&D")}, {cash}</td>'
                    f'<td class="n">{v}</td><td class="n">{rng}</td></tr>')
    v, rng = mean_and_interval("development.total_usd", dev["total_usd"])
    body.append(f'<tr class="total"><td>total</td><td></td><td></td><td></td><td class="n">{v}</td>'
                f'<td class="n">{rng}</td></tr>')
    cap = f"Development cost items (GPU-hours priced at the lab's own rate: {e(dev['rate'])})"
    return _table((("item", False), ("category", False), ("phase", False), ("line", False), ("mean", True),
                   ("90% interval", True)), body, cap, cls="stack")


def final_run_table(m: ModelReport) -> str:
    fr = m.out["final_run"]
    body = [
        f"<tr><td>hardware</td><td class=n>{fig('final_run.gpus', fr['gpus'], 'int')} × {e(fr['hardware'])} "
        f"({e(fr['precision'].upper())})</td><td></td></tr>",
        f"<tr><td>GPU-hours</td><td class=n>{fig('final_run.gpu_hours', fr['gpu_hours'], 'num')}</td><td></td></tr>",
        f"<tr><td>training compute, 6·N·D (FLOP)</td><td class=n>{e(fmt.sci(fr['flops']))}</td><td></td></tr>",
        f"<tr><td>implied MFU ({e(fr['precision'].upper())} peak)</td>"
        f"<td class=n>{fig('final_run.implied_mfu', fr['implied_mfu'], 'pct')}</td><td></td></tr>",
        f"<tr><td>wall-clock days</td><td class=n>{float(fr['days']):.1f}</td><td></td></tr>",
    ]
    for key, label in (("energy_kwh", "energy (kWh)"), ("rental_usd", "rental: the headline's basis"),
                       ("amortized_usd", "amortized ownership (Epoch AI)"),
                       ("amortized_straight_line_usd", "amortized ownership (straight-line)"),
                       ("acquisition_usd", "buying the cluster outright")):
        kind = "num" if key == "energy_kwh" else "usd"
        v, rng = mean_and_interval(f"final_run.{key}", fr[key], kind)
        body.append(f"<tr><td>{e(label)}</td><td class=n>{v}</td><td class=n>{rng}</td></tr>")
    body.append(f"<tr><td>cluster acquired / training started</td><td class=n>{e(fr['acquired'])} / "
                f"{e(fr['start'])}</td><td></td></tr>")
    return _table((("final run", False), ("value", True), ("90% interval", True)), body, "The final run three ways",
                  cls="stack")


def lab_section(m: ModelReport) -> str:
    lab = m.out.get("lab_annual")
    if not lab:
        return _missing("the lab's annual cost. The scenario has no lab or fleet section, so only the "
                        "model's development cost is estimated.")
    body = []
    for i, it in enumerate(lab["items"]):
        v, rng = mean_and_interval(f"lab_annual.items.{i}.usd", it["usd"])
        body.append(f'<tr><td>{e(it["name"])}<span class="detail">{e(it["detail"])}</span></td>'
                    f'<td>{e(it["category"])}</td><td class="n">{v}</td><td class="n">{rng}</td></tr>')
    v, rng = mean_and_interval("lab_annual.total_usd", lab["total_usd"])
    body.append(f'<tr class="total"><td>total</td><td></td><td class="n">{v}</td><td class="n">{rng}</td></tr>')
    return ("<p>Running the whole lab for a year: every person full time, the whole fleet, overhead.</p>"
            + _table((("item", False), ("category", False), ("mean", True), ("90% interval", True)), body,
                     "The lab's annual cost", cls="stack"))


# --------------------------------------------------------------------------------------------- statements
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
INCOME_LABELS = {"revenue": "revenue", "cogs": "cost of revenue (serving)", "gross_profit": "gross profit",
                 "rnd": "research and development", "sga": "selling, general and administrative",
                 "ebitda": "EBITDA", "depreciation_amortization": "depreciation and amortization",
                 "ebit": "EBIT (operating income)", "interest": "interest", "tax": "income tax",
                 "net_income": "net income"}
INCOME_TOTALS = ("gross_profit", "ebitda", "ebit", "net_income")
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
    if inc:
        out.append(Statement("income_statement", "Income statement", cols, tuple(
            StatementRow(INCOME_LABELS.get(k, k.replace("_", " ")), 0, vals(lambda y: y.get("income_statement"), k),
                         k in INCOME_TOTALS) for k in inc)))

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


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return e(v)
    if isinstance(v, (int, float)):
        return e(fmt.usd(float(v)))
    if is_summary(v):
        s = {k: float(x) for k, x in v.items()}
        rng = ""
        if "p5" in s and "p95" in s and s["p5"] != s["p95"]:
            sep = " to " if min(s["p5"], s["p95"]) < 0 else "–"  # "-$8M to -$5M" reads better than "-$8M–-$5M"
            rng = f'<span class="detail">{e(fmt.usd(s["p5"]))}{sep}{e(fmt.usd(s["p95"]))}</span>'
        return e(fmt.usd(s["mean"])) + rng
    return e(v)


def statements_section(m: ModelReport) -> str:
    if m.statements is None:
        return _missing(f"the income statement, balance sheet, cash flow and adjusted-EBITDA reconciliation: "
                        f"{e(m.statements_note)}.")
    tables = statement_tables(m.statements)
    out = []
    cap = statement_caption(m.statements)
    if cap:
        out.append(f"<p>The lab's books: {e(cap)}. Means, with 90% intervals beneath.</p>")
    have = {t.key for t in tables}
    for t in tables:
        body = []
        for r in t.rows:
            cls = "total" if r.total else ("head" if r.heading else "")
            if r.level >= 1:
                cls += " sub" if r.level == 1 else " sub2"
            tds = "".join(f'<td class="n">{_cell(v)}</td>' for v in r.values)
            body.append(f'<tr class="{cls.strip()}"><td>{e(r.label)}</td>{tds}</tr>')
        out.append(_table((("", False), *((c, True) for c in t.columns)), body, e(t.title)))
    for key, title, _ in STATEMENTS:
        if key not in have:
            out.append(_missing(f"the {e(title.lower())}: the statements given lack it."))
    return "".join(out)


# --------------------------------------------------------------------------------------------- assumptions
def _source_cell(a: Assumption) -> str:
    s = a.source
    if s is None:
        return ('<span class="src-none">no source given' + ("; a judgment, reasoned below" if a.note else "")
                + "</span>")
    date = f' <span class="detail">{e(s.date)}</span>' if s.date else ""
    if s.url:
        return f'<a class="src" href="{e(s.url)}" rel="noopener noreferrer">{e(s.text)}</a>{date}'
    prob = f'<span class="problem">⚠ {e(s.problem)}</span>' if s.problem else ""
    return f"{e(s.text)}{date}{prob}"


def assumptions_section(m: ModelReport, tid: str) -> str:
    body = []
    for a in m.assumptions:
        pub = f'<blockquote class="pub">“{e(a.published)}”</blockquote>' if a.published else ""
        note = f'<span class="why">{e(a.note)}</span>' if a.note else ""
        body.append(f'<tr data-input="{e(a.name)}"><td>{e(a.label)}<span class="name"><code>{e(a.name)}</code>'
                    f' · {e(a.origin)}</span></td><td class="val">{e(a.text)}<span class="detail">{e(a.kind)}</span>'
                    f"</td><td>{_source_cell(a)}{pub}{note}</td></tr>")
    n = len(m.assumptions)
    flt = (f'<p class="filter"><label>Filter inputs <input type="search" data-filter="{tid}" '
           f'placeholder="e.g. staff, h800, utilization" aria-describedby="{tid}-count"></label> '
           f'<span id="{tid}-count" class="detail">{n} inputs</span></p>')
    return flt + _table((("input", False), ("value or range", False), ("source · as published · why", False)),
                        body, "", tid, "assumptions")


# --------------------------------------------------------------------------------------------- the page
def model_section(m: ModelReport, level_title: bool, with_claim: bool = True) -> str:
    s = m.slug
    out = [f'<section class="model" id="{s}" data-model="{e(m.name)}">']
    if level_title:
        out.append(f'<h2 class="model-title">{e(m.title)}</h2>{_byline(m)}')
    if with_claim:
        out.append(claim(m))
    out.append(cards(m))
    if m.missing:
        out.append(f'<p class="note">This report is incomplete in {len(m.missing)} '
                   f'way{"s" if len(m.missing) > 1 else ""}: see <a href="#{s}-about">what is missing</a>.</p>')
    out.append(f'<h2 id="{s}-iceberg-h">The iceberg</h2>')
    out.append(iceberg_section(m, f"{s}-iceberg"))
    out.append(f'<h2 id="{s}-bridge">The bridge: from the headline to the development cost</h2>')
    out.append(waterfall_section(m, f"{s}-waterfall"))
    out.append(f'<h2 id="{s}-uncertainty">How sure is it?</h2>')
    out.append(distribution_section(m, f"{s}-distribution"))
    out.append(f'<h3 id="{s}-drivers">What moves it most</h3>')
    out.append(tornado_section(m, f"{s}-tornado"))
    out.append(f'<h2 id="{s}-footnotes">The footnotes: what the headline leaves out</h2>')
    out.append(footnotes(m))
    out.append(f'<h2 id="{s}-items">Every cost item</h2>')
    out.append(items_table(m))
    out.append(final_run_table(m))
    out.append(f'<h2 id="{s}-lab">The lab</h2>')
    out.append(lab_section(m))
    out.append(f'<h3 id="{s}-statements">Financial statements</h3>')
    out.append(statements_section(m))
    out.append(f'<h2 id="{s}-assumptions">Every assumption and its source</h2>')
    out.append("<p>Every input the estimate drew, as written in the scenario or the catalog, with its source. "
               "Ranges are 90% intervals unless the kind says otherwise.</p>")
    out.append(assumptions_section(m, f"{s}-assumptions-table"))
    out.append(f'<h2 id="{s}-about">About this estimate</h2>')
    if m.description:
        out.append(f"<p>{e(m.description)}</p>")
    if m.missing:
        out.append('<p><strong>What is missing or incomplete:</strong></p><ul class="plain missing-list">')
        out += [f"<li>{e(x)}</li>" for x in m.missing]
        out.append("</ul>")
    else:
        out.append("<p>Every section of the report is present.</p>")
    out.append("</section>")
    return "".join(out)


def _byline(m: ModelReport) -> str:
    bits = [b for b in (m.developer, f"released {m.released}" if m.released else None) if b]
    return f'<p class="byline">{e(" · ".join(bits))}</p>' if bits else ""


def comparison_section(ms: Sequence[ModelReport]) -> str:
    views = [m.view for m in ms]
    out = ['<section id="compare"><h2>Side by side</h2>']
    for m in ms:
        out.append(f'<div data-model="{e(m.name)}"><h3>{e(m.title)}</h3>{claim(m)}</div>')
    body = []

    def row(label: str, cell: Callable[[ModelReport], str]) -> None:
        tds = "".join(f'<td class="n" data-model="{e(m.name)}">{cell(m)}</td>' for m in ms)
        body.append(f"<tr><td>{e(label)}</td>{tds}</tr>")

    def mi(path: str, get: Callable[[dict[str, Any]], dict[str, float] | None], kind: str = "usd"
           ) -> Callable[[ModelReport], str]:
        def cell(m: ModelReport) -> str:
            s = get(m.out)
            if s is None:
                return "—"
            v, rng = mean_and_interval(path, s, kind)
            return v + (f'<span class="detail">{rng}</span>' if rng else "")
        return cell

    row("headline", lambda m: fig("headline.usd", m.out["headline"]["usd"]))
    row("final-run GPU-hours", lambda m: fig("final_run.gpu_hours", m.out["final_run"]["gpu_hours"], "num"))
    row("implied MFU", lambda m: fig("final_run.implied_mfu", m.out["final_run"]["implied_mfu"], "pct"))
    row("final run, amortized ownership", mi("final_run.amortized_usd", lambda o: o["final_run"]["amortized_usd"]))
    row("cluster acquisition", mi("final_run.acquisition_usd", lambda o: o["final_run"]["acquisition_usd"]))
    row("development cost", mi("development.total_usd", lambda o: o["development"]["total_usd"]))
    row("headline share of it", lambda m: fig("coverage.headline_share.p50",
                                              m.out["coverage"]["headline_share"]["p50"], "pct"))
    row("lab's annual cost", mi("lab_annual.total_usd",
                                lambda o: o["lab_annual"]["total_usd"] if o.get("lab_annual") else None))
    head = [("", False), *((m.title, True) for m in ms)]
    out.append(_table(head, body, "Means; 90% intervals below"))
    out.append(_figure("compare-bars", charts.comparison(views), charts.comparison(views, charts.NARROW),
                       "Each model's headline beside its development cost; whiskers span the 90% interval."))
    sc = charts.iceberg_scale(views)
    out.append('<h3>The icebergs, on one scale</h3><div class="grid">')
    for m in ms:
        out.append(f'<div data-model="{e(m.name)}">' + _figure(
            f"compare-{m.slug}-iceberg", None, charts.iceberg(m.view, charts.NARROW, sc), e(m.title)) + "</div>")
    out.append("</div>")
    xmax = max(max(float(m.out["development"]["total_usd"]["mean"]), float(m.out["headline"]["usd"]),
                   sum(max(float(b["usd"]), 0.0) for b in m.out["bridge"])) for m in ms)
    out.append('<h3>The bridges, on one scale</h3><div class="grid">')
    for m in ms:
        out.append(_figure(f"compare-{m.slug}-waterfall", None, charts.waterfall(m.view, charts.NARROW, xmax),
                           e(m.title)))
    out.append("</div>")
    dmax = max(max(m.hist.edges[-1], float(m.out["headline"]["usd"])) for m in ms)
    out.append('<h3>The distributions, on one scale</h3><div class="grid">')
    for m in ms:
        out.append(_figure(f"compare-{m.slug}-distribution", None,
                           charts.distribution(m.view, m.hist, charts.NARROW, dmax), e(m.title)))
    out.append("</div></section>")
    return "".join(out)


def data_json(ms: Sequence[ModelReport], generated: str) -> dict[str, Any]:
    """The data behind the page, embedded in it for readers who want the numbers (no samples)."""
    return {
        "fullcost": __version__,
        "generated": generated,
        "models": [{"estimate": m.out, "assumptions": [a.as_json() for a in m.assumptions],
                    "statements": m.statements, "missing": m.missing} for m in ms],
    }


def render(ms: Sequence[ModelReport], generated: str) -> str:
    """The whole page. ``generated`` is the date printed in it (passed in, so the output is reproducible)."""
    if not ms:
        raise ValueError("a report needs at least one model")
    multi = len(ms) > 1
    if multi:
        title = " vs ".join(m.title for m in ms) + ": what the headlines leave out"
        kicker = "fullcost report · comparison"
    else:
        title = f"{ms[0].title}: the headline and the full cost"
        kicker = "fullcost report"
    toc = ['<nav class="toc" aria-label="Contents">']
    if multi:
        toc.append('<a href="#compare">Side by side</a>')
        toc += [f'<a href="#{m.slug}">{e(m.title)}</a>' for m in ms]
    else:
        s = ms[0].slug
        toc += [f'<a href="#{s}-{a}">{b}</a>' for a, b in (
            ("iceberg-h", "Iceberg"), ("bridge", "Bridge"), ("uncertainty", "Uncertainty"),
            ("drivers", "Drivers"), ("footnotes", "Footnotes"), ("items", "Cost items"), ("lab", "The lab"),
            ("assumptions", "Assumptions"), ("about", "About"))]
    toc.append("</nav>")
    head = ['<header class="masthead">', f'<p class="kicker">{e(kicker)}</p>', f"<h1>{e(title)}</h1>"]
    if not multi:
        head.append(_byline(ms[0]))
    head.append("</header>")
    body = ["".join(head), " ".join(toc)]
    if multi:
        body.append(comparison_section(ms))
        body += [model_section(m, True, with_claim=False) for m in ms]
    else:
        body.append(model_section(ms[0], False))
    samples = {m.out["samples"] for m in ms}
    seeds = {m.out["seed"] for m in ms}
    body.append(
        f"<footer><p>Made with fullcost {e(__version__)} on {e(generated)} from {e(', '.join(m.name for m in ms))}: "
        f"{', '.join(f'{n:,}' for n in sorted(samples))} simulations, seed {', '.join(str(x) for x in sorted(seeds))}. "
        "Figures are means unless marked; ranges are 90% intervals (5th to 95th percentile). The same scenario, "
        "samples and seed give the same numbers: <code>fullcost estimate NAME --seed S --format json</code>. "
        "The data behind this page is embedded in it (<code>script#fullcost-data</code>).</p></footer>")
    data = json.dumps(data_json(ms, generated), allow_nan=False, separators=(",", ":")).replace("</", "<\\/")
    return (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="fullcost {e(__version__)}">'
        f"<title>{e(title)}</title>"
        f"<style>{_asset('report.css')}</style></head>"
        f'<body><main>{"".join(body)}</main>'
        f'<script type="application/json" id="fullcost-data">{data}</script>'
        f"<script>{_asset('report.js')}</script>"
        "</body></html>\n"
    )


def figures(ms: Sequence[ModelReport]) -> list[tuple[str, charts.Chart]]:
    """Every chart of the report, named for files: ``deepseek-v3-iceberg`` and so on, plus ``comparison``."""
    out: list[tuple[str, charts.Chart]] = []
    if len(ms) > 1:
        out.append(("comparison", charts.comparison([m.view for m in ms])))
    for m in ms:
        out.append((f"{m.slug}-iceberg", charts.iceberg(m.view)))
        out.append((f"{m.slug}-waterfall", charts.waterfall(m.view)))
        out.append((f"{m.slug}-distribution", charts.distribution(m.view, m.hist)))
        if m.out.get("sensitivity"):
            out.append((f"{m.slug}-tornado", charts.tornado(m.view, m.labels)))
    return out
