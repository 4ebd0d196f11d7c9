"""The fast summaries give numpy's own figures to the last bit: percentiles ("linear"), order statistics."""

from __future__ import annotations

import numpy as np
import pytest

from fullcost.summary import order_stats, percentiles, summarize

SIZES = (1, 2, 3, 4, 5, 10, 19, 20, 21, 100, 101, 1000, 99_999, 100_000, 100_001)


def arrays(n: int) -> list[np.ndarray]:
    rng = np.random.default_rng(n)
    with_inf = rng.standard_normal(n)
    with_inf[rng.integers(0, n, max(1, n // 3))] = np.inf
    return [
        rng.standard_normal(n),
        np.exp(rng.standard_normal(n) * 2 + 20),  # lognormal dollars
        rng.choice([1.0, 2.0, 3.5], n),  # ties everywhere (a choice input)
        np.maximum(rng.standard_normal(n), 0.0),  # a floored normal: ties at the floor
        np.sort(rng.uniform(-5, 5, n)),
        np.sort(rng.uniform(-5, 5, n))[::-1],  # reversed, not contiguous
        with_inf,
        np.full(n, 7.25),
    ]


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("q", [[5.0, 50.0, 95.0], [0.0, 100.0], [99.5], [12.345, 87.6, 33.3, 0.001]])
def test_percentiles_are_numpys_to_the_bit(n: int, q: list[float]) -> None:
    for x in arrays(n):
        with np.errstate(invalid="ignore"):
            want = np.atleast_1d(np.percentile(x, q))
            got = np.array(percentiles(x, q))
        assert want.tobytes() == got.tobytes(), (n, q, want, got)


def test_nan_and_bounds_as_numpy() -> None:
    x = np.array([1.0, np.nan, 3.0, 2.0])
    assert np.isnan(percentiles(x, [50.0])).all()
    with pytest.raises(ValueError):
        percentiles(np.arange(5.0), [101.0])


@pytest.mark.parametrize("n", SIZES)
def test_order_stats_are_the_sorted_values(n: int) -> None:
    for x in arrays(n):
        before = x.copy()
        ranks = sorted({0, n - 1, n // 2, n // 20, n - n // 20 - 1, max(0, n // 10 - 1)})
        got = order_stats(x, ranks)
        s = np.sort(x)
        assert got == {r: float(s[r]) for r in ranks}
        assert np.array_equal(x, before)  # the input is not reordered


def test_order_stats_refuses_ranks_outside() -> None:
    with pytest.raises(IndexError):
        order_stats(np.arange(3.0), [3])


def test_summarize_matches_numpy() -> None:
    x = np.exp(np.random.default_rng(3).standard_normal(50_000))
    s = summarize(x)
    p5, p50, p95 = np.percentile(x, [5.0, 50.0, 95.0])
    assert s == {"mean": float(x.mean()), "p5": float(p5), "p50": float(p50), "p95": float(p95)}
    head = np.percentile(x[:1000], [5.0, 50.0, 95.0])
    assert [summarize(x, 1000)[k] for k in ("p5", "p50", "p95")] == [float(v) for v in head]
