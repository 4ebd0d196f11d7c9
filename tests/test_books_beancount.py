"""The beancount export: bean-check and beancount's loader accept it, and its balances are the journal's."""

from __future__ import annotations

import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import realization

from fullcost.books import accounts as acc
from fullcost.books.beancount import ledger, pick
from fullcost.books.draw import draw
from fullcost.books.lab import load_lab
from fullcost.books.policy import Policy
from fullcost.books.post import post


def _bean_check() -> str:
    exe = Path(sys.executable).with_name("bean-check")
    found = str(exe) if exe.exists() else shutil.which("bean-check")
    assert found, "bean-check is installed with beancount (a dev dependency)"
    return found


@pytest.fixture(scope="module")
def journals():
    run = draw(load_lab("deepseek"), 50, 0)
    return post(run, Policy("us-gaap")), post(run, Policy("ifrs"))


@pytest.mark.parametrize("policy", [0, 1])
@pytest.mark.parametrize("at", ["mean", "p5", "p95"])
def test_bean_check_and_the_loader_accept_the_ledger(tmp_path, journals, policy, at):
    j = journals[policy]
    path = tmp_path / "lab.beancount"
    path.write_text(ledger(j, at, "DeepSeek"))
    p = subprocess.run([_bean_check(), str(path)], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    entries, errors, options = loader.load_file(str(path))
    assert errors == []
    assert options["operating_currency"] == ["USD"]
    assert sum(1 for e in entries if type(e).__name__ == "Transaction") > 20


def test_ledger_balances_are_the_journals(tmp_path, journals):
    j = journals[1]
    idx = pick(j, "p50")
    assert idx is not None
    path = tmp_path / "lab.beancount"
    path.write_text(ledger(j, "p50"))
    entries, errors, _ = loader.load_file(str(path))
    assert errors == []
    real = realization.realize(entries)
    last = j.years[-1]
    for account in (acc.CASH, acc.ACC_DEPRECIATION, acc.FUNDING, acc.REVENUE_API):
        node = realization.get(real, account)
        got = node.balance.get_currency_units("USD").number
        want = Decimal(repr(float(j.balance(account, last)[idx])))
        assert abs(got - want) <= Decimal("0.01") * len(j.transactions)


def test_pick_takes_a_whole_sample_at_a_percentile_of_net_income(journals):
    j = journals[0]
    net = -(j.balance("Income", j.years[-1]) + j.balance("Expenses", j.years[-1]))
    lo, hi = pick(j, "p5"), pick(j, "p95")
    assert lo is not None and hi is not None and net[lo] < net[hi]
    assert pick(j, "mean") is None
    with pytest.raises(ValueError, match="percentile"):
        pick(j, "median")


def test_cli_export_writes_a_ledger_bean_check_accepts(sh, tmp_path):
    out = tmp_path / "ds.beancount"
    r = sh("export", "beancount", "deepseek", "-o", str(out), "--policy", "ifrs", "-n", "50", "--at", "p50")
    assert r.code == 0, r.err
    text = out.read_text()
    assert 'option "operating_currency" "USD"' in text
    assert "open Assets:Intangible:ModelDevelopment:Deepseek-V3 USD" in text
    assert subprocess.run([_bean_check(), str(out)], capture_output=True, timeout=120).returncode == 0
