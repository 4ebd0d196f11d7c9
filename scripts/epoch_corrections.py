"""Where Epoch AI's record contradicts itself: the fields fullcost writes otherwise, each with the evidence.

A record's chip-hours, compute and chip peak must agree: a run cannot do more FLOP than its chips' peak allows
(an implied utilization above 100%). Where they do not, the record's own notes or the paper say which figure is
wrong; the entry keeps Epoch's figure in `published` and says why it is not used.
"""

from __future__ import annotations

from typing import Any

DB = "epoch-db-2025"

_DAYS = ("The record's 'Training chip-hours' ({hours:,}) is the notes' count of chip-days: its own compute note "
         "multiplies {days:,} chips by 24 x 3600 seconds, and {hours:,} chip-hours at the chip's peak could do at "
         "most {ceiling:.2g} FLOP, a tenth of the {flop:.3g} recorded (an implied utilization of {util:.0%}). "
         "x24 gives {fixed:,} chip-hours ({fixed_util:.0%} utilization, the note's own 40%). Epoch AI's cost "
         "table prices the {hours:,} chip-hours, so its figure for this model is 24 times too low.")


def _days(hours: int, flop: float, peak_tflops: float, note: str) -> dict[str, Any]:
    fixed = hours * 24
    ceiling = hours * 3600 * peak_tflops * 1e12
    return {"value": fixed, "source": DB,
            "published": f"Training chip-hours: {hours}; Training compute notes: {note}",
            "why": _DAYS.format(hours=hours, days=hours, ceiling=ceiling, flop=flop, util=flop / ceiling,
                                fixed=fixed, fixed_util=flop / (ceiling * 24))}


# Epoch AI's model name -> {final_run field: the value written instead of what the generator would derive}
FINAL_RUN: dict[str, dict[str, Any]] = {
    "BASIC-L": {"gpu_hours": _days(4350, 4.12e22, 275.0,
                                   "6.9k + 1k + 0.8k = 8.7k TPUv4 core-days for BASIC-L, per Table 8 / Two cores "
                                   "per chip, and 275 teraflop/s per chip / 275 teraflops * 8700/2 * 24 * 3600 * "
                                   "0.4 (assumed utilization)")},
    "CoAtNet": {"gpu_hours": _days(10050, 4.27e22, 123.0,
                                   "20.1K TPU-v3 core-days / TPUs have two cores per chip, and a chip is 123 "
                                   "teraflop/s / 123 teraflop/s * 20100/2 * 24 * 3600 * 0.4 = 4.27e22")},
    "AlphaZero": {"peak_tflops": {
        "value": round((5000 * 92 + 64 * 45) / 5064, 2), "source": "https://arxiv.org/abs/1712.01815",
        "published": "using 5,000 first-generation TPUs to generate self-play games and 64 second-generation TPUs "
                     "to train the neural networks (Silver et al., 2017-12-05)",
        "why": ("Epoch AI's record counts 5,064 chips (TPU v2 and TPU v1) and prices them all as the first, a TPU "
                "v2 (45 TFLOP/s BF16); at that peak the recorded 3.67e22 FLOP would need 186% utilization. 5,000 "
                "of the chips were first-generation TPUs (92 TOPS INT8), so the cluster's peak per chip is the "
                "chip-weighted mean: (5,000 x 92 + 64 x 45) / 5,064 = 91.41. The cost is unchanged (it follows "
                "the chip-hours); the implied utilization reads 92%, still high for a compute figure read off a "
                "chart.")}},
}


# Epoch AI's model name -> (the hardware priced instead of the record's, the evidence for the note)
HARDWARE: dict[str, tuple[str, str]] = {
    "Megatron-BERT": ("NVIDIA V100", (
        "Epoch AI's record names the NVIDIA Tesla V100S PCIe 32 GB, a part released after the paper (2019-09-17), "
        "so Epoch's method buys it 90 days after its release and starts the run 160 days after the model was "
        "published. The paper trained on V100 SXM3 32 GB GPUs in DGX-2H servers (arXiv 1909.08053, section 5: "
        "'All of our experiments use up to 32 DGX-2H servers (a total of 512 Tesla V100 SXM3 32GB GPUs)'); "
        "the entry prices Epoch's generic NVIDIA V100 (the SXM part) instead, with Epoch's own V100 price row.")),
}
