"""Dimensions of a quantity: the units each accepts, their factors to its canonical unit, its magnitude limit."""

from __future__ import annotations

_SECOND = {"s": 1.0, "sec": 1.0, "secs": 1.0, "second": 1.0, "seconds": 1.0, "min": 60.0, "mins": 60.0,
           "minute": 60.0, "minutes": 60.0, "h": 3600.0, "hr": 3600.0, "hrs": 3600.0, "hour": 3600.0,
           "hours": 3600.0, "d": 86400.0, "day": 86400.0, "days": 86400.0, "week": 604800.0,
           "weeks": 604800.0, "month": 2629800.0, "months": 2629800.0, "yr": 31557600.0,
           "yrs": 31557600.0, "year": 31557600.0, "years": 31557600.0}
_GPU_TIME = {"gpu-" + k: v for k, v in _SECOND.items()} | {"gpuh": 3600.0, "gpu-h": 3600.0}


def _time_units(base: float, gpu: bool = False) -> dict[str, float]:
    units = {k: v / base for k, v in _SECOND.items()}
    if gpu:
        units |= {k: v / base for k, v in _GPU_TIME.items()}
    return units


# dimension -> (accepted units and their factor to the canonical unit, must the value be positive, label)
DIMENSIONS: dict[str, tuple[dict[str, float], bool, str]] = {
    "number": ({}, True, "a positive number"),
    "signed": ({}, False, "a number"),
    "count": ({}, True, "a count"),
    "fraction": ({}, True, "a share (0 to 100%)"),
    "multiplier": ({"x": 1.0}, True, "a multiplier"),
    "flop": ({"flop": 1.0, "flops": 1.0}, True, "FLOP"),
    "usd": ({"usd": 1.0, "$": 1.0}, True, "US dollars"),
    "usd_per_hour": ({"/h": 1.0, "/hour": 1.0, "/hr": 1.0, "/gpu-hour": 1.0, "/gpu-h": 1.0, "/gpuh": 1.0,
                      "usd/h": 1.0, "usd/hour": 1.0, "usd/gpu-hour": 1.0, "usd/gpu-h": 1.0,
                      "/chip-hour": 1.0}, True, "US dollars per GPU-hour"),
    "usd_per_kwh": ({"/kwh": 1.0, "usd/kwh": 1.0, "/mwh": 1e-3, "usd/mwh": 1e-3}, True,
                    "US dollars per kWh"),
    "hours": (_time_units(3600.0, gpu=True), True, "a duration or GPU-hours (h, days, weeks, months, years)"),
    "days": (_time_units(86400.0), True, "a duration (h, days, weeks, months, years)"),
    "years": (_time_units(31557600.0), True, "a duration (months, years)"),
    "watts": ({"w": 1.0, "kw": 1e3, "mw": 1e6}, True, "a power (W, kW, MW)"),
    "kwh": ({"wh": 1e-3, "kwh": 1.0, "mwh": 1e3, "gwh": 1e6}, True, "an energy (Wh, kWh, MWh, GWh)"),
}

# The largest magnitude each dimension accepts, in its canonical unit: beyond any real input, and small enough
# that every product and sum the model forms (and the squares of its spread) stay finite floats.
LIMITS: dict[str, float] = {
    "number": 1e15, "signed": 1e15, "count": 1e18, "fraction": 1.0, "multiplier": 1e6, "flop": 1e35,
    "usd": 1e15, "usd_per_hour": 1e6, "usd_per_kwh": 1e3, "hours": 1e13, "days": 1e6, "years": 1e3,
    "watts": 1e10, "kwh": 1e13,
}


def convert(src: str, dst: str) -> float | None:
    """The factor from the canonical unit of dimension ``src`` to that of ``dst`` (None if they differ in kind)."""
    if src == dst:
        return 1.0
    plain = {"number", "signed", "count", "fraction", "multiplier"}
    if src in plain and dst in plain:
        return 1.0
    su, du = DIMENSIONS[src][0], DIMENSIONS[dst][0]
    for unit, factor in su.items():
        if factor == 1.0 and unit in du:
            return du[unit]
    return None
