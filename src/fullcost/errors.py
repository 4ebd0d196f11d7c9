"""Errors a user can act on: one line naming the file, line, field and what was expected."""

from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass
class InputError(Exception):
    """Bad input. ``str()`` gives the one line the CLI prints before exiting with code 2."""

    message: str
    file: str | None = None
    line: int | None = None
    path: tuple[str | int, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        super().__init__(self.message)

    @property
    def field_name(self) -> str:
        return dotted(self.path)

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        fld = f"{self.field_name}: " if self.path else ""
        return printable(f"{where}{fld}{self.message}")

    def located(self, file: str | None, line: int | None) -> InputError:
        return InputError(self.message, self.file or file, self.line or line, self.path)


def printable(text: str) -> str:
    """``text`` on one line: line breaks, tabs and other control or format characters (a right-to-left override)
    that a file or an argument carried are shown escaped, as Python writes them."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def dotted(path: tuple[str | int, ...]) -> str:
    out = ""
    for p in path:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += ("." if out else "") + str(p)
    return out


def nonfinite(obj: object, path: str = "") -> str | None:
    """The path of the first non-finite float (inf, nan) in JSON-like data, or None: JSON has no such numbers."""
    if isinstance(obj, float):
        return None if math.isfinite(obj) else (path or "the top level")
    if isinstance(obj, dict):
        for k, v in obj.items():
            found = nonfinite(v, f"{path}.{k}" if path else str(k))
            if found:
                return found
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            found = nonfinite(v, f"{path}[{i}]")
            if found:
                return found
    return None
