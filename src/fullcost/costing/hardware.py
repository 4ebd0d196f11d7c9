"""What GPUs cost to rent, to own (amortized) and to buy. Pure arithmetic over sample arrays."""

from __future__ import annotations

import math

import numpy as np

from fullcost.arrays import remembered
from fullcost.compute import HOURS_PER_YEAR
from fullcost.quantity import Arr


def rental(gpu_hours: Arr, usd_per_gpu_hour: Arr) -> Arr:
    return gpu_hours * usd_per_gpu_hour


def server_price_per_gpu(price: Arr, server_overhead: Arr, single_unit: bool) -> Arr:
    """Epoch AI: a single-unit chip price times the server overhead; DGX/HGX prices per GPU already include it."""
    return price * server_overhead if single_unit else price


def cluster_capex_per_gpu(server_price: Arr, interconnect_share: Arr) -> Arr:
    """Server cost grossed up so that the interconnect is ``interconnect_share`` of the cluster."""
    return server_price / (1.0 - interconnect_share)


def depreciated_value(value: Arr, years: Arr | float, oom_per_year: Arr) -> Arr:
    """Value after ``years`` of decline at ``oom_per_year`` orders of magnitude a year (price-performance)."""
    return value * _decline(oom_per_year, years)


def _decline(oom_per_year: Arr, years: Arr | float) -> Arr:
    """What is left after ``years`` of decline: for a run's draws and a number of years, worked out once (a power
    of every sample) and kept with the draws."""
    def make() -> Arr:
        out = np.power(10.0, -oom_per_year * np.maximum(years, 0.0))
        out.setflags(write=False)
        return out

    if isinstance(years, float):
        return remembered(oom_per_year, ("decline", years), make)
    return make()


def epoch_hourly(value: Arr, oom_per_year: Arr) -> Arr:
    """Epoch AI's amortization: the value lost per hour at the current rate of decline."""
    return value * oom_per_year * math.log(10.0) / HOURS_PER_YEAR


def interconnect_addon(hardware_usd: Arr, interconnect_share: Arr) -> Arr:
    return hardware_usd * interconnect_share / (1.0 - interconnect_share)


def straight_line_hourly(capex_per_gpu: Arr, life_years: Arr, utilization: Arr | float = 1.0) -> Arr:
    """Straight-line depreciation per used GPU-hour: capex over the hours the GPU is used in its life."""
    return capex_per_gpu / (life_years * HOURS_PER_YEAR * utilization)
