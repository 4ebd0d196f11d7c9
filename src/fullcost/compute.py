"""Training compute: FLOPs, GPU-hours, MFU, wall-clock time and energy. Vectorized over samples."""

from __future__ import annotations

from fullcost.quantity import Arr

SECONDS_PER_HOUR = 3600.0
HOURS_PER_YEAR = 8766.0  # 365.25 days


def training_flops(params_active: Arr, tokens: Arr) -> Arr:
    """6·N·D: 2N FLOPs per token forward and 4N backward (Kaplan et al. 2020), N the active parameters."""
    return 6.0 * params_active * tokens


def gpu_hours_for(flops: Arr, peak_tflops: Arr, mfu: Arr) -> Arr:
    """GPU-hours needed for ``flops`` at a given peak (TFLOP/s per GPU) and model FLOPs utilization."""
    return flops / (peak_tflops * 1e12 * mfu * SECONDS_PER_HOUR)


def implied_mfu(flops: Arr, gpu_hours: Arr, peak_tflops: Arr) -> Arr:
    """The utilization a reported run implies: useful FLOPs over what the GPUs could have done at peak."""
    return flops / (gpu_hours * SECONDS_PER_HOUR * peak_tflops * 1e12)


def wall_days(gpu_hours: Arr, gpus: Arr) -> Arr:
    return gpu_hours / gpus / 24.0


def energy_kwh(gpu_hours: Arr, tdp_w: Arr, server_power_ratio: Arr, power_fraction: Arr, pue: Arr) -> Arr:
    """Facility energy: GPU-hours x chip TDP x server/chip power x average draw x PUE."""
    return gpu_hours * (tdp_w / 1000.0) * server_power_ratio * power_fraction * pue
