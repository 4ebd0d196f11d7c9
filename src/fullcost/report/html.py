"""The HTML report: one self-contained page (styles, script, charts and data inline; nothing fetched).

Every figure in the text comes from the estimate's JSON and is tagged ``data-fig="path.in.the.json"`` with
its format, so a test can check the page against ``fullcost estimate --format json``. Figures from the
analyses beyond the headline carry ``data-src`` as well: ``claim`` (``fullcost claim --format json``),
``replicate``, ``trend``, and ``export_controls`` (the ``unrestricted`` variant's estimate and the difference
of the means). Sections a scenario lacks (the lab, the financial statements, uncertainty) are replaced by a
line saying what is missing.
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
                                              "int": lambda v: f"{v:,.0f}", "year": lambda v: f"{v:.0f}",
                                              "oom": lambda v: f"{v:.2f}"}

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
class ExportPremium:
    """The export-control premium: the scenario against its ``unrestricted`` variant, or why there is none."""

    applies: bool
    reason: str = ""  # why the premium is not shown
    missing: bool = False  # the scenario works under controls but lacks what the premium needs
    variant: str = ""  # the variant's name, e.g. deepseek-v3@unrestricted
    description: str = ""
    unrestricted: dict[str, Any] | None = None  # the variant's estimate JSON, same samples and seed
    premium: dict[str, Any] | None = None  # analysis.premium.premium: the sample-wise difference

    def as_json(self) -> dict[str, Any]:
        return {"applies": self.applies, "reason": self.reason or None, "variant": self.variant or None,
                "description": self.description or None, "unrestricted": self.unrestricted,
                "premium": self.premium}


@dataclass
class Beyond:
    """Beyond the headline, for one model: the outputs of ``fullcost.analysis`` (claim, replicate, trend) and
    the export-control premium, computed by the caller on the same estimate (the report only lays them out)."""

    claim: dict[str, Any]  # analysis.claim.check
    claim_given: bool  # True: a figure given with --claim; False: the headline checked as a claim
    replicate: dict[str, Any]  # analysis.replicate.public(replicate(...))
    trend: dict[str, Any]  # analysis.trend.trend
    export: ExportPremium

    def as_json(self) -> dict[str, Any]:
        return {"claim": self.claim, "claim_given": self.claim_given, "replicate": self.replicate,
                "trend": self.trend, "export_controls": self.export.as_json()}


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
    beyond: Beyond | None = None

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
                 statements_note: str = "", beyond: Beyond | None = None) -> ModelReport:
    """Everything the renderers need for one model; bins the total for the histogram (no samples kept)."""
    sc = est.doc.scenario
    title = sc.title or sc.name
    if sc.variant:
        title = f"{title} ({sc.variant})"
    items = rows(est)
    m = ModelReport(out, title, sc.developer, sc.released.isoformat() if sc.released else None, sc.description,
                    charts.histogram(est.development_total), items, list(sc.notes), statements,
                    statements_note or "no statements were given (pass --statements FILE, the JSON of the "
                                        "lab's books)", beyond=beyond)
    if out.get("lab_annual") is None:
        m.missing.append("The lab's annual cost: the scenario has no lab or fleet section.")
    if statements is None:
        m.missing.append(f"Financial statements: {m.statements_note}.")
    else:
        have = {t.key for t in statement_tables(statements)}
        m.missing += [f"{title_}: not in the statements given." for key, title_, _ in STATEMENTS if key not in have]
    if not out.get("sensitivity"):
        m.missing.append("Sensitivity: every input is a single value, so there is nothing to rank.")
    if beyond is not None and beyond.export.missing:
        m.missing.append(f"The export-control premium: {beyond.export.reason}")
    m.missing += [f"The source of {p}." for p in problems(items)]
    m.missing += [f"Warning: {w}" for w in out.get("warnings", [])]
    return m


# --------------------------------------------------------------------------------------------- small pieces
def e(s: Any) -> str:
    return escape(str(s), quote=True)


def fig(path: str, value: float, kind: str = "usd", src: str = "") -> str:
    """A number from the JSON, tagged with where it comes from so tests can check it (``src``: which JSON,
    when not the estimate's)."""
    where = f' data-src="{e(src)}"' if src else ""
    return f'<span data-fig="{e(path)}" data-fmt="{kind}"{where}>{e(FORMATS[kind](value))}</span>'


def interval(path: str, s: dict[str, float], kind: str = "usd", src: str = "") -> str:
    return f"{fig(path + '.p5', s['p5'], kind, src)}–{fig(path + '.p95', s['p95'], kind, src)}"


def mean_and_interval(path: str, s: dict[str, float], kind: str = "usd", src: str = "") -> tuple[str, str]:
    if s["p5"] == s["p95"]:
        return fig(path + ".mean", s["mean"], kind, src), ""
    return fig(path + ".mean", s["mean"], kind, src), interval(path, s, kind, src)


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


def _mfu(v: float | None) -> str:
    """The implied MFU, or why there is none (a scenario without a pre-training phase, e.g. a fine-tune)."""
    return "n/a (no pre-training phase)" if v is None else fig("final_run.implied_mfu", v, "pct")


def final_run_table(m: ModelReport) -> str:
    fr = m.out["final_run"]
    body = [
        f"<tr><td>hardware</td><td class=n>{fig('final_run.gpus', fr['gpus'], 'int')} × {e(fr['hardware'])} "
        f"({e(fr['precision'].upper())})</td><td></td></tr>",
        f"<tr><td>GPU-hours</td><td class=n>{fig('final_run.gpu_hours', fr['gpu_hours'], 'num')}</td><td></td></tr>",
        f"<tr><td>training compute, 6·N·D (FLOP)</td><td class=n>{e(fmt.sci(fr['flops']))}</td><td></td></tr>",
        f"<tr><td>implied MFU ({e(fr['precision'].upper())} peak)</td>"
        f"<td class=n>{_mfu(fr['implied_mfu'])}</td><td></td></tr>",
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


# --------------------------------------------------------------------------------------------- beyond the headline
def _na(what: str) -> str:
    return f'<p class="na"><strong>Does not apply:</strong> {what}</p>'


def claim_check_section(m: ModelReport, b: Beyond, fid: str) -> str:
    """The headline (or a figure given with --claim) checked as a claim: ``fullcost claim``, laid out."""
    cl, o, src = b.claim, m.out, "claim"
    h = o["headline"]
    figure = f"<b>{fig('claim_usd', cl['claim_usd'], src=src)}</b>"
    if b.claim_given:
        intro = (f"The figure given with <code>--claim</code>, {figure}, checked against each way of counting the "
                 f"cost (the headline is {fig('headline.usd', h['usd'])}).")
    elif h["basis"] == "quoted":
        intro = f"The headline, {figure}, checked as a claim: which cost does it describe, and what does it leave out?"
    else:
        intro = (f"The headline, {figure}, checked as a claim. The developer quoted no price: the headline is "
                 "fullcost's market-rate figure for the final run, so it matches that by construction.")
    out = [f"<p>{intro}</p>"]
    pos = {str(x["definition"]): i for i, x in enumerate(cl["matches"])}
    best = cl.get("best")
    tol = f"{float(cl['tolerance']):.0%}" if round(float(cl["tolerance"]) * 100, 9).is_integer() \
        else fmt.pct(float(cl["tolerance"]))
    if best is None:
        verdict = (f"It matches none of the cost definitions: in no simulation does one lie within {e(tol)} of "
                   "it.")
    else:
        i = pos[str(best)]
        mt = cl["matches"][i]
        verdict = (f"It matches <b>{e(mt['label'])}</b> (probability "
                   f"{fig(f'matches.{i}.probability', mt['probability'], 'pct', src)}).")
        also = [cl["matches"][pos[str(k)]] for k in cl.get("also_matches") or [] if str(k) in pos]
        if also:
            verdict += " It fits " + " and ".join(e(x["label"]) for x in also) + " about as well."
    cov = cl["coverage"]
    rng = f" (90% interval {interval('coverage', cov, 'pct', src)})" if cov["p5"] != cov["p95"] else ""
    verdict += f" It is {fig('coverage.p50', cov['p50'], 'pct', src)} of the development cost{rng}."
    out.append(f'<p class="verdict">{verdict}</p>')
    if cl["excluded"]:
        parts = [f"{e(x['name'])} (~{fig(f'excluded.{i}.usd.mean', x['usd']['mean'], src=src)})"
                 for i, x in enumerate(cl["excluded"])]
        out.append(f"<p>It excludes {', '.join(parts)}: see <a href=\"#{m.slug}-footnotes\">the footnotes</a>.</p>")
    mfu = cl.get("implied_mfu")
    if mfu is None:
        out.append('<p class="mfu">The scenario has no pre-training phase: the MFU check does not apply.</p>')
    else:
        lo, hi = cl["mfu_range"]
        ok = bool(cl["mfu_plausible"])
        where = "within" if ok else "<strong>outside</strong>"
        out.append(f'<p class="mfu{"" if ok else " flag"}">Physics: the scenario\'s pre-training GPU-hours for its '
                   f"6·N·D training FLOPs imply {fig('implied_mfu', mfu, 'pct', src)} MFU of the "
                   f"{e(str(cl['precision']).upper())} peak, {where} what large runs achieve "
                   f"({fig('mfu_range.0', lo, 'pct', src)} to {fig('mfu_range.1', hi, 'pct', src)}).</p>")
    for w in cl.get("warnings") or []:
        out.append(f'<p class="note">{e(w)}</p>')
    cap = (f"Each cost definition's 90% interval (bar) and mean (tick) on a log scale; the red line is the claim "
           f"and the pink band the window within {e(tol)} of it. A definition matches in the simulations in "
           "which its value falls in that window.")
    out.append(_figure(fid, charts.claim_chart(cl, m.view), charts.claim_chart(cl, m.view, charts.NARROW), cap))
    body = []
    for i, x in enumerate(cl["matches"]):
        key = str(x["definition"])
        s = charts.definition_summary(o, key)
        path = charts.DEFINITION_PATHS.get(key)
        cost = rng_ = ""
        if s is not None and path is not None:
            cost, rng_ = mean_and_interval(".".join(path), s)
        cls = ' class="best"' if key == best else ""
        body.append(f"<tr{cls}><td>{e(x['label'])}</td><td class=n>{cost}</td><td class=n>{rng_}</td>"
                    f"<td class=n>{fig(f'matches.{i}.probability', x['probability'], 'pct', src)}</td></tr>")
    out.append(_table((("cost definition", False), ("mean", True), ("90% interval", True),
                       ("probability it matches", True)), body,
                      f"Each definition, and the probability the claim lies within {e(tol)} of it", cls="stack"))
    return "".join(out)


REPLICATION_STEPS = {"final_run": "final run, at rental rates"}


def replication_section(m: ModelReport, b: Beyond, fid: str) -> str:
    """What a third party would spend to reproduce the model, by openness: ``fullcost replicate``, laid out."""
    r, src = b.replicate, "replicate"
    released = r.get("released")
    fr = r["final_run_rental_usd"]
    out = [f"<p>What a third party would spend to reproduce {e(m.title)}: it rents the final run "
           f"({fig('final_run_rental_usd.mean', fr['mean'], src=src)}) and redoes the part of the research "
           "program and the staff work that what was released does not spare it. Each step's share is a sourced "
           f"or reasoned assumption (see <a href=\"#{m.slug}-assumptions\">the assumptions</a>).</p>",
           f'<p class="verdict">{e(r["note"])}</p>']
    body = []
    for i, lv in enumerate(r["levels"]):
        name = charts.LEVEL_NAMES.get(str(lv["openness"]), str(lv["openness"]))
        v, rng = mean_and_interval(f"levels.{i}.usd", lv["usd"], src=src)
        mine = lv["openness"] == released
        tag = ' <span class="tag">released</span>' if mine else ""
        body.append(f'<tr{" class=best" if mine else ""}><td>{e(name)}{tag}</td><td class="n">{v}</td>'
                    f'<td class="n">{rng}</td></tr>')
    v, rng = mean_and_interval("original_development_usd", r["original_development_usd"], src=src)
    body.append(f'<tr class="total"><td>original development cost</td><td class="n">{v}</td>'
                f'<td class="n">{rng}</td></tr>')
    cap = ("Replication cost by what was released (bars to the mean, whiskers over the 90% interval) beside the "
           "original development cost. The dashed line is the final run at rental rates: no replication costs "
           "less.")
    out.append(_figure(fid, charts.replication(r, m.title), charts.replication(r, m.title, charts.NARROW), cap))
    out.append(_table((("released", False), ("mean", True), ("90% interval", True)), body,
                      "The cost of replicating it", cls="stack"))
    steps = list(dict.fromkeys(str(p["step"]) for lv in r["levels"] for p in lv["parts"]))
    rows_ = []
    for st in steps:
        cells = []
        for i, lv in enumerate(r["levels"]):
            j = next((k for k, p in enumerate(lv["parts"]) if p["step"] == st), None)
            cells.append(fig(f"levels.{i}.parts.{j}.usd.mean", lv["parts"][j]["usd"]["mean"], src=src)
                         if j is not None else "—")
        label = REPLICATION_STEPS.get(st, charts.STEP_NAMES.get(st, st))
        rows_.append(f"<tr><td>{e(label)}</td>" + "".join(f'<td class="n">{x}</td>' for x in cells) + "</tr>")
    head = [("step (mean)", False), *((charts.LEVEL_NAMES.get(str(lv["openness"]), str(lv["openness"])), True)
                                      for lv in r["levels"])]
    out.append(_table(head, rows_, "What a replicator pays, step by step (means)", cls="stack"))
    return "".join(out)


def export_section(m: ModelReport, b: Beyond, fid: str) -> str:
    """The export-control premium: the scenario against its ``unrestricted`` variant, or why it does not apply."""
    x, src = b.export, "export_controls"
    if not x.applies or x.unrestricted is None or x.premium is None:
        return _missing(e(x.reason)) if x.missing else _na(e(x.reason))
    o, u, p = m.out, x.unrestricted, x.premium["development"]
    dev, udev, prem = o["development"]["total_usd"], u["development"]["total_usd"], p["premium_usd"]
    out = [f"<p>What working under chip export controls cost {e(m.title)}: this scenario against its "
           f"<code>unrestricted</code> variant, <code>{e(x.variant)}</code>, run with the same "
           f"{o['samples']:,} simulations and seed {o['seed']}, so that each simulation of one run shares every "
           "input the variant leaves alone with the same simulation of the other.</p>"]
    if x.description:
        out.append(f'<p class="variant">{e(x.description)}</p>')
    rng = (f" (90% interval {interval('premium.development.premium_usd', prem, src=src)}, taken simulation by "
           "simulation)") if prem["p5"] != prem["p95"] else ""
    out.append(f'<p class="verdict">Development cost {fig("development.total_usd.mean", dev["mean"])} with the '
               f'controls, {fig("unrestricted.development.total_usd.mean", udev["mean"], src=src)} without them: '
               f'a premium of <b>{fig("premium.development.premium_usd.mean", prem["mean"], src=src)}</b>{rng}, '
               f'{fig("premium.development.share_of_cost.mean", p["share_of_cost"]["mean"], "pct", src)} of the '
               "cost on average; the controls raised the cost in "
               f'{fig("premium.development.probability_positive", p["probability_positive"], "pct", src)} of the '
               "simulations.</p>")
    body = []
    v, r = mean_and_interval("development.total_usd", dev)
    body.append(f'<tr><td>with export controls <span class="detail">{e(m.name)}</span></td><td class="n">{v}</td>'
                f'<td class="n">{r}</td></tr>')
    v, r = mean_and_interval("unrestricted.development.total_usd", udev, src=src)
    body.append(f'<tr><td>without them <span class="detail">{e(x.variant)}</span></td><td class="n">{v}</td>'
                f'<td class="n">{r}</td></tr>')
    for i, st in enumerate(x.premium["by_step"]):
        v, r = mean_and_interval(f"premium.by_step.{i}.usd", st["usd"], src=src)
        body.append(f'<tr><td>of which {e(st["label"])}</td><td class="n">{v}</td>'
                    f'<td class="n">{r}</td></tr>')
    v, r = mean_and_interval("premium.development.premium_usd", prem, src=src)
    body.append(f'<tr class="total"><td>the premium</td><td class="n">{v}</td><td class="n">{r}</td></tr>')
    out.append(_table((("development cost", False), ("mean", True), ("90% interval", True)), body,
                      "With and without export controls", cls="stack"))
    name = str(u.get("name") or x.variant)
    cap = ("The development cost with and without export controls (bars to the mean, whiskers over each run's "
           "90% interval) and the premium between the means. The premium's own interval, in the table, is "
           "narrower than the gap between the runs' intervals suggests: the runs share their inputs.")
    out.append(_figure(fid, charts.premium(m.title, dev, udev, name, prem["mean"]),
                       charts.premium(m.title, dev, udev, name, prem["mean"], charts.NARROW), cap))
    return "".join(out)


def trend_section(m: ModelReport, b: Beyond, fid: str) -> str:
    """Where costs are heading: ``fullcost trend`` as a fan chart and the probability by year."""
    t, src = b.trend, "trend"
    below = fig("below_usd", t["below_usd"], src=src)
    d = t["decline_oom_per_year"]
    rng = f"; 90% interval {interval('decline_oom_per_year', d, 'oom', src)}" if d["p5"] != d["p95"] else ""
    out = [f"<p>The development cost of a model with the same capability, year by year from {e(t['base_year'])}. "
           f"Its compute part ({fig('compute_part_usd.mean', t['compute_part_usd']['mean'], src=src)}, mean) gets "
           f"cheaper by {fig('decline_oom_per_year.p50', d['p50'], 'oom', src)} orders of magnitude a year "
           f"(median{rng}): hardware price-performance and algorithmic efficiency together. Staff, data and "
           f"overhead ({fig('other_part_usd.mean', t['other_part_usd']['mean'], src=src)}) are held at today's "
           "level: no sourced trend says how fast they fall.</p>"]
    years = [str(r["year"]) for r in t["years"]]
    prob = t["probability_by_year"]
    last = years[-1]
    by_last = (f" By {e(last)}, the probability that it is below {below} is "
               f"{fig(f'probability_by_year.{last}', prob[last], 'pct', src)}.")
    if t["year_p50"] is None:
        verdict = (f"In most simulations it never falls below {below}: in "
                   f"{fig('never_share', t['never_share'], 'pct', src)} of them it stays above for good." + by_last)
    elif int(t["year_p50"]) <= int(t["base_year"]):
        verdict = (f"In most simulations it is below {below} already in "
                   f"<b>{fig('year_p50', t['year_p50'], 'year', src)}</b>." + by_last)
    else:
        verdict = (f"Half the simulations fall below {below} by <b>{fig('year_p50', t['year_p50'], 'year', src)}"
                   "</b>." + by_last)
    out.append(f'<p class="verdict">{verdict}</p>')
    if t.get("frontier"):
        out.append(f"<p>The second band goes the other way: {e(t['frontier_note'])}.</p>")
    cap = ("A fan chart on a log scale: the shaded band holds 90% of the simulations each year, the line is the "
           f"median; the dashed line is the threshold, {below}."
           + (" The orange band is the cost of the most expensive frontier training run." if t.get("frontier") else ""))
    out.append(_figure(fid, charts.trend_fan(t, m.title), charts.trend_fan(t, m.title, charts.NARROW), cap))
    cells = "".join(f'<li><span class="y">{e(y)}</span> {fig(f"probability_by_year.{y}", prob[y], "pct", src)}</li>'
                    for y in years)
    out.append(f'<p class="by-year-h" id="{fid}-by-year">The probability that it costs less than {below}, by '
               f'year</p><ol class="by-year" aria-labelledby="{fid}-by-year">{cells}</ol>')
    return "".join(out)


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
    if m.beyond is not None:
        b = m.beyond
        out.append(f'<h2 id="{s}-check">Check the claim</h2>')
        out.append(claim_check_section(m, b, f"{s}-claim"))
        out.append(f'<h2 id="{s}-replicate">Replicating it</h2>')
        out.append(replication_section(m, b, f"{s}-replication"))
        out.append(f'<h2 id="{s}-export-controls">The export-control premium</h2>')
        out.append(export_section(m, b, f"{s}-premium"))
        out.append(f'<h2 id="{s}-trend">Where costs are heading</h2>')
        out.append(trend_section(m, b, f"{s}-trend-fan"))
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
    row("implied MFU", lambda m: _mfu(m.out["final_run"]["implied_mfu"]))
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
                    "statements": m.statements, "missing": m.missing,
                    **(m.beyond.as_json() if m.beyond is not None else {})} for m in ms],
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
        beyond = (("check", "Claim check"), ("replicate", "Replication"), ("export-controls", "Export controls"),
                  ("trend", "Trend")) if ms[0].beyond is not None else ()
        toc += [f'<a href="#{s}-{a}">{b}</a>' for a, b in (
            ("iceberg-h", "Iceberg"), ("bridge", "Bridge"), ("uncertainty", "Uncertainty"),
            ("drivers", "Drivers"), ("footnotes", "Footnotes"), *beyond, ("items", "Cost items"),
            ("lab", "The lab"), ("assumptions", "Assumptions"), ("about", "About"))]
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
    """Every chart of the report, named for files: ``deepseek-v3-iceberg`` and so on, plus ``comparison``;
    with the analyses, ``-claim``, ``-replication``, ``-premium`` (where export controls apply) and ``-trend``."""
    out: list[tuple[str, charts.Chart]] = []
    if len(ms) > 1:
        out.append(("comparison", charts.comparison([m.view for m in ms])))
    for m in ms:
        out.append((f"{m.slug}-iceberg", charts.iceberg(m.view)))
        out.append((f"{m.slug}-waterfall", charts.waterfall(m.view)))
        out.append((f"{m.slug}-distribution", charts.distribution(m.view, m.hist)))
        if m.out.get("sensitivity"):
            out.append((f"{m.slug}-tornado", charts.tornado(m.view, m.labels)))
        b = m.beyond
        if b is not None:
            out.append((f"{m.slug}-claim", charts.claim_chart(b.claim, m.view)))
            out.append((f"{m.slug}-replication", charts.replication(b.replicate, m.title)))
            x = b.export
            if x.applies and x.unrestricted is not None and x.premium is not None:
                out.append((f"{m.slug}-premium", charts.premium(
                    m.title, m.out["development"]["total_usd"], x.unrestricted["development"]["total_usd"],
                    str(x.unrestricted.get("name") or x.variant),
                    x.premium["development"]["premium_usd"]["mean"])))
            out.append((f"{m.slug}-trend", charts.trend_fan(b.trend, m.title)))
    return out
