"""Measured GPU energy: tracker records (NVML) and CodeCarbon runs price their energy from the measurement,
everything else from the model; splits, totals, and the same figures from DuckDB and Spark."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from fullcost.actuals import allocate as al
from fullcost.actuals import codecarbon, focus, importer, slurm, trackerfile, usage
from fullcost.actuals import engine as eng
from fullcost.actuals import fleet as flt
from fullcost.actuals import rules as rl
from fullcost.actuals import staff as stf
from tests.actuals.conftest import write
from tests.actuals.test_sources import V2, _v2

# the fleet file's values, and the catalog's H100 (TDP 0.7 kW, server power ratio 1.82, average draw 0.75)
PUE, PRICE, TDP_KW, RATIO, DRAW = 1.2, 0.1, 0.7, 1.82, 0.75
PER_HOUR = TDP_KW * RATIO * DRAW * PUE * PRICE  # modelled energy of a used GPU-hour
PER_KWH = RATIO * PUE * PRICE  # the facility's energy for a measured GPU-kWh
FLEET = f"""
region: us
fleet:
  gpus:
    - {{hardware: h100-sxm, count: 10, price_usd: 30000, price_basis: hgx}}
  useful_life_years: 5
  interconnect_share: 0%
  pue: {PUE}
  electricity_usd_per_kwh: {PRICE}
  facility_usd_per_kw_month: 100
period: {{start: 2025-03-01, end: 2025-04-01}}
"""
RULES = """
rules:
  - match: {project_name: "cc-*"}
    model: c
    phase: experiments
"""
STAFF = """
staff:
  - who: alice
    usd_per_year: 120K
    share:
      2025-03: {v4: 50%}
"""
BILLS = ("BilledCost,EffectiveCost,ChargeCategory,ChargePeriodStart,ChargePeriodEnd,ServiceCategory,Tags\n"
         "40,30,Usage,2025-03-01 00:00:00,2025-03-02 00:00:00,Compute,NULL\n")
SACCT = """JobIDRaw|JobName|User|Account|Partition|Cluster|Submit|End|ElapsedRaw|State|AllocTRES
500|train|u|acct|gpu|c|2025-03-02T00:00:00|2025-03-02T02:00:00|7200|COMPLETED|gres/gpu=4
501|train|u|acct|gpu|c|2025-03-03T00:00:00|2025-03-03T02:00:00|7200|COMPLETED|gres/gpu=4
600|half|u|acct|gpu|c|2025-03-04T00:00:00|2025-03-04T02:00:00|7200|COMPLETED|gres/gpu=4
700|ranks|u|acct|gpu|c|2025-03-05T00:00:00|2025-03-05T01:00:00|3600|COMPLETED|gres/gpu=2
800|plain|u|acct|gpu|c|2025-03-06T00:00:00|2025-03-06T01:00:00|3600|COMPLETED|gres/gpu=8
"""


def _rec(rid, model, phase, gpus, seconds, kwh, job=None):
    return json.dumps({"id": rid, "model": model, "phase": phase, "start": "2025-03-10T00:00:00+00:00",
                       "end": "2025-03-10T02:00:00+00:00", "duration_s": seconds, "gpus": gpus,
                       "gpu_energy_kwh": kwh, "slurm_job_id": job, "exit_code": 0})


RECORDS = [
    _rec("m1", "v4", "final_run", 4, 7200, 5.0, 500),  # job 500 all measured: 8 GPU-h, 5 kWh
    _rec("u1", "w", "final_run", 4, 7200, None, 501),  # job 501 the same, no NVML: modelled
    _rec("h1", "h", "experiments", 4, 1800, 1.2, 600),  # job 600: 2 GPU-h measured,
    _rec("h2", "h", "experiments", 4, 1800, None, 600),  # 2 GPU-h unmeasured, 4 GPU-h left to the rules
    _rec("o1", "o", "final_run", 2, 3600, 0.8, 700),  # job 700: two ranks each recording both GPUs:
    _rec("o2", "o", "final_run", 2, 3600, 0.8, 700),  # twice the job's GPU-time and energy, halved
    _rec("s1", "s", "experiments", 1, 3600, 0.5),  # outside Slurm: its own GPU-hour, measured
]
CODECARBON = (V2 + _v2("2025-03-11T10:00:00", "cc-a", "r1", 1800, 4, "1.0")  # a flush of run r1
              + _v2("2025-03-11T10:30:00", "cc-a", "r1", 3600, 4, "2.5")  # its last row: 4 GPU-h, 2.5 kWh
              + _v2("2025-03-11T12:00:00", "cc-b", "r2", 3600, 2, "0")  # no GPU energy seen: modelled
              + _v2("2025-03-06T01:00:00", "800", "r3", 3600, 8, "9.0"))  # inside job 800: the job counts it

# (model, phase) -> (GPU-hours, measured GPU-hours, measured GPU-kWh)
WANT = {("v4", "final_run"): (8, 8, 5.0), ("w", "final_run"): (8, 0, 0.0), ("h", "experiments"): (4, 2, 1.2),
        ("unattributed", "other"): (4 + 8, 0, 0.0), ("o", "final_run"): (2, 2, 0.8),
        ("s", "experiments"): (1, 1, 0.5), ("c", "experiments"): (4 + 2, 4, 2.5)}


def _fill(path, tmp_path, *, bills=False):
    with eng.open_ledger(path) as led:
        importer.run(led, slurm.feed(led, write(tmp_path, "s.txt", SACCT)))
        r = importer.run(led, trackerfile.feed(led, write(tmp_path, "t.jsonl", "\n".join(RECORDS) + "\n")))
        assert r.inserted == len(RECORDS) and not r.rejects
        assert importer.run(led, codecarbon.feed(led, write(tmp_path, "cc.csv", CODECARBON))).inserted == 4
        if bills:
            importer.run(led, focus.feed(led, write(tmp_path, "b.csv", BILLS)))


def _setup(tmp_path, staff=False):
    return al.Setup(rl.load(write(tmp_path, "rules.yaml", RULES)), flt.load(write(tmp_path, "fleet.yaml", FLEET)),
                   stf.load(write(tmp_path, "staff.yaml", STAFF)) if staff else None, "weighted")


def test_pool_prices_a_measured_gpu_kwh(tmp_path):
    pool = flt.load(write(tmp_path, "fleet.yaml", FLEET)).pools[0]
    assert pool.energy_per_hour == pytest.approx(PER_HOUR, rel=1e-12)
    assert pool.energy_per_gpu_kwh == pytest.approx(PER_KWH, rel=1e-12)
    # a mixed fleet: each group's factor weighted by its GPUs (its own server power ratio; PUE and price shared)
    mixed = flt.load(write(tmp_path, "mixed.yaml", FLEET.replace(
        "  useful_life_years", "    - {hardware: a100-80gb, count: 30, price_usd: 15000}\n  useful_life_years")))
    a100 = mixed.pools[0]
    from fullcost import catalog

    r_a100 = catalog.chip("a100-80gb").server_power_ratio.central()
    assert a100.energy_per_gpu_kwh == pytest.approx((10 * RATIO + 30 * r_a100) / 40 * PUE * PRICE, rel=1e-12)


def test_measured_rows_carry_exact_energy_and_gpu_time(ledger, tmp_path):
    _fill(ledger, tmp_path)
    setup = _setup(tmp_path)
    with eng.open_ledger(ledger) as led:
        rows = usage.collect(led, setup.rules, setup.fleet)
    got: dict[tuple[str, str], list[Decimal]] = {}
    for r in rows:
        g = got.setdefault((r.model, r.phase), [Decimal(0)] * 3)
        g[0] += r.gpu_s
        g[1] += r.measured_s
        g[2] += r.gpu_kwh
        assert isinstance(r.gpu_kwh, Decimal) and isinstance(r.measured_s, Decimal) and r.measured_s <= r.gpu_s
    assert got == {k: [Decimal(h * 3600), Decimal(m * 3600), Decimal(str(kwh))] for k, (h, m, kwh) in WANT.items()}
    by_source = {}
    for r in rows:
        by_source[r.source] = by_source.get(r.source, Decimal(0)) + r.gpu_kwh
    assert by_source == {"slurm": Decimal("7.0"), "tracker": Decimal("0.5"), "codecarbon": Decimal("2.5")}


def test_energy_priced_from_measurement_where_there_is_one(ledger, tmp_path):
    _fill(ledger, tmp_path)
    setup = _setup(tmp_path)
    with eng.open_ledger(ledger) as led:
        alloc = al.allocate(led, setup)
    for (m, ph), (h, mh, kwh) in WANT.items():
        energy = alloc.usd[(m, ph, "energy")]
        assert energy == pytest.approx((h - mh) * PER_HOUR + kwh * PER_KWH, rel=1e-12), (m, ph)
        pool = setup.fleet.pools[0]
        assert alloc.usd[(m, ph, "depreciation")] == pytest.approx(h * pool.dep_per_hour, rel=1e-12)
    # the job priced from NVML, and the same job without it: 5 kWh x 1.82 x 1.2 x $0.1 against the model's 8 h
    assert alloc.usd[("v4", "final_run", "energy")] == pytest.approx(5.0 * 0.2184, rel=1e-12)
    assert alloc.usd[("w", "final_run", "energy")] == pytest.approx(8 * 0.7 * 1.82 * 0.75 * 1.2 * 0.1, rel=1e-12)
    assert (alloc.measured_hours, alloc.modelled_hours) == pytest.approx((17.0, 24.0), rel=1e-12)
    assert alloc.measured_kwh == pytest.approx(10.0, rel=1e-12)
    s = al.summary(alloc)
    assert s["fleet"]["energy"] == {"measured_gpu_hours": alloc.measured_hours, "measured_gpu_kwh": alloc.measured_kwh,
                                    "modelled_gpu_hours": alloc.modelled_hours}
    assert al.energy_line(alloc) == ("energy: 17 GPU-hours priced from measured GPU energy (10.0 kWh at the GPUs), "
                                     "24 GPU-hours from the model")
    detail = {i.name: i.detail for i in al.items(alloc, "h")}
    assert detail["experiments: owned GPUs, energy"] == (
        "2 GPU-hours x the pool's modelled energy per hour + 1.2 GPU-kWh measured on 2 GPU-hours x server power "
        "ratio x PUE x electricity price")


def test_totals_add_up_to_fleet_bills_and_staff(ledger, tmp_path):
    _fill(ledger, tmp_path, bills=True)
    setup = _setup(tmp_path, staff=True)
    pool = setup.fleet.pools[0]
    with eng.open_ledger(ledger) as led:
        alloc = al.allocate(led, setup)
        rep = usage.report(usage.collect(led, setup.rules, setup.fleet, "model"), "model", setup.fleet)
    cap = 10 * 31 * 24
    assert (alloc.capacity_hours, alloc.used_hours) == (cap, 41.0)
    fleet = cap * pool.idle_rate + 24 * PER_HOUR + 10.0 * PER_KWH
    assert alloc.fleet_usd == pytest.approx(fleet, rel=1e-12)
    assert alloc.total() == pytest.approx(fleet + 30.0 + 10_000.0, rel=1e-12)
    energy = sum(v for (_, _, k), v in alloc.usd.items() if k == "energy")
    assert energy == pytest.approx(24 * PER_HOUR + 10.0 * PER_KWH, rel=1e-12)
    # `ledger usage` prices used hours the same way: depreciation and facility per hour, energy as measured
    used = {r["key"]: r["usd"] for r in rep["rows"]}
    assert used["v4"] == pytest.approx(8 * pool.idle_rate + 5.0 * PER_KWH, rel=1e-12)
    assert used["w"] == pytest.approx(8 * pool.used_rate, rel=1e-12)


def test_without_any_measurement_nothing_changes(ledger, tmp_path):
    """Only sacct: the plain query, every hour modelled, fleet cost as before."""
    with eng.open_ledger(ledger) as led:
        importer.run(led, slurm.feed(led, write(tmp_path, "s.txt", SACCT)))
    setup = _setup(tmp_path)
    pool = setup.fleet.pools[0]
    with eng.open_ledger(ledger) as led:
        rows = usage.collect(led, setup.rules, setup.fleet)
        alloc = al.allocate(led, setup)
    assert all(r.gpu_kwh == 0 and r.measured_s == 0 for r in rows)
    assert (alloc.measured_hours, alloc.measured_kwh, alloc.modelled_hours) == (0.0, 0.0, 34.0)
    assert alloc.fleet_usd == 10 * 31 * 24 * pool.idle_rate + 34.0 * pool.energy_per_hour
    assert alloc.usd[("unattributed", "other", "energy")] == pytest.approx(34 * PER_HOUR, rel=1e-12)


@pytest.mark.spark
def test_the_same_measured_energy_on_duckdb_and_spark(tmp_path):
    results = []
    for kind in ("duckdb", "spark"):
        path = tmp_path / f"l-{kind}"
        eng.init(path, kind).close()
        _fill(path, tmp_path, bills=True)
        setup = _setup(tmp_path, staff=True)
        with eng.open_ledger(path) as led:
            results.append({"rows": {by: usage.collect(led, setup.rules, setup.fleet, by)
                                     for by in (None, "account", "cluster")},
                            "costs": al.summary(al.allocate(led, setup))})
    duck, spark = results
    assert duck["costs"]["fleet"]["energy"]["measured_gpu_kwh"] == pytest.approx(10.0)
    assert duck == spark
