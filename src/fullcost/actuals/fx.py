"""The few functions whose spelling differs by engine, behind one name, so the logic around them is written once.

- ``split``: DuckDB splits on a literal, Spark on a regular expression;
- ``strict_time``: a timestamp in one exact format, NULL when the text is not one (DuckDB ``try_strptime``,
  Spark ``try_to_timestamp``), several times faster than a cast.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ibis.expr.types as ir


class Fx:
    def __init__(self, dialect: str) -> None:
        self.dialect = dialect

    @property
    def spark(self) -> bool:
        return self.dialect == "pyspark"

    def split(self, s: ir.StringValue, sep: str) -> ir.ArrayValue:
        return s.split(re.escape(sep) if self.spark else sep)

    def iso_time(self, s: ir.StringValue) -> ir.TimestampValue:
        """``YYYY-MM-DDTHH:MM:SS`` (how sacct prints times) as a timestamp, else NULL."""
        if self.spark:
            return _try_to_timestamp(s, "yyyy-MM-dd'T'HH:mm:ss")
        return _try_strptime(s, "%Y-%m-%dT%H:%M:%S")

    def trim(self, s: ir.StringValue) -> ir.StringValue:
        """Spaces off both ends (Ibis's ``strip`` writes ``\\v`` into Spark SQL, where it means the letter v)."""
        if not _cache:
            _cache.extend(_builtins())
        return _cache[2](s)  # type: ignore[operator,no-any-return]

    def any_time(self, s: ir.StringValue) -> ir.TimestampValue:
        """A timestamp written as ISO 8601 or the way exports do (``2024-09-18 22:00:00``, ``...T22:00:00Z``,
        ``+00:00``), read as UTC; else NULL."""
        txt = self.trim(s).re_replace(r"(?i)(z|[+-]00:?00|\s*utc)$", "").replace("T", " ")
        return txt.try_cast("timestamp")


def _builtins() -> tuple[object, object, object]:
    import ibis

    sig = (("string", "string"), "timestamp")

    def try_strptime(s: object, fmt: object) -> object:
        """DuckDB's try_strptime."""

    def try_to_timestamp(s: object, fmt: object) -> object:
        """Spark's try_to_timestamp."""

    def trim(s: object) -> object:
        """TRIM(s): spaces off both ends, in DuckDB and Spark alike."""

    return (ibis.udf.scalar.builtin(try_strptime, name="try_strptime", signature=sig),
            ibis.udf.scalar.builtin(try_to_timestamp, name="try_to_timestamp", signature=sig),
            ibis.udf.scalar.builtin(trim, name="trim", signature=(("string",), "string")))


_cache: list[object] = []


def _try_strptime(s: ir.StringValue, fmt: str) -> ir.TimestampValue:
    if not _cache:
        _cache.extend(_builtins())
    return _cache[0](s, fmt)  # type: ignore[operator,no-any-return]


def _try_to_timestamp(s: ir.StringValue, fmt: str) -> ir.TimestampValue:
    if not _cache:
        _cache.extend(_builtins())
    return _cache[1](s, fmt)  # type: ignore[operator,no-any-return]
