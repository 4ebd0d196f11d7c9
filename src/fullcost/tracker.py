"""The run tracker: which model and phase a run was for, its GPUs, time and GPU energy, recorded as it runs.

    import fullcost

    with fullcost.track(model="v4", phase="ablation"):
        train()

    @fullcost.track(model="v4", phase="final_run")
    def main(): ...

    $ fullcost track --model v4 --phase ablation -- python train.py

A record holds start, end, the GPUs the run sees (NVML through ``nvidia-ml-py``, else ``CUDA_VISIBLE_DEVICES``,
else ``--gpus``), the GPUs' energy (NVML's ``nvmlDeviceGetTotalEnergyConsumption`` counter, read at start and
end), the exit status, and ``SLURM_JOB_ID``/``SLURM_CLUSTER_NAME`` when present, so ``fullcost ingest tracker``
joins it to the job's sacct row instead of counting its hours again. Records are appended to a JSON-lines
file (``FULLCOST_TRACKER_FILE``, default ``fullcost-runs.jsonl``) in one locked write each: a crash never
leaves half a record, and many ranks may share one file. The tracker never stops a run: if NVML or the file
fails, the run goes on; a record that could not be written is said on stderr (``Run.failure``), and
``fullcost track`` then exits with status 2 where the command itself succeeded.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import getpass
import json
import os
import socket
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

DEFAULT_FILE = "fullcost-runs.jsonl"
P = ParamSpec("P")
T = TypeVar("T")


def _phase(phase: str) -> str:
    from fullcost.actuals.rules import PHASES, phase_of

    p = phase_of(phase)
    if p is None:
        raise ValueError(f"unknown phase '{phase}' (known: {', '.join(PHASES)}, or ablation, eval, ...)")
    return p


class _GPUs:
    """The GPUs this process sees, through NVML when it is there; energy in millijoules."""

    def __init__(self, gpus: int | None) -> None:
        self.nvml: Any = None
        self.handles: list[Any] = []
        self.warn: list[str] = []
        try:
            import pynvml

            pynvml.nvmlInit()
            self.nvml = pynvml
            ids = _visible()
            n = pynvml.nvmlDeviceGetCount()
            idx = [i for i in (ids if ids is not None else range(n)) if isinstance(i, int) and i < n]
            self.handles = [pynvml.nvmlDeviceGetHandleByIndex(i) for i in idx]
        except ImportError:
            pass
        except Exception as e:  # NVML present but failing (no driver, no GPU): record without it
            self.warn.append(f"NVML unavailable ({type(e).__name__}: {e}); GPU energy not recorded")
            self.nvml = None
        if gpus is not None:
            self.count = gpus
        elif self.handles:
            self.count = len(self.handles)
        else:
            vis = _visible()
            self.count = len(vis) if vis is not None else 0

    def energy_mj(self) -> int | None:
        if self.nvml is None or not self.handles:
            return None
        try:
            return sum(int(self.nvml.nvmlDeviceGetTotalEnergyConsumption(h)) for h in self.handles)
        except Exception as e:  # pre-Volta GPUs and vGPUs have no energy counter (CodeCarbon #1316)
            self.warn.append(f"NVML energy counter unavailable ({type(e).__name__}); GPU energy not recorded")
            return None

    def close(self) -> None:
        if self.nvml is not None:
            with contextlib.suppress(Exception):
                self.nvml.nvmlShutdown()


def _visible() -> list[int] | None:
    v = os.environ.get("CUDA_VISIBLE_DEVICES")
    if v is None:
        return None
    out = []
    for x in v.split(","):
        x = x.strip()
        if x.isdigit():
            out.append(int(x))
        elif x:
            out.append(-1)  # a GPU UUID: counted, not indexed
    return out


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def append(record: dict[str, Any], path: str | Path) -> None:
    """Append one record as one line, under an exclusive lock, in a single write."""
    data = (json.dumps(record, sort_keys=True) + "\n").encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        try:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX)
        except ImportError:
            pass
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


class Run:
    """One tracked run; ``track`` makes one. Usable as a context manager or a decorator."""

    def __init__(self, model: str, phase: str = "experiments", *, gpus: int | None = None,
                 file: str | Path | None = None, command: str | None = None) -> None:
        if not str(model).strip():
            raise ValueError("model is required: the model this run is for")
        self.model = str(model).strip()
        self.phase_label = phase
        self.phase = _phase(phase)
        self.gpus = gpus
        self.file = Path(file or os.environ.get("FULLCOST_TRACKER_FILE") or DEFAULT_FILE)
        self.command = command if command is not None else " ".join(sys.argv)
        self.record: dict[str, Any] | None = None
        self.failure: str | None = None  # why the record could not be written
        self.quiet = False  # leave the failure to the caller (``fullcost track``) instead of printing it

    def __call__(self, fn: Callable[P, T]) -> Callable[P, T]:
        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
            with Run(self.model, self.phase_label, gpus=self.gpus, file=self.file, command=self.command):
                return fn(*args, **kwargs)

        return wrapper

    def __enter__(self) -> Run:
        self._gpus = _GPUs(self.gpus)
        self._start = _now()
        self._t0 = time.monotonic()
        self._e0 = self._gpus.energy_mj()
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        code = 0 if exc_type is None else (exc.code if isinstance(exc, SystemExit) and isinstance(exc.code, int)
                                           else 1)
        self.finish(code)

    def finish(self, exit_code: int) -> dict[str, Any]:
        end = _now()
        e1 = self._gpus.energy_mj()
        energy = (e1 - self._e0) / 3.6e9 if e1 is not None and self._e0 is not None else None
        self._gpus.close()
        job = os.environ.get("SLURM_JOB_ID")
        rec: dict[str, Any] = {
            "fullcost_tracker": 1, "id": uuid.uuid4().hex, "model": self.model, "phase": self.phase,
            "phase_label": self.phase_label, "start": self._start.isoformat(), "end": end.isoformat(),
            "duration_s": round(time.monotonic() - self._t0, 3), "gpus": self._gpus.count,
            "gpu_energy_kwh": energy, "slurm_job_id": int(job) if job and job.isdigit() else None,
            "slurm_cluster": os.environ.get("SLURM_CLUSTER_NAME"), "host": socket.gethostname(),
            "user": _user(), "command": self.command, "exit_code": exit_code,
        }
        self.record = rec
        for w in self._gpus.warn:
            print(f"fullcost track: {w}", file=sys.stderr)
        try:
            append(rec, self.file)
        except OSError as e:
            why = e.strerror or type(e).__name__
            self.failure = (f"could not record the run in {self.file}: {why} (the command ran and exited "
                            f"{exit_code}; its record is lost)")
            if not self.quiet:
                print(f"fullcost track: {self.failure}", file=sys.stderr)
        return rec


def _user() -> str | None:
    try:
        return getpass.getuser()
    except Exception:
        return os.environ.get("USER")


def track(model: str, phase: str = "experiments", *, gpus: int | None = None,
          file: str | Path | None = None) -> Run:
    """Track a run: ``with track(model="v4", phase="ablation"):`` or ``@track(model="v4")``."""
    return Run(model, phase, gpus=gpus, file=file)


def run_command(argv: list[str], model: str, phase: str, gpus: int | None = None,
                file: str | Path | None = None) -> tuple[int, str | None]:
    """``fullcost track ... -- CMD``: run CMD as a child, record it; its exit status (128 + N when a signal N ended
    it) and why its record could not be written (None when it was)."""
    import signal
    import subprocess

    r = Run(model, phase, gpus=gpus, file=file, command=" ".join(argv))
    r.quiet = True
    r.__enter__()
    try:
        proc = subprocess.Popen(argv)
    except OSError:
        r.finish(127)
        raise
    try:
        code = proc.wait()
    except KeyboardInterrupt:
        proc.send_signal(signal.SIGINT)
        code = proc.wait()
    code = 128 - code if code < 0 else code
    r.finish(code)
    return code, r.failure
