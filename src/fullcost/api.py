"""The Python API: everything the command line prints, as data.

    import fullcost
    est = fullcost.estimate("deepseek-v3", set={"final_run.usd_per_gpu_hour": 3}, samples=20_000, seed=1)
    est.headline.usd                      # 8,364,000
    est.development.total_usd.p95         # a summary: .mean .p5 .p50 .p95 .samples
    est.to_frame()                        # the long format of `--format csv` (a pandas DataFrame)

A scenario is a catalog name (``deepseek-v3``, ``deepseek-v3@essay``), a YAML file, a dict with the fields of a
scenario file (``{"extends": "deepseek-v3", "staff": ...}``) or a loaded one (``fullcost.load(...)``). ``set``
takes ``{PATH: VALUE}`` (or ``["PATH=VALUE", ...]``) as ``--set`` does. Each function returns the JSON the CLI
prints (``.data``), with attribute access; the CLI calls these same functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from fullcost import overrides as ov
from fullcost.errors import InputError
from fullcost.results import Comparison, Estimate, Result, arrays_of

if TYPE_CHECKING:
    from fullcost import estimation
    from fullcost.books.lab import LabDoc
    from fullcost.books.run import Books
    from fullcost.scenario import Doc

DEFAULT_SAMPLES = 10_000  # every command and function (estimate, report, statements...) draws this many by default
DEFAULT_SEED = 0
MAX_SAMPLES = 2_000_000

ScenarioRef: TypeAlias = "str | Path | Mapping[str, Any] | Doc"
SetArg: TypeAlias = "Mapping[str, Any] | Iterable[str] | Iterable[ov.Override] | None"


def _overrides(set: SetArg, models: Sequence[str] = ()) -> tuple[ov.Override, ...]:
    if isinstance(set, tuple) and all(isinstance(o, ov.Override) for o in set):
        return set
    return ov.from_mapping(set, models)  # type: ignore[arg-type]


def _check_samples(samples: int, seed: int) -> None:
    if isinstance(samples, bool) or not isinstance(samples, int) or not 1 <= samples <= MAX_SAMPLES:
        raise InputError(f"samples: expected a whole number from 1 to {MAX_SAMPLES:,}, got {samples!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InputError(f"seed: expected a whole number from 0, got {seed!r}")


def load(scenario: ScenarioRef, set: SetArg = None) -> Doc:
    """A scenario resolved (catalog name or file, ``@VARIANT``, ``extends``) with the overrides applied and
    validated: ``.scenario`` is the validated model, ``.file`` where it came from."""
    return _doc(scenario, _overrides(set))


def _doc(scenario: ScenarioRef, overrides: tuple[ov.Override, ...]) -> Doc:
    from fullcost import resolve
    from fullcost.scenario import Doc

    if isinstance(scenario, Doc):
        if not overrides:
            return scenario
        if scenario.unvaried is None:
            raise InputError("this scenario was not loaded with fullcost.load: pass its name, file or data")
        data, where = scenario.unvaried
        return resolve.finish(data, where, scenario.file, scenario.scenario.variant,
                              (*scenario.overrides, *overrides), check_variants=False)
    if isinstance(scenario, Mapping):
        return resolve.from_data(dict(scenario), "<data>", overrides)
    if not isinstance(scenario, (str, Path)):
        raise InputError(f"expected a catalog name, a file, a dict or a loaded scenario, got {type(scenario).__name__}")
    return resolve.load(str(scenario), overrides)


def run(doc: Doc, samples: int = DEFAULT_SAMPLES, seed: int = DEFAULT_SEED,
        dollars: int | str | None = None) -> estimation.Estimate:
    """Run a loaded scenario (the core's ``Estimate``: sample arrays, cost items, the context)."""
    from fullcost import estimation

    _check_samples(samples, seed)
    if dollars is None:
        return estimation.run(doc, samples, seed)
    import inspect

    if "dollars" not in inspect.signature(estimation.run).parameters:
        raise InputError("--dollars: constant dollars are not available in this version")
    return estimation.run(doc, samples, seed, dollars=dollars)  # type: ignore[call-arg]


def check_overrides(*docs: Doc) -> None:
    """A catalog input set with ``--set`` that no run drew is an error: it would change nothing."""
    hits: set[str] = set()
    for d in docs:
        hits |= getattr(d, "hits", set())
    for d in docs:
        err = ov.unused([*d.overrides, *d.set_here], hits)
        if err is not None:
            raise err


def to_json(est: estimation.Estimate) -> dict[str, Any]:
    from fullcost import estimation

    return estimation.to_json(est)


def estimate(scenario: ScenarioRef, set: SetArg = None, samples: int = DEFAULT_SAMPLES, seed: int = DEFAULT_SEED,
             dollars: int | str | None = None) -> Estimate:
    """The headline, the final run three ways, the development cost, the lab's year, the bridge, the footnotes
    and the tornado: the fields of ``fullcost estimate --format json``."""
    doc = _doc(scenario, _overrides(set))
    est = run(doc, samples, seed, dollars)
    out = to_json(est)
    check_overrides(doc)
    return Estimate(out, arrays_of(est))


def compare(scenarios: Sequence[ScenarioRef], set: SetArg = None, samples: int = DEFAULT_SAMPLES,
            seed: int = DEFAULT_SEED, dollars: int | str | None = None) -> Comparison:
    """Several models side by side; ``set`` keys may start with ``MODEL:`` to apply to one model only."""
    if isinstance(scenarios, (str, Path, Mapping)) or len(scenarios) < 2:
        raise InputError("compare needs two or more models (for one, use estimate)")
    names = [str(s) for s in scenarios if isinstance(s, (str, Path))]
    given = _overrides(set, names)
    models = []
    for s in scenarios:
        mine = ov.for_model(given, str(s)) if isinstance(s, (str, Path)) else tuple(o for o in given if not o.model)
        models.append(estimate(s, mine, samples, seed, dollars))
    data = {"samples": samples, "seed": seed, "models": [m.data for m in models], "overrides": [
        (f"{o.model}:" if o.model else "") + str(o) for o in given]}
    return Comparison(data, models)


def amount(option: str, value: str | float, dim: str = "usd") -> float:
    """One positive figure written as a scenario would (``5.5M``, ``$100M``, ``25%``)."""
    from fullcost.quantity import QuantityError, parse

    try:
        d = parse(value, dim)
    except QuantityError as e:
        raise InputError(f"{option}: {e}") from None
    if not d.is_point:
        raise InputError(f"{option}: give one figure, not a range ('{value}')")
    if d.central() <= 0:
        raise InputError(f"{option}: must be positive, got '{value}'")
    return d.central()


def _tagged(out: dict[str, Any], doc: Doc, samples: int, seed: int) -> dict[str, Any]:
    """An analysis's JSON with the model, sample count, seed and overrides it ran with (fields added only)."""
    extra = {"name": doc.scenario.name, "samples": samples, "seed": seed}
    return {**{k: v for k, v in extra.items() if k not in out}, **out, "overrides": [str(o) for o in doc.overrides]}


def claim(scenario: ScenarioRef, usd: str | float, tolerance: str | float = "25%", gpu_hours: str | float | None = None,
          flops: str | float | None = None, set: SetArg = None, samples: int = DEFAULT_SAMPLES,
          seed: int = DEFAULT_SEED, dollars: int | str | None = None) -> Result:
    """Which cost definition a claimed figure matches, with what probability, and what it leaves out."""
    from fullcost.analysis.claim import check

    figure = amount("--usd", usd)
    tol = amount("--tolerance", tolerance, "fraction")
    hours = amount("--gpu-hours", gpu_hours, "hours") if gpu_hours is not None else None
    fl = amount("--flops", flops, "flop") if flops is not None else None
    doc = _doc(scenario, _overrides(set))
    out = check(run(doc, samples, seed, dollars), figure, tol, hours, fl)
    check_overrides(doc)
    return Result(_tagged(out, doc, samples, seed))


LEVELS = ("weights", "weights+code", "weights+code+data")


def replicate(scenario: ScenarioRef, level: str | None = None, set: SetArg = None, samples: int = DEFAULT_SAMPLES,
              seed: int = DEFAULT_SEED, dollars: int | str | None = None) -> Result:
    """What a third party would spend to reproduce the model, by what was released."""
    from fullcost.analysis.replicate import public
    from fullcost.analysis.replicate import replicate as run_replicate

    if level is not None and level not in LEVELS:
        raise InputError(f"--level: no openness level '{level}' (expected one of: {', '.join(LEVELS)})")
    doc = _doc(scenario, _overrides(set))
    out = public(run_replicate(run(doc, samples, seed, dollars)))
    if level is not None:
        out["levels"] = [lv for lv in out["levels"] if lv["openness"] == level]
    check_overrides(doc)
    return Result(_tagged(out, doc, samples, seed))


def trend(scenario: ScenarioRef, below: str | float = "10M", until: int | None = None,
          hardware_oom: float | None = None, algorithmic_oom: float | None = None, other_oom: float = 0.0,
          set: SetArg = None, samples: int = DEFAULT_SAMPLES, seed: int = DEFAULT_SEED,
          dollars: int | str | None = None) -> Result:
    """The development cost of a model of the same capability, year by year, and when it falls below ``below``."""
    from fullcost.analysis.trend import Rates
    from fullcost.analysis.trend import trend as run_trend

    for name, v in (("--hardware-oom", hardware_oom), ("--algorithmic-oom", algorithmic_oom),
                    ("--other-oom", other_oom)):
        if v is not None and v < 0:
            raise InputError(f"{name}: a rate of progress cannot be negative, got {v:g}")
    threshold = amount("--below", below)
    doc = _doc(scenario, _overrides(set))
    out = run_trend(run(doc, samples, seed, dollars), threshold, until, Rates(hardware_oom, algorithmic_oom, other_oom))
    check_overrides(doc)
    return Result(_tagged(out, doc, samples, seed))


def premium(scenario: ScenarioRef, set: SetArg = None, samples: int = DEFAULT_SAMPLES, seed: int = DEFAULT_SEED,
            dollars: int | str | None = None) -> Result:
    """What working under chip export controls added: the scenario against its ``unrestricted`` variant, sample
    by sample (the same overrides apply to both)."""
    from fullcost.analysis.premium import counterfactual
    from fullcost.analysis.premium import premium as run_premium

    doc = _doc(scenario, _overrides(set))
    cf = counterfactual(doc)
    if cf.doc is None:
        raise InputError(f"no export-control premium for {doc.scenario.name}: {cf.reason}")
    out = run_premium(run(doc, samples, seed, dollars), run(cf.doc, samples, seed, dollars))
    check_overrides(doc, cf.doc)
    return Result({**out, "name": doc.scenario.name, "overrides": [str(o) for o in doc.overrides]})


# --- a lab's books --------------------------------------------------------------------------------------------

def load_lab(lab: str | Path, set: SetArg = None) -> LabDoc:
    """A lab scenario by catalog name (``deepseek``, ``deepseek@semianalysis``) or file, overrides applied."""
    from fullcost.books.lab import load_lab as plain

    return plain(str(lab), _overrides(set))


def books(lab: str | Path, policy: str = "us-gaap", useful_life: float | None = None,
          depreciation: str | None = None, compute: str = "owned", set: SetArg = None,
          samples: int = DEFAULT_SAMPLES, seed: int = DEFAULT_SEED) -> Books:
    """A lab's journal posted under a policy (the core's ``Books``)."""
    from fullcost.books import run as run_mod

    _check_samples(samples, seed)
    doc = load_lab(lab, set)
    b = run_mod.books(doc, _policy(policy, useful_life, depreciation, compute), samples, seed)
    check_lab_overrides(doc)
    return b


def _policy(policy: str, life: float | None, method: str | None, compute: str) -> Any:
    from fullcost.books.policy import Policy

    if policy not in ("us-gaap", "ifrs"):
        raise InputError(f"--policy: expected us-gaap or ifrs, got '{policy}'")
    if compute not in ("owned", "rented"):
        raise InputError(f"--compute: expected owned or rented, got '{compute}'")
    if life is not None and not life > 0:
        raise InputError(f"--useful-life must be more than zero years, got {life:g}")
    dep = None if method is None else method.replace("-", "_")
    if dep not in (None, "straight_line", "sum_of_years_digits"):
        raise InputError(f"--depreciation: expected straight-line or sum-of-years-digits, got '{method}'")
    return Policy(policy, dep, life, compute)  # type: ignore[arg-type]


def check_lab_overrides(doc: LabDoc) -> None:
    err = ov.unused(getattr(doc, "overrides", ()), getattr(doc, "hits", set()))
    if err is not None:
        raise err


def statements(lab: str | Path, year: int | None = None, policy: str = "us-gaap", versus: str | None = None,
               useful_life: float | None = None, depreciation: str | None = None, compute: str = "owned",
               set: SetArg = None, samples: int = DEFAULT_SAMPLES, seed: int = DEFAULT_SEED,
               presentation: str = "function") -> Result:
    """A lab's income statement, adjusted EBITDA, balance sheet and cash flow, year by year; expenses by function
    (the default) or by nature."""
    from fullcost.books import run as run_mod
    from fullcost.books.post import post

    _check_samples(samples, seed)
    doc = load_lab(lab, set)
    years = run_mod.check_year(doc, year)
    b = run_mod.books(doc, _policy(policy, useful_life, depreciation, compute), samples, seed)
    other = post(b.run, _policy(versus, useful_life, depreciation, compute)) if versus is not None else None
    check_lab_overrides(doc)
    if presentation not in ("function", "nature"):
        raise InputError(f"--presentation: expected function or nature, got '{presentation}'")
    return Result(run_mod.statements_json(b, years, other, presentation))  # type: ignore[arg-type]


# --- the catalog ----------------------------------------------------------------------------------------------

def models() -> Result:
    """The models in the built-in catalog."""
    from fullcost import tidy
    from fullcost.report.listing import model_rows

    rows = model_rows()
    return Result({"models": rows}, long=tidy.listing_rows("models", rows, "name"))


def hardware() -> Result:
    """The accelerators in the built-in catalog, with peaks, power and prices."""
    from fullcost import tidy
    from fullcost.report.listing import hardware_rows

    rows = hardware_rows()
    return Result({"hardware": rows}, long=tidy.listing_rows("hardware", rows, "id"))


def labs() -> Result:
    """The labs in the built-in catalog (for statements)."""
    from fullcost import tidy
    from fullcost.books.lab import lab_names
    from fullcost.books.lab import load_lab as plain

    rows = []
    for name in lab_names():
        d = plain(name)
        rows.append({"name": name, "title": d.lab.title or name, "years": f"{d.lab.founded.year}-{d.lab.last_year}",
                     "variants": ", ".join(d.lab.variants) or "-",
                     "inputs": "illustrative" if d.lab.illustrative else "sourced"})
    return Result({"labs": rows}, long=tidy.listing_rows("labs", rows, "name"))
