"""Several models side by side: each one's headline beside its development cost and 90% interval, on one
scale."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fullcost import fmt
from fullcost.report.charts.layout import _fit, _name, _x_axis, nice_max, text_width
from fullcost.report.charts.scene import ACCENT, INK, TOTAL, WIDE, Chart, Line, Rect, Text


def comparison(outs: Sequence[dict[str, Any]], width: float = WIDE) -> Chart:
    """Each model's headline beside its development cost, with the 90% interval, on one scale."""
    narrow = width < 500
    size = 11.0 if narrow else 12.5
    group = 74.0 if narrow else 66.0
    top, bottom = 40.0, 30.0
    height = top + len(outs) * group + bottom
    label_w = 0.0 if narrow else 170.0
    x0, x1 = (label_w + 14) if not narrow else 14.0, width - (64.0 if narrow else 80.0)
    vmax = nice_max(max(max(float(o["development"]["total_usd"]["p95"]), float(o["headline"]["usd"]))
                        for o in outs))

    def sx(v: float) -> float:
        return x0 + v / vmax * (x1 - x0)

    title = "Headline and development cost, side by side"
    desc = "; ".join(f"{_name(o)}: headline {fmt.usd(o['headline']['usd'])}, development cost "
                     f"{fmt.usd(o['development']['total_usd']['mean'])} (90% interval "
                     f"{fmt.usd(o['development']['total_usd']['p5'])} to "
                     f"{fmt.usd(o['development']['total_usd']['p95'])})" for o in outs)
    c = Chart("comparison", title, desc, width, height)
    plot_bottom = top + len(outs) * group
    _x_axis(c, x0, x1, top, plot_bottom, 0.0, vmax, size - 1, target=4 if narrow else 6)
    lx = x0
    for color, words in ((ACCENT, "headline"), (TOTAL, "development cost (mean, 90% interval)")):
        c.add(Rect(lx, 12, 12, 12, color))
        c.add(Text(lx + 16, 22, words, size - 1))
        lx += 16 + text_width(words, size - 1) + 16
    bh = 14.0
    for i, o in enumerate(outs):
        y = top + i * group + (22.0 if narrow else 12.0)
        if narrow:
            c.add(Text(x0, y - 6, _name(o), size, weight="bold"))
        else:
            c.add(Text(label_w, y + bh + 4, _fit(_name(o), label_w, size), size, "end", "bold"))
        head = float(o["headline"]["usd"])
        s = o["development"]["total_usd"]
        c.add(Rect(sx(0), y, sx(head) - sx(0), bh, ACCENT, None, 0.0, f"headline {fmt.usd(head)}"))
        c.add(Text(sx(head) + 4, y + bh - 3, fmt.usd(head), size - 1, fill=ACCENT))
        y2 = y + bh + 6
        c.add(Rect(sx(0), y2, sx(s["mean"]) - sx(0), bh, TOTAL, None, 0.0, f"development {fmt.usd(s['mean'])}"))
        c.add(Line(sx(s["p5"]), y2 + bh / 2, sx(s["p95"]), y2 + bh / 2, INK, 1.2))
        if s["p5"] < s["mean"]:  # the part of the whisker over the bar, in white so it shows
            c.add(Line(sx(s["p5"]), y2 + bh / 2, sx(s["mean"]), y2 + bh / 2, "#ffffff", 1.2))
        for v in (s["p5"], s["p95"]):
            c.add(Line(sx(v), y2 + 2, sx(v), y2 + bh - 2, INK if v > s["mean"] else "#ffffff", 1.2))
        c.add(Text(max(sx(s["p95"]), sx(s["mean"])) + 4, y2 + bh - 3, fmt.usd(s["mean"]), size - 1, weight="bold",
                   fill=TOTAL))
    return c
