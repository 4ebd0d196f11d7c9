"""The work behind a request: loading and running scenarios through ``fullcost.api`` in worker threads (a few at a
time, each request within a time limit), and a small cache of finished results keyed by the URL's state (a
reload or a shared link is answered at once). No arithmetic here: figures are the API's."""

from __future__ import annotations

import asyncio
import functools
import itertools
import json
import os
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import anyio
import anyio.to_thread

from fullcost.errors import InputError
from fullcost.lru import Lru
from fullcost.web import names
from fullcost.web.state import State

if TYPE_CHECKING:
    from fullcost.books.drivers import Driver, LabInput
    from fullcost.books.lab import LabScenario
    from fullcost.report.assumptions import Assumption
    from fullcost.report.model import ModelReport
    from fullcost.scenario import Doc

T = TypeVar("T")
TIME_LIMIT_S = float(os.environ.get("FULLCOST_SERVE_TIME_LIMIT", "30"))  # per request, waiting included
THREADS = int(os.environ.get("FULLCOST_SERVE_THREADS", "0")) or min(4, os.cpu_count() or 1)
BASE_SAMPLES = 10_000  # the run that sets the controls' ranges and the tornado's order (no overrides, seed 0)
CATALOG_SAMPLES = 1_000  # the catalog page's figures for every model
CACHE_ENTRIES = 24


class BusyError(Exception):
    """The server could not answer within the time limit (HTTP 503)."""


_limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.CapacityLimiter] = (
    weakref.WeakKeyDictionary())


async def call(fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)`` in a worker thread, at most ``THREADS`` at once; over ``TIME_LIMIT_S``: ``BusyError``."""
    loop = asyncio.get_running_loop()
    limiter = _limiters.get(loop)
    if limiter is None:
        limiter = _limiters[loop] = anyio.CapacityLimiter(THREADS)
    try:
        with anyio.fail_after(TIME_LIMIT_S):
            return await anyio.to_thread.run_sync(functools.partial(fn, *args), limiter=limiter,
                                                  abandon_on_cancel=True)
    except TimeoutError:
        raise BusyError(f"the server is busy: this request took longer than {TIME_LIMIT_S:g} s (try fewer samples, "
                   "or again in a moment)") from None


CACHE: Lru[Any] = Lru(CACHE_ENTRIES)


def dumps(obj: Any) -> str:
    """JSON exactly as the CLI prints it (``fullcost ... --format json``)."""
    return json.dumps(obj, indent=2, allow_nan=False) + "\n"


# --- what a page shows ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Source:
    """A scenario a URL names: a catalog model (``kind="model"``) or an upload (``kind="upload"``, by its id)."""

    kind: str
    name: str

    def load(self, sets: tuple[str, ...]) -> Doc:
        from fullcost import api, resolve
        from fullcost.overrides import parse_all

        overrides = parse_all(sets)
        if self.kind == "upload":
            data, pos = names.read_upload(self.name)
            return resolve.from_data(data, names.UPLOAD_FILE, overrides, pos)
        return api.load(names.model_ref(self.name), overrides)


@dataclass(frozen=True)
class ModelView:
    """One model run: the estimate's JSON (``text`` as the CLI prints it, written when first asked for: a page's
    redraw does not need it) and the report's data for the page."""

    source: Source
    state: State
    out: dict[str, Any]
    given_text: str | None
    report: ModelReport

    @functools.cached_property
    def text(self) -> str:
        return self.given_text if self.given_text is not None else dumps(self.out)


def model_view(src: Source, st: State) -> ModelView:
    def make() -> ModelView:
        from fullcost import api
        from fullcost.report.model import model_report

        doc = src.load(st.sets)
        est = api.run(doc, st.samples, st.seed, st.dollars)
        out = api.to_json(est)
        api.check_overrides(doc)
        return ModelView(src, st, out, None, model_report(est, out))

    return CACHE.get_or_make(("model", src, st.key()), make)


@dataclass(frozen=True)
class Baseline:
    """The scenario without overrides: each input's 90% range (the controls' ranges) and the tornado's order."""

    inputs: dict[str, Assumption]
    top: tuple[str, ...]


def baseline(src: Source) -> Baseline:
    """Inputs are written in nominal terms, so the ranges are the same whatever dollars a page states."""

    def make() -> Baseline:
        v = model_view(src, State((), BASE_SAMPLES, 0, None))
        top = tuple(str(r["input"]) for r in v.out.get("sensitivity") or [])
        return Baseline({a.name: a for a in v.report.assumptions}, top)

    return CACHE.get_or_make(("baseline", src), make)


def compare_json(models: list[str], st: State) -> str:
    def make() -> str:
        from fullcost import api
        from fullcost.overrides import parse_all

        for m in models:  # every name through the catalog first
            names.model_ref(m)
        return dumps(api.compare(models, parse_all(st.sets, models), st.samples, st.seed, st.dollars).data)

    return CACHE.get_or_make(("compare", tuple(models), st.key()), make)


@dataclass(frozen=True)
class LabView:
    """One lab run: the statements' JSON (``text`` as ``fullcost statements LAB --format json`` prints it), every
    input it drew and what moves its last year's adjusted EBITDA and net income (``fullcost.books.drivers``)."""

    lab: str
    state: State
    out: dict[str, Any]
    text: str
    inputs: list[LabInput]
    drivers: list[Driver]
    scenario: LabScenario  # the lab file as loaded, overrides applied (the inputs' labels)
    program_sources: dict[int, dict[str, Any]]  # each release's program's own sources (its inputs' sources)


def lab_view(lab: str, st: State) -> LabView:
    def make() -> LabView:
        from fullcost import api
        from fullcost.books import drivers
        from fullcost.books.run import statements_json
        from fullcost.overrides import parse_all

        b = api.books(names.lab_ref(lab), set=parse_all(st.sets), samples=st.samples, seed=st.seed)
        out = statements_json(b)
        return LabView(lab, st, out, dumps(out), drivers.inputs(b.run), drivers.drivers(b), b.run.lab,
                       {i: p.sources for i, p in enumerate(b.run.programs)})

    return CACHE.get_or_make(("lab", lab, st.samples, st.seed, st.sets), make)


@dataclass(frozen=True)
class LabBaseline:
    """The lab without overrides: each input's 90% range (the controls' ranges) and, for the controls, the inputs
    ``--set`` reaches in the order they move adjusted EBITDA and net income."""

    inputs: dict[str, Assumption]
    settable: frozenset[str]
    top: tuple[str, ...]


def lab_baseline(lab: str) -> LabBaseline:
    def make() -> LabBaseline:
        from fullcost.web.lab import assumptions

        v = lab_view(lab, State((), BASE_SAMPLES, 0, None))
        settable = frozenset(x.name for x in v.inputs if x.settable)
        ranked = [r["input"] for pair in itertools.zip_longest(*(d.rows for d in v.drivers)) for r in pair if r]
        top = tuple(n for n in dict.fromkeys(ranked) if n in settable)
        return LabBaseline({a.name: a for a in assumptions(v)}, settable, top)

    return CACHE.get_or_make(("lab-baseline", lab), make)


def statements_json(lab: str, st: State, year: int | None = None) -> str:
    if year is None:  # the lab page's run: the same figures (api.statements and api.books share the code)
        return lab_view(lab, st).text

    def make() -> str:
        from fullcost import api
        from fullcost.overrides import parse_all

        out = api.statements(names.lab_ref(lab), year, set=parse_all(st.sets), samples=st.samples, seed=st.seed)
        return dumps(out.data)

    return CACHE.get_or_make(("statements", lab, year, st.key()), make)


def models_json() -> str:
    def make() -> str:
        from fullcost import api

        return dumps(api.models().data["models"])

    return CACHE.get_or_make(("models",), make)


_catalog_lock = threading.Lock()
_catalog: list[dict[str, Any]] = []


def catalog_rows() -> list[dict[str, Any]]:
    """Every catalog model with its estimate at ``CATALOG_SAMPLES`` samples, seed 0 (computed once a process)."""
    with _catalog_lock:
        if not _catalog:
            from fullcost import api

            rows = []
            for r in api.models().data["models"]:
                try:
                    est: dict[str, Any] | None = api.estimate(names.model_ref(r["name"]), samples=CATALOG_SAMPLES).data
                except InputError:
                    est = None
                rows.append({**r, "estimate": est})
            _catalog.extend(rows)
        return list(_catalog)
