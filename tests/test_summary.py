"""The fast summaries give numpy's own figures to the last bit: percentiles ("linear"), order statistics; the
tornado's tenths are the samples one argpartition gives."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from fullcost.arrays import remembered
from fullcost.quantity import Dist
from fullcost.summary import SEEN, median, order_stats, percentiles, summarize
from fullcost.views import sensitivity

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


def _tornado_by_argpartition(drawn: dict[str, tuple[Dist, np.ndarray]], total: np.ndarray) -> dict[str, tuple]:
    """The tornado's figures as one argpartition per input gives them (how they were first computed)."""
    n = total.shape[0]
    k, j = n // 10, n // 20
    out = {}
    for name, (_, x) in drawn.items():
        order = np.argpartition(x, (j, k, n - k - 1, n - j - 1))
        out[name] = (float(total[order[:k]].mean()), float(total[order[n - k:]].mean()), float(x[order[j]]),
                     float(x[order[n - j - 1]]))
    return out


@pytest.mark.parametrize("n", [1000, 10_001, 100_000])
def test_tornado_as_one_argpartition_gives_it(n: int) -> None:
    rng = np.random.default_rng(n)
    drawn = {
        "lognormal": (Dist("lognormal", (1.0, 0.5), "2 to 6"), np.exp(rng.standard_normal(n) * 0.5 + 1.0)),
        "choice": (Dist("choice", (1.0, 2.0, 4.0), "1, 2 or 4", (0.3, 0.4, 0.3)),
                   rng.choice([1.0, 2.0, 4.0], n, p=[0.3, 0.4, 0.3])),
        "floored": (Dist("normal", (0.0, 1.0), "0 to 2"), np.maximum(rng.standard_normal(n), 0.0)),
    }
    total = sum((x * (i + 1) * 1e6 for i, (_, x) in enumerate(drawn.values())), np.zeros(n))
    total = total + rng.uniform(1e6, 2e6, n)
    rows = {r["input"]: r for r in sensitivity(drawn, total)}
    want = _tornado_by_argpartition(drawn, total)
    assert set(rows) == set(drawn)
    for name, r in rows.items():
        lo, hi, low_value, high_value = want[name]
        # the same samples in each tenth, the same values to the bit; the means summed in another order
        assert (r["low_value"], r["high_value"]) == (low_value, high_value)
        assert r["low_usd"] == pytest.approx(lo, rel=1e-13) and r["high_usd"] == pytest.approx(hi, rel=1e-13)
        if name == "choice" or (name == "floored" and n >= 1000):  # ties across the boundary: argpartition decides
            assert (r["low_usd"], r["high_usd"]) == (lo, hi)


@pytest.mark.parametrize("n", [10, 100_000])
def test_summaries_with_nan_or_one_value_as_before(n: int) -> None:
    rng = np.random.default_rng(n)
    x = rng.standard_normal(n)
    x[rng.integers(0, n, 3)] = np.nan
    both = rng.standard_normal(n)
    both[:2] = [np.inf, -np.inf]
    for a in (x, both):
        with np.errstate(invalid="ignore"):
            s = summarize(a)
        with np.errstate(invalid="ignore"):
            want = np.percentile(a, [5.0, 50.0, 95.0])
        assert np.isnan(s["mean"])
        assert np.array([s["p5"], s["p50"], s["p95"]]).tobytes() == want.tobytes()
    assert summarize(np.full(n, 0.1)) == {"mean": 0.1, "p5": 0.1, "p50": 0.1, "p95": 0.1}  # not the mean's 0.1000..01


def test_order_statistics_of_arrays_that_cannot_change_are_remembered() -> None:
    x = np.random.default_rng(5).standard_normal(10_000)
    x.setflags(write=False)
    first = summarize(x)
    assert summarize(x) == first == summarize(x.copy())
    known = order_stats(x, [0, 9999])
    assert known == {0: float(x.min()), 9999: float(x.max())}
    # a writable array is read afresh each time: a change shows
    y = x.copy()
    before = summarize(y)
    y *= 2.0
    assert summarize(y)["p95"] == 2.0 * before["p95"]


def _numpys(a: np.ndarray) -> dict[str, float]:
    p5, p50, p95 = np.percentile(a, [5.0, 50.0, 95.0])
    return {"mean": float(a.mean()), "p5": float(p5), "p50": float(p50), "p95": float(p95)}


def test_summaries_found_again_by_content_only_for_the_same_bits() -> None:
    SEEN.clear()
    rng = np.random.default_rng(11)
    a = rng.standard_normal(50_000)
    first = summarize(a)
    assert summarize(a.copy()) == first  # a new array with the same bits: the same summary
    # the caller's dict is its own: changing it changes nothing kept
    first["p95"] = 1e300
    assert summarize(a.copy()) == _numpys(a)
    # the array changed in place, where the look-up key does not read: summarized afresh, not the kept figure
    a[12_345] = 1e9
    assert summarize(a) == _numpys(a)
    # -0.0 and 0.0 compare equal but print differently: never taken for one another
    z = np.zeros(50_000)
    z[::2] = -0.0
    z[1] = 1.0
    z2 = z.copy()
    z2[::2] = 0.0
    for arr in (z, z2, z, z2):
        s = summarize(arr)
        assert np.array([s["p5"], s["p50"], s["p95"]]).tobytes() == np.percentile(arr, [5.0, 50.0, 95.0]).tobytes()
    # a prefix's percentiles are not the whole array's
    b = rng.standard_normal(60_000)
    assert summarize(b, 20_000) != summarize(b)
    assert summarize(b, 20_000)["p95"] == float(np.percentile(b[:20_000], 95.0))


def test_summaries_kept_are_bounded_and_can_be_turned_off() -> None:
    rng = np.random.default_rng(12)
    arrays_ = [rng.standard_normal(10_000) for _ in range(12)]
    keep = SEEN.max_bytes
    try:
        SEEN.clear()
        SEEN.max_bytes = 5 * arrays_[0].nbytes
        for a in arrays_:
            assert summarize(a) == _numpys(a)
            assert SEEN._bytes <= SEEN.max_bytes
        assert len(SEEN._kept) == 5
        SEEN.max_bytes = 0
        SEEN.clear()
        assert summarize(arrays_[0]) == _numpys(arrays_[0]) and not SEEN._kept
    finally:
        SEEN.max_bytes = keep
        SEEN.clear()


def test_summaries_from_threads_at_once_are_each_their_own_arrays() -> None:
    rng = np.random.default_rng(13)
    arrays_ = [rng.standard_normal(20_000) * (i + 1) for i in range(8)]
    want = [_numpys(a) for a in arrays_]
    SEEN.clear()
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda i: summarize(arrays_[i % 8].copy()), range(64)))
    assert got == [want[i % 8] for i in range(64)]


def test_tenths_of_draws_remembered_only_for_arrays_that_cannot_change() -> None:
    rng = np.random.default_rng(14)
    n = 10_000
    x = rng.standard_normal(n)
    x.setflags(write=False)
    calls: list[int] = []

    def make() -> int:
        calls.append(1)
        return len(calls)

    assert remembered(x, ("k",), make) == remembered(x, ("k",), make) == 1
    y = x.copy()  # writable: made again each time
    assert remembered(y, ("k",), make) == 2 and remembered(y, ("k",), make) == 3
    # the tornado of one set of draws against two totals: each total's own means
    total = rng.standard_normal(n)
    drawn = {"x": (Dist("uniform", (0.0, 1.0), text="0 to 1"), x)}
    for t in (total + 5.0 * x, total * 3.0 - 10.0 * x):
        row = sensitivity(drawn, t)[0]
        order = np.argsort(x, kind="stable")
        assert row["low_usd"] == pytest.approx(float(t[order[: n // 10]].mean()), rel=1e-12)
        assert row["high_usd"] == pytest.approx(float(t[order[n - n // 10:]].mean()), rel=1e-12)


@pytest.mark.parametrize("n", SIZES)
def test_median_is_numpys_to_the_bit(n: int) -> None:
    for a in [*arrays(n), np.broadcast_to(np.float64(1e308), (n,)), np.full(n, -0.0)]:
        with np.errstate(over="ignore", invalid="ignore"):
            assert np.float64(median(a)).tobytes() == np.median(a).tobytes()
    x = arrays(n)[1]
    x.setflags(write=False)
    assert median(x) == median(x) == float(np.median(x))


def test_arrays_larger_than_a_served_run_are_summarized_without_keeping_a_copy() -> None:
    from fullcost import summary

    SEEN.clear()
    big = np.random.default_rng(15).standard_normal(summary.SEEN_MAX_SIZE + 1)
    assert summarize(big) == _numpys(big) and not SEEN._kept
    small = big[:50_000].copy()
    assert summarize(small) == _numpys(small) and len(SEEN._kept) == 1
