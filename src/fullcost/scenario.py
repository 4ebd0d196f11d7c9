"""Scenario files: what a model (and the lab behind it) is, as validated pydantic models.

A scenario is YAML. Every number in it is a quantity (see ``fullcost.quantity``) and may carry its source:
``{value: 2664K, source: deepseek-v3-report, published: "2664K GPU hours"}``. ``fullcost schema`` prints the
JSON Schema so editors can check a file as it is typed. Sections added by later versions are optional, so
older files keep loading.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, WithJsonSchema, model_validator

from fullcost import yamlio
from fullcost.errors import InputError
from fullcost.fields import DIST_SCHEMAS, SOURCED_SCHEMA, Date, DollarsYear, Flop, HardwareRef, Hours, Number, Watts
from fullcost.fields import USD as USD  # the types lab files use too, re-exported
from fullcost.fields import Count as Count
from fullcost.fields import Fraction as Fraction
from fullcost.fields import Multiplier as Multiplier
from fullcost.fields import USDPerHour as USDPerHour
from fullcost.fields import USDPerKWh as USDPerKWh
from fullcost.fields import Years as Years
from fullcost.plausible import Implausible, plausible
from fullcost.quantity import DIMENSIONS, Dist

QUANTITY_REF = "#/$defs/Quantity"  # one definition of a quantity's forms, shared by every field (json_schema)


class Base(BaseModel):
    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True, frozen=True)


class Source(Base):
    title: str | None = None
    url: str | None = None
    document: str | None = None
    date: str | None = None
    license: str | None = None


class Fact(Base):
    """A fact about the model that no cost input uses (country, author count, accessibility...), with its source."""

    value: str | int | float | bool
    source: str = Field(description="a source id (scenario or catalog sources) or a URL")
    published: str | None = Field(None, description="the fact exactly as the source gives it")
    note: str | None = None
    why: str | None = None


class ModelSpec(Base):
    """The trained network: its size and data."""

    params_total: Count | None = Field(None, description="total parameters")
    params_active: Count | None = Field(None, description="parameters active per token (MoE); defaults to total")
    tokens: Count | None = Field(
        None, description="pre-training tokens; not needed for RL or fine-tuning runs, or when reported_flops or "
                          "the GPU-hours are given")
    precision: Literal["fp8", "bf16", "fp16", "tf32", "fp32", "int8"] = Field(
        "bf16", description="training precision: picks the hardware's peak (fp16 falls back to the 16-bit tensor peak)")
    reported_flops: Flop | None = Field(
        None, description="training compute as reported; used when parameters or tokens are unknown (6·N·D "
                          "otherwise, with a warning when the two differ by more than 2x)")
    architecture: str | None = None

    @model_validator(mode="after")
    def _params(self) -> ModelSpec:
        if self.params_total is None and self.params_active is None and self.reported_flops is None:
            raise ValueError("give params_total or params_active (or reported_flops)")
        return self


class Phase(Base):
    """One phase of the final run (pre-training, context extension, post-training...)."""

    name: str
    gpu_hours: Hours | None = None
    duration: Hours | None = Field(None, description="wall-clock duration, GPU-hours = GPUs x duration")
    gpus: Count | None = Field(None, description="GPUs used in this phase; defaults to the run's")
    pretraining: bool = Field(True, description="the 6·N·D FLOPs count this phase's tokens")

    @model_validator(mode="after")
    def _one_of(self) -> Phase:
        if (self.gpu_hours is None) == (self.duration is None):
            raise ValueError("give exactly one of gpu_hours or duration")
        return self


class FinalRun(Base):
    """The final training run: what the headline number describes."""

    hardware: HardwareRef = Field(description="a hardware id from `fullcost hardware`, or a chip written inline")
    gpus: Count | None = Field(
        None, description="GPUs in the cluster; optional when GPU-hours are known (derived from GPU-hours and "
                          "duration, else from Epoch AI's median training time)")
    phases: list[Phase] | None = None
    gpu_hours: Hours | None = Field(None, description="total GPU-hours when no phases are given")
    duration: Hours | None = Field(None, description="wall-clock duration when no phases are given")
    mfu: Fraction | None = Field(None, description="assumed MFU, used to derive GPU-hours from FLOPs")
    usd_per_gpu_hour: USDPerHour | None = Field(None, description="the rental price the lab quoted (basis 'quoted')")
    market_usd_per_gpu_hour: USDPerHour | None = Field(
        None, description="a market rental rate (basis 'market') where the lab quoted none; default: the catalog's")
    peak_tflops: Number | None = Field(None, description="the chip's peak at the model's precision, overriding "
                                                         "the catalog's")
    tdp_w: Watts | None = Field(None, description="the chip's TDP, overriding the catalog's")
    start: Date | None = Field(None, description="when training started")

    @model_validator(mode="after")
    def _hours(self) -> FinalRun:
        if self.phases is not None and (self.gpu_hours is not None or self.duration is not None):
            raise ValueError("give phases, or gpu_hours / duration, not both")
        if self.phases is not None and not self.phases:
            raise ValueError("phases is empty")
        if self.phases is not None and self.gpus is None:
            raise ValueError("phases need the run's gpus")
        if self.gpu_hours is not None and self.duration is not None and self.gpus is not None:
            raise ValueError("give two of gpus, gpu_hours and duration, not all three")
        if self.phases is None and self.gpu_hours is None and self.mfu is None \
                and (self.duration is None or self.gpus is None):
            raise ValueError("give gpu_hours, duration with gpus, or phases, or an mfu to derive GPU-hours from FLOPs")
        return self


class Ownership(Base):
    """How the final run is priced as owned hardware (amortized) and bought outright (acquisition)."""

    purchase_usd_per_gpu: USD | None = Field(None, description="price paid per GPU; default: the catalog")
    purchase_basis: Literal["single", "dgx", "hgx"] | None = Field(
        None, description="single-unit chip price (server overhead added) or a DGX/HGX server price per GPU")
    purchase_date: Date | None = None
    acquired: Date | None = Field(None, description="default: max(price date, release + 90 days), as Epoch AI")
    price_performance_oom_per_year: Number | None = None
    useful_life_years: Years | None = None
    interconnect_share: Fraction | None = None
    server_overhead: Multiplier | None = None
    server_power_ratio: Multiplier | None = None
    power_fraction: Fraction | None = None
    pue: Multiplier | None = None
    electricity_usd_per_kwh: USDPerKWh | None = None


PHASES = ("final_run", "experiments", "validation", "related_model", "failed", "inference", "overall")
RunPhase = Literal["experiments", "validation", "related_model", "failed"]


class Runs(Base):
    """A group of runs in the research program: count x GPU-hours each, a total, or a multiple of the final run."""

    name: str
    phase: RunPhase
    runs: Count | None = Field(None, description="how many runs")
    gpu_hours_each: Hours | None = None
    gpu_hours: Hours | None = Field(None, description="total GPU-hours of the group")
    share_of_final: Multiplier | None = Field(None, description="GPU-hours as a multiple of the final run's")
    hardware: HardwareRef | None = Field(None, description="default: the final run's hardware")

    @model_validator(mode="after")
    def _one_way(self) -> Runs:
        ways = [self.runs is not None or self.gpu_hours_each is not None, self.gpu_hours is not None,
                self.share_of_final is not None]
        if sum(ways) != 1:
            raise ValueError("give runs with gpu_hours_each, or gpu_hours, or share_of_final (one of them)")
        if (self.runs is None) != (self.gpu_hours_each is None):
            raise ValueError("runs and gpu_hours_each go together")
        return self


class Program(Base):
    """The research program behind the model, priced at the lab's own cost per GPU-hour."""

    multiplier: Multiplier | None = Field(
        None, description="total program compute ÷ final run compute (Epoch AI: 1.2 to 4); the excess is "
                          "counted as experiments")
    runs: list[Runs] = Field(default_factory=list)
    rate: Literal["fleet", "epoch", "straight_line", "rental"] | None = Field(
        None, description="how GPU-hours are priced: the lab's fleet (default when a fleet is given), Epoch AI's "
                          "amortization (default otherwise), straight-line ownership, or the rental price")

    @model_validator(mode="after")
    def _no_double(self) -> Program:
        if self.multiplier is not None and any(r.phase == "experiments" for r in self.runs):
            raise ValueError("the multiplier already counts experiments: drop it or the experiment runs")
        return self


Pay = Literal["researcher", "engineer", "annotator", "business"]
MAX_PEOPLE = 10_000  # per-person draws cost people x samples: a bound that no author list comes near


class Role(Base):
    """People in one role: headcount x (salary x overhead + equity) x share of time x duration."""

    role: str
    headcount: Count
    pay: Pay | None = Field(None, description="regional pay from the catalog; default researcher")
    salary_usd: USD | None = Field(None, description="annual salary per person; default: regional pay")
    overhead: Multiplier | None = Field(None, description="benefits and employer costs; default: regional")
    equity_usd: USD | None = Field(None, description="annual equity per person; default: regional, else 0")
    share: Fraction | None = Field(None, description="share of their time on this model (default 100%)")
    duration: Years | None = Field(None, description="default: the staff section's duration")
    line: Literal["rnd", "sga"] = Field("rnd", description="accounting line: R&D or SG&A")
    per_person: bool = Field(
        False, description="draw each person's pay and share of time separately (Epoch AI's development-cost "
                           "method) instead of one draw for the whole role; needs a whole-number headcount")

    @model_validator(mode="after")
    def _people(self) -> Role:
        if self.per_person:
            if self.headcount.ref is not None or not self.headcount.is_point:
                raise ValueError("per_person needs a headcount that is one whole number, not a range")
            h = self.headcount.central()
            if h != round(h) or h < 1:
                raise ValueError(f"per_person needs a whole number of people, got {h:g}")
            if h > MAX_PEOPLE:
                raise ValueError(f"per_person draws each person separately: at most {MAX_PEOPLE:,} people "
                                 f"(got {h:,.0f}); draw this role as a whole (per_person: false)")
        return self


class Staff(Base):
    duration: Years | None = Field(None, description="how long the model's development took")
    region: str | None = Field(None, description="default: the scenario's region")
    roles: list[Role] = Field(min_length=1)


class FleetGroup(Base):
    hardware: HardwareRef
    count: Count | None = None
    a100_equivalents: Count | None = Field(None, description="fleet size in A100s, converted by dense BF16 peak")
    price_usd: USD | None = Field(None, description="price per GPU; default: the catalog's reference price")
    price_basis: Literal["single", "dgx", "hgx"] | None = None
    premium: Number | None = Field(None, description="extra paid over that price, e.g. on secondary markets (30%)")
    acquired: Date | None = None

    @model_validator(mode="after")
    def _size(self) -> FleetGroup:
        if (self.count is None) == (self.a100_equivalents is None):
            raise ValueError("give count or a100_equivalents (one of them)")
        return self


class Fleet(Base):
    """The GPUs a lab owns: capex, depreciation, idle capacity, energy and facility."""

    gpus: list[FleetGroup] = Field(min_length=1)
    utilization: Fraction = Field(description="share of fleet GPU-hours doing work; the rest is idle")
    useful_life_years: Years | None = None
    interconnect_share: Fraction | None = None
    pue: Multiplier | None = None
    electricity_usd_per_kwh: USDPerKWh | None = None
    facility_usd_per_kw_month: USD | None = Field(
        None, description="datacenter space and cooling per kW of IT load per month (colocation price)")


class DataCost(Base):
    name: str
    usd: USD
    phase: Literal["overall", "experiments", "final_run"] = "overall"


class Overhead(Base):
    share: Fraction | None = Field(None, description="SG&A as a share of the development cost before overhead")
    usd: USD | None = None

    @model_validator(mode="after")
    def _one(self) -> Overhead:
        if (self.share is None) == (self.usd is None):
            raise ValueError("give share or usd (one of them)")
        return self


class LabCost(Base):
    name: str
    usd_per_year: USD
    category: Literal["compute", "staff", "hardware", "energy", "facility", "data", "overhead"] = "overhead"


class Lab(Base):
    """The whole lab for one year: every person full time, the whole fleet, other spending."""

    name: str | None = None
    staff: list[Role] = Field(default_factory=list)
    cloud_usd_per_year: USD | None = None
    other: list[LabCost] = Field(default_factory=list)
    overhead: Overhead | None = None
    compare_to: USD | None = Field(
        None, description="a published estimate of the lab's annual cost, to say whether fullcost agrees")


class ExportControls(Base):
    """Working under chip export controls, itemized so that the counterfactual can take it out.

    With ``applies: true`` (the lab as it is) the share of staff effort spent on workarounds is shown as its
    own item (split out of the staff roles, not added to them) and the fleet's premium is paid. A variant
    with ``applies: false`` is the same lab without controls: GPU-hours shrink by ``compute_lost``, the
    workaround effort and the fleet premium go (swap the hardware in the variant too, e.g. H800 to H100).
    """

    applies: bool = True
    compute_lost: Fraction | None = Field(
        None, description="share of the GPU-hours spent because of the restricted parts (cut interconnect)")
    staff_share: Fraction | None = Field(
        None, description="share of the development staff's effort spent making the restricted hardware usable")


class Scenario(Base):
    """A model and how it was made."""

    fullcost: Literal[1] = Field(1, description="scenario format version")
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9.\-_@]*$")
    title: str | None = None
    aliases: list[str] = Field(default_factory=list, description="other names the model answers to (Epoch AI's)")
    developer: str | None = None
    released: Date | None = None
    region: str = Field("us", description="a region id from the catalog (pay, electricity, PUE)")
    description: str | None = None
    openness: Literal["closed", "weights", "weights+code", "weights+code+data"] | None = None
    dollars: DollarsYear | None = Field(
        None, description="state amounts in constant dollars of this year (default: nominal dollars of the release "
                          "month); --dollars overrides it")
    inputs: dict[str, Annotated[Any, WithJsonSchema({"anyOf": [*DIST_SCHEMAS, SOURCED_SCHEMA],
                                                     "x-quantity": "number"})]] = Field(
        default_factory=dict, description="named inputs, sampled once and shared by every {ref: NAME}")
    model: ModelSpec
    final_run: FinalRun
    ownership: Ownership = Ownership()
    program: Program | None = None
    staff: Staff | None = None
    fleet: Fleet | None = None
    data: list[DataCost] = Field(default_factory=list)
    overhead: Overhead | None = None
    lab: Lab | None = None
    export_controls: ExportControls | None = None
    extends: str | None = Field(
        None, description="inherit a catalog model or another scenario file (NAME or NAME@VARIANT) and change only "
                          "what this file writes; see docs/scenario.md")
    set: dict[str, Any] = Field(
        default_factory=dict, description="overrides by path, as `--set PATH=VALUE`: scenario paths "
                                          "(staff.roles[0].share) or catalog inputs (hardware.h800.tdp_w)")
    variants: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="named variants: overrides merged into this file, run as NAME@VARIANT")
    variant: str | None = Field(None, description="set when a variant was applied")
    sources: dict[str, Source] = Field(default_factory=dict)
    facts: dict[str, Fact] = Field(default_factory=dict, description="sourced facts no cost input uses")
    notes: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _plausible(self) -> Scenario:
        plausible(self)  # dates, counts, divisors and labels no real model has (fullcost.plausible)
        return self


@cache
def all_keys(root: type[BaseModel]) -> tuple[str, ...]:
    """Every field name under a model, for "did you mean" suggestions."""
    keys: set[str] = set()
    seen: set[str] = set()

    def visit(cls: type[BaseModel]) -> None:
        for name, f in cls.model_fields.items():
            keys.add(name)
            for sub in _models_in(f.annotation):
                if sub.__name__ not in seen:
                    seen.add(sub.__name__)
                    visit(sub)

    visit(root)
    return tuple(sorted(keys))


def _models_in(ann: Any) -> list[type[BaseModel]]:
    out: list[type[BaseModel]] = []
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        out.append(ann)
    for a in getattr(ann, "__args__", ()) or ():
        out.extend(_models_in(a))
    return out


def _message(err: Any, root: type[BaseModel]) -> str:
    kind, msg = err["type"], str(err["msg"])
    loc = err["loc"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        near = difflib.get_close_matches(key, all_keys(root), n=1)
        return f"unknown key '{key}'" + (f" (did you mean '{near[0]}'?)" if near else "")
    if kind == "missing":
        return "required but missing"
    if kind == "literal_error":
        return f"got {err.get('input')!r}; {msg[0].lower() + msg[1:]}"
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix):]
    return msg


def _clean_loc(loc: tuple[Any, ...]) -> tuple[str | int, ...]:
    def keep(p: Any) -> bool:
        return isinstance(p, int) or not ("[" in str(p) or str(p).startswith("function-"))

    return tuple(p for p in loc if keep(p))


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


def input_error(e: ValidationError, file: str, positions: yamlio.Positions, root: type[BaseModel],
                fix_path: Callable[[tuple[str | int, ...]], tuple[str | int, ...]] | None = None) -> InputError:
    """The one line a user needs from a pydantic error: file, line, field and what was expected."""
    # a misspelt key shows up as both "unknown" and "missing": report the unknown one, it names the typo
    errs = sorted(e.errors(), key=lambda x: {"extra_forbidden": 0, "missing": 2}.get(x["type"], 1))
    err = errs[0]
    path = _clean_loc(err["loc"])
    located = (err.get("ctx") or {}).get("error")
    if isinstance(located, Implausible):  # raised for the whole model, about one of its fields
        path = (*path, *located.path)
    if fix_path is not None:
        path = fix_path(path)
    return InputError(_message(err, root), file, yamlio.line_of(positions, path), path)


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
