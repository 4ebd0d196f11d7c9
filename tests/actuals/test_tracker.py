"""The run tracker: context manager, decorator, command; NVML (faked); Slurm join; atomic appends; ingest."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fullcost.actuals import engine as eng
from fullcost.actuals import importer, slurm, trackerfile, usage
from fullcost.actuals import rules as rl
from tests.actuals.conftest import ROOT, write

FAKE = Path(__file__).parent / "fake_nvml"


@pytest.fixture
def nvml(monkeypatch):
    monkeypatch.syspath_prepend(str(FAKE))
    sys.modules.pop("pynvml", None)
    import pynvml

    pynvml._reads["n"] = 0
    yield pynvml
    sys.modules.pop("pynvml", None)


def _records(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text().splitlines()]


def test_context_manager_decorator_and_failure(tmp_path, nvml, monkeypatch):
    import fullcost
    from fullcost.tracker import track

    assert fullcost.track is track  # `fullcost.track`, imported on first use

    out = tmp_path / "runs.jsonl"
    monkeypatch.setenv("SLURM_JOB_ID", "4242")
    monkeypatch.setenv("SLURM_CLUSTER_NAME", "alpha")
    with track(model="v4", phase="ablation", file=out):
        pass

    @track(model="v4", phase="final_run", file=out)
    def train() -> int:
        raise RuntimeError("diverged")

    with pytest.raises(RuntimeError):
        train()
    a, b = _records(out)
    assert (a["model"], a["phase"], a["phase_label"], a["exit_code"]) == ("v4", "experiments", "ablation", 0)
    assert (b["phase"], b["exit_code"]) == ("final_run", 1)
    assert a["gpus"] == 2 and a["slurm_job_id"] == 4242 and a["slurm_cluster"] == "alpha"
    # two GPUs, each counter read once at start and once at end, 1 kJ apart per read: 2 x 2 kJ
    assert a["gpu_energy_kwh"] == pytest.approx(4e6 / 3.6e9)
    with pytest.raises(ValueError, match="unknown phase 'pretend'"):
        track(model="v4", phase="pretend")


def test_without_nvml_uses_cuda_visible_devices(tmp_path, monkeypatch):
    from fullcost.tracker import track

    monkeypatch.setitem(sys.modules, "pynvml", None)  # import fails
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0,1,2")
    monkeypatch.delenv("SLURM_JOB_ID", raising=False)
    out = tmp_path / "r.jsonl"
    with track(model="v4", file=out):
        pass
    (rec,) = _records(out)
    assert rec["gpus"] == 3 and rec["gpu_energy_kwh"] is None and rec["slurm_job_id"] is None


def test_command_line_records_the_child_and_its_exit_status(tmp_path):
    out = tmp_path / "cmd.jsonl"
    env = {**os.environ, "PYTHONPATH": f"{FAKE}{os.pathsep}{ROOT / 'src'}", "SLURM_JOB_ID": "99"}
    p = subprocess.run([sys.executable, "-m", "fullcost.cli", "track", "--model", "v4", "--phase", "eval", "--out",
                        str(out), "--", sys.executable, "-c", "import sys; sys.exit(3)"],
                       capture_output=True, text=True, env=env, timeout=60)
    assert p.returncode == 3, p.stderr
    (rec,) = _records(out)
    assert (rec["phase"], rec["exit_code"], rec["gpus"], rec["slurm_job_id"]) == ("validation", 3, 2, 99)
    assert rec["command"].endswith("sys.exit(3)")


def test_concurrent_appends_never_interleave(tmp_path):
    out = tmp_path / "many.jsonl"
    code = ("import sys; from fullcost.tracker import append\n"
            "for i in range(200): append({'i': i, 'pad': 'x' * 5000, 'w': sys.argv[1]}, sys.argv[2])\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    procs = [subprocess.Popen([sys.executable, "-c", code, str(w), str(out)], env=env) for w in range(4)]
    assert all(p.wait(timeout=60) == 0 for p in procs)
    recs = _records(out)
    assert len(recs) == 800 and {(r["w"], r["i"]) for r in recs} == {(str(w), i) for w in range(4) for i in range(200)}


def _rec(**kw):
    base = {"id": "a", "model": "v4", "phase": "experiments", "phase_label": "ablation",
            "start": "2025-04-01T00:00:00+00:00", "end": "2025-04-01T02:00:00+00:00", "duration_s": 7200,
            "gpus": 2, "gpu_energy_kwh": 1.0, "slurm_job_id": None, "exit_code": 0}
    return json.dumps({**base, **kw})


def test_tracker_records_join_slurm_jobs_without_double_counting(ledger, tmp_path):
    sacct = write(tmp_path, "s.txt", "JobIDRaw|Account|Cluster|Submit|End|ElapsedRaw|State|AllocTRES\n"
                  "500|acct|c|2025-04-01T00:00:00|2025-04-01T02:00:00|7200|COMPLETED|gres/gpu=4\n"
                  "501|acct|c|2025-04-01T00:00:00|2025-04-01T01:00:00|3600|FAILED|gres/gpu=2\n")
    recs = write(tmp_path, "t.jsonl", "\n".join([
        _rec(id="a", slurm_job_id=500, gpus=4, duration_s=3600, phase="final_run"),  # half of job 500
        _rec(id="b", slurm_job_id=500, gpus=4, duration_s=1800, phase="validation"),  # a quarter of it
        _rec(id="c", gpus=1, duration_s=3600),  # a run outside Slurm: counts itself
        _rec(id="d", slurm_job_id=501, gpus=2, duration_s=3600, phase="experiments"),
        '{"id": "e", "model": "v4", "truncated',
        _rec(id="f", phase="nonsense"),
    ]) + "\n")
    with eng.open_ledger(ledger) as led:
        importer.run(led, slurm.feed(led, sacct))
        r = importer.run(led, trackerfile.feed(led, recs))
        again = importer.run(led, trackerfile.feed(led, recs))
        rows = usage.collect(led, rl.EMPTY, None, None)
    assert r.inserted == 4 and again.unchanged == 4 and again.inserted == 0
    assert {x.line: x.reason.split(" (")[0] for x in r.rejects} == {
        5: "not a JSON record", 6: "phase: expected one of final_run, experiments, validation, related_model, "
                                  "failed, inference, other, got 'nonsense'"}
    got: dict[tuple[str, str], float] = {}
    for x in rows:
        got[(x.model, x.phase)] = got.get((x.model, x.phase), 0.0) + float(x.gpu_s) / 3600
    assert got == {("v4", "final_run"): 4.0, ("v4", "validation"): 2.0, ("unattributed", "other"): 2.0,
                   ("v4", "experiments"): 1.0, ("v4", "failed"): 2.0}
    assert sum(got.values()) == 8.0 + 2.0 + 1.0  # the two jobs and the run outside Slurm, nothing twice


def test_gpu_check_script_integrates_power_over_the_tracked_windows(tmp_path):
    # scripts/check_tracker_nvml.py is run by hand on a GPU machine; here on a fake GPU drawing a steady 500 W,
    # so the tracker's energy counter and the script's power × time must agree for both runs it makes
    fake = Path(__file__).parent / "fake_gpu"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(fake), str(ROOT / "src")])}
    cp = subprocess.run([sys.executable, str(ROOT / "scripts" / "check_tracker_nvml.py"), "--seconds", "2",
                         "--out", str(tmp_path)], env=env, capture_output=True, text=True, check=False)
    assert cp.returncode == 0, cp.stderr
    out = json.loads((tmp_path / "nvml-check.json").read_text())
    assert [r["run"] for r in out["results"]] == ["in-process", "command"]
    for r in out["results"]:
        assert r["tracker_kwh"] == pytest.approx(500 * r["duration_s"] / 3.6e6, rel=0.01)
        assert r["tracker_over_power_avg"] == pytest.approx(1.0, abs=0.01)
        assert r["power_avg_samples"] > 10
    recs = _records(tmp_path / "runs.jsonl")
    assert [(x["model"], x["phase_label"], x["exit_code"]) for x in recs] == [
        ("nvml-check", "experiments", 0), ("nvml-check", "ablation", 0)]
