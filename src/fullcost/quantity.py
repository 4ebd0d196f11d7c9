"""Uncertain inputs: parse a scenario's numbers into distributions, sample each named input once per run.

A quantity is written as a plain number (``2048``, ``"14.8T"``, ``"$2"``, ``"54 days"``), a 90% interval
(``"20K to 50K"``: 5th and 95th percentiles, lognormal when both bounds are positive), or an explicit
form (``{normal: [mean, sd]}``, ``{lognormal: [p5, p95]}``, ``{uniform: [lo, hi]}``,
``{pert: [min, mode, max]}``, ``{choice: {value: weight}}``). Every field has a *dimension* that fixes
which units it accepts and whether it must be positive.
"""

from __future__ import annotations

import math
import re
import threading
import zlib
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

Arr = npt.NDArray[np.float64]

Z90 = 1.6448536269514722  # standard normal 95th percentile: a 90% interval spans +-Z90 sigma

_SECOND = {"s": 1.0, "sec": 1.0, "secs": 1.0, "second": 1.0, "seconds": 1.0, "min": 60.0, "mins": 60.0,
           "minute": 60.0, "minutes": 60.0, "h": 3600.0, "hr": 3600.0, "hrs": 3600.0, "hour": 3600.0,
           "hours": 3600.0, "d": 86400.0, "day": 86400.0, "days": 86400.0, "week": 604800.0,
           "weeks": 604800.0, "month": 2629800.0, "months": 2629800.0, "yr": 31557600.0,
           "yrs": 31557600.0, "year": 31557600.0, "years": 31557600.0}
_GPU_TIME = {"gpu-" + k: v for k, v in _SECOND.items()} | {"gpuh": 3600.0, "gpu-h": 3600.0}


def _time_units(base: float, gpu: bool = False) -> dict[str, float]:
    units = {k: v / base for k, v in _SECOND.items()}
    if gpu:
        units |= {k: v / base for k, v in _GPU_TIME.items()}
    return units


# dimension -> (accepted units and their factor to the canonical unit, must the value be positive, label)
DIMENSIONS: dict[str, tuple[dict[str, float], bool, str]] = {
    "number": ({}, True, "a positive number"),
    "signed": ({}, False, "a number"),
    "count": ({}, True, "a count"),
    "fraction": ({}, True, "a share (0 to 100%)"),
    "multiplier": ({"x": 1.0}, True, "a multiplier"),
    "flop": ({"flop": 1.0, "flops": 1.0}, True, "FLOP"),
    "usd": ({"usd": 1.0, "$": 1.0}, True, "US dollars"),
    "usd_per_hour": ({"/h": 1.0, "/hour": 1.0, "/hr": 1.0, "/gpu-hour": 1.0, "/gpu-h": 1.0, "/gpuh": 1.0,
                      "usd/h": 1.0, "usd/hour": 1.0, "usd/gpu-hour": 1.0, "usd/gpu-h": 1.0,
                      "/chip-hour": 1.0}, True, "US dollars per GPU-hour"),
    "usd_per_kwh": ({"/kwh": 1.0, "usd/kwh": 1.0, "/mwh": 1e-3, "usd/mwh": 1e-3}, True,
                    "US dollars per kWh"),
    "hours": (_time_units(3600.0, gpu=True), True, "a duration or GPU-hours (h, days, weeks, months, years)"),
    "days": (_time_units(86400.0), True, "a duration (h, days, weeks, months, years)"),
    "years": (_time_units(31557600.0), True, "a duration (months, years)"),
    "watts": ({"w": 1.0, "kw": 1e3, "mw": 1e6}, True, "a power (W, kW, MW)"),
    "kwh": ({"wh": 1e-3, "kwh": 1.0, "mwh": 1e3, "gwh": 1e6}, True, "an energy (Wh, kWh, MWh, GWh)"),
}

# The largest magnitude each dimension accepts, in its canonical unit: beyond any real input, and small enough
# that every product and sum the model forms (and the squares of its spread) stay finite floats.
LIMITS: dict[str, float] = {
    "number": 1e15, "signed": 1e15, "count": 1e18, "fraction": 1.0, "multiplier": 1e6, "flop": 1e35,
    "usd": 1e15, "usd_per_hour": 1e6, "usd_per_kwh": 1e3, "hours": 1e13, "days": 1e6, "years": 1e3,
    "watts": 1e10, "kwh": 1e13,
}
TINY = 1e-12  # the smallest magnitude other than zero: a divisor below it would overflow what it divides
MAX_SPREAD = 1e6  # a 90% interval spans at most six orders of magnitude (hi / lo)
MAX_TEXT = 200  # characters in one written quantity ("20K to 50K GPU-hours")

_SUFFIX = {"k": 1e3, "K": 1e3, "M": 1e6, "B": 1e9, "bn": 1e9, "T": 1e12, "%": 1e-2}
_NUMBER = re.compile(
    r"^\s*(?P<neg>-)?\s*(?P<cur>\$)?\s*(?P<sign>[+-])?(?P<num>(?>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+))"
    r"(?P<exp>[eE][+-]?\d+)?(?P<suf>bn|[kKMBT%])?(?![A-Za-z0-9])\s*(?P<unit>.*?)\s*$"
)
_TO = re.compile(r"\s+to\s+")
# a unit written against its number ("800W", "54days", "10kW"): read only when the whole tail is a unit of the
# quantity's dimension, so "14.8Tokens" stays an error rather than 14.8 trillion
_GLUED = re.compile(r"^\s*(?P<cur>\$)?(?P<num>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?P<exp>[eE][+-]?\d+)?"
                    r"(?P<unit>[A-Za-z][A-Za-z/-]*)\s*$")


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


def convert(src: str, dst: str) -> float | None:
    """The factor from the canonical unit of dimension ``src`` to that of ``dst`` (None if they differ in kind)."""
    if src == dst:
        return 1.0
    plain = {"number", "signed", "count", "fraction", "multiplier"}
    if src in plain and dst in plain:
        return 1.0
    su, du = DIMENSIONS[src][0], DIMENSIONS[dst][0]
    for unit, factor in su.items():
        if factor == 1.0 and unit in du:
            return du[unit]
    return None


def point(value: float, text: str = "", **meta: Any) -> Dist:
    return Dist("point", (float(value),), text or _fmt(value), **meta)


def _fmt(v: float) -> str:
    return f"{v:g}"


def _unit_factor(unit: str, dim: str, cur: bool) -> float:
    units, _, label = DIMENSIONS[dim]
    u = unit.strip().lower().replace(" ", "")
    if cur and dim not in ("usd", "usd_per_hour", "usd_per_kwh"):
        raise QuantityError(f"a dollar amount where {label} was expected")
    if not u:
        return 1.0
    if u.startswith("$"):
        u = "usd" + u[1:]
    if u in units:
        return units[u]
    if dim in ("usd_per_hour", "usd_per_kwh") and ("/" + u) in units:
        return units["/" + u]
    accepted = ", ".join(sorted({k for k in units if not k.startswith("gpu-")}))
    if not units:
        raise QuantityError(f"unexpected unit '{unit.strip()}': expected {label} with no unit")
    raise QuantityError(f"unknown unit '{unit.strip()}' for {label} (expected one of: {accepted})")


def _number(text: str, dim: str) -> tuple[float, bool]:
    """Parse one number with suffix and unit; returns (value in canonical unit, had_explicit_unit)."""
    if len(text) > MAX_TEXT:
        raise QuantityError(f"a quantity of {len(text):,} characters (at most {MAX_TEXT}): expected e.g. 2048, "
                            "14.8T, $2, 54 days, 20K to 50K")
    g = _GLUED.match(text)
    if g and g["unit"].lower() in DIMENSIONS[dim][0]:
        return _number(f"{g['cur'] or ''}{g['num']}{g['exp'] or ''} {g['unit']}", dim)
    m = _NUMBER.match(text)
    if not m:
        if g and g["unit"].lower() != "e":  # "1e" is a number cut short, not a unit
            _unit_factor(g["unit"], dim, bool(g["cur"]))  # says why the unit is not one of this quantity's
        raise QuantityError(f"cannot read '{text}' as a number (e.g. 2048, 14.8T, $2, 54 days, 20K to 50K)")
    v = float(m["num"].replace(",", "") + (m["exp"] or ""))
    if m["neg"] or m["sign"] == "-":
        v = -v
    suf = m["suf"]
    if suf:
        if suf == "%" and dim not in ("fraction", "signed", "number"):
            raise QuantityError(f"'%' is for shares; expected {DIMENSIONS[dim][2]}")
        v *= _SUFFIX[suf]
    unit = m["unit"]
    return v * _unit_factor(unit, dim, bool(m["cur"])), bool(unit.strip())


def _scalar(x: Any, dim: str) -> float:
    if isinstance(x, bool):
        raise QuantityError(f"expected {DIMENSIONS[dim][2]}, got {x!r}")
    if isinstance(x, int) and abs(x) > LIMITS[dim]:
        raise QuantityError(f"{_big(x)} is beyond the range of {DIMENSIONS[dim][2]} (at most {_fmt(LIMITS[dim])})")
    if isinstance(x, (int, float)):
        return float(x)
    if isinstance(x, str):
        return _number(x, dim)[0]
    raise QuantityError(f"expected {DIMENSIONS[dim][2]}, got {type(x).__name__}")


def _big(x: int) -> str:
    digits = len(str(abs(x))) if x.bit_length() < 14_000 else int(x.bit_length() * 0.30103) + 1
    return f"a number of {digits} digits" if digits > 20 else _fmt(float(x))


def _check_point(v: float, dim: str) -> None:
    _, positive, label = DIMENSIONS[dim]
    if not math.isfinite(v):
        raise QuantityError(f"expected a finite number, got {v}")
    if positive and v < 0:
        raise QuantityError(f"must not be negative (expected {label}), got {_fmt(v)}")
    if dim == "fraction" and v > 1:
        raise QuantityError(f"a share cannot exceed 100%, got {v * 100:g}%")
    check_size(v, dim)


def check_size(v: float, dim: str) -> None:
    """A finite value within the stated range of its dimension: at most ``LIMITS[dim]``, zero or above ``TINY``."""
    if not math.isfinite(v):
        raise QuantityError(f"expected a finite number, got {v}")
    if dim == "fraction" and v > 1:
        raise QuantityError(f"a share cannot exceed 100%, got {v * 100:g}%")
    if abs(v) > LIMITS[dim]:
        raise QuantityError(f"{_fmt(v)} is beyond the range of {DIMENSIONS[dim][2]} (at most {_fmt(LIMITS[dim])})")
    if 0 < abs(v) < TINY:
        raise QuantityError(f"{_fmt(v)} is too close to zero (at least {_fmt(TINY)}, or 0)")


def _interval(lo: float, hi: float, dim: str, text: str) -> Dist:
    _, positive, label = DIMENSIONS[dim]
    check_size(lo, dim)
    check_size(hi, dim)
    if lo > hi:
        raise QuantityError(f"'{text}': the lower bound {_fmt(lo)} is above the upper bound {_fmt(hi)}")
    if lo == hi:
        _check_point(lo, dim)
        return Dist("point", (lo,), text)
    if lo > 0:
        if dim == "fraction":
            _check_point(hi, dim)
            if hi < 1:
                _check_spread(lo, hi, text)
                a, b = math.log(lo / (1 - lo)), math.log(hi / (1 - hi))
                return Dist("logitnormal", ((a + b) / 2, (b - a) / (2 * Z90)), text)
        _check_spread(lo, hi, text)
        a, b = math.log(lo), math.log(hi)
        return Dist("lognormal", ((a + b) / 2, (b - a) / (2 * Z90)), text)
    if positive:
        raise QuantityError(
            f"'{text}' reaches zero or below, but this input ({label}) must be positive: give positive "
            "bounds (a 90% interval is lognormal), or write {uniform: [lo, hi]} if zero is truly possible")
    return Dist("normal", ((lo + hi) / 2, (hi - lo) / (2 * Z90)), text)


def _check_spread(lo: float, hi: float, text: str) -> None:
    if hi / lo > MAX_SPREAD:
        raise QuantityError(f"'{text}' spans {math.log10(hi / lo):.0f} orders of magnitude: a 90% interval may "
                            f"span at most {math.log10(MAX_SPREAD):.0f}")


def _explicit(spec: Mapping[str, Any], dim: str) -> Dist:
    if len(spec) != 1:
        raise QuantityError(
            "expected one of {normal: [mean, sd]}, {lognormal: [p5, p95]}, {uniform: [lo, hi]}, "
            "{pert: [min, mode, max]}, {choice: {value: weight}}")
    (kind, args), = spec.items()
    text = f"{kind} {args}"
    _, positive, label = DIMENSIONS[dim]
    if kind == "choice":
        if not isinstance(args, Mapping) or not args:
            raise QuantityError("choice expects a mapping of value: weight")
        vals = [_scalar(k, dim) for k in args]
        ws = [_scalar(w, "number") for w in args.values()]
        for v in vals:
            _check_point(v, dim)
        for w in ws:
            check_size(w, "number")
        if any(w <= 0 for w in ws):
            raise QuantityError("choice weights must be positive")
        tot = sum(ws)
        return Dist("choice", tuple(vals), text, tuple(w / tot for w in ws))
    arity = {"normal": 2, "lognormal": 2, "uniform": 2, "pert": 3}
    if kind not in arity:
        raise QuantityError(f"unknown distribution '{kind}' (expected normal, lognormal, uniform, pert, choice)")
    if not isinstance(args, list) or len(args) != arity[kind]:
        raise QuantityError(f"{kind} expects a list of {arity[kind]} numbers")
    xs = [_scalar(a, dim) for a in args]
    if kind == "normal":
        mean, sd = xs
        check_size(mean, dim)
        check_size(sd, dim)
        if sd < 0:
            raise QuantityError("normal: the standard deviation must not be negative")
        if dim == "fraction" and mean + Z90 * sd > 1:
            raise QuantityError(f"normal [{_fmt(mean)}, {_fmt(sd)}] puts more than 5% of its mass above 100%, but "
                                "this input is a share: use a 90% interval 'a to b' instead")
        if positive and mean - Z90 * sd < 0:
            raise QuantityError(
                f"normal [{_fmt(mean)}, {_fmt(sd)}] puts more than 5% of its mass below zero, but this input "
                f"({label}) must be positive: use a 90% interval 'a to b' (lognormal) instead")
        bounds = {"floor": 0.0} if positive else {}
        return Dist("normal", (mean, sd), text, extra=bounds | ({"ceiling": 1.0} if dim == "fraction" else {}))
    if kind == "lognormal":
        lo, hi = xs
        if lo <= 0 or hi <= 0:
            raise QuantityError("lognormal needs positive 5th and 95th percentiles")
        check_size(lo, dim)
        check_size(hi, dim)
        if lo > hi:
            raise QuantityError(f"lognormal: the 5th percentile {_fmt(lo)} is above the 95th {_fmt(hi)}")
        _check_spread(lo, hi, text)
        a, b = math.log(lo), math.log(hi)
        return Dist("lognormal", ((a + b) / 2, (b - a) / (2 * Z90)), text)
    for x in xs:
        _check_point(x, dim)
    if kind == "uniform":
        if xs[0] > xs[1]:
            raise QuantityError(f"uniform: the lower bound {_fmt(xs[0])} is above the upper {_fmt(xs[1])}")
        return Dist("uniform", (xs[0], xs[1]), text)
    lo, mode, hi = xs
    if not lo <= mode <= hi or lo == hi:
        raise QuantityError("pert expects min <= mode <= max with min < max")
    return Dist("pert", (lo, mode, hi), text)


SOURCE_KEYS = ("source", "published", "note", "why", "date")


def parse(spec: Any, dim: str = "number") -> Dist:
    """Read one scenario value as a distribution in the canonical unit of ``dim``."""
    if isinstance(spec, Dist):
        return spec
    if isinstance(spec, Mapping) and "value" in spec:
        unknown = set(spec) - {"value", *SOURCE_KEYS}
        if unknown:
            raise QuantityError(f"unknown key '{sorted(unknown)[0]}' beside value (expected {', '.join(SOURCE_KEYS)})")
        inner = parse(spec["value"], dim)
        note = spec.get("note") or spec.get("why")
        return inner.with_meta(source=_str_or_none(spec.get("source")), published=_str_or_none(spec.get("published")),
                               note=_str_or_none(note))
    if isinstance(spec, Mapping) and "ref" in spec:
        if set(spec) != {"ref"} or not isinstance(spec["ref"], str):
            raise QuantityError("a reference is written {ref: NAME}, NAME an entry of the scenario's inputs")
        return Dist("point", (math.nan,), f"ref {spec['ref']}", ref=spec["ref"])
    if isinstance(spec, Mapping):
        return _explicit(spec, dim)
    if isinstance(spec, str) and len(spec) > MAX_TEXT:
        raise QuantityError(f"a quantity of {len(spec):,} characters (at most {MAX_TEXT}): expected e.g. 2048, "
                            "14.8T, $2, 54 days, 20K to 50K")
    if isinstance(spec, str) and _TO.search(spec):
        parts = _TO.split(spec.strip())
        if len(parts) != 2:
            raise QuantityError(f"cannot read '{spec}': an interval is 'a to b'")
        (lo, lo_u), (hi, hi_u) = _number(parts[0], dim), _number(parts[1], dim)
        if hi_u and not lo_u:  # "1 to 2 months": the unit of the upper bound applies to both
            lo = _number(parts[0] + " " + _NUMBER.match(parts[1])["unit"], dim)[0]  # type: ignore[index]
        m_lo, m_hi = _NUMBER.match(parts[0]), _NUMBER.match(parts[1])
        if m_lo and m_hi and m_hi["suf"] == "%" and not m_lo["suf"]:
            lo = lo / 100
        return _interval(lo, hi, dim, spec.strip())
    v = _scalar(spec, dim)
    _check_point(v, dim)
    return Dist("point", (v,), spec if isinstance(spec, str) else _fmt(v))


def _str_or_none(x: Any) -> str | None:
    return None if x is None else str(x)


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
