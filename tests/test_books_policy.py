"""Accounting policies on small labs a calculator can check, and on the catalog's DeepSeek lab."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from fullcost.books import accounts as acc
from fullcost.books.draw import draw
from fullcost.books.lab import load_lab, loads
from fullcost.books.policy import Policy
from fullcost.books.post import SBC, TRAINING, post
from fullcost.books.statements import compare, income_statement, statements

# 100 GPUs at $30,000 each, server and network included (DGX basis, no interconnect gross-up), bought on
# 1 January 2024 and depreciated over 5 years; $50M of equity; one researcher; one debt facility.
LAB = """
kind: lab
name: calc
founded: 2024-01-01
last_year: 2030
region: us
fleet:
  purchases:
    - hardware: h100-sxm
      count: 100
      date: 2024-01-01
      price_usd: 30000
      price_basis: dgx
      rental_usd_per_gpu_hour: 2
  utilization: 100%
  useful_life: 5
  interconnect_share: 0%
  pue: 1.0
  electricity_usd_per_kwh: 0.1
funding:
  - {name: seed, date: 2024-01-01, usd: 50M}
  - {name: loan, kind: debt, date: 2024-01-01, usd: 10M, interest_rate: 8%, term: 2 years}
staff:
  - role: researcher
    salary_usd: 100K
    overhead: 1.0
    stock_comp_usd: 50K
    headcount: {2024: 1, 2025: 1}
tax:
  rate: 20%
"""


def books(text: str = LAB, policy: Policy | None = None, n: int = 1):
    run = draw(loads(textwrap.dedent(text)), n, 0)
    return run, post(run, policy or Policy())


def test_straight_line_depreciation_by_hand():
    _, j = books()
    capex = 100 * 30000
    assert np.allclose(j.balance("Assets:PPE", 2024) - j.balance(acc.ACC_DEPRECIATION, 2024), capex)
    assert np.allclose(j.flow(acc.DA, 2024), capex * 366 / (5 * 365.25))
    # fully depreciated after five years, never beyond
    assert np.allclose(-j.balance(acc.ACC_DEPRECIATION, 2030), capex)
    assert np.allclose(j.flow(acc.DA, 2030), 0)


def test_sum_of_years_digits_front_loads_and_ends_at_the_same_total():
    _, sl = books()
    _, syd = books(policy=Policy(depreciation="sum_of_years_digits"))
    assert float(syd.flow(acc.DA, 2024)[0]) > 1.5 * float(sl.flow(acc.DA, 2024)[0])
    assert np.allclose(syd.balance(acc.ACC_DEPRECIATION, 2030), sl.balance(acc.ACC_DEPRECIATION, 2030))


def test_a_longer_useful_life_lifts_profit_without_touching_cash():
    _, five = books()
    _, six = books(policy=Policy(useful_life_years=6.0))
    assert np.allclose(six.flow(acc.DA, 2024), five.flow(acc.DA, 2024) * 5 / 6)
    assert np.all(income_statement(six, 2024)["net_income"] > income_statement(five, 2024)["net_income"])
    for y in range(2024, 2031):
        assert np.allclose(six.balance(acc.CASH, y), five.balance(acc.CASH, y))


def test_rented_compute_has_no_capex_and_costs_rent_for_every_hour():
    _, j = books(policy=Policy(compute="rented"))
    assert np.allclose(j.balance("Assets:PPE", 2030), 0)
    assert np.allclose(j.flow(acc.DA, 2024), 0)
    assert np.allclose(j.flow(acc.RND_CLOUD, 2024), 100 * 366 * 24 * 2.0)
    # renting moves the fleet's cost above EBITDA
    _, owned = books()
    assert np.all(income_statement(j, 2024)["ebitda"] < income_statement(owned, 2024)["ebitda"])


def test_interest_and_repayment_of_debt():
    _, j = books()
    assert np.allclose(j.flow(acc.INTEREST, 2024), 10e6 * 0.08)
    assert np.allclose(j.balance(acc.DEBT, 2024), -10e6)
    assert np.allclose(j.balance(acc.DEBT, 2026), 0)  # repaid after two years
    fin = j.cash_flow("financing", 2026)
    assert np.allclose(fin, -10e6)


def test_stock_compensation_is_non_cash_and_added_back():
    _, j = books()
    ys = statements(j, (2024,))[0]
    assert np.allclose(j.flow(acc.RND_SBC, 2024), 50e3 * 366 / 366)
    assert dict(ys.addbacks)[SBC] == pytest.approx(50e3)
    assert np.allclose(j.balance(acc.STOCK_COMP_EQUITY, 2024), -50e3)


def test_tax_on_profit_with_losses_carried_forward():
    text = LAB + """
revenue:
  - {name: contracts, kind: enterprise, usd: {2024: 100K, 2025: 5M}}
"""
    _, j = books(text)
    i24, i25 = income_statement(j, 2024), income_statement(j, 2025)
    assert np.all(i24["net_income"] < 0) and np.allclose(i24["tax"], 0)
    pretax25 = i25["ebit"] - i25["interest"]
    expected = max(float(pretax25[0]) + float(i24["net_income"][0]), 0.0) * 0.20  # last year's loss offsets
    assert i25["tax"][0] == pytest.approx(expected)
    assert np.allclose(j.balance(acc.TAX_PAYABLE, 2025), -expected)  # paid the next May
    assert np.allclose(j.balance(acc.TAX_PAYABLE, 2026), 0)
    no_nol = text.replace("rate: 20%", "rate: 20%\n  loss_carryforward: false")
    _, j2 = books(no_nol)
    assert income_statement(j2, 2025)["tax"][0] == pytest.approx(float(pretax25[0]) * 0.20)


RELEASE = LAB.replace("headcount: {2024: 1, 2025: 1}", "headcount: {2024: 10, 2025: 10}") + """
releases:
  - name: model-a
    released: 2024-09-01
    development_start: 2024-01-01
    useful_life: 2
    capitalize_from: 2024-05-01
    program:
      name: model-a
      model: {params_active: 1B, tokens: 100B}
      final_run: {hardware: h100-sxm, gpus: 64, gpu_hours: 100K, usd_per_gpu_hour: 2, start: 2024-06-01}
      staff:
        duration: 1 year
        roles: [{role: r, headcount: 5, salary_usd: 100K, overhead: 1, equity_usd: 0}]
      data: [{name: licences, usd: 1M}]
"""


def test_ifrs_capitalizes_development_and_amortizes_it_from_the_release():
    run, gaap = books(RELEASE)
    ifrs = post(run, Policy("ifrs"))
    cap = ifrs.flow(acc.MODEL_DEVELOPMENT, 2024)
    assert np.all(cap > 0)
    assert np.allclose(gaap.balance("Assets:Intangible", 2030), 0)
    # amortized straight-line over two years from 1 September 2024
    assert np.allclose(ifrs.flow(acc.AMORTIZATION, 2024), cap * 122 / (2 * 365.25))
    assert np.allclose(-ifrs.balance(acc.ACC_AMORTIZATION, 2026), cap)
    # the staff capitalized are the program's ($500K over 1 Jan to 1 Sep) after the criteria date (1 May),
    # taken from the lab's R&D pay and stock compensation in proportion
    staff_cap = sum(gaap.flow(a, 2024) - ifrs.flow(a, 2024) for a in (acc.RND_STAFF, acc.RND_SBC))
    assert staff_cap[0] == pytest.approx(500e3 * 123 / 244)
    # capitalized cash is investing cash under IFRS, operating under US GAAP; total cash is the same
    assert np.all(ifrs.cash_flow("investing", 2024) < gaap.cash_flow("investing", 2024))
    for y in run.years:
        assert np.allclose(ifrs.balance(acc.CASH, y), gaap.balance(acc.CASH, y))


def test_data_of_a_program_is_booked_once():
    _, gaap = books(RELEASE)
    assert np.allclose(gaap.balance(acc.RND_DATA, 2030), 1e6)
    # the program's compute and staff ran on the lab's fleet and payroll: not booked again
    assert np.allclose(gaap.balance(acc.RND_STAFF, 2030), 10 * 100e3 * 2)


def test_training_run_add_back_only_for_what_stays_expensed():
    run, gaap = books(RELEASE.replace("capitalize_from: 2024-05-01", "capitalize_from: 2024-08-01"))
    ifrs = post(run, Policy("ifrs"))
    name = TRAINING + "model-a"
    g = dict(statements(gaap, (2024,))[0].addbacks)
    i = dict(statements(ifrs, (2024,))[0].addbacks)
    assert g[name] > 0
    assert name not in i or i[name] < g[name]


@pytest.fixture(scope="module")
def deepseek():
    run = draw(load_lab("deepseek"), 400, 0)
    return run, post(run, Policy("us-gaap")), post(run, Policy("ifrs"))


def test_deepseek_same_cash_different_profit_line_by_line(deepseek):
    run, gaap, ifrs = deepseek
    diffs = compare(gaap, ifrs)
    for d in diffs:
        assert np.all(d.cash == 0)
        ni = d.income["net_income"]
        # the profit difference is the sum of the account differences, line by line
        total = sum((v for v in d.accounts.values()), np.zeros(run.n))
        assert np.allclose(ni, -total, atol=1e-3)
        # by function, depreciation and amortization sit inside cost of revenue, R&D and SG&A
        parts = d.income["rnd"] + d.income["cogs"] + d.income["sga"] + d.income["interest"] + d.income["tax"]
        assert np.allclose(ni, -parts, atol=1e-3)
    for d in compare(gaap, ifrs, "nature"):
        parts = d.income["rnd"] + d.income["cogs"] + d.income["sga"] + d.income["depreciation_amortization"] \
            + d.income["interest"] + d.income["tax"]
        assert np.allclose(d.income["net_income"], -parts, atol=1e-3)
    by_year = {d.year: d for d in diffs}
    assert np.all(by_year[2023].income["net_income"] == 0)  # no development capitalized before V3's final run
    assert np.mean(by_year[2024].income["net_income"]) > 1e6  # V3 and R1 capitalized: IFRS profit is higher
    assert np.mean(by_year[2025].income["net_income"]) < -1e6  # then amortized: IFRS profit is lower
    assert acc.AMORTIZATION in by_year[2025].accounts and acc.RND_STAFF in by_year[2024].accounts


def test_deepseek_serving_reproduces_the_labs_own_theoretical_revenue(deepseek):
    _, gaap, _ = deepseek
    ys = statements(gaap, (2025,))[0]
    assert ys.unit is not None
    daily = 342e9 * 0.14 / 1e6 + 266e9 * 0.55 / 1e6 + 168e9 * 2.19 / 1e6
    assert daily == pytest.approx(562_027, rel=1e-3)  # the day-6 post's figure
    assert np.allclose(ys.unit["revenue_at_list_prices"], daily * 365)
    assert np.all(ys.income["revenue"] < daily * 365)  # billed share below 100%
    assert np.mean(ys.income["revenue"]) > 0.2 * daily * 365
