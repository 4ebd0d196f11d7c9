"""Beyond the headline: claims, replication by openness, the export-control premium, the trend."""

from __future__ import annotations

import numpy as np
import pytest

from fullcost import catalog, estimation
from fullcost.analysis.premium import counterfactual, premium
from fullcost.analysis.replicate import LEVELS, replicate
from fullcost.analysis.trend import Rates, trend
from fullcost.scenario import loads

from .conftest import TOY


def test_the_5_576m_headline_matches_the_final_run_at_rental(cli):
    out = cli("claim", "deepseek-v3", "--usd", "5.576M", "--format", "json", "-n", "4000").json()
    assert set(out) >= {"claim_usd", "matches", "coverage", "excluded", "implied_mfu", "mfu_plausible"}
    assert out["claim_usd"] == 5_576_000
    assert out["matches"][0]["definition"] == "final_run_rental"
    assert out["matches"][0]["probability"] >= 0.9
    assert out["mfu_plausible"] is True and 0.15 < out["implied_mfu"] < 0.2
    names = [e["name"] for e in out["excluded"]]
    assert "staff" in names and "experiments and ablations" in names
    assert out["coverage"]["p50"] < 0.5
    assert "matches the final run at rental rates" in out["summary"]


def test_100m_is_not_the_final_run(cli):
    out = cli("claim", "deepseek-v3", "--usd", "$100M", "--format", "json", "-n", "4000").json()
    prob = {m["definition"]: m["probability"] for m in out["matches"]}
    assert prob["final_run_rental"] == 0.0
    assert out["matches"][0]["definition"] != "final_run_rental"


def test_implausible_gpu_hours_are_flagged(cli):
    out = cli("claim", "deepseek-v3", "--usd", "1M", "--gpu-hours", "100K", "--format", "json", "-n", "500").json()
    assert out["implied_mfu"] > 1 and out["mfu_plausible"] is False
    assert "OUTSIDE" in out["summary"]


@pytest.mark.parametrize(("args", "needle"), [
    (["claim", "deepseek-v3", "--usd", "lots"], "--usd: cannot read 'lots'"),
    (["claim", "deepseek-v3", "--usd", "1M to 2M"], "give one figure"),
    (["replicate", "deepseek-v3", "--level", "weights+paper"], "no openness level 'weights+paper'"),
    (["trend", "deepseek-v3", "--until", "2020"], "--until 2020 is in the past"),
    (["trend", "deepseek-v3", "--hardware-oom", "-1"], "cannot be negative"),
    (["premium", "llama-3.1-405b"], "no export-control premium for llama-3.1-405b: the scenario works under no "
                                    "export controls"),
    (["premium", "deepseek-v3@unrestricted"], "the counterfactual without export controls itself"),
    (["premium", "deepseek-v3@essay"], "the premium belongs to deepseek-v3"),
])
def test_bad_input_is_one_line_exit_2(cli, args, needle):
    r = cli(*args)
    assert r.code == 2 and needle in r.err and r.err.count("\n") == 1, r.err


def test_replication_is_ordered_by_openness_in_every_sample_and_never_below_the_final_run():
    est = estimation.run(catalog.load_scenario("deepseek-v3"), 20_000, 4)
    res = replicate(est)
    samples = {lv["openness"]: lv["_samples"] for lv in res["levels"]}
    assert list(samples) == list(LEVELS)
    w, wc, wcd = samples["weights"], samples["weights+code"], samples["weights+code+data"]
    assert np.all(w >= wc) and np.all(wc >= wcd)
    assert np.all(wcd >= est.final.rental_usd)
    assert res["released"] == "weights"


def test_replicate_cli_contract(cli):
    out = cli("replicate", "bloom-176b", "--format", "json", "-n", "2000").json()
    assert [lv["openness"] for lv in out["levels"]] == list(LEVELS)
    assert set(out["original_development_usd"]) == {"mean", "p5", "p50", "p95"}
    one = cli("replicate", "bloom-176b", "--level", "weights", "--format", "json", "-n", "500").json()
    assert [lv["openness"] for lv in one["levels"]] == ["weights"]


BIG = TOY.replace("gpu_hours: 10K", "gpu_hours: 10M")


def test_trend_with_zero_progress_is_todays_cost_every_year():
    est = estimation.run(loads(BIG, "big.yaml"), 200, 0)
    out = trend(est, 1e6, 2034, Rates(0.0, 0.0, 0.0), this_year=2026)
    today = est.development_total
    for row in out["years"]:
        assert row["usd"]["mean"] == pytest.approx(float(today.mean()), rel=1e-12)
    assert out["year_p50"] is None and out["never_share"] == 1.0


def test_doubling_a_rate_moves_the_crossing_earlier():
    est = estimation.run(loads(BIG, "big.yaml"), 200, 0)
    total = float(est.development_total.mean())
    below = total / 50
    slow = trend(est, below, 2060, Rates(0.14, 0.1), this_year=2026)
    fast = trend(est, below, 2060, Rates(0.28, 0.1), this_year=2026)
    faster = trend(est, below, 2060, Rates(0.28, 0.2), this_year=2026)
    assert slow["year_p50"] is not None
    assert fast["year_p50"] < slow["year_p50"]
    assert faster["year_p50"] < fast["year_p50"]
    # the crossing year agrees with the yearly table
    y = slow["year_p50"]
    assert slow["probability_by_year"][str(y)] >= 0.5 > slow["probability_by_year"][str(y - 1)]


def test_trend_cli_contract(cli):
    out = cli("trend", "deepseek-v3", "--until", "2032", "--format", "json", "-n", "2000").json()
    assert set(out) >= {"years", "below_usd", "year_p50", "probability_by_year", "frontier"}
    assert out["below_usd"] == 10e6
    probs = [out["probability_by_year"][str(r["year"])] for r in out["years"]]
    assert probs == sorted(probs)  # costs only fall, so the chance of being below only grows
    medians = [f["usd"]["p50"] for f in out["frontier"]]
    assert medians == sorted(medians)


def test_export_control_premium_is_the_difference_from_the_unrestricted_variant(cli):
    out = cli("compare", "deepseek-v3", "deepseek-v3@unrestricted", "--format", "json", "-n", "4000").json()
    base, free = out["models"]
    assert free["name"] == "deepseek-v3@unrestricted"
    assert free["final_run"]["hardware"] == "h100-sxm"
    assert free["final_run"]["gpu_hours"] < base["final_run"]["gpu_hours"]
    assert free["development"]["total_usd"]["mean"] < base["development"]["total_usd"]["mean"]
    base_items = {it["name"] for it in base["development"]["items"]}
    free_items = {it["name"] for it in free["development"]["items"]}
    assert "staff: export-control workarounds" in base_items
    assert "staff: export-control workarounds" not in free_items


def test_premium_is_taken_sample_by_sample_and_its_steps_add_up():
    doc = catalog.load_scenario("deepseek-v3")
    cf = counterfactual(doc)
    assert cf.doc is not None and cf.doc.scenario.name == "deepseek-v3@unrestricted"
    est, free = estimation.run(doc, 20_000, 5), estimation.run(cf.doc, 20_000, 5)
    out = premium(est, free)
    diff = est.development_total - free.development_total
    d = out["development"]
    assert d["premium_usd"]["mean"] == pytest.approx(float(diff.mean()), rel=1e-12)
    assert d["premium_usd"]["p5"] == pytest.approx(float(np.percentile(diff, 5)), rel=1e-12)
    assert d["probability_positive"] == pytest.approx(float((diff > 0).mean()))
    assert sum(st["usd"]["mean"] for st in out["by_step"]) == pytest.approx(d["premium_usd"]["mean"], rel=1e-9)
    assert {st["step"] for st in out["by_step"]} >= {"final_run", "staff"}
    # paired: the same seed shares every input the variant leaves alone, so the premium's interval is far
    # narrower than against an independent run of the variant (another seed)
    other = estimation.run(cf.doc, 20_000, 6).development_total
    unpaired = est.development_total - other
    width = d["premium_usd"]["p95"] - d["premium_usd"]["p5"]
    assert width < 0.5 * float(np.percentile(unpaired, 95) - np.percentile(unpaired, 5))
    assert d["premium_usd"]["p5"] > 0 > float(np.percentile(unpaired, 5))
    with pytest.raises(ValueError, match="same samples and seed"):
        premium(est, estimation.run(cf.doc, 20_000, 6))


def test_premium_cli_contract(cli):
    out = cli("premium", "deepseek-v3", "--format", "json", "-n", "3000", "--seed", "2").json()
    assert set(out) >= {"scenario", "variant", "description", "samples", "seed", "development", "by_step",
                        "lab_annual"}  # the contract: fields may be added (name, overrides), none renamed
    assert out["overrides"] == []
    assert (out["scenario"], out["variant"], out["samples"], out["seed"]) == (
        "deepseek-v3", "deepseek-v3@unrestricted", 3000, 2)
    d = out["development"]
    assert d["with_controls_usd"]["mean"] - d["without_usd"]["mean"] == pytest.approx(d["premium_usd"]["mean"])
    assert 0 < d["share_of_cost"]["mean"] < 1
    assert out["lab_annual"]["premium_usd"]["mean"] > 0
    table = cli("premium", "deepseek-v3", "-n", "3000", "--seed", "2")
    assert table.code == 0 and "the premium (sample by sample)" in table.out


def test_workaround_staff_is_split_out_not_added():
    with_split = estimation.run(catalog.load_scenario("deepseek-v3"), 3000, 2)
    staff = sum(float(it.usd.mean()) for it in with_split.iceberg.development if it.category == "staff")
    doc = catalog.load_scenario("deepseek-v3")
    sc = doc.scenario.model_copy(update={"export_controls": None})
    doc.scenario = sc
    without = estimation.run(doc, 3000, 2)
    staff_without = sum(float(it.usd.mean()) for it in without.iceberg.development if it.category == "staff")
    assert staff == pytest.approx(staff_without, rel=1e-12)


def test_trend_refuses_a_year_too_far_out(cli):
    r = cli("trend", "deepseek-v3", "--until", "99999")
    assert r.code == 2 and "too far out" in r.err


def test_frontier_band_starts_from_epochs_frontier_level(cli):
    out = cli("trend", "deepseek-v3", "--until", "2030", "--format", "json", "-n", "2000").json()
    by_year = {f["year"]: f["usd"] for f in out["frontier"]}
    assert by_year[2025]["p50"] == pytest.approx(301e6)
    assert 2.0 < by_year[2026]["p50"] / by_year[2025]["p50"] < 2.9
