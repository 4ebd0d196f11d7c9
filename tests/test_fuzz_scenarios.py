"""Property-based fuzzing of scenario files: the shipped catalog scenarios, mutated.

Each example takes a catalog model's data, applies one to four mutations (a key or list item deleted, a value
replaced by another type, an extreme number or an odd string, a section emptied), maybe applies one of its
variants, and runs the estimate. The outcome is either a valid estimate whose every number is finite (and
JSON-serializable) or an ``InputError`` with a one-line message: never another exception. Bounded in time for
CI (about a minute); raise ``FULLCOST_FUZZ_EXAMPLES`` for a longer run.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import os
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fullcost import catalog, estimation, scenario, yamlio
from fullcost.errors import InputError, nonfinite

MODELS = sorted((catalog.DATA / "models").glob("*.yaml"))
LOADED = {p.stem: yamlio.load(p) for p in MODELS}
EXAMPLES = int(os.environ.get("FULLCOST_FUZZ_EXAMPLES", "400"))

EXTREME = [0, -1, 1, -0.0, 2**63, 10**400, -(10**30), 1e308, -1e308, 1e-320, 5e-324, math.inf, -math.inf, math.nan,
           1e30, 1e13, 1e18, 0.5, 1.0000001]
ODD = ["", " ", "0", "-0", "1 to", "to", "5 to 2", "0 to 0", "1e400", "1 to 1e400", "1e-300 to 1", "NaN", "inf",
       "-inf", "∞", "1,2,3", "$-5", "50%%", "120%", "-5%", "10 kg", "3 days", "1T GPU-hours", "\x00", "\u202e1",
       "a" * 300, "9" * 401, "1e30", "1e-13", "2024-02-30", "2999-01-01", "1066", "{ref: x}", "[1, 2]", "'", "%",
       "1e308T", "0x10", "1_000", "١٢٣", "1 to 2 to 3", "$2/gpu-hour", "2 to 1 months"]
NUMBERS = st.sampled_from(EXTREME) | st.floats(allow_nan=True, allow_infinity=True) | st.integers()
STRINGS = st.sampled_from(ODD) | st.text(max_size=40)
DATES = st.sampled_from([dt.date(1066, 10, 14), dt.date(1900, 1, 1), dt.date(2999, 1, 1), dt.date(2024, 1, 1),
                         dt.date(1, 1, 1), dt.date(9999, 12, 31)])
VALUES = (NUMBERS | STRINGS | DATES | st.booleans() | st.none() | st.just([]) | st.just({})
          | st.dictionaries(st.sampled_from(["normal", "lognormal", "uniform", "pert", "choice", "ref", "value", "x"]),
                            st.lists(NUMBERS, max_size=4) | NUMBERS | STRINGS, min_size=1, max_size=2))


def _paths(node: Any, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    out = [path] if path else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*path, i))
    return out


def _parent(data: Any, path: tuple[str | int, ...]) -> Any:
    for p in path[:-1]:
        data = data[p]
    return data


Mutation = tuple[tuple[str | int, ...], str, Any]  # (path, "delete" | "empty" | "replace", new value)


def _apply(data: Any, m: Mutation) -> None:
    """Make one mutation; one whose path is gone (a shrunk example changes what came before it) is skipped."""
    path, kind, value = m
    try:
        parent, key = _parent(data, path), path[-1]
        parent[key]  # does it exist?
    except (KeyError, IndexError, TypeError):
        return
    if kind == "delete":
        del parent[key]
    elif kind == "empty":
        parent[key] = type(parent[key])() if isinstance(parent[key], (dict, list)) else None
    else:
        parent[key] = value


@st.composite
def mutations(draw: st.DrawFn) -> tuple[str, list[Mutation], str | None]:
    """A catalog model, the mutations to make to its data (shown compactly when an example fails), a variant."""
    name = draw(st.sampled_from(sorted(LOADED)))
    data = copy.deepcopy(LOADED[name][0])
    done: list[Mutation] = []
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(data)
        if not paths:
            break
        kind = draw(st.sampled_from(["delete", "replace", "replace", "replace", "empty"]))
        m = (draw(st.sampled_from(paths)), kind, draw(VALUES) if kind == "replace" else None)
        _apply(data, m)
        done.append(m)
    variants = data.get("variants") if isinstance(data, dict) else None
    variant = None
    if isinstance(variants, dict) and variants and draw(st.booleans()):
        variant = draw(st.sampled_from(sorted(map(str, variants))))
    return name, done, variant


def _check(name: str, done: list[Mutation], variant: str | None) -> None:
    data, pos = LOADED[name]
    data = copy.deepcopy(data)
    for m in done:
        _apply(data, m)
    file = str(Path(catalog.DATA / "models" / f"{name}.yaml"))
    try:
        if variant is not None:
            data, pos = scenario.apply_variant(data, pos, variant, file)
        doc = scenario.from_data(data, file, pos)
        out = estimation.to_json(estimation.run(doc, 64, 0))
    except InputError as e:
        msg = str(e)
        assert msg and "\n" not in msg and "\r" not in msg, repr(msg)
        return
    assert nonfinite(out) is None, f"a non-finite number at {nonfinite(out)}"
    json.dumps(out, allow_nan=False)


@settings(max_examples=EXAMPLES, deadline=dt.timedelta(seconds=5), derandomize=False, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
@given(mutations())
def test_a_mutated_catalog_scenario_gives_an_estimate_or_one_line(case: tuple[str, list[Mutation], str | None]) -> None:
    _check(*case)


def test_every_catalog_scenario_unmutated_gives_a_finite_estimate() -> None:
    for name, (data, pos) in LOADED.items():
        out = estimation.to_json(estimation.run(scenario.from_data(copy.deepcopy(data), name, pos), 64, 0))
        assert nonfinite(out) is None, (name, nonfinite(out))
