"""One import, the same for every source: parse, report bad rows, keep one row per key, commit at once.

A source hands over a ``Feed``: how to read its file (with or without line numbers), how to parse the raw rows
into typed columns plus ``_err`` (why a row is bad) and ``_skip`` (why a good row is not stored, e.g. a Slurm
job step), and how to prefer one row over another with the same key (``rank``, then ``order``). The rules,
written once as Ibis expressions:

- a row whose key is already in the ledger with an equal or better rank is left as it is (importing a file
  twice changes nothing); one with a better rank replaces the stored row (a job seen running, now ended);
- rows of one file with the same key count once: the best rank wins, then ``order`` (for jobs: the record that
  ended last, then the one with the most elapsed time), then the content, so the choice never depends on the
  engine or on the order rows arrive in;
- every bad row is reported once with its line and reason; ``strict`` stops at the first and writes nothing.

DuckDB runs the import in one transaction and, to stay fast on large files, inserts first and sorts out bad
rows, duplicates and keys already present inside the transaction (line numbers are computed by a second scan
only when some row is bad). Spark computes the rows to insert and the rows they replace, writes them as new
parts and publishes them with one manifest rename. A text file that is not UTF-8 throughout is read through a
UTF-8 copy (``actuals.textfile``) on both engines.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fullcost.actuals import schema as sch
from fullcost.actuals import textfile
from fullcost.actuals.engine import Ledger
from fullcost.errors import InputError

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from fullcost.actuals.duck import DuckLedger
    from fullcost.actuals.spark import SparkLedger

REJECT_LIMIT = 1_000_000  # rejected rows listed in full up to this many (all are counted)
SKIP_OFFSET = 1 << 40
BAD_OFFSET = 2 << 40


@dataclass(frozen=True)
class Reject:
    line: int | None
    reason: str
    where: str = "line"  # "line" for text files, "row" for Parquet, "record" for JSON

    def text(self, file: str) -> str:
        if self.line is None:
            return f"{file}: {self.reason}"
        if self.where == "line":
            return f"{file}:{self.line}: {self.reason}"
        return f"{file}: {self.where} {self.line}: {self.reason}"


@dataclass
class ImportReport:
    kind: str
    file: str
    rows: int = 0  # rows read (blank lines left out)
    inserted: int = 0  # new rows stored
    updated: int = 0  # stored rows replaced by a better one (a job that has ended since)
    unchanged: int = 0  # rows already in the ledger
    duplicates: int = 0  # repeated keys within the file, counted once
    skipped: int = 0  # good rows not stored, with the reason in notes (job steps)
    rejected: int = 0
    rejects: list[Reject] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    import_id: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "file": self.file, "import_id": self.import_id, "rows": self.rows,
                "inserted": self.inserted, "updated": self.updated, "unchanged": self.unchanged,
                "duplicates": self.duplicates, "skipped": self.skipped, "rejected": self.rejected,
                "rejects": [{"line": r.line, "where": r.where, "reason": r.reason} for r in self.rejects],
                "notes": self.notes}


@dataclass
class Feed:
    kind: str
    spec: sch.TableSpec
    file: Path
    raw: Callable[[Path, bool], ir.Table]  # (path read, numbered?) -> registered raw table
    parse: Callable[[ir.Table], ir.Table]  # raw -> spec.data_columns + _err + _skip + _line
    rank: Callable[[ir.Table], ir.Value] | None = None  # higher wins for the same key
    order: tuple[tuple[str, bool], ...] = ()  # tie-break among equal ranks: (column, descending)
    structural: Callable[[], list[tuple[int, str]]] | None = None  # rejects found by the reader (CSV)
    lines: Callable[[Path, list[int], list[tuple[int, str]]], list[int]] | None = None  # _line values -> lines
    where: str = "line"
    notes: list[str] = field(default_factory=list)
    text: bool = False  # a text file that may need a UTF-8 copy (see textfile)
    # optional fast path (DuckDB, large files): no messages, each row tagged in import_id instead: imp when
    # good, -imp when malformed, -imp - SKIP_OFFSET when skipped, -imp - BAD_OFFSET when a value is bad
    fast: Callable[[ir.Table, int], ir.Table] | None = None
    skip_note: str = ""
    counted_notes: Callable[[Ledger, ir.Table], list[str]] | None = None  # notes from an import's stored rows
    read_path: Path | None = None  # the file read (a UTF-8 copy of ``file`` where needed)

    @property
    def path(self) -> Path:
        return self.read_path or self.file


class _RereadError(Exception):
    """Raised inside a DuckDB import to roll it back and read the file again through a copy in UTF-8 with ``\n``
    line endings (a file with Latin-1 bytes, or with mixed line endings, which DuckDB's CSV reader refuses)."""


def winners(t: ir.Table, feed: Feed) -> ir.Table:
    """One row per key: the best rank, then ``order``, then the content columns not named there."""
    import ibis

    key = list(feed.spec.key)
    order: list[Any] = []
    if feed.rank is not None:
        order.append(ibis.desc(feed.rank(t)))
    named = {c for c, _ in feed.order}
    order += [ibis.desc(t[c]) if desc else ibis.asc(t[c]) for c, desc in feed.order]
    # (Ibis keeps one sort key per column, the last given: a column already ordered must not come again)
    order += [t[c] for c in feed.spec.data_columns if c not in key and c not in named]
    rn = ibis.row_number().over(group_by=[t[k] for k in key], order_by=order)
    return t.mutate(_rn=rn).filter(lambda x: x._rn == 0).drop("_rn")


def same_key(a: ir.Table, b: ir.Table, key: list[str]) -> list[ir.BooleanValue]:
    """Join predicates on a key, NULL equal to NULL (a dump without Submit keys its jobs with a NULL time)."""
    return [a[k].identical_to(b[k]) for k in key]


def _key_pairs(new: ir.Table, old: ir.Table, feed: Feed) -> tuple[ir.Table, ir.Table]:
    """Keys present in both: those where the stored row is as good or better (the new row is dropped), and
    those where the new row is better (the stored row is replaced)."""
    import ibis

    key = list(feed.spec.key)
    nk = new.select(*key, _nr=feed.rank(new) if feed.rank else ibis.literal(0))
    ok = old.select(*[old[k].name(f"_o_{k}") for k in key], _or=feed.rank(old) if feed.rank else ibis.literal(0))
    j = nk.join(ok, [nk[k].identical_to(ok[f"_o_{k}"]) for k in key])
    keep_old = j.filter(j._or >= j._nr).select(*key).distinct()
    replace_old = j.filter(j._or < j._nr).select(*key).distinct()
    return keep_old, replace_old


def _rejects(led: Ledger, feed: Feed, report: ImportReport, strict: bool) -> None:
    """Every bad row with its line: a second scan with line numbers (DuckDB) or the numbered scan (Spark)."""
    structural = feed.structural() if feed.structural else []
    raw = feed.raw(feed.path, True)
    bad = feed.parse(raw)
    bad = bad.filter(bad._err.notnull()).select("_line", "_err").order_by("_line").limit(REJECT_LIMIT)
    led.ordered(True)
    rows = led.rows(bad)
    structural = structural or (feed.structural() if feed.structural else [])
    idx = [int(r[0]) for r in rows if r[0] is not None]
    lines = feed.lines(feed.path, idx, structural) if feed.lines else idx
    found = [Reject(ln, str(r[1]), feed.where) for ln, r in zip(lines, rows, strict=True)]
    found += [Reject(ln, reason, feed.where) for ln, reason in structural]
    found.sort(key=lambda r: (r.line is None, r.line or 0))
    report.rejects = found
    if strict and found:
        first = found[0]
        if first.where == "line":
            raise InputError(f"{first.reason} (--strict: nothing imported)", str(feed.file), first.line)
        raise InputError(f"{first.where} {first.line}: {first.reason} (--strict: nothing imported)", str(feed.file))


def _tally(led: Ledger, feed: Feed, report: ImportReport, strict: bool, n: int, n_err: int, n_skip: int) -> None:
    """The report's counts from the parsed rows (plus the records the reader itself rejected, once each), and
    every bad row with its line when there is one."""
    structural = feed.structural() if feed.structural else []
    report.rows = int(n) + len(structural)
    report.rejected = int(n_err) + len(structural)
    report.skipped = int(n_skip)
    if report.rejected:
        _rejects(led, feed, report, strict)


def run(led: Ledger, feed: Feed, strict: bool = False) -> ImportReport:
    led.memo.clear()
    from fullcost.actuals.duck import DuckLedger

    if isinstance(led, DuckLedger):
        try:
            return _duck(led, feed, strict)
        except _RereadError:
            pass
        copy, latin = textfile.utf8_copy(feed.file, _tmp_dir(led))
        try:
            feed.read_path = copy
            if latin:
                feed.notes.append(textfile.lines_note(latin))
            return _duck(led, feed, strict)
        except _RereadError:
            raise InputError("not readable as text, even as Latin-1 with \\n line endings", str(feed.file)) from None
        finally:
            copy.unlink(missing_ok=True)
    from fullcost.actuals.spark import SparkLedger

    assert isinstance(led, SparkLedger)
    if not feed.text:
        return _spark(led, feed, strict)
    path, latin = led.readable(feed.file)
    try:
        if latin:
            feed.read_path = path
            feed.notes.append(textfile.lines_note(latin))
        return _spark(led, feed, strict)
    finally:
        if path != feed.file:
            path.unlink(missing_ok=True)


def _tmp_dir(led: DuckLedger) -> Path | None:
    d = Path(str(led.path) + ".tmp")
    try:
        d.mkdir(exist_ok=True)
        return d
    except OSError:
        return None


def _duck(led: DuckLedger, feed: Feed, strict: bool) -> ImportReport:
    import duckdb

    try:
        with led.transaction():
            return _duck_import(led, feed, strict)
    except duckdb.Error as e:
        msg = str(e).splitlines()[0] if str(e) else type(e).__name__
        if feed.text and feed.read_path is None and isinstance(e, duckdb.InvalidInputException):
            raise _RereadError() from None
        what = "CSV" if feed.structural else "text"
        raise InputError(f"cannot read the file as {what}: {msg[:300]}", str(feed.file)) from None


def _duck_import(led: DuckLedger, feed: Feed, strict: bool) -> ImportReport:
    from fullcost.actuals.engine import q

    if os.environ.get("FULLCOST_PROFILE") and not getattr(led, "_traced", False):
        from fullcost.actuals import profile

        profile.trace(led)
    spec = feed.spec
    report = ImportReport(feed.kind, str(feed.file), notes=list(feed.notes))
    t = q(spec.name)
    cols = spec.data_columns
    imp = int(led.fetch("SELECT coalesce(max(import_id), 0) + 1 FROM imports")[0][0])
    report.import_id = imp
    had_rows = bool(led.fetch(f"SELECT count(*) FROM (SELECT 1 FROM {t} LIMIT 1)")[0][0])
    led.ordered(False)
    sel = ", ".join(q(c) for c in cols)
    if feed.fast is not None:
        fast = feed.fast(feed.raw(feed.path, False), imp)
        led.execute(f"INSERT INTO {t} ({sel}, import_id) SELECT {sel}, import_id FROM ({led.sql(fast)})")
        tags = (imp, -imp, -imp - SKIP_OFFSET, -imp - BAD_OFFSET)
        counts = dict(led.fetch(f"SELECT import_id, count(*) FROM {t} WHERE import_id IN {tags} GROUP BY import_id"))
        n_err = int(counts.get(-imp, 0)) + int(counts.get(-imp - BAD_OFFSET, 0))
        n_skip = int(counts.get(-imp - SKIP_OFFSET, 0))
        report.rows, report.rejected, report.skipped = sum(int(v) for v in counts.values()), n_err, n_skip
        if n_err:
            _rejects(led, feed, report, strict)
        if n_skip:
            report.notes.append(f"skipped {n_skip:,} {feed.skip_note}")
        if n_err or n_skip:
            led.execute(f"DELETE FROM {t} WHERE import_id IN {tags[1:]}")
    else:
        parsed = feed.parse(feed.raw(feed.path, False))
        led.execute(f"INSERT INTO {t} ({sel}, import_id, _err, _skip) SELECT {sel}, {imp}, _err, _skip "
                    f"FROM ({led.sql(parsed)})")
        if feed.text and feed.read_path is None and any(r == "not UTF-8 text" for _, r in
                                                         (feed.structural() if feed.structural else [])):
            raise _RereadError()
        n, n_err, n_skip = led.fetch(f"SELECT count(*), count(_err), count(_skip) FROM {t} WHERE import_id = {imp}")[0]
        _tally(led, feed, report, strict, n, n_err, n_skip)
        if n_skip:
            for why, cnt in led.fetch(f"SELECT _skip, count(*) FROM {t} WHERE import_id = {imp} "
                                      "AND _skip IS NOT NULL GROUP BY _skip ORDER BY _skip"):
                report.notes.append(f"skipped {cnt:,} {why}")
        if n_err or n_skip:
            led.execute(f"DELETE FROM {t} WHERE import_id = {imp} AND (_err IS NOT NULL OR _skip IS NOT NULL)")
    _dedupe(led, feed, report, imp, had_rows)
    if feed.counted_notes is not None:
        phys = led.physical(spec.name)
        report.notes += feed.counted_notes(led, phys.filter(phys.import_id == imp))
    _log(led, report)
    return report


def _dedupe(led: DuckLedger, feed: Feed, report: ImportReport, imp: int, had_rows: bool) -> None:
    """Within the import, one row per key; against the ledger, the better of the stored and the new row."""
    import ibis

    from fullcost.actuals.engine import q

    spec = feed.spec
    t = q(spec.name)
    key = list(spec.key)
    sel = ", ".join(q(c) for c in spec.data_columns)
    keymatch = " AND ".join(f"{t}.{q(k)} IS NOT DISTINCT FROM k.{q(k)}" for k in key)
    phys = led.physical(spec.name).select(*spec.columns)
    new = phys.filter(phys.import_id == imp)
    valid = report.rows - report.rejected - report.skipped
    # cheap first: as many distinct job ids (one integer column) as rows means no repeated key
    distinct = _distinct_ids(led, t, imp) if spec is sch.JOBS else -1
    if distinct < 0:
        distinct = int(led.scalar(new.select(key[0]).distinct().count()) or 0)
    if distinct < valid:
        distinct = int(led.scalar(new.select(*key).distinct().count()) or 0)
    if distinct < valid:
        report.duplicates = valid - distinct
        dk = new.group_by(key).aggregate(_n=new.count()).filter(lambda x: x._n > 1).select(*key)
        led.execute(f"CREATE OR REPLACE TEMP TABLE _dupkeys AS {led.sql(dk)}")
        dkt = ibis.table({k: spec.columns[k] for k in key}, name="_dupkeys")
        dup_rows = new.semi_join(dkt, same_key(new, dkt, key))
        led.execute(f"CREATE OR REPLACE TEMP TABLE _winners AS {led.sql(winners(dup_rows, feed))}")
        led.execute(f"DELETE FROM {t} USING _dupkeys k WHERE {t}.import_id = {imp} AND {keymatch}")
        led.execute(f"INSERT INTO {t} ({sel}, import_id) SELECT {sel}, import_id FROM _winners")
    if had_rows:
        old = phys.filter(phys.import_id != imp)
        keep_old, replace_old = _key_pairs(new, old, feed)
        led.execute(f"CREATE OR REPLACE TEMP TABLE _keep AS {led.sql(keep_old)}")
        led.execute(f"CREATE OR REPLACE TEMP TABLE _repl AS {led.sql(replace_old)}")
        report.unchanged = int(led.fetch("SELECT count(*) FROM _keep")[0][0])
        report.updated = int(led.fetch("SELECT count(*) FROM _repl")[0][0])
        if report.unchanged:
            led.execute(f"DELETE FROM {t} USING _keep k WHERE {t}.import_id = {imp} AND {keymatch}")
        if report.updated:
            led.execute(f"DELETE FROM {t} USING _repl k WHERE {t}.import_id <> {imp} AND {keymatch}")
    report.inserted = int(led.fetch(f"SELECT count(*) FROM {t} WHERE import_id = {imp}")[0][0]) - report.updated


def _distinct_ids(led: DuckLedger, t: str, imp: int) -> int:
    """Distinct job ids of an import, counted in a bitmap over their range (a plain DISTINCT builds a hash table of
    every id: ten times slower on ten million jobs); -1 when the range is too wide for a bitmap."""
    lo, hi = led.fetch(f"SELECT min(job_id), max(job_id) FROM {t} WHERE import_id = {imp}")[0]
    if lo is None:
        return 0
    if hi - lo > 1 << 31:
        return -1
    return int(led.fetch(f"SELECT bit_count(bitstring_agg(job_id, {int(lo)}, {int(hi)})) FROM {t} "
                         f"WHERE import_id = {imp}")[0][0])


def _log(led: DuckLedger, r: ImportReport) -> None:
    led.execute("INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [r.import_id, r.kind, r.file, dt.datetime.now(dt.UTC).replace(tzinfo=None), r.rows,
                 r.inserted + r.updated, r.updated, r.unchanged, r.duplicates, r.skipped, r.rejected])


def _spark(led: SparkLedger, feed: Feed, strict: bool) -> ImportReport:
    import ibis

    spec = feed.spec
    report = ImportReport(feed.kind, str(feed.file), notes=list(feed.notes))
    report.import_id = imp = led.next_import_id()
    parsed = feed.parse(feed.raw(feed.path, True))
    df = led.df(parsed).persist()
    df.createOrReplaceTempView("_parsed")
    p = ibis.table(parsed.schema(), name="_parsed")
    n, n_err, n_skip = led.rows(p.aggregate(n=p.count(), e=p._err.count(), s=p._skip.count()))[0]
    _tally(led, feed, report, strict, n, n_err, n_skip)
    if n_skip:
        sk = p.filter(p._skip.notnull())
        for why, cnt in led.rows(sk.group_by("_skip").aggregate(n=sk.count()).order_by("_skip")):
            report.notes.append(f"skipped {cnt:,} {why}")
    valid = p.filter(p._err.isnull() & p._skip.isnull()).select(*spec.data_columns)
    best = winners(valid, feed)
    n_valid = int(n) - int(n_err) - int(n_skip)
    best_df = led.df(best).persist()
    best_df.createOrReplaceTempView("_best")
    bt = ibis.table(best.schema(), name="_best")
    n_best = int(led.scalar(bt.count()) or 0)
    report.duplicates = n_valid - n_best
    old = led.table(spec.name)
    keep_old, replace_old = _key_pairs(bt, old, feed)
    key = list(spec.key)
    report.unchanged = int(led.scalar(keep_old.count()) or 0)
    report.updated = int(led.scalar(replace_old.count()) or 0)
    insert = bt.anti_join(keep_old, same_key(bt, keep_old, key)).mutate(import_id=ibis.literal(imp, "int64"))
    insert = insert.select(*spec.columns)
    parts = list(led.manifest["tables"][spec.name])
    rel = led.new_part(spec.name)
    led.write_part(led.df(insert), rel)
    if report.updated:
        kept = old.anti_join(replace_old, same_key(old, replace_old, key)).select(*spec.columns)
        rewritten = led.new_part(spec.name)
        led.write_part(led.df(kept), rewritten)
        parts = [rewritten]
    report.inserted = n_best - report.unchanged - report.updated
    if feed.counted_notes is not None:
        report.notes += feed.counted_notes(led, insert)
    row = {"import_id": imp, "kind": report.kind, "file": report.file,
           "at": dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(), "rows": report.rows,
           "inserted": report.inserted + report.updated, "updated": report.updated, "unchanged": report.unchanged,
           "duplicates": report.duplicates, "skipped": report.skipped, "rejected": report.rejected}
    led.commit({spec.name: [*parts, rel]}, row)
    df.unpersist()
    best_df.unpersist()
    return report
