"""Allocation: the fleet's rate, idle capacity by policy, cloud, staff; money conserved; the estimate's views;
and the same figures from DuckDB and Spark."""

from __future__ import annotations

import pytest

from fullcost.actuals import allocate as al
from fullcost.actuals import engine as eng
from fullcost.actuals import estimate, focus, importer, slurm, trackerfile
from fullcost.actuals import fleet as flt
from fullcost.actuals import rules as rl
from fullcost.actuals import staff as stf
from fullcost.errors import InputError
from tests.actuals.conftest import needs_focus_sample, write

FLEET = """
region: us
fleet:
  gpus:
    - {hardware: h100-sxm, count: 10, price_usd: 30000, price_basis: hgx}
  useful_life_years: 5
  interconnect_share: 0%
  pue: 1.2
  electricity_usd_per_kwh: 0.1
  facility_usd_per_kw_month: 100
period: {start: 2025-03-01, end: 2025-04-01}
idle: weighted
headline_usd_per_gpu_hour: 2.0
"""
RULES = """
rules:
  - match: {job_name: "a-final*"}
    model: a
    phase: final_run
  - match: {job_name: "a-*"}
    model: a
    phase: experiments
  - match: {account: team-b}
    model: b
    phase: experiments
  - match: {tags.project: a}
    model: a
    phase: experiments
"""
STAFF = """
staff:
  - who: alice
    usd_per_year: 120K
    share:
      2025-03: {a: 50%}
"""
# a: 20 h final run + 80 h experiments; b: 300 h (100 of them failed); 100 h unattributed; 1 running job
SACCT = """JobIDRaw|JobName|User|Account|Partition|Cluster|Submit|End|ElapsedRaw|State|AllocTRES
1|a-final-1|u|team-a|gpu|c|2025-03-02T00:00:00|2025-03-02T10:00:00|36000|COMPLETED|gres/gpu=2
2|a-ablate|u|team-a|gpu|c|2025-03-03T00:00:00|2025-03-03T10:00:00|36000|COMPLETED|gres/gpu=8
3|b-train|u|team-b|gpu|c|2025-03-04T00:00:00|2025-03-05T01:00:00|90000|COMPLETED|gres/gpu=8
4|b-train|u|team-b|gpu|c|2025-03-05T00:00:00|2025-03-06T00:00:00|36000|NODE_FAIL|gres/gpu:h100=10
5|misc|u|ops|gpu|c|2025-03-06T00:00:00|2025-03-06T10:00:00|36000|COMPLETED|gres/gpu=10
6|a-ablate|u|team-a|gpu|c|2025-03-07T00:00:00|Unknown|36000|RUNNING|gres/gpu=8
"""
BILLS = ("BilledCost,EffectiveCost,ChargeCategory,ChargePeriodStart,ChargePeriodEnd,ServiceCategory,Tags\n"
         '40,30,Usage,2025-03-01 00:00:00,2025-03-02 00:00:00,Compute,"{""project"": ""a""}"\n'
         "7,7,Usage,2025-03-01 00:00:00,2025-03-02 00:00:00,Storage,NULL\n")


def _setup(tmp_path, idle="weighted"):
    return al.Setup(rl.load(write(tmp_path, "rules.yaml", RULES)), flt.load(write(tmp_path, "fleet.yaml", FLEET)),
                   stf.load(write(tmp_path, "staff.yaml", STAFF)), idle)


def _fill(ledger, tmp_path):
    with eng.open_ledger(ledger) as led:
        importer.run(led, slurm.feed(led, write(tmp_path, "s.txt", SACCT)))
        importer.run(led, focus.feed(led, write(tmp_path, "b.csv", BILLS)))


def test_fleet_rate_per_gpu_hour(tmp_path):
    pool = flt.load(write(tmp_path, "fleet.yaml", FLEET)).pools[0]
    kw = 0.7 * 1.82  # H100 TDP x server power ratio (catalog)
    assert pool.gpus == 10
    assert pool.dep_per_hour == pytest.approx(30000 / (5 * 8766))
    assert pool.fac_per_hour == pytest.approx(kw * 100 * 12 / 8766)
    assert pool.energy_per_hour == pytest.approx(kw * 0.75 * 1.2 * 0.1)
    scen = flt.load("deepseek-v3")  # a lab scenario's fleet section
    assert scen.pools[0].gpus == pytest.approx(10000 + 2048 + 2224) and scen.pools[0].dep_per_hour > 0


@pytest.mark.parametrize("policy", ["weighted", "even", "none"])
def test_idle_capacity_by_policy_and_money_conserved(dledger, tmp_path, policy):
    _fill(dledger, tmp_path)
    setup = _setup(tmp_path, policy)
    pool = setup.fleet.pools[0]
    with eng.open_ledger(dledger) as led:
        alloc = al.allocate(led, setup)
    hours = {(m, p): round(h, 9) for (m, p), h in alloc.gpu_hours.items()}
    assert hours == {("a", "final_run"): 20.0, ("a", "experiments"): 80.0, ("b", "experiments"): 200.0,
                     ("b", "failed"): 100.0, ("unattributed", "other"): 100.0}
    cap, used = 10 * 31 * 24, 500.0
    assert (alloc.capacity_hours, alloc.used_hours, alloc.idle_hours) == (cap, used, cap - used)
    idle_usd = (cap - used) * pool.idle_rate
    idle = {m: sum(v for (mm, _, k), v in alloc.usd.items() if mm == m and k.startswith("idle"))
            for m in ("a", "b", "unattributed", "lab")}
    want = {"weighted": {"a": 0.2, "b": 0.6, "unattributed": 0.2, "lab": 0.0},
            "even": {"a": 1 / 3, "b": 1 / 3, "unattributed": 1 / 3, "lab": 0.0},
            "none": {"a": 0.0, "b": 0.0, "unattributed": 0.0, "lab": 1.0}}[policy]
    for m, f in want.items():
        assert idle[m] == pytest.approx(idle_usd * f), m
    # the fleet's whole cost over the month, the bills and the staff are all somewhere, once
    assert alloc.total() == pytest.approx(cap * pool.idle_rate + used * pool.energy_per_hour + 37.0 + 10_000.0)
    assert alloc.usd[("a", "experiments", "cloud")] == 30.0  # EffectiveCost, by tag
    assert alloc.usd[("unattributed", "other", "cloud")] == 7.0
    assert alloc.usd[("a", "other", "staff:alice:rnd")] == pytest.approx(5000.0)
    assert alloc.usd[("lab", "other", "staff:alice:rnd")] == pytest.approx(5000.0)
    assert alloc.usd[("a", "final_run", "depreciation")] == pytest.approx(20 * pool.dep_per_hour)


def test_estimate_view_of_actuals(dledger, tmp_path):
    _fill(dledger, tmp_path)
    s = _setup(tmp_path)
    est = estimate.run(dledger, "a", rules=s.rules.file, fleet=s.fleet.file, staff=s.staff.file)
    out = estimate.to_json(est)
    assert out["headline"]["gpu_hours"] == 20.0 and out["headline"]["usd"] == 40.0
    total = out["development"]["total_usd"]["mean"]
    assert sum(b["usd"] for b in out["bridge"]) == pytest.approx(total)
    assert {i["category"] for i in out["development"]["items"]} == {"hardware", "energy", "facility", "compute",
                                                                     "staff"}
    assert estimate.items_for(dledger, "a", rules=s.rules.file, fleet=s.fleet.file, staff=s.staff.file, samples=4)[
        0].usd.shape == (4,)
    with pytest.raises(InputError, match=r"no usage, bills or staff .* model 'zz' .*models: a, b, unattributed"):
        estimate.run(dledger, "zz", rules=s.rules.file, fleet=s.fleet.file)


def test_rules_matching_nothing(dledger, tmp_path):
    _fill(dledger, tmp_path)
    some = rl.loads(RULES + "  - match: {account: nobody}\n    model: z\n", "r.yaml")
    with eng.open_ledger(dledger) as led:
        alloc = al.allocate(led, al.Setup(some, None, None, "weighted"))
        warn = al.check_rules(alloc, some, focus.rule_hits(led, some))
        none = rl.loads("rules:\n  - match: {account: nobody}\n    model: z\n", "none.yaml")
        alloc2 = al.allocate(led, al.Setup(none, None, None, "weighted"))
        with pytest.raises(InputError) as e:
            al.check_rules(alloc2, none, focus.rule_hits(led, none))
    assert warn == ["r.yaml:15: rule 5 {account: nobody} matched nothing"]
    assert str(e.value).startswith("none.yaml:2: no rule matched any usage or bill")


@pytest.mark.parametrize("text,msg", [
    ("rules:\n  - match: {acount: x}\n    model: a\n", "r.yaml:2: rules[0].match.acount: unknown field 'acount' "
                                                        "(did you mean 'account'?)"),
    ("rules:\n  - match: {account: x}\n    model: a\n    phase: warmup\n", "r.yaml:4: rules[0].phase: unknown phase "
                                                                            "'warmup'"),
    ("rules:\n  - match: {account: x, tags.p: y}\n    model: a\n", "r.yaml:2: rules[0].match: these fields belong "
                                                                    "to different sources"),
    ("rules:\n  - model: a\n", "r.yaml:2: rules[0].match: give match"),
])
def test_rules_file_errors_name_the_line(text, msg):
    with pytest.raises(InputError) as e:
        rl.loads(text, "r.yaml")
    assert str(e.value).startswith(msg)


def test_globs_lists_and_first_match():
    import duckdb
    import ibis

    rules = rl.loads('rules:\n  - match: {job_name: ["x-?", "y_*"]}\n    model: m1\n'
                    '  - match: {job_name: "*"}\n    model: m2\n', "r.yaml")
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT * FROM (VALUES (1, 'x-1'), (2, 'x-12'), (3, 'y_z'), (4, 'yaz'), "
                "(5, NULL)) v(i, job_name)")
    t = ibis.table({"i": "int64", "job_name": "string"}, name="t")
    sql = ibis.to_sql(t.select("i", r=rl.rule_index(t, list(rules.rules))).order_by("i"), dialect="duckdb")
    assert [r[1] for r in con.execute(str(sql)).fetchall()] == [0, 1, 0, 1, -1]


def test_staff_file_errors(tmp_path):
    with pytest.raises(InputError, match=r"staff.yaml:5: .*alice's shares for 2025-03 add up to 120%"):
        stf.load(write(tmp_path, "staff.yaml", STAFF.replace("{a: 50%}", "{a: 50%, b: 70%}")))
    with pytest.raises(InputError, match=r"staff.yaml:5: .*expected a month like 2025-01"):
        stf.load(write(tmp_path, "staff.yaml", STAFF.replace("2025-03:", "March:")))


@pytest.mark.spark
@needs_focus_sample
def test_the_same_allocation_on_duckdb_and_spark(tmp_path, dump):
    """One ledger per engine, the same files: usage, bills and costs must be identical to the last bit."""
    from fullcost.actuals import usage

    f = dump(600, steps=True, bad_every=150, dup_every=70)
    tr = write(tmp_path, "t.jsonl", '{"id": "x1", "model": "v4", "phase": "final_run", "start": '
               '"2025-01-01T00:00:00Z", "end": "2025-01-01T01:00:00Z", "duration_s": 3600, "gpus": 8, '
               '"slurm_job_id": 1000002, "exit_code": 0}\n')
    setup_args = dict(rules=str(_data("rules.yaml")), fleet=str(_data("fleet.yaml")), staff=str(_data("staff.yaml")))
    results = []
    for kind in ("duckdb", "spark"):
        path = tmp_path / f"l-{kind}"
        eng.init(path, kind).close()
        with eng.open_ledger(path) as led:
            reports = [importer.run(led, slurm.feed(led, f)).to_json(),
                       importer.run(led, focus.feed(led, _sample())).to_json(),
                       importer.run(led, trackerfile.feed(led, tr)).to_json()]
            setup = al.resolve(led, **setup_args)
            alloc = al.allocate(led, setup)
            out = {
                "reports": [{k: v for k, v in r.items() if k != "file"} for r in reports],
                "usage": {by: usage.report(usage.collect(led, setup.rules, setup.fleet, by), by, setup.fleet)
                          for by in ("account", "model", "phase")},
                "bills": focus.bills(led, "model", setup.rules),
                "costs": al.summary(alloc),
            }
        results.append(out)
    duck, spark = results
    assert duck["usage"]["model"]["total"]["gpu_hours"] > 0 and duck["bills"]["total"]["billed_cost"] > 0
    assert duck == spark


def _data(name):
    from tests.actuals.conftest import DATA

    return DATA / name


def _sample():
    from tests.actuals.conftest import FOCUS_SAMPLE

    return FOCUS_SAMPLE
