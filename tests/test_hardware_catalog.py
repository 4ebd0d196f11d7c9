"""The hardware catalog against Epoch AI's data: every chip Epoch names resolves, every figure quoted from
Epoch's tables is the table's own, each chip's reference price is the one Epoch's method picks, and an unclear
name lists the variants of its part instead of proposing another part."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re

import pytest

from fullcost import catalog, yamlio
from fullcost.errors import InputError

from .conftest import ROOT, TOY

EPOCH = ROOT.parent / "shared" / "reference" / "epoch-training-cost-trends-e13599f"
needs_epoch = pytest.mark.skipif(not (EPOCH / "model_costs.csv").is_file(),
                                 reason=f"Epoch AI's data (commit e13599f) is not in {EPOCH}")
HW_FILES = [catalog.DATA / f"{stem}.yaml" for stem in catalog.HARDWARE_FILES]


def _csv(name: str) -> list[dict[str, str]]:
    with open(EPOCH / name, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _epoch_hardware_strings() -> set[str]:
    """Every 'Training hardware' string of the 82 models of model_costs.csv and of the frontier selections,
    and every chip of Hardware_prices.csv."""
    systems = {r["Model"]: r for r in _csv("All_ML_Systems_-_full_view.csv")}
    models = {r["Model"] for r in _csv("model_costs.csv")}
    frontier = json.loads((EPOCH / "frontier_systems_by_top_n.json").read_text(encoding="utf-8"))
    models |= {m for ms in frontier.values() for m in ms}
    names = {h.strip() for m in models if m in systems for h in systems[m]["Training hardware"].split(",")}
    names |= {r["Hardware model"] for r in _csv("Hardware_prices.csv")}
    return {n for n in names if n}


@needs_epoch
def test_every_hardware_string_in_epochs_data_resolves_to_the_chip_that_bears_it():
    names = _epoch_hardware_strings()
    assert len(names) > 80
    for name in sorted(names):
        c = catalog.chip(name)
        assert name.lower() in c.aliases or name.lower() == c.name.lower(), (name, c.id)


@needs_epoch
def test_the_chips_of_epochs_cost_rows_resolve_as_typed_in_any_case():
    assert catalog.chip("NVIDIA A100 SXM4 80 GB").id == "a100-80gb"
    assert catalog.chip("nvidia a100 sxm4 80 gb").id == "a100-80gb"
    assert catalog.chip("Google TPU v3").id == "tpu-v3"
    assert catalog.chip("NVIDIA Tesla V100 DGXS 32 GB").id == "v100-dgxs-32gb"
    assert catalog.chip("NVIDIA V100").id == "v100"  # Epoch's entry for a V100 of unstated variant


def test_no_name_is_claimed_by_two_chips():
    seen: dict[str, str] = {}
    for path in HW_FILES:
        data, _ = yamlio.load(path)  # also refuses duplicate keys
        for cid, e in data.items():
            for name in (cid, e.get("name", cid), *(e.get("aliases") or [])):
                assert seen.setdefault(catalog._key(str(name)), cid) == cid, (name, cid, seen[catalog._key(str(name))])


def _unknown(name: str) -> str:
    with pytest.raises(KeyError) as e:
        catalog.chip(name)
    return str(e.value)


def test_a_did_you_mean_never_proposes_another_part():
    # today's bad suggestions: "NVIDIA V100" proposed the H100, "A100 SXM4 80 GB" the 40 GB part
    assert catalog.chip("NVIDIA V100").family == "V100"
    assert catalog.chip("A100 SXM4 80 GB").id == "a100-80gb"
    msg = _unknown("V100 32GB")
    assert "v100-dgxs-32gb" in msg and "v100-sxm2-32gb" in msg and "v100-pcie-32gb" in msg
    assert "h100" not in msg.lower() and "v100-dgxs-16gb" not in msg  # only the 32 GB variants of the V100
    assert "did you mean" not in msg
    assert "did you mean 'h100-sxm'" in _unknown("h100-sx")
    for name in ("NVIDIA V10", "TPU v9", "Blackwell Ultra"):  # no part of that name: no guess at all
        msg = _unknown(name)
        assert "did you mean" not in msg and "fullcost hardware" in msg


def test_an_unclear_name_lists_the_variants_of_its_part_in_one_line():
    msg = _unknown("NVIDIA A100 96GB")
    assert "\n" not in msg
    assert all(f"'{c}'" in msg for c in ("a100", "a100-40gb", "a100-80gb", "a100-pcie"))
    assert "'h100-sxm'" not in msg and "'a800'" not in msg


def test_an_unknown_chip_in_a_scenario_is_one_line_naming_the_field(cli, write):
    p = write(TOY.replace("hardware: h100-sxm", "hardware: V100 32GB"))
    r = cli("estimate", str(p))
    assert r.code == 2 and "Traceback" not in r.err
    assert "final_run.hardware" in r.err and "v100-sxm2-32gb" in r.err


_PUBLISHED = re.compile(r"^(?P<col>[^:]+\((?:FLOP|OP|W|Byte|byte)[^)]*\)|Release date): (?P<cell>\S+)"
                        r"(?: \((?P<chip>[^)]+)\))?$")
_SCALE = {"tdp_w": 1.0, "memory_gb": 1e9, "memory_bandwidth_tbps": 1e12, "scaleup_gbps": 1e9}  # peaks: 1e12


@needs_epoch
def test_every_figure_quoted_from_epochs_chip_dataset_is_the_cell_it_quotes():
    chips = {r["Hardware name"]: r for r in _csv("Chip_dataset-Grid_view.csv")}
    checked = 0
    for path in HW_FILES:
        data, _ = yamlio.load(path)
        for cid, e in data.items():
            for key, v in e.items():
                if not (isinstance(v, dict) and v.get("source") == "epoch-chips-2025") or v.get("value") is None:
                    continue  # not quoted from Epoch's chip dataset, or a statement that the figure does not exist
                m = _PUBLISHED.match(str(v.get("published", "")))
                assert m, (cid, key, v.get("published"))
                # the chip named in the quote, else the entry's own Epoch name (its first alias)
                row = chips[m["chip"] or next(a for a in e["aliases"] if a in chips)]
                assert row[m["col"]] == m["cell"], (cid, key)
                if key == "released":
                    assert str(v["value"]) == m["cell"], cid
                    continue
                scale = _SCALE.get(key, 1e12)
                assert float(v["value"]) == pytest.approx(float(m["cell"]) / scale, rel=1e-5), (cid, key)
                checked += 1
    assert checked > 300


def _epoch_gpu_price_row(name: str, prices: list[dict[str, str]]) -> dict[str, str] | None:
    """Epoch's rule (prices.py at e13599f), written out again: the earliest DGX price among the chips whose name
    contains the same alias, else the earliest price."""
    aliases = ["A100", "V100", "H100", "P100", "K80", "K40", "Titan X", "GTX 580", "GTX TITAN", "Titan Black"]
    alias = next((a for a in aliases if a in name), None)
    if alias is None:
        return None
    rows = sorted((r for r in prices if r["Price date"] and r["Price (hardware purchase)"]
                   and alias in r["Hardware model"]), key=lambda r: r["Price date"])
    return next((r for r in rows if "DGX" in r["Notes"]), rows[0] if rows else None)


@needs_epoch
def test_each_chips_reference_price_is_the_one_epochs_method_picks():
    prices = _csv("Hardware_prices.csv")
    tpu = {"Google TPU v1": 5463, "Google TPU v2": 5054, "Google TPU v3": 5276, "Google TPU v4": 5167}
    checked = 0
    for name in sorted(_epoch_hardware_strings()):
        c = catalog.chip(name)
        ref = c.reference_price()
        if name in tpu:
            assert ref is not None and ref.epoch and ref.usd.central() == tpu[name] and ref.basis == "single", name
            assert c.acquisition_lag_days is not None and c.acquisition_lag_days.central() == 0, name
            assert c.server_overhead.central() == 1.64
            checked += 1
            continue
        row = _epoch_gpu_price_row(name, prices)
        if row is None:
            assert not any(p.epoch for p in c.purchase), name  # Epoch's method cannot price it: no row marked
            continue
        assert ref is not None and ref.epoch, name
        assert ref.usd.central() == pytest.approx(float(row["Price (hardware purchase)"])), name
        assert ref.date == dt.date.fromisoformat(row["Price date"]), name
        assert (ref.basis == "single") == ("single-unit" in row["Notes"].lower()), name  # overhead as Epoch adds it
        checked += 1
    assert checked >= 30


def test_the_a100_80gb_and_tpu_v4_corrections():
    a100 = catalog.chip("a100-80gb").reference_price()
    assert a100 is not None and (a100.usd.central(), a100.date, a100.basis) == (24875, dt.date(2020, 5, 21), "dgx")
    v4 = catalog.chip("tpu-v4")
    ref = v4.reference_price()
    assert ref is not None and ref.usd.central() == 5167 and ref.date == v4.released
    assert v4.acquisition_lag_days is not None and v4.acquisition_lag_days.central() == 0
    assert catalog.chip("h100-sxm").acquisition_lag_days is None  # GPUs keep the catalog default (90 days)


CATALOG_PRICE = TOY.replace("  purchase_usd_per_gpu: 30000\n  purchase_basis: dgx\n  acquired: '2024-01-01'\n", "")


def test_a_tpu_is_owned_from_its_release_and_a_gpu_90_days_after(cli, write):
    assert CATALOG_PRICE != TOY
    tpu_run = CATALOG_PRICE.replace("hardware: h100-sxm", "hardware: Google TPU v4")
    tpu = cli("estimate", str(write(tpu_run)), "--format", "json", "--samples", "200").json()
    assert tpu["final_run"]["acquired"] == "2021-05-20"
    gpu = cli("estimate", str(write(CATALOG_PRICE)), "--format", "json", "--samples", "200").json()
    released = catalog.chip("h100-sxm").released
    assert released is not None
    assert gpu["final_run"]["acquired"] == (released + dt.timedelta(days=90)).isoformat()


def test_peaks_at_every_precision_are_listed(cli):
    rows = {r["id"]: r for r in cli("hardware", "--format", "json").json()}
    assert set(catalog.PEAK_KEYS) <= set(rows["h100-sxm"])
    assert rows["h100-sxm"]["tf32_tflops"] == pytest.approx(494.7)
    assert rows["v100-sxm2-32gb"]["fp32_tflops"] == pytest.approx(15.67)
    assert rows["tpu-v1"]["int8_tops"] == 92 and rows["tpu-v1"]["bf16_tflops"] is None
    assert rows["p100-sxm2"]["fp16_tflops"] is not None  # no tensor cores: its FP16 units' peak
    assert rows["a100-80gb"]["fp16_tflops"] is None  # FP16 runs on the tensor cores at the BF16 peak
    table = cli("hardware")
    assert table.code == 0 and "TF32" in table.out and "INT8" in table.out


def test_a_chip_known_only_by_its_price_says_why_it_has_no_peak():
    c = catalog.chip("Cerebras CS-2")
    assert all(getattr(c, k) is None for k in catalog.PEAK_KEYS) and c.peak_why
    with pytest.raises(ValueError, match="no peak throughput") as e:
        c.reference_peak()
    assert isinstance(e.value, InputError)  # the CLI prints it as one line


def test_an_inline_chip_still_needs_a_peak():
    with pytest.raises(InputError, match="lacks a peak"):
        catalog._chip("mine", {"name": "X", "tdp_w": 300, "peak_why": "unknown"})
