"""The catalog's data files: where they are, each read once, a value read with its source, the method defaults."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

from fullcost import yamlio
from fullcost.quantity import Dist, parse

DATA = Path(__file__).parent / "data"
MODELS = DATA / "models"


@cache
def raw(name: str) -> Any:
    return yamlio.load(DATA / f"{name}.yaml")[0]


@cache
def sources() -> dict[str, dict[str, Any]]:
    """Every source id of ``data/sources*.yaml``."""
    out: dict[str, dict[str, Any]] = {}
    for p in sorted(DATA.glob("sources*.yaml")):
        out.update(raw(p.stem))
    return out


def sourced(entry: Any, dim: str, key: str = "value") -> Dist | None:
    """A catalog value with its provenance, or None where the catalog says the value does not exist."""
    if entry is None:
        return None
    if not isinstance(entry, dict):
        return parse(entry, dim)
    value = entry.get(key)
    if value is None:
        return None
    d = parse(value, dim)
    src = entry.get("source")
    if isinstance(src, str) and src in sources():
        s = sources()[src]
        src = f"{s.get('title', src)} ({s.get('url', '')}, {s.get('date', '')})"
    return d.with_meta(source=src, published=entry.get("published"), note=entry.get("note") or entry.get("why"))


def _date(v: Any) -> dt.date | None:
    if isinstance(v, dict):  # a sourced date: {value: '2018-05-18', source: ..., published: ...}
        v = v.get("value")
    if v is None:
        return None
    if isinstance(v, dt.date):
        return v
    s = str(v)
    return dt.date.fromisoformat(s + "-01" if len(s) == 7 else s)


@cache
def defaults() -> dict[str, Dist]:
    """Method defaults (Epoch AI's amortization model and the like), each with its source."""
    dims = raw("defaults")
    out: dict[str, Dist] = {}
    for key, entry in dims.items():
        d = sourced(entry, entry.get("dim", "number"))
        if d is not None:
            out[key] = d
    return out
