"""A stand-in for nvidia-ml-py in tests: two GPUs whose energy counters rise 1 kJ (1,000,000 mJ) per read."""
# ruff: noqa: N802  (the names NVML has)

_reads = {"n": 0}
_init = {"on": False}


class NVMLError(Exception):
    pass


def nvmlInit():
    _init["on"] = True


def nvmlShutdown():
    _init["on"] = False


def nvmlDeviceGetCount():
    return 2


def nvmlDeviceGetHandleByIndex(i):
    if not _init["on"]:
        raise NVMLError("not initialized")
    return ("gpu", i)


def nvmlDeviceGetTotalEnergyConsumption(handle):
    _reads["n"] += 1
    return 1_000_000 * _reads["n"]
