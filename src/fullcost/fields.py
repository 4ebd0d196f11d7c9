"""The field types of scenario and lab files: uncertain quantities of each dimension, dates, hardware references
and the dollars to state amounts in, each validated by pydantic and described in the JSON Schema."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, WithJsonSchema

from fullcost.plausible import in_window
from fullcost.quantity import DIMENSIONS, Dist, QuantityError, parse

_NUM = {"type": "number"}
_NUM_OR_STR = {"anyOf": [{"type": "number"}, {"type": "string"}]}


def _pair(n: int) -> dict[str, Any]:
    return {"type": "array", "items": _NUM_OR_STR, "minItems": n, "maxItems": n}


def _one(key: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": {key: schema}, "required": [key], "additionalProperties": False}


DIST_SCHEMAS: list[dict[str, Any]] = [
    {"type": "number"},
    {"type": "string", "description": "a number with optional suffix (K M B T %) and unit, or 'a to b' (90% interval)"},
    _one("normal", _pair(2)),
    _one("lognormal", _pair(2)),
    _one("uniform", _pair(2)),
    _one("pert", _pair(3)),
    _one("choice", {"type": "object", "additionalProperties": _NUM_OR_STR}),
    _one("ref", {"type": "string", "description": "the name of an entry in the scenario's inputs"}),
]
SOURCED_SCHEMA = {
    "type": "object",
    "properties": {
        "value": {"anyOf": DIST_SCHEMAS},
        "source": {"type": "string", "description": "a source id (scenario or catalog sources) or a URL"},
        "published": {"type": "string", "description": "the figure exactly as the source publishes it"},
        "date": {"type": "string"},
        "note": {"type": "string"},
        "why": {"type": "string", "description": "the reasoning behind a judgment range"},
    },
    "required": ["value"],
    "additionalProperties": False,
}


def _validate(dim: str) -> Any:
    def check(v: Any) -> Dist:
        if v is None:
            raise ValueError("a value is required")
        try:
            return parse(v, dim)
        except QuantityError as e:
            from fullcost.sanity import range_hint

            raise ValueError(str(e) + range_hint(v)) from None

    return check


def _schema(dim: str) -> WithJsonSchema:
    # "x-quantity" marks the field: the scenario schema replaces it by a reference to one shared definition
    return WithJsonSchema({"anyOf": [*DIST_SCHEMAS, SOURCED_SCHEMA], "description": DIMENSIONS[dim][2],
                           "x-quantity": dim})


# An uncertain input of a given dimension, validated into a ``Dist``.
Count = Annotated[Dist, BeforeValidator(_validate("count")), _schema("count")]
Number = Annotated[Dist, BeforeValidator(_validate("number")), _schema("number")]
Fraction = Annotated[Dist, BeforeValidator(_validate("fraction")), _schema("fraction")]
Multiplier = Annotated[Dist, BeforeValidator(_validate("multiplier")), _schema("multiplier")]
Flop = Annotated[Dist, BeforeValidator(_validate("flop")), _schema("flop")]
USD = Annotated[Dist, BeforeValidator(_validate("usd")), _schema("usd")]
USDPerHour = Annotated[Dist, BeforeValidator(_validate("usd_per_hour")), _schema("usd_per_hour")]
USDPerKWh = Annotated[Dist, BeforeValidator(_validate("usd_per_kwh")), _schema("usd_per_kwh")]
Hours = Annotated[Dist, BeforeValidator(_validate("hours")), _schema("hours")]
Watts = Annotated[Dist, BeforeValidator(_validate("watts")), _schema("watts")]
Days = Annotated[Dist, BeforeValidator(_validate("days")), _schema("days")]
Years = Annotated[Dist, BeforeValidator(_validate("years")), _schema("years")]


def _to_date(v: Any) -> Any:
    if isinstance(v, str) and re.fullmatch(r"\d{4}-\d{2}", v.strip()):
        return dt.date.fromisoformat(v.strip() + "-01")
    if isinstance(v, int) and not isinstance(v, bool):
        if not 1000 <= v <= 9999:  # pydantic would read any other integer as seconds since 1970
            raise ValueError(f"expected a date (YYYY-MM-DD, YYYY-MM or a year), got {v}")
        return dt.date(v, 7, 1)
    return v


Date = Annotated[dt.date, BeforeValidator(_to_date), AfterValidator(in_window)]

_SOURCED_OR_DIST = {"anyOf": [*DIST_SCHEMAS, SOURCED_SCHEMA]}
_INLINE_CHIP = {
    "type": "object",
    "description": "a chip the catalog lacks, with the keys of a hardware.yaml entry: name and tdp_w required, "
                   "at least one peak (bf16_tflops, fp8_tflops, fp16_tflops, tf32_tflops, fp32_tflops, int8_tops)",
    "properties": {
        "id": {"type": "string", "description": "how draws and outputs name it (default: from the name)"},
        "name": {"type": "string"}, "vendor": {"type": "string"},
        "released": {"type": "string"}, "aliases": {"type": "array", "items": {"type": "string"}},
        **{k: _SOURCED_OR_DIST for k in ("bf16_tflops", "fp8_tflops", "fp16_tflops", "tf32_tflops", "fp32_tflops",
                                         "int8_tops", "tdp_w", "memory_gb", "memory_bandwidth_tbps", "scaleup_gbps",
                                         "server_power_ratio", "server_overhead", "power_fraction")},
        "purchase": {"type": "array", "items": {"type": "object", "required": ["usd", "date"]}},
        "rental": {"type": "array", "items": {"type": "object", "required": ["usd_per_hour", "date"]}},
    },
    "required": ["name", "tdp_w"],
}
# A hardware id, alias or Epoch AI hardware string, or a chip written inline (built by the catalog's own code).
def _hardware(v: Any) -> Any:
    if not isinstance(v, (str, dict)):
        raise ValueError("expected a hardware id (see `fullcost hardware`) or a chip written inline (a mapping)")
    return v


HardwareRef = Annotated[str | dict[str, Any], BeforeValidator(_hardware), WithJsonSchema({"anyOf": [
    {"type": "string", "description": "a hardware id from `fullcost hardware`"}, _INLINE_CHIP]})]


def _dollars(v: Any) -> Any:
    if isinstance(v, bool):
        raise ValueError("give a year such as 2024 (or a month, '2024-06')")
    if isinstance(v, int):
        return v
    if isinstance(v, str) and re.fullmatch(r"\d{4}(-\d{2})?", v.strip()):
        return v.strip() if "-" in v else int(v)
    if isinstance(v, dt.date):  # YAML reads 2024-06-01 as a date
        return f"{v.year:04d}-{v.month:02d}"
    raise ValueError("give a year such as 2024 (or a month, '2024-06')")


# The dollars to state amounts in: a year (its December, as Epoch AI) or a month 'YYYY-MM'.
DollarsYear = Annotated[int | str, BeforeValidator(_dollars), WithJsonSchema({"anyOf": [
    {"type": "integer"}, {"type": "string", "pattern": r"^\d{4}(-\d{2})?$"}],
    "description": "constant dollars of this year (its December, as Epoch AI) or month (YYYY-MM)"})]
