"""Read YAML keeping the line of every value, so errors can name the file, line and field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from fullcost.errors import InputError

Positions = dict[tuple[str | int, ...], int]


def _walk(node: yaml.Node, path: tuple[str | int, ...], pos: Positions, file: str) -> Any:
    pos[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for k_node, v_node in node.value:
            if k_node.tag == "tag:yaml.org,2002:merge":
                raise InputError("YAML merge keys ('<<') are not supported", file, k_node.start_mark.line + 1, path)
            if not isinstance(k_node, yaml.ScalarNode):
                raise InputError("a mapping key must be a plain value", file, k_node.start_mark.line + 1, path)
            try:
                key = _scalar(k_node)
            except (ValueError, OverflowError) as e:
                raise InputError(f"cannot read key {k_node.value!r}: {e}", file, k_node.start_mark.line + 1,
                                 path) from None
            if key in out:
                raise InputError(f"duplicate key '{key}'", file, k_node.start_mark.line + 1, path)
            out[key] = _walk(v_node, (*path, str(key)), pos, file)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_walk(v, (*path, i), pos, file) for i, v in enumerate(node.value)]
    try:
        return _scalar(node)
    except (ValueError, OverflowError) as e:  # e.g. an impossible date such as 2024-02-30
        raise InputError(f"cannot read {node.value!r}: {e}", file, node.start_mark.line + 1, path) from None


class _Loader(yaml.SafeLoader):
    pass


_LOADER = _Loader("")
# libyaml's parser when PyYAML was built with it (ten times faster on the catalog); the nodes and marks are the same
_COMPOSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _scalar(node: yaml.Node) -> Any:
    return _LOADER.construct_object(node, deep=True)


def loads(text: str, file: str = "<string>") -> tuple[Any, Positions]:
    """Parse YAML text into plain data and a map from each value's path to its line (1-based)."""
    try:
        node = yaml.compose(text, Loader=_COMPOSER)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        what = (e.problem or e.context or "invalid YAML").strip()
        raise InputError(f"invalid YAML: {what}", file, line) from None
    except yaml.YAMLError as e:
        raise InputError(f"invalid YAML: {e}", file) from None
    pos: Positions = {}
    if node is None:
        return None, pos
    try:
        return _walk(node, (), pos, file), pos
    except yaml.YAMLError as e:
        raise InputError(f"invalid YAML: {e}", file) from None


def load(path: str | Path) -> tuple[Any, Positions]:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("file not found", str(path)) from None
    except IsADirectoryError:
        raise InputError("is a directory, expected a YAML file", str(path)) from None
    except UnicodeDecodeError as e:
        raise InputError(f"not UTF-8 text (byte {e.start})", str(path)) from None
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror}", str(path)) from None
    return loads(text, str(path))


def line_of(pos: Positions, path: tuple[str | int, ...]) -> int | None:
    """The line of the longest prefix of ``path`` that the file has."""
    p = tuple(path)
    while p:
        if p in pos:
            return pos[p]
        p = p[:-1]
    return pos.get(())
