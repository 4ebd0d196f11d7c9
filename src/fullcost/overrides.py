"""Change one assumption anywhere: ``PATH=VALUE`` overrides of a scenario's fields or of the catalog's inputs.

PATH is either

- a scenario path, as the assumptions table, the tornado and error messages write it
  (``final_run.usd_per_gpu_hour``, ``staff.roles[0].share``, or a list item by its name:
  ``staff.roles[data annotation].share``). It is set in the scenario's data before validation, so the value is
  checked exactly as a file's would be; or
- a catalog input, by the name the run draws it under (``hardware.h800.tdp_w``,
  ``regions.china.staff.researcher_salary_usd``, ``defaults.useful_life_years``): the value is drawn in place of
  the catalog's wherever the run uses it. A catalog input the run never draws is an error naming it.

VALUE is written as in a scenario file (it is read as YAML): ``3``, ``$2.5``, ``"30% to 60%"``,
``{normal: [1, 0.1]}``, ``null`` (clears an optional field, so its default applies). The same parser serves the
command line (``--set``), a scenario file's ``set:`` section and the Python API (``set={...}``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from fullcost.errors import InputError
from fullcost.quantity import Dist, QuantityError, parse

CATALOG_ROOTS = ("hardware", "regions", "defaults", "replication")
SET = "--set"  # where an override given on the command line (or to the API) is said to come from

# Where a value came from: path -> (file or "--set", line)
Where = dict[tuple[str | int, ...], tuple[str, int | None]]

_TOKEN = re.compile(r"\[([^\]]*)\]|([^.\[\]]+)|(\.)")
NAME_KEYS = ("name", "role", "hardware")  # list items are addressed by the first of these they carry


@dataclass(frozen=True)
class Override:
    """One ``PATH=VALUE``: the value as YAML data and as written, and where it was given."""

    path: str
    value: Any
    text: str
    origin: str = SET  # "--set", or the scenario file that has it in its ``set:`` section
    line: int | None = None
    model: str | None = None  # with several models (compare, report): the one it is for; None for all

    @property
    def catalog(self) -> bool:
        return self.path.split(".", 1)[0] in CATALOG_ROOTS

    def __str__(self) -> str:
        return f"{self.path}={self.text}"

    def error(self, message: str, path: tuple[str | int, ...] = ()) -> InputError:
        return InputError(message, self.origin, self.line, path or (self.path,))


def _yaml_value(text: str, where: str) -> Any:
    import yaml

    from fullcost import yamlio

    if len(text) > 10_000:
        raise InputError(f"{where}: the value is {len(text):,} characters long (at most 10,000)", SET)
    try:
        data, _ = yamlio.loads(text, SET)
    except InputError as e:
        raise InputError(f"{where}: cannot read the value '{text}' ({e.message})", SET) from None
    except (yaml.YAMLError, RecursionError, ValueError):
        raise InputError(f"{where}: cannot read the value '{text}'", SET) from None
    return data


def parse_one(item: str, models: Sequence[str] = ()) -> Override:
    """``PATH=VALUE`` (or ``MODEL:PATH=VALUE`` where ``models`` are given) as an ``Override``."""
    head, eq, text = item.partition("=")
    head = head.strip()
    if not eq or not head:
        raise InputError(f"'{item}': expected PATH=VALUE, e.g. final_run.usd_per_gpu_hour=2.5", SET)
    model = None
    if ":" in head:
        model, _, head = head.rpartition(":")
        if models and model not in models:
            raise InputError(f"'{item}': '{model}' is not one of the models given ({', '.join(models)})", SET)
        if not models:
            raise InputError(f"'{item}': MODEL:PATH=VALUE is for commands that take several models", SET)
    check_path(head)
    if not text.strip():
        raise InputError(f"'{item}': give a value after '=' (null clears an optional field)", SET)
    return Override(head, _yaml_value(text, head), text.strip(), model=model)


def parse_all(items: Iterable[str], models: Sequence[str] = ()) -> tuple[Override, ...]:
    """Every ``PATH=VALUE`` of a command line; a path given twice for the same model is an error."""
    out = tuple(parse_one(s, models) for s in items)
    seen: set[tuple[str | None, str]] = set()
    for o in out:
        if (o.model, o.path) in seen:
            raise InputError(f"{o.path} is set twice", SET)
        seen.add((o.model, o.path))
    return out


def from_mapping(values: Mapping[str, Any] | Iterable[str] | None, models: Sequence[str] = ()) -> tuple[Override, ...]:
    """The Python API's ``set=``: a mapping of path to value (a string is read as YAML) or ``PATH=VALUE`` strings."""
    if values is None:
        return ()
    if isinstance(values, str):
        return parse_all([values], models)
    if not isinstance(values, Mapping):
        return parse_all(list(values), models)
    out = []
    for key, v in values.items():
        item = str(key)
        model = None
        if ":" in item and models:
            model, _, item = item.rpartition(":")
        check_path(item)
        if isinstance(v, str):
            out.append(Override(item, _yaml_value(v, item), v, model=model))
        else:
            out.append(Override(item, v, _text(v), model=model))
    return tuple(out)


def _text(v: Any) -> str:
    import json

    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float, str)):
        return f"{v:g}" if isinstance(v, float) else str(v)
    return json.dumps(v, default=str)


def for_model(overrides: Sequence[Override], model: str) -> tuple[Override, ...]:
    return tuple(o for o in overrides if o.model is None or o.model == model)


# --- paths ------------------------------------------------------------------------------------------------------

Token = str | int | tuple[str]  # a key, a list index, or a list item by name (a 1-tuple)


def tokens(path: str) -> list[Token]:
    """``staff.roles[0].share`` -> ['staff', 'roles', 0, 'share']; ``roles[data annotation]`` -> (..., ('data
    annotation',)). Raises ValueError on a malformed path."""
    out: list[Token] = []
    pos = 0
    expect_key = True
    while pos < len(path):
        m = _TOKEN.match(path, pos)
        if m is None:
            raise ValueError(path)
        if m.group(3):  # a dot
            if expect_key:
                raise ValueError(path)
            expect_key = True
        elif m.group(1) is not None:
            if not out:
                raise ValueError(path)
            inner = m.group(1).strip().strip("'\"")
            if not inner:
                raise ValueError(path)
            out.append(int(inner) if inner.isdigit() else (inner,))
            expect_key = False
        else:
            if not expect_key:
                raise ValueError(path)
            out.append(m.group(2).strip())
            expect_key = False
        pos = m.end()
    if expect_key:
        raise ValueError(path)
    return out


def check_path(path: str) -> None:
    if len(path) > 300:
        raise InputError(f"a path of {len(path)} characters (at most 300)", SET)
    if path.split(".", 1)[0] in CATALOG_ROOTS:
        return
    try:
        tokens(path)
    except ValueError:
        raise InputError(f"'{path}' is not a path (e.g. final_run.usd_per_gpu_hour, staff.roles[0].share, "
                         "hardware.h800.tdp_w)", SET) from None


def item_name(item: Any) -> str | None:
    if isinstance(item, Mapping):
        for k in NAME_KEYS:
            v = item.get(k)
            if isinstance(v, str):
                return v
    return None


def find_named(items: list[Any], name: str) -> int | None:
    """The index of the list item called ``name`` (exactly, else case-insensitively if that is unique)."""
    names = [item_name(it) for it in items]
    if name in names:
        return names.index(name)
    folded = [i for i, n in enumerate(names) if n is not None and n.casefold() == name.casefold()]
    return folded[0] if len(folded) == 1 else None


def known_names(items: list[Any]) -> str:
    names = [n for n in (item_name(it) for it in items) if n is not None]
    return ", ".join(names) if names else "its items have no names: use an index"


def apply(data: dict[str, Any], where: Where, o: Override) -> None:
    """Set a scenario path in ``data`` (in place), recording in ``where`` that the value came from ``o``."""
    try:
        toks = tokens(o.path)
    except ValueError:
        raise o.error(f"'{o.path}' is not a path") from None
    node: Any = data
    done: list[str | int] = []
    created: tuple[str | int, ...] | None = None
    for i, tok in enumerate(toks):
        last = i == len(toks) - 1
        if isinstance(node, list):
            if isinstance(tok, str):
                raise o.error("is a list: address an item as [0] or [NAME]", tuple(done))
            if isinstance(tok, int):
                if tok >= len(node):
                    raise o.error(f"has {len(node)} item(s), so [{tok}] is not one of them", tuple(done))
                idx = tok
            else:
                found = find_named(node, tok[0])
                if found is None:
                    raise o.error(f"has no item named '{tok[0]}' ({known_names(node)})", tuple(done))
                idx = found
            key: str | int = idx
        elif isinstance(node, dict):
            if not isinstance(tok, str):
                raise o.error("is a section, not a list", tuple(done))
            key = tok
        else:
            raise o.error("is a value, not a section or list", tuple(done))
        here = (*done, key)
        if last:
            if isinstance(node, list):
                node[key] = o.value  # type: ignore[index]
            else:
                node[key] = o.value
            break
        nxt = node[key] if not isinstance(node, dict) else node.get(key)
        if nxt is None:
            if isinstance(toks[i + 1], str):
                nxt = {}
                node[key] = nxt
                created = created or here
            else:
                raise o.error("is not a list", here)
        node = nxt
        done.append(key)
    full = tuple([*done, key])
    for p in [p for p in where if p[:len(full)] == full]:
        del where[p]
    where[full] = (o.origin, o.line)
    if created is not None:
        where[created] = (o.origin, o.line)


# --- catalog inputs ---------------------------------------------------------------------------------------------

_PRECISIONS = ("fp8", "bf16", "fp16", "tf32", "fp32", "int8")
_DEFAULT_ALIASES = {"hardware_price_performance": "hardware_price_performance_oom_per_year"}


@cache
def catalog_inputs() -> dict[str, tuple[str, Dist]]:
    """Every catalog input a run can draw, by name: its dimension and the catalog's value.

    Electricity prices are listed for the years the catalog has; ``regions.R.electricity.YEAR`` for any other
    year is the latest price at or before it (see ``catalog_input``)."""
    from fullcost import catalog

    out: dict[str, tuple[str, Dist]] = {}
    for cid, c in catalog.hardware().items():
        h = f"hardware.{cid}"
        for key in catalog.PEAK_KEYS:
            d = getattr(c, key)
            if d is not None:
                out[f"{h}.{key}"] = ("number", d)
        for p in _PRECISIONS:
            d = c.peak_tflops(p)
            if d is not None:
                out.setdefault(f"{h}.{p}_tflops", ("number", d))
        out[f"{h}.tdp_w"] = ("watts", c.tdp_w)
        out[f"{h}.server_overhead"] = ("multiplier", c.server_overhead)
        out[f"{h}.server_power_ratio"] = ("multiplier", c.server_power_ratio)
        out[f"{h}.power_fraction"] = ("fraction", c.power_fraction)
        price, rate = c.reference_price(), c.reference_rate()
        if price is not None:
            out[f"{h}.purchase.reference"] = ("usd", price.usd)
        if rate is not None:
            out[f"{h}.rental.reference"] = ("usd_per_hour", rate.usd_per_hour)
    staff_dims = {"benefits_overhead": "multiplier", "usd_per_cny": "number"}
    for rid, r in catalog.regions().items():
        if r.pue is not None:
            out[f"regions.{rid}.pue"] = ("multiplier", r.pue)
        for year, d in r.electricity:
            out[f"regions.{rid}.electricity.{year}"] = ("usd_per_kwh", d)
        for k, d in r.staff.items():
            out[f"regions.{rid}.staff.{k}"] = (staff_dims.get(k, "usd"), d)
    dims = catalog.raw("defaults")
    for k, d in catalog.defaults().items():
        out[f"defaults.{k}"] = (str(dims[k].get("dim", "number")), d)
    for alias, k in _DEFAULT_ALIASES.items():
        if f"defaults.{k}" in out:
            out[f"defaults.{alias}"] = out[f"defaults.{k}"]
    for step, stages in catalog.raw("replication").items():
        if isinstance(stages, dict):
            for stage, entry in stages.items():
                d = catalog.sourced(entry, "fraction")
                if d is not None:
                    out[f"replication.{step}.{stage}"] = ("fraction", d)
    return out


def catalog_input(name: str) -> tuple[str, Dist] | None:
    known = catalog_inputs().get(name)
    if known is not None:
        return known
    m = re.fullmatch(r"regions\.([^.]+)\.electricity\.(\d{4})", name)
    if m:
        from fullcost import catalog

        r = catalog.regions().get(m.group(1))
        d = r.electricity_for(int(m.group(2))) if r is not None else None
        if d is not None:
            return "usd_per_kwh", d
    return None


def catalog_dist(o: Override) -> Dist:
    """The distribution a catalog override draws, checked against the input's dimension."""
    found = catalog_input(o.path)
    if found is None:
        near = difflib.get_close_matches(o.path, list(catalog_inputs()), n=1, cutoff=0.6)
        hint = f" (did you mean '{near[0]}'?)" if near else " (`fullcost show NAME --inputs` lists them)"
        raise o.error(f"no catalog input named '{o.path}'{hint}")
    dim, default = found
    if o.value is None:
        raise o.error("a catalog input needs a value (null only clears a scenario field)")
    try:
        d = parse(o.value, dim)
    except QuantityError as e:
        raise o.error(str(e)) from None
    if d.ref is not None:
        raise o.error("a catalog input cannot refer to a scenario's inputs: give its value")
    origin = "set on the command line" if o.origin == SET else f"set in {o.origin}"
    return d.with_meta(source=d.source or origin, note=d.note or f"replaces the catalog's {default.text}")


def unused(overrides: Sequence[Override], drawn: Iterable[str]) -> InputError | None:
    """An error for the first catalog override that the run never drew (it would change nothing), or None."""
    drawn_set = set(drawn)
    for o in overrides:
        if o.catalog and o.path not in drawn_set:
            root = ".".join(o.path.split(".")[:1])
            near = difflib.get_close_matches(o.path, sorted(n for n in drawn_set if n.startswith(root)), n=1,
                                             cutoff=0.5)
            hint = f" (did you mean '{near[0]}'?)" if near else ""
            return o.error(f"this run never draws '{o.path}', so setting it would change nothing{hint}")
    return None
