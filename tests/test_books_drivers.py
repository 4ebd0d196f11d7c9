"""The lab's run keeps every input it drew, under the path `--set` takes; `books.drivers` ranks what moves the last
year's adjusted EBITDA and net income."""

from __future__ import annotations

import numpy as np
import pytest

from fullcost import api
from fullcost.books.drivers import drivers, inputs, settable
from fullcost.books.statements import statements
from fullcost.errors import InputError

LABS = ("deepseek", "deepseek@semianalysis", "frontier-us")


def test_the_run_keeps_the_arrays_its_books_are_posted_from():
    b = api.books("deepseek", samples=500, seed=2)
    rec = b.run.inputs
    assert rec["fleet.utilization"][1] is b.run.utilization
    assert rec["tax.rate"][1] is b.run.tax_rate
    assert rec["fleet.purchases[1].count"][1] is b.run.assets[1].count
    assert rec["fleet.utilization"][0].text == "60% to 90%"
    assert all(a.shape == (500,) for _, a in rec.values())
    # the lab's own paths, its programs' (prefixed), the catalog's (shared with the programs)
    assert "regions.china.staff.researcher_salary_usd" in rec and "staff[0].headcount.2024" in rec
    assert "releases[1].program.final_run.gpus" in rec and "hardware.h800.tdp_w" in rec


@pytest.mark.parametrize("lab", LABS)
def test_every_settable_input_is_a_path_set_accepts(lab):
    b = api.books(lab, samples=200)
    ins = inputs(b.run)
    ok = [x for x in ins if x.settable]
    assert len(ok) > 50
    # all of them at once, each at its median: accepted, and each drawn as that single value
    b2 = api.books(lab, samples=200, set=[f"{x.name}={x.mid!r}" for x in ok])
    for x in ok:
        d, a = b2.run.inputs[x.name]
        assert d.is_point and d.params[0] == x.mid, x.name
        assert np.all(a == x.mid)


def test_a_catalog_programs_inputs_are_not_settable_from_the_lab():
    b = api.books("deepseek", samples=200)
    ins = inputs(b.run)
    no = [x for x in ins if not x.settable]
    assert no and all(x.name.startswith("releases[0].program.") for x in no)
    assert b.run.lab.releases[0].program == "deepseek-v3"
    for x in no[:5]:
        with pytest.raises(InputError):
            api.books("deepseek", samples=50, set=[f"{x.name}={x.mid!r}"])
    assert settable(b.run, "releases[1].program.final_run.gpus")  # an inline program
    assert not settable(b.run, "hardware.no-such-chip.tdp_w")


def test_the_tornados_are_the_statements_figures():
    b = api.books("frontier-us", samples=4000, seed=1)
    ds = drivers(b)
    last = statements(b.journal)[-1]
    assert [d.measure for d in ds] == ["adjusted_ebitda", "net_income"]
    assert {d.year for d in ds} == {2025}
    assert ds[0].usd["mean"] == pytest.approx(float(np.mean(last.adjusted_ebitda)), rel=1e-12)
    assert ds[1].usd["mean"] == pytest.approx(float(np.mean(last.income["net_income"])), rel=1e-12)
    for d in ds:
        assert d.rows and d.rows == sorted(d.rows, key=lambda r: -r["swing_usd"])
    # the largest cloud commitment moves both (depreciation does not touch adjusted EBITDA, it does net income)
    assert ds[0].rows[0]["input"] == "cloud[3].usd_per_year"
    names = {r["input"] for r in ds[1].rows}
    assert names - {r["input"] for r in ds[0].rows}, "net income has drivers adjusted EBITDA leaves out"
    assert drivers(b, 2023)[0].year == 2023
