"""The scene a chart is made of: colours and sizes, shapes, the ``Chart`` that holds them, and its two
renderers (SVG for the page and ``--figures``, PNG through matplotlib), which paint the same shapes in order."""

from __future__ import annotations

import html
import io
from dataclasses import dataclass, field
from typing import Any

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

# Colours: text on white meets WCAG AA (4.5:1); fills are told apart by lightness as well as hue.
INK = "#1d2433"
MUTED = "#545e70"
GRID = "#d5dbe4"
ACCENT = "#c8372d"  # the headline, wherever it appears
TOTAL = "#16324f"  # the development total
LOW = "#8fbfe0"  # tornado: the input at its low end
HIGH = "#1f5a8c"  # tornado: the input at its high end

WIDE = 760.0
NARROW = 380.0


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
    """``v`` to one decimal, without a trailing ``.0`` (what ``round(v, 1)`` prints, faster: both round the exact
    binary value correctly)."""
    s = f"{v:.1f}"
    if s[-1] == "0":
        return "0" if s == "-0.0" else s[:-2]
    if s[-1] in "fn":  # inf, nan: no coordinate (an error, as ever)
        r = round(v, 1)
        return str(int(r))
    return s


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
