"""Sums of sample arrays with one new array for the result, not one per term: the same values, to the bit, as
``a + b + c + ...`` written out (each sample summed left to right), without a fresh 800 KB temporary (and its
page faults) for every term of a long sum."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from fullcost.quantity import Arr


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
