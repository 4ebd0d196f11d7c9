"""The catalog of Epoch AI's models: the index, names as typed, the listing with a source for every fact, the build
script's output against Epoch's files, and the entries' own checks (development never below the headline)."""

from __future__ import annotations

import csv
import io
import json
import sys

import pytest

from fullcost import catalog, estimation, resolve, yamlio
from fullcost import model_index as models
from fullcost.catalog import models as index_writer
from tests.conftest import ROOT

REFERENCE = ROOT.parent / "shared" / "reference" / "epoch-training-cost-trends-e13599f"
needs_reference = pytest.mark.skipif(
    not (REFERENCE / "model_costs.csv").is_file(),
    reason=f"Epoch AI's reference files are not at {REFERENCE} (they are never copied into the project)")


def _epoch():
    sys.path.insert(0, str(ROOT / "scripts"))
    import epoch_method

    return epoch_method, epoch_method.load(REFERENCE)


def test_the_index_matches_the_model_files():
    assert index_writer.build_index() == models.load_index()


def test_listing_has_at_least_100_models_each_with_a_source_for_every_fact(cli):
    rows = cli("models", "--format", "json").json()
    assert len(rows) >= 100
    for r in rows:
        facts = r["facts"]
        assert facts, r["name"]
        for key, f in facts.items():
            assert str(f.get("source") or "").strip(), f"{r['name']}: fact {key} has no source"
            assert f.get("value") not in (None, ""), f"{r['name']}: fact {key} has no value"
        # who made it, when, and on what: always there, always sourced
        assert {"developer", "organization"} & set(facts), r["name"]
        assert {"released", "publication_date"} & set(facts), r["name"]
        assert {"hardware", "training_hardware"} & set(facts) or "training_compute_flop" in facts, r["name"]
        assert r["openness"] in ("closed", "weights", "weights+code", "weights+code+data"), r["name"]


@pytest.mark.parametrize(("typed", "stem"), [
    ("PaLM (540B)", "palm-540b"), ("Claude 3 Opus", "claude-3-opus"), ("gpt-4.5", "gpt-4.5"), ("GPT-4.5", "gpt-4.5"),
    ("GPT-4", "gpt-4"), ("gpt4", "gpt-4"), ("Llama 3.1-405B", "llama-3.1-405b"), ("BLOOM-176B", "bloom-176b"),
    ("CLIP (ViT L/14@336px)", "clip-vit-l-14-336px"), ("PanGu-Σ", "pangu-sigma"), ("GPT-3 175B (davinci)",
                                                                                  "gpt-3-175b-davinci"),
])
def test_epoch_names_resolve_as_typed(typed, stem):
    assert models.resolve(typed) == stem
    assert catalog.load_scenario(typed).scenario.name == stem


def test_near_names_are_different_models():
    assert models.resolve("GPT-4o") == "gpt-4o"
    assert models.resolve("gpt-4o") != models.resolve("gpt-4")
    assert models.resolve("GPT-4.6") is None


@pytest.mark.parametrize(("typed", "hint"), [
    ("Calude 3 Opus", "did you mean 'claude-3-opus'?"),  # the same model misspelt
    ("PaLM 540", "did you mean 'palm-540b'?"),
    ("GPT-4.6", "see `fullcost models`"),  # another model: no suggestion
    ("Claude 5", "see `fullcost models`"),
    ("Gemini", "see `fullcost models`"),
])
def test_an_unknown_name_gets_one_line_and_a_suggestion_only_for_the_same_model(sh, typed, hint):
    r = sh("estimate", typed)
    assert r.code == 2
    assert len(r.err.strip().splitlines()) == 1 and "Traceback" not in r.err
    assert hint in r.err
    if "see" in hint:
        assert "did you mean" not in r.err


def test_loading_one_entry_parses_only_its_own_file(monkeypatch):
    seen = []
    real = yamlio.load

    def spy(path, *a, **k):
        seen.append(str(path))
        return real(path, *a, **k)

    monkeypatch.setattr(yamlio, "load", spy)
    resolve.FILES.clear()  # as a fresh process reads it (a file read once is kept: resolve.FILES)
    catalog.load_scenario("PaLM (540B)")
    assert [p for p in seen if "/models/" in p.replace("\\", "/")] == [str(catalog.MODELS / "palm-540b.yaml")]


def test_models_filters_and_formats(cli):
    google = cli("models", "--org", "google", "--format", "json").json()
    assert google and all("google" in (r["developer"] + str(r["facts"].get("organization", {}).get("value"))).lower()
                          for r in google)
    recent = cli("models", "--from", "2024", "--format", "json").json()
    assert recent and all(int(r["released"][:4]) >= 2024 for r in recent)
    top1 = cli("models", "--frontier", "--top", "1", "--format", "json").json()
    assert top1 and all(r["frontier_rank"] == 1 for r in top1)
    assert "PaLM (540B)" in {r["title"] for r in top1}
    ten = cli("models", "--frontier", "--format", "json").json()
    assert {r["name"] for r in top1} < {r["name"] for r in ten}
    out = cli("models", "--frontier", "--format", "wide-csv").out
    table = list(csv.DictReader(io.StringIO(out)))
    assert len(table) == len(ten) and {"name", "released", "params", "compute_flop", "hardware"} <= set(table[0])
    long = list(csv.DictReader(io.StringIO(cli("models", "--frontier", "--format", "csv").out)))
    assert {r["model"] for r in long} == {r["name"] for r in ten}  # the long format: one row per fact
    released = {r["model"]: r["value"] for r in long if r["item"] == "released"}
    assert released == {r["name"]: r["released"] for r in table}
    n = len(cli("models", "--from", "2025", "--format", "json").json())
    text = cli("models", "--from", "2025")
    assert text.code == 0 and f"({n} models" in text.out


def test_bloom_trained_on_366b_tokens_and_llama_note_calls_73m_no_development_cost():
    bloom = catalog.load_scenario("bloom-176b").scenario
    assert bloom.model.tokens is not None and bloom.model.tokens.central() == 366e9
    llama = catalog.load_scenario("llama-3.1-405b").scenario
    note = next(n for n in llama.notes if "73.4M" in n)
    assert "not a development cost" in note


def test_no_entry_is_final_run_only_and_epochs_models_carry_program_and_staff():
    for r in models.rows():
        sc = catalog.load_scenario(r["name"]).scenario
        assert not r["final_run_only"], r["name"]
        if r["generated"] or r["name"] in ("falcon-180b", "llama-3.1-70b", "llama-3.1-8b", "llama-3.1-405b", "gpt-4",
                                           "bloom-176b"):
            assert sc.program is not None and sc.staff is not None, r["name"]


def test_the_llama_herd_splits_its_team_by_gpu_hours():
    shares = {}
    for name, hours in (("llama-3.1-8b", 1.46e6), ("llama-3.1-70b", 7.0e6), ("llama-3.1-405b", 30.84e6)):
        role = catalog.load_scenario(name).scenario.staff.roles[0]
        assert role.headcount.central() == 559 and role.per_person
        lo, hi = role.share.interval()
        shares[name] = (lo, hi, hours / 39.3e6)
    for lo, hi, part in shares.values():
        assert lo == pytest.approx(0.05 * part, rel=5e-4) and hi == pytest.approx(0.80 * part, rel=5e-4)
    assert sum(s[2] for s in shares.values()) == pytest.approx(1.0)


def test_a_development_cost_below_the_headline_is_explained_by_the_rental_rate_not_by_missing_items():
    """The development cost holds the final run, the program and the staff, so it falls below the headline only
    where the headline prices the run at a rental rate above the lab's own cost per GPU-hour (Epoch AI's amortized
    hardware + energy): never for a lab's quoted price, never for a lab that rented (its program is priced at the
    rental rate), and never by more than that rate gap explains."""
    below = []
    for r in models.rows():
        est = estimation.run(catalog.load_scenario(r["name"]), 1000, 0)
        out = estimation.to_json(est)
        dev, head = out["development"]["total_usd"]["p50"], out["headline"]["usd"]
        own_rate = out["final_run"]["amortized_usd"]["p50"] / out["final_run"]["gpu_hours"]
        # every part is there: the final run at own cost, the rest of the program, the staff
        steps = {it["category"] for it in out["development"]["items"]}
        compute = {"compute"} if out["development"]["rate"] == "rental" else {"hardware", "energy"}
        assert compute | {"staff"} <= steps or r["name"] == "deepseek-r1", r["name"]
        if dev >= head:
            continue
        below.append(r["name"])
        h = out["headline"]
        assert h["basis"] == "market", f"{r['name']}: below a price the lab quoted"
        assert out["development"]["rate"] != "rental", r["name"]
        assert h["usd_per_gpu_hour"] > 2 * own_rate, f"{r['name']}: the rate gap does not explain it"
    assert "falcon-180b" not in below and "deepseek-v3" not in below


@needs_reference
def test_every_model_of_epochs_cost_table_and_frontier_selection_has_an_entry():
    _, data = _epoch()
    wanted = set(data.costs) | set(data.top(20))
    assert len(set(data.costs)) == 82
    missing = [m for m in wanted if models.resolve(m) is None]
    assert not missing
    for m in data.costs:
        row = next(r for r in models.rows() if r["file"] == f"{models.resolve(m)}.yaml")
        assert row["epoch_cost_table"], m


@needs_reference
def test_generated_entries_and_index_are_what_the_build_script_writes_from_epochs_files():
    sys.path.insert(0, str(ROOT / "scripts"))
    import build_epoch_catalog

    assert build_epoch_catalog.main(["--check", "--reference", str(REFERENCE)]) == 0


@needs_reference
def test_generated_entries_carry_epochs_inputs():
    em, data = _epoch()
    import epoch_corrections as ec

    modes = em.year_modes(data)
    for name in data.costs:
        stem = models.resolve(name)
        text = (catalog.MODELS / f"{stem}.yaml").read_text(encoding="utf-8")
        if not text.startswith("# Generated"):
            continue
        fixed = ec.HARDWARE.get(name)  # a record corrected with its evidence: Epoch's method on the right chip
        got = em.inputs(data, name, modes, hardware=fixed[0] if fixed else None)
        sc = catalog.load_scenario(name).scenario
        own, fr = sc.ownership, sc.final_run
        assert fr.start is not None and fr.start.isoformat() == got.start.date().isoformat(), name
        assert own.acquired is not None and own.acquired.isoformat() == got.acquired.isoformat(), name
        assert own.pue.central() == got.pue and own.electricity_usd_per_kwh.central() == got.energy_price, name
        assert own.purchase_usd_per_gpu.central() == got.price_published, name
        if got.chip_hours_rule == "reported":
            assert fr.gpu_hours.central() == got.chip_hours, name
        elif got.chip_hours_rule == "quantity_x_time":
            assert fr.gpus.central() * fr.duration.central() == pytest.approx(got.chip_hours, rel=1e-12), name
        else:
            assert fr.mfu is not None and fr.mfu.central() == pytest.approx(got.utilization, rel=1e-6), name


def test_json_listing_is_valid_json_with_no_nan(cli):
    text = cli("models", "--format", "json").out
    assert "NaN" not in text and "Infinity" not in text
    json.loads(text)
