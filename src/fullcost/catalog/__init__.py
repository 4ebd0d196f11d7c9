"""The built-in catalog: hardware, regions, method defaults and model scenarios, every number sourced.

The data lives in ``data/`` as YAML shipped with the package. Each number sits in a mapping with its
``source`` (an id of ``data/sources.yaml`` or a URL) and ``published`` (the figure as its source gives it).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from fullcost.catalog.chips import HARDWARE_FILES as HARDWARE_FILES
from fullcost.catalog.chips import PEAK_KEYS as PEAK_KEYS
from fullcost.catalog.chips import Chip as Chip
from fullcost.catalog.chips import Fail as Fail
from fullcost.catalog.chips import HardwareError as HardwareError
from fullcost.catalog.chips import Price as Price
from fullcost.catalog.chips import Rate as Rate
from fullcost.catalog.chips import _chip as _chip
from fullcost.catalog.chips import _key as _key
from fullcost.catalog.chips import chip as chip
from fullcost.catalog.chips import hardware as hardware
from fullcost.catalog.files import DATA as DATA
from fullcost.catalog.files import MODELS as MODELS
from fullcost.catalog.files import defaults as defaults
from fullcost.catalog.files import raw as raw
from fullcost.catalog.files import sourced as sourced
from fullcost.catalog.files import sources as sources
from fullcost.quantity import Dist


@dataclass(frozen=True)
class Region:
    id: str
    name: str
    electricity: tuple[tuple[int, Dist], ...]
    pue: Dist | None
    staff: dict[str, Dist]

    def electricity_for(self, year: int) -> Dist | None:
        """The price of the latest year at or before ``year`` (else the earliest known)."""
        if not self.electricity:
            return None
        best = [e for e in self.electricity if e[0] <= year]
        return (max(best, key=lambda e: e[0]) if best else min(self.electricity, key=lambda e: e[0]))[1]


_STAFF_DIMS = {"benefits_overhead": "multiplier", "usd_per_cny": "number"}


@cache
def regions() -> dict[str, Region]:
    out = {}
    for rid, e in raw("regions").items():
        elec = tuple((int(x["year"]), sourced(x, "usd_per_kwh")) for x in e.get("electricity_usd_per_kwh") or [])
        staff = {k: sourced(v, _STAFF_DIMS.get(k, "usd")) for k, v in (e.get("staff") or {}).items()}
        out[rid] = Region(rid, e.get("name", rid), tuple((y, d) for y, d in elec if d is not None),
                          sourced(e.get("pue"), "multiplier"), {k: v for k, v in staff.items() if v is not None})
    return out


def region(name: str) -> Region:
    rs = regions()
    if name in rs:
        return rs[name]
    near = difflib.get_close_matches(name, list(rs), n=1)
    hint = f" (did you mean '{near[0]}'?)" if near else f" (known: {', '.join(rs)})"
    raise KeyError(f"unknown region '{name}'{hint}")


def model_names() -> list[str]:
    return sorted(p.stem for p in MODELS.glob("*.yaml"))


def model_path(name: str) -> Path | None:
    """The file of a catalog model, by its file name or any name it answers to (``"PaLM (540B)"``)."""
    from fullcost import model_index

    stem = model_index.resolve(name)
    return MODELS / f"{stem}.yaml" if stem is not None else None


def unknown_model_hint(name: str) -> str:
    """What to say about a name no model answers to: a model only when it is the same one misspelt."""
    from fullcost import model_index

    near = model_index.suggest(name)
    return f" (did you mean '{near}'?)" if near else " (see `fullcost models`)"


def load_scenario(name_or_file: str, overrides: tuple[Any, ...] = ()):  # type: ignore[no-untyped-def]
    """A scenario by path to a YAML file or by catalog name, either with an optional ``@VARIANT``; ``extends``
    resolved and ``overrides`` (``fullcost.overrides.Override``) applied.

    A file wins over a catalog name only when it is a file: a folder that happens to carry a model's name
    does not hide the catalog entry.
    """
    from fullcost import resolve

    return resolve.load(name_or_file, overrides)
