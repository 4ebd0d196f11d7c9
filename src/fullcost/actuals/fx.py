"""The few functions whose spelling differs by engine, behind one name, so the logic around them is written once.

- ``split``: DuckDB splits on a literal, Spark on a regular expression;
- ``iso_time``: a timestamp in sacct's one exact format, NULL when the text is not one (DuckDB ``try_strptime``,
  Spark ``try_to_timestamp``), several times faster than a cast;
- ``any_time``: the date-times real exports write (ISO 8601 with or without ``T``, ``Z`` or an offset, which is
  converted to UTC; ``YYYY-MM-DD HH:MM:SS``; ``M/D/YY`` and ``M/D/YYYY`` as Excel saves them, with an optional
  time and AM/PM), NULL for anything else and for a year outside ``YEARS``: a date is never guessed.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import ibis.expr.types as ir

YEARS = (1990, 2099)  # a record dated outside these years is an error, never stored
PLAUSIBLE = f"in the years {YEARS[0]} to {YEARS[1]}"
_FAST = r"^\d{4}-\d{2}-\d{2}[T ]([01]\d|2[0-3]):[0-5]\d:[0-5]\dZ?$"
_HMS = r"(?:[T ]([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(\.\d{1,9})?)?)?"
_ISO = r"^(\d{4})-(\d{1,2})-(\d{1,2})" + _HMS + r" ?(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$"
_US = r"^(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})" + _HMS.replace("[T ]", "[T ]+") + r" ?(AM|PM)?$"
NUMBER = r"^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]{1,3})?$"
# an amount as a spreadsheet shows it: $10,100.00, -$5.00, ($1,000.00)
_MONEY = r"^(-|[(])?[$]?[0-9]{1,3}(,[0-9]{3})*([.][0-9]+)?[)]?$|^(-|[(])?[$][0-9]+([.][0-9]+)?[)]?$"


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
            return _udf(1)(s, "yyyy-MM-dd'T'HH:mm:ss")  # type: ignore[no-any-return]
        return _udf(0)(s, "%Y-%m-%dT%H:%M:%S")  # type: ignore[no-any-return]

    def trim(self, s: ir.StringValue) -> ir.StringValue:
        """Spaces off both ends (Ibis's ``strip`` writes ``\\v`` into Spark SQL, where it means the letter v)."""
        return _udf(2)(s)  # type: ignore[no-any-return]

    def number(self, s: ir.StringValue, typ: str, money: bool = False) -> ir.NumericValue:
        """A decimal number as text (``12``, ``-0.5``, ``1.2e-05``), else NULL: the same on both engines, which
        cast other texts (``1_000``, ``0x1F``, ``inf``) differently. With ``money``, also an amount as a
        spreadsheet formats it (``$10,100.00``, ``($5.00)`` for -5)."""
        import ibis

        t = self.trim(s)
        cases = [(t.re_search(NUMBER), t.try_cast(typ))]
        if money:
            neg = t.startswith("-") | t.startswith("(")
            digits = t.replace("$", "").replace(",", "").replace("(", "").replace(")", "").replace("-", "")
            shown = (t.contains("$") | t.contains(",")) & t.re_search(_MONEY) & (t.startswith("(") == t.endswith(")"))
            cases.append((shown, ibis.cases((neg, ("-" + digits).try_cast(typ)), else_=digits.try_cast(typ))))
        return ibis.cases(*cases, else_=ibis.null(typ))

    def whole(self, v: ir.NumericValue, lo: float, hi: float) -> ir.IntegerValue:
        """``v`` as a whole number when it is one between ``lo`` and ``hi``, else NULL (a cast of 1e30 to an integer
        is an error on DuckDB, not a NULL)."""
        import ibis

        ok = v.notnull() & (v >= lo) & (v <= hi) & (v == v.floor())
        return ibis.cases((ok, v.cast("int64")), else_=ibis.null("int64"))

    def bounded(self, v: ir.NumericValue, typ: str, limit: float = 1e20) -> ir.NumericValue:
        """``v`` cast to a decimal type when it fits, else NULL."""
        import ibis

        return ibis.cases((v.notnull() & (v.abs() < limit), v.cast(typ)), else_=ibis.null(typ))

    def any_time(self, s: ir.StringValue) -> ir.TimestampValue:
        import ibis

        t = self.trim(s).upper()
        fast = t.replace("T", " ").replace("Z", "").try_cast("timestamp")
        return plausible(ibis.cases((t.re_search(_FAST), fast), (t.re_search(_ISO), _iso(t)),
                                    (t.re_search(_US), _us(t)), else_=ibis.null("timestamp")))


def plausible(ts: ir.TimestampValue) -> ir.TimestampValue:
    """``ts``, or NULL when its year is outside ``YEARS``."""
    import ibis

    return ibis.cases((ts.year().between(*YEARS), ts), else_=ibis.null("timestamp"))


def out_of_years(ts: ir.TimestampValue) -> ir.BooleanValue:
    """A time outside ``YEARS`` (compared with two constants: cheaper than the year of ten million times)."""
    import ibis

    lo, hi = ibis.timestamp(f"{YEARS[0]}-01-01 00:00:00"), ibis.timestamp(f"{YEARS[1] + 1}-01-01 00:00:00")
    return (ts < lo) | (ts >= hi)


def _two(v: ir.StringValue) -> ir.StringValue:
    return v.lpad(2, "0")


def _stamp(y: ir.StringValue, mo: ir.StringValue, d: ir.StringValue, h: ir.StringValue, mi: ir.StringValue,
           sec: ir.StringValue, frac: ir.StringValue) -> ir.TimestampValue:
    import ibis

    sec = ibis.cases((sec == "", "00"), else_=sec)
    mi = ibis.cases((mi == "", "00"), else_=mi)
    text = (y + "-" + _two(mo) + "-" + _two(d) + " " + _two(ibis.cases((h == "", "0"), else_=h)) + ":" + mi + ":"
            + sec + frac.substr(0, 7))
    return text.try_cast("timestamp")


def _iso(t: ir.StringValue) -> ir.TimestampValue:
    import ibis

    def g(i: int) -> ir.StringValue:
        return t.re_extract(_ISO, i)

    ts = _stamp(g(1), g(2), g(3), g(4), g(5), g(6), g(7))
    off = g(8)
    sign = ibis.cases((off.startswith("-"), -1), else_=1)
    digits = off.replace(":", "")
    minutes = ibis.cases((off.isin(["", "Z", "UTC", "GMT"]), 0),
                         else_=sign * (digits.substr(1, 2).try_cast("int64") * 60
                                       + ibis.cases((digits.length() > 3, digits.substr(3, 2)), else_="0")
                                       .try_cast("int64")))
    return ts - minutes.cast("int32").as_interval("m")


def _us(t: ir.StringValue) -> ir.TimestampValue:
    import ibis

    def g(i: int) -> ir.StringValue:
        return t.re_extract(_US, i)

    yy = g(3)
    year = ibis.cases((yy.length() == 4, yy), (yy.try_cast("int64") < 30, "20" + yy), else_="19" + yy)
    h, ampm = g(4), g(8)
    hour = ibis.cases((ampm == "", h),
                      (h == "", "0"),
                      else_=(h.try_cast("int64") % 12 + ibis.cases((ampm == "PM", 12), else_=0)).cast("string"))
    bad_ampm = (ampm != "") & (h != "") & ((h.try_cast("int64") > 12) | (h.try_cast("int64") == 0))
    ts = _stamp(year, g(1), g(2), hour, g(5), g(6), g(7))
    return ibis.cases((bad_ampm, ibis.null("timestamp")), else_=ts)


_cache: list[Any] = []


def _udf(i: int) -> Any:
    if not _cache:
        import ibis

        sig = (("string", "string"), "timestamp")

        def try_strptime(s: object, fmt: object) -> object:
            """DuckDB's try_strptime."""

        def try_to_timestamp(s: object, fmt: object) -> object:
            """Spark's try_to_timestamp."""

        def trim(s: object) -> object:
            """TRIM(s): spaces off both ends, in DuckDB and Spark alike."""

        _cache.extend([ibis.udf.scalar.builtin(try_strptime, name="try_strptime", signature=sig),
                       ibis.udf.scalar.builtin(try_to_timestamp, name="try_to_timestamp", signature=sig),
                       ibis.udf.scalar.builtin(trim, name="trim", signature=(("string",), "string"))])
    return _cache[i]
