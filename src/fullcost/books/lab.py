"""Lab scenario files (``kind: lab``): an AI lab over several years, as validated pydantic models.

A lab has a founding date and a last reported year; a fleet of dated GPU purchases (or GPUs an owner
contributes in kind); cloud commitments; funding rounds (equity or debt: financing, never revenue); staff
by role with a headcount per year; other running costs; serving (tokens per day, list prices, the share
actually billed, the GPUs doing it); other revenue (enterprise contracts, licences); the model releases
with their development programs (a catalog model scenario by name, a scenario file, or an inline
scenario); and a tax rate. Quantities are those of ``fullcost.quantity``: ranges, sources, ``{ref: NAME}``.

Bad input gives one line naming the file, the line and the field (``LabDoc.error``).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from fullcost import catalog, yamlio
from fullcost.books import accounts as acc
from fullcost.errors import InputError
from fullcost.plausible import in_window, plausible_values
from fullcost.scenario import (
    USD,
    Count,
    Fraction,
    Multiplier,
    Source,
    USDPerHour,
    USDPerKWh,
    Years,
    apply_variant,
    input_error,
)

LABS = catalog.DATA / "labs"

# What funding is called when someone tries to book it as revenue.
_FUNDING_WORDS = re.compile(
    r"\b(funding|fundraise|fund[- ]?raising|raise|raised|investment|investors?|vc|venture|series [a-z]|seed round|"
    r"round|equity|capital|loan|debt|grant|donation)\b", re.IGNORECASE)
_FUNDING_WHY = ("funding is financing, not revenue: a round raises cash and equity (or debt) and earns nothing; "
                "put it under funding: (the essay's 'VC funding (treated as revenue for startups)' is a joke, "
                "not a policy)")


_PROVENANCE = {"value", "source", "published", "why", "note", "date"}


def _date(v: Any) -> Any:
    """A date, a month (``2023-07``), a year (1 July), or any of them as ``{value: ..., source/why: ...}``."""
    v = _unwrap(v)
    if isinstance(v, str) and re.fullmatch(r"\d{4}-\d{2}", v.strip()):
        return dt.date.fromisoformat(v.strip() + "-01")
    if isinstance(v, int) and not isinstance(v, bool) and 1900 < v < 2200:
        return dt.date(v, 7, 1)
    return v


def _unwrap(v: Any) -> Any:
    """A plain value, or the value of ``{value: ..., source/why: ...}``."""
    if isinstance(v, dict) and "value" in v:
        extra = set(v) - _PROVENANCE
        if extra:
            raise ValueError(f"unknown key '{sorted(extra)[0]}' beside value (expected source, published, why, note)")
        return v["value"]
    return v


# A date that may carry its source: ``{value: 2023-07-01, source: ..., published: ...}`` or ``{value: ..., why: ...}``.
SDate = Annotated[dt.date, BeforeValidator(_date), AfterValidator(in_window),
                  WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "object"}]})]


class Base(BaseModel):
    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True, frozen=True)


class Purchase(Base):
    """GPUs bought (or contributed by an owner) on a date, with their servers and network."""

    name: str | None = None
    hardware: str = Field(description="a hardware id from `fullcost hardware`")
    count: Count
    date: SDate = Field(description="when the GPUs were bought (or contributed): on or after the founding")
    price_usd: USD | None = Field(None, description="price per GPU; default: the catalog's reference price")
    price_basis: Literal["single", "dgx", "hgx"] | None = Field(
        None, description="single-unit chip price (server overhead added) or a DGX/HGX price per GPU")
    premium: Fraction | None = Field(None, description="paid over that price, e.g. through intermediaries")
    useful_life: Years | None = Field(None, description="default: the fleet's")
    contributed_by: str | None = Field(
        None, description="an owner who contributed the GPUs in kind (equity, no cash), valued at price_usd")
    rental_usd_per_gpu_hour: USDPerHour | None = Field(
        None, description="what renting the same GPUs costs, for the rented-compute policy; default: catalog")


class Fleet(Base):
    """The GPUs the lab owns."""

    purchases: list[Purchase] = Field(min_length=1)
    utilization: Fraction = Field(description="share of the fleet's GPU-hours doing work (serving or research)")
    useful_life: Years | None = Field(None, description="depreciation life; default: the catalog's 4 to 6 years")
    depreciation: Literal["straight_line", "sum_of_years_digits"] = "straight_line"
    interconnect_share: Fraction | None = None
    pue: Multiplier | None = None
    electricity_usd_per_kwh: USDPerKWh | None = None


class Cloud(Base):
    """A cloud commitment: rented compute paid as it is used."""

    name: str
    provider: str | None = None
    start: SDate
    end: SDate | None = Field(None, description="default: the end of the last year")
    usd_per_year: USD
    serving_share: Fraction | None = Field(None, description="share used for serving (COGS); the rest is R&D")

    @model_validator(mode="after")
    def _dates(self) -> Cloud:
        if self.end is not None and self.end <= self.start:
            raise ValueError("end must come after start")
        return self


class Funding(Base):
    """A funding round: equity (or debt with an interest rate). Financing, never revenue."""

    name: str
    date: SDate
    kind: Literal["equity", "debt"] = "equity"
    usd: USD
    investors: str | None = None
    interest_rate: Fraction | None = Field(None, description="debt only: annual interest, paid in cash")
    term: Years | None = Field(None, description="debt only: repaid after this long (default: not in the window)")

    @model_validator(mode="after")
    def _debt(self) -> Funding:
        if self.kind == "equity" and (self.interest_rate is not None or self.term is not None):
            raise ValueError("interest_rate and term are for debt: equity pays no interest")
        return self


Pay = Literal["researcher", "engineer", "annotator", "business"]


class Role(Base):
    """People in one role: average headcount per year x (salary x overhead), plus stock compensation."""

    role: str
    line: Literal["rnd", "sga", "cogs"] = Field("rnd", description="R&D, SG&A, or COGS (serving operations)")
    pay: Pay | None = Field(None, description="regional pay from the catalog; default researcher")
    salary_usd: USD | None = Field(None, description="annual cash pay per person; default: regional pay")
    overhead: Multiplier | None = Field(None, description="benefits and employer costs; default: regional")
    stock_comp_usd: USD | None = Field(
        None, description="annual stock-based compensation per person (non-cash); default: regional equity")
    headcount: dict[int, Count] = Field(description="average headcount by year (while the lab exists)")


CostKind = Literal["offices", "legal", "safety", "compliance", "marketing", "executives", "other", "data",
                   "research"]


class Cost(Base):
    """Another running cost: offices, legal, safety and compliance, data, ..."""

    name: str
    kind: CostKind = "other"
    usd_per_year: USD
    start: SDate | None = None
    end: SDate | None = None
    exclude_from_adjusted_ebitda: bool = Field(
        False, description="the lab calls it one-time or non-recurring: added back in adjusted EBITDA")


class Tokens(Base):
    input_cached: Count | None = Field(None, description="input tokens served from the KV cache")
    input: Count | None = Field(None, description="input tokens not served from the cache")
    output: Count | None = None


class Prices(Base):
    input_cached: USD | None = None
    input: USD | None = None
    output: USD | None = None


class Serving(Base):
    """One year of serving: tokens a day, list prices per million, the share billed, the GPUs doing it."""

    year: int
    share_of_year: Fraction | None = Field(None, description="part of the year with this load (default 100%)")
    tokens_per_day: Tokens
    usd_per_million: Prices | None = Field(None, description="list prices per million tokens")
    billed_share: Fraction | None = Field(
        None, description="share of list-price revenue actually billed (free tiers, discounts); default 100%")
    gpus: Count | None = Field(None, description="average owned GPUs serving; none: served from cloud")
    hardware: str | None = Field(None, description="which of the fleet's GPUs serve (default: the fleet as a whole)")


class Revenue(Base):
    """Revenue that is not tokens x price: enterprise contracts, licences, API revenue given in dollars."""

    name: str
    kind: str = Field(description="api, enterprise, licences or other")
    usd: dict[int, USD] = Field(description="revenue by year")

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str) -> str:
        if _FUNDING_WORDS.search(v):
            raise ValueError(_FUNDING_WHY)
        if v not in acc.REVENUE_KINDS:
            raise ValueError(f"got {v!r}; expected one of {', '.join(acc.REVENUE_KINDS)}")
        return v

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if _FUNDING_WORDS.search(v):
            raise ValueError(f"'{v}' reads as funding; " + _FUNDING_WHY)
        return v


class Release(Base):
    """A model release and the development program behind it."""

    name: str
    released: SDate
    program: Annotated[Any, WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "object"}]})] = Field(
        None, description="the development program: a catalog model (NAME or NAME@VARIANT), a scenario file "
                          "relative to this one, or an inline model scenario")
    development_start: SDate | None = Field(None, description="default: release minus the program's staff duration")
    capitalize_from: SDate | None = Field(
        None, description="IFRS (IAS 38.57): when the criteria for capitalizing development were met; "
                          "default: the start of the final run")
    useful_life: Years | None = Field(None, description="amortization life of the model (default 2 years)")

    @model_validator(mode="after")
    def _program(self) -> Release:
        if self.program is None:
            raise ValueError(f"release '{self.name}' has no program: every release needs its development program "
                             "(program: NAME of a catalog model, a scenario file, or an inline scenario)")
        if not isinstance(self.program, (str, dict)):
            raise ValueError("program is a catalog model name, a file, or an inline model scenario")
        return self


class Tax(Base):
    rate: Fraction
    loss_carryforward: bool = Field(True, description="losses offset later taxable income")


class LabScenario(Base):
    """An AI lab over several years."""

    fullcost: Literal[1] = Field(1, description="scenario format version")
    kind: Literal["lab"] = Field(description="a lab scenario (model scenarios have no kind)")
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9.\-_@]*$")
    title: str | None = None
    developer: str | None = None
    description: str | None = None
    illustrative: bool = Field(False, description="inputs are illustrative, not sourced estimates of a real lab")
    region: str = Field("us", description="a region id from the catalog (pay, electricity, PUE)")
    founded: SDate
    last_year: Annotated[int, BeforeValidator(_unwrap),
                         WithJsonSchema({"anyOf": [{"type": "integer"}, {"type": "object"}]})] = Field(
        description="the last year the statements report (a year, or {value: YEAR, why: ...})")
    inputs: dict[str, Any] = Field(
        default_factory=dict, description="named inputs, sampled once and shared by every {ref: NAME}")
    fleet: Fleet | None = None
    cloud: list[Cloud] = Field(default_factory=list)
    funding: list[Funding] = Field(default_factory=list)
    staff: list[Role] = Field(default_factory=list)
    costs: list[Cost] = Field(default_factory=list)
    serving: list[Serving] = Field(default_factory=list)
    revenue: list[Revenue] = Field(default_factory=list)
    releases: list[Release] = Field(default_factory=list)
    tax: Tax
    variants: dict[str, dict[str, Any]] = Field(default_factory=dict)
    variant: str | None = None
    sources: dict[str, Source] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _plausible(self) -> LabScenario:
        plausible_values(self)  # labels, GPU and head counts, divisors (fullcost.plausible)
        return self

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(range(self.founded.year, self.last_year + 1))

    @property
    def end(self) -> dt.date:
        """The first day after the last reported year."""
        return dt.date(self.last_year + 1, 1, 1)


def _line(pos: yamlio.Positions, path: tuple[str | int, ...]) -> int | None:
    """The line of ``path``, matching integer mapping keys (years) that the YAML positions hold as text."""
    fixed: list[str | int] = []
    for p in path:
        if isinstance(p, int) and (*fixed, p) not in pos and (*fixed, str(p)) in pos:
            fixed.append(str(p))
        else:
            fixed.append(p)
    return yamlio.line_of(pos, tuple(fixed))


class LabDoc:
    """A loaded lab scenario and where it came from, so every later check can point at a line."""

    def __init__(self, lab: LabScenario, file: str, positions: yamlio.Positions) -> None:
        self.lab = lab
        self.file = file
        self.positions = positions

    def error(self, path: tuple[str | int, ...], message: str) -> InputError:
        return InputError(message, self.file, _line(self.positions, path), path)

    def sub_positions(self, prefix: tuple[str | int, ...]) -> yamlio.Positions:
        """The positions under ``prefix``, re-rooted (for an inline program)."""
        n = len(prefix)
        return {p[n:]: line for p, line in self.positions.items() if p[:n] == prefix}


_BY_YEAR = ("headcount", "usd")  # mappings keyed by year


def _by_year(path: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """Year keys of by-year mappings are strings in the YAML positions."""
    return tuple(str(p) if isinstance(p, int) and i and path[i - 1] in _BY_YEAR else p for i, p in enumerate(path))


def from_data(data: Any, file: str, positions: yamlio.Positions | None = None) -> LabDoc:
    pos = positions or {}
    if not isinstance(data, dict):
        raise InputError("a lab scenario must be a YAML mapping", file, 1)
    if "kind" not in data and "final_run" in data:
        raise InputError("this is a model scenario, not a lab: `fullcost estimate` reads it; a lab file says "
                         "kind: lab and lists it as a release's program", file, 1)
    try:
        lab = LabScenario.model_validate(data)
    except ValidationError as e:
        raise input_error(e, file, pos, LabScenario, _by_year) from None
    doc = LabDoc(lab, file, pos)
    if lab.last_year < lab.founded.year:
        raise doc.error(("last_year",), f"{lab.last_year} is before the founding ({lab.founded.isoformat()})")
    if lab.last_year - lab.founded.year > 50:
        raise doc.error(("last_year",), "more than 50 years after the founding: the books report year by year")
    return doc


def load(path: str | Path, variant: str | None = None, overrides: tuple[Any, ...] = ()) -> LabDoc:
    data, pos = yamlio.load(path)
    if variant is not None:
        data, pos = apply_variant(data, pos, variant, str(path))
    if overrides:  # --set PATH=VALUE (fullcost.overrides)
        from fullcost.resolve import overridden

        return overridden(data, pos, str(path), overrides, from_data)  # type: ignore[no-any-return]
    return from_data(data, str(path), pos)


def loads(text: str, file: str = "<string>") -> LabDoc:
    data, pos = yamlio.loads(text, file)
    return from_data(data, file, pos)


def json_schema() -> dict[str, Any]:
    schema = LabScenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "fullcost lab scenario"
    return schema


def lab_names() -> list[str]:
    return sorted(p.stem for p in LABS.glob("*.yaml"))


def load_lab(name_or_file: str, overrides: tuple[Any, ...] = ()) -> LabDoc:
    """A lab by catalog name (``deepseek``, ``deepseek@semianalysis``) or by path to a YAML file."""
    p = Path(name_or_file)
    if p.suffix in (".yaml", ".yml") or p.exists():
        return load(p, None, overrides)
    base, at, variant = name_or_file.partition("@")
    if at and not variant.strip():
        raise InputError(f"'{name_or_file}': no variant after '@' (give NAME@VARIANT, or NAME alone)", name_or_file)
    bp = Path(base)
    if bp.suffix in (".yaml", ".yml") or bp.exists():
        return load(bp, variant or None, overrides)
    path = LABS / f"{base}.yaml"
    if not path.is_file():
        near = difflib.get_close_matches(base, lab_names(), n=1, cutoff=0.5)
        hint = f" (did you mean '{near[0]}'?)" if near else f" (labs: {', '.join(lab_names()) or 'none'})"
        raise InputError(f"no such file and no catalog lab named '{base}'{hint}", name_or_file)
    return load(path, variant or None, overrides)
