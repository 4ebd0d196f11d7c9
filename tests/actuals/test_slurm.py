"""Slurm dumps: totals equal an independent reading, idempotent imports, states, GPUs, bad rows."""

from __future__ import annotations

import pytest

from fullcost.actuals import engine as eng
from fullcost.actuals import importer, slurm, usage
from fullcost.actuals import rules as rl
from fullcost.errors import InputError
from tests.actuals.conftest import read_sacct, totals, write


def _import(path, file, **kw):
    with eng.open_ledger(path) as led:
        return importer.run(led, slurm.feed(led, file, **{k: v for k, v in kw.items() if k != "strict"}),
                            kw.get("strict", False))


def _usage(path, by, rules=rl.EMPTY):
    with eng.open_ledger(path) as led:
        return usage.report(usage.collect(led, rules, None, by), by, None)


def _close(a: dict[str, float], b: dict[str, float]) -> None:
    assert set(a) == set(b)
    for k in a:
        assert a[k] == pytest.approx(b[k], rel=1e-12, abs=1e-9), k


def test_totals_match_an_independent_reading_and_a_second_import_changes_nothing(ledger, dump):
    f = dump(1200, steps=True, bad_every=97, dup_every=41)
    want = read_sacct(f)
    r1 = _import(ledger, f)
    assert r1.rows == 1200 and r1.rejected > 0 and r1.skipped > 0 and r1.duplicates > 0
    got = {r["key"]: r["gpu_hours"] for r in _usage(ledger, "account")["rows"]}
    _close(got, totals(want, "Account"))
    by_state = {r["key"]: r["gpu_hours"] for r in _usage(ledger, "state")["rows"]}
    _close(by_state, totals(want, "state"))
    assert "RUNNING" not in by_state and "PENDING" not in by_state
    r2 = _import(ledger, f)
    assert (r2.inserted, r2.updated) == (0, 0) and r2.unchanged == r1.inserted
    _close({r["key"]: r["gpu_hours"] for r in _usage(ledger, "account")["rows"]}, got)


def test_bad_rows_are_reported_with_line_and_reason(ledger, dump):
    f = dump(400, bad_every=100)
    r = _import(ledger, f)
    lines = {x.line: x.reason for x in r.rejects}
    # rows 99, 199, 299, 399 (file lines 101, 201, ...): ElapsedRaw, truncated, GPU count, Submit
    assert lines[101] == "ElapsedRaw: expected whole seconds, got '12x'"
    assert lines[201] == "truncated line: 6 of 20 fields"
    assert lines[301].startswith("AllocTRES: a GPU count that is not a whole number of 0 or more in "
                                 "'cpu=8,gres/gpu=eight")
    assert lines[401] == "Submit: expected a time like 2025-01-31T12:00:00 in the years 1990 to 2099, got 'yesterday'"
    assert r.rejected == 4 and r.inserted == 396


def test_strict_stops_at_the_first_bad_row_and_writes_nothing(dledger, dump):
    f = dump(400, bad_every=100)
    with pytest.raises(InputError) as e:
        _import(dledger, f, strict=True)
    assert e.value.line == 101 and "ElapsedRaw" in str(e.value) and "nothing imported" in str(e.value)
    assert _usage(dledger, "account")["rows"] == []


def test_headerless_dumps_with_default_or_given_fields(dledger, tmp_path, dump):
    f = dump(300, name="h.txt")
    lines = f.read_text().splitlines()
    bare = tmp_path / "bare.txt"
    bare.write_text("\n".join(lines[1:]) + "\n")
    r = _import(dledger, bare)
    assert r.rows == 300 and r.rejected == 0
    want = totals(read_sacct(f), "Account")
    _close({x["key"]: x["gpu_hours"] for x in _usage(dledger, "account")["rows"]}, want)
    # a reordered dump read with --fields, Elapsed instead of ElapsedRaw, no Cluster field
    cols = ["JobIDRaw", "Account", "Submit", "End", "Elapsed", "State", "AllocTRES"]
    head = lines[0].split("|")
    other = tmp_path / "other.txt"
    other.write_text("\n".join("|".join(dict(zip(head, ln.split("|"), strict=True))[c] for c in cols)
                               for ln in lines[1:]) + "\n")
    led2 = tmp_path / "l2.duckdb"
    eng.init(led2).close()
    r2 = _import(led2, other, fields=",".join(cols), cluster="alpha")
    assert r2.rejected == 0 and any("no Cluster field" in n for n in r2.notes)
    _close({x["key"]: x["gpu_hours"] for x in _usage(led2, "account")["rows"]}, want)


def test_headerless_with_the_wrong_field_count_is_one_clear_error(dledger, tmp_path):
    f = write(tmp_path, "x.txt", "1|a|b\n")
    with pytest.raises(InputError) as e:
        _import(dledger, f)
    assert "no header line and 3 fields" in str(e.value) and e.value.line == 1


STATES = """\
JobID|JobIDRaw|JobName|User|Account|Partition|Cluster|Submit|Start|End|ElapsedRaw|State|AllocTRES
10|10|a|u|acct|p|c|2025-03-01T00:00:00|2025-03-01T00:00:00|2025-03-01T01:00:00|3600|CANCELLED by 1234|cpu=8,gres/gpu=2
11|11|a|u|acct|p|c|2025-03-01T00:00:00|2025-03-01T00:00:00|Unknown|7200|RUNNING|gres/gpu:h100=4,gres/gpu=4
12|12|a|u|acct|p|c|2025-03-01T00:00:00|Unknown|Unknown|0|PENDING|
13|13|a|u|acct|p|c|2025-03-01T00:00:00|2025-03-01T00:00:00|2025-03-01T02:00:00|7200|OUT_OF_MEMORY|cpu=8,gres/gpu:a100=1,gres/gpu:v100=2
14|14|a|u|acct|p|c|2025-03-01T00:00:00|2025-03-01T00:00:00|2025-03-01T01:00:00|3600|COMPLETED|cpu=8,gres/gpumem=80G,gres/shard=4
14.batch|14.batch|batch|u|acct|p|c|2025-03-01T00:00:00|2025-03-01T00:00:00|2025-03-01T01:00:00|3600|COMPLETED|cpu=8,gres/gpu=8
15|15|a|u|acct|p|c|2025-03-01T00:00:00|2025-03-01T00:00:00|2025-03-01T00:30:00|1800|TIMEOUT|gres/gpu=8
"""


def test_states_and_gpus_as_slurm_writes_them(ledger, tmp_path):
    f = write(tmp_path, "states.txt", STATES)
    r = _import(ledger, f)
    assert (r.rows, r.inserted, r.skipped, r.rejected) == (7, 6, 1, 0)
    by = {x["key"]: x["gpu_hours"] for x in _usage(ledger, "state")["rows"]}
    # CANCELLED by 1234: 2 GPUs x 1h; OOM: typed 1 + 2 = 3 GPUs x 2h; gpumem and shard are not GPUs;
    # running and pending jobs do not count yet; the step is skipped (its job carries the GPUs)
    assert by == {"CANCELLED": 2.0, "OUT_OF_MEMORY": 6.0, "COMPLETED": 0.0, "TIMEOUT": 4.0}
    # later the running job has ended: the new dump replaces it and it counts
    later = write(tmp_path, "later.txt",
                  STATES.replace("|Unknown|7200|RUNNING|", "|2025-03-01T02:00:00|7200|COMPLETED|"))
    r2 = _import(ledger, later)
    assert (r2.updated, r2.inserted, r2.unchanged) == (1, 0, 5)
    by2 = {x["key"]: x["gpu_hours"] for x in _usage(ledger, "state")["rows"]}
    assert by2["COMPLETED"] == 8.0 and sum(by2.values()) == 20.0
    # failed, cancelled, timed-out and out-of-memory jobs are failed work
    phases = {x["key"]: x["gpu_hours"] for x in _usage(ledger, "phase")["rows"]}
    assert phases == {"failed": 12.0, "other": 8.0}


def test_not_a_parsable_dump(dledger, tmp_path):
    f = write(tmp_path, "fixed.txt", "JobID    JobName  State\n------ -------- --------\n")
    with pytest.raises(InputError) as e:
        _import(dledger, f)
    assert "sacct --parsable2" in str(e.value)


def test_gpu_parsing_unit(tmp_path):
    f = write(tmp_path, "g.txt", "JobIDRaw|Cluster|Submit|End|ElapsedRaw|State|AllocTRES\n" + "".join(
        f"{i}|c|2025-01-01T00:00:00|2025-01-01T01:00:00|3600|COMPLETED|{t}\n" for i, t in enumerate([
            "billing=64,cpu=64,gres/gpu=8,mem=800G,node=1", "gres/gpu:h100=8,gres/gpu=8",
            "gres/gpu:a100=2,gres/gpu:v100=3",
            "cpu=4,mem=16G", "", "gres/gpumem=80G,gres/gpu=1", "gres/shard=2,cpu=1"])))
    led = tmp_path / "g.duckdb"
    eng.init(led).close()
    _import(led, f)
    with eng.open_ledger(led) as lg:
        jobs = lg.table("jobs")
        got = dict(lg.rows(jobs.select("job_id", "gpus").order_by("job_id")))
    assert got == {0: 8, 1: 8, 2: 5, 3: 0, 4: 0, 5: 1, 6: 0}
