"""Plausibility: what a field of a scenario or lab file can hold but no real model or lab has.

Checked once the fields themselves are valid (``fullcost.fields``); each refusal names the field and says
why: dates outside 1950 to 2100, more GPUs or people than exist, a divisor that can reach zero, a label too long
to print, a final run that starts after its model's release. Quantities are also bounded by their dimension
(``fullcost.quantity.LIMITS``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel

from fullcost.quantity import Dist

FIRST_DATE, LAST_DATE = dt.date(1950, 1, 1), dt.date(2100, 12, 31)
MAX_GPUS = 1e8  # GPUs in one run or fleet: more than have ever been made (a few million data-center GPUs a year)
MAX_HEADCOUNT = 1e7  # people in one role: more than the largest employers have in all
MAX_TOKENS = MAX_PARAMS = 1e16  # hundreds of times the largest models and datasets
MAX_LABEL = 200  # characters in a name or label (they are printed in tables)
START_AFTER_RELEASE_DAYS = 366  # a run starts before its model's release: refused beyond a year after it,
START_WARN_DAYS = 92  # and said in a warning beyond three months (dates given as a month or a year blur it)
MAX_RUN_YEARS = 1000  # wall-clock years of a final run: beyond it, dates before the release overflow (final_run.py)
MAX_OOM = 10.0  # a price-performance trend, orders of magnitude a year (measured: ~0.1 to 0.5)
_LABELS = {"name", "title", "developer", "role", "hardware", "region", "architecture"}
# fields that must stay above zero, and why (most of them divide a cost or a ratio)
_POSITIVE = {"useful_life_years": "a cost per year divides by it", "mfu": "GPU-hours are FLOPs divided by it",
             "peak_tflops": "the MFU divides by it", "reported_flops": "a trained model took some compute",
             "tokens": "a trained model saw some tokens", "params_total": "a model has parameters",
             "params_active": "a model has parameters",
             **{k: "the MFU divides by it" for k in ("bf16_tflops", "fp8_tflops", "fp16_tflops", "tf32_tflops",
                                                     "fp32_tflops", "int8_tops")}}
_GPUS = (MAX_GPUS, "GPUs: more than have ever been made")
_COUNTS = {"gpus": _GPUS, "count": _GPUS, "a100_equivalents": _GPUS,
           "headcount": (MAX_HEADCOUNT, "people: more than the largest employers have"),
           "tokens": (MAX_TOKENS, "tokens: hundreds of times the largest datasets"),
           "params_total": (MAX_PARAMS, "parameters: hundreds of times the largest models"),
           "params_active": (MAX_PARAMS, "parameters: hundreds of times the largest models"),
           "price_performance_oom_per_year": (MAX_OOM, "orders of magnitude a year: beyond any measured trend")}


def in_window(d: dt.date) -> dt.date:
    if not FIRST_DATE <= d <= LAST_DATE:
        raise ValueError(f"{d.isoformat()} is not a plausible date: expected one from "
                         f"{FIRST_DATE.year} to {LAST_DATE.year}")
    return d


class Implausible(ValueError):  # noqa: N818 (a reason, raised inside pydantic validators)
    """A value no real model has; ``path`` is the field's, relative to the model that raised it."""

    def __init__(self, path: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.path = path


def _lowest_is_positive(d: Dist) -> bool:
    if d.kind in ("lognormal", "logitnormal"):
        return True
    if d.kind == "normal":
        return False  # its floor is zero
    return min(d.params) > 0


def _highest_below_one(d: Dist) -> bool:
    if d.kind == "logitnormal":
        return True
    if d.kind in ("normal", "lognormal"):
        return False
    return max(d.params) < 1


def _high(d: Dist) -> float:
    """The value a plausibility bound is held against: the largest possible, or the 95th percentile."""
    if d.kind in ("point", "uniform", "pert", "choice"):
        return max(d.params)
    return d.interval()[1]


def _fields(obj: Any, path: tuple[str | int, ...] = ()) -> Any:
    """Every (path, value) under a validated model (lists and mappings by year included)."""
    if isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            yield from _fields(getattr(obj, name), (*path, name))
    elif isinstance(obj, list):
        for i, x in enumerate(obj):
            yield from _fields(x, (*path, i))
    elif isinstance(obj, dict) and all(isinstance(k, int) for k in obj):
        for k, x in obj.items():
            yield from _fields(x, (*path, k))
    else:
        yield path, obj


def plausible_values(model: BaseModel) -> None:
    """Raise ``Implausible`` for the first value under a validated model (a scenario, a lab) that no real model
    or lab has: an overlong label, more GPUs or people than exist, a divisor that can reach zero."""
    for path, v in _fields(model):
        check_value(path, v)


def check_value(path: tuple[str | int, ...], v: Any) -> None:
    """``plausible_values`` for one field (also for a shared input, once a ``{ref: NAME}`` is resolved)."""
    key = next((p for p in reversed(path) if isinstance(p, str)), "")
    if isinstance(v, str) and key in _LABELS and len(v) > MAX_LABEL:
        raise Implausible(path, f"a label of {len(v):,} characters (at most {MAX_LABEL})")
    if key == "hardware" and isinstance(v, dict):  # a chip written inline: its name is printed like any label
        check_value((*path, "name"), v.get("name"))
    if not isinstance(v, Dist) or v.ref is not None:
        return
    if key in _COUNTS and _high(v) > _COUNTS[key][0]:
        limit, what = _COUNTS[key]
        raise Implausible(path, f"{_high(v):.3g} {what} (at most {limit:g})")
    if key in _POSITIVE and not _lowest_is_positive(v):
        raise Implausible(path, f"must stay above zero ({_POSITIVE[key]}), got '{v.text}': give a positive value "
                                "or a 90% interval 'a to b'")
    if key == "interconnect_share" and not _highest_below_one(v):
        raise Implausible(path, f"'{v.text}' reaches 100%: the rest of the cluster would cost nothing beside "
                                "it (give a share below 100%)")


def plausible(sc: Any) -> None:
    """``plausible_values``, and a final run that starts before its model's release (give or take a year)."""
    plausible_values(sc)
    released, start = sc.released, sc.final_run.start
    if released is not None and start is not None and (start - released).days > START_AFTER_RELEASE_DAYS:
        raise Implausible(("final_run", "start"), f"{start.isoformat()} is {(start - released).days / 365.25:.1f} "
                                                  f"years after the model's release ({released.isoformat()}): a "
                                                  "final run starts before its model is released")


def start_warning(sc: Any) -> str | None:
    """A warning for a final run that starts after its model's release, by less than ``plausible`` refuses:
    dates given as a month or a year, or a model dated by its first paper, can do that."""
    released, start = sc.released, sc.final_run.start
    if released is None or start is None or (start - released).days <= START_WARN_DAYS:
        return None
    return (f"final_run.start ({start.isoformat()}) is {(start - released).days} days after the model's release "
            f"({released.isoformat()}): a final run starts before its model is released; check both dates")
