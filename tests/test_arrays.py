"""Sums of sample arrays: the bits of ``a + b + c`` written out, one new array, the terms left as they were."""

from __future__ import annotations

import numpy as np
import pytest

from fullcost.arrays import sum_of


def _written_out(terms, start=None):
    out = start
    for t in terms:
        out = t if out is None else out + t
    return out


def test_the_same_bits_as_the_sum_written_out_and_the_terms_untouched():
    rng = np.random.default_rng(3)
    terms = [rng.standard_normal(5000) * 10.0 ** rng.integers(-3, 12) for _ in range(9)]
    copies = [t.copy() for t in terms]
    zero = np.broadcast_to(np.float64(0.0), (5000,))  # a point input, read-only
    for start in (None, zero, np.zeros(5000), np.float64(2.5)):
        got = sum_of(terms, start)
        assert got.tobytes() == _written_out(terms, start).tobytes()
        assert all(t.tobytes() == c.tobytes() for t, c in zip(terms, copies, strict=True))
        assert start is None or got is not start
    assert sum_of([terms[0]]) is terms[0]  # one term: that term, as a + nothing
    # shapes that broadcast: a scalar-like start, a broadcast term
    one = np.array([1.5])
    assert sum_of([one, terms[0], zero]).tobytes() == ((one + terms[0]) + zero).tobytes()
    with pytest.raises(ValueError, match="nothing to sum"):
        sum_of([])


def test_a_decline_worked_out_once_for_draws_is_the_decline_of_those_years():
    from fullcost.costing.hardware import depreciated_value

    rng = np.random.default_rng(4)
    oom = rng.uniform(0.05, 0.3, 4000)
    oom.setflags(write=False)  # a run's draws
    value = rng.uniform(1e4, 4e4, 4000)
    for years in (2.5, 2.5, 0.75, -1.0, 2.5):
        want = value * np.power(10.0, -oom * np.maximum(years, 0.0))
        assert depreciated_value(value, years, oom).tobytes() == want.tobytes()
    other = value * 2.0  # another value, the same draws: its own result
    assert depreciated_value(other, 2.5, oom).tobytes() == (other * np.power(10.0, -oom * 2.5)).tobytes()


def test_a_point_input_is_remembered_by_its_value_and_size_and_the_kept_are_bounded():
    from fullcost import arrays

    calls = []

    def make(v):
        return lambda: calls.append(v) or len(calls)

    p = np.broadcast_to(np.float64(0.25), (1000,))
    same = np.broadcast_to(np.float64(0.25), (1000,))  # another object, the same point
    assert arrays.remembered(p, ("t",), make(1)) == arrays.remembered(same, ("t",), make(2)) == 1
    assert arrays.remembered(np.broadcast_to(np.float64(0.5), (1000,)), ("t",), make(3)) == 2
    assert arrays.remembered(np.broadcast_to(np.float64(0.25), (999,)), ("t",), make(4)) == 3
    assert arrays.remembered(np.broadcast_to(np.float64(-0.0), (1000,)), ("t",), make(5)) == 4
    assert arrays.remembered(np.broadcast_to(np.float64(0.0), (1000,)), ("t",), make(6)) == 5  # not -0.0's
    for i in range(2 * arrays.POINTS_KEPT):
        arrays.remembered(np.broadcast_to(np.float64(i + 10), (10,)), ("t",), make(i))
    assert len(arrays._POINTS) == arrays.POINTS_KEPT
