"""CodeCarbon and OpenCost: columns by name, bad values, how their usage meets Slurm's."""

from __future__ import annotations

import json

import pytest

from fullcost.actuals import codecarbon, importer, opencost, slurm, usage
from fullcost.actuals import engine as eng
from fullcost.actuals import rules as rl
from fullcost.errors import InputError
from tests.actuals.conftest import write

V2 = ("timestamp,project_name,run_id,duration,emissions,emissions_rate,cpu_power,gpu_power,ram_power,cpu_energy,"
      "gpu_energy,ram_energy,energy_consumed,country_name,country_iso_code,region,cloud_provider,cloud_region,os,"
      "python_version,cpu_count,cpu_model,gpu_count,gpu_model,longitude,latitude,ram_total_size,tracking_mode,"
      "on_cloud\n")
V3 = ("timestamp,project_name,run_id,experiment_id,duration,emissions,emissions_rate,cpu_power,gpu_power,ram_power,"
      "cpu_energy,gpu_energy,ram_energy,energy_consumed,water_consumed,country_name,country_iso_code,region,"
      "cloud_provider,cloud_region,os,python_version,codecarbon_version,cpu_count,cpu_model,gpu_count,gpu_model,"
      "longitude,latitude,ram_total_size,tracking_mode,cpu_utilization_percent,gpu_utilization_percent,"
      "ram_utilization_percent,ram_used_gb,on_cloud,pue,wue\n")


def _v2(ts, proj, run, dur, gpus, energy="1.5e-01"):
    return (f"{ts},{proj},{run},{dur},0.01,1e-06,40,300,10,0.01,{energy},0.001,{energy},France,FRA,,,,Linux,3.11,"
            f"32,Xeon,{gpus},4 x NVIDIA A100,,,256,machine,N\n")


def _v3(ts, proj, run, dur, gpus):
    return (f"{ts},{proj},{run},exp-1,{dur},0.02,1e-06,40,600,10,0.01,0.5,0.001,0.52,0,France,FRA,,,,Linux,3.12,"
            f"3.0.1,32,Xeon,{gpus},8 x NVIDIA H100,,,512,machine,50,90,30,100,N,1.2,0\n")


def _run(led_path, feed_fn, file, strict=False):
    with eng.open_ledger(led_path) as led:
        return importer.run(led, feed_fn(led, file), strict)


def _usage(path, by, rules=rl.EMPTY):
    with eng.open_ledger(path) as led:
        return usage.report(usage.collect(led, rules, None, by), by, None)


def test_codecarbon_v2_and_v3(dledger, tmp_path):
    f2 = write(tmp_path, "v2.csv", V2 + _v2("2025-02-01T10:00:00", "v4-ablation", "r1", 1800, 4)
               + _v2("2025-02-01T11:00:00", "v4-ablation", "r1", 3600, 4)  # a later flush of the same run
               + _v2("2025-02-01T12:00:00", "other", "r2", "abc", 4)
               + _v2("2025-02-01T12:00:00", "other", "r3", -5, 4))
    r = _run(dledger, codecarbon.feed, f2)
    assert r.inserted == 2 and {x.line: x.reason for x in r.rejects} == {
        4: "duration: expected a number, got 'abc'", 5: "duration: -5 is negative, expected 0 or more"}
    f3 = write(tmp_path, "v3.csv", V3 + _v3("2025-02-02T10:00:00", "v4-eval", "r9", 7200, 8))
    assert _run(dledger, codecarbon.feed, f3).inserted == 1
    rules = rl.loads("rules:\n  - match: {project_name: 'v4-*'}\n    model: v4\n", "r.yaml")
    got = {x["key"]: x["gpu_hours"] for x in _usage(dledger, "model", rules)["rows"]}
    assert got == {"v4": 4 * 1.0 + 8 * 2.0}  # the run's last flush: 4 GPUs x 1 h; 8 GPUs x 2 h
    with pytest.raises(InputError, match=r"not a CodeCarbon emissions.csv: no duration, energy_consumed"):
        _run(dledger, codecarbon.feed, write(tmp_path, "x.csv", "timestamp,project\n"))


def test_codecarbon_run_inside_a_slurm_job_is_not_counted_twice(dledger, tmp_path):
    sacct = write(tmp_path, "s.txt", "JobIDRaw|Account|Cluster|Submit|End|ElapsedRaw|State|AllocTRES\n"
                  "777|acct|c|2025-02-01T00:00:00|2025-02-01T02:00:00|7200|COMPLETED|gres/gpu=4\n")
    _run(dledger, slurm.feed, sacct)
    cc = write(tmp_path, "cc.csv", V2 + _v2("2025-02-01T02:00:00", "777", "r1", 7200, 4)
               + _v2("2025-02-01T02:00:00", "laptop", "r2", 3600, 1))
    _run(dledger, codecarbon.feed, cc)
    got = {x["key"]: x["gpu_hours"] for x in _usage(dledger, "source")["rows"]}
    assert got == {"slurm": 8.0, "codecarbon": 1.0}


def _alloc(name, ns, gpu_h, cost, start="2025-03-01T00:00:00Z", labels=None):
    return {name: {"name": name, "properties": {"cluster": "k1", "namespace": ns, "pod": name, "labels": labels or {}},
                   "window": {"start": start, "end": "2025-03-02T00:00:00Z"}, "gpuHours": gpu_h, "gpuCost": cost,
                   "totalCost": cost}}


def test_opencost_json_and_csv(dledger, tmp_path):
    data = {"code": 200, "data": [
        {**_alloc("train/a", "train", 48.0, 100.0, labels={"team": "llm"}), **_alloc("web/b", "web", 0, 5.0),
         **_alloc("__idle__", "", 0, 20.0)},
        {"bad/c": {"name": "bad/c", "properties": {"namespace": "bad"}, "window": {"start": "2025-03-02T00:00:00Z",
                                                                                   "end": "2025-03-03T00:00:00Z"},
                   "gpuHours": 1, "totalCost": -4}},
    ]}
    f = tmp_path / "alloc.json"
    f.write_text(json.dumps(data))
    r = _run(dledger, opencost.feed, f)
    assert r.inserted == 3 and [(x.line, x.where) for x in r.rejects] == [(4, "record")]
    assert r.rejects[0].reason == "data[1][\"bad/c\"]: totalCost: -4 is negative, expected 0 or more"
    rules = rl.loads("rules:\n  - match: {labels.team: llm}\n    model: v4\n    phase: experiments\n", "r.yaml")
    got = {x["key"]: (x["gpu_hours"], x["usd"]) for x in _usage(dledger, "model", rules)["rows"]}
    assert got == {"v4": (48.0, 100.0), "unattributed": (0.0, 5.0)}
    csvf = write(tmp_path, "oc.csv", "Date,Namespace,ControllerKind,ControllerName,Pod,Container,GPUs,GPUCost,"
                 "TotalCost,Labels\n2025-03-05,train,job,t1,p1,c1,2,40,45,\"{\"\"team\"\": \"\"llm\"\"}\"\n"
                 "2025-03-05,train,job,t1,p1,c1,x,40,45,\n")
    r2 = _run(dledger, opencost.feed, csvf)
    assert r2.inserted == 1 and r2.rejects[0].line == 3
    assert "GPU-hours: expected a number, got 'x'" in r2.rejects[0].reason
    got = {x["key"]: x["gpu_hours"] for x in _usage(dledger, "model", rules)["rows"]}
    assert got["v4"] == 48.0 + 2 * 24
