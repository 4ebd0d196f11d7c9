"""The iceberg: development cost, the lab's year, the bridge, the footnotes, the tornado."""

from __future__ import annotations

import math

import numpy as np
import pytest

from fullcost import catalog, estimation
from fullcost.scenario import loads

from .conftest import TOY

PROGRAM = """
program:
  runs:
    - {name: ablations, phase: experiments, runs: 100, gpu_hours_each: 50}
    - {name: scale check, phase: validation, gpu_hours: 2000}
    - {name: teacher model, phase: related_model, share_of_final: 0.5}
    - {name: crashed run, phase: failed, gpu_hours: 1000}
staff:
  duration: 0.5 years
  roles:
    - {role: researchers, headcount: 10, salary_usd: 200K, overhead: 1.25, equity_usd: 50K, share: 50%}
    - {role: legal, headcount: 2, salary_usd: 100K, overhead: 1.2, equity_usd: 0, line: sga}
data:
  - {name: annotation, usd: 30K}
overhead:
  share: 10%
"""

FLEET = """
fleet:
  gpus:
    - {hardware: h100-sxm, count: 1000, price_usd: 30000, price_basis: dgx}
  utilization: 50%
  useful_life_years: 5
  interconnect_share: 20%
  pue: 1.2
  electricity_usd_per_kwh: 0.1
  facility_usd_per_kw_month: 100
lab:
  staff:
    - {role: everyone, headcount: 50, salary_usd: 100K, overhead: 1.0, equity_usd: 0}
  other:
    - {name: offices, usd_per_year: 1M}
  overhead: {share: 5%}
"""


def _epoch_rate() -> float:
    """The toy's own cost per GPU-hour by Epoch AI's method, by hand (see test_final_run)."""
    value = 30_000 * 10 ** (-0.14 * 60 / 365.25)
    return value * 0.14 * math.log(10) / 8766 / 0.8 + 0.7 * 2 * 0.75 * 1.2 * 0.1


def _run(text: str, n: int = 50, seed: int = 0) -> dict:
    return estimation.to_json(estimation.run(loads(text, "toy.yaml"), n, seed))


def test_point_scenario_development_cost_by_hand():
    out = _run(TOY + PROGRAM)
    r = _epoch_rate()
    compute = (10_000 + 5_000 + 2_000 + 5_000 + 1_000) * r
    staff = 10 * (200e3 * 1.25 + 50e3) * 0.5 * 0.5 + 2 * (100e3 * 1.2) * 0.5
    before = compute + staff + 30e3
    dev = out["development"]
    assert dev["total_usd"]["mean"] == pytest.approx(before * 1.1, rel=1e-12)
    assert dev["total_usd"]["p5"] == dev["total_usd"]["p95"]  # point inputs, point result
    by_phase = {}
    for it in dev["items"]:
        by_phase[it["phase"]] = by_phase.get(it["phase"], 0) + it["usd"]["mean"]
    assert by_phase["experiments"] == pytest.approx(5_000 * r)
    assert by_phase["related_model"] == pytest.approx(5_000 * r)
    legal = next(it for it in dev["items"] if it["name"] == "staff: legal")
    assert legal["line"] == "sga" and legal["usd"]["mean"] == pytest.approx(120e3)
    assert dev["program_gpu_hours"]["mean"] == 23_000


def test_bridge_steps_in_order_and_summing_to_the_development_mean():
    out = _run(TOY + PROGRAM)
    steps = out["bridge"]
    assert [s["step"] for s in steps] == ["headline", "final_run", "experiments", "validation", "related_model",
                                          "failed", "staff", "data", "overhead"]
    r = _epoch_rate()
    assert steps[0]["usd"] == 25_000
    assert steps[1]["usd"] == pytest.approx(10_000 * r - 25_000)
    assert steps[6]["usd"] == pytest.approx(870e3)
    total = out["development"]["total_usd"]["mean"]
    assert math.fsum(s["usd"] for s in steps) == pytest.approx(total, rel=1e-9)


def test_bridge_sums_exactly_on_uncertain_catalog_models():
    for name in ("deepseek-v3", "llama-3.1-405b"):
        out = estimation.to_json(estimation.run(catalog.load_scenario(name), 4000, 3))
        total = out["development"]["total_usd"]["mean"]
        assert math.fsum(s["usd"] for s in out["bridge"]) == pytest.approx(total, rel=1e-9), name


def test_items_sum_to_totals_sample_by_sample_and_summaries_are_ordered():
    est = estimation.run(catalog.load_scenario("deepseek-v3"), 5000, 11)
    acc = np.zeros(5000)
    for it in est.iceberg.development:
        acc += it.usd
    assert np.allclose(acc, est.development_total, rtol=1e-12, atol=0)
    assert est.iceberg.lab_annual is not None and est.lab_total is not None
    lab = np.zeros(5000)
    for it in est.iceberg.lab_annual:
        lab += it.usd
    assert np.allclose(lab, est.lab_total, rtol=1e-12, atol=0)
    out = estimation.to_json(est)

    def walk(node):
        if isinstance(node, dict):
            if {"p5", "p50", "p95"} <= set(node):
                assert node["p5"] <= node["p50"] <= node["p95"]
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(out)


def test_same_seed_identical_output():
    a = _run(TOY + PROGRAM.replace("runs: 100", "runs: 50 to 200"), 2000, 5)
    b = _run(TOY + PROGRAM.replace("runs: 100", "runs: 50 to 200"), 2000, 5)
    assert a == b


def test_footnotes_name_what_the_headline_excludes_with_amounts():
    out = _run(TOY + PROGRAM)
    cov = out["coverage"]
    total = out["development"]["total_usd"]["mean"]
    assert cov["headline_share"]["mean"] == pytest.approx(25_000 / total)
    names = [e["name"] for e in cov["excluded"]]
    assert names == ["experiments and ablations", "validation runs", "related models", "failed runs", "staff",
                     "data", "overhead"]
    related = next(e for e in cov["excluded"] if e["name"] == "related models")
    assert "teacher model" in related["what"]
    assert related["usd"]["mean"] == pytest.approx(5_000 * _epoch_rate())


def test_fleet_prices_gpu_hours_at_the_labs_own_rate_and_gives_the_lab_year():
    out = _run(TOY + PROGRAM + FLEET)
    h100 = catalog.chip("h100-sxm")
    ratio, frac = h100.server_power_ratio.central(), h100.power_fraction.central()
    kwh = 0.7 * ratio * frac * 1.2
    it_kw = 0.7 * ratio
    dep = 30_000 / 0.8 / (5 * 8766 * 0.5)
    rate = dep + kwh * 0.1 + it_kw * 100 * 12 / 8766 / 0.5
    dev = out["development"]
    assert dev["rate"] == "fleet"
    fr = sum(it["usd"]["mean"] for it in dev["items"] if it["phase"] == "final_run")
    assert fr == pytest.approx(10_000 * rate, rel=1e-12)
    lab = out["lab_annual"]
    by = {it["name"]: it["usd"]["mean"] for it in lab["items"]}
    assert by["fleet depreciation"] == pytest.approx(1000 * 37_500 / 5)
    assert by["fleet energy"] == pytest.approx(1000 * 8766 * 0.5 * kwh * 0.1)
    assert by["datacenter facility"] == pytest.approx(1000 * it_kw * 100 * 12)
    assert by["staff: everyone"] == pytest.approx(5e6)
    base = sum(v for k, v in by.items() if k != "overhead (SG&A)")
    assert by["overhead (SG&A)"] == pytest.approx(0.05 * base)
    assert lab["total_usd"]["mean"] == pytest.approx(base * 1.05)


def test_a100_equivalents_convert_through_bf16_peaks():
    text = TOY + FLEET.replace("{hardware: h100-sxm, count: 1000, price_usd: 30000, price_basis: dgx}",
                               "{hardware: h100-sxm, a100_equivalents: 3170, price_usd: 30000, price_basis: dgx}")
    est = estimation.run(loads(text, "toy.yaml"), 10, 0)
    assert est.iceberg.fleet is not None
    expected = 3170 * catalog.chip("a100-80gb").bf16_tflops.central() / catalog.chip("h100-sxm").bf16_tflops.central()
    assert float(est.iceberg.fleet.groups[0].count[0]) == pytest.approx(expected)


def test_program_multiplier_is_total_over_final():
    out = _run(TOY + "program:\n  multiplier: 3\n")
    exp = [it for it in out["development"]["items"] if it["phase"] == "experiments"]
    assert sum(it["usd"]["mean"] for it in exp) == pytest.approx(2 * 10_000 * _epoch_rate())


def test_sensitivity_ranks_the_inputs_that_move_the_total_and_drops_those_that_do_not():
    text = (TOY.replace("usd_per_gpu_hour: 2.5", "usd_per_gpu_hour: 2 to 3")
            + PROGRAM.replace("runs: 100", "runs: 10 to 10K").replace("gpu_hours: 2000", "gpu_hours: 1K to 100K"))
    out = _run(text, 20_000, 1)
    sens = out["sensitivity"]
    assert sens[0]["input"] == "program.runs[0].runs"
    assert sens[0]["low_usd"] < out["development"]["total_usd"]["mean"] < sens[0]["high_usd"]
    assert sens[0]["low_value"] == pytest.approx(10, rel=0.1)
    names = [s["input"] for s in sens]
    assert names.index("program.runs[1].gpu_hours") == 1
    # the quoted rental price sets the headline, not the lab's own cost: it does not move the development total
    assert "final_run.usd_per_gpu_hour" not in names


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ("program:\n  multiplier: 0.8 to 2\n", "goes below 1"),
        ("program:\n  multiplier: 0.5\n", "goes below 1"),
        (PROGRAM.replace("share: 50%", "share: 150%"), "cannot exceed 100%"),
        (PROGRAM.replace("duration: 0.5 years", "duration: 0 years"), "must be more than zero"),
        (FLEET.replace("count: 1000", "count: 10"), "smaller than the final run's cluster"),
        (FLEET.replace("utilization: 50%", "utilization: 0%"), "must be above 0%"),
        (PROGRAM.replace("gpu_hours: 2000}", "runs: 3}"), "runs and gpu_hours_each go together"),
        ("overhead: {share: 10%, usd: 5}\n", "give share or usd"),
        ("program:\n  multiplier: 2\n  runs:\n    - {name: a, phase: experiments, gpu_hours: 1}\n",
         "multiplier already counts experiments"),
    ],
)
def test_bad_iceberg_input_is_refused_with_a_clear_error(cli, write, extra, needle):
    r = cli("estimate", str(write(TOY + extra)))
    assert r.code == 2, r.out
    assert needle in r.err
    assert r.err.count("\n") == 1 and "scenario.yaml:" in r.err


def test_compare_side_by_side(cli):
    out = cli("compare", "deepseek-v3", "llama-3.1-405b", "--format", "json", "--samples", "1000").json()
    names = [m["name"] for m in out["models"]]
    assert names == ["deepseek-v3", "llama-3.1-405b"]
    assert out["models"][1]["final_run"]["gpu_hours"] > 10 * out["models"][0]["final_run"]["gpu_hours"]
    t = cli("compare", "deepseek-v3", "llama-3.1-405b", "--samples", "1000")
    assert t.code == 0 and "deepseek-v3" in t.out and "llama-3.1-405b" in t.out


def test_gpt4_under_epoch_ais_development_cost_method():
    """Epoch AI's method (FACTS.md): amortized hardware + energy of the final run, times the experiment
    multiplier (1.2-4x), plus staff = contributors x (salary x overhead + equity) x FTE share x duration.
    The catalog's GPT-4 is written that way; without the SG&A overhead the total is exactly that, sample
    by sample, and its shares sit where Epoch AI's paper puts GPT-4-class models (hardware 47-67%, staff
    29-49%, arXiv 2405.21015)."""
    doc = catalog.load_scenario("gpt-4")
    doc.scenario = doc.scenario.model_copy(update={"overhead": None})
    est = estimation.run(doc, 20_000, 1)
    m = est.ctx.sampler.get("program.multiplier")
    staff = sum(it.usd for it in est.iceberg.development if it.category == "staff")
    expected = est.final.amortized_usd * np.maximum(m, 1.0) + staff
    assert np.allclose(est.development_total, expected, rtol=1e-9, atol=0)
    total = est.development_total.mean()
    hardware = sum(it.usd.mean() for it in est.iceberg.development if it.category == "hardware") / total
    staff_share = staff.mean() / total
    energy = sum(it.usd.mean() for it in est.iceberg.development if it.category == "energy") / total
    assert 0.47 <= hardware <= 0.67
    assert 0.29 <= staff_share <= 0.49
    assert energy < 0.10


def test_lab_year_says_whether_it_agrees_with_a_published_estimate():
    base = TOY + PROGRAM + FLEET
    out = _run(base + "  compare_to: 1M to 2M\n")
    pub = out["lab_annual"]["published_estimate"]
    assert pub["probability_above"] == 1.0 and pub["verdict"].startswith("higher")
    total = out["lab_annual"]["total_usd"]["mean"]
    out = _run(base + f"  compare_to: {total * 0.9:.0f} to {total * 1.1:.0f}\n")
    assert out["lab_annual"]["published_estimate"]["verdict"].startswith("agrees")
    out = _run(base + f"  compare_to: {total * 3:.0f}\n")
    assert out["lab_annual"]["published_estimate"]["verdict"].startswith("lower")


def test_a_fleet_smaller_than_the_cluster_in_some_samples_is_a_warning(cli, write):
    text = TOY + FLEET.replace("count: 1000", "count: 55 to 100")
    r = cli("estimate", str(write(text)), "--format", "json", "-n", "4000")
    assert r.code == 0
    warnings = [w for w in r.json()["warnings"] if "smaller than the final run's cluster" in w]
    assert len(warnings) == 1 and "% of samples" in warnings[0]


def test_a_scenario_without_iceberg_sections_says_its_development_cost_is_the_final_run_alone():
    out = _run(TOY)
    assert any("final run alone" in w for w in out["warnings"])
    assert not any("final run alone" in w for w in _run(TOY + PROGRAM)["warnings"])


def test_a_fleets_rate_per_hour_is_the_same_asked_again_and_cannot_be_changed_by_its_users():
    from fullcost.context import Context
    from fullcost.costing.fleet import A100, fleet_cost
    from fullcost.quantity import Sampler

    doc = loads(TOY + PROGRAM + FLEET.replace("utilization: 50%", "utilization: 40% to 60%"))
    ctx = Context(doc, Sampler(2000, 0))
    fleet = fleet_cost(ctx, doc.scenario.fleet)
    a100_peak = ctx.ref_peak(catalog.chip(A100))
    for chip in (catalog.chip("h100-sxm"), catalog.chip("a100-80gb")):  # in the fleet, and not
        peak = ctx.ref_peak(chip)
        first = fleet.per_used_hour(chip, peak, a100_peak)
        again = fleet.per_used_hour(chip, ctx.ref_peak(chip), ctx.ref_peak(catalog.chip(A100)))
        fresh = fleet._per_used_hour(chip, peak, a100_peak)
        for a, b, c in zip(first, again, fresh, strict=True):
            assert a is b and a.tobytes() == c.tobytes()
            with pytest.raises(ValueError, match="read-only"):
                a *= 2.0
    # other peaks are other answers
    other = fleet.per_used_hour(catalog.chip("a100-80gb"), a100_peak * 2.0, a100_peak)
    assert other[0].tobytes() != fleet.per_used_hour(catalog.chip("a100-80gb"), a100_peak, a100_peak)[0].tobytes()
