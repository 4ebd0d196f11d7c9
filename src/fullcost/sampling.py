"""Sampling: one seeded random stream per named input, each drawn once per run, draws kept across runs."""

from __future__ import annotations

import threading
import zlib
from collections import OrderedDict
from typing import Any

import numpy as np

from fullcost.dist import Arr, Dist


def stream(seed: int, name: str) -> np.random.Generator:
    """The random stream of one named input: fixed by (seed, name), whatever the order of evaluation."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, zlib.crc32(name.encode())])))


class Draws:
    """Draws kept from one run to the next. A named input's samples depend on nothing but the seed, its name, its
    distribution and the sample count, so a run that differs from the last by one input (a control moved in
    ``fullcost serve``, a variant beside its scenario) draws only that input again; the others are the same
    read-only arrays, to the bit. Bounded in bytes, the least recently used dropped first."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._kept: OrderedDict[tuple[Any, ...], Arr] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @staticmethod
    def key(seed: int, name: str, dist: Dist, n: int) -> tuple[Any, ...]:
        """What ``Dist.sample`` on ``stream(seed, name)`` depends on."""
        return (seed, name, n, dist.kind, dist.params, dist.weights, dist.extra.get("floor"),
                dist.extra.get("ceiling"))

    def get(self, key: tuple[Any, ...]) -> Arr | None:
        with self._lock:
            hit = self._kept.get(key)
            if hit is not None:
                self._kept.move_to_end(key)
            return hit

    def put(self, key: tuple[Any, ...], values: Arr) -> None:
        if values.nbytes > self.max_bytes:
            return
        with self._lock:
            if key in self._kept:
                return
            self._kept[key] = values
            self._bytes += values.nbytes
            while self._bytes > self.max_bytes:
                _, old = self._kept.popitem(last=False)
                self._bytes -= old.nbytes

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
            self._bytes = 0


DRAWS = Draws(256 * 2**20)  # ``DRAWS.max_bytes = 0`` keeps none


class Sampler:
    """Samples each named input once per run and hands out that one array wherever it is referenced."""

    def __init__(self, n: int, seed: int) -> None:
        if n < 1:
            raise ValueError("samples must be at least 1")
        self.n = n
        self.seed = seed
        self._drawn: dict[str, tuple[Dist, Arr]] = {}

    def draw(self, name: str, dist: Dist) -> Arr:
        hit = self._drawn.get(name)
        if hit is not None:
            if hit[0].kind != dist.kind or hit[0].params != dist.params:
                raise ValueError(f"input '{name}' is defined twice with different values")
            return hit[1]
        if dist.is_point:  # what ``Dist.sample`` gives a point, without a random stream
            values = self.const(dist.params[0])
        else:
            key = Draws.key(self.seed, name, dist, self.n)
            kept = DRAWS.get(key)
            if kept is None:
                values = dist.sample(stream(self.seed, name), self.n)
                values.setflags(write=False)
                DRAWS.put(key, values)
            else:
                values = kept
        values.setflags(write=False)
        self._drawn[name] = (dist, values)
        return values

    def get(self, name: str) -> Arr:
        return self._drawn[name][1]

    def const(self, value: float) -> Arr:
        return np.broadcast_to(np.float64(value), (self.n,))

    @property
    def drawn(self) -> dict[str, tuple[Dist, Arr]]:
        return dict(self._drawn)
