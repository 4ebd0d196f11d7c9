"""A pydantic validation error as the one line a user needs: file, line, field, what was expected."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from functools import cache
from typing import Any

from pydantic import BaseModel, ValidationError

from fullcost import yamlio
from fullcost.errors import InputError
from fullcost.plausible import Implausible


@cache
def all_keys(root: type[BaseModel]) -> tuple[str, ...]:
    """Every field name under a model, for "did you mean" suggestions."""
    keys: set[str] = set()
    seen: set[str] = set()

    def visit(cls: type[BaseModel]) -> None:
        for name, f in cls.model_fields.items():
            keys.add(name)
            for sub in _models_in(f.annotation):
                if sub.__name__ not in seen:
                    seen.add(sub.__name__)
                    visit(sub)

    visit(root)
    return tuple(sorted(keys))


def _models_in(ann: Any) -> list[type[BaseModel]]:
    out: list[type[BaseModel]] = []
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        out.append(ann)
    for a in getattr(ann, "__args__", ()) or ():
        out.extend(_models_in(a))
    return out


def _message(err: Any, root: type[BaseModel]) -> str:
    kind, msg = err["type"], str(err["msg"])
    loc = err["loc"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        near = difflib.get_close_matches(key, all_keys(root), n=1)
        return f"unknown key '{key}'" + (f" (did you mean '{near[0]}'?)" if near else "")
    if kind == "missing":
        return "required but missing"
    if kind == "literal_error":
        return f"got {err.get('input')!r}; {msg[0].lower() + msg[1:]}"
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix):]
    return msg


def _clean_loc(loc: tuple[Any, ...]) -> tuple[str | int, ...]:
    def keep(p: Any) -> bool:
        return isinstance(p, int) or not ("[" in str(p) or str(p).startswith("function-"))

    return tuple(p for p in loc if keep(p))


def input_error(e: ValidationError, file: str, positions: yamlio.Positions, root: type[BaseModel],
                fix_path: Callable[[tuple[str | int, ...]], tuple[str | int, ...]] | None = None) -> InputError:
    """The one line a user needs from a pydantic error: file, line, field and what was expected."""
    # a misspelt key shows up as both "unknown" and "missing": report the unknown one, it names the typo
    errs = sorted(e.errors(), key=lambda x: {"extra_forbidden": 0, "missing": 2}.get(x["type"], 1))
    err = errs[0]
    path = _clean_loc(err["loc"])
    located = (err.get("ctx") or {}).get("error")
    if isinstance(located, Implausible):  # raised for the whole model, about one of its fields
        path = (*path, *located.path)
    if fix_path is not None:
        path = fix_path(path)
    return InputError(_message(err, root), file, yamlio.line_of(positions, path), path)
