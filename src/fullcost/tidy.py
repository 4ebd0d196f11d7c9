"""Long ("tidy") rows of any view's JSON: ``model, view, item, statistic, value, unit, dollars``.

One row per number, so pandas, R and a spreadsheet read every view without reshaping. ``view`` is the section of
the output (``headline``, ``development``, ``bridge``...), ``item`` what the number is within it (a cost item's
name, a bridge step, an input), ``statistic`` ``mean``, ``p5``, ``p50``, ``p95`` for a distribution or ``value``
for a single number, ``unit`` what it counts (``usd``, ``GPU-hours``, ``share``...) and ``dollars`` which dollars
amounts are in (``nominal``, or a year's constant dollars).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

COLUMNS = ("model", "view", "item", "statistic", "value", "unit", "dollars")
STATISTICS = ("mean", "p5", "p50", "p95")
# keys that name a list's element, in order of preference
IDS = ("name", "step", "input", "definition", "openness", "category", "year", "release", "role", "id", "program")
SKIP = {"name", "scenario", "variant", "description", "note", "detail", "label", "text", "what", "summary",
        "frontier_note", "basis", "source", "estimate", "verdict", "warnings", "overrides", "hardware", "precision",
        "acquired", "start", "rate", "phase", "line", "cash", "dollars", "title", "released", "seed", "samples"}
Row = dict[str, Any]


def unit_of(key: str) -> str:
    k = key.lower()
    if k == "usd_per_gpu_hour" or k.endswith("usd_per_hour"):
        return "usd/GPU-hour"
    if k == "usd" or k.endswith("_usd") or k.startswith("usd_"):
        return "usd"
    if "gpu_hours" in k:
        return "GPU-hours"
    if "kwh" in k:
        return "kWh"
    if k.endswith("tflops"):
        return "TFLOP/s"
    if k == "flops" or k.endswith("_flops"):
        return "FLOP"
    if k in ("days",):
        return "days"
    if k == "gpus":
        return "GPUs"
    if k == "year" or (k.endswith("_year") and not k.endswith("per_year")):
        return "year"
    if k.endswith("_oom_per_year") or k.endswith("oom"):
        return "OOM/year"
    if any(w in k for w in ("share", "probability", "mfu", "tolerance", "utilization")):
        return "share"
    return ""


def _item_key(key: str) -> str:
    """The part a leaf key adds to the item: ``usd`` adds nothing, ``total_usd`` adds ``total``."""
    if key == "usd":
        return ""
    return key.removesuffix("_usd") if key.endswith("_usd") and key != "_usd" else key


def _label(el: dict[str, Any], index: int) -> str:
    for k in IDS:
        v = el.get(k)
        if isinstance(v, (str, int)) and not isinstance(v, bool):
            return str(v)
    return str(index)


def _is_summary(node: Any) -> bool:
    return (isinstance(node, dict) and bool(node) and set(node) <= set(STATISTICS)
            and all(isinstance(v, (int, float)) for v in node.values()))


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _walk(node: Any, item: list[str], key: str, text: bool,
          inherited: str = "") -> Iterator[tuple[str, str, Any, str]]:
    """(item, statistic, value, unit) for every number under ``node`` (``key``: the key it sits under)."""
    part = _item_key(key)
    here = [*item, part] if part else item
    unit = unit_of(key) or inherited
    if _is_summary(node):
        for s in STATISTICS:
            if s in node:
                yield ".".join(here) or key, s, node[s], unit
        return
    if isinstance(node, dict):
        scalars = [k for k, v in node.items() if _is_number(v) and k not in SKIP]
        labeled = any(k in node for k in IDS)
        for k, v in node.items():
            if k in SKIP and not isinstance(v, (dict, list)) and not (text and isinstance(v, str)):
                continue
            if labeled and len(scalars) > 1 and k in scalars:
                # several numbers of one element (a tornado row): the element is the item, each number a statistic
                yield ".".join(here) or key, _item_key(k) or k, v, unit_of(k)
            else:
                yield from _walk(v, here, str(k), text, unit)
        return
    if isinstance(node, list):
        prefix = item if key in ("", "items") else here
        for i, el in enumerate(node):
            if isinstance(el, dict):
                yield from _walk(el, [*prefix, _label(el, i)], "", text, unit)
            elif _is_number(el):
                yield ".".join([*here, str(i)]), "value", el, unit
        return
    if _is_number(node):
        yield ".".join(here) or key, "value", node, unit
    elif text and isinstance(node, str):
        yield ".".join(here) or key, "value", node, ""


def dollars_of(out: dict[str, Any]) -> str:
    """``nominal``, or the year (or YYYY-MM) of the constant dollars the amounts are in."""
    d = out.get("dollars")
    if isinstance(d, dict) and d.get("basis") == "constant":
        year, month = d.get("year"), d.get("month")
        return str(month) if month and month != f"{year}-12" else str(year)
    if isinstance(d, (str, int)) and not isinstance(d, bool):
        return str(d)
    return "nominal"


def rows(out: dict[str, Any], model: str | None = None, sections: tuple[str, ...] | None = None) -> list[Row]:
    """The long rows of one model's output (an estimate, a claim, a trend...): a view per top-level section."""
    name = model or str(out.get("name") or out.get("scenario") or "")
    dollars = dollars_of(out)
    result: list[Row] = []
    for section, node in out.items():
        if sections is not None and section not in sections:
            continue
        if section in SKIP and not isinstance(node, (dict, list)):
            continue
        if section in ("warnings", "overrides", "dollars"):
            continue
        for item, stat, value, unit in _walk(node, [], "", False):
            result.append({"model": inert(name), "view": section, "item": inert(item), "statistic": stat,
                           "value": inert(value) if isinstance(value, str) else value, "unit": unit,
                           "dollars": dollars})
    return result


def listing_rows(view: str, records: list[dict[str, Any]], key: str) -> list[Row]:
    """A catalog listing (models, hardware, labs): one row per field of each record, text fields included."""
    result: list[Row] = []
    for rec in records:
        name = str(rec.get(key, ""))
        for k, v in rec.items():
            if k == key or v is None or isinstance(v, (dict, list, bool)):
                continue
            result.append({"model": inert(name), "view": view, "item": k, "statistic": "value",
                           "value": inert(v) if isinstance(v, str) else v,
                           "unit": unit_of(k) if isinstance(v, (int, float)) else "", "dollars": "nominal"})
    return result


def to_csv(rs: list[Row]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for r in rs:
        w.writerow([_cell(r[c]) for c in COLUMNS])
    return buf.getvalue()


def _cell(v: Any) -> Any:
    return repr(v) if isinstance(v, float) else v


def inert(text: str) -> str:
    """Text a spreadsheet will not run as a formula: a leading =, +, -, @, tab or CR gets a quote before it."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
