"""Charts as a small scene of shapes, drawn to SVG (the HTML report, ``--figures``) and to PNG (matplotlib).

One scene feeds both renderers, so a figure on a slide is the chart in the report. The builders take the
estimate's JSON (cost figures come from ``estimate``/``views``) and only lay it out: bar positions, scales,
label placement, and a histogram's bin counts.
"""

from __future__ import annotations

import html
import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from fullcost import fmt
from fullcost.quantity import Arr

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

# Colours: text on white meets WCAG AA (4.5:1); fills are told apart by lightness as well as hue.
INK = "#1d2433"
MUTED = "#545e70"
GRID = "#d5dbe4"
WATER = "#e4f0f9"
WAVE = "#3b7fb6"
ACCENT = "#c8372d"  # the headline, wherever it appears
TOTAL = "#16324f"  # the development total
LOW = "#8fbfe0"  # tornado: the input at its low end
HIGH = "#1f5a8c"  # tornado: the input at its high end
NEGATIVE = "#8b97a6"
STEP_COLORS = {
    "headline": ACCENT,
    "final_run": "#7f9bb3",
    "experiments": "#1f5a8c",
    "validation": "#74a9d8",
    "related_model": "#2c7a7b",
    "failed": "#a9cbe8",
    "staff": "#16324f",
    "data": "#5fb3ad",
    "overhead": "#8b97a6",
}
STEP_NAMES = {
    "headline": "the headline",
    "final_run": "final run at the lab's own cost",
    "experiments": "experiments and ablations",
    "validation": "validation runs",
    "related_model": "related models",
    "failed": "failed runs",
    "staff": "staff",
    "data": "data",
    "overhead": "overhead",
}

WIDE = 760.0
NARROW = 380.0


# --------------------------------------------------------------------------------------------- scene
@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    stroke: str | None = None
    sw: float = 0.0
    tip: str | None = None  # a tooltip (SVG <title>)


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str = INK
    sw: float = 1.0
    dash: tuple[float, ...] | None = None


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    s: str
    size: float = 12.0
    anchor: str = "start"  # start | middle | end
    weight: str = "normal"
    fill: str = INK


@dataclass(frozen=True)
class Poly:
    points: tuple[tuple[float, float], ...]
    fill: str | None = None
    stroke: str | None = None
    sw: float = 0.0


Shape = Rect | Line | Text | Poly


@dataclass
class Chart:
    """One drawn chart: its size, its shapes, and words for readers who cannot see it."""

    key: str
    title: str
    desc: str
    width: float
    height: float
    shapes: list[Shape] = field(default_factory=list)

    def add(self, *shapes: Shape) -> None:
        self.shapes.extend(shapes)

    def svg(self, uid: str = "", standalone: bool = False) -> str:
        return to_svg(self, uid, standalone)

    def png(self, scale: float = 2.0) -> bytes:
        return to_png(self, scale)


def _n(v: float) -> str:
    r = round(v, 1)
    return str(int(r)) if r == int(r) else f"{r:.1f}"


def _e(s: str) -> str:
    return html.escape(s, quote=True)


TITLE_BAND = 34.0


def to_svg(c: Chart, uid: str = "", standalone: bool = False) -> str:
    """The chart as SVG; ``standalone`` adds the XML header, a white background and the title on top."""
    uid = uid or c.key
    dy = TITLE_BAND if standalone else 0.0
    w, h = c.width, c.height + dy
    out = []
    if standalone:
        out.append('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.append(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(w)} {_n(h)}" width="{_n(w)}" '
               f'height="{_n(h)}" role="img" aria-labelledby="{uid}-t {uid}-d" class="chart chart-{c.key}" '
               f'font-family="{_e(FONT)}" data-chart="{c.key}">')
    out.append(f'<title id="{uid}-t">{_e(c.title)}</title><desc id="{uid}-d">{_e(c.desc)}</desc>')
    if standalone:
        out.append(f'<rect x="0" y="0" width="{_n(w)}" height="{_n(h)}" fill="#ffffff"/>')
        out.append(f'<text x="12" y="22" font-size="15" font-weight="bold" fill="{INK}">{_e(c.title)}</text>')
        out.append(f'<g transform="translate(0 {_n(dy)})">')
    for s in c.shapes:
        out.append(_svg_shape(s))
    if standalone:
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)


def _svg_shape(s: Shape) -> str:
    if isinstance(s, Rect):
        stroke = f' stroke="{s.stroke}" stroke-width="{_n(s.sw)}"' if s.stroke else ""
        body = f'<title>{_e(s.tip)}</title>' if s.tip else ""
        # an unfilled rectangle with a tooltip is a hover target: it must catch the pointer over its inside
        hover = ' pointer-events="all"' if s.tip and s.fill == "none" else ""
        tag = (f'<rect x="{_n(s.x)}" y="{_n(s.y)}" width="{_n(max(s.w, 0.0))}" height="{_n(max(s.h, 0.0))}" '
               f'fill="{s.fill}"{stroke}{hover}')
        return f"{tag}>{body}</rect>" if body else f"{tag}/>"
    if isinstance(s, Line):
        dash = f' stroke-dasharray="{" ".join(_n(d) for d in s.dash)}"' if s.dash else ""
        return (f'<line x1="{_n(s.x1)}" y1="{_n(s.y1)}" x2="{_n(s.x2)}" y2="{_n(s.y2)}" stroke="{s.stroke}" '
                f'stroke-width="{_n(s.sw)}"{dash}/>')
    if isinstance(s, Text):
        anchor = f' text-anchor="{s.anchor}"' if s.anchor != "start" else ""
        weight = ' font-weight="bold"' if s.weight == "bold" else ""
        return (f'<text x="{_n(s.x)}" y="{_n(s.y)}" font-size="{_n(s.size)}" fill="{s.fill}"{anchor}{weight}>'
                f"{_e(s.s)}</text>")
    pts = " ".join(f"{_n(x)},{_n(y)}" for x, y in s.points)
    fill = s.fill or "none"
    stroke = f' stroke="{s.stroke}" stroke-width="{_n(s.sw)}"' if s.stroke else ""
    if s.fill:
        return f'<polygon points="{pts}" fill="{fill}"{stroke}/>'
    return f'<polyline points="{pts}" fill="none"{stroke}/>'


def to_png(c: Chart, scale: float = 2.0) -> bytes:
    """The chart as PNG, drawn by matplotlib (Agg) from the same shapes as the SVG, title on top."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Polygon, Rectangle

    dy = TITLE_BAND
    w, h = c.width, c.height + dy
    dpi = 100.0 * scale
    fig = Figure(figsize=(w / 100.0, h / 100.0), dpi=dpi, facecolor="white")
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0, w)
    ax.set_ylim(h, 0)
    ax.set_axis_off()
    pt = 0.72  # one SVG pixel in points at 100 dpi
    family = "DejaVu Sans"
    ax.text(12, 22, c.title, fontsize=15 * pt, fontweight="bold", color=INK, family=family, va="baseline")
    ha = {"start": "left", "middle": "center", "end": "right"}
    for z, s in enumerate(c.shapes, start=1):  # painted in order, as in SVG (matplotlib would put lines on top)
        if isinstance(s, Rect):
            ax.add_patch(Rectangle((s.x, s.y + dy), max(s.w, 0.0), max(s.h, 0.0), facecolor=s.fill,
                                   edgecolor=s.stroke or "none", linewidth=s.sw * pt, zorder=z))
        elif isinstance(s, Line):
            lw = s.sw * pt
            style: Any = (0, tuple(d * pt / lw for d in s.dash)) if s.dash else "-"
            ax.add_line(Line2D([s.x1, s.x2], [s.y1 + dy, s.y2 + dy], color=s.stroke, linewidth=lw,
                               linestyle=style, solid_capstyle="butt", zorder=z))
        elif isinstance(s, Text):
            ax.text(s.x, s.y + dy, s.s, fontsize=s.size * pt, ha=ha[s.anchor], va="baseline", color=s.fill,
                    fontweight=s.weight, family=family, zorder=z)
        else:
            pts = [(x, y + dy) for x, y in s.points]
            ax.add_patch(Polygon(pts, closed=s.fill is not None, facecolor=s.fill or "none",
                                 edgecolor=s.stroke or "none", linewidth=s.sw * pt, zorder=z))
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor="white", metadata={"Software": None})
    return buf.getvalue()


# --------------------------------------------------------------------------------------------- layout helpers
def text_width(s: str, size: float, bold: bool = False) -> float:
    """A conservative estimate of rendered width (sans-serif averages ~0.55 em a character)."""
    return len(s) * size * (0.6 if bold else 0.56)


def wrap(s: str, width: float, size: float, max_lines: int = 2) -> list[str]:
    """Break ``s`` into at most ``max_lines`` lines that fit ``width``; the last one ends in an ellipsis if cut."""
    words = s.split()
    lines: list[str] = []
    cur = ""
    for wd in words:
        trial = f"{cur} {wd}".strip()
        if text_width(trial, size) <= width or not cur:
            cur = trial
        else:
            lines.append(cur)
            cur = wd
    if cur:
        lines.append(cur)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip(",;:") + "…"
    out = []
    for ln in lines:
        while text_width(ln, size) > width and len(ln) > 2:
            ln = ln[:-2].rstrip() + "…"
        out.append(ln)
    return out


def nice_step(span: float, target: int = 5) -> float:
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / max(target, 1)
    mag = 10.0 ** math.floor(math.log10(raw))
    steps = [m * mag for m in (1.0, 2.0, 2.5, 5.0, 10.0)]
    return min(steps, key=lambda st: abs(span / st - target))


def nice_ticks(lo: float, hi: float, target: int = 5) -> list[float]:
    step = nice_step(hi - lo, target)
    start = math.floor(lo / step) * step
    ticks = []
    v = start
    while v <= hi + step * 1e-9:
        if v >= lo - step * 1e-9:
            ticks.append(0.0 if abs(v) < step * 1e-9 else v)
        v += step
    return ticks


def nice_max(v: float, target: int = 5) -> float:
    if v <= 0:
        return 1.0
    step = nice_step(v, target)
    return math.ceil(v / step - 1e-9) * step


def spread(centers: Sequence[float], gap: float, lo: float, hi: float) -> list[float]:
    """Label positions near ``centers`` (sorted top to bottom) at least ``gap`` apart, kept within [lo, hi]."""
    ys = list(centers)
    n = len(ys)
    if n == 0:
        return ys
    for _ in range(50):
        moved = False
        for i in range(1, n):
            if ys[i] - ys[i - 1] < gap:
                push = (gap - (ys[i] - ys[i - 1])) / 2
                ys[i - 1] -= push
                ys[i] += push
                moved = True
        if ys[0] < lo:
            ys = [y + (lo - ys[0]) for y in ys]
        if ys[-1] > hi:
            ys = [y - (ys[-1] - hi) for y in ys]
        if not moved:
            break
    for i in range(1, n):  # if the space is too small, keep the order and let the last ones run over
        ys[i] = max(ys[i], ys[i - 1] + gap)
    return ys


def _x_axis(c: Chart, x0: float, x1: float, y0: float, y1: float, vmin: float, vmax: float,
            size: float, f: Callable[[float], str] = fmt.usd, target: int = 5) -> None:
    """Vertical grid lines with money labels under the plot (y0 top, y1 bottom of the plot area)."""
    for t in nice_ticks(vmin, vmax, target):
        x = x0 + (t - vmin) / (vmax - vmin) * (x1 - x0)
        c.add(Line(x, y0, x, y1, GRID, 1.0))
        label = f(t)
        half = text_width(label, size) / 2
        if x + half > c.width - 2:
            c.add(Text(c.width - 2, y1 + size + 4, label, size, "end", fill=MUTED))
        else:
            c.add(Text(max(x, half + 2), y1 + size + 4, label, size, "middle", fill=MUTED))


def _signed(v: float) -> str:
    return ("+" if v >= 0 else "−") + fmt.usd(abs(v))


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


def _fit(s: str, width: float, size: float) -> str:
    return wrap(s, width, size, 1)[0] if s else s


def _name(out: dict[str, Any]) -> str:
    return str(out.get("title") or out["name"])


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


# --------------------------------------------------------------------------------------------- the distribution
@dataclass(frozen=True)
class Histogram:
    """Bin counts of the development total: what the distribution chart draws (no raw samples kept)."""

    edges: tuple[float, ...]
    counts: tuple[int, ...]
    below: int  # samples left of the first edge
    above: int  # samples right of the last edge
    samples: int
    point: float | None  # every sample equal: the one value


def histogram(samples: Arr, bins: int = 48) -> Histogram:
    """Bins from 0 (or the minimum, if negative) to the 99.5th percentile; the far tail is counted, not drawn."""
    a = np.asarray(samples, dtype=np.float64)
    n = int(a.size)
    lo_v, hi_v = float(a.min()), float(a.max())
    if lo_v == hi_v:
        return Histogram((lo_v, hi_v), (n,), 0, 0, n, lo_v)
    hi = float(np.percentile(a, 99.5)) if n >= 200 else hi_v
    lo = min(0.0, lo_v)
    counts, edges = np.histogram(a, bins=bins, range=(lo, hi))
    above = int(np.count_nonzero(a > hi))
    return Histogram(tuple(float(e) for e in edges), tuple(int(x) for x in counts), 0, above, n, None)


def distribution(out: dict[str, Any], hist: Histogram, width: float = WIDE, xmax: float | None = None) -> Chart:
    """The distribution of the development total with its 90% interval, mean and the headline marked."""
    narrow = width < 500
    size = 11.0 if narrow else 12.5
    height = 250.0 if narrow else 280.0
    s = out["development"]["total_usd"]
    head = float(out["headline"]["usd"])
    mean_v, p5, p95 = float(s["mean"]), float(s["p5"]), float(s["p95"])
    title = f"{_name(out)}: how sure is the development cost?"
    if hist.point is not None:
        desc = (f"Every input is a single value, so the development cost is one number: {fmt.usd(mean_v)}; "
                f"the headline is {fmt.usd(head)}.")
    else:
        desc = (f"Histogram of {hist.samples:,} simulated development costs. Mean {fmt.usd(mean_v)}; 90% of "
                f"simulations fall between {fmt.usd(p5)} and {fmt.usd(p95)}. The headline, {fmt.usd(head)}, is "
                "marked for comparison.")
    c = Chart("distribution", title, desc, width, height)
    x0, x1 = 14.0, width - 14.0
    top, plot_bottom = 58.0, height - 40.0
    right = hist.edges[-1] if hist.point is None else hist.point * 1.25
    vmin = min(0.0, hist.edges[0])
    vmax = nice_max(max(xmax or 0.0, right, head * 1.05, p95))

    def sx(v: float) -> float:
        return x0 + (v - vmin) / (vmax - vmin) * (x1 - x0)

    _x_axis(c, x0, x1, top, plot_bottom, vmin, vmax, size - 1, target=4 if narrow else 6)
    if hist.point is None:
        c.add(Rect(sx(p5), top, sx(p95) - sx(p5), plot_bottom - top, "#eef4fa"))
        peak = max(hist.counts) or 1
        for i, n in enumerate(hist.counts):
            if n == 0:
                continue
            a, b = hist.edges[i], hist.edges[i + 1]
            h = n / peak * (plot_bottom - top - 8)
            inside = b > p5 and a < p95
            c.add(Rect(sx(a) + 0.4, plot_bottom - h, max(sx(b) - sx(a) - 0.8, 0.6), h, HIGH if inside else LOW))
        for v in (p5, p95):
            c.add(Line(sx(v), top - 4, sx(v), plot_bottom, TOTAL, 1.0, (3.0, 2.0)))
        lo_t, hi_t = fmt.usd(p5), fmt.usd(p95)
        fs = size - 1
        if sx(p95) - sx(p5) > text_width("90%", fs, True) + 8 and sx(p5) - 4 - text_width(lo_t, fs) > 0 \
                and sx(p95) + 4 + text_width(hi_t, fs) < width:
            c.add(Text(sx(p5) + 4, top + size, "90%", fs, "start", "bold", TOTAL))
            c.add(Text(sx(p5) - 4, top + size, lo_t, fs, "end", fill=TOTAL))
            c.add(Text(sx(p95) + 4, top + size, hi_t, fs, "start", fill=TOTAL))
        else:  # a narrow band: one label beside it, where there is room
            words = f"90%: {lo_t}–{hi_t}"
            if sx(p95) + 4 + text_width(words, fs) < width:
                c.add(Text(sx(p95) + 4, top + size, words, fs, "start", fill=TOTAL))
            else:
                c.add(Text(sx(p5) - 4, top + size, words, fs, "end", fill=TOTAL))
    else:
        c.add(Rect(sx(hist.point) - 3, top + 8, 6, plot_bottom - top - 8, HIGH))
    mx, hx = sx(mean_v), sx(head)
    c.add(Line(mx, top - 22, mx, plot_bottom, INK, 1.6))
    mean_label = f"mean {fmt.usd(mean_v)}"
    half = text_width(mean_label, size, True) / 2
    c.add(Text(min(max(mx, x0 + half), x1 - half), top - 26, mean_label, size, "middle", "bold", INK))
    c.add(Line(hx, top - 4, hx, plot_bottom, ACCENT, 2.0, (5.0, 3.0)))
    head_label = f"headline {fmt.usd(head)}"
    hw = text_width(head_label, size, True)
    # one row below the mean's label: to the right of the line if that clears the mean line, else to its left
    if hx + 4 + hw < mx - 4 or hx > mx + 4 or hx - 4 - hw < x0:
        anchor, tx = "start", hx + 4
    else:
        anchor, tx = "end", hx - 4
    c.add(Text(tx, top - 8, head_label, size, anchor, "bold", ACCENT))
    c.add(Line(x0, plot_bottom, x1, plot_bottom, MUTED, 1.0))
    if hist.above and hist.point is None:
        c.add(Text(x1, plot_bottom + 2 * size + 8, f"{hist.above / hist.samples:.1%} of simulations lie beyond "
                                                   f"{fmt.usd(hist.edges[-1])}", size - 2, "end", fill=MUTED))
    return c


# --------------------------------------------------------------------------------------------- the tornado
def tornado(out: dict[str, Any], labels: dict[str, str] | None = None, width: float = WIDE, top_n: int = 10) -> Chart:
    """The inputs that move the development total most: the mean total with each input at its 5th and 95th."""
    narrow = width < 500
    size = 11.0 if narrow else 12.5
    rows = out.get("sensitivity") or []
    rows = rows[:top_n]
    base = float(out["development"]["total_usd"]["mean"])
    row = 46.0 if narrow else 44.0
    top, bottom = 56.0, 30.0
    height = top + max(len(rows), 1) * row + bottom
    label_w = 118.0 if narrow else 250.0
    value_w = 5.2 * (size - 1)  # room for "$17.66M" beside the bars
    x0, x1 = label_w + 10 + value_w, width - value_w - 4
    title = f"{_name(out)}: what moves the development cost most"
    desc = ("Tornado: the mean development cost with each input at its 5th and 95th percentile. "
            + "; ".join(f"{(labels or {}).get(r['input'], r['input'])} ({r['text']}): {fmt.usd(r['low_usd'])} to "
                        f"{fmt.usd(r['high_usd'])}" for r in rows))
    c = Chart("tornado", title, desc, width, height)
    if not rows:
        c.add(Text(width / 2, top + row / 2, "No uncertain inputs: nothing to rank.", size, "middle", fill=MUTED))
        return c
    lo = min(min(float(r["low_usd"]), float(r["high_usd"])) for r in rows)
    hi = max(max(float(r["low_usd"]), float(r["high_usd"])) for r in rows)
    pad = (hi - lo) * 0.04 or abs(base) * 0.05 or 1.0
    vmin, vmax = lo - pad, hi + pad

    def sx(v: float) -> float:
        return x0 + (v - vmin) / (vmax - vmin) * (x1 - x0)

    plot_bottom = top + len(rows) * row
    _x_axis(c, x0, x1, top, plot_bottom, vmin, vmax, size - 1, target=3 if narrow else 5)
    # legend
    lx = 4.0 if narrow else label_w + 10
    for color, words in ((LOW, "input at its 5th percentile"), (HIGH, "at its 95th")):
        c.add(Rect(lx, 6, 12, 12, color))
        c.add(Text(lx + 16, 16, words, size - 1, fill=INK))
        lx += 16 + text_width(words, size - 1) + 16
    bar_h = row * 0.5
    for i, r in enumerate(rows):
        yc = top + i * row + row / 2
        for v, color in ((r["low_usd"], LOW), (r["high_usd"], HIGH)):
            a, b = sorted((sx(base), sx(v)))
            c.add(Rect(a, yc - bar_h / 2, max(b - a, 0.8), bar_h, color, None, 0.0, f"{fmt.usd(v)}"))
        left, right = sorted((r["low_usd"], r["high_usd"]))
        c.add(Text(sx(left) - 4, yc + size * 0.35, fmt.usd(left), size - 1, "end", fill=MUTED))
        c.add(Text(sx(right) + 4, yc + size * 0.35, fmt.usd(right), size - 1, fill=MUTED))
        name = (labels or {}).get(r["input"], r["input"])
        lines = wrap(name, label_w, size, 2)
        y = yc - (len(lines) - 1) * size * 0.55 - 1
        for ln in lines:
            c.add(Text(label_w, y, ln, size, "end", fill=INK))
            y += size * 1.12
        c.add(Text(label_w, y + 1, _fit(str(r["text"]), label_w, size - 1.5), size - 1.5, "end", fill=MUTED))
    c.add(Line(sx(base), top - 14, sx(base), plot_bottom, INK, 1.4))
    c.add(Text(sx(base), top - 18, f"mean {fmt.usd(base)}", size - 1, "middle", "bold"))
    return c


# --------------------------------------------------------------------------------------------- several models
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


# --------------------------------------------------------------------------------------------- beyond the headline
# The four analyses (claim, replication, export controls, trend) drawn from their JSON: positions and scales only.
BAND = "#c6dcef"  # the model's 90% band in the trend
FRONTIER = "#9a5410"  # frontier training runs (Epoch AI): line and words, 5.8:1 on white
FRONTIER_BAND = "#f5dfc9"
WITHOUT = "#2c7a7b"  # the counterfactual without export controls
TOLERANCE = "#f7dcd9"  # the window around a claim within which a definition matches
LEVEL_COLORS = {"weights": "#1f5a8c", "weights+code": "#3b7fb6", "weights+code+data": "#74a9d8"}
LEVEL_NAMES = {"weights": "weights only", "weights+code": "weights + code",
               "weights+code+data": "weights + code + data"}
# the cost definitions a claim is checked against, where each one's figures are in the estimate's JSON
DEFINITION_PATHS: dict[str, tuple[str, str]] = {
    "final_run_rental": ("final_run", "rental_usd"),
    "final_run_amortized": ("final_run", "amortized_usd"),
    "final_run_straight_line": ("final_run", "amortized_straight_line_usd"),
    "acquisition": ("final_run", "acquisition_usd"),
    "development": ("development", "total_usd"),
    "lab_annual": ("lab_annual", "total_usd"),
}
DEFINITION_NAMES = {
    "final_run_rental": "final run, rental",
    "final_run_amortized": "final run, amortized",
    "final_run_straight_line": "final run, straight-line",
    "acquisition": "buying the cluster",
    "development": "development cost",
    "lab_annual": "the lab, one year",
}


def _span(s: dict[str, Any]) -> str:
    if s["p5"] == s["p95"]:
        return fmt.usd(float(s["mean"]))
    return f"mean {fmt.usd(float(s['mean']))}, 90% interval {fmt.usd(float(s['p5']))}–{fmt.usd(float(s['p95']))}"


def definition_summary(out: dict[str, Any], key: str) -> dict[str, Any] | None:
    """The estimate's summary of one cost definition a claim is checked against (None where it has none)."""
    path = DEFINITION_PATHS.get(key)
    if path is None:
        return None
    part = out.get(path[0])
    s = part.get(path[1]) if isinstance(part, dict) else None
    return s if isinstance(s, dict) and "mean" in s else None


def decades(values: Sequence[float]) -> tuple[int, int]:
    """The powers of ten just below the smallest positive value and just above the largest."""
    pos = [v for v in values if v > 0 and math.isfinite(v)]
    if not pos:
        return 0, 1
    a = math.floor(math.log10(min(pos)) + 1e-9)
    b = math.ceil(math.log10(max(pos)) - 1e-9)
    return a, max(b, a + 1)


def log_range(values: Sequence[float], pad: float = 0.06, min_span: float = 0.6) -> tuple[float, float]:
    """A log10 range around the positive values, padded, at least ``min_span`` decades wide."""
    pos = [v for v in values if v > 0 and math.isfinite(v)]
    if not pos:
        return 0.0, 1.0
    la, lb = math.log10(min(pos)), math.log10(max(pos))
    if lb - la < min_span:
        mid = (la + lb) / 2
        la, lb = mid - min_span / 2, mid + min_span / 2
    p = (lb - la) * pad
    return la - p, lb + p


def log_ticks(lo: float, hi: float, max_ticks: int) -> list[float]:
    """Round values between 10**lo and 10**hi: powers of ten (every other one, if need be), or 1-2-5 steps
    when the range is short."""
    decades_in = list(range(math.ceil(lo - 1e-9), math.floor(hi + 1e-9) + 1))
    if len(decades_in) >= 2:
        every = max(1, math.ceil(len(decades_in) / max(max_ticks, 2)))
        return [10.0 ** k for k in decades_in[::every]]
    out = [m * 10.0 ** k for k in range(math.floor(lo) - 1, math.ceil(hi) + 1) for m in (1.0, 2.0, 5.0)]
    return [v for v in out if lo - 1e-9 <= math.log10(v) <= hi + 1e-9]


def _log_axis_x(c: Chart, x0: float, x1: float, y0: float, y1: float, a: int, b: int, size: float,
                max_labels: int) -> None:
    every = max(1, math.ceil((b - a + 1) / max(max_labels, 1)))
    for k in range(a, b + 1):
        x = x0 + (k - a) / (b - a) * (x1 - x0)
        c.add(Line(x, y0, x, y1, GRID, 1.0))
        if (k - a) % every:
            continue
        label = fmt.usd(10.0 ** k)
        half = text_width(label, size) / 2
        c.add(Text(min(max(x, half + 2), c.width - half - 2), y1 + size + 4, label, size, "middle", fill=MUTED))


def _interval_bar(c: Chart, sx: Callable[[float], float], y: float, bh: float, s: dict[str, Any], color: str,
                  tip: str, stroke: str | None = None, sw: float = 0.0) -> None:
    """A bar to the mean with a whisker over the 90% interval (white where it crosses the bar)."""
    mean, p5, p95 = float(s["mean"]), float(s["p5"]), float(s["p95"])
    c.add(Rect(sx(0), y, max(sx(mean) - sx(0), 0.8), bh, color, stroke, sw, tip))
    if p5 == p95:
        return
    yc = y + bh / 2
    c.add(Line(sx(p5), yc, sx(p95), yc, INK, 1.2))
    if p5 < mean:
        c.add(Line(sx(p5), yc, sx(min(mean, p95)), yc, "#ffffff", 1.2))
    for v in (p5, p95):
        c.add(Line(sx(v), y + 2, sx(v), y + bh - 2, INK if v > mean else "#ffffff", 1.2))


def _plate(c: Chart, x: float, y: float, s: str, size: float, bold: bool = False) -> None:
    """A white plate under a left-aligned label at (x, y), so lines drawn across it do not cross its words."""
    c.add(Rect(x - 2, y - size, text_width(s, size, bold) + 4, size * 1.3, "#ffffff"))


def _top_label(c: Chart, x: float, y: float, s: str, size: float, weight: str = "normal", fill: str = INK) -> None:
    """A label centred over ``x``, kept inside the chart."""
    half = text_width(s, size, weight == "bold") / 2
    c.add(Text(min(max(x, half + 4), c.width - half - 4), y, s, size, "middle", weight, fill))


# --------------------------------------------------------------------------------------------- where a claim falls
def claim_chart(cl: dict[str, Any], out: dict[str, Any], width: float = WIDE) -> Chart:
    """Each cost definition's 90% interval on a log scale, the claim and its matching window across them."""
    narrow = width < 500
    size = 11.0 if narrow else 12.5
    claim = float(cl["claim_usd"])
    tol = float(cl["tolerance"])
    prob = {str(m["definition"]): float(m["probability"]) for m in cl["matches"]}
    rows = [(k, DEFINITION_NAMES[k], s, prob[k]) for k in DEFINITION_PATHS
            if k in prob and (s := definition_summary(out, k)) is not None]
    row = 44.0 if narrow else 30.0
    top, bottom = 44.0, 30.0
    height = top + max(len(rows), 1) * row + bottom
    label_w = 0.0 if narrow else 214.0
    prob_w = 52.0
    x0 = 12.0 if narrow else label_w + 16
    x1 = width - prob_w - 12
    lo_w, hi_w = claim / (1 + tol), claim * (1 + tol)  # the window the analysis counts as a match
    a, b = decades([lo_w, hi_w, *(float(s[q]) for _, _, s, _ in rows for q in ("p5", "p95", "mean"))])

    def sx(v: float) -> float:
        v = max(v, 10.0 ** a)
        return x0 + (math.log10(v) - a) / (b - a) * (x1 - x0)

    title = f"{_name(out)}: where {fmt.usd(claim)} falls"
    desc = (f"The claim {fmt.usd(claim)} against each cost definition's 90% interval, on a log scale; a "
            f"definition matches when it lies within {tol:.0%} of the claim. "
            + "; ".join(f"{lab}: {_span(s)}, matched with probability {fmt.pct(p)}" for _, lab, s, p in rows) + ".")
    c = Chart("claim", title, desc, width, height)
    plot_bottom = top + len(rows) * row
    _log_axis_x(c, x0, x1, top, plot_bottom, a, b, size - 1, 4 if narrow else 9)
    c.add(Rect(sx(lo_w), top, sx(hi_w) - sx(lo_w), plot_bottom - top, TOLERANCE))
    cx = sx(claim)
    c.add(Line(cx, top - 16, cx, plot_bottom, ACCENT, 2.0))
    _top_label(c, cx, top - 20, f"claim {fmt.usd(claim)}", size, "bold", ACCENT)
    c.add(Text(width - 8, top - 8, "match", size - 1, "end", fill=MUTED))
    best = cl.get("best")
    bh = 10.0
    for i, (key, label, s, p) in enumerate(rows):
        yc = top + i * row + (row * 0.66 if narrow else row / 2)
        mean, p5, p95 = float(s["mean"]), float(s["p5"]), float(s["p95"])
        color = HIGH if key == best else LOW
        tip = f"{label}: {_span(s)}; the claim matches it with probability {fmt.pct(p)}"
        c.add(Rect(sx(p5), yc - bh / 2, max(sx(p95) - sx(p5), 3.0), bh, color, None, 0.0, tip))
        c.add(Line(sx(mean), yc - bh / 2 - 3, sx(mean), yc + bh / 2 + 3, INK, 2.0))
        bold = "bold" if key == best else "normal"
        if narrow:  # a header line over the row: the definition, and at the right the probability
            ly = yc - bh / 2 - 6
            words = _fit(label, x1 - x0 - 8, size)
            _plate(c, x0, ly, words, size, key == best)
            c.add(Text(x0, ly, words, size, weight=bold))
            c.add(Text(width - 8, ly, fmt.pct(p), size, "end", bold, INK if p > 0 else MUTED))
        else:
            c.add(Text(label_w, yc + size * 0.35, _fit(label, label_w, size), size, "end", bold))
            c.add(Text(width - 8, yc + size * 0.35, fmt.pct(p), size, "end", bold, INK if p > 0 else MUTED))
    return c


# --------------------------------------------------------------------------------------------- replication
def replication(rep: dict[str, Any], name: str, width: float = WIDE) -> Chart:
    """What a third party would spend, by what was released, beside the original development cost."""
    narrow = width < 500
    size = 11.0 if narrow else 12.5
    released = rep.get("released")
    rows: list[tuple[str, str, dict[str, Any], str]] = [
        ("original", "original development cost", rep["original_development_usd"], TOTAL)]
    rows += [(str(lv["openness"]), LEVEL_NAMES.get(str(lv["openness"]), str(lv["openness"])), lv["usd"],
              LEVEL_COLORS.get(str(lv["openness"]), HIGH)) for lv in rep["levels"]]
    floor = float(rep["final_run_rental_usd"]["mean"])
    row = 58.0 if narrow else 46.0
    top, bottom = 36.0, 30.0
    height = top + len(rows) * row + bottom
    label_w = 0.0 if narrow else 200.0
    x0 = 14.0 if narrow else label_w + 16
    x1 = width - (62.0 if narrow else 80.0)
    vmax = nice_max(max(max(float(s["p95"]), float(s["mean"])) for _, _, s, _ in rows))

    def sx(v: float) -> float:
        return x0 + v / vmax * (x1 - x0)

    title = f"{name}: what it would cost to replicate"
    desc = ("Replication cost by what the developer released, beside the original development cost (bars to the "
            "mean, whiskers over the 90% interval): "
            + "; ".join(f"{lab}{' (released)' if k == released else ''}: {_span(s)}" for k, lab, s, _ in rows)
            + f". No replication costs less than the final run at rental rates, {fmt.usd(floor)}.")
    c = Chart("replication", title, desc, width, height)
    plot_bottom = top + len(rows) * row
    _x_axis(c, x0, x1, top, plot_bottom, 0.0, vmax, size - 1, target=4 if narrow else 6)
    fx = sx(floor)
    c.add(Line(fx, top - 10, fx, plot_bottom, ACCENT, 1.4, (4.0, 3.0)))
    words = f"final run at rental {fmt.usd(floor)}"
    if fx + 4 + text_width(words, size - 1) < width - 4:
        c.add(Text(fx + 4, top - 14, words, size - 1, fill=ACCENT))
    else:
        c.add(Text(fx - 4, top - 14, words, size - 1, "end", fill=ACCENT))
    bh = 14.0 if narrow else 18.0
    for i, (key, label, s, color) in enumerate(rows):
        mine = key == released
        y = top + i * row + (row - bh - 6 if narrow else (row - bh) / 2)
        bold = "bold" if mine or key == "original" else "normal"
        if narrow:
            words = label + (" · released" if mine else "")
            _plate(c, x0, y - 6, words, size, bold == "bold")
            c.add(Text(x0, y - 6, words, size, weight=bold))
        elif mine:
            c.add(Text(label_w, y + bh / 2 - 2, label, size, "end", "bold"))
            c.add(Text(label_w, y + bh / 2 + size - 1, "what was released", size - 1.5, "end", "bold", ACCENT))
        else:
            c.add(Text(label_w, y + bh / 2 + size * 0.35, label, size, "end", bold))
        _interval_bar(c, sx, y, bh, s, color, f"{label}: {_span(s)}", INK if mine else None, 2.0 if mine else 0.0)
        vx = max(sx(float(s["p95"])), sx(float(s["mean"]))) + 5
        c.add(Text(vx, y + bh / 2 + size * 0.35, fmt.usd(float(s["mean"])), size - 0.5, weight="bold",
                   fill=TOTAL if key == "original" else INK))
    return c


# --------------------------------------------------------------------------------------------- export controls
def premium(name: str, with_s: dict[str, Any], without_s: dict[str, Any], without_name: str, difference: float,
            width: float = WIDE) -> Chart:
    """The development cost with and without export controls, and the difference of their means."""
    narrow = width < 500
    size = 11.0 if narrow else 12.5
    rows = [("with export controls", with_s, TOTAL), (f"without ({without_name})", without_s, WITHOUT)]
    row = 54.0 if narrow else 40.0
    top, gap, bottom = 12.0, 40.0, 30.0
    height = top + len(rows) * row + gap + bottom
    label_w = 0.0 if narrow else 250.0
    x0 = 14.0 if narrow else label_w + 16
    x1 = width - (62.0 if narrow else 80.0)
    vmax = nice_max(max(max(float(s["p95"]), float(s["mean"])) for _, s, _ in rows))

    def sx(v: float) -> float:
        return x0 + v / vmax * (x1 - x0)

    title = f"{name}: the export-control premium"
    desc = (f"Development cost with export controls, {_span(with_s)}; without them ({without_name}), "
            f"{_span(without_s)}. The premium, the difference of the means, is {_signed(difference)}.")
    c = Chart("premium", title, desc, width, height)
    plot_bottom = top + len(rows) * row + gap
    _x_axis(c, x0, x1, top, plot_bottom, 0.0, vmax, size - 1, target=4 if narrow else 6)
    bh = 14.0 if narrow else 18.0
    means = []
    for i, (label, s, color) in enumerate(rows):
        y = top + i * row + (row - bh - 6 if narrow else (row - bh) / 2)
        if narrow:
            words = _fit(label, width - x0 - 4, size)
            _plate(c, x0, y - 6, words, size, i == 0)
            c.add(Text(x0, y - 6, words, size, weight="bold" if i == 0 else "normal"))
        else:
            c.add(Text(label_w, y + bh / 2 + size * 0.35, _fit(label, label_w, size), size, "end",
                       "bold" if i == 0 else "normal"))
        _interval_bar(c, sx, y, bh, s, color, f"{label}: {_span(s)}")
        c.add(Text(max(sx(float(s["p95"])), sx(float(s["mean"]))) + 5, y + bh / 2 + size * 0.35,
                   fmt.usd(float(s["mean"])), size - 0.5, weight="bold", fill=color))
        means.append((sx(float(s["mean"])), y + bh))
    yb = top + len(rows) * row + gap / 2
    (xa, _), (xb, _) = means
    for x, y in means:
        c.add(Line(x, y, x, yb + 5, MUTED, 0.8, (2.0, 2.0)))
    c.add(Line(min(xa, xb), yb, max(xa, xb), yb, ACCENT, 2.0))
    for x in (xa, xb):
        c.add(Line(x, yb - 5, x, yb + 5, ACCENT, 2.0))
    words = f"premium {_signed(difference)}"
    right = max(xa, xb) + 6
    if right + text_width(words, size, True) < width - 4:
        c.add(Text(right, yb + size * 0.35, words, size, weight="bold", fill=ACCENT))
    else:
        c.add(Text(min(xa, xb) - 6, yb + size * 0.35, words, size, "end", "bold", ACCENT))
    return c


# --------------------------------------------------------------------------------------------- the trend, a fan chart
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
