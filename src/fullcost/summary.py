"""Summaries of sample arrays: mean, 5th, 50th and 95th percentiles (the contract's ``S``)."""

from __future__ import annotations

import numpy as np

from fullcost.quantity import Arr

Summary = dict[str, float]


DETAIL_SAMPLES = 200_000


def summarize(a: Arr, percentile_samples: int | None = None) -> Summary:
    """Mean over all samples; percentiles over all, or over the first ``percentile_samples`` of them.

    Samples are independent draws, so a prefix is a random subsample: item-level detail uses at most
    ``DETAIL_SAMPLES`` for its percentiles (a partition of a million values per item is most of the
    run time), while totals, shares and every mean use all samples.
    """
    a = np.asarray(a, dtype=np.float64)
    if a.size == 0:
        raise ValueError("cannot summarize no samples")
    if a.ndim == 0 or (a.strides == (0,)) or a.min() == a.max():
        v = float(a.flat[0])
        return {"mean": v, "p5": v, "p50": v, "p95": v}
    part = a if percentile_samples is None else a[:percentile_samples]
    p5, p50, p95 = np.percentile(part, [5.0, 50.0, 95.0])
    return {"mean": float(a.mean()), "p5": float(p5), "p50": float(p50), "p95": float(p95)}


def mean(a: Arr) -> float:
    a = np.asarray(a, dtype=np.float64)
    if a.strides == (0,) or a.size == 1:
        return float(a.flat[0])
    return float(a.mean())
