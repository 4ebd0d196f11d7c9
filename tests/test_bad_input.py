"""Bad input: one line naming the file, line and field; exit code 2; never a traceback."""

from __future__ import annotations

import pytest

from .conftest import TOY


def _one_clean_line(r, *needles):
    assert r.code == 2, (r.out, r.err)
    assert "Traceback" not in r.err and "Traceback" not in r.out
    lines = [ln for ln in r.err.splitlines() if ln.strip()]
    assert len(lines) == 1, r.err
    for n in needles:
        assert n in lines[0], (n, lines[0])
    assert r.out == ""
    return lines[0]


def test_missing_file(sh):
    _one_clean_line(sh("estimate", "nowhere/model.yaml"), "nowhere/model.yaml", "file not found")


def test_unknown_catalog_name_suggests(sh):
    _one_clean_line(sh("estimate", "depseek-v3"), "did you mean 'deepseek-v3'")
    r = sh("estimate", "deepseek-v4")  # another model: no suggestion (issue 11)
    _one_clean_line(r, "deepseek-v4", "fullcost models")
    assert "did you mean" not in r.err


def test_invalid_yaml_names_the_line(sh, write):
    p = write("name: x\nmodel:\n  tokens: [1, 2\nfinal_run: {}\n")
    _one_clean_line(sh("estimate", str(p)), str(p), "invalid YAML")


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "needle"),
    [
        ("  hardware: h100-sxm", "  hardware: h100-sx", 9, "final_run.hardware", "did you mean 'h100-sxm'"),
        ("  gpus: 64", "  gpus: -64", 10, "final_run.gpus", "must not be negative"),
        ("  gpu_hours: 10K", "  gpu_hours: 50 to 20", 11, "final_run.gpu_hours", "lower bound 50 is above"),
        ("  usd_per_gpu_hour: 2.5", "  usd_per_gpu_hour: -5 to 10", 12, "final_run.usd_per_gpu_hour",
         "must be positive"),
        ("  gpus: 64", "  gpu: 64", 10, "final_run.gpu", "unknown key 'gpu' (did you mean 'gpus'?)"),
        ("  gpu_hours: 10K", "  gpu_hours: 10K kg", 11, "final_run.gpu_hours", "unknown unit 'kg'"),
        ("  tokens: 100B", "  tokens: 100 days", 6, "model.tokens", "unexpected unit 'days'"),
        ("  precision: bf16", "  precision: fp4", 7, "model.precision", "fp4"),
        ("  interconnect_share: 20%", "  interconnect_share: 120%", 19, "ownership.interconnect_share",
         "cannot exceed 100%"),
        ("region: us", "region: mars", 3, "region", "unknown region 'mars'"),
        ("  usd_per_gpu_hour: 2.5", "  usd_per_gpu_hour: 0", 12, "final_run.usd_per_gpu_hour", "above zero"),
    ],
)
def test_bad_field_gives_file_line_field(sh, write, old, new, line, field, needle):
    assert old in TOY
    p = write(TOY.replace(old, new))
    msg = _one_clean_line(sh("estimate", str(p)), needle, field)
    assert msg.startswith(f"error: {p}:{line}: "), msg


def test_missing_required_section(cli, write):
    p = write(TOY.split("final_run:")[0])
    r = cli("estimate", str(p))
    assert r.code == 2
    assert "final_run: required but missing" in r.err


def test_hardware_without_the_training_precision(cli, write):
    p = write(TOY.replace("hardware: h100-sxm", "hardware: a100-80gb").replace("precision: bf16", "precision: fp8"))
    r = cli("estimate", str(p))
    assert r.code == 2
    assert "model.precision" in r.err and "no FP8" in r.err


def test_reference_to_an_unknown_input(cli, write):
    p = write(TOY.replace("  gpus: 64", "  gpus: {ref: cluster}"))
    r = cli("estimate", str(p))
    assert r.code == 2 and "names no entry of inputs" in r.err


def test_duplicate_key(cli, write):
    p = write(TOY.replace("  gpus: 64", "  gpus: 64\n  gpus: 65"))
    r = cli("estimate", str(p))
    assert r.code == 2 and "duplicate key 'gpus'" in r.err and ":11:" in r.err


def test_not_a_mapping(cli, write):
    r = cli("estimate", str(write("- a\n- b\n")))
    assert r.code == 2 and "must be a YAML mapping" in r.err


def test_an_impossible_unquoted_date(cli, write):
    r = cli("estimate", str(write(TOY.replace("released: '2024-06-01'", "released: 2024-02-30"))))
    assert r.code == 2 and ":2: released: cannot read '2024-02-30'" in r.err


@pytest.mark.parametrize("inputs", ["  a: {ref: b}\n  b: 64\n", "  a: {ref: a}\n", "  a: {ref: b}\n  b: {ref: a}\n"])
def test_an_input_referring_to_another_is_refused(cli, write, inputs):
    p = write("inputs:\n" + inputs + TOY.replace("  gpus: 64", "  gpus: {ref: a}"))
    r = cli("estimate", str(p))
    assert r.code == 2 and "inputs.a: an input cannot refer to another input" in r.err


def test_a_shared_input_of_another_kind_of_unit_is_refused(cli, write):
    p = write("inputs:\n  x: 2\n" + TOY.replace("  gpus: 64", "  gpus: {ref: x}").replace(
        "  server_power_ratio: 2", "  server_power_ratio: {ref: x}"))
    r = cli("estimate", str(p))
    assert r.code == 0  # both plain numbers: the same draws
    p = write("inputs:\n  x: 3 days\n" + TOY.replace("  gpu_hours: 10K", "  duration: {ref: x}").replace(
        "  purchase_usd_per_gpu: 30000", "  purchase_usd_per_gpu: {ref: x}"), "units.yaml")
    r = cli("estimate", str(p))
    assert r.code == 2 and "ownership.purchase_usd_per_gpu" in r.err and "expects US dollars" in r.err


def test_a_negative_seed_is_refused_before_anything_runs(cli):
    r = cli("estimate", "deepseek-v3", "--seed", "-1")
    assert r.code == 2 and "deepseek-v3.yaml" not in r.err


def test_a_folder_named_like_a_model_does_not_hide_the_catalog(cli, tmp_path, monkeypatch):
    (tmp_path / "deepseek-v3").mkdir()
    monkeypatch.chdir(tmp_path)
    r = cli("estimate", "deepseek-v3", "--format", "json", "-n", "200")
    assert r.code == 0 and r.json()["headline"]["usd"] == 5_576_000


def test_a_variant_of_a_file_in_a_folder_with_an_at_sign(cli, tmp_path):
    d = tmp_path / "a@b"
    d.mkdir()
    (d / "toy.yaml").write_text(TOY.lstrip() + "variants:\n  cheap:\n    final_run: {usd_per_gpu_hour: 1}\n")
    r = cli("estimate", f"{d / 'toy.yaml'}@cheap", "--format", "json", "-n", "10")
    assert r.code == 0 and r.json()["headline"]["usd"] == 10_000
    r = cli("estimate", f"{d / 'toy.yaml'}@dear")
    assert r.code == 2 and "no variant 'dear' (variants: cheap)" in r.err


def test_export_to_a_missing_folder_is_one_line_and_leaves_nothing(cli, tmp_path):
    out = tmp_path / "no-such-folder" / "lab.beancount"
    r = cli("export", "beancount", "deepseek", "-o", str(out), "-n", "50")
    assert r.code == 2 and "cannot write" in r.err and r.err.count("\n") == 1
    assert not out.parent.exists()
