"""Where a ledger lives and how its queries run: an embedded DuckDB file (the default) or Spark.

Logic is written once as Ibis expressions over unbound tables (``Ledger.table``) and compiled to each engine's
SQL with ``ibis.to_sql``; each engine runs the SQL on its own connection. (Ibis is used as a compiler only:
its DuckDB backend does not run on DuckDB 2.) What differs by engine is storage and how an import is made
atomic:

- DuckDB: one database file; every import is one transaction (BEGIN ... COMMIT), so a crash or kill leaves
  the ledger as it was.
- Spark: a directory of Parquet parts and a ``manifest.json`` naming the parts of each table. An import writes
  new parts, then replaces the manifest in one rename; parts no manifest names are leftovers of a killed
  import and are ignored (and removed by the next import).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fullcost.actuals import schema as sch
from fullcost.errors import InputError

if TYPE_CHECKING:
    import duckdb
    import ibis.expr.types as ir
    import pyarrow as pa
    from pyspark.sql import DataFrame, SparkSession

FORMAT = 1
ENGINES = ("duckdb", "spark")
MANIFEST = "manifest.json"

_SQL_TYPES = {"string": "VARCHAR", "int64": "BIGINT", "timestamp": "TIMESTAMP", "boolean": "BOOLEAN"}
_SPARK_TYPES = {"string": "STRING", "int64": "BIGINT", "timestamp": "TIMESTAMP", "boolean": "BOOLEAN"}


def sql_type(t: str, spark: bool = False) -> str:
    if t.startswith("decimal"):
        return t.upper().replace(" ", "")
    return (_SPARK_TYPES if spark else _SQL_TYPES)[t]


def q(name: str) -> str:
    """A quoted SQL identifier (DuckDB and Spark both need it for names such as ``end`` and ``user``)."""
    return '"' + name.replace('"', '""') + '"'


def bq(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


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
        import ibis

        return str(ibis.to_sql(expr, dialect=self.dialect))

    @abstractmethod
    def rows(self, expr: ir.Expr) -> list[tuple[Any, ...]]:
        """Run a query with a small result and fetch it."""

    def scalar(self, expr: ir.Expr) -> Any:
        r = self.rows(expr)
        return r[0][0] if r else None

    # --- raw inputs, registered under a name and returned as unbound tables -------------------------------
    @abstractmethod
    def lines(self, name: str, path: Path, skip_first: bool, numbered: bool) -> ir.Table:
        """A text file as rows of ``line`` (and ``_line``, its 1-based number, when ``numbered``)."""

    @abstractmethod
    def csv(self, name: str, path: Path, columns: list[str], numbered: bool) -> ir.Table:
        """A CSV file with a header, every column text, plus ``_line`` when numbered (see ``csv_lines``)."""

    @abstractmethod
    def csv_rejects(self) -> list[tuple[int, str]]:
        """Records of the last CSV read that are not rows of the header's width: (line, what is wrong)."""

    @abstractmethod
    def csv_lines(self, rows: list[int], rejects: list[tuple[int, str]]) -> list[int]:
        """The line numbers of CSV rows from their ``_line`` values."""

    def ordered(self, on: bool) -> None:  # noqa: B027  (only DuckDB needs it)
        """Keep file order in scans (DuckDB needs it for line numbers)."""

    @abstractmethod
    def parquet(self, name: str, path: Path, columns: list[str]) -> ir.Table:
        """A Parquet file, every column as text, with ``_line`` = row number (1-based)."""

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


# --------------------------------------------------------------------------------------------------------
# DuckDB


def _duckdb_error(path: Path, e: Exception) -> InputError:
    msg = str(e).splitlines()[0]
    if "lock" in msg.lower():
        return InputError("the ledger is in use by another process (DuckDB allows one writer): try again when "
                          "it finishes", str(path))
    if "not a valid duckdb database" in msg.lower() or "unable to open" in msg.lower():
        return InputError("not a fullcost ledger (create one with `fullcost ledger init PATH`)", str(path))
    return InputError(f"cannot open the ledger: {msg}", str(path))


class DuckLedger(Ledger):
    engine = "duckdb"
    dialect = "duckdb"

    def __init__(self, path: Path, create: bool = False, read_only: bool = False) -> None:
        import duckdb

        self.path = path
        try:
            self.con: duckdb.DuckDBPyConnection = duckdb.connect(str(path), read_only=read_only and not create)
        except duckdb.Error as e:
            raise _duckdb_error(path, e) from None
        threads = os.environ.get("FULLCOST_THREADS") or str(os.cpu_count() or 2)
        self.con.execute(f"SET threads = {int(threads)}")
        self.con.execute("SET enable_progress_bar = false")
        with suppress(duckdb.Error):  # Ibis writes lambdas as `x -> ...`, which DuckDB 2 wants enabled
            self.con.execute("SET lambda_syntax = 'ENABLE_SINGLE_ARROW'")
        self.con.execute(f"SET memory_limit = '{os.environ.get('FULLCOST_MEMORY_LIMIT', '1GB')}'")
        if not read_only:
            self.con.execute(f"SET temp_directory = '{_lit(str(path) + '.tmp')}'")
        if create:
            self._create()
        else:
            self._check()

    def _create(self) -> None:
        self.con.execute("BEGIN TRANSACTION")
        self.con.execute("CREATE TABLE fullcost_meta (format BIGINT, engine VARCHAR, created TIMESTAMP)")
        self.con.execute(f"INSERT INTO fullcost_meta VALUES ({FORMAT}, 'duckdb', current_timestamp::TIMESTAMP)")
        for spec in sch.ALL_TABLES:
            cols = [f"{q(c)} {sql_type(t)}" for c, t in spec.columns.items()]
            if spec in sch.DATA_TABLES:
                cols += ['"_err" VARCHAR', '"_skip" VARCHAR']
            self.con.execute(f"CREATE TABLE {q(spec.name)} ({', '.join(cols)})")
        self.con.execute("COMMIT")

    def _check(self) -> None:
        import duckdb

        try:
            r = self.con.execute("SELECT format FROM fullcost_meta").fetchone()
        except duckdb.Error:
            self.con.close()
            raise InputError("not a fullcost ledger (create one with `fullcost ledger init PATH`)",
                             str(self.path)) from None
        if r is None or int(r[0]) != FORMAT:
            self.con.close()
            raise InputError(f"ledger format {r[0] if r else '?'} is not the one this fullcost reads ({FORMAT})",
                             str(self.path))

    def close(self) -> None:
        with suppress(Exception):
            self.con.close()
        tmp = Path(str(self.path) + ".tmp")
        if tmp.is_dir() and not any(tmp.iterdir()):
            with suppress(OSError):
                tmp.rmdir()

    def execute(self, sql: str) -> None:
        self.con.execute(sql)

    def fetch(self, sql: str) -> list[tuple[Any, ...]]:
        return self.con.execute(sql).fetchall()

    def rows(self, expr: ir.Expr) -> list[tuple[Any, ...]]:
        return self.fetch(self.sql(expr))

    def physical(self, name: str) -> ir.Table:
        """A data table with the two columns an import uses while it runs (``_err``, ``_skip``)."""
        import ibis

        return ibis.table({**sch.BY_NAME[name].columns, "_err": "string", "_skip": "string"}, name=name)

    def lines(self, name: str, path: Path, skip_first: bool, numbered: bool) -> ir.Table:
        import ibis

        src = (f"read_csv('{_lit(str(path))}', columns = {{'line': 'VARCHAR'}}, delim = '\\x01', quote = '', "
               f"escape = '', header = {str(skip_first).lower()}, auto_detect = false, nullstr = '\\x02\\x03')")
        first = 2 if skip_first else 1
        num = f"row_number() OVER () + {first - 1}" if numbered else "CAST(NULL AS BIGINT)"
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW {q(name)} AS SELECT line, {num} AS _line FROM {src}")
        return ibis.table({"line": "string", "_line": "int64"}, name=name)

    def csv(self, name: str, path: Path, columns: list[str], numbered: bool) -> ir.Table:
        import duckdb
        import ibis

        cols = ", ".join(f"'{_lit(c)}': 'VARCHAR'" for c in columns)
        src = (f"read_csv('{_lit(str(path))}', header = true, auto_detect = false, delim = ',', quote = '\"', "
               f"escape = '\"', columns = {{{cols}}}, store_rejects = true, rejects_table = '_rej_errors', "
               f"rejects_scan = '_rej_scans', max_line_size = 20000000)")
        num = "row_number() OVER ()" if numbered else "CAST(NULL AS BIGINT)"
        sel = ", ".join(q(c) for c in columns)
        with suppress(duckdb.Error):
            self.con.execute("DROP TABLE IF EXISTS _rej_errors")
        with suppress(duckdb.Error):
            self.con.execute("DROP TABLE IF EXISTS _rej_scans")
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW {q(name)} AS SELECT {sel}, {num} AS _line FROM {src}")
        return ibis.table({**{c: "string" for c in columns}, "_line": "int64"}, name=name)

    def csv_rejects(self) -> list[tuple[int, str]]:
        """Records of the last CSV scan that are not rows of the header's width: (line, what is wrong)."""
        import duckdb

        try:
            rows = self.con.execute("SELECT DISTINCT line, error_type, error_message, column_name FROM _rej_errors "
                                    "ORDER BY line").fetchall()
        except duckdb.Error:
            return []
        return [(int(ln), _csv_reason(kind, msg, col)) for ln, kind, msg, col in rows]

    def csv_lines(self, rows: list[int], rejects: list[tuple[int, str]]) -> list[int]:
        """Line numbers of accepted CSV rows (1-based among the accepted): the header is line 1 and rejected
        records keep their own lines."""
        bad = sorted({ln for ln, _ in rejects})
        out = []
        for j in rows:
            line = j + 1
            k = 0
            while k < len(bad) and bad[k] <= line:
                k += 1
                line = j + 1 + k
            out.append(line)
        return out

    def ordered(self, on: bool) -> None:
        """Keep file order in scans (needed for ``row_number() OVER ()`` line numbers; slower)."""
        self.con.execute(f"SET preserve_insertion_order = {str(on).lower()}")

    def parquet(self, name: str, path: Path, columns: list[str]) -> ir.Table:
        import ibis

        sel = ", ".join(f"CAST({q(c)} AS VARCHAR) AS {q(c)}" for c in columns)
        self.con.execute("SET preserve_insertion_order = true")
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW {q(name)} AS SELECT {sel}, row_number() OVER () AS _line "
                         f"FROM read_parquet('{_lit(str(path))}')")
        return ibis.table({**{c: "string" for c in columns}, "_line": "int64"}, name=name)

    def parquet_columns(self, path: Path) -> list[str]:
        return [r[0] for r in self.con.execute(f"DESCRIBE SELECT * FROM read_parquet('{_lit(str(path))}')").fetchall()]

    def arrow(self, name: str, data: pa.Table) -> ir.Table:
        import ibis

        self.con.register(name + "_arrow", data)
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {q(name)} AS SELECT * FROM {q(name + '_arrow')}")
        self.con.unregister(name + "_arrow")
        return ibis.table(_arrow_schema(data), name=name)

    def config(self, key: str) -> tuple[str, str] | None:
        r = self.con.execute("SELECT name, text FROM config WHERE key = ?", [key]).fetchone()
        return (str(r[0]), str(r[1])) if r else None

    def set_config(self, key: str, name: str, text: str) -> None:
        self.con.execute("BEGIN TRANSACTION")
        self.con.execute("DELETE FROM config WHERE key = ?", [key])
        self.con.execute("INSERT INTO config VALUES (?, ?, ?)", [key, name, text])
        self.con.execute("COMMIT")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            with suppress(Exception):
                self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")


def _lit(s: str) -> str:
    return s.replace("'", "''")


def _csv_reason(kind: str, msg: str, col: str | None) -> str:
    kind = (kind or "").upper()
    if kind == "MISSING COLUMNS":
        return f"truncated row: {msg.strip()}"
    if kind == "TOO MANY COLUMNS":
        return f"too many fields: {msg.strip()}"
    if kind == "UNQUOTED VALUE":
        return f"{col + ': ' if col else ''}unterminated or misplaced quote"
    return f"{col + ': ' if col else ''}{msg.strip()}"


def _arrow_schema(data: pa.Table) -> dict[str, str]:
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


# --------------------------------------------------------------------------------------------------------
# Spark

_SESSION: SparkSession | None = None


def spark_session() -> SparkSession:
    """The one SparkSession of this process: the active one (spark-submit, a cluster), else local mode."""
    global _SESSION
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise InputError("the spark engine needs pyspark: pip install 'fullcost[spark]'") from None
    active = SparkSession.getActiveSession()
    if active is not None:
        _SESSION = active
    if _SESSION is None:
        b = SparkSession.builder.appName("fullcost")
        if not os.environ.get("SPARK_REMOTE") and not os.environ.get("MASTER"):
            b = b.master(os.environ.get("FULLCOST_SPARK_MASTER", "local[2]"))
            # small local jobs: no web UI or progress bar, few shuffle partitions, no adaptive re-planning
            b = b.config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
            b = b.config("spark.sql.shuffle.partitions", "2").config("spark.sql.adaptive.enabled", "false")
            b = b.config("spark.driver.memory", os.environ.get("FULLCOST_SPARK_MEMORY", "2g"))
        _SESSION = b.config("spark.sql.session.timeZone", "UTC").getOrCreate()
        _SESSION.sparkContext.setLogLevel("ERROR")
    _SESSION.conf.set("spark.sql.session.timeZone", "UTC")
    # out-of-range list indexes and bad casts read as NULL (as in DuckDB): bad rows are found, not fatal
    _SESSION.conf.set("spark.sql.ansi.enabled", "false")
    return _SESSION


class SparkLedger(Ledger):
    engine = "spark"
    dialect = "pyspark"

    def __init__(self, path: Path, create: bool = False) -> None:
        import ibis
        from ibis.backends.pyspark import Backend

        if getattr(ibis.options, "pyspark", None) is None:
            Backend.register_options()  # the options its SQL compiler reads

        self.path = path
        self.spark = spark_session()
        if create:
            path.mkdir(parents=True, exist_ok=False)
            (path / "parts").mkdir()
            self.manifest: dict[str, Any] = {"fullcost_ledger": FORMAT, "engine": "spark",
                                              "created": dt.datetime.now(dt.UTC).isoformat(),
                                              "tables": {t.name: [] for t in sch.DATA_TABLES},
                                              "imports": [], "config": {}}
            self._write_manifest(self.manifest)
        else:
            self.manifest = self._read_manifest()
        self._views: set[str] = set()
        self._rejects: list[tuple[int, str]] = []
        self._refresh()

    def _read_manifest(self) -> dict[str, Any]:
        p = self.path / MANIFEST
        try:
            m = json.loads(p.read_text())
        except FileNotFoundError:
            raise InputError("not a fullcost ledger (no manifest.json)", str(self.path)) from None
        except (OSError, json.JSONDecodeError) as e:
            raise InputError(f"unreadable ledger manifest: {e}", str(p)) from None
        if not isinstance(m, dict) or m.get("fullcost_ledger") != FORMAT:
            raise InputError("not a fullcost ledger of this version", str(p))
        return m

    def _write_manifest(self, m: dict[str, Any]) -> None:
        tmp = self.path / f".{MANIFEST}.{uuid.uuid4().hex}.tmp"
        with open(tmp, "w") as f:
            json.dump(m, f, indent=1, default=str)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path / MANIFEST)
        fd = os.open(self.path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def _df(self, spec: sch.TableSpec) -> DataFrame:
        parts = [str(self.path / p) for p in self.manifest["tables"].get(spec.name, [])]
        ddl = ", ".join(f"{bq(c)} {sql_type(t, spark=True)}" for c, t in spec.columns.items())
        if not parts:
            return self.spark.createDataFrame([], ddl)
        return self.spark.read.schema(ddl).parquet(*parts)

    def _refresh(self) -> None:
        for spec in sch.DATA_TABLES:
            self._df(spec).createOrReplaceTempView(spec.name)
        imp = self.manifest.get("imports", [])
        ddl = ", ".join(f"{bq(c)} {sql_type(t, spark=True)}" for c, t in sch.IMPORTS.columns.items())
        rows = [tuple(_imp_value(r.get(c), t) for c, t in sch.IMPORTS.columns.items()) for r in imp]
        self.spark.createDataFrame(rows, ddl).createOrReplaceTempView("imports")

    def close(self) -> None:
        for v in self._views:
            with suppress(Exception):
                self.spark.catalog.dropTempView(v)

    def df(self, expr: ir.Expr) -> DataFrame:
        return self.spark.sql(self.sql(expr))

    def rows(self, expr: ir.Expr) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self.df(expr).collect()]

    def _numbered(self, df: DataFrame, offset: int) -> DataFrame:
        """Rows of a single-file read with their 1-based position in the file (JVM only, no Python UDF)."""
        from pyspark.sql import functions as sf

        df = df.withColumn("_pid", sf.spark_partition_id()).withColumn("_mid", sf.monotonically_increasing_id())
        df = df.persist()
        counts = sorted((int(r[0]), int(r[1])) for r in df.groupBy("_pid").count().collect())
        base, acc = [], 0
        for pid, n in counts:
            base.append((pid, acc))
            acc += n
        offs = self.spark.createDataFrame(base, "_pid INT, _base BIGINT")
        pos = sf.col("_mid").bitwiseAND(sf.lit((1 << 33) - 1))
        return (df.join(sf.broadcast(offs), "_pid").withColumn("_line", pos + sf.col("_base") + sf.lit(offset))
                .drop("_pid", "_mid", "_base"))

    def _view(self, name: str, df: DataFrame) -> None:
        df.createOrReplaceTempView(name)
        self._views.add(name)

    def lines(self, name: str, path: Path, skip_first: bool, numbered: bool) -> ir.Table:
        import ibis
        from pyspark.sql import functions as sf

        df = self._numbered(self.spark.read.text(str(path)).withColumnRenamed("value", "line"), 1)
        if skip_first:
            df = df.filter(sf.col("_line") > 1)
        self._view(name, df.select("line", "_line"))
        return ibis.table({"line": "string", "_line": "int64"}, name=name)

    def csv(self, name: str, path: Path, columns: list[str], numbered: bool) -> ir.Table:
        import ibis
        from pyspark.sql import functions as sf

        ddl = ", ".join(f"{bq(c)} STRING" for c in columns) + ", `_corrupt` STRING"
        df = (self.spark.read.option("header", "true").option("quote", '"').option("escape", '"')
              .option("mode", "PERMISSIVE").option("columnNameOfCorruptRecord", "_corrupt")
              .option("enforceSchema", "true").schema(ddl).csv(str(path)))
        df = self._numbered(df, 2)
        bad = df.filter(sf.col("_corrupt").isNotNull()).select("_line", "_corrupt").orderBy("_line").collect()
        self._rejects = [(int(r[0]), _spark_corrupt_reason(str(r[1]), len(columns))) for r in bad]
        self._view(name, df.filter(sf.col("_corrupt").isNull()).drop("_corrupt"))
        return ibis.table({**{c: "string" for c in columns}, "_line": "int64"}, name=name)

    def csv_rejects(self) -> list[tuple[int, str]]:
        return list(self._rejects)

    def csv_lines(self, rows: list[int], rejects: list[tuple[int, str]]) -> list[int]:
        return list(rows)

    def parquet(self, name: str, path: Path, columns: list[str]) -> ir.Table:
        import ibis
        from pyspark.sql import functions as sf

        df = self.spark.read.parquet(str(path))
        df = df.select(*[sf.col(bq(c)).cast("string").alias(c) for c in columns])
        self._view(name, self._numbered(df, 1))
        return ibis.table({**{c: "string" for c in columns}, "_line": "int64"}, name=name)

    def parquet_columns(self, path: Path) -> list[str]:
        return list(self.spark.read.parquet(str(path)).columns)

    def arrow(self, name: str, data: pa.Table) -> ir.Table:
        import ibis

        schema = _arrow_schema(data)
        ddl = ", ".join(f"{bq(c)} {sql_type(t, spark=True)}" for c, t in schema.items())
        self._view(name, self.spark.createDataFrame(data.to_pylist(), ddl) if data.num_rows
                   else self.spark.createDataFrame([], ddl))
        return ibis.table(schema, name=name)

    def config(self, key: str) -> tuple[str, str] | None:
        c = self.manifest.get("config", {}).get(key)
        return (str(c["name"]), str(c["text"])) if c else None

    def set_config(self, key: str, name: str, text: str) -> None:
        m = json.loads(json.dumps(self.manifest))
        m.setdefault("config", {})[key] = {"name": name, "text": text}
        self._write_manifest(m)
        self.manifest = m

    def new_part(self, table: str) -> str:
        return f"parts/{table}/{uuid.uuid4().hex}"

    def write_part(self, df: DataFrame, rel: str) -> None:
        df.write.mode("errorifexists").parquet(str(self.path / rel))

    def commit(self, tables: dict[str, list[str]], import_row: dict[str, Any] | None) -> None:
        """Make new part lists visible at once (one rename), then drop parts no manifest names."""
        m = json.loads(json.dumps(self.manifest))
        m["tables"].update(tables)
        if import_row is not None:
            m.setdefault("imports", []).append(import_row)
        self._write_manifest(m)
        self.manifest = m
        self._refresh()
        self.sweep()

    def sweep(self) -> None:
        named = {p for parts in self.manifest["tables"].values() for p in parts}
        root = self.path / "parts"
        for tdir in root.iterdir() if root.is_dir() else []:
            for part in tdir.iterdir():
                if f"parts/{tdir.name}/{part.name}" not in named:
                    shutil.rmtree(part, ignore_errors=True)
        for tmp in self.path.glob(f".{MANIFEST}.*.tmp"):
            with suppress(OSError):
                tmp.unlink()

    def next_import_id(self) -> int:
        return max((int(r["import_id"]) for r in self.manifest.get("imports", [])), default=0) + 1


def _imp_value(v: Any, t: str) -> Any:
    if v is None:
        return None
    if t == "timestamp":
        return dt.datetime.fromisoformat(str(v)).replace(tzinfo=None)
    if t == "int64":
        return int(v)
    return str(v)


def _spark_corrupt_reason(text: str, width: int) -> str:
    import csv
    import io

    try:
        fields = next(csv.reader(io.StringIO(text)))
    except (StopIteration, csv.Error):
        return "not a CSV row (unterminated quote?)"
    if len(fields) < width:
        return f"truncated row: expected {width} fields, found {len(fields)}"
    if len(fields) > width:
        return f"too many fields: expected {width}, found {len(fields)}"
    return "not a CSV row (unterminated or misplaced quote)"


# --------------------------------------------------------------------------------------------------------


def detect(path: Path) -> str:
    if path.is_dir():
        return "spark"
    return "duckdb"


def init(path: str | Path, engine: str = "duckdb") -> Ledger:
    """Create a ledger at ``path``: a DuckDB file, or (engine ``spark``) a directory."""
    p = Path(path)
    if engine not in ENGINES:
        raise InputError(f"unknown engine '{engine}' (known: {', '.join(ENGINES)})")
    if p.exists():
        raise InputError("already exists: choose a new path for the ledger", str(p))
    if not p.parent.exists():
        raise InputError(f"no such directory: {p.parent}", str(p))
    if engine == "spark":
        return SparkLedger(p, create=True)
    try:
        return DuckLedger(p, create=True)
    except BaseException:
        with suppress(OSError):
            p.unlink()
        raise


def open_ledger(path: str | Path, read_only: bool = False) -> Ledger:
    p = Path(path)
    if not p.exists():
        raise InputError("no ledger here (create one with `fullcost ledger init PATH`)", str(p))
    if detect(p) == "spark":
        return SparkLedger(p)
    return DuckLedger(p, read_only=read_only)
