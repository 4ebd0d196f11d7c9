"""Sample arrays: what is worked out from an array that cannot change (a run's draws), remembered for as long as
it lives; sums with one new array for the result, not one per term (the same values, to the bit, as
``a + b + c + ...`` written out, without a fresh 800 KB temporary and its page faults for every term)."""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, cast

import numpy as np

from fullcost.lru import Lru
from fullcost.quantity import Arr

T = TypeVar("T")


def sum_of(terms: Iterable[Arr], start: Arr | None = None) -> Arr:
    """``start + t0 + t1 + ...`` (``t0 + t1 + ...`` without ``start``), evaluated left to right. The result is a
    new array where there are two terms or more; with one term and no start, that term itself."""
    it = iter(terms)
    out = start
    mine = False  # ``out`` is an array made here, so it may be added to in place
    for t in it:
        if out is None:
            out = t
            continue
        if mine and out.shape == np.broadcast_shapes(out.shape, np.shape(t)) and \
                np.result_type(out, t) == out.dtype:
            out += t
        else:
            out = out + t
            mine = isinstance(out, np.ndarray) and out.flags.writeable and out.flags.owndata
    if out is None:
        raise ValueError("nothing to sum")
    return out


_KNOWN: dict[int, tuple[weakref.ref[Arr], dict[Any, Any]]] = {}


def remembered(a: Arr, key: tuple[Any, ...], make: Callable[[], T]) -> T:
    """``make()``, remembered for as long as ``a`` lives where ``a`` cannot change (read-only, owning its data:
    a run's draws), or by its value where it is one value seen as every sample (a point input), under ``key``:
    what ``make`` computes from ``a`` alone and ``key`` names. What ``make`` returns is shared: never change it."""
    known = known_of(a)
    if known is None:
        return _of_point(a, key, make) if a.ndim == 1 and a.strides == (0,) else make()
    if key not in known:
        known[key] = make()
    return cast(T, known[key])


POINTS_KEPT = 16
_POINTS: Lru[Any] = Lru(POINTS_KEPT)


def _of_point(a: Arr, key: tuple[Any, ...], make: Callable[[], T]) -> T:
    """``remembered`` for a value given once (a point input: one value seen as ``n`` samples), by its value and
    ``n``; the last ``POINTS_KEPT`` kept."""
    return _POINTS.get_or_make((a.size, a.flat[0].tobytes(), *key), make)


def known_of(a: Arr) -> dict[Any, Any] | None:
    """What is remembered for ``a`` (order statistics by rank, the rest by ``remembered``'s keys) if it cannot
    change, else None."""
    if a.flags.writeable or not a.flags.owndata or a.ndim != 1:
        return None
    key = id(a)
    hit = _KNOWN.get(key)
    if hit is not None and hit[0]() is a:
        return hit[1]
    stats: dict[Any, Any] = {}
    # an array's id is reused only once it is gone, and then its entry has gone with it
    _KNOWN[key] = (weakref.ref(a, lambda _, key=key: _KNOWN.pop(key, None)), stats)  # type: ignore[misc]
    return stats
