"""Records read as their tools write them: dates, job ids, duplicate keys, headers, partial records, and values a
person would call wrong (each case as real exports have it; on both engines where the reading is SQL)."""

from __future__ import annotations

import datetime as dt

from fullcost.actuals import codecarbon, focus, importer, slurm, trackerfile, usage
from fullcost.actuals import engine as eng
from fullcost.actuals import rules as rl
from tests.actuals.conftest import write

HEAD = "JobIDRaw|Account|User|Cluster|Submit|Start|End|ElapsedRaw|State|AllocTRES\n"


def _import(path, feed_fn, file, *args):
    with eng.open_ledger(path) as led:
        return importer.run(led, feed_fn(led, file, *args))


def _jobs(path, *cols):
    with eng.open_ledger(path) as led:
        t = led.table("jobs")
        return sorted(led.rows(t.select(*cols)), key=str)


def _usage(path, by):
    with eng.open_ledger(path) as led:
        return {r["key"]: r["gpu_hours"] for r in usage.report(usage.collect(led, rl.EMPTY, None, by), by,
                                                                None)["rows"]}


def _job(jid, start="2025-03-01T01:00:00", end="2025-03-01T03:00:00", el=7200, state="COMPLETED", tres="gres/gpu=2",
         acct="a", user="u", submit="2025-03-01T00:00:00"):
    return f"{jid}|{acct}|{user}|c|{submit}|{start}|{end}|{el}|{state}|{tres}\n"


# ---- dates -------------------------------------------------------------------------------------------------

BILL = "BilledCost,EffectiveCost,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,BillingPeriodStart\n"


def test_dates_as_exports_write_them_offsets_to_utc_and_no_year_guessed(ledger, tmp_path):
    f = write(tmp_path, "b.csv", BILL
              + "1,1,4/1/25,5/1/25,Usage,4/1/2025\n"  # the FOCUS spec's SaaS examples, as Excel saves them
              + "2,2,2025-04-01T00:00:00-07:00,2025-04-01 19:30:00+05:30,Usage,2025-04-01\n"
              + "4,4,0004-01-25,2025-05-01,Usage,\n"  # stored as 0004-01-25 before
              + "8,8,2025-04-01T00:00:00Z,3/31/25 11:00 PM,Usage,\n")
    r = _import(ledger, focus.feed, f)
    assert r.rejects[0].line == 4 and r.rejects[0].reason.startswith("ChargePeriodStart: expected a date-time")
    assert "'0004-01-25'" in r.rejects[0].reason and "in the years 1990 to 2099" in r.rejects[0].reason
    assert r.rejects[1].line == 5 and "ChargePeriodEnd: '3/31/25 11:00 PM' is before ChargePeriodStart" in \
        r.rejects[1].reason
    assert (r.inserted, r.rejected) == (2, 2)
    with eng.open_ledger(ledger) as led:
        b = led.table("bills")
        got = sorted(led.rows(b.select("BilledCost", "ChargePeriodStart", "ChargePeriodEnd", "BillingPeriodStart")))
    assert [(float(c), s, e, p) for c, s, e, p in got] == [
        (1.0, dt.datetime(2025, 4, 1), dt.datetime(2025, 5, 1), dt.datetime(2025, 4, 1)),
        (2.0, dt.datetime(2025, 4, 1, 7), dt.datetime(2025, 4, 1, 14), dt.datetime(2025, 4, 1))]


def test_a_slurm_time_outside_the_plausible_years_is_reported(dledger, tmp_path):
    f = write(tmp_path, "s.txt", HEAD + _job(1) + _job(2, submit="1066-10-14T00:00:00")
              + _job(3, end="2999-01-01T00:00:00"))
    r = _import(dledger, slurm.feed, f)
    assert {x.line: x.reason.split(",")[0] for x in r.rejects} == {
        3: "Submit: expected a time like 2025-01-31T12:00:00 in the years 1990 to 2099",
        4: "End: expected a time like 2025-01-31T12:00:00 in the years 1990 to 2099"}


# ---- job ids -----------------------------------------------------------------------------------------------


def test_job_ids_are_parsed_by_their_structure_without_jobidraw(ledger, tmp_path):
    head = "JobID|Account|Cluster|Submit|End|ElapsedRaw|State|AllocTRES\n"

    def row(jid, gpus):
        return f"{jid}|a|c|2025-03-01T00:00:00|2025-03-01T01:00:00|3600|COMPLETED|gres/gpu={gpus}\n"

    f = write(tmp_path, "ids.txt", head + row("1234", 1) + row("123_4", 80) + row("4103947_100", 2)
              + row("4103947_[1-3]", 0) + row("77+0", 4) + row("77+1", 8) + row("77+1.batch", 8) + row("123_4.0", 80))
    r = _import(ledger, slurm.feed, f)
    assert (r.inserted, r.skipped, r.rejected, r.duplicates) == (6, 2, 0, 0)
    assert _jobs(ledger, "job_id", "task", "gpus") == sorted([
        (1234, "", 1), (123, "_4", 80), (4103947, "_100", 2), (4103947, "_[1-3]", 0), (77, "+0", 4), (77, "+1", 8)],
        key=str)
    assert _usage(ledger, "state") == {"COMPLETED": 1 + 80 + 2 + 4 + 8}  # 123_4 is not job 1234: 81 GPU-hours, not 1


def test_a_job_id_that_is_none_is_reported(dledger, tmp_path):
    f = write(tmp_path, "bad.txt", "JobID|Submit|End|ElapsedRaw|State|AllocTRES\n"
              "12x|2025-03-01T00:00:00|2025-03-01T01:00:00|3600|COMPLETED|gres/gpu=1\n"
              "12_a|2025-03-01T00:00:00|2025-03-01T01:00:00|3600|COMPLETED|gres/gpu=1\n"
              "1e3|2025-03-01T00:00:00|2025-03-01T01:00:00|3600|COMPLETED|gres/gpu=1\n")
    r = _import(dledger, slurm.feed, f)
    assert [x.reason for x in r.rejects] == [
        "JobID: expected a job number, got '12x'",
        "JobID: expected a job id such as 123, 123_4, 123_[1-3], 123+1 or 123.batch, got '12_a'",
        "JobID: expected a job number, got '1e3'"]


# ---- duplicate keys ----------------------------------------------------------------------------------------


def test_of_rows_with_one_key_the_one_that_ended_last_then_ran_longest_wins(ledger, tmp_path):
    f = write(tmp_path, "dup.txt", HEAD
              + _job(5, end="2025-03-01T02:00:00", el=3600, tres="gres/gpu=1")
              + _job(5, end="2025-03-01T03:00:00", el=7200, tres="gres/gpu=2")  # ended last: wins
              + _job(5, end="2025-03-01T01:30:00", el=1800, tres="gres/gpu=4")
              + _job(6, end="2025-03-01T03:00:00", el=3600, tres="gres/gpu=1")
              + _job(6, end="2025-03-01T03:00:00", el=7200, tres="gres/gpu=1"))  # same end, more elapsed: wins
    r = _import(ledger, slurm.feed, f)
    assert (r.inserted, r.duplicates) == (2, 3)
    assert _jobs(ledger, "job_id", "elapsed", "gpus") == [(5, 7200, 2), (6, 7200, 1)]


def test_the_tracker_keeps_the_record_that_ended_last(ledger, tmp_path):
    def rec(end, dur):
        return (f'{{"id": "r1", "model": "v4", "phase": "experiments", "start": "2025-03-01T00:00:00Z", '
                f'"end": "{end}", "duration_s": {dur}, "gpus": 1}}\n')

    f = write(tmp_path, "t.jsonl", rec("2025-03-01T02:00:00Z", 7200) + rec("2025-03-01T01:00:00Z", 3600)
              + rec("2025-03-01T02:00:00Z", 5000))
    r = _import(ledger, trackerfile.feed, f)
    assert (r.inserted, r.duplicates) == (1, 2)
    with eng.open_ledger(ledger) as led:
        t = led.table("tracker")
        assert [float(x) for (x,) in led.rows(t.select("duration_s"))] == [7200.0]


# ---- headers and bytes -------------------------------------------------------------------------------------


def test_a_header_wherever_jobid_stands_after_a_blank_line_a_bom_and_crlf(ledger, tmp_path):
    # sacct -P --format ALL puts Account first; User and Account in an unusual order
    text = ("\r\n\ufeffUser|Account|JobID|Submit|End|ElapsedRaw|State|AllocTRES\r\n"
            "alice|frontier|10|2025-03-01T00:00:00|2025-03-01T01:00:00|3600|COMPLETED|gres/gpu=8\r\n"
            "bob|research|11|2025-03-01T00:00:00|2025-03-01T02:00:00|7200|COMPLETED|gres/gpu=1\r\n")
    f = tmp_path / "all.txt"
    f.write_bytes(text.encode("utf-8"))
    r = _import(ledger, slurm.feed, f)
    assert (r.rows, r.inserted, r.rejected) == (2, 2, 0)
    assert _usage(ledger, "account") == {"frontier": 8.0, "research": 2.0}
    assert _usage(ledger, "user") == {"alice": 8.0, "bob": 2.0}


def test_a_bom_before_a_header_line_one(dledger, tmp_path):
    f = tmp_path / "bom.txt"
    f.write_bytes(("\ufeff" + "JobIDRaw|User|Account|Submit|End|ElapsedRaw|State|AllocTRES\n"
                   "1|alice|frontier|2025-03-01T00:00:00|2025-03-01T01:00:00|3600|COMPLETED|gres/gpu=8\n")
                  .encode("utf-8"))
    r = _import(dledger, slurm.feed, f)
    assert (r.rows, r.rejected) == (1, 0) and _usage(dledger, "account") == {"frontier": 8.0}


def test_latin1_bytes_in_a_job_name_are_read_and_said(ledger, tmp_path):
    f = tmp_path / "latin.txt"
    f.write_bytes(b"JobIDRaw|JobName|Cluster|Submit|End|ElapsedRaw|State|AllocTRES\n"
                  b"1|caf\xe9|c|2025-03-01T00:00:00|2025-03-01T01:00:00|3600|COMPLETED|gres/gpu=1\n"
                  b"2|na\xc3\xafve|c|2025-03-01T00:00:00|2025-03-01T01:00:00|3600|COMPLETED|gres/gpu=1\n")
    r = _import(ledger, slurm.feed, f)
    assert (r.inserted, r.rejected) == (2, 0)
    assert any("1 line not UTF-8, read as Latin-1 (line 2)" in n for n in r.notes)
    assert _jobs(ledger, "job_name") == [("café",), ("naïve",)]


def test_blank_lines_are_not_rows_and_line_numbers_stay_right(dledger, tmp_path):
    f = write(tmp_path, "gaps.txt", HEAD + _job(1) + "\n\n" + _job(2, el="x") + "\n" + _job(3, tres="gres/gpu=-8"))
    r = _import(dledger, slurm.feed, f)
    assert r.rows == 3 and {x.line: x.reason.split(":")[0] for x in r.rejects} == {5: "ElapsedRaw", 7: "AllocTRES"}


def test_csv_columns_without_a_name_and_a_ragged_line_reported_once(ledger, tmp_path):
    # CodeCarbon files saved by pandas: an index column with an empty name, trailing empty columns
    f = write(tmp_path, "cc.csv", ",timestamp,project_name,duration,energy_consumed,gpu_count,,\n"
              "0,2025-03-01T10:00:00,p,3600,0.5,2,,\n1,2025-03-01T11:00:00,q,1800,0.2,4,,\n2,3,4\n")
    r = _import(ledger, codecarbon.feed, f)
    assert (r.rows, r.inserted, r.rejected) == (3, 2, 1)
    assert [(x.line, x.reason) for x in r.rejects] == [(4, "truncated row: 3 of 8 fields")]
    assert _usage(ledger, "source") == {"codecarbon": 2.0 + 2.0}


def test_a_ragged_line_in_a_focus_export_is_counted_once(ledger, tmp_path):
    rows = "".join(f"{i},{i},2025-04-01,2025-04-02,Usage\n" for i in range(1, 11))
    f = write(tmp_path, "rag.csv", "BilledCost,EffectiveCost,ChargePeriodStart,ChargePeriodEnd,ChargeCategory\n"
              + rows + "a,b,c\n" + rows.replace("Usage", "Tax"))
    r = _import(ledger, focus.feed, f)
    assert (r.rows, r.inserted, r.rejected, len(r.rejects)) == (21, 20, 1, 1)
    assert r.rejects[0].line == 12 and r.rejects[0].reason == "truncated row: 3 of 5 fields"


def test_mixed_line_endings_in_a_csv_are_one_line_not_a_traceback(dledger, tmp_path):
    from fullcost.errors import InputError

    f = tmp_path / "mixed.csv"
    f.write_bytes(b"BilledCost,EffectiveCost,ChargePeriodStart,ChargePeriodEnd,ChargeCategory\r\n"
                  b"1,1,2025-04-01,2025-04-02,Usage\r\n2,2,2025-04-01,2025-04-02,Usage\n")
    try:
        r = _import(dledger, focus.feed, f)
    except InputError as e:
        assert "cannot read the file as CSV" in str(e) and "\n" not in str(e)
    else:
        assert r.inserted + r.rejected == 2


# ---- partial records ---------------------------------------------------------------------------------------


def test_codecarbon_rows_without_energy_keep_their_gpu_hours_and_say_so(ledger, tmp_path):
    f = write(tmp_path, "cc.csv", "timestamp,project_name,run_id,duration,energy_consumed,gpu_energy,gpu_count\n"
              "2025-03-01T10:00:00,p,r1,3600,0.9,0.5,2\n"
              "2025-03-01T10:00:00,p,r2,7200,,0.7,4\n")  # a flush cut short: no energy_consumed
    r = _import(ledger, codecarbon.feed, f)
    assert (r.inserted, r.rejected) == (2, 0)
    assert any(n.startswith("1 row without energy_consumed") and "energy modelled" in n for n in r.notes)
    with eng.open_ledger(ledger) as led:
        rows = usage.collect(led, rl.EMPTY, None, None)
    assert sum(float(x.gpu_s) for x in rows) / 3600 == 2 + 8
    assert sum(float(x.measured_s) for x in rows) / 3600 == 2  # r2's energy is modelled, not measured


def test_an_ended_job_with_end_unknown_counts_its_elapsed_time(ledger, tmp_path):
    f = write(tmp_path, "c.txt", HEAD + _job(1, end="Unknown", el=1800, state="CANCELLED by 123")
              + _job(2, start="Unknown", end="Unknown", el=0, state="CANCELLED by 0"))
    r = _import(ledger, slurm.feed, f)
    assert (r.inserted, r.rejected) == (2, 0)
    assert _usage(ledger, "state") == {"CANCELLED": 1.0}
    assert _jobs(ledger, "job_id", "end") == [(1, dt.datetime(2025, 3, 1, 1, 30)), (2, dt.datetime(2025, 3, 1))]


def test_allocgres_gives_the_gpus_where_alloctres_has_none(ledger, tmp_path):
    f = write(tmp_path, "g.txt", "JobIDRaw|Submit|End|ElapsedRaw|State|AllocTRES|AllocGRES\n"
              "1|2025-03-01T00:00:00|2025-03-01T01:00:00|3600|COMPLETED|cpu=4,mem=8G|gpu:2\n"
              "2|2025-03-01T00:00:00|2025-03-01T01:00:00|3600|COMPLETED|cpu=4|gpu:a100:4(IDX:0-3)\n"
              "3|2025-03-01T00:00:00|2025-03-01T01:00:00|3600|COMPLETED|gres/gpu=1|gpu:8\n")
    _import(ledger, slurm.feed, f)
    assert _jobs(ledger, "job_id", "gpus") == [(1, 2), (2, 4), (3, 1)]


# ---- values a person would call wrong ----------------------------------------------------------------------


def test_wrong_values_are_reported_not_counted(ledger, tmp_path):
    f = write(tmp_path, "w.txt", HEAD + _job(1)
              + _job(2, tres="cpu=8,gres/gpu=-8")  # would subtract 16 GPU-hours from its account
              + _job(3, tres="gres/gpu:a100=2,gres/gpu:h100=-1")
              + _job(4, start="2025-03-01T01:00:00", end="2025-03-01T00:30:00")  # End before Start
              + _job(5, start="2025-02-28T00:00:00", end="2025-02-28T01:00:00")  # before Submit
              + _job(6, el=993600)  # ElapsedRaw of 11.5 days for a 2-hour Start..End
              + _job(7, el=3600))  # shorter than Start..End: a suspended job, fine
    r = _import(ledger, slurm.feed, f)
    got = {x.line: x.reason for x in r.rejects}
    assert got == {
        3: "AllocTRES: a GPU count that is not a whole number of 0 or more in 'cpu=8,gres/gpu=-8'",
        4: "AllocTRES: a GPU count that is not a whole number of 0 or more in 'gres/gpu:a100=2,gres/gpu:h100=-1'",
        5: "End: '2025-03-01T00:30:00' is before Start '2025-03-01T01:00:00'",
        6: "End: '2025-02-28T01:00:00' is before Submit '2025-03-01T00:00:00'",
        7: "ElapsedRaw: 993600 s, longer than Start..End (7200 s)"}
    assert _usage(ledger, "account") == {"a": 4.0 + 2.0}
