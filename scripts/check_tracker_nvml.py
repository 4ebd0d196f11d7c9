"""Check the run tracker's GPU energy (NVML's energy counter) against power × time on a real GPU workload.

Needs an NVIDIA GPU, PyTorch with CUDA and ``nvidia-ml-py``; CI has no GPU, so this is run by hand:

    PYTHONPATH=src python3 scripts/check_tracker_nvml.py --seconds 60 --out DIR

Two runs, each under a varying load (full-speed bf16 matrix products, idle, then a 50% duty cycle):
1. in-process, ``with fullcost.track(...)``;
2. as a command, ``python -m fullcost.cli track ... -- python3 THIS --child``, so the tracker wraps a separate process.
Meanwhile a thread samples the GPUs' power through NVML every 50 ms (the 1-second average that
``nvmlDeviceGetPowerUsage`` reports, and the instantaneous field where the driver has it) and integrates it over
the tracked window (trapezoids). The script prints, and writes to DIR/nvml-check.json, the tracker's kWh, the
integrals, their ratios and the achieved matrix throughput; DIR/runs.jsonl holds the tracker's records.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

FIELD_POWER_INSTANT = 186  # NVML_FI_DEV_POWER_INSTANT


def workload(seconds: float) -> dict[str, float]:
    """Full load for 40% of the time, idle for 20%, a 50% duty cycle for the last 40%; returns TFLOP/s."""
    import torch

    n = 8192
    a = torch.randn(n, n, device="cuda", dtype=torch.bfloat16)
    b = torch.randn(n, n, device="cuda", dtype=torch.bfloat16)
    torch.cuda.synchronize()
    flops, busy = 0.0, 0.0
    t0 = time.monotonic()

    def burst(dur: float) -> None:
        nonlocal flops, busy
        end = time.monotonic() + dur
        s = time.monotonic()
        while time.monotonic() < end:
            for _ in range(20):
                a @ b
            torch.cuda.synchronize()
            flops += 20 * 2.0 * n**3
        busy += time.monotonic() - s

    burst(0.4 * seconds)
    time.sleep(0.2 * seconds)
    end = t0 + seconds
    while time.monotonic() < end:
        burst(0.5)
        time.sleep(0.5)
    return {"tflops_while_busy": flops / busy / 1e12, "busy_s": busy, "wall_s": time.monotonic() - t0}


class PowerSampler(threading.Thread):
    """Samples every GPU's power (W) through NVML; integrates over a window of time.monotonic()."""

    def __init__(self, period: float = 0.05) -> None:
        super().__init__(daemon=True)
        import pynvml

        self.nvml = pynvml
        pynvml.nvmlInit()
        self.handles = [pynvml.nvmlDeviceGetHandleByIndex(i) for i in range(pynvml.nvmlDeviceGetCount())]
        self.period = period
        self.avg: list[tuple[float, float]] = []
        self.inst: list[tuple[float, float]] = []
        self.stop = threading.Event()

    def _instant(self) -> float | None:
        total = 0.0
        for h in self.handles:
            try:
                v = self.nvml.nvmlDeviceGetFieldValues(h, [FIELD_POWER_INSTANT])[0]
            except Exception:
                return None
            if v.nvmlReturn != 0:
                return None
            total += float(v.value.uiVal) / 1000.0
        return total

    def run(self) -> None:
        while not self.stop.is_set():
            t = time.monotonic()
            self.avg.append((t, sum(self.nvml.nvmlDeviceGetPowerUsage(h) for h in self.handles) / 1000.0))
            inst = self._instant()
            if inst is not None:
                self.inst.append((t, inst))
            time.sleep(self.period)

    @staticmethod
    def integrate(samples: list[tuple[float, float]], t0: float, t1: float) -> float | None:
        """Joules between t0 and t1 (trapezoids over the samples inside, flat at the edges)."""
        pts = [(t, p) for t, p in samples if t0 <= t <= t1]
        if len(pts) < 2:
            return None
        e = sum((t2 - ta) * (p1 + p2) / 2 for (ta, p1), (t2, p2) in itertools.pairwise(pts))
        return e + (pts[0][0] - t0) * pts[0][1] + (t1 - pts[-1][0]) * pts[-1][1]


def compare(name: str, rec: dict[str, Any], sampler: PowerSampler, t0: float, t1: float) -> dict[str, Any]:
    out: dict[str, Any] = {"run": name, "duration_s": rec["duration_s"], "gpus": rec["gpus"],
                           "tracker_kwh": rec["gpu_energy_kwh"]}
    for label, samples in (("power_avg", sampler.avg), ("power_instant", sampler.inst)):
        j = sampler.integrate(samples, t0, t1)
        out[f"{label}_kwh"] = None if j is None else j / 3.6e6
        out[f"{label}_samples"] = sum(1 for t, _ in samples if t0 <= t <= t1)
        if j and rec["gpu_energy_kwh"] is not None:
            out[f"tracker_over_{label}"] = rec["gpu_energy_kwh"] / (j / 3.6e6)
    if rec["gpu_energy_kwh"] is not None:
        out["tracker_mean_w"] = rec["gpu_energy_kwh"] * 3.6e6 / rec["duration_s"]
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--out", type=Path, default=Path("."))
    ap.add_argument("--child", action="store_true", help="run only the workload (the tracked command)")
    args = ap.parse_args()
    if args.child:
        print(json.dumps(workload(args.seconds)))
        return 0

    import fullcost

    args.out.mkdir(parents=True, exist_ok=True)
    runs = args.out / "runs.jsonl"
    runs.unlink(missing_ok=True)
    sampler = PowerSampler()
    sampler.start()
    time.sleep(1.0)
    results = []

    with fullcost.track(model="nvml-check", phase="experiments", file=runs) as run:
        load = workload(args.seconds)
    rec = run.record
    assert rec is not None
    results.append({**compare("in-process", rec, sampler, run._t0, run._t0 + rec["duration_s"]), **load})

    time.sleep(2.0)
    env = {**os.environ, "FULLCOST_TRACKER_FILE": str(runs)}
    src = str(Path(__file__).resolve().parents[1] / "src")
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    t0 = time.monotonic()
    cp = subprocess.run([sys.executable, "-m", "fullcost.cli", "track", "--model", "nvml-check", "--phase", "ablation",
                         "--", sys.executable, __file__, "--child", "--seconds", str(args.seconds / 2)],
                        env=env, capture_output=True, text=True, check=False)
    t1 = time.monotonic()
    sampler.stop.set()
    sampler.join()
    if cp.returncode != 0:
        print(cp.stdout, cp.stderr, file=sys.stderr)
        return 1
    rec2 = json.loads(runs.read_text().splitlines()[-1])
    child = json.loads(cp.stdout.strip().splitlines()[-1])
    # the child's tracked window, from its wall-clock start, on this process's monotonic clock
    off = time.time() - time.monotonic()
    c0 = dt.datetime.fromisoformat(rec2["start"]).timestamp() - off
    results.append({**compare("command", rec2, sampler, c0, c0 + rec2["duration_s"]), **child,
                    "process_overhead_s": t1 - t0 - rec2["duration_s"]})

    import pynvml

    h = sampler.handles[0]
    info = {"gpu": pynvml.nvmlDeviceGetName(h), "driver": pynvml.nvmlSystemGetDriverVersion(),
            "power_limit_w": pynvml.nvmlDeviceGetEnforcedPowerLimit(h) / 1000.0,
            "sample_period_s": sampler.period, "results": results}
    (args.out / "nvml-check.json").write_text(json.dumps(info, indent=2, default=str))
    print(json.dumps(info, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
