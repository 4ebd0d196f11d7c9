"""Read YAML keeping the line of every value, so errors can name the file, line and field.

Hostile files get one line too: the text, each value, the nesting and what aliases expand to are capped
(``MAX_*`` below), a recursive alias is refused, and only the plain YAML types are read (no ``!!binary``,
``!!python/...`` or custom tags).
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import yaml

from fullcost.errors import InputError

Positions = dict[tuple[str | int, ...], int]

MAX_BYTES = 32 * 1024 * 1024  # a file (the catalog's largest is ~50 KB)
MAX_SCALAR = 10_000  # characters in one value or key (the catalog's longest is ~900)
MAX_DEPTH = 100  # levels of nesting (a scenario uses fewer than ten)
MAX_VALUES = 2_000_000  # values in the whole document, aliases expanded
MAX_ALIASED = 100_000  # values reached through aliases (a "billion laughs" file reaches billions)

_T = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_T + t for t in ("null", "bool", "int", "float", "str", "timestamp")}
_MAP_TAGS, _SEQ_TAGS = {_T + "map"}, {_T + "seq"}


class _Walk:
    """Turns the composed nodes into plain data, counting what aliases expand to and refusing cycles."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.pos: Positions = {}
        self.seen: set[int] = set()
        self.open: set[int] = set()  # the nodes on the current path: meeting one again is a recursive alias
        self.values = 0
        self.aliased = 0

    def fail(self, message: str, node: yaml.Node, path: tuple[str | int, ...]) -> InputError:
        return InputError(message, self.file, node.start_mark.line + 1, path)

    def walk(self, node: yaml.Node, path: tuple[str | int, ...], via_alias: bool = False) -> Any:
        key = id(node)
        if key in self.open:
            raise self.fail("a YAML alias refers to a value that contains it (a recursive alias)", node, path)
        if key in self.seen:
            via_alias = True  # a second visit: this node is reached through an alias
        self.seen.add(key)
        self.values += 1
        if via_alias:
            self.aliased += 1
            if self.aliased > MAX_ALIASED:
                raise self.fail(f"YAML aliases expand to more than {MAX_ALIASED:,} values (an alias bomb?)",
                                node, path)
        if self.values > MAX_VALUES:
            raise self.fail(f"more than {MAX_VALUES:,} values", node, path)
        if len(path) > MAX_DEPTH:
            raise self.fail(f"nested deeper than {MAX_DEPTH} levels", node, path[:3])
        self.pos[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            if node.tag not in _MAP_TAGS:
                raise self.fail(f"unsupported YAML tag '{_short(node.tag)}' (plain mappings only)", node, path)
            self.open.add(key)
            out = self._mapping(node, path, via_alias)
            self.open.discard(key)
            return out
        if isinstance(node, yaml.SequenceNode):
            if node.tag not in _SEQ_TAGS:
                raise self.fail(f"unsupported YAML tag '{_short(node.tag)}' (plain lists only)", node, path)
            self.open.add(key)
            out_list = [self.walk(v, (*path, i), via_alias) for i, v in enumerate(node.value)]
            self.open.discard(key)
            return out_list
        return _scalar(node, path, self.file)

    def _mapping(self, node: yaml.MappingNode, path: tuple[str | int, ...], via_alias: bool) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        for k_node, v_node in node.value:
            if k_node.tag == _T + "merge":
                raise self.fail("YAML merge keys ('<<') are not supported", k_node, path)
            if not isinstance(k_node, yaml.ScalarNode):
                raise self.fail("a mapping key must be a plain value", k_node, path)
            key = _scalar(k_node, path, self.file)
            if key in out:
                raise self.fail(f"duplicate key '{key}'", k_node, path)
            out[key] = self.walk(v_node, (*path, str(key)), via_alias)
        return out


class _Loader(yaml.SafeLoader):
    pass


class _PyComposer(yaml.SafeLoader):
    """PyYAML's own parser (used only where PyYAML lacks libyaml), with a cap on nesting so that a deep file
    gives a line, not a RecursionError (libyaml has its own cap)."""

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH + 1:
                raise yaml.composer.ComposerError(None, None, f"nested deeper than {MAX_DEPTH} levels",
                                                  self.peek_event().start_mark)  # type: ignore[no-untyped-call]
            return super().compose_node(parent, index)  # type: ignore[no-any-return]
        finally:
            self._depth -= 1


_LOADER = _Loader("")
# libyaml's parser when PyYAML was built with it (ten times faster on the catalog); the nodes and marks are the same
_COMPOSER = getattr(yaml, "CSafeLoader", _PyComposer)


def _scalar(node: yaml.Node, path: tuple[str | int, ...], file: str) -> Any:
    line = node.start_mark.line + 1
    text = node.value
    if len(text) > MAX_SCALAR:
        raise InputError(f"a value of {len(text):,} characters (at most {MAX_SCALAR:,})", file, line, path)
    tag = node.tag
    shown = text if len(text) <= 60 else text[:57] + "..."
    if tag not in _SCALAR_TAGS:
        raise InputError(f"unsupported YAML tag '{_short(tag)}' on {shown!r} (plain values only)", file, line, path)
    if tag == _T + "timestamp" and not _LOADER.timestamp_regexp.match(text):
        raise InputError(f"cannot read {shown!r} as a date (YYYY-MM-DD)", file, line, path)
    if tag == _T + "bool" and text.lower() not in _LOADER.bool_values:
        raise InputError(f"cannot read {shown!r} as true or false", file, line, path)
    try:
        return _LOADER.construct_object(node, deep=True)
    except (ValueError, OverflowError) as e:  # e.g. an impossible date such as 2024-02-30, !!int 12abc
        raise InputError(f"cannot read {shown!r}: {e}", file, line, path) from None


def _short(tag: str) -> str:
    return "!!" + tag[len(_T):] if tag.startswith(_T) else tag


def _one_line(e: yaml.YAMLError, text: str) -> tuple[str, int | None]:
    """What a YAML error says, on one line, and the line it points at."""
    if isinstance(e, yaml.MarkedYAMLError):
        mark = e.problem_mark or e.context_mark
        what = " ".join(p.strip() for p in (e.context, e.problem) if p) or "invalid YAML"
        return " ".join(what.split()), (mark.line + 1 if mark else None)
    if isinstance(e, yaml.reader.ReaderError):
        char = e.character if isinstance(e.character, int) else ord(e.character[:1] or "\0")
        return f"unacceptable character #x{char:04x}: {e.reason}", text.count("\n", 0, e.position) + 1
    return " ".join(str(e).split()), None


def loads(text: str, file: str = "<string>") -> tuple[Any, Positions]:
    """Parse YAML text into plain data and a map from each value's path to its line (1-based)."""
    if len(text) > MAX_BYTES:
        raise InputError(f"{len(text):,} characters: larger than any scenario or catalog file "
                         f"(at most {MAX_BYTES:,})", file)
    try:
        node = yaml.compose(text, Loader=_COMPOSER)
    except yaml.YAMLError as e:
        what, line = _one_line(e, text)
        raise InputError(f"invalid YAML: {what}", file, line) from None
    if node is None:
        return None, {}
    w = _Walk(file)
    return w.walk(node, ()), w.pos


def read_text(path: str | Path, what: str = "a YAML file", limit: int | None = None) -> str:
    """A UTF-8 text file of at most ``limit`` bytes; a folder, a device (``/dev/zero``), a pipe or a larger
    file is refused with one line before anything is read."""
    p = Path(path)
    limit = MAX_BYTES if limit is None else limit
    try:
        st = p.stat()
        if stat.S_ISDIR(st.st_mode):
            raise InputError(f"is a directory, expected {what}", str(path))
        if not stat.S_ISREG(st.st_mode):
            raise InputError(f"not a regular file, expected {what}", str(path))
        if st.st_size > limit:
            raise InputError(f"{st.st_size:,} bytes: larger than {what} can be (at most {limit:,})", str(path))
        return p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("file not found", str(path)) from None
    except IsADirectoryError:
        raise InputError(f"is a directory, expected {what}", str(path)) from None
    except UnicodeDecodeError as e:
        raise InputError(f"not UTF-8 text (byte {e.start})", str(path)) from None
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror}", str(path)) from None


def load(path: str | Path) -> tuple[Any, Positions]:
    return loads(read_text(path), str(path))


def line_of(pos: Positions, path: tuple[str | int, ...]) -> int | None:
    """The line of the longest prefix of ``path`` that the file has."""
    p = tuple(path)
    while p:
        if p in pos:
            return pos[p]
        p = p[:-1]
    return pos.get(())
