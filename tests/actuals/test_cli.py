"""The commands and their JSON contracts; bad input is one line and exit code 2."""

from __future__ import annotations

import json

import pytest

from tests.actuals.conftest import DATA, FOCUS_SAMPLE, needs_focus_sample, read_sacct, totals, write


@needs_focus_sample
def test_ledger_ingest_usage_bills_costs(cli, tmp_path, dump):
    led = tmp_path / "lab.duckdb"
    assert cli("ledger", "init", str(led)).code == 0
    f = dump(800, bad_every=200)
    r = cli("ingest", "slurm", str(f), "--ledger", str(led))
    assert r.code == 0 and "800 rows read" in r.out and f"rejected {f}:201: ElapsedRaw" in r.out
    j = cli("ingest", "slurm", str(f), "--ledger", str(led), "--format", "json").json()
    assert j["inserted"] == 0 and j["unchanged"] == 796 and len(j["rejects"]) == 4
    u = cli("ledger", "usage", str(led), "--by", "account", "--format", "json").json()
    assert set(u) == {"rows", "total", "period", "warnings"} and set(u["rows"][0]) == {"key", "gpu_hours", "usd"}
    assert u["period"]["basis"] == "the records' span" and u["period"]["from"].startswith("2025-01")
    want = totals(read_sacct(f), "Account")
    assert {x["key"]: round(x["gpu_hours"], 6) for x in u["rows"]} == {k: round(v, 6) for k, v in want.items()}
    assert u["total"]["usd"] == 0.0  # no fleet yet: hours are not priced
    assert cli("ingest", "focus", str(FOCUS_SAMPLE), "-l", str(led)).code == 0
    cfg = cli("ledger", "config", str(led), "--rules", str(DATA / "rules.yaml"), "--fleet", str(DATA / "fleet.yaml"),
              "--staff", str(DATA / "staff.yaml"))
    assert cfg.code == 0 and "fleet.yaml" in cfg.out
    m = cli("ledger", "usage", str(led), "--by", "model", "--format", "json").json()
    assert {x["key"] for x in m["rows"]} == {"v4", "v3", "unattributed"} and m["total"]["usd"] > 0
    b = cli("ledger", "bills", str(led), "--by", "model", "--format", "json").json()
    assert set(b) == {"rows", "total", "period", "warnings"}
    assert set(b["rows"][0]) == {"key", "billed_cost", "effective_cost"}
    assert b["total"]["billed_cost"] == cli("ledger", "bills", str(led), "--by", "ProviderName", "--format",
                                            "json").json()["total"]["billed_cost"]
    c = cli("ledger", "costs", str(led), "--format", "json").json()
    assert {x["model"] for x in c["rows"]} >= {"v4", "v3", "unattributed", "lab"}
    assert c["total"]["usd"] == sum(x["usd"] for x in c["rows"])
    t = cli("ledger", "costs", str(led))
    assert t.code == 0 and "idle capacity: weighted" in t.out and f"Period: {c['period']['from']} to " in t.out
    e = cli("ledger", "estimate", str(led), "--model", "v4", "--format", "json").json()
    assert e["name"] == "v4" and e["headline"]["usd_per_gpu_hour"] == 2.0 and e["development"]["items"]
    assert sum(b["usd"] for b in e["bridge"]) == pytest.approx(e["development"]["total_usd"]["mean"])
    text = cli("ledger", "estimate", str(led), "--model", "v4")
    assert text.code == 0 and "[fleet file]" in text.out and "Bridge" in text.out
    # the estimate command reads a ledger the same way
    assert cli("estimate", "--ledger", str(led), "--model", "v4", "--format", "json").json() == e
    assert "Bridge" in cli("estimate", "--ledger", str(led), "--model", "v4").out
    no_model = cli("estimate", "--ledger", str(led))
    assert no_model.code == 2 and "--ledger needs --model" in no_model.err
    imps = cli("ledger", "imports", str(led), "--format", "json").json()
    assert [i["kind"] for i in imps] == ["slurm", "slurm", "focus"]


def test_bad_input_is_one_line_and_exit_2(sh, tmp_path):
    led = tmp_path / "lab.duckdb"
    assert sh("ledger", "init", str(led)).code == 0
    again = sh("ledger", "init", str(led))
    assert again.code == 2 and again.err.strip().endswith("already exists: choose a new path for the ledger")
    bad = write(tmp_path, "bad.txt", "JobIDRaw|Cluster|Submit|End|ElapsedRaw|State|AllocTRES\n"
                "1|c|2025-01-01T00:00:00|2025-01-01T01:00:00|3600|COMPLETED|gres/gpu=1\n"
                "2|c|2025-01-01T00:00:00|2025-01-01T01:00:00|abc|COMPLETED|gres/gpu=1\n")
    r = sh("ingest", "slurm", str(bad), "--ledger", str(led), "--strict")
    assert r.code == 2 and "Traceback" not in r.err and len(r.err.strip().splitlines()) == 1
    assert r.err.strip() == (f"error: {bad}:3: ElapsedRaw: expected whole seconds, got 'abc' (--strict: nothing "
                             "imported)")
    u = sh("ledger", "usage", str(led), "--by", "account", "--format", "json")
    assert json.loads(u.out)["rows"] == []  # nothing was written
    nothere = sh("ingest", "slurm", str(tmp_path / "nope.txt"), "--ledger", str(led))
    assert nothere.code == 2 and nothere.err.strip() == f"error: {tmp_path / 'nope.txt'}: file not found"
    noledger = sh("ledger", "usage", str(tmp_path / "none.duckdb"))
    assert noledger.code == 2 and "no ledger here" in noledger.err
    rules = write(tmp_path, "r.yaml", "rules:\n  - match: {account: nobody}\n    model: z\n")
    sh("ingest", "slurm", str(bad), "--ledger", str(led))
    nomatch = sh("ledger", "usage", str(led), "--by", "model", "--rules", str(rules))
    assert nomatch.code == 2 and nomatch.err.startswith(f"error: {rules}:2: no rule matched any usage or bill")
    by = sh("ledger", "usage", str(led), "--by", "colour")
    assert by.code == 2 and "--by: expected one of account, user, model, phase, state" in by.err


def test_track_needs_a_command(cli):
    r = cli("track", "--model", "v4")
    assert r.code == 2 and "give the command to run after --" in r.err


@pytest.mark.spark
def test_a_spark_ledger_from_the_command_line(cli, tmp_path):
    led = tmp_path / "lake"
    assert cli("ledger", "init", str(led), "--engine", "spark").code == 0
    assert (led / "manifest.json").is_file()
    f = write(tmp_path, "t.jsonl", '{"id": "r1", "model": "v4", "phase": "experiments", "start": '
              '"2025-01-01T00:00:00Z", "end": "2025-01-01T02:00:00Z", "duration_s": 7200, "gpus": 4}\n')
    r = cli("ingest", "tracker", str(f), "--ledger", str(led), "--format", "json").json()
    assert r["inserted"] == 1
    u = cli("ledger", "usage", str(led), "--by", "model", "--format", "json").json()
    assert u == {"rows": [{"key": "v4", "gpu_hours": 8.0, "usd": 0.0}], "total": {"gpu_hours": 8.0, "usd": 0.0},
                 "period": {"from": "2025-01-01", "to": "2025-01-01", "basis": "the records' span"}, "warnings": []}
    csv_out = cli("ledger", "usage", str(led), "--by", "model", "--format", "csv").out
    assert csv_out == "model,gpu_hours,usd,period_from,period_to\nv4,8.0,0.0,2025-01-01,2025-01-01\n"
