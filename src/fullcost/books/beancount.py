"""Write a journal as a beancount ledger (``bean-check`` accepts it; Fava browses it).

A ledger holds one number per posting, so the export takes either the mean of every posting (means are
linear, so every transaction still balances) or one whole sample: the one at a percentile of cumulative
net income over all years, so "p5" is a bad run for the lab, "p95" a good one. Amounts are rounded to
cents; any rounding residue goes to the largest posting so each transaction sums exactly to zero.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal

import numpy as np

from fullcost.books.journal import Journal, Transaction

CENT = Decimal("0.01")


def pick(j: Journal, at: str) -> int | None:
    """The sample to export: None for the means, else the index at percentile ``pNN`` of net income."""
    if at == "mean":
        return None
    m = re.fullmatch(r"p(\d{1,2}(?:\.\d+)?|100)", at)
    if not m:
        raise ValueError(f"'{at}': expected mean or a percentile such as p5, p50, p95")
    q = float(m[1])
    net = -(j.balance("Income", j.years[-1]) + j.balance("Expenses", j.years[-1]))
    if j.n == 1:
        return 0
    order = np.argsort(net, kind="stable")
    return int(order[min(j.n - 1, round(q / 100 * (j.n - 1)))])


def _q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _tag(s: str) -> str:
    return re.sub(r"[^A-Za-z0-9\-_/.]", "-", s)


def _amounts(t: Transaction, idx: int | None) -> list[Decimal]:
    vals = [float(np.mean(p.usd)) if idx is None else float(p.usd[idx]) for p in t.postings]
    out = [Decimal(repr(v)).quantize(CENT, rounding=ROUND_HALF_EVEN) for v in vals]
    residue = sum(out, Decimal(0))
    if residue:
        k = max(range(len(out)), key=lambda i: abs(out[i]))
        out[k] -= residue
    return out


def ledger(j: Journal, at: str = "mean", title: str | None = None) -> str:
    idx = pick(j, at)
    which = f"means of {j.n:,} samples" if idx is None else f"sample {idx} ({at} of cumulative net income)"
    lines = [
        f"; {title or j.name}: the books as fullcost posts them ({j.policy}; {which}).",
        "; Yearly amounts are dated 31 December. Income and expenses close to equity in Fava's balance sheet.",
        f"option \"title\" {_q((title or j.name) + ' (' + j.policy + ')')}",
        'option "operating_currency" "USD"',
        "",
        f"{j.start.isoformat()} commodity USD",
    ]
    for a in j.accounts:
        lines.append(f"{j.start.isoformat()} open {a} USD")
    lines.append("")
    for t in j.transactions:
        amounts = _amounts(t, idx)
        if all(a == 0 for a in amounts):
            continue
        head = f"{t.date.isoformat()} *"
        if t.payee:
            head += f" {_q(t.payee)}"
        head += f" {_q(t.narration)}"
        tags = sorted(t.tags | ({"addback"} if t.addback else set()))
        head += "".join(f" #{_tag(x)}" for x in tags)
        lines.append(head)
        if t.activity:
            lines.append(f"  activity: {_q(t.activity)}")
        if t.addback:
            lines.append(f"  addback: {_q(t.addback)}")
        width = max(len(p.account) for p in t.postings) + 2
        for p, amt in zip(t.postings, amounts, strict=True):
            lines.append(f"  {p.account:<{width}} {amt:>18,.2f} USD".replace(",", ""))
        lines.append("")
    return "\n".join(lines)
