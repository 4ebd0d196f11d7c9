"""What if: --set overrides, extends, variants checked, the Python API, the long CSV of every view."""

from __future__ import annotations

import csv
import io
import json

import pytest

import fullcost
from fullcost import catalog

from .conftest import ROOT, TOY

N = "2000"
LONG = ["model", "view", "item", "statistic", "value", "unit", "dollars"]


def _one_line(r, *needles):
    assert r.code == 2, (r.out, r.err)
    assert "Traceback" not in r.err
    lines = [ln for ln in r.err.splitlines() if ln.strip()]
    assert len(lines) == 1, r.err
    for n in needles:
        assert n in lines[0], (n, lines[0])
    return lines[0]


def _without(out: dict, *keys: str) -> dict:
    return {k: v for k, v in out.items() if k not in keys}


# --- --set ------------------------------------------------------------------------------------------------------

def test_set_the_quoted_price(cli):
    base = cli("estimate", "deepseek-v3", "-n", N, "--format", "json").json()
    r = cli("estimate", "deepseek-v3", "--set", "final_run.usd_per_gpu_hour=3", "-n", N, "--format", "json")
    out = r.json()
    assert out["headline"]["usd"] == 8_364_000
    assert out["overrides"] == ["final_run.usd_per_gpu_hour=3"]
    # the lab's own cost does not depend on the quote: the bridge moves the difference from one step to the other
    steps = {b["step"]: b["usd"] for b in out["bridge"]}
    base_steps = {b["step"]: b["usd"] for b in base["bridge"]}
    assert steps["headline"] - base_steps["headline"] == pytest.approx(2_788_000)
    assert steps["final_run"] - base_steps["final_run"] == pytest.approx(-2_788_000)
    assert out["development"]["total_usd"]["mean"] == pytest.approx(base["development"]["total_usd"]["mean"])


def test_the_development_cost_moves_by_what_the_bridge_says(cli):
    base = cli("estimate", "deepseek-v3", "-n", N, "--format", "json").json()
    out = cli("estimate", "deepseek-v3", "-n", N, "--format", "json",
              "--set", "staff.roles[research & engineering].share=90% to 100%").json()
    moved = out["development"]["total_usd"]["mean"] - base["development"]["total_usd"]["mean"]
    bridge = {b["step"]: b["usd"] for b in out["bridge"]}
    base_bridge = {b["step"]: b["usd"] for b in base["bridge"]}
    assert moved > 1e6
    assert moved == pytest.approx(sum(bridge.values()) - sum(base_bridge.values()))
    assert moved == pytest.approx(bridge["staff"] + bridge["overhead"] - base_bridge["staff"] - base_bridge["overhead"])
    # the tornado labels the inputs for a reader; the path stays what --set takes
    row = next(r for r in base["sensitivity"] if r["input"] == "staff.roles[0].share")
    assert row["label"] == "research & engineering staff: share of time on the model"


def test_a_catalog_input_is_drawn_in_place_of_the_catalogs(cli):
    base = cli("estimate", "deepseek-v3", "-n", N, "--format", "json").json()
    out = cli("estimate", "deepseek-v3", "-n", N, "--format", "json",
              "--set", "regions.china.staff.researcher_salary_usd=300K").json()
    staff = lambda o: {b["step"]: b["usd"] for b in o["bridge"]}["staff"]  # noqa: E731
    assert staff(out) > staff(base) * 1.2
    assert out["final_run"] == base["final_run"]  # only the salary changed: every other input has its own stream


@pytest.mark.parametrize(("setting", "needles"), [
    ("final_run.usd_per_gpu_hr=3", ["--set: final_run.usd_per_gpu_hr", "did you mean 'usd_per_gpu_hour'"]),
    ("final_run.usd_per_gpu_hour=-3", ["--set: final_run.usd_per_gpu_hour", "must not be negative"]),
    ("final_run.usd_per_gpu_hour=", ["give a value after '='"]),
    ("final_run.usd_per_gpu_hour", ["expected PATH=VALUE"]),
    ("staff.roles[7].share=50%", ["--set: staff.roles", "has 3 item(s)"]),
    ("staff.roles[nobody].share=50%", ["no item named 'nobody'", "data annotation"]),
    ("staff.roles[0].share=150%", ["cannot exceed 100%"]),
    ("staff.roles[0].share=35-45%", ["did you mean '35% to 45%'"]),
    ("hardware.h80.tdp_w=700", ["no catalog input named 'hardware.h80.tdp_w'", "hardware.h800.tdp_w"]),
    ("hardware.h800.tdp_w=$700", ["a dollar amount where a power"]),
    ("hardware.h100-sxm.tdp_w=700", ["never draws 'hardware.h100-sxm.tdp_w'"]),
    ("model..tokens=1", ["is not a path"]),
])
def test_a_bad_path_or_value_is_one_line(sh, setting, needles):
    r = sh("estimate", "deepseek-v3", "-n", "200", "--set", setting)
    _one_line(r, *needles)
    assert r.out == ""


def test_every_view_takes_set_and_lists_it(cli):
    s = ["--set", "staff.duration=1 year", "-n", "500", "--format", "json"]
    for args in (["claim", "deepseek-v3", "--usd", "5.5M"], ["replicate", "deepseek-v3"], ["trend", "deepseek-v3"],
                 ["premium", "deepseek-v3"]):
        r = cli(*args, *s)
        assert r.code == 0, r.err
        assert r.json()["overrides"] == ["staff.duration=1 year"], args
    r = cli("statements", "deepseek", "--set", "fleet.utilization=70%", "--set", "hardware.h800.tdp_w=800 W",
            "-n", "300", "--format", "json")
    assert r.code == 0, r.err
    assert r.json()["overrides"] == ["fleet.utilization=70%", "hardware.h800.tdp_w=800 W"]
    r = cli("statements", "deepseek", "--set", "fleet.utilisation=70%", "-n", "300")
    assert r.code == 2 and "--set: fleet.utilisation: unknown key" in r.err


def test_the_premium_runs_both_sides_with_the_overrides(cli):
    base = cli("premium", "deepseek-v3", "-n", "1000", "--format", "json").json()
    out = cli("premium", "deepseek-v3", "-n", "1000", "--format", "json", "--set", "staff.duration=2 years").json()
    assert out["development"]["without_usd"]["mean"] > base["development"]["without_usd"]["mean"] * 1.3


def test_compare_sets_per_model_and_needs_two(cli, sh):
    out = cli("compare", "deepseek-v3", "gpt-4", "-n", "500", "--format", "json",
              "--set", "deepseek-v3:final_run.usd_per_gpu_hour=3").json()
    assert out["models"][0]["headline"]["usd"] == 8_364_000
    assert out["models"][1]["overrides"] == []
    _one_line(sh("compare", "deepseek-v3"), "compare needs two or more models")
    _one_line(sh("compare", "deepseek-v3", "gpt-4", "--set", "llama:final_run.gpus=8"), "not one of the models")


def test_report_reproduce_line_has_the_overrides(cli, tmp_path):
    out = tmp_path / "r.html"
    r = cli("report", "deepseek-v3", "-o", str(out), "-n", "500", "--set", "final_run.usd_per_gpu_hour=3")
    assert r.code == 0, r.err
    html = out.read_text()
    assert "fullcost estimate deepseek-v3 --samples 500 --seed 0 --set final_run.usd_per_gpu_hour=3" in html


# --- extends and variants ----------------------------------------------------------------------------------------

def test_a_five_line_extends_file_equals_the_set_run(cli, write):
    p = write("""
        extends: deepseek-v3
        set:
          regions.china.staff.researcher_salary_usd: 300K
        staff:
          roles: {data annotation: {share: 50%}}
        """, "mine.yaml")
    a = cli("estimate", str(p), "-n", N, "--seed", "3", "--format", "json").json()
    b = cli("estimate", "deepseek-v3", "-n", N, "--seed", "3", "--format", "json",
            "--set", "regions.china.staff.researcher_salary_usd=300K",
            "--set", "staff.roles[data annotation].share=50%").json()
    assert _without(a, "overrides") == _without(b, "overrides")
    assert a["name"] == "deepseek-v3"


def test_extends_a_variant_and_inherits_the_variants(cli, write):
    p = write("extends: deepseek-v3@essay\nname: mine\n", "essay.yaml")
    a = cli("estimate", str(p), "-n", "500", "--format", "json").json()
    b = cli("estimate", "deepseek-v3@essay", "-n", "500", "--format", "json").json()
    assert _without(a, "name") == _without(b, "name")
    q = write("extends: deepseek-v3\nname: mine\n", "plain.yaml")
    r = cli("premium", str(q), "-n", "500", "--format", "json")  # the base's unrestricted variant is inherited
    assert r.code == 0 and r.json()["variant"] == "mine@unrestricted"


def test_extends_errors_point_at_the_file_that_has_the_value(sh, write, tmp_path):
    _one_line(sh("estimate", str(write("extends: deepseek-v4\n", "a.yaml"))), "a.yaml:1: extends",
              "no catalog model named 'deepseek-v4'")
    a = tmp_path / "loop-a.yaml"
    a.write_text("extends: loop-b.yaml\n")
    (tmp_path / "loop-b.yaml").write_text("extends: loop-a.yaml\n")
    _one_line(sh("estimate", str(a)), "a cycle")
    base = write(TOY.replace("  gpus: 64", "  gpus: lots"), "base.yaml")
    child = write("extends: base.yaml\nname: child\n", "child.yaml")
    _one_line(sh("estimate", str(child)), f"{base}:10: final_run.gpus")
    child = write("extends: base.yaml\nname: child\nfinal_run: {gpus: -1}\n", "child2.yaml")
    _one_line(sh("estimate", str(child)), "child2.yaml:3: final_run.gpus", "must not be negative")
    r = sh("estimate", str(write("extends: deepseek-v3\nstaff: {roles: {nobody: {share: 5%}}}\n", "n.yaml")))
    _one_line(r, "n.yaml:2", "no item named 'nobody'")


def test_a_typo_in_a_variant_or_an_empty_variant_is_refused(sh, write):
    p = write(TOY + "variants:\n  cheap:\n    final_run: {usd_per_gpu_hr: 1}\n", "v.yaml")
    _one_line(sh("estimate", str(p)), "v.yaml:26", "variant 'cheap'", "did you mean 'usd_per_gpu_hour'")
    p = write(TOY + "variants:\n  cheap: {}\n", "e.yaml")
    _one_line(sh("estimate", str(p)), "e.yaml:25", "variant 'cheap' is empty")
    _one_line(sh("estimate", "deepseek-v3@"), "no variant after '@'")
    _one_line(sh("statements", "deepseek@"), "no variant after '@'")


# --- the Python API ----------------------------------------------------------------------------------------------

def test_the_api_equals_the_cli(cli):
    est = fullcost.estimate("deepseek-v3", seed=1, samples=20000)
    out = cli("estimate", "deepseek-v3", "--seed", "1", "-n", "20000", "--format", "json").json()
    assert est.data == out
    assert est.headline.usd == 5_576_000
    s = est.development.total_usd
    assert (s.mean, s.p5, s.p95) == (out["development"]["total_usd"]["mean"], out["development"]["total_usd"]["p5"],
                                     out["development"]["total_usd"]["p95"])
    assert s.samples is not None and s.samples.shape == (20000,) and s.samples.mean() == pytest.approx(s.mean)
    item = est.development["items"][0].usd
    assert item.samples is not None and item.samples.mean() == pytest.approx(item.mean)
    assert est.final_run.rental_usd.samples is not None


def test_to_frame_round_trips_the_csv(cli):
    pd = pytest.importorskip("pandas", reason="pandas is what .to_frame() returns")
    est = fullcost.estimate("gpt-4", samples=1000, set={"final_run.gpus": 20000})
    text = cli("estimate", "gpt-4", "-n", "1000", "--set", "final_run.gpus=20000", "--format", "csv").out
    assert text == est.to_csv()
    read = pd.read_csv(io.StringIO(text), keep_default_na=False)
    pd.testing.assert_frame_equal(read, est.to_frame(), check_dtype=False)


def test_api_compare_statements_load_and_errors():
    c = fullcost.compare(["deepseek-v3", "llama-3.1-405b"], samples=300, set={"deepseek-v3:staff.duration": "2 years"})
    assert [m.name for m in c.models] == ["deepseek-v3", "llama-3.1-405b"]
    assert c.models[0].overrides == ["staff.duration=2 years"] and c.models[1].overrides == []
    st = fullcost.statements("deepseek", samples=200, year=2024)
    assert [y["year"] for y in st.data["years"]] == [2024]
    doc = fullcost.load({"extends": "deepseek-v3", "final_run": {"gpus": 1024}})
    assert doc.scenario.final_run.gpus.central() == 1024 and doc.scenario.name == "deepseek-v3"
    from fullcost.errors import InputError

    with pytest.raises(InputError, match="never draws"):
        fullcost.estimate("deepseek-v3", samples=100, set={"hardware.b200.tdp_w": 1000})
    with pytest.raises(InputError, match="samples"):
        fullcost.estimate("deepseek-v3", samples=0)


# --- tidy outputs -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ["estimate", "deepseek-v3"], ["compare", "deepseek-v3", "gpt-4"], ["claim", "deepseek-v3", "--usd", "5.5M"],
    ["replicate", "deepseek-v3"], ["premium", "deepseek-v3"], ["trend", "gpt-4"], ["hardware"], ["labs"],
    ["models"],
])
def test_every_view_has_a_long_csv(cli, args):
    extra = ["-n", "300"] if args[0] not in ("models", "hardware", "labs") else []
    r = cli(*args, *extra, "--format", "csv")
    assert r.code == 0, r.err
    rows = list(csv.reader(io.StringIO(r.out)))
    assert rows[0] == LONG
    assert len(rows) > 5 and all(len(row) == 7 for row in rows)
    numeric = [row for row in rows[1:] if row[3] in ("mean", "p5", "p50", "p95")]
    for row in numeric:
        float(row[4])
    assert {row[6] for row in rows[1:]} == {"nominal"}
    if args[0] == "estimate":
        items = {(row[1], row[2], row[3]): row for row in rows[1:]}
        assert float(items[("headline", "usd", "value")][4]) == 5_576_000
        assert items[("development", "total", "mean")][5] == "usd"
        assert ("development", "staff: research & engineering", "p95") in items


# --- sanity warnings ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", catalog.model_names())
def test_no_warning_on_the_shipped_catalog(name):
    """Neither a sanity warning nor an engine one (a run length assumed, reported FLOPs far from 6·N·D): every
    shipped entry states what the engine would otherwise have to assume."""
    from fullcost import api, sanity

    doc = catalog.load_scenario(name)
    for v in [None, *doc.scenario.variants]:
        d = catalog.load_scenario(f"{name}@{v}" if v else name)
        est = api.run(d, 300, 0)
        assert est.ctx.warnings == [], (d.scenario.name, est.ctx.warnings)
    assert sanity.MFU_LOW < sanity.MFU_HIGH


@pytest.mark.parametrize(("old", "new", "needle"), [
    ("  tokens: 100B", "  tokens: 15", "model.tokens is 15"),
    ("  gpu_hours: 10K", "  gpu_hours: 200", "above the 60%"),
    ("  acquired: '2024-01-01'", "  acquired: '2016-01-01'", "older than its useful life"),
    ("  params_active: 1B\n  tokens: 100B\n", "  reported_flops: 1e23\n", "more than the chips could compute"),
])
def test_sanity_warnings(cli, write, old, new, needle):
    p = write(TOY.replace(old, new))
    r = cli("estimate", str(p), "-n", "200", "--format", "json")
    assert r.code == 0
    assert any(needle in w for w in r.json()["warnings"]), r.json()["warnings"]
    assert needle in r.err


def test_a_dashed_range_suggests_to(cli, write):
    r = cli("estimate", str(write(TOY.replace("  interconnect_share: 20%", "  interconnect_share: 15-25%"))))
    assert r.code == 2 and "did you mean '15% to 25%'" in r.err


# --- the command line ----------------------------------------------------------------------------------------------

def test_usage_errors_are_one_line(sh):
    _one_line(sh("estimate", "deepseek-v3", "--samples", "abc"), "--samples", "see `fullcost estimate --help`")
    _one_line(sh("estimate", "deepseek-v3", "--format", "xml"), "--format")
    _one_line(sh("estimat"), "No such command")
    _one_line(sh("estimate", "deepseek-v3", "--samples", "3M"), "2,000,000")


def test_samples_with_a_suffix_version_and_one_default(cli):
    r = cli("estimate", "llama-3.1-8b", "-n", "1K", "--format", "json")
    assert r.code == 0 and r.json()["samples"] == 1000
    r = cli("--version")
    assert r.code == 0 and r.out.strip() == f"fullcost {fullcost.__version__}"
    from fullcost import api
    from fullcost.cli.options import DEFAULT_SAMPLES

    assert api.DEFAULT_SAMPLES == DEFAULT_SAMPLES == 10_000
    assert cli("estimate", "llama-3.1-8b", "--format", "json").json()["samples"] == DEFAULT_SAMPLES
    assert cli("statements", "deepseek", "--format", "json", "--year", "2024").json()["samples"] == DEFAULT_SAMPLES


def test_the_terminal_answer_first(cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    r = cli("estimate", "deepseek-v3", "-n", "1000")
    assert r.code == 0
    lines = r.out.splitlines()
    assert lines[1].startswith("Claim: $5.576M") and lines[2].startswith("Answer: developing it cost")
    assert "Development cost by category" in r.out and "research & engineering staff: share of time" in r.out
    assert "staff: data annotation" not in r.out  # items only with --items
    assert "Reproduce: fullcost estimate deepseek-v3 --samples 1000 --seed 0" in r.out
    assert "staff: data annotation" in cli("estimate", "deepseek-v3", "-n", "1000", "--items").out


# --- scenario files ------------------------------------------------------------------------------------------------

def test_the_field_reference_is_up_to_date():
    from fullcost.reference import markdown

    assert (ROOT / "docs" / "scenario.md").read_text(encoding="utf-8") == markdown(), \
        "docs/scenario.md is stale: fullcost fields --format markdown > docs/scenario.md"


def test_the_schema_is_small_and_shares_the_quantity(cli):
    r = cli("schema")
    assert len(r.out) < 60_000
    schema = r.json()
    assert "Quantity" in schema["$defs"] and r.out.count('"#/$defs/Quantity"') > 50


@pytest.mark.parametrize("kind", ["--rented", "--owned"])
def test_new_writes_a_template_that_runs_without_warnings(cli, tmp_path, kind):
    p = tmp_path / "mine.yaml"
    r = cli("new", kind, str(p))
    assert r.code == 0, r.err
    text = p.read_text()
    assert "# Defaults that applied" in text and "defaults.useful_life_years" in text
    data_lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    assert len(data_lines) <= (12 if kind == "--rented" else 25)
    out = cli("estimate", str(p), "-n", "300", "--format", "json").json()
    assert not [w for w in out["warnings"] if "MFU" in w or "one by one" in w]
    assert cli("new", kind, str(p)).code == 2  # never overwrites without --force


def test_show_prints_a_scenario_that_loads_to_the_same_numbers(cli, tmp_path):
    r = cli("show", "deepseek-v3@essay")
    assert r.code == 0 and "source: v3-report" in r.out
    p = tmp_path / "shown.yaml"
    p.write_text(r.out)
    a = cli("estimate", str(p), "-n", "500", "--format", "json").json()
    b = cli("estimate", "deepseek-v3@essay", "-n", "500", "--format", "json").json()
    assert a == b
    r = cli("show", "deepseek-v3", "--inputs")
    assert r.code == 0 and "regions.china.staff.researcher_salary_usd" in r.out


def test_json_contracts_keep_their_fields(cli):
    out = cli("estimate", "deepseek-v3", "-n", "300", "--format", "json").json()
    for key in ("name", "samples", "seed", "headline", "final_run", "development", "lab_annual", "bridge", "coverage",
                "sensitivity", "warnings"):
        assert key in out
    assert json.loads(json.dumps(out)) == out


# --- the bad-input corpus cases of this feature (tests/corpus/whatif.yaml) -----------------------------------------

def _corpus() -> list[dict]:
    import yaml

    return yaml.safe_load((ROOT / "tests" / "corpus" / "whatif.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", _corpus(), ids=lambda c: c["name"])
def test_whatif_corpus(case, tmp_path):
    import re
    import subprocess
    import sys

    for name, text in (case.get("files") or {}).items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    args = [a.replace("{dir}", str(tmp_path)) for a in case["args"]]
    p = subprocess.run([sys.executable, "-m", "fullcost.cli", *args], capture_output=True, text=True, cwd=tmp_path,
                       timeout=30)
    assert p.returncode == case["exit"], (p.stdout[-500:], p.stderr[-2000:])
    assert "Traceback" not in p.stderr
    lines = [ln for ln in p.stderr.splitlines() if ln.strip()]
    if case["exit"] == 2:
        assert len(lines) == 1, p.stderr
        if case.get("stderr"):
            assert re.search(case["stderr"], lines[0]), lines[0]
    assert not re.search(r"\b(inf|nan|Infinity)\b", p.stdout)
