"""The chart of accounts of an AI lab, in beancount's naming (``Assets:PPE:GPUs``, ``Expenses:RnD:Staff``).

Amounts follow beancount's sign convention: debits are positive, credits negative. Assets and expenses
carry positive balances; contra-assets (accumulated depreciation and amortization), liabilities, equity
and income carry negative ones. Statements flip signs for display.

The income statement groups expense accounts by prefix: ``Expenses:COGS`` (serving), ``Expenses:RnD``,
``Expenses:SGA`` (all three before depreciation and amortization), ``Expenses:DA``, ``Expenses:Interest``,
``Expenses:Tax``; by function, each ``Expenses:DA`` account joins the function it serves (``da_function``).
Release-specific sub-accounts of ``Assets:Intangible:ModelDevelopment`` are made by
``model_account``.
"""

from __future__ import annotations

import re

ROOTS = ("Assets", "Liabilities", "Equity", "Income", "Expenses")

CASH = "Assets:Cash"
PPE_GPUS = "Assets:PPE:GPUs"
PPE_SERVERS = "Assets:PPE:Servers"
PPE_NETWORK = "Assets:PPE:Network"
ACC_DEPRECIATION = "Assets:PPE:AccumulatedDepreciation"
MODEL_DEVELOPMENT = "Assets:Intangible:ModelDevelopment"
ACC_AMORTIZATION = "Assets:Intangible:AccumulatedAmortization"

TAX_PAYABLE = "Liabilities:Payables:Tax"
DEBT = "Liabilities:Debt"
DEFERRED_TAX = "Liabilities:DeferredTax"

FUNDING = "Equity:Funding"
CONTRIBUTED = "Equity:ContributedInKind"
STOCK_COMP_EQUITY = "Equity:StockCompensation"
RETAINED = "Equity:RetainedEarnings"  # a view: cumulative net income, never posted to

REVENUE_API = "Income:Revenue:API"
REVENUE_ENTERPRISE = "Income:Revenue:Enterprise"
REVENUE_LICENCES = "Income:Revenue:Licences"
REVENUE_OTHER = "Income:Revenue:Other"

COGS_ENERGY = "Expenses:COGS:Inference:Energy"
COGS_CLOUD = "Expenses:COGS:Inference:Cloud"
COGS_STAFF = "Expenses:COGS:Staff"
COGS_SBC = "Expenses:COGS:StockCompensation"
RND_ENERGY = "Expenses:RnD:Compute:Energy"
RND_CLOUD = "Expenses:RnD:Compute:Cloud"
RND_STAFF = "Expenses:RnD:Staff"
RND_SBC = "Expenses:RnD:StockCompensation"
RND_DATA = "Expenses:RnD:Data"
RND_OTHER = "Expenses:RnD:Other"
SGA_STAFF = "Expenses:SGA:Staff"
SGA_SBC = "Expenses:SGA:StockCompensation"
SGA_OFFICES = "Expenses:SGA:Offices"
SGA_LEGAL = "Expenses:SGA:Legal"
SGA_SAFETY = "Expenses:SGA:SafetyCompliance"
SGA_MARKETING = "Expenses:SGA:Marketing"
SGA_OTHER = "Expenses:SGA:Other"
DEP_SERVING = "Expenses:DA:Depreciation:Serving"
DEP_RESEARCH = "Expenses:DA:Depreciation:Research"
AMORTIZATION = "Expenses:DA:Amortization:Models"
INTEREST = "Expenses:Interest"
TAX_CURRENT = "Expenses:Tax:Current"
TAX_DEFERRED = "Expenses:Tax:Deferred"

CHART: tuple[str, ...] = (
    CASH, PPE_GPUS, PPE_SERVERS, PPE_NETWORK, ACC_DEPRECIATION, MODEL_DEVELOPMENT, ACC_AMORTIZATION,
    TAX_PAYABLE, DEBT, DEFERRED_TAX,
    FUNDING, CONTRIBUTED, STOCK_COMP_EQUITY,
    REVENUE_API, REVENUE_ENTERPRISE, REVENUE_LICENCES, REVENUE_OTHER,
    COGS_ENERGY, COGS_CLOUD, COGS_STAFF, COGS_SBC,
    RND_ENERGY, RND_CLOUD, RND_STAFF, RND_SBC, RND_DATA, RND_OTHER,
    SGA_STAFF, SGA_SBC, SGA_OFFICES, SGA_LEGAL, SGA_SAFETY, SGA_MARKETING, SGA_OTHER,
    DEP_SERVING, DEP_RESEARCH, AMORTIZATION, INTEREST, TAX_CURRENT, TAX_DEFERRED,
)

# Parents under which sub-accounts may be opened (one per model release).
OPEN_PARENTS = (MODEL_DEVELOPMENT,)

CONTRA = (ACC_DEPRECIATION, ACC_AMORTIZATION)

# Income statement groups, in order: each Income or Expenses account belongs to exactly one.
REVENUE = "Income:Revenue"
COGS = "Expenses:COGS"
RND = "Expenses:RnD"
SGA = "Expenses:SGA"
DA = "Expenses:DA"
TAX = "Expenses:Tax"

# Where each kind of depreciation and amortization sits when expenses are presented by function: the serving
# fleet's in cost of revenue, the research fleet's (training runs and idle time) and the amortization of
# capitalized models in R&D; any other asset's (none is posted today: offices are leased) in SG&A.
DA_FUNCTIONS = {DEP_SERVING: "cogs", DEP_RESEARCH: "rnd", AMORTIZATION: "rnd"}


def da_function(account: str) -> str:
    """The function (``cogs``, ``rnd``, ``sga``) whose costs include the depreciation posted to ``account``."""
    return next((f for a, f in DA_FUNCTIONS.items() if under(account, a)), "sga")


STAFF_ACCOUNTS = {"cogs": (COGS_STAFF, COGS_SBC), "rnd": (RND_STAFF, RND_SBC), "sga": (SGA_STAFF, SGA_SBC)}
SBC_ACCOUNTS = (COGS_SBC, RND_SBC, SGA_SBC)

COST_KINDS = {
    "offices": SGA_OFFICES, "legal": SGA_LEGAL, "safety": SGA_SAFETY, "compliance": SGA_SAFETY,
    "marketing": SGA_MARKETING, "executives": SGA_STAFF, "other": SGA_OTHER,
    "data": RND_DATA, "research": RND_OTHER,
}
REVENUE_KINDS = {"api": REVENUE_API, "enterprise": REVENUE_ENTERPRISE, "licences": REVENUE_LICENCES,
                 "other": REVENUE_OTHER}

_COMPONENT = re.compile(r"^[A-Z0-9][A-Za-z0-9\-]*$")


def root(account: str) -> str:
    return account.split(":", 1)[0]


def under(account: str, prefix: str) -> bool:
    """Whether ``account`` is ``prefix`` or one of its sub-accounts."""
    return account == prefix or account.startswith(prefix + ":")


def is_valid(account: str) -> bool:
    """In the chart, or a sub-account of a parent that takes them, and a name beancount accepts."""
    parts = account.split(":")
    if parts[0] not in ROOTS or not all(_COMPONENT.match(p) for p in parts[1:]) or len(parts) < 2:
        return False
    return account in CHART or any(account.startswith(p + ":") for p in OPEN_PARENTS)


def model_account(release: str) -> str:
    """The intangible asset of one model release: ``Assets:Intangible:ModelDevelopment:Deepseek-V3``."""
    words = [w for w in re.split(r"[^A-Za-z0-9]+", release) if w]
    name = "-".join(w[:1].upper() + w[1:] for w in words) or "Model"
    if not name[0].isalnum():
        name = "M" + name
    return f"{MODEL_DEVELOPMENT}:{name}"
