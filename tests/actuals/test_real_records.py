"""Real files nobody on the project wrote (../shared/reference/real-records, see its SOURCES.tsv): each imports with
totals equal to an independent reading written here (plain Python, not the importers' code), or is rejected
row by row for a reason a person agrees with; on DuckDB and on Spark alike (the ``engine`` fixture)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from fullcost.actuals import codecarbon, focus, importer, opencost, slurm, usage
from fullcost.actuals import engine as eng
from fullcost.actuals import rules as rl
from tests.actuals.conftest import REAL, needs_real_records

pytestmark = needs_real_records

XDMOD = ("JobID,JobIDRaw,Cluster,Partition,QOS,Account,Group,GID,User,UID,Submit,Eligible,Start,End,Elapsed,"
         "ExitCode,State,NNodes,NCPUS,ReqCPUS,ReqMem,ReqTRES,AllocTRES,Timelimit,NodeList,JobName")
ENDED = {"COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL", "BOOT_FAIL", "DEADLINE",
         "PREEMPTED", "REVOKED", "REQUEUED", "SPECIAL_EXIT"}


def _files(kind: str, suffix: str) -> list[str]:
    d = REAL / kind
    return sorted(p.name for p in d.glob(f"*{suffix}") if p.suffix != ".tsv") if d.is_dir() else ["(absent)"]


def _import(ledger: Path, feed_fn, file: Path, *args):
    with eng.open_ledger(ledger) as led:
        return importer.run(led, feed_fn(led, file, *args))


# ---- Slurm ------------------------------------------------------------------------------------------------


def _seconds(text: str) -> int:
    m = re.fullmatch(r"(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+)(?:\.\d+)?", text)
    assert m, text
    d, h, mi, s = (int(x or 0) for x in m.groups())
    return d * 86400 + h * 3600 + mi * 60 + s


def _gpus(r: dict[str, str]) -> int:
    tres = r.get("AllocTRES", "")
    m = re.search(r"gres/gpu=(\d+)", tres)
    if m:
        return int(m.group(1))
    typed = re.findall(r"gres/gpu:[^=,]+=(\d+)", tres)
    if typed:
        return sum(map(int, typed))
    return sum(int(x) for x in re.findall(r"gpu(?::[^:,(]+)?:(\d+)", r.get("AllocGRES", "")))


def read_dump(path: Path, fields: str | None) -> dict:
    """sacct -P as a person reads it: the header where JobID stands, steps aside, ended jobs counted."""
    lines = [ln.decode("utf-8", "replace").lstrip("\ufeff") for ln in re.split(rb"\r\n|\r|\n", path.read_bytes())]
    lines = [ln for ln in lines if ln.strip()]
    first = lines[0].split("|")
    if "JobID" in first or "JobIDRaw" in first:
        head, data = first, lines[1:]
    else:
        head, data = fields.split(","), lines
    jobs: dict[tuple, dict] = {}
    steps = 0
    for ln in data:
        r = dict(zip(head, ln.split("|"), strict=True))
        rid = r.get("JobIDRaw") or r["JobID"]
        if "." in rid:
            steps += 1
            continue
        state = r["State"].split(" ")[0]
        el = int(r["ElapsedRaw"]) if "ElapsedRaw" in r else _seconds(r["Elapsed"])
        task = re.match(r"^\d+([_+][^.]*)?", r.get("JobID", rid)).group(1) or ""
        key = (r.get("Cluster", "default"), int(re.match(r"\d+", rid).group()), task, r.get("Submit"))
        ended = state in ENDED and (r.get("End", "Unknown") != "Unknown" or "Start" in r or "Submit" in r)
        jobs[key] = {"state": state, "gpu_hours": _gpus(r) * el / 3600 if ended else 0.0, "gpus": _gpus(r)}
    return {"jobs": jobs, "steps": steps, "gpu_hours": sum(j["gpu_hours"] for j in jobs.values())}


@pytest.mark.parametrize("name", _files("slurm", ""))
def test_slurm_dumps(ledger, name):
    path = REAL / "slurm" / name
    fields = XDMOD if name.startswith("xdmod_") else None  # XDMoD writes its dumps without a header
    want = read_dump(path, fields)
    r = _import(ledger, slurm.feed, path, fields)
    assert (r.rejected, r.skipped, r.inserted, r.duplicates) == (0, want["steps"], len(want["jobs"]), 0), r.rejects
    with eng.open_ledger(ledger) as led:
        jobs = led.table("jobs")
        stored = {(c, j, t): (s, g) for c, j, t, s, g in led.rows(jobs.select("cluster", "job_id", "task", "state",
                                                                              "gpus"))}
        got = usage.report(usage.collect(led, rl.EMPTY, None, "state"), "state", None)["total"]["gpu_hours"]
    assert stored == {k[:3]: (v["state"], v["gpus"]) for k, v in want["jobs"].items()}
    assert got == pytest.approx(want["gpu_hours"], rel=1e-12, abs=1e-12)
    if name == "xdmod_phillips.log":
        assert round(got, 6) == 506.912778
    if name == "xdmod_job-arrays.log":  # one array job's tasks and pending ranges, each its own record
        assert sorted(t for _, _, t in stored) == ["_100", "_[1,5]", "_[1-3]", "_[9-11,13,16-20]", "_[9-11,20]",
                                                  "_[91,100-102]"]
    if name == "slurmio_sacct_long_allocgres.txt":  # AllocTRES has no GPU entry: AllocGRES=gpu:1 gives it
        assert stored == {("default", 606501, ""): ("RUNNING", 1)}
    if name.startswith("trexcoe_"):  # `sacct --format ALL` puts Account first; a blank line before the header
        assert r.rows == len(want["jobs"]) > 0


def test_a_cancelled_job_whose_end_slurm_lost_counts_its_elapsed_time(dledger):
    path = REAL / "slurm" / "slurm2sql_test-data1.csv"
    _import(dledger, slurm.feed, path)
    with eng.open_ledger(dledger) as led:
        jobs = led.table("jobs")
        got = dict(led.rows(jobs.select("job_id", "end")))
    # 43977780: CANCELLED by 1300204, End=Unknown, Start 2019-08-01T00:35:27, Elapsed 00:00:17
    assert got[43977780] == dt.datetime(2019, 8, 1, 0, 35, 44)


# ---- CodeCarbon --------------------------------------------------------------------------------------------


def _ts(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return None


def read_emissions(path: Path) -> dict:
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    good, bad = [], 0
    for r in rows:
        if _ts(r["timestamp"]) is None:
            bad += 1
            continue
        good.append(r)
    last: dict[str, dict] = {}
    for i, r in enumerate(good):
        run = r.get("run_id") or f"row{i}"
        key = (_ts(r["timestamp"]), float(r["duration"]))
        if run not in last or key > (_ts(last[run]["timestamp"]), float(last[run]["duration"])):
            last[run] = r
    hours = sum(float(r.get("gpu_count") or 0) * float(r["duration"]) / 3600 for r in last.values())
    partial = sum(1 for r in good if not r["energy_consumed"].strip())
    return {"rows": len(rows), "bad": bad, "gpu_hours": hours, "partial": partial}


@pytest.mark.parametrize("name", _files("codecarbon", ".csv"))
def test_codecarbon_files(ledger, name):
    path = REAL / "codecarbon" / name
    want = read_emissions(path)
    r = _import(ledger, codecarbon.feed, path)
    assert (r.rows, r.rejected, r.inserted) == (want["rows"], want["bad"], want["rows"] - want["bad"])
    # what is rejected is a timestamp that is no date: '26:11.7' (a spreadsheet's minutes), 2020-04-31
    assert all(x.reason.startswith("timestamp: expected a date-time") for x in r.rejects)
    with eng.open_ledger(ledger) as led:
        got = usage.report(usage.collect(led, rl.EMPTY, None, "source"), "source", None)["total"]["gpu_hours"]
    assert got == pytest.approx(want["gpu_hours"], rel=1e-9, abs=1e-12)
    assert any("without energy_consumed" in n for n in r.notes) == bool(want["partial"])
    assert not any("FOCUS" in n for n in r.notes)


# ---- OpenCost ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", _files("opencost", ".json"))
def test_opencost_responses(ledger, name):
    path = REAL / "opencost" / name
    data = json.loads(path.read_text())
    allocs = [a for step in data["data"] for a in step.values()]
    r = _import(ledger, opencost.feed, path)
    assert (r.rows, r.inserted, r.rejected) == (len(allocs), len(allocs), 0)
    with eng.open_ledger(ledger) as led:
        got = usage.report(usage.collect(led, rl.EMPTY, None, "source"), "source", None)["total"]
    busy = [a for a in allocs if "__idle__" not in a["name"]]
    assert got["usd"] == pytest.approx(sum(a["totalCost"] for a in busy), abs=1e-9)
    assert got["gpu_hours"] == pytest.approx(sum(a["gpuHours"] for a in busy), abs=1e-9)


# ---- FOCUS -------------------------------------------------------------------------------------------------


def _amount(text: str) -> Decimal:
    t = text.strip()
    neg = t.startswith(("(", "-"))
    return Decimal(t.strip("()-").replace("$", "").replace(",", "")) * (-1 if neg else 1)


def _when(text: str) -> dt.datetime | None:
    t = text.strip()
    try:
        if "/" in t:
            m, d, y = t.split("/")
            return dt.datetime(2000 + int(y) if len(y) == 2 else int(y), int(m), int(d))
        return dt.datetime.fromisoformat(t.replace("Z", "+00:00"))
    except ValueError:
        return None


def read_bills(path: Path) -> dict:
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    good = [r for r in rows if all(_when(r[c]) is not None for c in ("ChargePeriodStart", "ChargePeriodEnd"))]
    return {"rows": len(rows), "bad": len(rows) - len(good),
            "billed": sum((_amount(r["BilledCost"]) for r in good), Decimal(0)),
            "effective": sum((_amount(r["EffectiveCost"]) for r in good), Decimal(0))}


@pytest.mark.parametrize("name", _files("focus", ".csv"))
def test_focus_spec_examples(ledger, name):
    path = REAL / "focus" / name
    want = read_bills(path)
    r = _import(ledger, focus.feed, path)
    assert (r.rows, r.rejected) == (want["rows"], want["bad"]), r.rejects
    # the rows refused are those with an hour that is no hour (2023-02-01T30:00:00Z), each named
    assert all("ChargePeriodEnd: expected a date-time" in x.reason and "T30:00:00Z" in x.reason for x in r.rejects)
    with eng.open_ledger(ledger) as led:
        b = led.table("bills")
        billed, effective = led.rows(b.aggregate(x=b.BilledCost.sum(), y=b.EffectiveCost.sum()))[0]
    assert (billed or 0, effective or 0) == (want["billed"], want["effective"])
