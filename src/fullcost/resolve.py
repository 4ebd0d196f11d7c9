"""What a user names, resolved into one scenario: a catalog name or a file, ``@VARIANT``, ``extends:``, the file's
``set:`` section and ``--set`` overrides. Every value keeps the file and line it was written on, so an error in an
inherited value points into the file that has it, and an error in an override names ``--set``.

Merging (``extends`` and variants alike): mappings merge key by key; a list is replaced by a list; a mapping given
where the base has a list of named items changes those items by name (``name``, ``role`` or ``hardware``)::

    extends: deepseek-v3
    staff:
      roles:
        data annotation: {share: 50% to 90%}   # only this role changes; the others are inherited
"""

from __future__ import annotations

import copy
import os
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fullcost import overrides as ov
from fullcost import yamlio
from fullcost.errors import InputError, dotted
from fullcost.lru import Lru
from fullcost.overrides import Override, Where

if TYPE_CHECKING:
    from fullcost.scenario import Doc

MAX_EXTENDS = 8


def where_of(file: str, pos: yamlio.Positions) -> Where:
    return {p: (file, line) for p, line in pos.items()}


def locate(where: Where, path: tuple[str | int, ...], default: str) -> tuple[str, int | None]:
    """The file and line of ``path``: those of the longest prefix of it that has a known origin."""
    p = tuple(path)
    while True:
        hit = where.get(p)
        if hit is not None:
            return hit
        if not p:
            return default, None
        p = p[:-1]


def split_ref(ref: str) -> tuple[str, str | None]:
    """``NAME@VARIANT`` -> (NAME, VARIANT); an empty variant (``NAME@``) is an error, not the base scenario."""
    if Path(ref).is_file() or "@" not in ref:
        return ref, None
    base, _, variant = ref.rpartition("@")
    if not variant.strip():
        raise InputError(f"'{ref}': no variant after '@' (give NAME@VARIANT, or NAME alone for the base scenario)",
                         ref)
    return base, variant


def find(ref: str, relative_to: Path | None = None) -> tuple[Path, str | None]:
    """The YAML file and variant a reference names: a file (relative to ``relative_to`` if given) or a catalog
    model, either with an optional ``@VARIANT``."""
    from fullcost import catalog

    for cand in ([relative_to / ref] if relative_to is not None else []) + [Path(ref)]:
        if cand.is_file():
            return cand, None
    whole = None if ref.rstrip().endswith("@") else catalog.model_path(ref)  # a name may hold '@' or '/'
    # ("CLIP (ViT L/14@336px)"); a trailing '@' is an empty variant, never the base model
    if whole is not None:
        return whole, None
    base, variant = split_ref(ref)
    for cand in ([relative_to / base] if relative_to is not None else []) + [Path(base)]:
        if cand.is_file():
            return cand, variant
    path = catalog.model_path(base)
    if path is not None:
        return path, variant
    if Path(base).suffix in (".yaml", ".yml") or "/" in base:
        raise InputError("file not found", base)
    raise InputError(f"no such file and no catalog model named '{base}'{catalog.unknown_model_hint(base)}", ref)


# --- merging with provenance ------------------------------------------------------------------------------------

def _take(out: Where, src: Where, tpath: tuple[str | int, ...], spath: tuple[str | int, ...]) -> None:
    """``out`` forgets what it had under ``tpath`` and takes ``src``'s origins under ``spath`` there instead."""
    n = len(tpath)
    for p in [p for p in out if p[:n] == tpath]:
        del out[p]
    m = len(spath)
    for p, w in src.items():
        if p[:m] == spath:
            out[(*tpath, *p[m:])] = w


def merge(base: Any, over: Any, out: Where, src: Where, tpath: tuple[str | int, ...] = (),
          spath: tuple[str | int, ...] = ()) -> Any:
    """``over`` merged into ``base``; ``out`` (base's origins) is updated with ``src``'s for what ``over`` set."""
    if isinstance(base, dict) and isinstance(over, dict):
        res = dict(base)
        for k, v in over.items():
            if k in base:
                res[k] = merge(base[k], v, out, src, (*tpath, k), (*spath, k))
            else:
                res[k] = v
                _take(out, src, (*tpath, k), (*spath, k))
        return res
    if isinstance(base, list) and isinstance(over, dict) and over and any(ov.item_name(b) for b in base):
        items = list(base)
        for k, v in over.items():
            i = ov.find_named(items, str(k))
            if i is None:
                file, line = locate(src, (*spath, k), "")
                raise InputError(f"no item named '{k}' in {dotted(tpath)} ({ov.known_names(items)}); a list "
                                 "replaces the whole list", file or None, line, (*tpath, str(k)))
            items[i] = merge(items[i], v, out, src, (*tpath, i), (*spath, k))
        return items
    _take(out, src, tpath, spath)
    return over


def with_variant(data: dict[str, Any], where: Where, variant: str, file: str) -> tuple[dict[str, Any], Where]:
    """The scenario with the named variant merged in; origins point into the variant."""
    variants = data.get("variants")
    if not isinstance(variants, dict) or variant not in variants:
        known = ", ".join(variants) if isinstance(variants, dict) and variants else "none"
        f, line = locate(where, ("variants",), file)
        raise InputError(f"no variant '{variant}' (variants: {known})", f, line)
    over = variants[variant]
    if not isinstance(over, dict) or not over:
        f, line = locate(where, ("variants", variant), file)
        raise InputError(f"variant '{variant}' is {'empty' if not over else 'not a mapping'}: a variant is a mapping "
                         "of the fields it changes", f, line, ("variants", variant))
    base = {k: v for k, v in data.items() if k != "variants"}
    out = {p: w for p, w in where.items() if p[:1] != ("variants",)}
    merged = merge(base, over, out, where, (), ("variants", variant))
    merged["name"] = f"{data.get('name', Path(file).stem)}@{variant}"
    merged["variant"] = variant
    return merged, out


# --- reading files ----------------------------------------------------------------------------------------------

def read(path: Path, chain: tuple[str, ...] = ()) -> tuple[dict[str, Any], Where]:
    """A scenario file's data with ``extends`` resolved (recursively), and the origin of every value."""
    deps = _READING.get()
    if deps is not None:
        deps.append(_stamp(path))
    data, pos = yamlio.load(path)
    return layered(data, where_of(str(path), pos), str(path), path.parent, (*chain, str(path.resolve())))


def layered(data: Any, where: Where, file: str, folder: Path | None,
            chain: tuple[str, ...] = ()) -> tuple[dict[str, Any], Where]:
    if not isinstance(data, dict):
        raise InputError("a scenario must be a YAML mapping", file, 1)
    ext = data.get("extends")
    if ext is None:
        return data, where
    f, line = locate(where, ("extends",), file)
    if not isinstance(ext, str) or not ext.strip():
        raise InputError("expected NAME or NAME@VARIANT: a catalog model or a scenario file", f, line, ("extends",))
    if len(chain) > MAX_EXTENDS:
        raise InputError(f"more than {MAX_EXTENDS} levels of extends", f, line, ("extends",))
    try:
        path, variant = find(ext.strip(), folder)
    except InputError as e:
        raise InputError(e.message, f, line, ("extends",)) from None
    if str(path.resolve()) in chain:
        raise InputError(f"'{ext}' extends this file again (a cycle)", f, line, ("extends",))
    base, bwhere = read(path, chain)
    if variant is not None:
        try:
            base, bwhere = with_variant(base, bwhere, variant, str(path))
        except InputError as e:
            raise InputError(f"{ext}: {e.message}", f, line, ("extends",)) from None
    out = dict(bwhere)
    merged = merge(base, data, out, where)
    out[()] = (file, 1)
    return merged, out


# --- the scenario ---------------------------------------------------------------------------------------------

def _file_overrides(data: dict[str, Any], where: Where, file: str) -> list[Override]:
    sets = data.get("set")
    if sets is None:
        return []
    f, line = locate(where, ("set",), file)
    if not isinstance(sets, dict):
        raise InputError("expected a mapping of PATH: VALUE (as --set PATH=VALUE)", f, line, ("set",))
    out = []
    for k, v in sets.items():
        kf, kline = locate(where, ("set", str(k)), file)
        try:
            ov.check_path(str(k))
        except InputError as e:
            raise InputError(e.message, kf, kline, ("set", str(k))) from None
        out.append(Override(str(k), v, ov._text(v), kf, kline))
    return out


def finish(data: dict[str, Any], where: Where, file: str, variant: str | None = None,
           overrides: tuple[Override, ...] = (), check_variants: bool = True) -> Doc:
    """Validate the scenario (and each of its variants), then apply ``variant`` and the overrides."""
    from fullcost import scenario

    unvaried = (data, where)
    if check_variants:
        _check_variants(data, where, file)
    if variant is not None:
        data, where = with_variant(data, where, variant, file)
    given = [*_file_overrides(data, where, file), *overrides]
    if any(not o.catalog for o in given):
        data, where = copy.deepcopy(data), dict(where)
        for o in given:
            if not o.catalog:
                ov.apply(data, where, o)
    catalog = {o.path: ov.catalog_dist(o) for o in given if o.catalog}
    doc = scenario.from_data(data, file, where=where)
    doc.unvaried, doc.overrides, doc.catalog, doc.data = unvaried, tuple(overrides), catalog, data
    doc.set_here = tuple(o for o in given if o.origin != ov.SET)
    return doc


def _check_variants(data: dict[str, Any], where: Where, file: str) -> None:
    """Every variant of a file is checked when the file is read, so a typo in one is found before it is run."""
    from fullcost import scenario

    variants = data.get("variants")
    if not isinstance(variants, dict):
        return
    for name in variants:
        try:
            vdata, vwhere = with_variant(data, where, str(name), file)
            scenario.from_data(vdata, file, where=vwhere)
        except InputError as e:
            if e.message.startswith(f"variant '{name}'"):
                raise
            raise InputError(f"variant '{name}': {e.message}", e.file, e.line, e.path) from None


def load(ref: str | Path, overrides: tuple[Override, ...] = ()) -> Doc:
    """A scenario by catalog name or file, with an optional ``@VARIANT``, ``extends`` resolved, overrides applied."""
    path, variant = (Path(ref), None) if isinstance(ref, Path) else find(ref)
    return load_file(path, variant, overrides)


def load_file(path: Path, variant: str | None = None, overrides: tuple[Override, ...] = ()) -> Doc:
    entry = FILES.get(path)
    if entry is None:
        data, where = read(path)
        return finish(data, where, str(path), variant, overrides)
    data, where = copy.deepcopy(entry.data), dict(entry.where)
    if not entry.checked:
        _check_variants(data, where, str(path))
        entry.checked = True
    return finish(data, where, str(path), variant, overrides, check_variants=False)


# --- catalog files kept ---------------------------------------------------------------------------------------

_READING: ContextVar[list[tuple[Any, ...]] | None] = ContextVar("_READING", default=None)


def _stamp(path: Path) -> tuple[Any, ...]:
    """What tells one version of a file from another: where it is, its inode, times and size (None if it is not
    there: reading it will say so)."""
    try:
        st = os.stat(path)
    except OSError:
        return (str(path), None)
    return (str(path), st.st_ino, st.st_mtime_ns, st.st_ctime_ns, st.st_size)


@dataclass
class Kept:
    data: dict[str, Any]  # never handed out: callers get copies
    where: Where
    deps: tuple[tuple[Any, ...], ...]  # the stamps of every file read (the file and those it extends)
    checked: bool = False  # its variants were validated


class Files:
    """Catalog scenario files as read (``extends`` resolved), kept for the next load: a served recompute loads the
    same model with a new override each time. Package data only: a user's file is read afresh each time. An entry
    is used while every file it was read from has the same inode, times and size; each load gets its own deep
    copy. Bounded (least recently used out) and thread-safe; ``FILES.max_files = 0`` keeps none."""

    def __init__(self, max_files: int) -> None:
        self._kept: Lru[Kept] = Lru(max_files)

    @property
    def max_files(self) -> int:
        return self._kept.max_items

    @max_files.setter
    def max_files(self, n: int) -> None:
        self._kept.max_items = n

    def get(self, path: Path) -> Kept | None:
        """The entry for ``path`` (read now where none is kept or its files changed); None for a file outside the
        catalog, or with none kept."""
        from fullcost import catalog

        if self.max_files <= 0 or not path.resolve().is_relative_to(catalog.DATA.resolve()):
            return None
        key = str(path)
        entry = self._kept.get(key)
        if entry is not None and all(_stamp(Path(d[0])) == d for d in entry.deps):
            return entry
        deps: list[tuple[Any, ...]] = []
        token = _READING.set(deps)
        try:
            data, where = read(path)
        finally:
            _READING.reset(token)
        entry = Kept(copy.deepcopy(data), dict(where), tuple(deps))
        self._kept.put(key, entry)
        return entry

    def clear(self) -> None:
        self._kept.clear()


FILES = Files(256)


def from_data(data: Any, file: str = "<data>", overrides: tuple[Override, ...] = (),
              pos: yamlio.Positions | None = None) -> Doc:
    """A scenario given as data (a dict from Python, or YAML text already parsed); ``extends`` names a catalog
    model or a file relative to the working directory."""
    merged, where = layered(copy.deepcopy(data), where_of(file, pos or {}), file, None)
    return finish(merged, where, file, None, overrides)


def variant_of(doc: Doc, variant: str | None) -> Doc:
    """The same scenario (same file, same overrides) with another variant, or none."""
    if doc.unvaried is None:
        from fullcost.scenario import load as plain

        return plain(Path(doc.file), variant)
    data, where = doc.unvaried
    return finish(data, where, doc.file, variant, doc.overrides, check_variants=False)


def overridden(data: Any, pos: yamlio.Positions, file: str, overrides: tuple[Override, ...],
               validate: Any) -> Any:
    """Overrides applied to a file other than a model scenario (a lab): ``validate(data, file, positions)`` builds
    the document; an error in a value that an override set names ``--set``. The document gets ``overrides``,
    ``catalog`` (the catalog inputs they replace) and ``hits`` (those its runs drew)."""
    if not isinstance(data, dict):
        return validate(data, file, pos)
    data = copy.deepcopy(data)
    where = where_of(file, pos)
    for o in overrides:
        if not o.catalog:
            ov.apply(data, where, o)
    set_paths = [p for p, (f, _) in where.items() if f == ov.SET]
    kept = {p: line for p, line in pos.items() if not any(p[:len(s)] == s for s in set_paths)}
    try:
        doc = validate(data, file, kept)
    except InputError as e:
        if any(tuple(e.path[:len(s)]) == s for s in set_paths):
            raise InputError(e.message, ov.SET, None, e.path) from None
        raise
    doc.overrides = tuple(overrides)
    doc.catalog = {o.path: ov.catalog_dist(o) for o in overrides if o.catalog}
    doc.hits = set()
    return doc
