"""A readable field reference of scenario files, generated from the pydantic models: ``fullcost fields`` and
``docs/scenario.md`` (a test keeps that file equal to ``markdown()``). The field *types* are ``fullcost.fields``."""

from __future__ import annotations

import datetime as dt
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from fullcost.quantity import DIMENSIONS

EXAMPLES = {
    "count": "2048", "number": "0.14", "fraction": "30% to 60%", "multiplier": "1.2 to 4", "flop": "3.8e25",
    "usd": "$30K", "usd_per_hour": "$2/GPU-hour", "usd_per_kwh": "$0.08/kWh", "hours": "2.788M GPU-hours",
    "days": "54 days", "years": "4 to 6 years",
}
UNITS = {
    "count": "K, M, B, T", "number": "", "fraction": "%", "multiplier": "x", "flop": "FLOP",
    "usd": "$, K, M, B", "usd_per_hour": "$/GPU-hour, /h", "usd_per_kwh": "$/kWh, /MWh",
    "hours": "GPU-hours, h, days, weeks, months", "days": "h, days, weeks, months, years", "years": "months, years",
    "watts": "W, kW, MW", "kwh": "Wh, kWh, MWh, GWh",
}
TEXT_EXAMPLES = {"final_run.hardware": "h100-sxm", "region": "us", "name": "my-model", "role": "research",
                 "extends": "deepseek-v3@essay", "fleet.gpus[].hardware": "h800", "title": "My Model",
                 "developer": "My Lab", "staff.region": "china"}


@dataclass(frozen=True)
class Field:
    path: str
    type: str
    unit: str
    default: str
    description: str
    example: str


def _parts(ann: Any) -> tuple[list[Any], list[Any]]:
    """The types a field accepts (Optional and Annotated unwrapped) and the Annotated metadata met on the way."""
    if typing.get_origin(ann) is typing.Annotated:
        base, *meta = typing.get_args(ann)
        types, more = _parts(base)
        return types, [*meta, *more]
    if typing.get_origin(ann) in (typing.Union, types_union()):
        found: list[Any] = []
        extra: list[Any] = []
        for a in typing.get_args(ann):
            if a is type(None):
                continue
            t, m = _parts(a)
            found += t
            extra += m
        return found, extra
    return [ann], []


def types_union() -> Any:
    import types

    return types.UnionType


def _dim(info: Any) -> str | None:
    _, meta = _parts(info.annotation)
    for m in [*getattr(info, "metadata", []), *meta]:
        schema = getattr(m, "json_schema", None)
        if isinstance(schema, dict) and "x-quantity" in schema:
            return str(schema["x-quantity"])
    return None


def _models(ann: Any) -> list[type[BaseModel]]:
    out: list[type[BaseModel]] = []
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        out.append(ann)
    for a in typing.get_args(ann):
        out.extend(_models(a))
    return out


def _is_list(ann: Any) -> bool:
    if typing.get_origin(ann) is list:
        return True
    return any(_is_list(a) for a in typing.get_args(ann) if a is not type(None))


def _type(ann: Any, dim: str | None) -> tuple[str, str, str]:
    """(type, unit, example) of a field."""
    if dim is not None:
        return f"quantity: {DIMENSIONS[dim][2]}", UNITS.get(dim, ""), EXAMPLES.get(dim, "")
    args, _ = _parts(ann)
    lits = [x for a in args if typing.get_origin(a) is typing.Literal for x in typing.get_args(a)]
    if lits:
        return "one of " + ", ".join(str(x) for x in lits), "", str(lits[0])
    for a in args:
        if a is bool:
            return "true or false", "", "true"
        if a is dt.date:
            return "date", "YYYY, YYYY-MM or YYYY-MM-DD", "2024-12"
        if a is int:
            return "whole number", "", "1"
        if typing.get_origin(a) is dict:
            return "mapping", "", ""
        if typing.get_origin(a) is list:
            return "list of text", "", ""
    return "text", "", ""


def _default(info: Any) -> str:
    if info.default_factory is not None:
        v = info.default_factory()
        return "none" if not v else str(v)
    if info.default is PydanticUndefined:
        return "required"
    if info.default is None:
        return "none"
    if isinstance(info.default, BaseModel):
        return "(section)"
    return str(info.default).lower() if isinstance(info.default, bool) else str(info.default)


def fields(root: type[BaseModel] | None = None, prefix: str = "") -> list[Field]:
    """Every field under ``root`` (the scenario), depth first, with its path as ``--set`` and errors write it."""
    if root is None:
        from fullcost.scenario import Scenario

        root = Scenario
    out: list[Field] = []
    for name, info in root.model_fields.items():
        path = f"{prefix}{name}"
        subs = _models(info.annotation)
        listed = _is_list(info.annotation)
        keyed = any(typing.get_origin(a) is dict for a in _parts(info.annotation)[0])
        if subs:
            kind = "list of sections" if listed else "mapping of sections by id" if keyed else "section"
            out.append(Field(path, kind, "", _default(info), info.description or (subs[0].__doc__ or "").split("\n")[0],
                             ""))
            out += fields(subs[0], f"{path}[]." if listed else f"{path}.ID." if keyed else f"{path}.")
            continue
        dim = _dim(info)
        typ, unit, example = _type(info.annotation, dim)
        if not example:
            example = TEXT_EXAMPLES.get(path, "")
        out.append(Field(path, typ, unit, _default(info), info.description or "", example))
    return out


def markdown() -> str:
    """The field reference as Markdown (docs/scenario.md)."""
    lines = [
        "# Scenario files: every field",
        "",
        "Generated by `fullcost fields --format markdown` from the scenario models (a test checks that this file",
        "matches). `fullcost schema` prints the JSON Schema for editors; `fullcost new --rented FILE` writes a short",
        "template; `fullcost show NAME` prints a catalog scenario to start from.",
        "",
        "A **quantity** is a number with an optional suffix (K M B T %) and unit (`2.788M GPU-hours`, `$2/GPU-hour`,",
        "`54 days`), a 90% interval (`20K to 50K`: lognormal when both bounds are positive), or an explicit",
        "distribution (`{normal: [mean, sd]}`, `{lognormal: [p5, p95]}`, `{uniform: [lo, hi]}`,",
        "`{pert: [min, mode, max]}`, `{choice: {value: weight}}`), optionally with its provenance:",
        "`{value: 2664K, source: URL or id, published: \"the figure as published\", why: \"the reasoning\"}`.",
        "`{ref: NAME}` uses the shared input NAME of the `inputs` section.",
        "",
        "## Changing a scenario",
        "",
        "- `extends: NAME[@VARIANT]` inherits a catalog model (or a file, relative to this one) and changes only",
        "  what the file writes. Mappings merge key by key; a list replaces the list; a mapping where the base has",
        "  a list of named items changes those items by name (`name`, `role` or `hardware`):",
        "",
        "  ```yaml",
        "  extends: deepseek-v3",
        "  staff:",
        "    roles:",
        "      data annotation: {share: 50% to 90%}   # this role only; the others are inherited",
        "  set:",
        "    regions.china.staff.researcher_salary_usd: 300K   # a catalog input, as --set takes it",
        "  ```",
        "",
        "- `set:` and `--set PATH=VALUE` take a field's path (`final_run.usd_per_gpu_hour`, `staff.roles[0].share`,",
        "  `staff.roles[data annotation].share`) or a catalog input by the name the run draws it under",
        "  (`hardware.h800.tdp_w`, `regions.china.staff.researcher_salary_usd`, `defaults.useful_life_years`;",
        "  `fullcost show NAME --inputs` lists those of a model). A value is written as in the file; `null` clears",
        "  an optional field so its default applies.",
        "- `variants:` are named sets of changes, run as `NAME@VARIANT`; each is checked when the file is read.",
        "",
        "## Fields",
        "",
        "| field | type | units | default | example | what it is |",
        "|---|---|---|---|---|---|",
    ]
    for f in fields():
        cells = [f"`{f.path}`", f.type, f.unit, f.default, f"`{f.example}`" if f.example else "", f.description]
        lines.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
    return "\n".join(lines) + "\n"
