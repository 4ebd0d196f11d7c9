"""The frontier over time: each frontier model's headline, amortized final run and development cost by
publication date on a log scale, with each series' fitted growth line."""

from __future__ import annotations

import math
from typing import Any

from fullcost import fmt
from fullcost.report.charts.layout import log_range, log_ticks, text_width
from fullcost.report.charts.scene import ACCENT, GRID, HIGH, INK, MUTED, TOTAL, WIDE, Chart, Line, Poly, Rect, Text

SERIES = (  # key, colour, label, marker
    ("development", TOTAL, "development cost (median)", "square"),
    ("amortized", HIGH, "final run, amortized (median)", "circle"),
    ("headline", ACCENT, "headline (final run at rental rates)", "triangle"),
)


def _values(out: dict[str, Any], key: str) -> list[tuple[float, float, str]]:
    pts = []
    for m in out["models"]:
        v = m["headline_usd"] if key == "headline" else m[f"{key}_usd"]["p50"]
        if v and v > 0:
            pts.append((float(m["year"]), float(v), m["title"]))
    return pts


def _marker(kind: str, x: float, y: float, r: float, colour: str) -> Poly:
    pts: tuple[tuple[float, float], ...]
    if kind == "square":
        pts = ((x - r, y - r), (x + r, y - r), (x + r, y + r), (x - r, y + r))
    elif kind == "triangle":
        pts = ((x, y - r * 1.2), (x + r * 1.1, y + r * 0.8), (x - r * 1.1, y + r * 0.8))
    else:
        pts = tuple((x + r * math.cos(a * math.pi / 4), y + r * math.sin(a * math.pi / 4)) for a in range(8))
    return Poly(pts, colour, "#ffffff", 0.6)


def frontier_chart(out: dict[str, Any], width: float = WIDE) -> Chart:
    """Three series on a log scale over the publication date, each with its fitted growth line."""
    narrow = width < 500
    size = 11.0 if narrow else 12.0
    pts = {k: _values(out, k) for k, *_ in SERIES}
    allv = [v for k in pts for _, v, _ in pts[k]]
    years = [x for k in pts for x, _, _ in pts[k]]
    growth = out.get("growth") or {}
    legend_rows = len(SERIES) if narrow else 2
    top = 10 + legend_rows * (size + 8) + 10
    plot_h = 260.0 if narrow else 330.0
    height = top + plot_h + 36
    bottom = top + plot_h
    ya, yb = log_range(allv or [1.0, 10.0])
    yticks = log_ticks(ya, yb, int(plot_h // (size * 2.4)))
    x0 = 14 + max([text_width(fmt.usd(v), size - 1) for v in yticks] or [0.0]) + 8
    x1 = width - 16
    xa, xb = (math.floor(min(years)), math.ceil(max(years))) if years else (2015, 2025)
    xb = max(xb, xa + 1)

    def sx(x: float) -> float:
        return x0 + (x - xa) / (xb - xa) * (x1 - x0)

    def sy(v: float) -> float:
        return bottom - (math.log10(max(v, 10 ** ya)) - ya) / (yb - ya) * plot_h

    n = len(out["models"])
    rates = []
    for key, _, label, _ in SERIES:
        g = growth.get(key)
        if g:
            rates.append(f"{label.split(' (')[0]} {g['per_year']:.1f}x a year")
    title = f"The frontier over time: {n} models of Epoch AI's top-{out['selection']['top_n']} selection"
    desc = (f"Scatter chart on a log scale of cost against publication date, {xa} to {xb}: for each frontier model "
            f"its development cost, its final run at amortized ownership cost and its headline. Fitted growth: "
            f"{'; '.join(rates) or 'too few models to fit'}.")
    c = Chart("frontier", title, desc, width, height)
    # legend
    lx, ly = 14.0, 10 + size
    for i, (key, colour, label, marker) in enumerate(SERIES):
        g = growth.get(key)
        text = label + (f": {g['per_year']:.2f}x a year" if g else "")
        if narrow or i < 2:
            row, col_x = (i, lx) if narrow else (0, lx + i * (width - 28) / 2)
        else:
            row, col_x = 1, lx
        y = ly + row * (size + 8)
        c.add(_marker(marker, col_x + 5, y - size / 3, 4.5, colour))
        c.add(Text(col_x + 14, y, text, size, fill=INK))
    # axes
    for v in yticks:
        y = sy(v)
        c.add(Line(x0, y, x1, y, GRID, 1.0))
        c.add(Text(x0 - 6, y + size / 3, fmt.usd(v), size - 1, "end", fill=MUTED))
    step = 1 if (xb - xa) <= (6 if narrow else 12) else 2
    for yr in range(xa, xb + 1, step):
        x = sx(yr)
        c.add(Line(x, top, x, bottom, GRID, 1.0, (2.0, 3.0)))
        c.add(Text(x, bottom + size + 6, str(yr), size - 1, "middle", fill=MUTED))
    c.add(Rect(x0, top, x1 - x0, plot_h, "none", GRID, 1.0))
    # fitted lines, then points on top
    for key, colour, _, _ in SERIES:
        g = growth.get(key)
        if not g:
            continue
        fy = [10 ** (g["log10_intercept"] + g["log10_slope"] * x) for x in (xa, xb)]
        c.add(Line(sx(xa), sy(fy[0]), sx(xb), sy(fy[1]), colour, 1.6, (6.0, 4.0)))
    for key, colour, label, marker in SERIES:
        for x, v, name in pts[key]:
            c.add(_marker(marker, sx(x), sy(v), 3.6 if narrow else 4.2, colour))
            c.add(Rect(sx(x) - 5, sy(v) - 5, 10, 10, "none", tip=f"{name}: {label} {fmt.usd(v)}"))
    return c
