"""The frontier view, formatted: a terminal table, an HTML section with its chart (log scale), a page holding
the section, and the chart as SVG and PNG files. Figures come from ``analysis.frontier``; nothing is computed here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fullcost import __version__, fmt
from fullcost.report.charts import NARROW, WIDE
from fullcost.report.charts.frontier import frontier_chart
from fullcost.report.markup import asset, chart_figure, data_table, e, fig, page_head
from fullcost.safe import term as esc


def _dollars(out: dict[str, Any]) -> str:
    d = out["dollars"]
    return f"constant dollars of {d}" if isinstance(d, int) or str(d)[:4].isdigit() else str(d)


def _rate(g: dict[str, Any] | None) -> str:
    if not g:
        return "too few models to fit"
    return (f"{g['per_year']:.2f}x a year (90%: {g['per_year_p5']:.2f}x to {g['per_year_p95']:.2f}x, "
            f"{g['models']} models)")


def summary_lines(out: dict[str, Any]) -> list[str]:
    """The findings in words, every figure from the analysis's JSON."""
    g = out["growth"]
    lines = [f"Headline: {_rate(g['headline'])}", f"Final run, amortized: {_rate(g['amortized'])}",
             f"Development cost: {_rate(g['development'])}"]
    et = out.get("epoch_table_growth")
    if et:
        lines.append(f"Epoch AI's own figures for {et['models']} of these models (model_costs.csv) fit "
                     f"{et['per_year']:.2f}x a year.")
    ep = out.get("epoch_reported_growth")
    if ep:
        lines.append(f"Epoch AI reports {ep['per_year']:.1f}x a year ({ep['p5']:.1f}x to {ep['p95']:.1f}x) for "
                     f"{ep['what']}.")
    r = out.get("all_in_over_headline")
    if r:
        lines.append(f"All-in over headline (median per model): {r['median']:.2f}x, from {r['min']:.2f}x to "
                     f"{r['max']:.2f}x; below 1 for {r['below_one']} of {len(out['models'])}.")
    es = out["essay"]
    lo, hi = es["claim_usd"]
    last = es["last_at_or_under"]
    latest = es["latest"]
    if latest:
        lines.append(
            f"The essay's '{fmt.usd(lo)}-{fmt.usd(hi)} all-in': {es['models_at_or_under']} frontier models had a "
            f"median development cost at or under {fmt.usd(hi)}" + (f", the last published {last}" if last else "")
            + f"; the latest, {latest['name']} ({latest['released']}), {fmt.usd(latest['development_p50'])}.")
    return lines


def frontier_table(out: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    c = Console()
    sel = out["selection"]
    t = Table(title=f"Frontier models (Epoch AI top {sel['top_n']}, {sel['models']} models; {_dollars(out)}; "
                    f"medians)")
    for col in ("model", "released", "headline", "amortized", "development", "all-in / headline"):
        t.add_column(col, justify="left" if col in ("model", "released") else "right")
    for m in out["models"]:
        ratio = m["all_in_over_headline"]
        t.add_row(esc(m["title"]), esc(m["released"]), fmt.usd(m["headline_usd"]), fmt.usd(m["amortized_usd"]["p50"]),
                  fmt.usd(m["development_usd"]["p50"]), "" if ratio is None else f"{ratio['p50']:.2f}x")
    c.print(t)
    for line in summary_lines(out):
        c.print(esc(line, 2_000))


def section(out: dict[str, Any], marked: set[str] | frozenset[str] = frozenset()) -> str:
    """The frontier section of a report: the findings, the chart on a log scale and the table of models (those
    named in ``marked``, the report's own models, stand out)."""
    sel = out["selection"]
    parts = ['<section class="frontier" id="frontier"><h2>The frontier over time</h2>',
             f"<p>{sel['models']} models of Epoch AI's top-{sel['top_n']} frontier selection (models among the "
             f"{sel['top_n']} largest by training compute when published), in {e(_dollars(out))}. For each: the "
             "headline (the final run at rental rates), the final run at amortized ownership cost (Epoch AI's "
             "method) and the development cost (final run, research program and staff), each a median of "
             f"{out['samples']:,} simulations.</p><ul>"]
    g = out["growth"]
    for key, label in (("headline", "Headline"), ("amortized", "Final run, amortized"),
                       ("development", "Development cost")):
        rate = g[key]
        val = fig(f"growth.{key}.per_year", rate["per_year"], "oom", "frontier") if rate else "—"
        parts.append(f"<li>{label}: grows {val}x a year" + (f" ({e(_rate(rate))})" if rate else "") + "</li>")
    parts.append("</ul>")
    parts += [f"<p>{e(line)}</p>" for line in summary_lines(out)[3:]]
    parts.append(chart_figure("frontier-chart", frontier_chart(out), frontier_chart(out, NARROW),
                              "Each frontier model's development cost, amortized final run and headline by "
                              "publication date, log scale; dashed lines are the fitted growth rates."))
    body = []
    for i, m in enumerate(out["models"]):
        ratio = m["all_in_over_headline"]
        p = f"models.{i}"
        cells = [fig(p + ".headline_usd", m["headline_usd"], "usd", "frontier"),
                 fig(p + ".amortized_usd.p50", m["amortized_usd"]["p50"], "usd", "frontier"),
                 fig(p + ".development_usd.p50", m["development_usd"]["p50"], "usd", "frontier"),
                 "—" if ratio is None else f'{ratio["p50"]:.2f}x']
        mark = ' class="this"' if m["name"] in marked else ""
        body.append(f'<tr data-model="{e(m["name"])}"{mark}><td>{e(m["title"])}</td><td>{e(m["released"])}</td>'
                    + "".join(f'<td class="n">{c}</td>' for c in cells) + "</tr>")
    parts.append(data_table((("model", False), ("released", False), ("headline", True), ("amortized", True),
                             ("development", True), ("all-in / headline", True)), body, "Medians", "frontier-models"))
    outside = sorted(marked - {m["name"] for m in out["models"]})
    if outside:
        parts.append(f"<p>Not in this selection: {e(', '.join(outside))} (not among the {sel['top_n']} largest "
                     "training runs when published, or published outside its years).</p>")
    parts.append("</section>")
    return "".join(parts)


def write_page(out: dict[str, Any]) -> str:
    """A self-contained page holding the frontier section (styles inline, nothing fetched)."""
    title = "The frontier over time: headline, amortized final run and development cost"
    data = json.dumps({"fullcost": __version__, "frontier": out}, allow_nan=False,
                      separators=(",", ":")).replace("</", "<\\/")
    return (page_head(title) + f"<style>{asset('report.css')}</style></head><body><main>"
            f'<header class="masthead"><p class="kicker">fullcost report · frontier</p><h1>{e(title)}</h1></header>'
            f"{section(out)}</main>"
            f'<script type="application/json" id="fullcost-data">{data}</script></body></html>\n')


def write_figures(out: dict[str, Any], folder: Path) -> list[Path]:
    """The chart as ``frontier.svg`` and ``frontier.png`` in ``folder``."""
    from fullcost.errors import InputError

    try:
        folder.mkdir(parents=True, exist_ok=True)
        chart = frontier_chart(out, WIDE)
        svg, png = folder / "frontier.svg", folder / "frontier.png"
        svg.write_text(chart.svg(standalone=True), encoding="utf-8")
        png.write_bytes(chart.png())
    except OSError as err:
        raise InputError(f"cannot write figures to {folder}: {err.strerror or err}") from None
    return [svg, png]
