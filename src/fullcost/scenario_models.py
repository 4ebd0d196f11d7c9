"""The pydantic models of a scenario file's sections, from ``model`` and ``final_run`` to ``lab``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, model_validator

from fullcost.fields import (
    DIST_SCHEMAS,
    SOURCED_SCHEMA,
    USD,
    Count,
    Date,
    DollarsYear,
    Flop,
    Fraction,
    HardwareRef,
    Hours,
    Multiplier,
    Number,
    USDPerHour,
    USDPerKWh,
    Watts,
    Years,
)
from fullcost.plausible import plausible


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
