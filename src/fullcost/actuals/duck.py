"""The DuckDB ledger: one database file, every import one transaction, one writer at a time.

Paths reach SQL only as bound variables (``SET VARIABLE ... = ?``, read with ``getvariable``); settings are
checked first and passed as parameters; CSV columns are read by position.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fullcost.actuals import schema as sch
from fullcost.actuals import settings, textfile
from fullcost.actuals.engine import FORMAT, BusyError, Ledger, arrow_schema, count_fields, csv_reason, q, sql_type
from fullcost.errors import InputError

if TYPE_CHECKING:
    import duckdb
    import ibis.expr.types as ir
    import pyarrow as pa

# read a text file as whole lines: no quoting, a delimiter that never occurs, empty fields stay empty strings
_LINES = ("read_csv(getvariable('{var}'), columns = {{'line': 'VARCHAR'}}, delim = '\\x01', quote = '', "
          "escape = '', header = false, auto_detect = false, strict_mode = false, nullstr = '\\x02\\x03')")


def _open_error(path: Path, e: Exception) -> InputError:
    msg = str(e).splitlines()[0] if str(e) else type(e).__name__
    if "lock" in msg.lower():
        return BusyError("the ledger is in use by another process (DuckDB allows one writer): try again when it "
                    "finishes, or give --wait SECONDS", str(path))
    if "not a valid duckdb database" in msg.lower() or "unable to open" in msg.lower():
        return InputError("not a fullcost ledger (create one with `fullcost ledger init PATH`)", str(path))
    return InputError(f"cannot open the ledger: {msg}", str(path))


class DuckLedger(Ledger):
    engine = "duckdb"
    dialect = "duckdb"

    def __init__(self, path: Path, create: bool = False, read_only: bool = False) -> None:
        import duckdb

        self.path = path
        threads, memory = settings.threads(), settings.memory_limit()
        config: dict[str, Any] = {"threads": threads, "memory_limit": memory}
        try:
            self.con: duckdb.DuckDBPyConnection = duckdb.connect(str(path), read_only=read_only and not create,
                                                                 config=config)
        except duckdb.Error as e:
            if create:
                with suppress(OSError):
                    path.unlink()
            raise _open_error(path, e) from None
        self.con.execute("SET enable_progress_bar = false")
        with suppress(duckdb.Error):  # Ibis writes lambdas as `x -> ...`, which DuckDB 2 wants enabled
            self.con.execute("SET lambda_syntax = 'ENABLE_SINGLE_ARROW'")
        if not read_only:
            self.con.execute("SET temp_directory = ?", [str(path) + ".tmp"])
        self._rejects: list[tuple[int, str]] | None = None
        self._csv_width = 0
        if create:
            try:
                self._create()
            except BaseException:
                self.con.close()
                with suppress(OSError):
                    path.unlink()
                raise
        else:
            self._check()

    def _create(self) -> None:
        self.con.execute("BEGIN TRANSACTION")
        self.con.execute("CREATE TABLE fullcost_meta (format BIGINT, engine VARCHAR, created TIMESTAMP)")
        self.con.execute("INSERT INTO fullcost_meta VALUES (?, 'duckdb', current_timestamp::TIMESTAMP)", [FORMAT])
        for spec in sch.ALL_TABLES:
            cols = [f"{q(c)} {sql_type(t)}" for c, t in spec.columns.items()]
            if spec in sch.DATA_TABLES and spec.work_columns:
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
            raise InputError(f"ledger format {r[0] if r else '?'} is not the one this fullcost reads ({FORMAT}): "
                             "create a new ledger and import the records again", str(self.path))

    def close(self) -> None:
        with suppress(Exception):
            self.con.close()
        tmp = Path(str(self.path) + ".tmp")
        if tmp.is_dir() and not any(tmp.iterdir()):
            with suppress(OSError):
                tmp.rmdir()

    def execute(self, sql: str, params: list[Any] | None = None) -> None:
        self.con.execute(sql, params)

    def fetch(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        return self.con.execute(sql, params).fetchall()

    def rows(self, expr: ir.Expr) -> list[tuple[Any, ...]]:
        return self.fetch(self.sql(expr))

    def bind(self, var: str, value: str) -> None:
        """A value (a path) for ``getvariable(var)``: bound as a parameter, never written into SQL."""
        self.con.execute(f"SET VARIABLE {var} = ?", [value])

    def physical(self, name: str) -> ir.Table:
        """A data table as stored: with the two columns an import uses while it runs (``_err``, ``_skip``) where it
        has them."""
        import ibis

        spec = sch.BY_NAME[name]
        work = {"_err": "string", "_skip": "string"} if spec.work_columns else {}
        return ibis.table({**spec.columns, **work}, name=name)

    def lines(self, name: str, path: Path, header: str | None, numbered: bool) -> ir.Table:
        import ibis

        var = f"fullcost_{name.strip('_')}_path"
        self.bind(var, str(path))
        num = "row_number() OVER ()" if numbered else "CAST(NULL AS BIGINT)"
        self.bind(f"{var}_header", header if header is not None else "\x00")
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW {q(name)} AS SELECT line, _line FROM ("
                         f"SELECT line, {num} AS _line FROM {_LINES.format(var=var)}) "
                         f"WHERE line <> getvariable('{var}_header')")
        return ibis.table({"line": "string", "_line": "int64"}, name=name)

    def line_numbers(self, path: Path, positions: list[int]) -> list[int]:
        """DuckDB leaves blank lines out of a scan: the k-th line it reads is the k-th non-blank line."""
        return textfile.nonblank_lines(path, positions)

    def csv(self, name: str, path: Path, width: int, numbered: bool) -> ir.Table:
        import duckdb
        import ibis

        var = f"fullcost_{name.strip('_')}_path"
        self.bind(var, str(path))
        cols = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width))
        src = (f"read_csv(getvariable('{var}'), header = true, auto_detect = false, delim = ',', quote = '\"', "
               f"escape = '\"', columns = {{{cols}}}, store_rejects = true, rejects_table = '_rej_errors', "
               f"rejects_scan = '_rej_scans', max_line_size = 20000000)")
        num = "row_number() OVER ()" if numbered else "CAST(NULL AS BIGINT)"
        sel = ", ".join(f"c{i}" for i in range(width))
        for t in ("_rej_errors", "_rej_scans"):
            with suppress(duckdb.Error):
                self.con.execute(f"DROP TABLE IF EXISTS {t}")
        self._rejects = None
        self._csv_width = width
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW {q(name)} AS SELECT {sel}, {num} AS _line FROM {src}")
        return ibis.table({**{f"c{i}": "string" for i in range(width)}, "_line": "int64"}, name=name)

    def csv_rejects(self) -> list[tuple[int, str]]:
        """Records of the last CSV read that are not rows of the header's width: (line, what is wrong), one per
        record however many times the file was scanned (each scan logs its rejects again)."""
        import duckdb

        if self._rejects is not None:
            return list(self._rejects)
        try:
            rows = self.con.execute("SELECT line, min(error_type), min(csv_line) FROM _rej_errors GROUP BY line "
                                    "ORDER BY line").fetchall()
        except duckdb.Error:
            return []
        out = []
        for ln, kind, text in rows:
            if str(kind).upper() == "INVALID ENCODING":
                out.append((int(ln), "not UTF-8 text"))
            else:
                out.append((int(ln), csv_reason(self._csv_width, count_fields(str(text or "")))))
        self._rejects = out
        return list(out)

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
        self.con.execute(f"SET preserve_insertion_order = {'true' if on else 'false'}")

    def parquet(self, name: str, path: Path, columns: list[str]) -> ir.Table:
        import ibis

        var = f"fullcost_{name.strip('_')}_path"
        self.bind(var, str(path))
        self.ordered(True)
        names = ", ".join(f"c{i}" for i in range(len(columns)))  # by position: the file's names never reach SQL
        casts = ", ".join(f"CAST(c{i} AS VARCHAR) AS c{i}" for i in range(len(columns)))
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW {q(name)} AS SELECT {casts}, row_number() OVER () AS _line "
                         f"FROM read_parquet(getvariable('{var}')) AS p({names})")
        return ibis.table({**{f"c{i}": "string" for i in range(len(columns))}, "_line": "int64"}, name=name)

    def parquet_columns(self, path: Path) -> list[str]:
        self.bind("fullcost_parquet_probe", str(path))
        rel = self.con.execute("SELECT * FROM read_parquet(getvariable('fullcost_parquet_probe')) LIMIT 0")
        return [d[0] for d in rel.description or []]

    def arrow(self, name: str, data: pa.Table) -> ir.Table:
        import ibis

        self.con.register("_fullcost_arrow", data)
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {q(name)} AS SELECT * FROM _fullcost_arrow")
        self.con.unregister("_fullcost_arrow")
        return ibis.table(arrow_schema(data), name=name)

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
