"""The headline sections of one model's part of the page: the claim and the cards, the iceberg, the bridge, the
distribution, the drivers, the footnotes, the cost items, the final run, and the lab with its statements."""

from __future__ import annotations

from typing import Any

from fullcost import fmt
from fullcost.report import charts
from fullcost.report.markup import chart_figure, data_table, e, fig, interval, mean_and_interval, missing
from fullcost.report.model import ModelReport
from fullcost.report.statements import STATEMENTS, is_summary, statement_caption, statement_tables
from fullcost.views import OWN_COST_LABEL, RATE_LABELS


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
    above = o["coverage"].get("headline_above_development")
    why = f'<p class="answer">{e(above)}</p>' if above else ""
    return (f'<div class="claim"><p class="reported">{said}</p>'
            f'<p class="answer">Development cost: {total}{rng}. The headline covers {cover}.</p>{why}'
            f"<small>In {e(_dollars(o))}. {o['samples']:,} simulations, seed {o['seed']}. Development cost is "
            "the mean; ranges are 90% intervals (5th to 95th percentile). The share is the median of headline "
            "÷ development cost."
            "</small></div>")


def _dollars(o: dict[str, Any]) -> str:
    d = o.get("dollars")
    return str(d["label"]) if d else "US dollars"


def cards(m: ModelReport) -> str:
    o = m.out
    h, fr, dev = o["headline"], o["final_run"], o["development"]
    share = o["coverage"]["headline_share"]

    def card(cls: str, value: str, key: str, sub: str = "") -> str:
        return (f'<div class="card {cls}"><div class="v">{value}</div><div class="k">{e(key)}</div>'
                f'{f"<div class=s>{sub}</div>" if sub else ""}</div>')

    gh = fig("headline.gpu_hours", h["gpu_hours"], "num")
    out = [card("headline", fig("headline.usd", h["usd"]), "the headline",
                f"{gh} GPU-hours × {fig('headline.usd_per_gpu_hour', h['usd_per_gpu_hour'])}")]
    v, rng = mean_and_interval("development.total_usd", dev["total_usd"])
    out.append(card("total", v, "development cost", rng))
    v, rng = mean_and_interval("coverage.headline_share", share, "pct")
    out.append(card("", fig("coverage.headline_share.p50", share["p50"], "pct"), "of it is in the headline", rng))
    v, rng = mean_and_interval("final_run.own_cost_usd", fr["own_cost_usd"])
    out.append(card("", v, OWN_COST_LABEL, rng))
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
    return chart_figure(fid, charts.iceberg(m.view), charts.iceberg(m.view, charts.NARROW), cap)


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
    table = data_table((("step", False), ("mean", True)), body, "The bridge")
    return chart_figure(fid, charts.waterfall(m.view), charts.waterfall(m.view, charts.NARROW), cap) + table


def distribution_section(m: ModelReport, fid: str) -> str:
    s = m.out["development"]["total_usd"]
    if m.hist.point is not None:
        cap = ("Every input of this scenario is a single value, so the development cost is one number, "
               f"{fig('development.total_usd.mean', s['mean'])}: there is no spread to draw.")
    else:
        cap = (f"{m.hist.samples:,} simulated development costs. 90% of them fall between "
               f"{interval('development.total_usd', s)} (shaded); the solid line is the mean, "
               f"{fig('development.total_usd.mean', s['mean'])}, the dashed red line the headline.")
    return chart_figure(fid, charts.distribution(m.view, m.hist), charts.distribution(m.view, m.hist, charts.NARROW),
                        cap)


def tornado_section(m: ModelReport, fid: str) -> str:
    rows_ = m.out.get("sensitivity") or []
    if not rows_:
        return missing("a ranking of inputs: every input is a single value, so none moves the total.")
    cap = ("Each bar is the mean development cost when one input sits at its low end (its lowest tenth of "
           "draws, around the 5th percentile) or its high end (around the 95th), every other input still "
           "uncertain. The longest bars are the assumptions worth arguing about.")
    return chart_figure(fid, charts.tornado(m.view, m.labels), charts.tornado(m.view, m.labels, charts.NARROW), cap)


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
    return data_table((("item", False), ("category", False), ("phase", False), ("line", False), ("mean", True),
                       ("90% interval", True)), body, cap, cls="stack")


def mfu_text(v: float | None) -> str:
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
        f"<td class=n>{mfu_text(fr['implied_mfu'])}</td><td></td></tr>",
        f"<tr><td>wall-clock days</td><td class=n>{float(fr['days']):.1f}</td><td></td></tr>",
    ]
    rate = m.out["development"]["rate"]
    own = f"{OWN_COST_LABEL} (as in the development cost: {RATE_LABELS.get(rate, rate)})"
    for key, label in (("energy_kwh", "energy (kWh)"), ("rental_usd", "rental: the headline's basis"),
                       ("own_cost_usd", own),
                       ("amortized_usd", "amortized ownership (Epoch AI's method, idle time excluded)"),
                       ("amortized_straight_line_usd", "amortized ownership (straight-line)"),
                       ("acquisition_usd", "buying the cluster outright")):
        kind = "num" if key == "energy_kwh" else "usd"
        v, rng = mean_and_interval(f"final_run.{key}", fr[key], kind)
        body.append(f"<tr><td>{e(label)}</td><td class=n>{v}</td><td class=n>{rng}</td></tr>")
    body.append(f"<tr><td>cluster acquired / training started</td><td class=n>{e(fr['acquired'])} / "
                f"{e(fr['start'])}</td><td></td></tr>")
    return data_table((("final run", False), ("value", True), ("90% interval", True)), body,
                      "The final run, priced each way", cls="stack")


def lab_section(m: ModelReport) -> str:
    lab = m.out.get("lab_annual")
    if not lab:
        return missing("the lab's annual cost. The scenario has no lab or fleet section, so only the "
                       "model's development cost is estimated.")
    body = []
    for i, it in enumerate(lab["items"]):
        v, rng = mean_and_interval(f"lab_annual.items.{i}.usd", it["usd"])
        body.append(f'<tr><td>{e(it["name"])}<span class="detail">{e(it["detail"])}</span></td>'
                    f'<td>{e(it["category"])}</td><td class="n">{v}</td><td class="n">{rng}</td></tr>')
    v, rng = mean_and_interval("lab_annual.total_usd", lab["total_usd"])
    body.append(f'<tr class="total"><td>total</td><td></td><td class="n">{v}</td><td class="n">{rng}</td></tr>')
    return ("<p>Running the whole lab for a year: every person full time, the whole fleet, overhead.</p>"
            + data_table((("item", False), ("category", False), ("mean", True), ("90% interval", True)), body,
                         "The lab's annual cost", cls="stack"))


def _statement_cell(v: Any) -> str:
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
    return statements_html(m.statements, m.statements_note)


def statements_html(statements: dict[str, Any] | None, note: str = "") -> str:
    """A statements JSON as tables (the report's lab section and the web app's lab page)."""
    if statements is None:
        return missing(f"the income statement, balance sheet, cash flow and adjusted-EBITDA reconciliation: "
                       f"{e(note)}.")
    tables = statement_tables(statements)
    out = []
    cap = statement_caption(statements)
    if cap:
        out.append(f"<p>The lab's books: {e(cap)}. Means, with 90% intervals beneath.</p>")
    have = {t.key for t in tables}
    for t in tables:
        body = []
        for r in t.rows:
            cls = "total" if r.total else ("head" if r.heading else "")
            if r.level >= 1:
                cls += " sub" if r.level == 1 else " sub2"
            tds = "".join(f'<td class="n">{_statement_cell(v)}</td>' for v in r.values)
            body.append(f'<tr class="{cls.strip()}"><td>{e(r.label)}</td>{tds}</tr>')
        out.append(data_table((("", False), *((c, True) for c in t.columns)), body, e(t.title)))
    for key, title, _ in STATEMENTS:
        if key not in have:
            out.append(missing(f"the {e(title.lower())}: the statements given lack it."))
    return "".join(out)
