"""The ledger's views in every format: CSV cells never become formulas, table labels print literally, and the
CSV, JSON and table views give the same figures and the same period."""

from __future__ import annotations

import csv
import io

import pytest

from tests.actuals.conftest import write

NAMES = ['=HYPERLINK("http://x.example","y")', "+1", "-2", "@SUM(A1)", "\tlead", "research [senior]", "[/]",
         "[bold]b[/bold]", "plain"]
HEAD = "JobIDRaw|Account|JobName|Submit|Start|End|ElapsedRaw|State|AllocTRES\n"


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def lab(cli, tmp_path):
    """A ledger whose accounts, services and models are text a spreadsheet or a terminal would misread."""
    rows = "".join(f"{i + 1}|{n}|job{i}|2025-03-0{i % 9 + 1}T00:00:00|2025-03-0{i % 9 + 1}T00:00:00|"
                   f"2025-03-0{i % 9 + 1}T0{i % 5 + 1}:00:00|{3600 * (i % 5 + 1)}|COMPLETED|gres/gpu={i + 1}\n"
                   for i, n in enumerate(NAMES))
    sacct = write(tmp_path, "sacct.txt", HEAD + rows)
    bills = write(tmp_path, "bills.csv", "BilledCost,EffectiveCost,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,"
                  "ServiceName\n" + "".join(f'{i + 1},{i + 0.5},2025-03-01,2025-03-02,Usage,"{n}"\n'
                                            for i, n in enumerate(NAMES) if '"' not in n))
    rules = write(tmp_path, "rules.yaml", "rules:\n" + "".join(
        f"  - match: {{account: {n!r}}}\n    model: {('=' + n)!r}\n" for n in NAMES if "'" not in n and "\t" not in n))
    led = tmp_path / "lab.duckdb"
    assert cli("ledger", "init", str(led)).code == 0
    assert cli("ingest", "slurm", str(sacct), "--ledger", str(led)).code == 0
    assert cli("ingest", "focus", str(bills), "--ledger", str(led)).code == 0
    assert cli("ledger", "config", str(led), "--rules", str(rules)).code == 0
    return led


def _text_as_written(cell: str) -> str:
    """What a CSV cell holds once a spreadsheet has shown the quote that keeps a formula as text."""
    return cell[1:] if cell.startswith("'") else cell


def test_usage_as_csv_is_the_json_with_every_name_as_text(cli, lab):
    j = cli("ledger", "usage", str(lab), "--by", "account", "--format", "json").json()
    r = cli("ledger", "usage", str(lab), "--by", "account", "--format", "csv")
    assert r.code == 0
    rows = _csv(r.out)
    assert list(rows[0]) == ["account", "gpu_hours", "usd", "period_from", "period_to"]
    assert len(rows) == len(j["rows"]) == len(NAMES)  # no total row: a spreadsheet would count it twice
    for c, x in zip(rows, j["rows"], strict=True):
        assert not c["account"].startswith(("=", "+", "-", "@", "\t", "\r")), c["account"]
        assert _text_as_written(c["account"]) == x["key"]
        assert float(c["gpu_hours"]) == x["gpu_hours"] and float(c["usd"]) == x["usd"]
        assert (c["period_from"], c["period_to"]) == (j["period"]["from"], j["period"]["to"]) == ("2025-03-01",
                                                                                                  "2025-03-09")
    # each account's GPU-hours as the rows above give them: GPUs x hours
    want = {n: (i + 1) * (i % 5 + 1) for i, n in enumerate(NAMES)}
    assert {_text_as_written(c["account"]): float(c["gpu_hours"]) for c in rows} == want
    formulas = [c["account"] for c in rows if c["account"].startswith("'")]
    assert len(formulas) == 5  # = + - @ and the tab


def test_the_tables_print_every_label_literally(cli, lab):
    t = cli("ledger", "usage", str(lab), "--by", "account")
    assert t.code == 0
    for n in ("research [senior]", "[/]", "[bold]b[/bold]", "@SUM(A1)"):
        assert n in t.out
    m = cli("ledger", "usage", str(lab), "--by", "model")
    assert m.code == 0 and "=research [senior]" in m.out and "=[/]" in m.out
    # (a bill is dated by its start: the period of one day's bills is that day)
    b = cli("ledger", "bills", str(lab), "--by", "ServiceName")
    assert b.code == 0 and "[bold]b[/bold]" in b.out and "Period: 2025-03-01 to 2025-03-01" in b.out


def test_bills_costs_imports_and_estimate_as_csv(cli, lab):
    jb = cli("ledger", "bills", str(lab), "--by", "ServiceName", "--format", "json").json()
    b = _csv(cli("ledger", "bills", str(lab), "--by", "ServiceName", "--format", "csv").out)
    assert list(b[0]) == ["ServiceName", "billed_cost", "effective_cost", "period_from", "period_to"]
    assert [(_text_as_written(c["ServiceName"]), float(c["billed_cost"]), float(c["effective_cost"])) for c in b] == \
        [(x["key"], x["billed_cost"], x["effective_cost"]) for x in jb["rows"]]
    assert not any(c["ServiceName"].startswith(("=", "+", "-", "@")) for c in b)

    jc = cli("ledger", "costs", str(lab), "--format", "json").json()
    c = _csv(cli("ledger", "costs", str(lab), "--format", "csv").out)
    kinds = [k for k in c[0] if k not in ("model", "gpu_hours", "usd", "period_from", "period_to")]
    assert kinds and [_text_as_written(r["model"]) for r in c] == [x["model"] for x in jc["rows"]]
    for r, x in zip(c, jc["rows"], strict=True):
        assert float(r["usd"]) == x["usd"] and {k: float(r[k]) for k in kinds if float(r[k])} == \
            {k: v for k, v in x["by_kind"].items() if v}
        assert not r["model"].startswith("=")

    ji = cli("ledger", "imports", str(lab), "--format", "json").json()
    i = _csv(cli("ledger", "imports", str(lab), "--format", "csv").out)
    assert [r["kind"] for r in i] == [x["kind"] for x in ji] == ["slurm", "focus"]
    assert [int(r["inserted"]) for r in i] == [x["inserted"] for x in ji]

    e = cli("ledger", "estimate", str(lab), "--model", "=plain", "--format", "csv")
    assert e.code == 0
    long = _csv(e.out)
    assert list(long[0]) == ["model", "view", "item", "statistic", "value", "unit", "dollars"]
    assert {r["model"] for r in long} == {"'=plain"}
    hours = [float(r["value"]) for r in long if r["view"] == "actuals" and r["item"].startswith("gpu_hours.")]
    assert sum(hours) == pytest.approx(9 * 4)  # the account "plain": 9 GPUs for 4 hours
