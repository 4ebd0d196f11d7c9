"""Beyond the headline: the claim checked, the cost of replicating the model, the export-control premium and
where costs are heading, laid out from the outputs of ``fullcost.analysis`` (the caller computes them)."""

from __future__ import annotations

from fullcost import fmt
from fullcost.report import charts
from fullcost.report.markup import chart_figure, data_table, e, fig, interval, mean_and_interval, missing, na
from fullcost.report.model import Beyond, ModelReport


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
    out.append(chart_figure(fid, charts.claim_chart(cl, m.view), charts.claim_chart(cl, m.view, charts.NARROW), cap))
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
    out.append(data_table((("cost definition", False), ("mean", True), ("90% interval", True),
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
    out.append(chart_figure(fid, charts.replication(r, m.title), charts.replication(r, m.title, charts.NARROW), cap))
    out.append(data_table((("released", False), ("mean", True), ("90% interval", True)), body,
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
    out.append(data_table(head, rows_, "What a replicator pays, step by step (means)", cls="stack"))
    return "".join(out)


def export_section(m: ModelReport, b: Beyond, fid: str) -> str:
    """The export-control premium: the scenario against its ``unrestricted`` variant, or why it does not apply."""
    x, src = b.export, "export_controls"
    if not x.applies or x.unrestricted is None or x.premium is None:
        return missing(e(x.reason)) if x.missing else na(e(x.reason))
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
    out.append(data_table((("development cost", False), ("mean", True), ("90% interval", True)), body,
                          "With and without export controls", cls="stack"))
    name = str(u.get("name") or x.variant)
    cap = ("The development cost with and without export controls (bars to the mean, whiskers over each run's "
           "90% interval) and the premium between the means. The premium's own interval, in the table, is "
           "narrower than the gap between the runs' intervals suggests: the runs share their inputs.")
    out.append(chart_figure(fid, charts.premium(m.title, dev, udev, name, prem["mean"]),
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
    out.append(chart_figure(fid, charts.trend_fan(t, m.title), charts.trend_fan(t, m.title, charts.NARROW), cap))
    cells = "".join(f'<li><span class="y">{e(y)}</span> {fig(f"probability_by_year.{y}", prob[y], "pct", src)}</li>'
                    for y in years)
    out.append(f'<p class="by-year-h" id="{fid}-by-year">The probability that it costs less than {below}, by '
               f'year</p><ol class="by-year" aria-labelledby="{fid}-by-year">{cells}</ol>')
    return "".join(out)
