"""The catalog's labs: they load and run, every number is sourced or reasoned, the template says it is one."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import numpy as np
import pytest

from fullcost import catalog, yamlio
from fullcost.books.draw import draw
from fullcost.books.lab import LABS, lab_names, load_lab
from fullcost.books.policy import Policy
from fullcost.books.post import TRAINING, post
from fullcost.books.statements import statements

STRUCTURAL = {"fullcost", "last_year", "year"}
NUMBERISH = re.compile(r"^\s*[-$]?\d")


def _unsourced(node: Any, path: str, ids: set[str]) -> list[str]:
    bad: list[str] = []
    if isinstance(node, dict):
        if "value" in node:
            ok = ("source" in node and "published" in node) or "why" in node
            if not ok:
                bad.append(f"{path}: a value without source+published or why")
            src = node.get("source")
            if src is not None and not (str(src).startswith("http") or src in ids):
                bad.append(f"{path}: unknown source '{src}'")
            return bad
        for k, v in node.items():
            if k in ("sources", "notes", "description", "title"):
                continue
            if k in STRUCTURAL:
                continue
            bad += _unsourced(v, f"{path}.{k}", ids)
        return bad
    if isinstance(node, list):
        for i, v in enumerate(node):
            bad += _unsourced(v, f"{path}[{i}]", ids)
        return bad
    if isinstance(node, bool) or node is None:
        return bad
    if isinstance(node, (int, float, dt.date)) or (isinstance(node, str) and NUMBERISH.match(node)):
        bad.append(f"{path}: {node!r} carries no source or why")
    return bad


@pytest.mark.parametrize("name", lab_names())
def test_every_number_in_a_catalog_lab_is_sourced_or_reasoned(name):
    data, _ = yamlio.load(LABS / f"{name}.yaml")
    ids = set(catalog.sources()) | set(data.get("sources", {}))
    for v in data.get("variants", {}).values():
        ids |= set(v.get("sources", {}))
    assert _unsourced(data, name, ids) == []


def test_the_checker_catches_an_unsourced_number():
    assert _unsourced({"fleet": {"utilization": "80%"}}, "x", set()) == [
        "x.fleet.utilization: '80%' carries no source or why"]
    assert _unsourced({"a": {"value": 3}}, "x", set())
    assert _unsourced({"a": {"value": 3, "source": "nowhere", "published": "3"}}, "x", set())


def test_catalog_has_deepseek_and_a_labelled_us_template():
    assert {"deepseek", "frontier-us"} <= set(lab_names())
    us = load_lab("frontier-us").lab
    assert us.illustrative and "ILLUSTRATIVE" in (us.title or "") and "ILLUSTRATIVE" in (us.description or "")
    ds = load_lab("deepseek").lab
    assert not ds.illustrative
    assert [r.name for r in ds.releases] == ["deepseek-v3", "deepseek-r1"]
    assert ds.releases[0].program == "deepseek-v3"  # the catalog model scenario
    assert "semianalysis" in ds.variants


@pytest.mark.parametrize("name", ["deepseek", "deepseek@semianalysis", "frontier-us"])
def test_catalog_labs_run_under_every_policy(name):
    run = draw(load_lab(name), 200, 0)
    for pol in (Policy("us-gaap"), Policy("ifrs"), Policy("us-gaap", "sum_of_years_digits", 4.0),
                Policy("ifrs", compute="rented")):
        j = post(run, pol)
        for ys in statements(j):
            assert np.allclose(ys.assets, ys.liabilities + ys.equity, rtol=1e-9, atol=1e-3)


def test_deepseek_development_dwarfs_its_headline_and_the_lab_loses_money():
    run = draw(load_lab("deepseek"), 400, 0)
    v3 = run.programs[0]
    assert v3.headline_usd == pytest.approx(5.576e6, rel=1e-3)
    assert np.mean(v3.development_usd) > 3 * v3.headline_usd
    j = post(run, Policy("us-gaap"))
    years = {ys.year: ys for ys in statements(j)}
    assert np.mean(years[2024].income["net_income"]) < 0
    # the owned fleet's depreciation dwarfs the electricity an EBITDA-minded lab would call the training run
    add = dict(years[2024].addbacks)
    assert TRAINING + "deepseek-v3" in add
    assert np.mean(add[TRAINING + "deepseek-v3"]) < 0.05 * np.mean(years[2024].income["depreciation_amortization"])


def test_semianalysis_fleet_costs_more_than_the_disclosed_floor():
    base = post(draw(load_lab("deepseek"), 100, 0), Policy())
    semi = post(draw(load_lab("deepseek@semianalysis"), 100, 0), Policy())
    assert np.mean(semi.balance("Assets:PPE", 2025)) > 3 * np.mean(base.balance("Assets:PPE", 2025))
