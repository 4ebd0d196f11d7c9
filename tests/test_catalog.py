"""The catalog: every number carries its source; every model loads and validates against the schema."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from fullcost import catalog, yamlio
from fullcost.scenario import json_schema

DATA = catalog.DATA
EXEMPT_KEYS = {"year", "date", "fullcost"}  # a year, a date or the format version are not facts to source
URL = re.compile(r"^https?://[^\s/]+\.[^\s]+$")


def _numbers(node, path=()):
    """Yield (path, parent mapping) for every number or quantity string in a YAML tree."""
    if isinstance(node, dict):
        if "value" in node and isinstance(node["value"], (dict, list)):
            yield (*path, "value"), node  # an explicit distribution: its source sits beside it
            return
        for k, v in node.items():
            if k in EXEMPT_KEYS or k in ("published", "note", "why", "title", "url", "name", "description"):
                continue
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                yield (*path, k), node
            elif isinstance(v, str) and k in ("value", "usd", "usd_per_hour") and re.search(r"\d", v):
                yield (*path, k), node
            else:
                yield from _numbers(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                yield (*path, i), {}
            else:
                yield from _numbers(v, (*path, i))


def _catalog_files():
    return sorted(p for p in DATA.rglob("*.yaml") if not p.name.startswith("sources"))


def _source_ok(src, local: dict) -> bool:
    return isinstance(src, str) and (bool(URL.match(src)) or src in catalog.sources() or src in local)


@pytest.mark.parametrize("path", _catalog_files(), ids=lambda p: str(p.relative_to(DATA)))
def test_every_catalog_number_has_a_source(path: Path):
    data, pos = yamlio.load(path)
    local = data.get("sources", {}) if isinstance(data, dict) else {}
    missing = []
    for p, parent in _numbers(data):
        if p and p[0] == "sources":
            continue
        has_source = _source_ok(parent.get("source"), local) and bool(parent.get("published"))
        reasoned = bool(parent.get("why"))
        if not (has_source or reasoned):
            missing.append(f"{path.name}:{yamlio.line_of(pos, p)}: {'.'.join(map(str, p))}")
    assert not missing, "numbers without a source (source + published) or a reason (why):\n" + "\n".join(missing)


def test_the_source_check_catches_a_bare_number():
    bad = {"tdp_w": {"value": 700}, "ok": {"value": 1, "source": "https://x.org/a", "published": "1"}}
    found = [p for p, parent in _numbers(bad) if not (_source_ok(parent.get("source"), {}) and parent.get("published"))]
    assert found == [("tdp_w", "value")]


def test_every_source_has_a_title_url_and_date():
    for sid, s in catalog.sources().items():
        assert s.get("title"), sid
        assert URL.match(str(s.get("url", ""))), sid
        assert re.match(r"^\d{4}(-\d{2})?(-\d{2})?$", str(s.get("date", ""))), sid


REQUIRED_CHIPS = {"a100-40gb", "a100-80gb", "a800", "h100-sxm", "h800", "h200", "h20", "b200", "mi300x", "tpu-v4"}
REQUIRED_MODELS = {"deepseek-v3", "deepseek-r1", "llama-3.1-405b", "llama-3.1-70b", "llama-3.1-8b", "gpt-4",
                   "bloom-176b", "falcon-180b"}


def test_required_hardware_with_peaks_power_memory_bandwidth_and_prices():
    hw = catalog.hardware()
    assert REQUIRED_CHIPS <= set(hw)
    for cid in REQUIRED_CHIPS:
        c = hw[cid]
        assert c.bf16_tflops.central() > 0 and c.tdp_w.central() > 0, cid
        assert c.memory_gb is not None and c.server_power_ratio.central() > 1, cid
        assert c.purchase, f"{cid} has no dated purchase price"
        raw = catalog.raw("hardware")[cid]
        assert "fp8_tflops" in raw and "scaleup_gbps" in raw, cid
    assert hw["h800"].scaleup_gbps.central() < hw["h100-sxm"].scaleup_gbps.central()
    assert hw["a100-80gb"].fp8_tflops is None  # no FP8 tensor cores on Ampere
    terms = {r.terms for c in hw.values() for r in c.rental}
    assert {"on-demand", "1y", "3y"} <= terms


def test_regions_have_electricity_pue_and_pay():
    for rid in ("us", "china"):
        r = catalog.region(rid)
        assert r.electricity and r.pue is not None
        assert "researcher_salary_usd" in r.staff and "engineer_salary_usd" in r.staff


def test_required_models_are_in_the_catalog():
    assert REQUIRED_MODELS <= set(catalog.model_names())


@pytest.mark.parametrize("name", sorted(REQUIRED_MODELS))
def test_catalog_scenarios_validate_against_the_printed_schema(name, cli):
    schema = json.loads(cli("schema").out)
    data, _ = yamlio.load(catalog.model_path(name))
    jsonschema.validate(json.loads(json.dumps(data, default=str)), schema)


def test_schema_rejects_an_unknown_key():
    schema = json_schema()
    data, _ = yamlio.load(catalog.model_path("deepseek-v3"))
    data = json.loads(json.dumps(data, default=str))
    data["final_run"]["gpu"] = 1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def test_listings(cli):
    models = cli("models", "--format", "json").json()
    assert REQUIRED_MODELS <= {m["name"] for m in models}
    hw = cli("hardware", "--format", "json").json()
    h800 = next(h for h in hw if h["id"] == "h800")
    assert h800["fp8_tflops"] > h800["bf16_tflops"]
    assert cli("hardware").code == 0 and "h800" in cli("hardware").out


@pytest.mark.parametrize("name", sorted(REQUIRED_MODELS))
def test_every_variant_of_every_catalog_model_loads(name):
    data, _ = yamlio.load(catalog.model_path(name))
    for variant in data.get("variants", {}):
        doc = catalog.load_scenario(f"{name}@{variant}")
        assert doc.scenario.name == f"{name}@{variant}"
