"""Text files as records read them: a header after blank lines or a UTF-8 BOM, any line ending, Latin-1 bytes.

A line ends at ``\\n``, ``\\r\\n`` or a lone ``\\r`` (both engines read them so); blank lines are not rows. A file
that is not UTF-8 throughout (a job name saved in Latin-1) is read through a UTF-8 copy in which each line that
is not UTF-8 is decoded as Latin-1, and the import says which lines those were.
"""

from __future__ import annotations

import codecs
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from fullcost.errors import InputError

BOM = "\ufeff"
_CHUNK = 1 << 20


def _open_error(path: Path, what: str, e: OSError) -> InputError:
    if isinstance(e, FileNotFoundError):
        return InputError("file not found", str(path))
    if isinstance(e, IsADirectoryError):
        return InputError(f"is a directory, expected {what}", str(path))
    return InputError(f"cannot read: {e.strerror or e}", str(path))


def read_text(path: Path, what: str, encoding: str = "utf-8") -> str:
    """A small file's whole text; one line naming the file when it is missing, a folder or not UTF-8."""
    try:
        return path.read_text(encoding=encoding)
    except UnicodeDecodeError:
        raise InputError(f"not UTF-8 text: expected {what}", str(path)) from None
    except OSError as e:
        raise _open_error(path, what, e) from None


def physical(path: Path, what: str = "a text file") -> Iterator[tuple[int, bytes]]:
    """(line number, bytes without the line ending) for every line, with any line ending."""
    try:
        f = open(path, "rb")  # noqa: SIM115  (closed below; a generator)
    except OSError as e:
        raise _open_error(path, what, e) from None
    with f:
        n = 0
        for raw in f:  # split at \n; a \r before it ends the same line, a lone \r ends one of its own
            body = raw[:-1] if raw.endswith(b"\n") else raw
            parts = body.split(b"\r")
            if body.endswith(b"\r"):
                parts = parts[:-1]  # \r\n ends one line
            for part in parts:
                n += 1
                yield n, part


def first_line(path: Path, what: str) -> tuple[int, str] | None:
    """The first line that is not blank, as text (line ending removed, and a BOM too), with its number; None when
    the file has none."""
    found = seen_line(path, what)
    return None if found is None else (found[0], found[1].removeprefix(BOM))


def seen_line(path: Path, what: str) -> tuple[int, str] | None:
    """The first line that is not blank as the engines read it: a BOM is dropped only at the start of the file."""
    for n, b in physical(path, what):
        text = decode(b)
        if text.removeprefix(BOM).strip():
            return n, text.removeprefix(BOM) if n == 1 else text
        if n > 1000:
            break
    return None


def decode(b: bytes) -> str:
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError:
        return b.decode("latin-1")


def nonblank_lines(path: Path, positions: list[int]) -> list[int]:
    """The line numbers of the k-th non-blank lines (k 1-based, as DuckDB numbers the lines it reads)."""
    want = sorted(set(positions))
    found: dict[int, int] = {}
    if want:
        k, i = 0, 0
        for n, b in physical(path):
            if b:
                k += 1
                if k == want[i]:
                    found[k] = n
                    i += 1
                    if i == len(want):
                        break
    return [found.get(p, p) for p in positions]


def is_utf8(path: Path) -> bool:
    dec = codecs.getincrementaldecoder("utf-8")()
    try:
        with open(path, "rb") as f:
            while chunk := f.read(_CHUNK):
                dec.decode(chunk)
            dec.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    except OSError as e:
        raise _open_error(path, "a text file", e) from None
    return True


def utf8_copy(path: Path, where: Path | None = None) -> tuple[Path, list[int]]:
    """A UTF-8 copy of ``path`` (lines that are not UTF-8 decoded as Latin-1, line endings kept as ``\\n``), and
    the numbers of those lines. The caller removes the copy."""
    # no leading dot in the name: Hadoop (Spark) skips such files and would read no rows
    fd, tmp = tempfile.mkstemp(prefix="fullcost-utf8-", suffix=".txt", dir=where)
    latin: list[int] = []
    try:
        with os.fdopen(fd, "wb") as out:
            for n, b in physical(path):
                try:
                    b.decode("utf-8")
                    out.write(b)
                except UnicodeDecodeError:
                    latin.append(n)
                    out.write(b.decode("latin-1").encode("utf-8"))
                out.write(b"\n")
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp), latin


def lines_note(latin: list[int]) -> str:
    shown = ", ".join(str(n) for n in latin[:10]) + (f" and {len(latin) - 10:,} more" if len(latin) > 10 else "")
    s = "s" if len(latin) > 1 else ""
    return f"{len(latin):,} line{s} not UTF-8, read as Latin-1 (line{s} {shown})"
