"""The journal: transactions balance in every sample, accounts come from the chart, cash names its activity."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from fullcost.books import accounts as acc
from fullcost.books.journal import Journal, Posting, Transaction, UnbalancedError, txn

D = dt.date(2024, 3, 1)


def arr(*v: float) -> np.ndarray:
    return np.array(v, dtype=np.float64)


def test_a_balanced_transaction_of_sample_arrays():
    t = Transaction(D, "pay staff", (Posting(acc.RND_STAFF, arr(1, 2, 3)), Posting(acc.CASH, arr(-1, -2, -3))),
                    "operating")
    assert len(t.postings) == 2


def test_unbalanced_in_one_sample_is_refused_naming_the_sample():
    with pytest.raises(UnbalancedError, match="sample 2"):
        Transaction(D, "oops", (Posting(acc.RND_STAFF, arr(1, 2, 3)), Posting(acc.CASH, arr(-1, -2, -3.01))),
                    "operating")


def test_tolerance_is_relative():
    big = 1e12
    Transaction(D, "rounding", (Posting(acc.RND_STAFF, arr(big)), Posting(acc.CASH, arr(-big * (1 + 1e-12)))),
                "operating")
    with pytest.raises(UnbalancedError):
        Transaction(D, "not rounding", (Posting(acc.RND_STAFF, arr(big)), Posting(acc.CASH, arr(-big * (1 + 1e-6)))),
                    "operating")


def test_cash_needs_an_activity_and_only_cash_may_have_one():
    with pytest.raises(UnbalancedError, match="activity"):
        Transaction(D, "no activity", (Posting(acc.RND_STAFF, arr(1)), Posting(acc.CASH, arr(-1))))
    with pytest.raises(UnbalancedError, match="moves no cash"):
        Transaction(D, "depreciation", (Posting(acc.DEP_RESEARCH, arr(1)), Posting(acc.ACC_DEPRECIATION, arr(-1))),
                    "operating")


def test_accounts_outside_the_chart_are_refused():
    with pytest.raises(UnbalancedError, match="chart of accounts"):
        Transaction(D, "made up", (Posting("Expenses:Vibes", arr(1)), Posting(acc.CASH, arr(-1))), "operating")
    assert acc.is_valid(acc.model_account("deepseek-v3"))
    assert acc.model_account("deepseek-v3") == "Assets:Intangible:ModelDevelopment:Deepseek-V3"
    assert not acc.is_valid("Assets:Intangible:ModelDevelopment:lowercase")


def test_non_finite_amounts_are_refused():
    with pytest.raises(UnbalancedError, match="finite"):
        Transaction(D, "nan", (Posting(acc.RND_STAFF, arr(np.nan)), Posting(acc.CASH, arr(np.nan))), "operating")


def test_txn_merges_repeated_accounts_and_drops_all_zero_transactions():
    t = txn(D, "split", [(acc.RND_STAFF, 2.0), (acc.RND_STAFF, 3.0), (acc.CASH, -5.0)], 3, "operating")
    assert t is not None and len(t.postings) == 2
    assert np.allclose(t.postings[0].usd, 5.0)
    assert txn(D, "nothing", [(acc.RND_STAFF, 0.0), (acc.CASH, 0.0)], 3, "operating") is None
    # a transaction that no longer touches cash after merging carries no activity
    t2 = txn(D, "no cash", [(acc.DEP_RESEARCH, 1.0), (acc.ACC_DEPRECIATION, -1.0), (acc.CASH, 0.0)], 2, "operating")
    assert t2 is not None and t2.activity is None


def test_flows_balances_and_cash_by_activity_are_views_of_the_postings():
    n = 2
    ts = (
        txn(dt.date(2023, 5, 1), "equity", [(acc.CASH, 100.0), (acc.FUNDING, -100.0)], n, "financing"),
        txn(dt.date(2023, 6, 1), "gpus", [(acc.PPE_GPUS, arr(40, 60)), (acc.CASH, arr(-40, -60))], n, "investing"),
        txn(dt.date(2024, 12, 31), "staff", [(acc.RND_STAFF, 10.0), (acc.CASH, -10.0)], n, "operating"),
    )
    j = Journal("t", "us-gaap", n, dt.date(2023, 1, 1), (2023, 2024), tuple(t for t in ts if t is not None))
    assert np.allclose(j.balance(acc.CASH, 2023), [60, 40])
    assert np.allclose(j.balance(acc.CASH, 2024), [50, 30])
    assert np.allclose(j.flow("Assets:PPE", 2023), [40, 60])
    assert np.allclose(j.flow("Expenses", 2023), 0)
    assert np.allclose(j.cash_flow("investing", 2023), [-40, -60])
    assert np.allclose(j.cash_flow("operating", 2024), -10)
    assert j.accounts[0] == acc.CASH
