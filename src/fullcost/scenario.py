"""Scenario files: what a model (and the lab behind it) is, as validated pydantic models.

A scenario is YAML. Every number in it is a quantity (see ``fullcost.quantity``) and may carry its source:
``{value: 2664K, source: deepseek-v3-report, published: "2664K GPU hours"}``. ``fullcost schema`` prints the
JSON Schema so editors can check a file as it is typed. Sections added by later versions are optional, so
older files keep loading.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from fullcost import yamlio
from fullcost.errors import InputError
from fullcost.fields import DIST_SCHEMAS, SOURCED_SCHEMA
from fullcost.fields import USD as USD  # the types lab files use too, re-exported
from fullcost.fields import Count as Count
from fullcost.fields import Fraction as Fraction
from fullcost.fields import Multiplier as Multiplier
from fullcost.fields import USDPerHour as USDPerHour
from fullcost.fields import USDPerKWh as USDPerKWh
from fullcost.fields import Years as Years
from fullcost.quantity import DIMENSIONS, Dist
from fullcost.scenario_models import MAX_PEOPLE as MAX_PEOPLE
from fullcost.scenario_models import PHASES as PHASES
from fullcost.scenario_models import Base as Base
from fullcost.scenario_models import DataCost as DataCost
from fullcost.scenario_models import ExportControls as ExportControls
from fullcost.scenario_models import Fact as Fact
from fullcost.scenario_models import FinalRun as FinalRun
from fullcost.scenario_models import Fleet as Fleet
from fullcost.scenario_models import FleetGroup as FleetGroup
from fullcost.scenario_models import Lab as Lab
from fullcost.scenario_models import LabCost as LabCost
from fullcost.scenario_models import ModelSpec as ModelSpec
from fullcost.scenario_models import Overhead as Overhead
from fullcost.scenario_models import Ownership as Ownership
from fullcost.scenario_models import Pay as Pay
from fullcost.scenario_models import Phase as Phase
from fullcost.scenario_models import Program as Program
from fullcost.scenario_models import Role as Role
from fullcost.scenario_models import RunPhase as RunPhase
from fullcost.scenario_models import Runs as Runs
from fullcost.scenario_models import Scenario as Scenario
from fullcost.scenario_models import Source as Source
from fullcost.scenario_models import Staff as Staff
from fullcost.validation import all_keys as all_keys
from fullcost.validation import input_error as input_error

QUANTITY_REF = "#/$defs/Quantity"  # one definition of a quantity's forms, shared by every field (json_schema)


class Doc:
    """A loaded scenario with where it came from, so later checks can point at a line.

    ``where`` gives the file and line of every value (an inherited value points into the file it came from, an
    override names ``--set``); ``overrides`` are the ``--set`` ones it ran with, ``catalog`` the catalog inputs
    they replace, and ``unvaried`` the data before its variant and overrides (to run another variant of it).
    """

    def __init__(self, scenario: Scenario, file: str, positions: yamlio.Positions,
                 where: dict[tuple[str | int, ...], tuple[str, int | None]] | None = None) -> None:
        self.scenario = scenario
        self.file = file
        self.positions = positions
        self.where = where
        self.unvaried: tuple[dict[str, Any], dict[tuple[str | int, ...], tuple[str, int | None]]] | None = None
        self.overrides: tuple[Any, ...] = ()  # fullcost.overrides.Override
        self.set_here: tuple[Any, ...] = ()  # the scenario file's own ``set:`` entries
        self.catalog: dict[str, Dist] = {}
        self.hits: set[str] = set()  # the catalog overrides its runs drew
        self.data: dict[str, Any] | None = None  # the resolved data that was validated (``fullcost show``)

    def locate(self, path: tuple[str | int, ...]) -> tuple[str, int | None]:
        if self.where is None:
            return self.file, yamlio.line_of(self.positions, path)
        from fullcost.resolve import locate

        return locate(self.where, path, self.file)

    def error(self, path: tuple[str | int, ...], message: str) -> InputError:
        return InputError(message, *self.locate(path), path)

def from_data(data: Any, file: str, positions: yamlio.Positions | None = None,
              where: dict[tuple[str | int, ...], tuple[str, int | None]] | None = None) -> Doc:
    """Validate scenario data (no ``extends`` or overrides: see ``fullcost.resolve`` for those)."""
    positions = positions or {}
    if where is not None:
        positions = {p: line for p, (f, line) in where.items() if f == file and line is not None}
    if not isinstance(data, dict):
        raise InputError("a scenario must be a YAML mapping", file, 1)
    try:
        sc = Scenario.model_validate(data)
    except ValidationError as e:
        err = input_error(e, file, positions, Scenario)
        if where is None:
            raise err from None
        from fullcost.resolve import locate

        raise InputError(err.message, *locate(where, err.path, file), err.path) from None
    return Doc(sc, file, positions, where)


def _merge(base: Any, over: Any) -> Any:
    """Deep merge: mappings merge key by key; anything else (lists included) is replaced."""
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for k, v in over.items():
            out[k] = _merge(base.get(k), v) if k in base else v
        return out
    return over


def apply_variant(data: Any, pos: yamlio.Positions, variant: str, file: str) -> tuple[Any, yamlio.Positions]:
    """The scenario with the named variant's overrides merged in, and lines pointing into the variant."""
    variants = data.get("variants") if isinstance(data, dict) else None
    if not isinstance(variants, dict) or variant not in variants:
        known = ", ".join(variants) if isinstance(variants, dict) and variants else "none"
        raise InputError(f"no variant '{variant}' (variants: {known})", file, yamlio.line_of(pos, ("variants",)))
    over = variants[variant]
    if not isinstance(over, dict):
        raise InputError("a variant is a mapping of overrides", file, yamlio.line_of(pos, ("variants", variant)))
    merged = _merge({k: v for k, v in data.items() if k != "variants"}, over)
    merged["name"] = f"{data.get('name', Path(file).stem)}@{variant}"
    merged["variant"] = variant
    new_pos = dict(pos)
    prefix = ("variants", variant)
    for p, line in pos.items():
        if p[:2] == prefix and len(p) > 2:
            new_pos[p[2:]] = line
    return merged, new_pos


def load(path: str | Path, variant: str | None = None) -> Doc:
    """A scenario file (``extends`` resolved, every variant checked), with ``variant`` applied."""
    from fullcost.resolve import load_file

    return load_file(Path(path), variant)


def loads(text: str, file: str = "<string>") -> Doc:
    from fullcost.resolve import from_data as resolved

    data, pos = yamlio.loads(text, file)
    return resolved(data, file, pos=pos)


def variant_of(doc: Doc, variant: str | None) -> Doc:
    """The same scenario, with the same overrides, under another variant (or none)."""
    from fullcost.resolve import variant_of as other

    return other(doc, variant)


def _refs(node: Any) -> None:
    """Every quantity field (marked ``x-quantity`` by ``_schema``) refers to the one shared definition."""
    if isinstance(node, dict):
        if "x-quantity" in node:
            dim = node.pop("x-quantity")
            node.pop("anyOf", None)
            node["$ref"] = QUANTITY_REF
            node.setdefault("description", DIMENSIONS[dim][2])
        elif node.get("anyOf") == [*DIST_SCHEMAS, SOURCED_SCHEMA]:  # the same forms written out (an inline chip's)
            del node["anyOf"]
            node["$ref"] = QUANTITY_REF
        for v in node.values():
            _refs(v)
    elif isinstance(node, list):
        for v in node:
            _refs(v)


def json_schema() -> dict[str, Any]:
    schema = Scenario.model_json_schema()
    props: dict[str, Any] = dict(SOURCED_SCHEMA["properties"])  # type: ignore[call-overload]
    sourced = dict(SOURCED_SCHEMA, properties={**props, "value": {"$ref": "#/$defs/Distribution"}})
    schema.setdefault("$defs", {}).update({
        "Distribution": {"anyOf": DIST_SCHEMAS, "description": "a number, 'a to b' (a 90% interval) or an "
                                                                 "explicit distribution"},
        "Quantity": {"anyOf": [{"$ref": "#/$defs/Distribution"}, sourced],
                     "description": "a value, or {value: ..., source: ..., published: ...} with its provenance"},
    })
    _refs(schema)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "fullcost scenario"
    return schema
