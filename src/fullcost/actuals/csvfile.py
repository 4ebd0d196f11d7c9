"""The header of a CSV export (FOCUS bills, CodeCarbon's emissions.csv), read as the tools write it.

A UTF-8 BOM, ``\\r\\n`` endings and Latin-1 bytes are fine. Columns are read by position (``c0``, ``c1``, ...), so
a header name never reaches SQL: an empty name (the index column pandas writes, the trailing empty columns a
spreadsheet leaves) is a column like any other, which the importers leave out when nobody named it.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from fullcost.actuals import textfile
from fullcost.errors import InputError


def header(path: Path, what: str) -> list[str]:
    """The header's names (spaces kept, BOM removed); errors name ``what`` the file should have been."""
    if not path.exists():
        raise InputError("file not found", str(path))
    if path.is_dir():
        raise InputError(f"is a directory, expected {what}", str(path))
    first = textfile.first_line(path, what)
    if first is None:
        raise InputError(f"empty file: expected {what} with a header line", str(path))
    lineno, text = first
    if lineno != 1:
        raise InputError(f"a blank line before the header: expected {what} with its header on line 1", str(path),
                         lineno)
    if "\x00" in text:
        raise InputError(f"not a text file: expected {what}", str(path))
    try:
        row = next(csv.reader(io.StringIO(text)), None)
    except csv.Error as e:
        raise InputError(f"not a CSV header: {e}", str(path), 1) from None
    if not row:
        raise InputError(f"empty header line: expected {what}", str(path), 1)
    return row


def named(head: list[str]) -> dict[str, int]:
    """Position of each non-empty name, by its lower-case form (spaces around names ignored)."""
    out: dict[str, int] = {}
    for i, h in enumerate(head):
        k = h.strip().lower()
        if k and k not in out:
            out[k] = i
    return out


def duplicates(head: list[str]) -> list[str]:
    lower = [h.strip().lower() for h in head]
    return sorted({h.strip() for h in head if h.strip() and lower.count(h.strip().lower()) > 1})


def col(i: int) -> str:
    return f"c{i}"
