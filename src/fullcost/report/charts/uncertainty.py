"""How sure the development cost is: its distribution (a histogram of the simulations, with the 90% interval,
the mean and the headline marked) and the tornado (the inputs that move it most)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from fullcost import fmt
from fullcost.quantity import Arr
from fullcost.report.charts.layout import _fit, _name, _x_axis, nice_max, text_width, wrap
from fullcost.report.charts.scene import ACCENT, HIGH, INK, LOW, MUTED, TOTAL, WIDE, Chart, Line, Rect, Text
from fullcost.summary import percentiles


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
    hi = percentiles(a, (99.5,))[0] if n >= 200 else hi_v  # np.percentile to the bit
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
def tornado(out: dict[str, Any], labels: dict[str, str] | None = None, width: float = WIDE, top_n: int = 10,
            measure: str = "development cost", base: float | None = None) -> Chart:
    """The inputs that move the development total most: the mean total with each input at its 5th and 95th.
    ``measure`` and ``base`` (its mean) name another total ranked the same way (a lab's adjusted EBITDA)."""
    narrow = width < 500
    size = 11.0 if narrow else 12.5
    rows = out.get("sensitivity") or []
    rows = rows[:top_n]
    base = float(out["development"]["total_usd"]["mean"]) if base is None else base
    row = 46.0 if narrow else 44.0
    top, bottom = 56.0, 30.0
    height = top + max(len(rows), 1) * row + bottom
    label_w = 118.0 if narrow else 250.0
    value_w = 5.2 * (size - 1)  # room for "$17.66M" beside the bars
    x0, x1 = label_w + 10 + value_w, width - value_w - 4
    title = f"{_name(out)}: what moves the {measure} most"
    desc = (f"Tornado: the mean {measure} with each input at its 5th and 95th percentile. "
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
