"""Staff drawn person by person (`per_person: true`, Epoch AI's development-cost method) against per role."""

from __future__ import annotations

import numpy as np
import pytest

from fullcost import estimation
from fullcost.quantity import parse, stream
from fullcost.scenario import loads

from .conftest import TOY

STAFF = """staff:
  duration: 1 year
  roles:
    - role: research
      headcount: {head}
      salary_usd: {salary}
      overhead: 1.2
      equity_usd: 10K
      share: {share}
      per_person: {per}
"""


def _staff_usd(text: str, samples: int = 50, seed: int = 0) -> np.ndarray:
    est = estimation.run(loads(text, "s.yaml"), samples, seed)
    [item] = [it for it in est.iceberg.development if it.category == "staff"]
    return np.asarray(item.usd)


def test_point_values_give_the_same_cost_per_person_and_per_role():
    for per in ("true", "false"):
        usd = _staff_usd(TOY + STAFF.format(head=3, salary="100K", share="50%", per=per))
        assert usd == pytest.approx(np.full(50, 3 * (100_000 * 1.2 + 10_000) * 0.5 * 1.0), rel=1e-12)


def test_each_person_is_drawn_from_their_own_stream():
    """The documented contract: person i's share is drawn from the stream of 'staff.roles[0].share#i'."""
    n, seed = 200, 7
    usd = _staff_usd(TOY + STAFF.format(head=4, salary="100K", share="{uniform: [0.1, 0.9]}", per="true"), n, seed)
    share = parse({"uniform": [0.1, 0.9]}, "fraction")
    shares = sum(share.sample(stream(seed, f"staff.roles[0].share#{i}"), n) for i in range(4))
    by_hand = shares * (100_000 * 1.2 + 10_000)
    assert usd == pytest.approx(by_hand, rel=1e-12)


def test_people_drawn_separately_average_out():
    """100 people with a share uniform on [0.1, 0.9]: the same mean as one draw for the role, but the spread of
    a sum of 100 independent shares is a tenth of 100 x one share's."""
    n = 4000
    text = TOY + STAFF.format(head=100, salary="100K", share="{uniform: [0.1, 0.9]}", per="{per}")
    person = _staff_usd(text.replace("{per}", "true"), n)
    role = _staff_usd(text.replace("{per}", "false"), n)
    pay = 100_000 * 1.2 + 10_000
    assert person.mean() == pytest.approx(100 * 0.5 * pay, rel=0.01)
    assert role.mean() == pytest.approx(100 * 0.5 * pay, rel=0.03)
    sd_one = 0.8 / np.sqrt(12)
    assert person.std() == pytest.approx(10 * sd_one * pay, rel=0.06)
    assert role.std() == pytest.approx(100 * sd_one * pay, rel=0.06)


def test_regional_pay_is_drawn_per_person_too():
    """Without a salary in the scenario each person draws the region's pay: the spread shrinks as 1/sqrt(n)."""
    base = TOY + """staff:
  duration: 1 year
  roles:
    - {role: research, headcount: 50, per_person: PER}
"""
    person = _staff_usd(base.replace("PER", "true"), 2000)
    role = _staff_usd(base.replace("PER", "false"), 2000)
    assert person.mean() == pytest.approx(role.mean(), rel=0.05)
    assert person.std() < role.std() / 3


def test_many_people_and_many_samples_stay_in_memory_bounds():
    """284 people (GPT-4's contributors) x 20,000 samples: accumulated person by person, never a matrix."""
    import tracemalloc

    text = TOY + STAFF.format(head=284, salary="150K to 260K", share="5% to 80%", per="true")
    doc = loads(text, "s.yaml")
    tracemalloc.start()
    estimation.run(doc, 20_000, 0)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 284 * 20_000 * 8 / 4  # a quarter of the people x samples matrix it would otherwise take


@pytest.mark.parametrize("head, expect", [
    ("10 to 20", "per_person needs a headcount that is one whole number"),
    ("2.5", "per_person needs a whole number of people, got 2.5"),
    ("20001", "at most 10,000 people"),
])
def test_per_person_needs_a_whole_known_headcount(cli, write, head, expect):
    r = cli("estimate", str(write(TOY + STAFF.format(head=head, salary="100K", share="50%", per="true"))))
    assert r.code == 2
    lines = r.err.strip().splitlines()
    assert len(lines) == 1 and "staff.roles[0]" in lines[0] and expect in lines[0], r.err
