"""Layout shared by the charts: text widths and wrapping, round ticks and scales, labels kept apart, the
money axis (linear) and the decades axis (log), and the short names and labels several charts print."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from fullcost import fmt
from fullcost.report.charts.scene import GRID, INK, MUTED, Chart, Line, Text


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


def _fit(s: str, width: float, size: float) -> str:
    return wrap(s, width, size, 1)[0] if s else s


def _name(out: dict[str, Any]) -> str:
    return str(out.get("title") or out["name"])


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


def _top_label(c: Chart, x: float, y: float, s: str, size: float, weight: str = "normal", fill: str = INK) -> None:
    """A label centred over ``x``, kept inside the chart."""
    half = text_width(s, size, weight == "bold") / 2
    c.add(Text(min(max(x, half + 4), c.width - half - 4), y, s, size, "middle", weight, fill))
