"""The Spark ledger: a directory of Parquet parts and a ``manifest.json`` that names them.

An import writes new parts, then replaces the manifest in one rename (``commit``); parts no manifest names are
leftovers of a killed import, ignored and removed by the next one. A writer holds an exclusive lock on
``.lock`` in the directory while the ledger is open, so two imports never publish over each other.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import uuid
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fullcost.actuals import schema as sch
from fullcost.actuals import settings, textfile
from fullcost.actuals.engine import (
    FORMAT,
    MANIFEST,
    SPARK_EXTRA,
    BusyError,
    Ledger,
    arrow_schema,
    bq,
    count_fields,
    csv_reason,
    sql_type,
)
from fullcost.errors import InputError

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import pyarrow as pa
    from pyspark.sql import DataFrame, SparkSession

_SESSION: SparkSession | None = None
LOCK = ".lock"


def spark_session() -> SparkSession:
    """The one SparkSession of this process: the active one (spark-submit, a cluster), else local mode."""
    global _SESSION
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise InputError(SPARK_EXTRA) from None
    active = SparkSession.getActiveSession()
    if active is not None:
        _SESSION = active
    if _SESSION is None:
        b = SparkSession.builder.appName("fullcost")
        if not os.environ.get("SPARK_REMOTE") and not os.environ.get("MASTER"):
            b = b.master(settings.spark_master())
            # small local jobs: no web UI or progress bar, few shuffle partitions, no adaptive re-planning
            b = b.config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
            b = b.config("spark.sql.shuffle.partitions", "2").config("spark.sql.adaptive.enabled", "false")
            b = b.config("spark.driver.memory", settings.spark_memory())
        _SESSION = b.config("spark.sql.session.timeZone", "UTC").getOrCreate()
        _SESSION.sparkContext.setLogLevel("ERROR")
    _SESSION.conf.set("spark.sql.session.timeZone", "UTC")
    # out-of-range list indexes and bad casts read as NULL (as in DuckDB): bad rows are found, not fatal
    _SESSION.conf.set("spark.sql.ansi.enabled", "false")
    return _SESSION


class SparkLedger(Ledger):
    engine = "spark"
    dialect = "pyspark"

    def __init__(self, path: Path, create: bool = False, read_only: bool = False) -> None:
        try:
            import ibis
            from ibis.backends.pyspark import Backend
        except ImportError:
            raise InputError(SPARK_EXTRA) from None

        if getattr(ibis.options, "pyspark", None) is None:
            Backend.register_options()  # the options its SQL compiler reads
        self.path = path
        self._lock_fd: int | None = None
        if create:
            path.mkdir(parents=False, exist_ok=False)
            (path / "parts").mkdir()
        elif not (path / MANIFEST).is_file():
            raise InputError("not a fullcost ledger (no manifest.json)", str(path))
        if not read_only:
            self._lock()
        try:
            self.spark = spark_session()
            if create:
                self.manifest: dict[str, Any] = {
                    "fullcost_ledger": FORMAT, "engine": "spark", "created": dt.datetime.now(dt.UTC).isoformat(),
                    "tables": {t.name: [] for t in sch.DATA_TABLES}, "imports": [], "config": {}}
                self._write_manifest(self.manifest)
            else:
                self.manifest = self._read_manifest()
            self._views: set[str] = set()
            self._rejects: list[tuple[int, str]] = []
            self._refresh()
        except BaseException:
            self._unlock()
            raise

    def _lock(self) -> None:
        import fcntl

        fd = os.open(self.path / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise BusyError("the ledger is in use by another process (one writer at a time): try again when it "
                       "finishes, or give --wait SECONDS", str(self.path)) from None
        self._lock_fd = fd

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            with suppress(OSError):
                os.close(self._lock_fd)
            self._lock_fd = None

    def _read_manifest(self) -> dict[str, Any]:
        p = self.path / MANIFEST
        try:
            m = json.loads(p.read_text())
        except FileNotFoundError:
            raise InputError("not a fullcost ledger (no manifest.json)", str(self.path)) from None
        except (OSError, ValueError, RecursionError) as e:
            raise InputError(f"unreadable ledger manifest: {str(e).splitlines()[0][:200]}", str(p)) from None
        if not isinstance(m, dict) or m.get("fullcost_ledger") != FORMAT:
            raise InputError(f"not a fullcost ledger of this version (format {FORMAT}): create a new ledger and "
                             "import the records again", str(p))
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
        for v in getattr(self, "_views", set()):
            with suppress(Exception):
                self.spark.catalog.dropTempView(v)
        self._unlock()

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

    def readable(self, path: Path) -> tuple[Path, list[int]]:
        """Spark decodes bytes that are not UTF-8 as U+FFFD: read such a file through a copy, as DuckDB does."""
        if textfile.is_utf8(path):
            return path, []
        return textfile.utf8_copy(path)

    def lines(self, name: str, path: Path, header: str | None, numbered: bool) -> ir.Table:
        import ibis
        from pyspark.sql import functions as sf

        df = self._numbered(self.spark.read.text(str(path)).withColumnRenamed("value", "line"), 1)
        # as DuckDB reads text: the BOM off the first line, a lone \r ends a line (Spark keeps it inside one)
        df = df.withColumn("line", sf.when(sf.col("_line") == 1, sf.regexp_replace("line", "^\ufeff", ""))
                           .otherwise(sf.col("line")))
        if df.filter(sf.col("line").contains("\r")).limit(1).count():
            raise InputError("lines ending with a lone carriage return: convert the file to \\n endings", str(path))
        df = df.filter(sf.col("line") != "")
        if header is not None:
            df = df.filter(sf.col("line") != sf.lit(header))
        self._view(name, df.select("line", "_line"))
        return ibis.table({"line": "string", "_line": "int64"}, name=name)

    def csv(self, name: str, path: Path, width: int, numbered: bool) -> ir.Table:
        import ibis
        from pyspark.sql import functions as sf

        ddl = ", ".join(f"c{i} STRING" for i in range(width)) + ", `_corrupt` STRING"
        df = (self.spark.read.option("header", "true").option("quote", '"').option("escape", '"')
              .option("mode", "PERMISSIVE").option("columnNameOfCorruptRecord", "_corrupt")
              .option("enforceSchema", "true").schema(ddl).csv(str(path)))
        df = self._numbered(df, 2)
        bad = df.filter(sf.col("_corrupt").isNotNull()).select("_line", "_corrupt").orderBy("_line").collect()
        self._rejects = [(int(r[0]), csv_reason(width, count_fields(str(r[1])))) for r in bad]
        self._view(name, df.filter(sf.col("_corrupt").isNull()).drop("_corrupt"))
        return ibis.table({**{f"c{i}": "string" for i in range(width)}, "_line": "int64"}, name=name)

    def csv_rejects(self) -> list[tuple[int, str]]:
        return list(self._rejects)

    def csv_lines(self, rows: list[int], rejects: list[tuple[int, str]]) -> list[int]:
        return list(rows)

    def parquet(self, name: str, path: Path, columns: list[str]) -> ir.Table:
        import ibis
        from pyspark.sql import functions as sf

        df = self.spark.read.parquet(str(path))
        df = df.select(*[sf.col(bq(c)).cast("string").alias(f"c{i}") for i, c in enumerate(columns)])
        self._view(name, self._numbered(df, 1))
        return ibis.table({**{f"c{i}": "string" for i in range(len(columns))}, "_line": "int64"}, name=name)

    def parquet_columns(self, path: Path) -> list[str]:
        return list(self.spark.read.parquet(str(path)).columns)

    def arrow(self, name: str, data: pa.Table) -> ir.Table:
        import ibis

        schema = arrow_schema(data)
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
