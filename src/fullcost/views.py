"""Views over cost items: totals, the bridge from the headline, the footnotes and the sensitivity tornado."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from fullcost import fmt
from fullcost.arrays import remembered, sum_of
from fullcost.items import CostItem
from fullcost.quantity import Arr, Dist
from fullcost.summary import DETAIL_SAMPLES, Summary, mean, median, order_stats, summarize

OWN_COST_LABEL = "final run at the lab's own cost"
# how the development cost prices a GPU-hour (``development.rate``), in words
RATE_LABELS = {
    "fleet": "the owned fleet's depreciation (idle time included), energy and facility per GPU-hour used",
    "epoch": "hardware amortized by Epoch AI's method, and energy",
    "straight_line": "straight-line depreciation of the hardware, and energy",
    "rental": "the rental price",
}
BRIDGE_STEPS = (
    ("final_run", "final run: the lab's own cost instead of the rental quote"),
    ("experiments", "experiments and ablations"),
    ("validation", "validation runs"),
    ("related_model", "related models"),
    ("failed", "failed runs"),
    ("inference", "inference and serving"),
    ("other", "other compute (no phase given)"),
    ("staff", "staff"),
    ("data", "data"),
    ("overhead", "overhead"),
)
# steps shown only when an item falls in them (a scenario's program has neither; a lab's records may)
OPTIONAL_STEPS = ("inference", "other")
Rows = npt.NDArray[np.intp]
PROGRAM_PHASES = ("final_run", "experiments", "validation", "related_model", "failed", "inference")


def step_of(item: CostItem) -> str:
    """Which bridge step an item belongs to: people, data and overhead by category, compute by phase (compute
    with no phase, or one the bridge does not know, is "other", never counted as experiments)."""
    if item.category in ("staff", "data", "overhead"):
        return item.category
    return item.phase if item.phase in PROGRAM_PHASES else "other"


def own_cost(items: list[CostItem], n: int) -> Arr:
    """The final run at the lab's own cost: the final run's GPU-hours at the rate the development cost uses
    (the fleet's, or the amortized hardware and energy), i.e. the bridge's headline plus its final-run step.
    The one definition behind every view's "final run at the lab's own cost"."""
    return sum_of((it.usd for it in items if step_of(it) == "final_run"), np.zeros(n))


def total(items: list[CostItem], n: int) -> Arr:
    out = np.zeros(n)
    for it in items:
        out += it.usd
    return out


def item_rows(items: list[CostItem], with_phase: bool = True) -> list[dict[str, Any]]:
    rows = []
    for it in items:
        row: dict[str, Any] = {"name": it.name, "category": it.category}
        if with_phase:
            row["phase"] = it.phase
        row |= {"cash": it.cash, "line": it.line, "usd": summarize(it.usd, DETAIL_SAMPLES), "detail": it.detail}
        rows.append(row)
    return rows


def by_category(items: list[CostItem], n: int) -> list[dict[str, Any]]:
    """The items summed by category (staff, hardware, energy...), sample by sample, largest mean first."""
    terms: dict[str, list[Arr]] = {}
    for it in items:
        terms.setdefault(it.category, []).append(it.usd)
    sums = {k: sum_of(v[1:], np.asarray(v[0], dtype=float)) for k, v in terms.items()}
    rows = [(k, summarize(np.broadcast_to(v, (n,)))) for k, v in sums.items()]
    rows.sort(key=lambda r: -r[1]["mean"])
    return [{"category": k, "usd": s} for k, s in rows]


@dataclass(frozen=True)
class BridgeStep:
    step: str
    label: str
    usd: float


def bridge(headline_usd: float, items: list[CostItem], basis: str = "quoted") -> list[BridgeStep]:
    """Ordered steps in mean dollars from the headline to the development total; they sum to its mean."""
    by: dict[str, float] = {}
    for it in items:
        by[step_of(it)] = by.get(step_of(it), 0.0) + mean(it.usd)
    price = "the quoted rental price" if basis == "quoted" else "a market rental rate (no price quoted)"
    steps = [BridgeStep("headline", f"headline (final run at {price})", headline_usd)]
    for key, label in BRIDGE_STEPS:
        if key in OPTIONAL_STEPS and key not in by:
            continue
        v = by.get(key, 0.0)
        if key == "final_run":
            v -= headline_usd
            if basis != "quoted":
                label = "final run: the lab's own cost instead of the market rental rate"
        steps.append(BridgeStep(key, label, v))
    return steps


def excluded(items: list[CostItem]) -> list[tuple[str, Arr, str]]:
    """What the headline leaves out: every item outside the final run, grouped by bridge step."""
    groups: dict[str, list[CostItem]] = {}
    for it in items:
        if it.phase == "final_run" and it.category not in ("staff", "data", "overhead"):
            continue
        groups.setdefault(step_of(it), []).append(it)
    out = []
    for key, label in BRIDGE_STEPS:
        its = groups.get(key)
        if not its:
            continue
        arr = sum_of(it.usd for it in its)
        names = sorted({it.name.split(":")[0] if key not in ("staff", "data") else it.name for it in its})
        out.append((label, arr, "; ".join(names)))
    return out


def headline_share(headline_usd: float, dev_total: Arr) -> Summary:
    """The headline over the development cost, sample by sample; samples with no development cost have no
    share and are left out (with none left, it reads 0)."""
    dev = np.asarray(dev_total, dtype=np.float64)
    ok = dev > 0
    if not np.any(ok):
        return summarize(np.zeros(1))
    return summarize(headline_usd / (dev if np.all(ok) else dev[ok]))


def above_development(headline_usd: float, gpu_hours: float, basis: str, dev_total: Arr, items: list[CostItem],
                      n: int) -> str | None:
    """Why a headline reads above the whole development cost, or None where it does not (the median share)."""
    dev = median(dev_total)
    if dev <= 0 or headline_usd <= dev:
        return None
    own = float(np.mean(own_cost(items, n)))
    kind = {"market": "a market rental rate", "quoted": "the lab's own quoted rate"}.get(basis, "its rate")
    per_hour = f"${headline_usd / gpu_hours:,.2f}" if gpu_hours > 0 else "its rate"
    own_rate = f"${own / gpu_hours:,.2f}" if gpu_hours > 0 else "less"
    return (f"The headline is above the whole development cost: it prices the final run's GPU-hours at {kind} "
            f"({per_hour}/GPU-hour), while the development cost counts the lab's own hardware at cost "
            f"({own_rate}/GPU-hour, {fmt.usd(own)} for the final run). Renting would have cost more than owning.")


def coverage(headline_usd: float, dev_total: Arr, items: list[CostItem], gpu_hours: float = 0.0,
             basis: str = "", n: int = 0) -> dict[str, Any]:
    return {
        "headline_share": headline_share(headline_usd, dev_total),
        "headline_above_development": above_development(headline_usd, gpu_hours, basis, dev_total, items,
                                                        n or len(dev_total)),
        "excluded": [{"name": name, "usd": summarize(arr, DETAIL_SAMPLES), "what": what}
                     for name, arr, what in excluded(items)],
    }


def sensitivity(drawn: dict[str, tuple[Dist, Arr]], total_usd: Arr, top: int = 12) -> list[dict[str, Any]]:
    """A tornado: the mean total when each input sits in its lowest and highest tenth.

    For each uncertain input, the samples whose value falls in the bottom 10% (centred on its 5th
    percentile) and the top 10% (centred on its 95th) are selected, and the total is averaged over each
    set with every other input still sampled. This estimates E[total | input at p5] and E[total | input at
    p95] from the one Monte Carlo run, without re-running the model per input. An input whose swing is
    within three standard errors of sampling noise is left out: the run cannot tell it from nothing.
    """
    n = total_usd.shape[0]
    rows: list[dict[str, Any]] = []
    if n < 20:
        return rows
    k, j = n // 10, n // 20
    noise = 3.0 * float(np.std(total_usd)) * np.sqrt(2.0 / k)
    for name, (dist, x) in drawn.items():
        if dist.is_point or x.strides == (0,):
            continue
        lo, hi, low_value, high_value = _tenths(x, total_usd, k, j)
        if abs(hi - lo) <= noise:
            continue
        rows.append({"input": name, "low_usd": lo, "high_usd": hi, "low_value": low_value,
                     "high_value": high_value, "swing_usd": abs(hi - lo), "text": dist.text})
    rows.sort(key=lambda r: -r["swing_usd"])
    return rows[:top]


def _tenths(x: Arr, total_usd: Arr, k: int, j: int) -> tuple[float, float, float, float]:
    """The mean total over the ``k`` samples where ``x`` is lowest and over the ``k`` where it is highest, and the
    (nearest-rank) values of ``x`` at ranks ``j`` and ``n - j - 1``."""
    low, high, low_value, high_value = remembered(x, ("tenths", k, j), lambda: _tenth_rows(x, k, j))
    return float(total_usd[low].mean()), float(total_usd[high].mean()), low_value, high_value


def _tenth_rows(x: Arr, k: int, j: int) -> tuple[Rows, Rows, float, float]:
    """The rows of the lowest and the highest tenth of ``x`` (in increasing order, as a mask selects them) and the
    values at ranks ``j`` and ``n - j - 1``: for a run's draws, the same from one run to the next.

    The order statistics come from single-rank partitions and each tenth is the samples at or beyond its
    boundary value. Where values tie across a boundary (a choice input), which tied samples fall in the tenth is
    up to the partition: there, one argpartition decides as it always has."""
    n = x.shape[0]
    v = order_stats(x, (j, k - 1, n - k, n - j - 1))
    low, high = np.flatnonzero(x <= v[k - 1]), np.flatnonzero(x >= v[n - k])
    if low.size == k and high.size == k:
        return low, high, v[j], v[n - j - 1]
    order = np.argpartition(x, (j, k, n - k - 1, n - j - 1))
    return order[:k], order[n - k:], float(x[order[j]]), float(x[order[n - j - 1]])


def agreement(total_usd: Arr, reference: Dist) -> dict[str, Any]:
    """Whether a computed total agrees with a published estimate given as a figure or a 90% interval."""
    lo, hi = reference.interval()
    below, above = float(np.mean(total_usd < lo)), float(np.mean(total_usd > hi))
    within = 1.0 - below - above
    if within >= 0.5:
        verdict = "agrees: the computed cost is more likely than not within the published estimate"
    elif below > above:
        verdict = "lower: the computed cost is more likely than not below the published estimate"
    else:
        verdict = "higher: the computed cost is more likely than not above the published estimate"
    return {"estimate": reference.text, "source": reference.source, "low_usd": lo, "high_usd": hi,
            "probability_within": within, "probability_below": below, "probability_above": above,
            "verdict": verdict}


def summary_of(items: list[CostItem], n: int) -> tuple[Arr, Summary]:
    t = total(items, n)
    return t, summarize(t)
