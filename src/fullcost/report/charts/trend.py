"""Where costs are heading: the cost of the same capability by year as a fan chart on a log scale, with the
frontier's band, the threshold and the year the median crosses it."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from fullcost import fmt
from fullcost.report.charts.layout import _fit, _top_label, log_range, log_ticks, spread, text_width
from fullcost.report.charts.scene import GRID, HIGH, INK, MUTED, TOTAL, WIDE, Chart, Line, Poly, Rect, Text

BAND = "#c6dcef"  # the model's 90% band in the trend
FRONTIER = "#9a5410"  # frontier training runs (Epoch AI): line and words, 5.8:1 on white
FRONTIER_BAND = "#f5dfc9"


def trend_fan(tr: dict[str, Any], name: str, width: float = WIDE) -> Chart:
    """The cost of the same capability by year as a fan (90% band and median) on a log scale, with the
    frontier's band, the threshold and the year the median crosses it."""
    narrow = width < 500
    size = 11.0 if narrow else 12.5
    years = [int(r["year"]) for r in tr["years"]]
    model = [r["usd"] for r in tr["years"]]
    front = [r["usd"] for r in (tr.get("frontier") or [])][:len(years)]
    below = float(tr["below_usd"])
    cross = tr.get("year_p50")
    legend = [(BAND, HIGH, "this model: median, 90% band"),
              (FRONTIER_BAND, FRONTIER, "frontier training run (Epoch AI)")] if front else \
        [(BAND, HIGH, "this model: median, 90% band")]
    legend.append(("", INK, f"threshold {fmt.usd(below)}"))
    lead = size + 8
    legend_rows = len(legend) if narrow else 1
    top = 10 + legend_rows * lead + 24
    plot_h = 250.0 if narrow else 290.0
    bottom = 34.0
    height = top + plot_h + bottom
    plot_bottom = top + plot_h
    ya, yb = log_range([below, *(float(s[q]) for s in model + front for q in ("p5", "p95"))])
    yticks = log_ticks(ya, yb, int(plot_h // (size * 2.2)))
    x0 = 14 + max([text_width(fmt.usd(v), size - 1) for v in yticks] or [0.0]) + 8
    x1 = width - (16.0 if narrow else 118.0)
    n = len(years)

    def sx(i: int) -> float:
        return (x0 + x1) / 2 if n <= 1 else x0 + i / (n - 1) * (x1 - x0)

    def sy(v: float) -> float:
        v = max(float(v), 10.0 ** ya)
        return plot_bottom - (math.log10(v) - ya) / (yb - ya) * plot_h

    y_first, y_last = years[0], years[-1]
    last, first = model[-1], model[0]
    if cross is None:
        crossing = f"in most simulations it never falls below {fmt.usd(below)}"
    else:
        crossing = f"the median falls below {fmt.usd(below)} in {cross}"
    title = f"{name}: where costs are heading"
    desc = (f"Fan chart on a log scale: the development cost of a model of the same capability, {y_first} to "
            f"{y_last}. Median {fmt.usd(float(first['p50']))} in {y_first}, {fmt.usd(float(last['p50']))} in "
            f"{y_last} (90% band {fmt.usd(float(last['p5']))}–{fmt.usd(float(last['p95']))}); {crossing}.")
    if front:
        desc += (f" Frontier training runs (Epoch AI), median: {fmt.usd(float(front[0]['p50']))} in {y_first}, "
                 f"{fmt.usd(float(front[-1]['p50']))} in {years[len(front) - 1]}.")
    c = Chart("trend", title, desc, width, height)

    # legend
    lx, ly = 8.0, 10 + size
    for fill, stroke, words in legend:
        if fill:
            c.add(Rect(lx, ly - size + 1, 22, size, fill))
            c.add(Line(lx, ly - size / 2 + 1, lx + 22, ly - size / 2 + 1, stroke, 2.2))
        else:
            c.add(Line(lx, ly - size / 2 + 1, lx + 22, ly - size / 2 + 1, stroke, 1.4, (5.0, 3.0)))
        c.add(Text(lx + 28, ly, words, size - 1, fill=INK))
        if narrow:
            ly += lead
        else:
            lx += 28 + text_width(words, size - 1) + 22

    # axes: decades up the side, years along the bottom
    for v in yticks:
        y = sy(v)
        c.add(Line(x0, y, x1, y, GRID, 1.0))
        c.add(Text(x0 - 6, y + (size - 1) * 0.35, fmt.usd(v), size - 1, "end", fill=MUTED))
    per = (x1 - x0) / max(n - 1, 1)
    step = max(1, math.ceil((text_width("2030", size - 1) + 10) / per))
    for i, yr in enumerate(years):
        if i % step == 0 or (i == n - 1 and (n - 1) % step >= step / 2):
            c.add(Line(sx(i), plot_bottom, sx(i), plot_bottom + 4, MUTED, 1.0))
            c.add(Text(sx(i), plot_bottom + size + 6, str(yr), size - 1, "middle", fill=MUTED))
    c.add(Line(x0, plot_bottom, x1, plot_bottom, MUTED, 1.0))

    def fan(rows: Sequence[dict[str, Any]], fill: str, stroke: str) -> None:
        upper = [(sx(i), sy(s["p95"])) for i, s in enumerate(rows)]
        lower = [(sx(i), sy(s["p5"])) for i, s in enumerate(rows)]
        if len(rows) == 1:  # one year: a short band, not a line
            upper = [(upper[0][0] - 6, upper[0][1]), (upper[0][0] + 6, upper[0][1])]
            lower = [(lower[0][0] - 6, lower[0][1]), (lower[0][0] + 6, lower[0][1])]
        c.add(Poly(tuple(upper + lower[::-1]), fill))
        mid = [(sx(i), sy(s["p50"])) for i, s in enumerate(rows)]
        if len(mid) == 1:
            mid = [(mid[0][0] - 6, mid[0][1]), (mid[0][0] + 6, mid[0][1])]
        c.add(Poly(tuple(mid), None, stroke, 2.2))

    if front:
        fan(front, FRONTIER_BAND, FRONTIER)
    fan(model, BAND, HIGH)
    ty = sy(below)
    c.add(Line(x0, ty, x1, ty, INK, 1.4, (6.0, 3.0)))

    # the year the median crosses, or words saying it does not
    if cross is not None and y_first <= int(cross) <= y_last:
        cx = sx(years.index(int(cross)))
        c.add(Line(cx, top - 6, cx, plot_bottom, TOTAL, 1.2, (3.0, 3.0)))
        c.add(Poly(((cx, ty - 5), (cx + 5, ty), (cx, ty + 5), (cx - 5, ty)), TOTAL, "#ffffff", 1.0))
        if int(cross) == y_first:
            c.add(Text(cx + 6, top - 10, f"the median is below {fmt.usd(below)} already in {cross}", size - 0.5,
                       "start", "bold", TOTAL))
        else:
            _top_label(c, cx, top - 10, f"median below {fmt.usd(below)} in {cross}", size - 0.5, "bold", TOTAL)
    elif cross is not None:
        c.add(Text(x1, top - 10, f"median below {fmt.usd(below)} in {cross}, after {y_last}", size - 0.5, "end",
                   "bold", TOTAL))
    else:
        c.add(Text(x1, top - 10, f"the median never falls below {fmt.usd(below)}", size - 0.5, "end", "bold",
                   TOTAL))

    # the lines' values at the right end (wide only: the legend names them on a phone)
    if not narrow:
        ends = [(sy(float(last["p50"])), f"median {fmt.usd(float(last['p50']))}", HIGH)]
        if front:
            ends.append((sy(float(front[-1]["p50"])), f"frontier {fmt.usd(float(front[-1]['p50']))}", FRONTIER))
        ends.append((ty, f"threshold {fmt.usd(below)}", INK))
        ends.sort()
        ys = spread([y for y, _, _ in ends], size + 3, top + size, plot_bottom)
        for (_, words, col), y in zip(ends, ys, strict=True):
            c.add(Text(x1 + 8, y + (size - 1) * 0.35, _fit(words, width - x1 - 10, size - 1), size - 1,
                       weight="bold", fill=col))

    # a hover target per year with the year's figures
    prob = tr.get("probability_by_year") or {}
    for i, yr in enumerate(years):
        s = model[i]
        tip = (f"{yr}: median {fmt.usd(float(s['p50']))}, 90% band {fmt.usd(float(s['p5']))}–"
               f"{fmt.usd(float(s['p95']))}")
        if str(yr) in prob:
            tip += f"; below {fmt.usd(below)} with probability {fmt.pct(float(prob[str(yr)]))}"
        if i < len(front):
            tip += f"; frontier median {fmt.usd(float(front[i]['p50']))}"
        left, right = (max(sx(i) - per / 2, x0), min(sx(i) + per / 2, x1)) if n > 1 else (x0, x1)
        c.add(Rect(left, top, right - left, plot_h, "none", None, 0.0, tip))
    return c
