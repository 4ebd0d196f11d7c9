"""Summaries of sample arrays: mean, 5th, 50th and 95th percentiles (the contract's ``S``).

Percentiles are numpy's default ("linear", Hyndman and Fan's 7th method) to the last bit, computed faster:
the order statistics they need are selected one at a time (a partition around one rank is many times faster
than one around six at once), then interpolated with numpy's own formula.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np

from fullcost.arrays import known_of, remembered
from fullcost.quantity import Arr

Summary = dict[str, float]


DETAIL_SAMPLES = 200_000
SUMMARY_PERCENTILES = (5.0, 50.0, 95.0)


def order_stats(a: Arr, ranks: Sequence[int]) -> dict[int, float]:
    """The ``r``-th smallest value of ``a`` (0-based) for each ``r`` in ``ranks``: the values
    ``np.sort(a)[ranks]`` holds, without sorting. ``a`` itself is left as it was (a copy is partitioned).

    The values found for an array that cannot change (it owns its data and is read-only: a run's draws, kept
    from one run to the next) are remembered for as long as it lives."""
    a = np.asarray(a, dtype=np.float64)
    known = known_of(a)
    want = sorted({int(r) for r in ranks})
    if known is not None and all(r in known for r in want):
        return {r: known[r] for r in want}
    a = a.ravel()
    n = a.size
    if want and not (0 <= want[0] and want[-1] < n):
        raise IndexError(f"rank out of range for {n} values: {want[0]}..{want[-1]}")
    out: dict[int, float] = {}
    buf = a.copy()
    # each part buf[lo:hi] holds exactly the values of ranks lo..hi-1, in some order
    todo: list[tuple[int, int, list[int]]] = [(0, n, want)] if want else []
    while todo:
        lo, hi, rs = todo.pop()
        if len(rs) == 1 and rs[0] == hi - 1:  # the largest of its part: no partition needed
            out[rs[0]] = float(buf[lo:hi].max())
        elif len(rs) == 1 and rs[0] == lo:
            out[rs[0]] = float(buf[lo:hi].min())
        else:
            i = len(rs) // 2
            r = rs[i]
            part = buf[lo:hi]
            part.partition(r - lo)
            out[r] = float(part[r - lo])
            todo += [(lo, r, rs[:i])] if i else []
            todo += [(r + 1, hi, rs[i + 1:])] if i + 1 < len(rs) else []
    if known is not None:
        known.update(out)
    return out


def _ranks(n: int, q: Sequence[float]) -> tuple[list[float], list[int], list[int]]:
    """numpy's "linear" method: the virtual index (n - 1) * q / 100, its floor and the next (past the last value,
    both the last)."""
    if not all(0.0 <= float(p) <= 100.0 for p in q):
        raise ValueError("Percentiles must be in the range [0, 100]")
    virtual = [(n - 1) * (float(p) / 100) for p in q]
    prev = [n - 1 if v >= n - 1 else int(np.floor(v)) for v in virtual]
    nxt = [n - 1 if v >= n - 1 else int(np.floor(v)) + 1 for v in virtual]
    return virtual, prev, nxt


def _interpolate(n: int, virtual: list[float], prev: list[int], nxt: list[int], vals: dict[int, float]) -> list[float]:
    out = []
    for v, i, j in zip(virtual, prev, nxt, strict=True):
        gamma = v - i if v < n - 1 else v + 1  # numpy subtracts the index it took, -1 (the last) past the end
        out.append(_lerp(vals[i], vals[j], gamma))
    return out


def percentiles(a: Arr, q: Sequence[float]) -> list[float]:
    """``np.percentile(a, q)`` (method "linear") to the last bit, for a 1-D array."""
    a = np.asarray(a, dtype=np.float64)
    n = a.size
    if n == 0 or np.isnan(a.max()):  # numpy's own handling of the empty and of NaN
        return [float(v) for v in np.atleast_1d(np.percentile(a, list(q)))]
    virtual, prev, nxt = _ranks(n, q)
    return _interpolate(n, virtual, prev, nxt, order_stats(a, [*prev, *nxt]))


def _lerp(lo: float, hi: float, t: float) -> float:
    """numpy's ``_lerp``: ``lo + (hi - lo) * t``, from the upper end when ``t >= 0.5`` (float64 throughout)."""
    x, y, w = np.float64(lo), np.float64(hi), np.float64(t)
    d = y - x
    return float(y - d * (1 - w)) if w >= 0.5 else float(x + d * w)


class Seen:
    """Summaries of the arrays summarized lately, found again by their content: a recompute that moved one input
    builds most of its amounts again from the same draws, to the bit, as new arrays. An array is looked up by its
    size and a few of its values, and a summary is reused only where a kept copy of the array it was made from
    holds the same bits (NaN and the sign of zero included). Bounded in bytes, the least recently used dropped
    first; thread-safe. ``SEEN.max_bytes = 0`` keeps none."""

    PROBES = 9  # values read for the look-up key

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._kept: OrderedDict[tuple[Any, ...], tuple[Arr, Summary]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def key(self, a: Arr, n: int) -> tuple[Any, ...]:
        step = max(1, (a.size - 1) // (self.PROBES - 1))
        return (a.size, n, a[::step].tobytes(), a[-1].tobytes())

    def get(self, key: tuple[Any, ...], a: Arr) -> Summary | None:
        with self._lock:
            hit = self._kept.get(key)
            if hit is None:
                return None
            self._kept.move_to_end(key)
        kept, s = hit
        return dict(s) if np.array_equal(kept.view(np.uint64), a.view(np.uint64)) else None

    def put(self, key: tuple[Any, ...], a: Arr, s: Summary) -> None:
        if a.nbytes > self.max_bytes:
            return
        kept = a.copy()
        kept.setflags(write=False)
        with self._lock:
            old = self._kept.pop(key, None)
            if old is not None:
                self._bytes -= old[0].nbytes
            self._kept[key] = (kept, dict(s))
            self._bytes += kept.nbytes
            while self._bytes > self.max_bytes:
                _, (gone, _) = self._kept.popitem(last=False)
                self._bytes -= gone.nbytes

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
            self._bytes = 0


SEEN = Seen(96 * 2**20)
SEEN_MIN_SIZE = 4096  # below this, summarizing costs less than looking up
# above this (more than the app draws for a request), runs are one-off (the command line): nothing kept or copied
SEEN_MAX_SIZE = 200_000


def summarize(a: Arr, percentile_samples: int | None = None) -> Summary:
    """Mean over all samples; percentiles over all, or over the first ``percentile_samples`` of them.

    Samples are independent draws, so a prefix is a random subsample: item-level detail uses at most
    ``DETAIL_SAMPLES`` for its percentiles (a partition of a million values per item is most of the
    run time), while totals, shares and every mean use all samples. Every value the same: that value.
    """
    a = np.asarray(a, dtype=np.float64)
    if a.size == 0:
        raise ValueError("cannot summarize no samples")
    if a.ndim == 0 or (a.strides == (0,)):
        return _same(a)
    n = a.size if percentile_samples is None else min(a.size, percentile_samples)
    if a.ndim != 1 or a.size < SEEN_MIN_SIZE:
        return _summarize(a, n)
    if not a.flags.writeable and a.flags.owndata:  # a run's draws: remembered for as long as they live
        return dict(remembered(a, ("summary", n), lambda: _summarize(a, n)))
    if SEEN.max_bytes <= 0 or a.size > SEEN_MAX_SIZE:
        return _summarize(a, n)
    key = SEEN.key(a, n)
    s = SEEN.get(key, a)
    if s is None:
        s = _summarize(a, n)
        SEEN.put(key, a, s)
    return s


def _summarize(a: Arr, n: int) -> Summary:
    m = float(a.mean())
    if np.isnan(m) or n < a.size:  # NaN (or both infinities), or percentiles of a prefix: as numpy does it
        if a.min() == a.max():
            return _same(a)
        p5, p50, p95 = percentiles(a[:n], SUMMARY_PERCENTILES)
        return {"mean": m, "p5": p5, "p50": p50, "p95": p95}
    virtual, prev, nxt = _ranks(n, SUMMARY_PERCENTILES)
    vals = order_stats(a, [0, n - 1, *prev, *nxt])  # the least and the greatest come nearly free
    if vals[0] == vals[n - 1]:
        return _same(a)
    p5, p50, p95 = _interpolate(n, virtual, prev, nxt, vals)
    return {"mean": m, "p5": p5, "p50": p50, "p95": p95}


def _same(a: Arr) -> Summary:
    v = float(a.flat[0])
    return {"mean": v, "p5": v, "p50": v, "p95": v}


def median(a: Arr) -> float:
    """``np.median(a)`` to the last bit for a 1-D array: the middle value, or the mean of the two middle values,
    from single-rank partitions (remembered for a run's draws, as ``order_stats`` does)."""
    a = np.asarray(a, dtype=np.float64)
    n = a.size
    if a.ndim != 1 or n == 0 or np.isnan(a.max()):
        return float(np.median(a))
    if a.strides == (0,):
        lo = hi = float(a[0])
    else:
        ranks = [(n - 1) // 2, n // 2]
        vals = order_stats(a, ranks)
        lo, hi = vals[ranks[0]], vals[ranks[1]]
    # numpy's mean of the one or two values: a sum that starts from 0.0 (so -0.0 reads 0.0), over their count
    return 0.0 + lo if n % 2 else (0.0 + lo + hi) / 2.0


def mean(a: Arr) -> float:
    a = np.asarray(a, dtype=np.float64)
    if a.strides == (0,) or a.size == 1:
        return float(a.flat[0])
    return float(a.mean())
