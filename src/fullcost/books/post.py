"""Post a drawn lab run into a journal under an accounting policy.

Posting rules (yearly amounts are dated 31 December; purchases and funding on their own dates):

- Funding: equity rounds debit cash and credit ``Equity:Funding``; debt credits ``Liabilities:Debt``, pays
  interest yearly (``Expenses:Interest``, operating cash) and is repaid at maturity (financing). GPUs an owner
  contributes in kind credit ``Equity:ContributedInKind`` and move no cash.
- Fleet (owned): each purchase debits ``Assets:PPE:GPUs``, ``:Servers`` and ``:Network`` (investing cash);
  depreciation credits ``Assets:PPE:AccumulatedDepreciation``, split between ``Expenses:DA:Depreciation:Serving``
  (the serving share of the fleet's GPU-hours) and ``:Research`` (the rest, idle time included).
  Electricity for the working hours goes to ``Expenses:COGS:Inference:Energy`` (serving share) and
  ``Expenses:RnD:Compute:Energy``. Rented compute replaces all of this with cloud expense.
- Cloud commitments: ``Expenses:COGS:Inference:Cloud`` (serving share) and ``Expenses:RnD:Compute:Cloud``.
- Staff: cash pay to ``Expenses:{COGS,RnD,SGA}:Staff``; stock-based compensation to ``...:StockCompensation``
  against ``Equity:StockCompensation`` (no cash; an adjusted-EBITDA add-back).
- Running costs, revenue (``Income:Revenue:*``, operating cash) and programs' data purchases as drawn.
- Research compute (depreciation, electricity and cloud for research) is split by each release's final run:
  the share of the year's research compute the final run's cost represents (capped at 100%). Its cash part
  stays in R&D but carries the "one-time training run" add-back.
- IFRS: the capitalizable part (final-run compute after the criteria date, R&D staff and data of the window
  after it) debits ``Assets:Intangible:ModelDevelopment:<Release>`` instead of the expense: cash paid for it
  is investing cash (IAS 7.16), the depreciation part credits accumulated depreciation, the stock part
  equity. From the release the asset is amortized straight-line over the model's useful life
  (``Expenses:DA:Amortization:Models``).
- Tax: current tax on taxable income, which deducts development as it is incurred under both policies
  (so cash tax is the same), after loss carryforwards; accrued to ``Liabilities:Payables:Tax`` and paid
  the next May. Under IFRS the capitalized development not yet amortized (its tax base is zero) carries a
  deferred tax liability (``Expenses:Tax:Deferred`` against ``Liabilities:DeferredTax``), net of the tax
  losses its reversal would absorb (IAS 12.28); no other deferred tax asset is recognised.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable

import numpy as np

from fullcost.books import accounts as acc
from fullcost.books.draw import WARN_SHARE, Asset, LabRun, YearArr, share_text
from fullcost.books.journal import Journal, Transaction, txn
from fullcost.books.policy import Policy, charge, days_in
from fullcost.quantity import Arr

TRAINING = "one-time training run: "
SBC = "stock-based compensation"


def _ye(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def _div(a: Arr, b: Arr) -> Arr:
    return np.divide(a, b, out=np.zeros_like(a, dtype=np.float64), where=b > 0)


class _Book:
    def __init__(self, run: LabRun, policy: Policy) -> None:
        self.run = run
        self.policy = policy
        self.n = run.n
        self.txns: list[Transaction] = []
        self.capitalized: dict[str, YearArr] = {p.release: {} for p in run.programs}
        self.warnings: list[str] = []

    def add(self, date: dt.date, narration: str, lines: Iterable[tuple[str, Arr | float]],
            activity: str | None = None, addback: str | None = None, tags: Iterable[str] = (),
            payee: str | None = None) -> None:
        t = txn(date, narration, lines, self.n, activity, addback, tags, payee)
        if t is not None:
            self.txns.append(t)

    def zero(self) -> Arr:
        return np.zeros(self.n)

    def capitalize(self, release: str, year: int, usd: Arr) -> None:
        c = self.capitalized[release]
        c[year] = c.get(year, self.zero()) + usd


def _funding(b: _Book) -> None:
    run = b.run
    for r in run.rounds:
        if r.kind == "equity":
            b.add(r.date, f"funding: {r.name}", [(acc.CASH, r.usd), (acc.FUNDING, -r.usd)], "financing",
                  tags=["funding"], payee=r.investors)
            continue
        b.add(r.date, f"loan: {r.name}", [(acc.CASH, r.usd), (acc.DEBT, -r.usd)], "financing", tags=["funding"],
              payee=r.investors)
        assert r.rate is not None
        end = min(r.maturity or run.lab.end, run.lab.end)
        for y in run.years:
            d = days_in(y, r.date, end)
            if d:
                interest = r.usd * r.rate * d / (366 if calendar.isleap(y) else 365)
                b.add(min(_ye(y), end), f"interest: {r.name}", [(acc.INTEREST, interest), (acc.CASH, -interest)],
                      "operating", payee=r.investors)
        if r.maturity is not None and r.maturity < run.lab.end:
            b.add(r.maturity, f"repayment: {r.name}", [(acc.DEBT, r.usd), (acc.CASH, -r.usd)], "financing",
                  payee=r.investors)


def _serving_share(run: LabRun, year: int, a: Asset) -> tuple[Arr, Arr]:
    """Serving share of an asset's GPU-hours (for depreciation) and of its working hours (for electricity):
    the serving GPU-hours over the capacity of the GPUs that serve (one chip, or the whole fleet)."""
    s = run.serving.get(year)
    zero = np.zeros(run.n)
    if s is None or (s.chip is not None and a.chip != s.chip):
        return zero, zero
    cap = zero
    for b in run.assets:
        if s.chip is None or b.chip == s.chip:
            cap = cap + b.capacity_hours[year]
    return np.minimum(_div(s.gpu_hours, cap), 1.0), np.minimum(_div(s.gpu_hours, cap * run.utilization), 1.0)


def _fleet(b: _Book) -> tuple[YearArr, YearArr]:
    """Posts purchases, depreciation and electricity (or rent); returns research depreciation and
    research electricity-or-rent per year, which the research-compute split needs."""
    run, pol = b.run, b.policy
    dep_research: YearArr = {}
    cash_research: YearArr = {}
    method = pol.depreciation or run.method
    for y in run.years:
        dep_research[y] = b.zero()
        cash_research[y] = b.zero()
    if pol.compute == "rented":
        for a in run.assets:
            if a.rental_usd_per_gpu_hour is None:
                raise run.doc.error((*a.path, "rental_usd_per_gpu_hour"),
                                    f"the catalog has no rental price for {a.chip}: give rental_usd_per_gpu_hour "
                                    "to price this purchase as rented compute")
        for y in run.years:
            serving = research = b.zero()
            for a in run.assets:
                assert a.rental_usd_per_gpu_hour is not None
                rent = a.capacity_hours[y] * a.rental_usd_per_gpu_hour
                share, _ = _serving_share(run, y, a)
                serving = serving + rent * share
                research = research + rent * (1 - share)
            b.add(_ye(y), "rented GPUs (in place of the owned fleet): serving", [
                (acc.COGS_CLOUD, serving), (acc.CASH, -serving)], "operating")
            cash_research[y] = research
        return dep_research, cash_research
    life_override = None if pol.useful_life_years is None else np.full(run.n, pol.useful_life_years)
    for a in run.assets:
        lines: list[tuple[str, Arr | float]] = [(acc.PPE_GPUS, a.gpus_usd), (acc.PPE_SERVERS, a.servers_usd),
                                                (acc.PPE_NETWORK, a.network_usd)]
        if a.contributed_by:
            b.add(a.date, f"contributed in kind: {a.name}", [*lines, (acc.CONTRIBUTED, -a.capex)],
                  payee=a.contributed_by, tags=["capex"])
        else:
            b.add(a.date, f"purchase: {a.name}", [*lines, (acc.CASH, -a.capex)], "investing", tags=["capex"])
    for y in run.years:
        dep_serving = energy_serving = b.zero()
        for a in run.assets:
            life = life_override if life_override is not None else a.life
            dep = a.capex * charge(method, a.date, y, life)
            s_dep, s_energy = _serving_share(run, y, a)
            dep_serving = dep_serving + dep * s_dep
            energy_serving = energy_serving + a.energy_usd[y] * s_energy
            dep_research[y] = dep_research[y] + dep * (1 - s_dep)
            cash_research[y] = cash_research[y] + a.energy_usd[y] * (1 - s_energy)
        b.add(_ye(y), "depreciation: serving share of the fleet",
              [(acc.DEP_SERVING, dep_serving), (acc.ACC_DEPRECIATION, -dep_serving)])
        b.add(_ye(y), "electricity: serving", [(acc.COGS_ENERGY, energy_serving), (acc.CASH, -energy_serving)],
              "operating")
    return dep_research, cash_research


def _research_compute(b: _Book, dep: YearArr, own_cash: YearArr) -> None:
    """Research depreciation, electricity (or rent) and cloud, split between the final runs and the rest."""
    run, ifrs = b.run, b.policy.capitalizes_development
    rented = b.policy.compute == "rented"
    own_account = acc.RND_CLOUD if rented else acc.RND_ENERGY
    own_label = "rented GPUs (in place of the owned fleet)" if rented else "electricity"
    for y in run.years:
        cloud = b.zero()
        for c in run.cloud:
            cloud = cloud + c.research.get(y, b.zero())
        for c in run.cloud:
            s = c.serving.get(y)
            if s is not None:
                b.add(_ye(y), f"cloud for serving: {c.name}", [(acc.COGS_CLOUD, s), (acc.CASH, -s)], "operating",
                      payee=c.provider)
        pool = dep[y] + own_cash[y] + cloud
        demand = b.zero()
        for p in run.programs:
            demand = demand + p.final_run_compute.get(y, b.zero())
        denom = np.maximum(demand, pool)
        short = demand > pool * (1 + 1e-9)
        if np.mean(short) >= WARN_SHARE:
            b.warnings.append(f"{y}: the final runs cost more at their programs' prices than the lab's research "
                              f"compute in {share_text(short)} of samples; their share is capped at all of it")
        rest = np.ones(run.n)
        parts: list[tuple[str, Arr, Arr]] = []
        for p in run.programs:
            share = _div(p.final_run_compute.get(y, b.zero()), denom)
            cap = _div(p.cap_compute.get(y, b.zero()), denom) if ifrs else b.zero()
            cap = np.minimum(cap, share)
            rest = rest - share
            parts.append((p.release, share, cap))
        rest = np.maximum(rest, 0.0)
        cap_total = b.zero()
        for _, _, cap in parts:
            cap_total = cap_total + cap
        b.add(_ye(y), "depreciation: research share of the fleet",
              [(acc.DEP_RESEARCH, dep[y] * (1 - cap_total)), (acc.ACC_DEPRECIATION, -dep[y] * (1 - cap_total))]
              + [(acc.model_account(r), dep[y] * cap) for r, _, cap in parts]
              + [(acc.ACC_DEPRECIATION, -dep[y] * cap) for _, _, cap in parts])
        b.add(_ye(y), f"{own_label}: research", [(own_account, own_cash[y] * rest), (acc.CASH, -own_cash[y] * rest)],
              "operating")
        for c in run.cloud:
            v = c.research.get(y)
            if v is not None:
                b.add(_ye(y), f"cloud for research: {c.name}", [(acc.RND_CLOUD, v * rest), (acc.CASH, -v * rest)],
                      "operating", payee=c.provider)
        for release, share, cap in parts:
            exp = share - cap
            b.add(_ye(y), f"final run of {release}: {own_label} and cloud",
                  [(own_account, own_cash[y] * exp), (acc.RND_CLOUD, cloud * exp),
                   (acc.CASH, -(own_cash[y] + cloud) * exp)], "operating", addback=TRAINING + release,
                  tags=["training-run"])
            capped = (own_cash[y] + cloud) * cap
            b.add(_ye(y), f"capitalized development of {release}: final-run compute",
                  [(acc.model_account(release), capped), (acc.CASH, -capped)], "investing", tags=["capitalized"])
            b.capitalize(release, y, capped + dep[y] * cap)


def _staff(b: _Book) -> None:
    run, ifrs = b.run, b.policy.capitalizes_development
    for y in run.years:
        pool = b.zero()
        for s in run.staff:
            if s.line == "rnd":
                pool = pool + s.cash.get(y, b.zero()) + s.sbc.get(y, b.zero())
        demand = b.zero()
        for p in run.programs:
            demand = demand + p.cap_staff.get(y, b.zero())
        denom = np.maximum(demand, pool)
        caps = [(p.release, _div(p.cap_staff.get(y, b.zero()), denom) if ifrs else b.zero()) for p in run.programs]
        cap_total = b.zero()
        for _, c in caps:
            cap_total = cap_total + c
        for s in run.staff:
            cash = s.cash.get(y)
            sbc = s.sbc.get(y)
            if cash is None:
                continue
            assert sbc is not None
            keep = (1 - cap_total) if s.line == "rnd" else 1.0
            pay, stock = acc.STAFF_ACCOUNTS[s.line]
            b.add(_ye(y), f"staff: {s.role}", [(pay, cash * keep), (acc.CASH, -cash * keep)], "operating")
            b.add(_ye(y), f"stock-based compensation: {s.role}",
                  [(stock, sbc * keep), (acc.STOCK_COMP_EQUITY, -sbc * keep)], addback=SBC)
            if s.line != "rnd":
                continue
            for release, c in caps:
                b.add(_ye(y), f"capitalized development of {release}: staff ({s.role})",
                      [(acc.model_account(release), cash * c), (acc.CASH, -cash * c)], "investing",
                      tags=["capitalized"])
                b.add(_ye(y), f"capitalized development of {release}: stock compensation ({s.role})",
                      [(acc.model_account(release), sbc * c), (acc.STOCK_COMP_EQUITY, -sbc * c)],
                      tags=["capitalized"])
                b.capitalize(release, y, (cash + sbc) * c)


def _running(b: _Book) -> None:
    run, ifrs = b.run, b.policy.capitalizes_development
    for c in run.costs:
        for y, v in c.usd.items():
            b.add(_ye(y), c.name, [(c.account, v), (acc.CASH, -v)], "operating",
                  addback=c.name if c.excluded else None)
    for p in run.programs:
        for y, v in p.data.items():
            cap = np.minimum(p.cap_data.get(y, b.zero()), v) if ifrs else b.zero()
            b.add(_ye(y), f"data for {p.release}", [(acc.RND_DATA, v - cap), (acc.CASH, -(v - cap))], "operating")
            b.add(_ye(y), f"capitalized development of {p.release}: data",
                  [(acc.model_account(p.release), cap), (acc.CASH, -cap)], "investing", tags=["capitalized"])
            b.capitalize(p.release, y, cap)
    for r in run.revenue:
        for y, v in r.usd.items():
            b.add(_ye(y), f"revenue: {r.name}", [(acc.CASH, v), (r.account, -v)], "operating")
    for y, s in run.serving.items():
        b.add(_ye(y), "revenue: API tokens served", [(acc.CASH, s.revenue), (acc.REVENUE_API, -s.revenue)],
              "operating")


def _amortize(b: _Book) -> YearArr:
    """Amortization per year, all releases together (zero under US GAAP)."""
    run = b.run
    total: YearArr = {y: b.zero() for y in run.years}
    for p in run.programs:
        cost = b.zero()
        for v in b.capitalized[p.release].values():
            cost = cost + v
        if not np.any(cost > 0):
            continue
        for y in run.years:
            a = cost * charge("straight_line", p.released, y, p.useful_life)
            b.add(_ye(y), f"amortization: {p.release}", [(acc.AMORTIZATION, a), (acc.ACC_AMORTIZATION, -a)])
            total[y] = total[y] + a
    return total


def _tax(b: _Book, amortization: YearArr) -> None:
    run = b.run
    draft = Journal(run.lab.name, b.policy.standard, b.n, run.lab.founded, run.years, tuple(b.txns))
    nol = b.zero()  # tax losses carried forward
    temporary = b.zero()  # capitalized development not yet amortized: book value above its tax base (zero)
    liability = b.zero()  # net deferred tax liability
    rate = run.tax_rate
    for y in run.years:
        pretax = -(draft.flow("Income", y) + draft.flow("Expenses", y))
        cap = b.zero()
        for c in b.capitalized.values():
            cap = cap + c.get(y, b.zero())
        taxable = pretax - cap + amortization[y]  # development is deducted as incurred for tax
        if run.loss_carryforward:
            used = np.minimum(nol, np.maximum(taxable, 0.0))
            base = np.maximum(taxable - used, 0.0)
            nol = nol - used + np.maximum(-taxable, 0.0)
        else:
            base = np.maximum(taxable, 0.0)
        current = base * rate
        b.add(_ye(y), "income tax: current", [(acc.TAX_CURRENT, current), (acc.TAX_PAYABLE, -current)])
        if y + 1 in run.years:
            b.add(dt.date(y + 1, 5, 31), f"income tax for {y} paid", [(acc.TAX_PAYABLE, current), (acc.CASH, -current)],
                  "operating")
        # IAS 12: tax on the temporary difference, less the losses it will absorb when it reverses (IAS 12.28)
        temporary = temporary + cap - amortization[y]
        target = np.maximum(temporary - nol, 0.0) * rate
        deferred = target - liability
        liability = target
        b.add(_ye(y), "income tax: deferred (capitalized development)",
              [(acc.TAX_DEFERRED, deferred), (acc.DEFERRED_TAX, -deferred)])


def post(run: LabRun, policy: Policy) -> Journal:
    """The lab's journal under ``policy``: every transaction balanced in every sample."""
    b = _Book(run, policy)
    _funding(b)
    dep, own_cash = _fleet(b)
    _research_compute(b, dep, own_cash)
    _staff(b)
    _running(b)
    _tax(b, _amortize(b))
    txns = tuple(sorted(b.txns, key=lambda t: t.date))
    memo = {
        "tokens": {y: s.tokens for y, s in run.serving.items()},
        "list_revenue": {y: s.list_revenue for y, s in run.serving.items()},
        "serving_gpu_hours": {y: s.gpu_hours for y, s in run.serving.items()},
    }
    journal = Journal(run.lab.name, policy.standard, run.n, run.lab.founded, run.years, txns, memo)
    warnings = list(run.warnings) + b.warnings
    for y in run.years:
        low = journal.balance(acc.CASH, y) < 0
        if np.mean(low) >= WARN_SHARE:
            warnings.append(f"cash is below zero at the end of {y} in {share_text(low)} of samples: the scenario's "
                            "funding does not cover its spending")
    return Journal(journal.name, journal.policy, journal.n, journal.start, journal.years, txns, memo,
                   tuple(warnings))
