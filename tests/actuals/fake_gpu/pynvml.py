"""A stand-in for nvidia-ml-py with one GPU drawing a steady 500 W: its energy counter is 500 J per second of
time.monotonic(), its power readings 500,000 mW. Used to check scripts/check_tracker_nvml.py's integration."""
# ruff: noqa: N802  (the names NVML has)
import time

_t0 = time.monotonic()


class _Field:
    def __init__(self, mw: int) -> None:
        self.nvmlReturn = 0
        self.value = type("Value", (), {"uiVal": mw})()


def nvmlInit(): pass
def nvmlShutdown(): pass
def nvmlDeviceGetCount(): return 1
def nvmlDeviceGetHandleByIndex(i): return i
def nvmlDeviceGetTotalEnergyConsumption(h): return int((time.monotonic() - _t0) * 500_000)
def nvmlDeviceGetPowerUsage(h): return 500_000
def nvmlDeviceGetFieldValues(h, fields): return [_Field(500_000) for _ in fields]
def nvmlDeviceGetName(h): return "Fake GPU"
def nvmlSystemGetDriverVersion(): return "0"
def nvmlDeviceGetEnforcedPowerLimit(h): return 700_000
