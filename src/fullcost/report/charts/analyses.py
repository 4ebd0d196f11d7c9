"""Beyond the headline: where a claim falls among the cost definitions, what it would cost to replicate the
model, and the export-control premium, drawn from the analyses' JSON (positions and scales only)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from fullcost import fmt
from fullcost.report.charts.layout import (
    _fit,
    _log_axis_x,
    _name,
    _signed,
    _top_label,
    _x_axis,
    decades,
    nice_max,
    text_width,
)
from fullcost.report.charts.scene import ACCENT, HIGH, INK, LOW, MUTED, TOTAL, WIDE, Chart, Line, Rect, Text

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
