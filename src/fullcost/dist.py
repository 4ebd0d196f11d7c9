"""One uncertain input as a distribution (``Dist``): its median, 90% interval, samples and rescaling."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

Arr = npt.NDArray[np.float64]

Z90 = 1.6448536269514722  # standard normal 95th percentile: a 90% interval spans +-Z90 sigma

class QuantityError(ValueError):
    """A quantity that cannot be read: the message says what was expected."""


@dataclass(frozen=True)
class Dist:
    """One uncertain input, in the canonical unit of its dimension."""

    kind: str  # point | lognormal | normal | logitnormal | uniform | pert | choice
    params: tuple[float, ...]
    text: str = ""
    weights: tuple[float, ...] = ()
    source: str | None = None
    published: str | None = None
    note: str | None = None
    ref: str | None = None  # a named shared input this field refers to
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def is_point(self) -> bool:
        return self.kind == "point"

    def central(self) -> float:
        """The value a person would quote: the point itself, else the median (mean for normal/PERT)."""
        k, p = self.kind, self.params
        if k == "point":
            return p[0]
        if k == "lognormal":
            return math.exp(p[0])
        if k == "logitnormal":
            return 1.0 / (1.0 + math.exp(-p[0]))
        if k == "normal":
            return p[0]
        if k == "uniform":
            return (p[0] + p[1]) / 2
        if k == "pert":
            return (p[0] + 4 * p[1] + p[2]) / 6
        order = np.argsort(p)
        cum = np.cumsum(np.asarray(self.weights)[order])
        return float(np.asarray(p)[order][int(np.searchsorted(cum, 0.5))])

    def sample(self, rng: np.random.Generator, n: int) -> Arr:
        k, p = self.kind, self.params
        if k == "point":
            return np.broadcast_to(np.float64(p[0]), (n,))
        if k == "lognormal":
            return np.exp(rng.standard_normal(n) * p[1] + p[0])
        if k == "logitnormal":  # kept 1e-13 away from 0 and 1, so that 1 - share never divides by zero
            z = np.clip(rng.standard_normal(n) * p[1] + p[0], -30.0, 30.0)
            return 1.0 / (1.0 + np.exp(-z))
        if k == "normal":
            x = rng.standard_normal(n) * p[1] + p[0]
            if self.extra.get("floor") is not None:
                np.maximum(x, self.extra["floor"], out=x)
            if self.extra.get("ceiling") is not None:
                np.minimum(x, self.extra["ceiling"], out=x)
            return x
        if k == "uniform":
            return rng.uniform(p[0], p[1], n)
        if k == "pert":
            lo, mode, hi = p
            a = 1 + 4 * (mode - lo) / (hi - lo)
            b = 1 + 4 * (hi - mode) / (hi - lo)
            return lo + rng.beta(a, b, n) * (hi - lo)
        return np.asarray(p, dtype=np.float64)[rng.choice(len(p), size=n, p=np.asarray(self.weights))]

    def interval(self) -> tuple[float, float]:
        """The 5th and 95th percentiles (a point gives itself twice)."""
        k, p = self.kind, self.params
        if k == "point":
            return p[0], p[0]
        if k == "lognormal":
            return math.exp(p[0] - Z90 * p[1]), math.exp(p[0] + Z90 * p[1])
        if k == "logitnormal":
            return 1 / (1 + math.exp(-(p[0] - Z90 * p[1]))), 1 / (1 + math.exp(-(p[0] + Z90 * p[1])))
        if k == "normal":
            return p[0] - Z90 * p[1], p[0] + Z90 * p[1]
        if k == "uniform":
            return p[0] + 0.05 * (p[1] - p[0]), p[0] + 0.95 * (p[1] - p[0])
        x = self.sample(np.random.default_rng(0), 100_000)
        lo, hi = np.percentile(x, [5.0, 95.0])
        return float(lo), float(hi)

    def with_meta(self, **kw: Any) -> Dist:
        return Dist(self.kind, self.params, kw.pop("text", self.text), self.weights,
                    kw.pop("source", self.source), kw.pop("published", self.published),
                    kw.pop("note", self.note), kw.pop("ref", self.ref), self.extra)

    def scaled(self, factor: float) -> Dist:
        """The same input in another unit (factor > 0)."""
        k, p = self.kind, self.params
        if k == "lognormal":
            params: tuple[float, ...] = (p[0] + math.log(factor), p[1])
        elif k == "normal":
            params = (p[0] * factor, p[1] * factor)
        elif k == "logitnormal":
            raise QuantityError("a share cannot be rescaled")
        else:
            params = tuple(x * factor for x in p)
        return Dist(k, params, self.text, self.weights, self.source, self.published, self.note, self.ref,
                    self.extra)


def point(value: float, text: str = "", **meta: Any) -> Dist:
    return Dist("point", (float(value),), text or _fmt(value), **meta)


def _fmt(v: float) -> str:
    return f"{v:g}"
