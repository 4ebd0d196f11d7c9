"""Where a ledger lives and how its queries run: an embedded DuckDB file (the default) or Spark.

Logic is written once as Ibis expressions over unbound tables (``Ledger.table``) and compiled to each engine's
SQL (``Ledger.sql``); each engine runs the SQL on its own connection. (Ibis is used as a compiler only: its DuckDB
backend does not run on DuckDB 2.) What differs by engine is storage and how an import is made atomic:

- DuckDB (``actuals.duck``): one database file; every import is one transaction (BEGIN ... COMMIT), so a crash
  or kill leaves the ledger as it was; DuckDB lets one process write at a time.
- Spark (``actuals.spark``): a directory of Parquet parts and a ``manifest.json`` naming the parts of each table.
  An import writes new parts, then replaces the manifest in one rename; parts no manifest names are leftovers of
  a killed import and are ignored (and removed by the next import). A lock file lets one process write at a time.

Nothing a user typed is pasted into SQL: file paths are bound as variables, CSV columns are read by position,
settings are checked (``actuals.settings``) and passed as parameters, and values in expressions are literals
that the compiler quotes.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fullcost.actuals import schema as sch
from fullcost.errors import InputError

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import pyarrow as pa

FORMAT = 2  # 2: jobs carry the array task or heterogeneous component (``task``) in their key
ENGINES = ("duckdb", "spark")
MANIFEST = "manifest.json"

_SQL_TYPES = {"string": "VARCHAR", "int64": "BIGINT", "timestamp": "TIMESTAMP", "boolean": "BOOLEAN"}
_SPARK_TYPES = {"string": "STRING", "int64": "BIGINT", "timestamp": "TIMESTAMP", "boolean": "BOOLEAN"}
SPARK_EXTRA = "the spark engine needs pyspark: pip install 'fullcost[spark]'"


class BusyError(InputError):
    """The ledger is being written by another process."""


def sql_type(t: str, spark: bool = False) -> str:
    if t.startswith("decimal"):
        return t.upper().replace(" ", "")
    return (_SPARK_TYPES if spark else _SQL_TYPES)[t]


def q(name: str) -> str:
    """A quoted SQL identifier (DuckDB and Spark both need it for names such as ``end`` and ``user``)."""
    return '"' + name.replace('"', '""') + '"'


def bq(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def compile_sql(expr: ir.Expr, dialect: str) -> str:
    """An Ibis expression as SQL of one engine (``duckdb`` or ``pyspark``)."""
    from fullcost.actuals import compiler

    return compiler.to_sql(expr, dialect)


class Ledger(ABC):
    """An open ledger. Use as a context manager, or call ``close``."""

    engine: str
    path: Path
    dialect: str

    @property
    def memo(self) -> dict[str, Any]:
        """Answers to small questions (is a table empty?) until the next import."""
        if not hasattr(self, "_memo"):
            self._memo: dict[str, Any] = {}
        return self._memo

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @abstractmethod
    def close(self) -> None: ...

    def table(self, name: str) -> ir.Table:
        import ibis

        return ibis.table(sch.BY_NAME[name].columns, name=name)

    def sql(self, expr: ir.Expr) -> str:
        return compile_sql(expr, self.dialect)

    @abstractmethod
    def rows(self, expr: ir.Expr) -> list[tuple[Any, ...]]:
        """Run a query with a small result and fetch it."""

    def scalar(self, expr: ir.Expr) -> Any:
        r = self.rows(expr)
        return r[0][0] if r else None

    # --- raw inputs, registered under a name and returned as unbound tables -------------------------------
    @abstractmethod
    def lines(self, name: str, path: Path, header: str | None, numbered: bool) -> ir.Table:
        """A text file as rows of ``line``, blank lines and lines equal to ``header`` left out, with ``_line``: a
        position that ``line_numbers`` turns into the line number (when ``numbered``)."""

    def line_numbers(self, path: Path, positions: list[int]) -> list[int]:
        """The line numbers in the file of ``_line`` values of ``lines``."""
        return list(positions)

    @abstractmethod
    def csv(self, name: str, path: Path, width: int, numbered: bool) -> ir.Table:
        """A CSV file with a header line, as text columns ``c0`` .. ``c{width-1}`` (by position: the header's names
        never reach SQL) plus ``_line`` when numbered (see ``csv_lines``)."""

    @abstractmethod
    def csv_rejects(self) -> list[tuple[int, str]]:
        """Records of the last CSV read that are not rows of the header's width: (line, what is wrong), one each."""

    @abstractmethod
    def csv_lines(self, rows: list[int], rejects: list[tuple[int, str]]) -> list[int]:
        """The line numbers of CSV rows from their ``_line`` values."""

    def ordered(self, on: bool) -> None:  # noqa: B027  (only DuckDB needs it)
        """Keep file order in scans (DuckDB needs it for line numbers)."""

    @abstractmethod
    def parquet(self, name: str, path: Path, columns: list[str]) -> ir.Table:
        """A Parquet file, every column as text (``c0`` ...), with ``_line`` = row number (1-based)."""

    @abstractmethod
    def parquet_columns(self, path: Path) -> list[str]: ...

    @abstractmethod
    def arrow(self, name: str, data: pa.Table) -> ir.Table:
        """An in-memory table (JSON inputs flattened in Python)."""

    # --- config and the import log ------------------------------------------------------------------------
    @abstractmethod
    def config(self, key: str) -> tuple[str, str] | None:
        """A stored configuration file: (its name, its text), or None."""

    @abstractmethod
    def set_config(self, key: str, name: str, text: str) -> None: ...

    def count(self, name: str) -> int:
        t = self.table(name)
        return int(self.scalar(t.count()) or 0)


def arrow_schema(data: pa.Table) -> dict[str, str]:
    import pyarrow as pa

    out: dict[str, str] = {}
    for f in data.schema:
        if pa.types.is_integer(f.type):
            out[f.name] = "int64"
        elif pa.types.is_string(f.type) or pa.types.is_large_string(f.type) or pa.types.is_null(f.type):
            out[f.name] = "string"
        else:
            raise TypeError(f"unexpected column type {f.type} for {f.name}")
    return out


def csv_reason(width: int, fields: int | None) -> str:
    """Why a CSV record is not a row: the one message both engines give."""
    if fields is None:
        return "not a CSV row (an unterminated or misplaced quote?)"
    if fields < width:
        return f"truncated row: {fields} of {width} fields"
    return f"too many fields: {fields}, expected {width}"


def count_fields(text: str) -> int | None:
    """The fields of one CSV record, as Python's csv module reads it; None when it is not one."""
    import csv
    import io

    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error:
        return None
    return len(rows[0]) if len(rows) == 1 else None


# --------------------------------------------------------------------------------------------------------


def detect(path: Path) -> str:
    if path.is_dir():
        return "spark"
    return "duckdb"


def _spark_module() -> Any:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise InputError(SPARK_EXTRA) from None
    from fullcost.actuals import spark

    return spark


def _settings() -> None:
    """The ledger's environment variables, checked before anything else (a typo is the first thing said)."""
    from fullcost.actuals import settings

    settings.threads()
    settings.memory_limit()


def init(path: str | Path, engine: str = "duckdb") -> Ledger:
    """Create a ledger at ``path``: a DuckDB file, or (engine ``spark``) a directory."""
    _settings()
    p = Path(path)
    if engine not in ENGINES:
        raise InputError(f"unknown engine '{engine}' (known: {', '.join(ENGINES)})")
    if p.exists():
        raise InputError("already exists: choose a new path for the ledger", str(p))
    if not p.parent.is_dir():
        raise InputError(f"no such directory: {p.parent}", str(p))
    if engine == "spark":
        return _spark_module().SparkLedger(p, create=True)  # type: ignore[no-any-return]
    from fullcost.actuals.duck import DuckLedger

    return DuckLedger(p, create=True)


def open_ledger(path: str | Path, read_only: bool = False, wait: float = 0.0) -> Ledger:
    """An existing ledger; a writer waits up to ``wait`` seconds for another writer to finish."""
    _settings()
    p = Path(path)
    if not p.exists():
        raise InputError("no ledger here (create one with `fullcost ledger init PATH`)", str(p))
    deadline = time.monotonic() + max(wait, 0.0)
    while True:
        try:
            if detect(p) == "spark":
                return _spark_module().SparkLedger(p, read_only=read_only)  # type: ignore[no-any-return]
            from fullcost.actuals.duck import DuckLedger

            return DuckLedger(p, read_only=read_only)
        except BusyError as e:
            if time.monotonic() >= deadline:
                if wait > 0:
                    raise BusyError(f"{e.message} (waited {wait:g} s)", e.file) from None
                raise
            time.sleep(min(0.1, max(deadline - time.monotonic(), 0.0)))
