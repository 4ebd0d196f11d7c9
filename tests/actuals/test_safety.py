"""Hostile input: settings checked before use, no SQL from user text, deep JSON, missing extras, the lock, the
tracker's lost record. Each refusal is one line and exit code 2."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fullcost.actuals import engine as eng
from fullcost.actuals import focus, importer, opencost, slurm, trackerfile, usage
from fullcost.actuals import rules as rl
from fullcost.errors import InputError
from tests.actuals.conftest import ROOT, write

INJECT = "x'); DROP TABLE jobs; --"


def run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    e = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **(env or {})}
    return subprocess.run([sys.executable, "-m", "fullcost.cli", *args], capture_output=True, text=True, env=e,
                          cwd=cwd or ROOT, timeout=120)


def one_line(p: subprocess.CompletedProcess[str]) -> str:
    assert p.returncode == 2, (p.stdout, p.stderr)
    assert "Traceback" not in p.stderr and len(p.stderr.strip().splitlines()) == 1, p.stderr
    return p.stderr.strip()


SACCT = ("JobIDRaw|Account|Cluster|Submit|End|ElapsedRaw|State|AllocTRES\n"
         "1|a|c|2025-03-01T00:00:00|2025-03-01T01:00:00|3600|COMPLETED|gres/gpu=2\n")


# ---- settings ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("var,value,expected", [
    ("FULLCOST_THREADS", "many", "FULLCOST_THREADS: expected a whole number of threads from 1 to 1024, got 'many'"),
    ("FULLCOST_THREADS", "0", "FULLCOST_THREADS: expected a whole number of threads from 1 to 1024, got '0'"),
    ("FULLCOST_MEMORY_LIMIT", "lots", "FULLCOST_MEMORY_LIMIT: expected a size such as 4GB or 512MiB, got 'lots'"),
    ("FULLCOST_MEMORY_LIMIT", "1GB'; DROP TABLE jobs; --", "FULLCOST_MEMORY_LIMIT: expected a size such as 4GB"),
])
def test_settings_are_checked_before_they_reach_an_engine(tmp_path, var, value, expected):
    led = tmp_path / "lab.duckdb"
    f = write(tmp_path, "s.txt", SACCT)
    assert run("ledger", "init", str(led)).returncode == 0
    assert run("ingest", "slurm", str(f), "--ledger", str(led)).returncode == 0
    err = one_line(run("ingest", "slurm", str(f), "--ledger", str(led), env={var: value}))
    assert err.startswith(f"error: {expected}")
    # the jobs table is still there, with its job
    with eng.open_ledger(led) as lg:
        assert lg.count("jobs") == 1
    assert one_line(run("ledger", "init", str(tmp_path / "other.duckdb"), env={var: value})).startswith("error: ")
    assert not (tmp_path / "other.duckdb").exists()


def test_a_good_memory_limit_and_threads_are_used(tmp_path, monkeypatch):
    monkeypatch.setenv("FULLCOST_THREADS", "1")
    monkeypatch.setenv("FULLCOST_MEMORY_LIMIT", "256MiB")
    path = tmp_path / "l.duckdb"
    led = eng.init(path)
    try:
        got = led.fetch("SELECT current_setting('threads'), current_setting('memory_limit')")[0]  # type: ignore[attr-defined]
    finally:
        led.close()
    assert got == (1, "256.0 MiB")


@pytest.mark.parametrize("var,value", [("FULLCOST_SPARK_MASTER", "local[2]; rm -rf /"),
                                       ("FULLCOST_SPARK_MEMORY", "2 gigabytes")])
def test_spark_settings_are_checked(monkeypatch, var, value):
    from fullcost.actuals import settings

    monkeypatch.setenv(var, value)
    with pytest.raises(InputError, match=var):
        settings.spark_master() if var.endswith("MASTER") else settings.spark_memory()


# ---- no SQL from user text ---------------------------------------------------------------------------------


def _tables_intact(path: Path) -> None:
    with eng.open_ledger(path) as led:
        # the Spark ledger keeps its settings in manifest.json, not in a table
        for t in ("jobs", "bills", "energy", "k8s", "tracker", "imports") + (("config",) * (led.engine == "duckdb")):
            led.count(t)


def test_text_in_every_place_a_user_writes_it_is_read_as_text(ledger, tmp_path):
    """Paths, header names, field values, the cluster option, rules and --by keys with quotes and SQL: all read
    literally, every table intact."""
    d = tmp_path / "it's; DROP TABLE jobs; --"
    d.mkdir()
    sacct = write(d, "sacct's.txt", f"JobIDRaw|Account|JobName|Submit|End|ElapsedRaw|State|AllocTRES\n"
                  f"1|{INJECT}|\"{INJECT}\"|2025-03-01T00:00:00|2025-03-01T01:00:00|3600|COMPLETED|gres/gpu=2\n")
    bills = write(d, "bills'.csv", f'BilledCost,EffectiveCost,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,'
                  f'"{INJECT.replace(chr(34), "")}","a""b",Tags\n'
                  f'5,5,2025-03-01,2025-03-02,Usage,x,y,"{{""p"": ""{INJECT}""}}"\n')
    tr = write(d, "t'.jsonl", json.dumps({"id": INJECT, "model": INJECT, "phase": "experiments",
                                          "start": "2025-03-01T00:00:00Z", "end": "2025-03-01T01:00:00Z",
                                          "duration_s": 3600, "gpus": 1}) + "\n")
    with eng.open_ledger(ledger) as led:
        assert importer.run(led, slurm.feed(led, sacct, cluster=INJECT)).inserted == 1
        assert importer.run(led, focus.feed(led, bills)).inserted == 1
        assert importer.run(led, trackerfile.feed(led, tr)).inserted == 1
        rules = rl.loads(f"rules:\n  - match: {{account: \"{INJECT}\"}}\n    model: \"{INJECT}\"\n"
                         f"  - match: {{tags.p: \"{INJECT}\"}}\n    model: v4\n", "r.yaml")
        by_model = usage.report(usage.collect(led, rules, None, "model"), "model", None)
        by_cluster = usage.report(usage.collect(led, rules, None, "cluster"), "cluster", None)
        tags = focus.bills(led, "tags.p", rules)
        billed = focus.bills(led, "model", rules)
        extra = led.rows(led.table("bills").x_extra)[0][0]
    assert {r["key"]: r["gpu_hours"] for r in by_model["rows"]} == {INJECT: 3.0}  # 2 (job) + 1 (tracker)
    assert {r["key"] for r in by_cluster["rows"]} == {INJECT, "(none)"}  # (the tracker record names no cluster)
    assert [r["key"] for r in tags["rows"]] == [INJECT] and [r["key"] for r in billed["rows"]] == ["v4"]
    assert json.loads(extra) == {INJECT.replace('"', ""): "x", 'a"b': "y"}
    _tables_intact(ledger)


ALLOWED = re.compile(r"^(q\(.*\)|t|imp|int\(.*\)|sel|keymatch|tags(\[1:\])?|cols|num|name|var|src|casts|names|"
                     r"led\.sql\(.*\)|self\.sql\(.*\)|_LINES\.format\(var=var\)|', '\.join\(cols\)|spec\.name|"
                     r"'true' if on else 'false'|first - 1|\{.*\}|k|\w+\[\d\])$")


def test_sql_is_built_only_from_names_the_code_owns():
    """Every f-string handed to an engine (execute, fetch, sql, read) interpolates only quoted identifiers of the
    schema, integers, SQL compiled from Ibis, or the fixed templates: a value a user wrote goes through a bound
    parameter (``?``, SET VARIABLE) or an Ibis literal."""
    bad = []
    for f in sorted((ROOT / "src" / "fullcost" / "actuals").glob("*.py")):
        tree = ast.parse(f.read_text())
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            if node.func.attr not in ("execute", "fetch", "sql"):
                continue
            for arg in node.args[:1]:
                for part in ast.walk(arg):
                    if isinstance(part, ast.FormattedValue):
                        src = ast.unparse(part.value)
                        if not ALLOWED.match(src):
                            bad.append(f"{f.name}:{node.lineno}: {src}")
    assert bad == []


# ---- hostile structures ------------------------------------------------------------------------------------


def test_json_nested_100000_deep_is_one_line(tmp_path):
    led = tmp_path / "l.duckdb"
    assert run("ledger", "init", str(led)).returncode == 0
    deep = tmp_path / "deep.json"
    deep.write_text('{"data": ' + "[" * 100_000 + "]" * 100_000 + "}")
    err = one_line(run("ingest", "opencost", str(deep), "--ledger", str(led)))
    assert err == f"error: {deep}: JSON nested too deep (thousands of levels): not an export of this kind"
    rec = tmp_path / "t.jsonl"
    rec.write_text('{"id": "a", "x": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    with eng.open_ledger(led) as lg:
        r = importer.run(lg, trackerfile.feed(lg, rec))
    assert [(x.line, x.reason) for x in r.rejects] == [(1, "JSON nested too deep (thousands of levels): not an "
                                                           "export of this kind")]
    with pytest.raises(InputError, match="nested too deep"):
        opencost.read(deep)


def test_the_spark_engine_without_pyspark_is_one_line_naming_the_extra(tmp_path):
    code = ("import sys; sys.modules['pyspark'] = None; from fullcost.cli import main; sys.argv = ['fullcost'] + "
            "sys.argv[1:]; main()")

    def spark_less(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120,
                              env={**os.environ, "PYTHONPATH": str(ROOT / "src")})

    want = "error: the spark engine needs pyspark: pip install 'fullcost[spark]'"
    assert one_line(spark_less("ledger", "init", str(tmp_path / "lake"), "--engine", "spark")) == want
    lake = tmp_path / "dir-ledger"
    lake.mkdir()
    (lake / "manifest.json").write_text("{}")
    assert one_line(spark_less("ledger", "usage", str(lake))) == want
    f = write(tmp_path, "s.txt", SACCT)
    assert one_line(spark_less("ingest", "slurm", str(f), "--ledger", str(lake))) == want


def test_a_missing_duckdb_is_one_line_in_every_command_that_opens_a_ledger(tmp_path):
    """DuckDB is a dependency, so only a broken install lacks it: still one line, never a traceback."""
    code = ("import sys; sys.modules['duckdb'] = None; from fullcost.cli import main; sys.argv = ['fullcost'] + "
            "sys.argv[1:]; main()")

    def duck_less(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120,
                              env={**os.environ, "PYTHONPATH": str(ROOT / "src")})

    want = ("error: the ledger needs duckdb, which is missing: pip install fullcost (it is one of fullcost's "
            "dependencies)")
    assert one_line(duck_less("ledger", "init", str(tmp_path / "new.duckdb"))) == want
    led = tmp_path / "lab.duckdb"
    eng.init(led).close()
    f = write(tmp_path, "s.txt", SACCT)
    for args in ( ["ingest", "slurm", str(f), "--ledger", str(led)],
                 ["ledger", "usage", str(led), "--format", "csv"], ["estimate", "--ledger", str(led), "--model", "v4"]):
        assert one_line(duck_less(*args)) == want, args


# ---- the lock ----------------------------------------------------------------------------------------------

HOLD = ("import sys, duckdb; c = duckdb.connect(sys.argv[1]); print('held', flush=True); sys.stdin.readline(); "
        "c.close()")


def _hold(led: Path) -> subprocess.Popen[str]:
    """Another process writing to the ledger, until it is told to stop (a line on its stdin)."""
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(led)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def _release(holder: subprocess.Popen[str]) -> None:
    assert holder.stdin is not None
    holder.stdin.write("done\n")
    holder.stdin.flush()
    holder.wait(timeout=60)


def test_a_second_writer_is_refused_or_waits_with_wait(tmp_path):
    led = tmp_path / "lab.duckdb"
    f = write(tmp_path, "s.txt", SACCT)
    assert run("ledger", "init", str(led)).returncode == 0
    holder = _hold(led)
    try:
        busy = one_line(run("ingest", "slurm", str(f), "--ledger", str(led)))
        assert "the ledger is in use by another process" in busy and "--wait" in busy
        assert "(waited 0.5 s)" in one_line(run("ingest", "slurm", str(f), "--ledger", str(led), "--wait", "0.5"))
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        waiting = subprocess.Popen([sys.executable, "-m", "fullcost.cli", "ingest", "slurm", str(f), "--ledger",
                                    str(led), "--wait", "300"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True, env=env)
        time.sleep(3)
        assert waiting.poll() is None  # still waiting for the lock
    finally:
        _release(holder)
    out, err = waiting.communicate(timeout=300)
    assert waiting.returncode == 0 and "1 new" in out, err
    with eng.open_ledger(led) as lg:
        assert lg.count("jobs") == 1 and lg.count("imports") == 1  # nothing lost, nothing counted twice


@pytest.mark.spark
def test_the_spark_ledger_has_one_writer_too(tmp_path):
    path = tmp_path / "lake"
    eng.init(path, "spark").close()
    first = eng.open_ledger(path)
    try:
        with pytest.raises(InputError, match="in use by another process"):
            eng.open_ledger(path)
        with pytest.raises(InputError, match=r"waited 0.3 s"):
            eng.open_ledger(path, wait=0.3)
        eng.open_ledger(path, read_only=True).close()  # readers read the manifest, which changes by rename
    finally:
        first.close()
    eng.open_ledger(path).close()


# ---- the tracker's record ----------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["directory", "read-only folder"])
def test_track_runs_the_command_and_says_when_its_record_is_lost(tmp_path, where):
    if where == "directory":
        out = tmp_path / "records"
        out.mkdir()
    elif os.geteuid() == 0:  # root writes into any folder a chmod makes read-only; sysfs refuses even root
        out = Path("/sys/kernel/fullcost-runs.jsonl")
    else:
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        out = ro / "runs.jsonl"
    marker = tmp_path / "ran"
    p = run("track", "--model", "v4", "--out", str(out), "--", sys.executable, "-c",
            f"open({str(marker)!r}, 'w').write('yes')")
    assert marker.read_text() == "yes"  # the run ran
    err = one_line(p)
    assert err.startswith(f"error: could not record the run in {out}: ") and "(the command ran and exited 0" in err
    failing = run("track", "--model", "v4", "--out", str(out), "--", sys.executable, "-c", "raise SystemExit(3)")
    assert failing.returncode == 3 and "could not record the run" in failing.stderr
