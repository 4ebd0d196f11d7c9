"""The headline and what lies under it: the iceberg (the headline above the waterline, the rest of the
development cost below it) and the waterfall (the bridge from the headline to the development cost, step by step)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fullcost import fmt
from fullcost.report.charts.layout import _fit, _name, _signed, _x_axis, nice_max, spread, wrap
from fullcost.report.charts.scene import ACCENT, HIGH, INK, MUTED, TOTAL, WIDE, Chart, Line, Poly, Rect, Text

# the bridge's own colours (the same rules as the palette in ``scene``): the sea around the iceberg, each
# step, and a step that takes cost away
WATER = "#e4f0f9"
WAVE = "#3b7fb6"
NEGATIVE = "#8b97a6"
STEP_COLORS = {
    "headline": ACCENT,
    "final_run": "#7f9bb3",
    "experiments": "#1f5a8c",
    "validation": "#74a9d8",
    "related_model": "#2c7a7b",
    "failed": "#a9cbe8",
    "inference": "#4f6d8a",
    "other": "#c3ccd6",
    "staff": "#16324f",
    "data": "#5fb3ad",
    "overhead": "#8b97a6",
}
STEP_NAMES = {
    "headline": "the headline",
    "final_run": "final run: the lab's own cost above the rental quote",
    "experiments": "experiments and ablations",
    "validation": "validation runs",
    "related_model": "related models",
    "failed": "failed runs",
    "inference": "inference and serving",
    "other": "other compute",
    "staff": "staff",
    "data": "data",
    "overhead": "overhead",
}


# --------------------------------------------------------------------------------------------- the iceberg
@dataclass(frozen=True)
class IcebergScale:
    """A common scale for icebergs drawn side by side: the largest tip and the largest body, in dollars."""

    tip_usd: float
    body_usd: float


def iceberg_blocks(out: dict[str, Any]) -> list[tuple[str, str, float]]:
    """The blocks under the waterline: the bridge's steps after the headline that add to it."""
    return [(b["step"], STEP_NAMES.get(b["step"], b["label"]), float(b["usd"])) for b in out["bridge"][1:]
            if b["usd"] > 0]


def iceberg_scale(outs: Sequence[dict[str, Any]]) -> IcebergScale:
    tip = max(float(o["headline"]["usd"]) for o in outs)
    body = max(sum(v for _, _, v in iceberg_blocks(o)) for o in outs)
    return IcebergScale(tip, body)


def iceberg(out: dict[str, Any], width: float = WIDE, scale: IcebergScale | None = None) -> Chart:
    """The headline as the tip above the waterline, the rest of the development cost below it, by step."""
    narrow = width < 500
    height = 470.0 if narrow else 440.0
    size = 11.0 if narrow else 13.0
    sc = scale or iceberg_scale([out])
    head = float(out["headline"]["usd"])
    blocks = iceberg_blocks(out)
    total = float(out["development"]["total_usd"]["mean"])
    title = f"{_name(out)}: the headline and what lies under it"
    desc = (f"The headline {fmt.usd(head)} sits above the waterline; below it, "
            + ", ".join(f"{label} {fmt.usd(v)}" for _, label, v in blocks)
            + f". Development cost {fmt.usd(total)} (mean).")
    c = Chart("iceberg", title, desc, width, height)

    top, bottom = 34.0, 52.0
    avail = height - top - bottom
    k = avail / max(sc.tip_usd + sc.body_usd, 1e-9)
    water_y = top + sc.tip_usd * k
    col_w = 96.0 if narrow else 150.0
    col_x = 16.0 if narrow else 150.0
    label_x = col_x + col_w + 14

    # sky and water
    c.add(Rect(0, water_y, width, height - water_y - bottom + 18, WATER))
    waves = []
    steps = int(width // 8)
    for i in range(steps + 1):
        x = i * width / steps
        waves.append((x, water_y + 2.2 * math.sin(i * math.pi / 2)))
    c.add(Poly(tuple(waves), None, WAVE, 1.6))

    tip_h = max(head * k, 2.0)
    tip_y = water_y - tip_h
    # the tip: an ice-like silhouette whose height is the headline
    inset = min(col_w * 0.12, tip_h * 0.5)
    c.add(Poly(((col_x, water_y), (col_x + inset, tip_y), (col_x + col_w - inset * 1.6, tip_y),
                (col_x + col_w, water_y)), ACCENT, "#ffffff", 1.0))
    c.add(Rect(col_x, tip_y, col_w, tip_h, "none", None, 0.0, f"the headline: {fmt.usd(head)}"))

    # the body, block by block
    y = water_y
    centers: list[float] = []
    for step, label, v in blocks:
        h = v * k
        c.add(Rect(col_x, y, col_w, h, STEP_COLORS.get(step, HIGH), "#ffffff", 0.75, f"{label}: {fmt.usd(v)}"))
        centers.append(y + h / 2)
        y += h
    body_bottom = y

    # labels: the tip's, then the blocks', spread so they do not collide, with leader lines
    gap = size * (2.35 if narrow else 1.35)
    label_w = width - label_x - 6
    if out["headline"].get("basis") == "quoted":
        head_lines = [f"Reported: {fmt.usd(head)}", "the final run at a rental price"]
    else:
        head_lines = [f"Headline: {fmt.usd(head)}", "the final run at a market rental price"]
    hy = min(tip_y + tip_h / 2, water_y - 6)
    hy = max(hy, size + 4)
    c.add(Line(col_x + col_w, hy, label_x - 4, hy, MUTED, 0.8))
    c.add(Text(label_x, hy + size * 0.35, head_lines[0], size + 1, weight="bold", fill=ACCENT))
    c.add(Text(label_x, hy + size * 1.55, head_lines[1], size - 1, fill=MUTED))

    ys = spread(centers, gap, water_y + size * 2.4, height - bottom - 4)
    for (step, label, v), cy, ly in zip(blocks, centers, ys, strict=True):
        c.add(Line(col_x + col_w, cy, label_x - 8, ly - size * 0.3, MUTED, 0.8))
        c.add(Rect(label_x - 6, ly - size * 0.75, 4, size * 0.9, STEP_COLORS.get(step, HIGH)))
        if narrow:
            c.add(Text(label_x, ly - size * 0.05, _fit(label, label_w, size), size, fill=INK))
            c.add(Text(label_x, ly + size * 1.05, fmt.usd(v), size, weight="bold", fill=INK))
        else:
            amount_w = 6.4 * size  # "$14.28M" in bold, with room to spare
            c.add(Text(label_x + amount_w, ly, fmt.usd(v), size, "end", weight="bold", fill=INK))
            c.add(Text(label_x + amount_w + 10, ly, _fit(label, label_w - amount_w - 10, size), size, fill=INK))

    # the waterline's words and the total
    if not narrow:
        c.add(Text(col_x - 12, water_y - 8, "above the waterline", size - 1, "end", fill=MUTED))
        c.add(Text(col_x - 12, water_y + size + 6, "below it", size - 1, "end", fill=MUTED))
    base = max(body_bottom, water_y) + 4
    c.add(Line(col_x, base, col_x + col_w, base, INK, 1.2))
    c.add(Text(col_x, height - bottom + 34, f"Development cost {fmt.usd(total)}", size + 1, weight="bold",
               fill=TOTAL))
    c.add(Text(col_x, height - bottom + 34 + size + 4, "mean of the simulations", size - 1, fill=MUTED))
    return c


# --------------------------------------------------------------------------------------------- the waterfall
def waterfall(out: dict[str, Any], width: float = WIDE, xmax: float | None = None) -> Chart:
    """The bridge, headline to development total, as a horizontal waterfall."""
    narrow = width < 500
    size = 11.0 if narrow else 12.5
    row = 40.0 if narrow else 32.0
    steps = out["bridge"]
    total = float(out["development"]["total_usd"]["mean"])
    rows = len(steps) + 1
    top, bottom = 12.0, 30.0
    height = top + rows * row + bottom
    label_w = 128.0 if narrow else 260.0
    x0 = label_w + 12
    x1 = width - (64.0 if narrow else 84.0)

    # running positions, for drawing only
    pos = []
    run = 0.0
    for b in steps:
        start = run if b["step"] != "headline" else 0.0
        run = start + float(b["usd"])
        pos.append((start, run))
    hi = max([total, *(max(a, b) for a, b in pos)])
    lo = min([0.0, *(min(a, b) for a, b in pos)])
    vmax = nice_max(xmax if xmax is not None else hi)
    vmin = lo

    def sx(v: float) -> float:
        return x0 + (v - vmin) / (vmax - vmin) * (x1 - x0)

    title = f"{_name(out)}: from the headline to the development cost"
    desc = ("Waterfall: " + "; ".join(f"{b['label']} {_signed(float(b['usd'])) if i else fmt.usd(float(b['usd']))}"
                                      for i, b in enumerate(steps)) + f"; development cost {fmt.usd(total)}.")
    c = Chart("waterfall", title, desc, width, height)
    plot_bottom = top + rows * row
    _x_axis(c, x0, x1, top, plot_bottom, vmin, vmax, size - 1, target=4 if narrow else 6)
    c.add(Line(sx(0), top, sx(0), plot_bottom, MUTED, 1.0))

    bar_h = row * (0.5 if narrow else 0.62)
    for i, (b, (a, e)) in enumerate(zip(steps, pos, strict=True)):
        yc = top + i * row + row / 2
        v = float(b["usd"])
        color = STEP_COLORS.get(b["step"], HIGH) if v >= 0 or b["step"] == "headline" else NEGATIVE
        xa, xe = sx(min(a, e)), sx(max(a, e))
        c.add(Rect(xa, yc - bar_h / 2, max(xe - xa, 0.8), bar_h, color, None, 0.0, f"{b['label']}: {fmt.usd(v)}"))
        if i + 1 < len(steps):  # connector to the next bar
            c.add(Line(sx(e), yc + bar_h / 2, sx(e), yc + row - bar_h / 2, MUTED, 0.8, (2.0, 2.0)))
        value = fmt.usd(v) if b["step"] == "headline" else _signed(v)
        c.add(Text(sx(max(a, e)) + 5, yc + size * 0.35, value, size, weight="bold" if i == 0 else "normal",
                   fill=ACCENT if i == 0 else INK))
        _row_label(c, b["label"], label_w, yc, size, narrow, bold=i == 0)
    yc = top + len(steps) * row + row / 2
    c.add(Line(sx(pos[-1][1]), yc - row + bar_h / 2, sx(pos[-1][1]), yc - bar_h / 2, MUTED, 0.8, (2.0, 2.0)))
    c.add(Rect(sx(0), yc - bar_h / 2, sx(total) - sx(0), bar_h, TOTAL, None, 0.0,
               f"development cost: {fmt.usd(total)}"))
    c.add(Text(sx(total) + 5, yc + size * 0.35, fmt.usd(total), size, weight="bold", fill=TOTAL))
    _row_label(c, "development cost (mean)", label_w, yc, size, narrow, bold=True)
    return c


def _row_label(c: Chart, s: str, width: float, yc: float, size: float, narrow: bool, bold: bool = False) -> None:
    lines = wrap(s, width, size, 3 if narrow else 2)
    lead = size * 1.15
    y = yc + size * 0.35 - (len(lines) - 1) * lead / 2
    for ln in lines:
        c.add(Text(width, y, ln, size, "end", "bold" if bold else "normal", INK))
        y += lead
