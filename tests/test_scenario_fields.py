"""Issue 11's scenario fields, each checked against a calculator on point-valued scenarios: a chip written inline,
peak and TDP overrides, reported FLOPs, optional GPUs and tokens, and a market rental rate."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from fullcost import catalog

from .conftest import TOY

# A chip the catalog lacks, every figure a round number (server ratio and power fraction come from ownership).
INLINE = """
name: inline
released: '2024-06-01'
model:
  params_active: 1B
  tokens: 100B
final_run:
  hardware:
    name: Example Accelerator X1
    vendor: Example
    released: '2023-01-01'
    bf16_tflops: {value: 100, source: https://example.org/x1, published: "100 TFLOPS BF16 dense"}
    tdp_w: 500
    server_overhead: 1.5
    purchase:
      - {usd: 10000, date: '2023-01-01', basis: single, source: https://example.org/x1-price}
  gpus: 10
  gpu_hours: 1000
  usd_per_gpu_hour: 3
  start: '2024-01-01'
ownership:
  acquired: '2024-01-01'
  useful_life_years: 5
  interconnect_share: 20%
  pue: 1.0
  electricity_usd_per_kwh: 0.1
  power_fraction: 0.5
  server_power_ratio: 2
"""


def _est(cli, write, text: str, *extra: str) -> dict:
    r = cli("estimate", str(write(text)), "--format", "json", "--samples", "50", *extra)
    assert r.code == 0, r.err
    return r.json()


def test_an_inline_chip_is_costed_like_a_catalog_one(cli, write):
    out = _est(cli, write, INLINE)
    fr = out["final_run"]
    assert fr["hardware"] == "example-accelerator-x1"
    assert fr["peak_tflops"] == 100
    assert fr["implied_mfu"] == pytest.approx(6e20 / (1000 * 3600 * 100e12), rel=1e-12)
    kwh = 1000 * 0.5 * 2 * 0.5 * 1.0  # GPU-hours x kW x server ratio x power fraction x PUE
    assert fr["energy_kwh"]["mean"] == pytest.approx(kwh)
    capex = 10_000 * 1.5 / 0.8  # single-unit price x the chip's server overhead, grossed up for interconnect
    hourly = 10_000 * 1.5 * 0.14 * math.log(10) / 8766 / 0.8  # acquired at the start: no depreciation
    assert fr["amortized_usd"]["mean"] == pytest.approx(1000 * hourly + kwh * 0.1, rel=1e-12)
    assert fr["acquisition_usd"]["mean"] == pytest.approx(10 * capex, rel=1e-12)
    assert out["headline"]["usd"] == 3000


def test_an_inline_copy_of_a_catalog_chip_gives_the_catalog_figures(cli, write):
    """The same builder: the H100's own hardware.yaml entry written inline gives the same estimate."""
    import yaml

    entry = {k: v for k, v in catalog.raw("hardware")["h100-sxm"].items() if k != "aliases"}
    block = yaml.safe_dump({"hardware": {"id": "my-h100", **entry}}, sort_keys=False, width=10_000)
    inline = TOY.replace("  hardware: h100-sxm\n", "".join("  " + line + "\n" for line in block.splitlines()))
    a, b = _est(cli, write, TOY), _est(cli, write, inline)
    assert b["final_run"]["hardware"] == "my-h100"
    for key in ("peak_tflops", "implied_mfu", "energy_kwh", "amortized_usd", "acquisition_usd", "rental_usd"):
        assert b["final_run"][key] == a["final_run"][key], key
    assert b["development"]["total_usd"] == a["development"]["total_usd"]


def test_program_runs_and_fleet_groups_name_an_inline_chip_by_its_id(cli, write):
    text = INLINE + """program:
  runs:
    - {name: ablations, phase: experiments, gpu_hours: 500, hardware: example-accelerator-x1}
"""
    out = _est(cli, write, text)
    items = {it["name"]: it for it in out["development"]["items"]}
    final_hw = items["final run at the lab's own cost: hardware"]["usd"]["mean"]
    assert items["ablations: hardware"]["usd"]["mean"] == pytest.approx(final_hw / 2, rel=1e-12)


def test_peak_and_tdp_overrides_change_the_final_run(cli, write):
    text = TOY.replace("  gpu_hours: 10K\n", "  gpu_hours: 10K\n  peak_tflops: 500\n  tdp_w: 1000\n")
    fr = _est(cli, write, text)["final_run"]
    assert fr["peak_tflops"] == 500
    assert fr["implied_mfu"] == pytest.approx(6e20 / (10_000 * 3600 * 500e12), rel=1e-12)
    assert fr["energy_kwh"]["mean"] == pytest.approx(10_000 * 1.0 * 2 * 0.75 * 1.2)  # 1 kW instead of 0.7


def test_a_peak_override_serves_a_precision_the_chip_lacks(cli, write):
    text = INLINE.replace("  gpus: 10\n", "  gpus: 10\n  peak_tflops: 200\n").replace(
        "  tokens: 100B\n", "  tokens: 100B\n  precision: fp8\n")
    fr = _est(cli, write, text)["final_run"]
    assert fr["precision"] == "fp8" and fr["peak_tflops"] == 200


# --- reported FLOPs -------------------------------------------------------------------------------------------

RF = """
name: rf
released: '2024-06-01'
model:
  params_active: 1B
  tokens: 1B
  reported_flops: 1.68e23
final_run:
  hardware: h100-sxm
  gpus: 64
  mfu: 40%
  usd_per_gpu_hour: 2
"""


def test_6nd_far_from_the_reported_flops_warns(cli, write):
    out = _est(cli, write, RF)
    peak = catalog.chip("h100-sxm").bf16_tflops.central()
    assert out["final_run"]["flops_basis"] == "6ND"
    assert out["final_run"]["gpu_hours"] == pytest.approx(6e18 / (peak * 1e12 * 0.4 * 3600), rel=1e-12)
    assert any("reported_flops" in w and "2.8e+04x below" in w for w in out["warnings"])


def test_reported_flops_are_used_when_tokens_are_unknown(cli, write):
    out = _est(cli, write, RF.replace("  tokens: 1B\n", ""))
    peak = catalog.chip("h100-sxm").bf16_tflops.central()
    fr = out["final_run"]
    assert fr["flops_basis"] == "reported" and fr["flops"] == 1.68e23
    assert fr["gpu_hours"] == pytest.approx(1.68e23 / (peak * 1e12 * 0.4 * 3600), rel=1e-12)
    assert fr["implied_mfu"] == pytest.approx(0.4, rel=1e-12)
    assert not any("reported_flops" in w for w in out["warnings"])


def test_reported_flops_are_used_when_parameters_are_unknown(cli, write):
    fr = _est(cli, write, RF.replace("  params_active: 1B\n", ""))["final_run"]
    assert fr["flops_basis"] == "reported" and fr["flops"] == 1.68e23


def test_6nd_within_2x_of_the_reported_figure_is_quiet(cli, write):
    out = _est(cli, write, RF.replace("reported_flops: 1.68e23", "reported_flops: 1.1e19"))
    assert not any("reported_flops" in w for w in out["warnings"])


def test_a_run_known_by_its_hours_needs_no_tokens(cli, write):
    text = TOY.replace("  tokens: 100B\n", "")
    out = _est(cli, write, text)
    fr = out["final_run"]
    assert fr["flops"] is None and fr["flops_basis"] == "unknown" and fr["implied_mfu"] is None
    assert out["headline"]["usd"] == 25_000
    r = cli("estimate", str(write(text)), "--samples", "50")  # the table says n/a instead of failing
    assert r.code == 0 and "n/a" in r.out


def test_an_mfu_without_flops_is_refused(cli, write):
    r = cli("estimate", str(write(RF.replace("  tokens: 1B\n", "").replace("  reported_flops: 1.68e23\n", ""))))
    assert r.code == 2
    assert "final_run.mfu" in r.err and "reported_flops" in r.err


# --- optional GPUs ---------------------------------------------------------------------------------------------

def test_gpus_from_gpu_hours_and_duration(cli, write):
    text = TOY.replace("  gpus: 64\n", "").replace("  gpu_hours: 10K\n", "  gpu_hours: 10K\n  duration: 5 days\n")
    out = _est(cli, write, text)
    fr = out["final_run"]
    assert fr["gpus"] == pytest.approx(10_000 / 120)
    assert fr["days"] == pytest.approx(5.0)
    assert fr["gpus_basis"] == "GPU-hours / duration"
    assert fr["acquisition_usd"]["mean"] == pytest.approx(10_000 / 120 * 30_000 / 0.8)


def test_gpus_unknown_take_epochs_median_training_time(cli, write):
    """Epoch AI: no training time -> 793.5 / 24 days; start = publication - (time + 60 days)."""
    text = TOY.replace("  gpus: 64\n", "").replace("  start: '2024-03-01'\n", "")
    out = _est(cli, write, text)
    fr = out["final_run"]
    assert fr["days"] == pytest.approx(793.5 / 24)
    assert fr["gpus"] == pytest.approx(10_000 / 793.5)
    assert fr["start"] == (dt.date(2024, 6, 1) - dt.timedelta(days=33 + 60)).isoformat()
    assert any("median training time" in w for w in out["warnings"])


def test_gpus_with_gpu_hours_and_duration_is_one_too_many(cli, write):
    r = cli("estimate", str(write(TOY.replace("  gpu_hours: 10K\n", "  gpu_hours: 10K\n  duration: 5 days\n"))))
    assert r.code == 2 and "two of gpus, gpu_hours and duration" in r.err


def test_phases_still_need_gpus(cli, write):
    text = TOY.replace("  gpus: 64\n", "").replace("  gpu_hours: 10K\n", "  phases:\n    - {name: a, gpu_hours: 10}\n")
    r = cli("estimate", str(write(text)))
    assert r.code == 2 and "phases need the run's gpus" in r.err


# --- market rate -------------------------------------------------------------------------------------------------

def test_a_market_rate_is_the_headline_with_basis_market(cli, write):
    text = TOY.replace("  usd_per_gpu_hour: 2.5\n", "  market_usd_per_gpu_hour: {value: 1.8, source: x}\n")
    h = _est(cli, write, text)["headline"]
    assert h["basis"] == "market" and h["usd"] == pytest.approx(18_000)
    assert "market rate $1.8/GPU-hour (x)" in h["note"]


def test_the_labs_quote_wins_over_a_market_rate(cli, write):
    text = TOY.replace("  usd_per_gpu_hour: 2.5\n", "  usd_per_gpu_hour: 2.5\n  market_usd_per_gpu_hour: 1.8\n")
    h = _est(cli, write, text)["headline"]
    assert h["basis"] == "quoted" and h["usd"] == 25_000


# --- bad input: one line, exit 2 ----------------------------------------------------------------------------------

@pytest.mark.parametrize("edit, expect", [
    (("    bf16_tflops: {value: 100, source: https://example.org/x1, published: \"100 TFLOPS BF16 dense\"}\n", ""),
     r"inline\.yaml:8: final_run\.hardware: lacks a peak throughput"),
    (("    tdp_w: 500\n", ""), r"final_run\.hardware: lacks tdp_w"),
    (("    tdp_w: 500\n", "    tdp_w: lots\n"), r"inline\.yaml:12: final_run\.hardware\.tdp_w: cannot read 'lots'"),
    (("    tdp_w: 500\n", "    tdpw: 500\n"),
     r"final_run\.hardware\.tdpw: unknown key 'tdpw' \(did you mean 'tdp_w'\?\)"),
    (("    name: Example Accelerator X1\n", ""), r"final_run\.hardware: an inline chip needs a name"),
    (("basis: single", "basis: retail"), r"final_run\.hardware\.purchase\[0\]\.basis: got 'retail'"),
    (("date: '2023-01-01', basis", "date: 'soon', basis"), r"purchase\[0\]\.date: expected a date"),
    (("{usd: 10000, date: '2023-01-01',", "{date: '2023-01-01',"), r"purchase\[0\]: lacks usd"),
    (("    name: Example Accelerator X1\n", "    name: H100 SXM\n"),
     r"final_run\.hardware\.name: 'h100-sxm' names the catalog's hardware 'h100-sxm'"),
])
def test_a_bad_inline_chip_is_one_line(cli, write, edit, expect):
    import re

    assert edit[0] in INLINE
    r = cli("estimate", str(write(INLINE.replace(*edit), "inline.yaml")))
    assert r.code == 2
    lines = r.err.strip().splitlines()
    assert len(lines) == 1 and re.search(expect, lines[0]), r.err


def test_two_different_inline_chips_with_one_id_are_refused(cli, write):
    text = INLINE + """program:
  runs:
    - name: ablations
      phase: experiments
      gpu_hours: 500
      hardware: {name: Example Accelerator X1, tdp_w: 300, bf16_tflops: 50}
"""
    r = cli("estimate", str(write(text)))
    assert r.code == 2 and "program.runs[0].hardware" in r.err and "has the id 'example-accelerator-x1'" in r.err


def test_the_json_schema_knows_inline_chips_and_the_new_fields():
    import jsonschema
    import yaml

    from fullcost.scenario import json_schema

    schema = json_schema()
    data = yaml.safe_load(INLINE.replace("  gpus: 10\n", "  market_usd_per_gpu_hour: 2\n  tdp_w: 450\n"))
    data["dollars"] = 2024
    jsonschema.validate(data, schema)
    del data["final_run"]["hardware"]["name"]
    with pytest.raises(jsonschema.ValidationError, match="'name' is a required property"):
        jsonschema.validate(data, schema)


def test_a_fleet_group_may_be_a_chip_written_inline(cli, write):
    text = INLINE + """fleet:
  gpus:
    - hardware: {name: Example Fleet Chip, tdp_w: 300, bf16_tflops: 50, server_overhead: 1.5,
                 purchase: [{usd: 5000, date: '2023-01-01', basis: single}]}
      count: 1000
    - {hardware: example-accelerator-x1, count: 10}
  utilization: 80%
  useful_life_years: 4
  interconnect_share: 20%
"""
    out = _est(cli, write, text)
    items = {it["name"]: it["usd"]["mean"] for it in out["lab_annual"]["items"]}
    capex = 1000 * 5000 * 1.5 / 0.8 + 10 * 10_000 * 1.5 / 0.8
    assert items["fleet depreciation"] == pytest.approx(capex / 4, rel=1e-12)
