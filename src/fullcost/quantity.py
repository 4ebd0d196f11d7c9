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
from collections.abc import Mapping
from typing import Any

from fullcost.dimensions import DIMENSIONS as DIMENSIONS
from fullcost.dimensions import LIMITS as LIMITS
from fullcost.dimensions import convert as convert
from fullcost.dist import Z90 as Z90
from fullcost.dist import Arr as Arr
from fullcost.dist import Dist as Dist
from fullcost.dist import QuantityError as QuantityError
from fullcost.dist import _fmt
from fullcost.dist import point as point
from fullcost.sampling import DRAWS as DRAWS
from fullcost.sampling import Draws as Draws
from fullcost.sampling import Sampler as Sampler
from fullcost.sampling import stream as stream

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
