"""The period a ledger's figures cover: stated under every table and in JSON, set with --from/--to, and a record
dated far from all the others named in a warning."""

from __future__ import annotations

import json

import pytest

from fullcost.actuals import allocate as al
from fullcost.actuals import engine as eng
from fullcost.actuals import importer, slurm, trackerfile
from fullcost.actuals import period as pd
from tests.actuals.conftest import DATA, write

HEAD = "JobIDRaw|Account|JobName|Cluster|Submit|End|ElapsedRaw|State|AllocTRES\n"


def _job(i: int, month: int, gpus: int = 8, name: str = "v4-pretrain") -> str:
    return (f"{i}|frontier|{name}|alpha|2025-{month:02d}-10T00:00:00|2025-{month:02d}-10T10:00:00|36000|COMPLETED|"
            f"gres/gpu={gpus}\n")


def _rec(rid: str, day: str) -> str:
    return json.dumps({"id": rid, "model": "v4", "phase": "experiments", "start": f"{day}T00:00:00Z",
                       "end": f"{day}T01:00:00Z", "duration_s": 3600, "gpus": 1}) + "\n"


@pytest.fixture
def lab(tmp_path, ledger):
    sacct = write(tmp_path, "sacct.txt", HEAD + "".join(_job(i, 1 + i % 3) for i in range(1, 31)))
    runs = write(tmp_path, "runs.jsonl", _rec("r1", "2025-02-01") + _rec("late-7", "2025-11-20"))
    with eng.open_ledger(ledger) as led:
        importer.run(led, slurm.feed(led, sacct))
        importer.run(led, trackerfile.feed(led, runs))
    return ledger, runs


def test_a_record_far_from_the_rest_is_named_and_from_to_sets_the_period(lab):
    ledger, runs = lab
    with eng.open_ledger(ledger, read_only=True) as led:
        whole = al.allocate(led, al.resolve(led, DATA / "rules.yaml", DATA / "fleet.yaml"))
        asked = al.allocate(led, al.resolve(led, DATA / "rules.yaml", DATA / "fleet.yaml",
                                            period=pd.from_options("2025-01", "2025-04-01")))
    far = [w for w in whole.warnings if "late-7" in w]
    assert len(far) == 1 and f"from {runs} is dated 2025-11-20" in far[0] and "2025-01 to 2025-03" in far[0]
    assert whole.period == {"from": "2025-01-10", "to": "2025-11-20", "basis": "the records' span"}
    assert whole.months[0] == 202501 and whole.months[-1] == 202511  # the late record stretched the fleet's period
    assert asked.period == {"from": "2025-01-01", "to": "2025-04-01", "basis": "given with --from/--to"}
    assert asked.months == [202501, 202502, 202503] and not [w for w in asked.warnings if "late-7" in w]
    # 90 days of the fleet's 1,024 GPUs instead of 324: the idle capacity charged to the models shrinks with it
    assert asked.capacity_hours == pytest.approx(90 * 24 * 1024)
    assert asked.capacity_hours < whole.capacity_hours / 3
    assert sum(h for (m, _), h in asked.gpu_hours.items()) == sum(h for (m, _), h in whole.gpu_hours.items()) - 1


def test_every_ledger_table_and_json_states_the_period(cli, lab):
    ledger, _ = lab
    for args in (["usage"], ["bills"], ["costs", "--fleet", str(DATA / "fleet.yaml")],
                 ["estimate", "--model", "v4", "--rules", str(DATA / "rules.yaml")]):
        text = cli("ledger", args[0], str(ledger), *args[1:])
        assert text.code == 0 and "Period: " in text.out, (args, text.out)
        j = cli("ledger", args[0], str(ledger), *args[1:], "--format", "json").json()
        assert set(j["period"]) == {"from", "to", "basis"}
        given = cli("ledger", args[0], str(ledger), *args[1:], "--from", "2025-02-01", "--to", "2025-03-01",
                    "--format", "json").json()
        assert given["period"] == {"from": "2025-02-01", "to": "2025-03-01", "basis": "given with --from/--to"}
    usage = cli("ledger", "usage", str(ledger), "--by", "month", "--from", "2025-02-01", "--to", "2025-03-01",
                "--format", "json").json()
    assert [r["key"] for r in usage["rows"]] == ["2025-02"]
    warned = cli("ledger", "usage", str(ledger))
    assert "warning: tracker record record late-7" in warned.err


@pytest.mark.parametrize("args,msg", [
    (["--from", "2025-13-01"], "--from: expected a date like 2025-01-01 (or a month, 2025-01), got '2025-13-01'"),
    (["--to", "1066-10-14"], "--to: expected a year from 1990 to 2099, got '1066-10-14'"),
    (["--from", "2025-03-01", "--to", "2025-02-01"], "--to: 2025-02-01 is not after --from 2025-03-01"),
])
def test_a_bad_period_is_one_line(cli, dledger, args, msg):
    r = cli("ledger", "usage", str(dledger), *args)
    assert r.code == 2 and r.err.strip() == f"error: {msg}"


def test_outlying_months_are_the_few_set_apart():
    assert pd.outlying_months({202501: 100, 202502: 90, 202503: 80, 202511: 1}) == [202511]
    assert pd.outlying_months({202401: 2, 202501: 100, 202502: 90, 202503: 80}) == [202401]
    assert pd.outlying_months({202501: 100, 202503: 90, 202505: 80}) == []  # one empty month is no gap
    assert pd.outlying_months({202501: 100, 202506: 90}) == []  # two months: nothing stands apart
    assert pd.outlying_months({202501: 1000, 202502: 900, 202509: 300}) == []  # many records: not an outlier
