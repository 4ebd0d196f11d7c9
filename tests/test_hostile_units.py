"""Hostile input the process-level corpus (tests/corpus) cannot reach: PyYAML without libyaml, files too large to
write into a corpus, the JSON guard, and the bounds of each quantity dimension."""

from __future__ import annotations

import math

import numpy as np
import pytest
import typer

from fullcost import quantity, yamlio
from fullcost.cli.app import emit_json
from fullcost.errors import InputError, nonfinite, printable
from fullcost.quantity import LIMITS, QuantityError, parse


@pytest.fixture
def pure_python_yaml(monkeypatch):
    """PyYAML's own parser, as on a machine where PyYAML was built without libyaml."""
    monkeypatch.setattr(yamlio, "_COMPOSER", yamlio._PyComposer)


@pytest.mark.parametrize("depth", [150, 999, 100_000])
def test_deep_nesting_without_libyaml_is_one_line_not_a_recursion_error(pure_python_yaml, depth):
    with pytest.raises(InputError, match=r"nested deeper than 100 levels"):
        yamlio.loads("a: " + "[" * depth + "]" * depth + "\n", "deep.yaml")


def test_an_alias_bomb_without_libyaml_is_refused(pure_python_yaml):
    laughs = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    laughs += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    with pytest.raises(InputError, match=r"aliases expand to more than 100,000 values"):
        yamlio.loads("\n".join(laughs), "bomb.yaml")


def test_plain_yaml_reads_the_same_with_and_without_libyaml(monkeypatch):
    text = "a: &x [1, 2.5, '3', 2024-06-01, true, null]\nb: *x\nc: {d: e}\n"
    fast = yamlio.loads(text)
    monkeypatch.setattr(yamlio, "_COMPOSER", yamlio._PyComposer)
    assert yamlio.loads(text) == fast


def test_a_file_larger_than_any_catalog_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(yamlio, "MAX_BYTES", 1000)
    p = tmp_path / "big.yaml"
    p.write_text("a: " + "x" * 2000 + "\n")
    with pytest.raises(InputError, match=r"big\.yaml: 2,004 bytes: larger than a YAML file can be"):
        yamlio.load(p)
    with pytest.raises(InputError, match=r"larger than any scenario or catalog file"):
        yamlio.loads("a: " + "x" * 2000)


def test_too_many_values_are_refused(monkeypatch):
    monkeypatch.setattr(yamlio, "MAX_VALUES", 50)
    with pytest.raises(InputError, match=r"more than 50 values"):
        yamlio.loads("[" + ",".join(["1"] * 60) + "]")


def test_emit_json_refuses_a_non_finite_number_with_one_line(capsys):
    with pytest.raises(typer.Exit) as e:
        emit_json({"a": [1.0, {"b": math.inf}]})
    assert e.value.exit_code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "error: the result holds a non-finite number at a[1].b: an input is out of range\n"
    emit_json({"a": 1.5})
    assert capsys.readouterr().out == '{\n  "a": 1.5\n}\n'


def test_nonfinite_finds_numpy_floats_and_nan():
    assert nonfinite({"x": [np.float64(1.0), np.float64("nan")]}) == "x[1]"
    assert nonfinite(float("-inf")) == "the top level"
    assert nonfinite({"x": "inf", "y": [1, 2]}) is None


def test_an_error_is_one_line_whatever_the_file_carried():
    e = InputError("cannot read '1\r\n2\u202e\t'", "a\nb.yaml", 3, ("x\ny",))
    assert str(e) == "a\\nb.yaml:3: x\\ny: cannot read '1\\r\\n2\\u202e\\t'"
    assert printable("plain – text ×") == "plain – text ×"


@pytest.mark.parametrize("dim", sorted(LIMITS))
def test_every_dimension_refuses_values_past_its_stated_bound(dim):
    over = LIMITS[dim] * 10 if dim != "fraction" else 1.5
    with pytest.raises(QuantityError):
        parse(over, dim)
    with pytest.raises(QuantityError):
        parse(10**400, dim)
    with pytest.raises(QuantityError, match="finite"):
        parse(math.inf, dim)
    with pytest.raises(QuantityError, match="too close to zero"):
        parse(1e-300, dim)
    assert parse(LIMITS[dim], dim).params == (LIMITS[dim],)
    assert parse(0, dim).params == (0.0,)


def test_a_share_near_one_never_draws_exactly_one():
    d = parse("1% to 99.9999%", "fraction")
    x = d.sample(np.random.default_rng(1), 200_000)
    assert x.max() < 1.0 and x.min() > 0.0


def test_a_normal_share_is_kept_within_0_and_100_percent():
    d = parse({"normal": [0.5, 0.3]}, "fraction")
    x = d.sample(np.random.default_rng(1), 100_000)
    assert x.min() >= 0.0 and x.max() <= 1.0
    with pytest.raises(QuantityError, match="above 100%"):
        parse({"normal": [0.9, 0.2]}, "fraction")


def test_an_interval_may_span_six_orders_of_magnitude_not_more():
    assert parse("1 to 1M", "hours").kind == "lognormal"
    with pytest.raises(QuantityError, match="spans 7 orders of magnitude"):
        parse("1 to 10M", "hours")
    with pytest.raises(QuantityError, match="spans"):
        parse({"lognormal": [1, 1e9]}, "usd")


def test_a_quantity_text_is_capped_before_any_pattern_runs():
    with pytest.raises(QuantityError, match=r"a quantity of 100,001 characters \(at most 200\)"):
        parse("1" + " " * 100_000, "hours")
    assert quantity.MAX_TEXT == 200
