"""The HTML report: one self-contained page (styles, script, charts and data inline; nothing fetched).

Every figure in the text comes from the estimate's JSON and is tagged ``data-fig="path.in.the.json"`` with
its format, so a test can check the page against ``fullcost estimate --format json``. Figures from the
analyses beyond the headline carry ``data-src`` as well: ``claim`` (``fullcost claim --format json``),
``replicate``, ``trend``, and ``export_controls`` (the ``unrestricted`` variant's estimate and the premium
taken sample by sample, ``fullcost premium --format json``). Sections a scenario lacks (the lab, the
financial statements, uncertainty) are replaced by a line saying what is missing.

The page is put together here; its parts live beside it: ``model`` (the data), ``markup`` (the small pieces),
``sections`` (the headline sections), ``beyond`` (the analyses beyond the headline) and ``statements`` (the
financial statements as tables).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Container, Sequence
from typing import Any

from fullcost import __version__
from fullcost.report import charts
from fullcost.report.assumptions import Assumption
from fullcost.report.beyond import claim_check_section, export_section, replication_section, trend_section
from fullcost.report.markup import FORMATS, asset, chart_figure, data_table, e, fig, mean_and_interval, page_head
from fullcost.report.model import ModelReport, model_report
from fullcost.report.sections import (
    cards,
    claim,
    distribution_section,
    final_run_table,
    footnotes,
    iceberg_section,
    items_table,
    lab_section,
    mfu_text,
    statements_section,
    tornado_section,
    waterfall_section,
)
from fullcost.views import OWN_COST_LABEL

__all__ = ["FORMATS", "ModelReport", "assumptions_section", "assumptions_table", "comparison_section", "data_json",
           "figures", "model_report", "model_section", "render"]


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
    return assumptions_table(m.assumptions, tid)


def assumptions_table(items: Sequence[Assumption], tid: str, settable: Container[str] | None = None) -> str:
    """The inputs with their values and sources; a row names its input (``data-input``) where ``settable`` has it
    (every row without ``settable``), so a page can offer a control for it."""
    body = []
    for a in items:
        pub = f'<blockquote class="pub">“{e(a.published)}”</blockquote>' if a.published else ""
        note = f'<span class="why">{e(a.note)}</span>' if a.note else ""
        attr = f' data-input="{e(a.name)}"' if settable is None or a.name in settable else ""
        body.append(f'<tr{attr}><td>{e(a.label)}<span class="name"><code>{e(a.name)}</code>'
                    f' · {e(a.origin)}</span></td><td class="val">{e(a.text)}<span class="detail">{e(a.kind)}</span>'
                    f"</td><td>{_source_cell(a)}{pub}{note}</td></tr>")
    n = len(items)
    flt = (f'<p class="filter"><label>Filter inputs <input type="search" data-filter="{tid}" '
           f'placeholder="e.g. staff, h800, utilization" aria-describedby="{tid}-count"></label> '
           f'<span id="{tid}-count" class="detail">{n} inputs</span></p>')
    return flt + data_table((("input", False), ("value or range", False), ("source · as published · why", False)),
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
    row("implied MFU", lambda m: mfu_text(m.out["final_run"]["implied_mfu"]))
    row(OWN_COST_LABEL, mi("final_run.own_cost_usd", lambda o: o["final_run"]["own_cost_usd"]))
    row("final run, amortized (Epoch AI's method)",
        mi("final_run.amortized_usd", lambda o: o["final_run"]["amortized_usd"]))
    row("cluster acquisition", mi("final_run.acquisition_usd", lambda o: o["final_run"]["acquisition_usd"]))
    row("development cost", mi("development.total_usd", lambda o: o["development"]["total_usd"]))
    row("headline share of it", lambda m: fig("coverage.headline_share.p50",
                                              m.out["coverage"]["headline_share"]["p50"], "pct"))
    row("lab's annual cost", mi("lab_annual.total_usd",
                                lambda o: o["lab_annual"]["total_usd"] if o.get("lab_annual") else None))
    head = [("", False), *((m.title, True) for m in ms)]
    out.append(data_table(head, body, "Means; 90% intervals below"))
    out.append(chart_figure("compare-bars", charts.comparison(views), charts.comparison(views, charts.NARROW),
                            "Each model's headline beside its development cost; whiskers span the 90% interval."))
    sc = charts.iceberg_scale(views)
    out.append('<h3>The icebergs, on one scale</h3><div class="grid">')
    for m in ms:
        out.append(f'<div data-model="{e(m.name)}">' + chart_figure(
            f"compare-{m.slug}-iceberg", None, charts.iceberg(m.view, charts.NARROW, sc), e(m.title)) + "</div>")
    out.append("</div>")
    xmax = max(max(float(m.out["development"]["total_usd"]["mean"]), float(m.out["headline"]["usd"]),
                   sum(max(float(b["usd"]), 0.0) for b in m.out["bridge"])) for m in ms)
    out.append('<h3>The bridges, on one scale</h3><div class="grid">')
    for m in ms:
        out.append(chart_figure(f"compare-{m.slug}-waterfall", None, charts.waterfall(m.view, charts.NARROW, xmax),
                                e(m.title)))
    out.append("</div>")
    dmax = max(max(m.hist.edges[-1], float(m.out["headline"]["usd"])) for m in ms)
    out.append('<h3>The distributions, on one scale</h3><div class="grid">')
    for m in ms:
        out.append(chart_figure(f"compare-{m.slug}-distribution", None,
                                charts.distribution(m.view, m.hist, charts.NARROW, dmax), e(m.title)))
    out.append("</div></section>")
    return "".join(out)


def data_json(ms: Sequence[ModelReport], generated: str, frontier: dict[str, Any] | None = None) -> dict[str, Any]:
    """The data behind the page, embedded in it for readers who want the numbers (no samples)."""
    return {
        "fullcost": __version__,
        "generated": generated,
        "models": [{"estimate": m.out, "assumptions": [a.as_json() for a in m.assumptions],
                    "statements": m.statements, "missing": m.missing,
                    **(m.beyond.as_json() if m.beyond is not None else {})} for m in ms],
        **({"frontier": frontier} if frontier is not None else {}),
    }


def reproduce(ms: Sequence[ModelReport]) -> str:
    """The command that gives the page's numbers again, overrides included."""
    import shlex

    one = len(ms) == 1
    parts = ["fullcost", "estimate" if one else "compare", *(m.name for m in ms)]
    parts += ["--samples", str(ms[0].out["samples"]), "--seed", str(ms[0].out["seed"])]
    for m in ms:
        for o in m.out.get("overrides") or []:
            parts += ["--set", o if one else f"{m.name}:{o}"]
    return " ".join(shlex.quote(p) for p in [*parts, "--format", "json"])


def render(ms: Sequence[ModelReport], generated: str, frontier: dict[str, Any] | None = None) -> str:
    """The whole page. ``generated`` is the date printed in it (passed in, so the output is reproducible);
    ``frontier`` (the JSON of ``fullcost frontier``) adds the frontier section, the reported models marked in it."""
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
    if frontier is not None:
        toc.append('<a href="#frontier">The frontier</a>')
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
    if frontier is not None:
        from fullcost.report.frontier import section

        body.append(section(frontier, marked={m.out["name"] for m in ms}))
    samples = {m.out["samples"] for m in ms}
    seeds = {m.out["seed"] for m in ms}
    body.append(
        f"<footer><p>Made with fullcost {e(__version__)} on {e(generated)} from {e(', '.join(m.name for m in ms))}: "
        f"{', '.join(f'{n:,}' for n in sorted(samples))} simulations, seed {', '.join(str(x) for x in sorted(seeds))}. "
        "Figures are means unless marked; ranges are 90% intervals (5th to 95th percentile). The same scenario, "
        f"samples and seed give the same numbers: <code>{e(reproduce(ms))}</code>. "
        "The data behind this page is embedded in it (<code>script#fullcost-data</code>).</p></footer>")
    data = json.dumps(data_json(ms, generated, frontier), allow_nan=False, separators=(",", ":")).replace("</", "<\\/")
    return (
        page_head(title)
        + f"<style>{asset('report.css')}</style></head>"
        f'<body><main>{"".join(body)}</main>'
        f'<script type="application/json" id="fullcost-data">{data}</script>'
        f"<script>{asset('report.js')}</script>"
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
