"""A double-entry journal whose amounts are sample arrays: every transaction balances in every sample.

A ``Transaction`` is a date, a narration and postings (account, amount per sample). It refuses to exist
unless its postings sum to zero in every sample (relative tolerance 1e-9), every account is in the chart,
and every transaction that moves cash says which activity it belongs to (operating, investing,
financing), so the cash flow statement is a view of the journal too. ``addback`` names the adjusted-EBITDA
add-back a transaction's expenses belong to ("stock-based compensation", "one-time training run: X", or a
cost the scenario excludes).

A ``Journal`` is the transactions of a lab in date order, with the years it reports and its memo
quantities (tokens served: figures that are not money and so not postings). ``flow`` and ``balance`` are
the only ways statements read it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from fullcost.books import accounts as acc
from fullcost.quantity import Arr

ACTIVITIES = ("operating", "investing", "financing")
RTOL = 1e-9


class UnbalancedError(ValueError):
    """A transaction whose postings do not sum to zero, or that breaks another rule of the journal."""


@dataclass(frozen=True)
class Posting:
    account: str
    usd: Arr  # debit positive, credit negative; one value per sample


def posting(account: str, usd: Arr | float, n: int) -> Posting:
    a = np.broadcast_to(np.asarray(usd, dtype=np.float64), (n,))
    return Posting(account, a)


@dataclass(frozen=True)
class Transaction:
    date: dt.date
    narration: str
    postings: tuple[Posting, ...]
    activity: str | None = None  # for transactions that move cash
    addback: str | None = None  # the adjusted-EBITDA add-back its expenses belong to
    tags: frozenset[str] = field(default_factory=frozenset)
    payee: str | None = None

    def __post_init__(self) -> None:
        if len(self.postings) < 2:
            raise UnbalancedError(f"{self.date} {self.narration}: a transaction needs at least two postings")
        for p in self.postings:
            if not acc.is_valid(p.account):
                raise UnbalancedError(f"{self.date} {self.narration}: '{p.account}' is not in the chart of accounts")
        amounts = np.vstack([p.usd for p in self.postings])
        if not np.all(np.isfinite(amounts)):
            raise UnbalancedError(f"{self.date} {self.narration}: an amount is not a finite number")
        total = amounts.sum(axis=0)
        scale = np.abs(amounts).sum(axis=0)
        bad = np.abs(total) > RTOL * scale
        if np.any(bad):
            i = int(np.argmax(bad))
            raise UnbalancedError(f"{self.date} {self.narration}: postings sum to {total[i]:g}, not zero "
                                  f"(sample {i})")
        moves_cash = any(p.account == acc.CASH for p in self.postings)
        if moves_cash and self.activity not in ACTIVITIES:
            raise UnbalancedError(f"{self.date} {self.narration}: moves cash but names no activity "
                                  f"({', '.join(ACTIVITIES)})")
        if not moves_cash and self.activity is not None:
            raise UnbalancedError(f"{self.date} {self.narration}: has an activity but moves no cash")


def txn(date: dt.date, narration: str, lines: Iterable[tuple[str, Arr | float]], n: int,
        activity: str | None = None, addback: str | None = None, tags: Iterable[str] = (),
        payee: str | None = None) -> Transaction | None:
    """A transaction from (account, amount) lines, merging repeated accounts; None when every amount is zero."""
    merged: dict[str, Arr] = {}
    for account, usd in lines:
        a = np.broadcast_to(np.asarray(usd, dtype=np.float64), (n,))
        merged[account] = merged[account] + a if account in merged else a
    postings = tuple(posting(a, v, n) for a, v in merged.items() if np.any(v != 0))
    if not postings:
        return None
    if len(postings) == 1:  # a lone posting left after merging must be (numerically) zero
        p = postings[0]
        scale = max(np.abs(np.asarray(v)).max() for v in merged.values())
        if np.all(np.abs(p.usd) <= RTOL * max(scale, 1.0)):
            return None
    cash = any(p.account == acc.CASH for p in postings)
    return Transaction(date, narration, postings, activity if cash else None, addback, frozenset(tags), payee)


@dataclass(frozen=True)
class Journal:
    """The transactions of one lab under one policy."""

    name: str
    policy: str
    n: int
    start: dt.date
    years: tuple[int, ...]
    transactions: tuple[Transaction, ...]
    memo: Mapping[str, Mapping[int, Arr]] = field(default_factory=dict)  # e.g. tokens served per year
    warnings: tuple[str, ...] = ()

    @cached_property
    def _flows(self) -> dict[tuple[str, int], Arr]:
        out: dict[tuple[str, int], Arr] = {}
        for t in self.transactions:
            for p in t.postings:
                key = (p.account, t.date.year)
                out[key] = out[key] + p.usd if key in out else p.usd
        return out

    @cached_property
    def _cash_by_activity(self) -> dict[tuple[str, int], Arr]:
        out: dict[tuple[str, int], Arr] = {}
        for t in self.transactions:
            for p in t.postings:
                if p.account == acc.CASH:
                    assert t.activity is not None
                    key = (t.activity, t.date.year)
                    out[key] = out[key] + p.usd if key in out else p.usd
        return out

    @cached_property
    def accounts(self) -> tuple[str, ...]:
        """Every account posted to, in chart order (sub-accounts after their parent)."""
        used = {a for a, _ in self._flows}
        order = {a: i for i, a in enumerate(acc.CHART)}

        def key(a: str) -> tuple[int, str]:
            parent = next((p for p in acc.OPEN_PARENTS if a.startswith(p + ":")), a)
            return (order.get(parent, len(order)), a)

        return tuple(sorted(used, key=key))

    def zeros(self) -> Arr:
        return np.zeros(self.n)

    def flow(self, prefix: str, year: int) -> Arr:
        """The sum of postings in ``year`` to ``prefix`` and its sub-accounts (debit positive)."""
        out = self.zeros()
        for (a, y), v in self._flows.items():
            if y == year and acc.under(a, prefix):
                out = out + v
        return out

    def balance(self, prefix: str, year: int) -> Arr:
        """The balance of ``prefix`` and its sub-accounts at the end of ``year`` (debit positive)."""
        out = self.zeros()
        for (a, y), v in self._flows.items():
            if y <= year and acc.under(a, prefix):
                out = out + v
        return out

    def cash_flow(self, activity: str, year: int) -> Arr:
        return self._cash_by_activity.get((activity, year), self.zeros())

    def addback_flows(self, year: int, prefixes: tuple[str, ...]) -> dict[str, Arr]:
        """Per add-back name, the expenses under ``prefixes`` posted in ``year`` by transactions carrying it."""
        out: dict[str, Arr] = {}
        for t in self.transactions:
            if t.addback is None or t.date.year != year:
                continue
            for p in t.postings:
                if any(acc.under(p.account, pre) for pre in prefixes):
                    out[t.addback] = out[t.addback] + p.usd if t.addback in out else p.usd
        return out
