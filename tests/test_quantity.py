"""Uncertain inputs: parsing, units, distributions, and sampling each named input once."""

import math
import re

import numpy as np
import pytest

from fullcost.quantity import Dist, QuantityError, Sampler, parse


@pytest.mark.parametrize(
    ("text", "dim", "value"),
    [
        (2048, "count", 2048.0),
        ("14.8T", "count", 14.8e12),
        ("2,788K", "hours", 2_788_000.0),
        ("$2", "usd_per_hour", 2.0),
        ("2 $/h", "usd_per_hour", 2.0),
        ("$5.576M", "usd", 5_576_000.0),
        ("54 days", "hours", 54 * 24.0),
        ("3 months", "years", 0.25),
        ("0.7 kW", "watts", 700.0),
        ("21.6 GWh", "kwh", 21.6e6),
        ("37.5%", "fraction", 0.375),
        ("3.8e25", "flop", 3.8e25),
        ("671B", "count", 671e9),
    ],
)
def test_point_values_with_suffixes_and_units(text, dim, value):
    d = parse(text, dim)
    assert d.kind == "point"
    assert d.central() == pytest.approx(value, rel=1e-12)


def test_interval_is_lognormal_with_the_given_5th_and_95th_percentiles():
    d = parse("20K to 50K", "count")
    assert d.kind == "lognormal"
    x = Sampler(400_000, 1).draw("x", d)
    p5, p95 = np.percentile(x, [5, 95])
    assert p5 == pytest.approx(20_000, rel=0.01)
    assert p95 == pytest.approx(50_000, rel=0.01)
    assert d.central() == pytest.approx(math.sqrt(20_000 * 50_000))


def test_unit_on_the_upper_bound_applies_to_both():
    d = parse("1 to 2 months", "days")
    assert math.exp(d.params[0]) == pytest.approx(math.sqrt(30.4375 * 60.875))


def test_percent_interval():
    d = parse("5% to 20%", "fraction")
    x = Sampler(200_000, 3).draw("s", d)
    assert np.percentile(x, 5) == pytest.approx(0.05, rel=0.02)
    assert np.percentile(x, 95) == pytest.approx(0.20, rel=0.02)
    assert x.max() < 1


@pytest.mark.parametrize(
    ("spec", "dim", "needle"),
    [
        ("50 to 20", "count", "lower bound 50 is above the upper bound 20"),
        ("-5 to 10", "usd_per_hour", "must be positive"),
        (-4, "count", "must not be negative"),
        ("54 kg", "hours", "unknown unit 'kg'"),
        ("54 days", "count", "unexpected unit 'days'"),
        ("$3", "count", "a dollar amount"),
        ("150%", "fraction", "cannot exceed 100%"),
        ("lots", "count", "cannot read 'lots'"),
        ({"normal": [1, 5]}, "usd", "below zero"),
        ({"pert": [3, 1, 2]}, "number", "min <= mode <= max"),
        ({"lognormal": [0, 2]}, "number", "positive"),
        ({"uniform": [3, 1]}, "number", "above the upper"),
        ({"gamma": [1, 2]}, "number", "unknown distribution 'gamma'"),
        ({"choice": {4: 0}}, "years", "weights must be positive"),
    ],
)
def test_bad_quantities_say_what_was_expected(spec, dim, needle):
    with pytest.raises(QuantityError, match=None) as e:
        parse(spec, dim)
    assert needle in str(e.value)


def test_signed_interval_spanning_zero_is_normal():
    d = parse("-5 to 10", "signed")
    assert d.kind == "normal"
    assert d.params[0] == pytest.approx(2.5)


def test_explicit_forms():
    n = 200_000
    s = Sampler(n, 7)
    normal = s.draw("n", parse({"normal": [100, 10]}, "usd"))
    assert normal.mean() == pytest.approx(100, rel=0.01)
    assert normal.std() == pytest.approx(10, rel=0.02)
    uni = s.draw("u", parse({"uniform": ["1K", "2K"]}, "usd"))
    assert uni.min() >= 1000 and uni.max() <= 2000
    pert = s.draw("p", parse({"pert": [1, 2, 6]}, "number"))
    assert pert.mean() == pytest.approx((1 + 4 * 2 + 6) / 6, rel=0.01)
    ch = s.draw("c", parse({"choice": {4: 1, 5: 1, "6": 2}}, "years"))
    assert set(np.unique(ch)) == {4.0, 5.0, 6.0}
    assert (ch == 6).mean() == pytest.approx(0.5, abs=0.01)
    logn = s.draw("l", parse({"lognormal": [1, 100]}, "number"))
    assert np.percentile(logn, 50) == pytest.approx(10, rel=0.02)


def test_sourced_value_keeps_its_provenance():
    d = parse({"value": "2664K", "source": "v3-report", "published": "2664K"}, "hours")
    assert d.central() == 2_664_000
    assert d.source == "v3-report" and d.published == "2664K"


def test_named_input_is_sampled_once_so_x_minus_x_is_exactly_zero():
    s = Sampler(10_000, 42)
    d = parse("1 to 10", "number")
    a = s.draw("x", d)
    b = s.draw("x", d)
    assert a is b
    assert np.all(a - b == 0.0)


def test_same_name_with_a_different_value_is_refused():
    s = Sampler(10, 0)
    s.draw("x", parse("1 to 10"))
    with pytest.raises(ValueError, match="defined twice"):
        s.draw("x", parse("2 to 10"))


def test_same_seed_same_numbers_and_order_does_not_matter():
    d1, d2 = parse("1 to 10"), parse("5 to 6")
    s1, s2 = Sampler(1000, 9), Sampler(1000, 9)
    a1, b1 = s1.draw("a", d1), s1.draw("b", d2)
    b2, a2 = s2.draw("b", d2), s2.draw("a", d1)
    assert np.array_equal(a1, a2) and np.array_equal(b1, b2)
    s3 = Sampler(1000, 10)
    assert not np.array_equal(a1, s3.draw("a", d1))


def test_point_samples_are_constant_and_read_only():
    x = Sampler(5, 0).draw("p", Dist("point", (3.0,)))
    assert list(x) == [3.0] * 5
    with pytest.raises(ValueError):
        x[0] = 1.0


def test_a_shared_input_referenced_by_two_fields_is_one_array():
    from fullcost import estimation
    from fullcost.scenario import loads

    from .conftest import TOY

    text = "inputs:\n  cluster: 32 to 128\n" + TOY.replace("  gpus: 64", "  gpus: {ref: cluster}") + (
        "fleet:\n  gpus:\n    - {hardware: h100-sxm, count: {ref: cluster}, price_usd: 30000}\n"
        "  utilization: 50%\n")
    est = estimation.run(loads(text, "shared.yaml"), 5000, 3)
    cluster = est.ctx.sampler.get("inputs.cluster")
    assert np.array_equal(est.final.gpus, cluster)
    assert est.iceberg.fleet is not None
    assert np.all(est.iceberg.fleet.groups[0].count - est.final.gpus == 0.0)
    assert cluster.std() > 0


def test_a_shared_duration_used_in_hours_and_in_years_is_one_draw():
    from fullcost import estimation
    from fullcost.scenario import loads

    from .conftest import TOY

    text = "inputs:\n  span: 1 to 3 months\n" + TOY.replace("  gpu_hours: 10K", "  duration: {ref: span}") + (
        "staff:\n  duration: {ref: span}\n  roles:\n    - {role: r, headcount: 1, salary_usd: 100K, overhead: 1,"
        " equity_usd: 0}\n")
    est = estimation.run(loads(text, "span.yaml"), 2000, 5)
    span_hours = est.ctx.sampler.get("inputs.span")
    assert np.allclose(est.final.gpu_hours, span_hours * 64)
    staff = next(it for it in est.iceberg.development if it.category == "staff")
    assert np.allclose(staff.usd, 100e3 * span_hours / 8766)


@pytest.mark.parametrize(("text", "dim", "value"), [
    ("800W", "watts", 800.0), ("10kW", "watts", 10_000.0), ("54days", "days", 54.0), ("2.5h", "hours", 2.5),
    ("1e3W", "watts", 1000.0), ("3weeks", "days", 21.0),
])
def test_a_unit_written_against_its_number_reads_as_with_a_space(text, dim, value):
    from fullcost.quantity import _number

    assert _number(text, dim) == (value, True)
    spaced = text[: len(text) - len(text.lstrip("0123456789.e"))] + " " + text.lstrip("0123456789.e")
    assert _number(spaced, dim) == (value, True)


@pytest.mark.parametrize(("text", "dim", "said"), [
    ("14.8Tokens", "count", "unexpected unit 'Tokens'"),  # not 14.8 trillion, nor a unit '.8Tokens'
    ("5days", "watts", "unknown unit 'days' for a power"),
    ("800Wx", "watts", "unknown unit 'Wx'"),
])
def test_a_glued_word_that_is_not_a_unit_of_the_quantity_is_refused_by_name(text, dim, said):
    from fullcost.quantity import QuantityError, _number

    with pytest.raises(QuantityError, match=re.escape(said)):
        _number(text, dim)
