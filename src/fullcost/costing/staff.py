"""Staff: roles x headcount x (salary x overhead + equity) x share of time x duration, with regional pay.

A role is drawn as a whole (one draw of pay and share for everyone in it) or, with ``per_person: true``, person
by person: each person's pay, overhead, equity and share of time are drawn separately and summed, as Epoch AI's
development-cost method does for a model's contributors. The sum is accumulated one person at a time, so
memory stays at a few arrays of the sample count whatever the headcount.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fullcost import catalog
from fullcost.context import Context
from fullcost.errors import dotted
from fullcost.quantity import Arr, Dist
from fullcost.scenario import Role


@dataclass(frozen=True)
class RoleCost:
    role: Role
    usd: Arr
    detail: str


# One input of a person's cost: drawn per person from (name, dist), or one array shared by the role.
Input = tuple[str, Dist] | Arr


def _inputs(ctx: Context, path: tuple[str | int, ...], role: Role, region: catalog.Region,
            full_time: bool) -> dict[str, Input]:
    """Salary, overhead, equity and share of one role's person, each as (input name, distribution) to draw, or an
    array: a constant, or a shared ``{ref: NAME}`` input (drawn once, as its name says)."""
    pay = role.pay or "researcher"
    rp = f"regions.{region.id}.staff"

    def field(key: str, d: Dist, dim: str) -> Input:
        return ctx.q((*path, key), d, dim) if d.ref is not None else (dotted((*path, key)), d)

    out: dict[str, Input] = {}
    if role.salary_usd is not None:
        out["salary"] = field("salary_usd", role.salary_usd, "usd")
    else:
        d = region.staff.get(f"{pay}_salary_usd")
        if d is None:
            raise ctx.error((*path, "pay"), f"region '{region.id}' has no {pay} pay: give salary_usd")
        out["salary"] = (f"{rp}.{pay}_salary_usd", d)
    over_d = region.staff.get("benefits_overhead")
    if role.overhead is not None:
        out["overhead"] = field("overhead", role.overhead, "multiplier")
    else:
        out["overhead"] = (f"{rp}.benefits_overhead", over_d) if over_d is not None else ctx.const(1.0)
    eq_d = region.staff.get("equity_usd")
    if role.equity_usd is not None:
        out["equity"] = field("equity_usd", role.equity_usd, "usd")
    elif eq_d is not None and pay in ("researcher", "engineer"):
        out["equity"] = (f"{rp}.equity_usd", eq_d)
    else:
        out["equity"] = ctx.const(0.0)
    out["share"] = field("share", role.share, "fraction") if role.share is not None and not full_time \
        else ctx.const(1.0)
    return out


def _draw(ctx: Context, x: Input) -> Arr:
    """One draw for the whole role, under the input's own name (a scenario path or a catalog name)."""
    if isinstance(x, np.ndarray):
        return x
    name, d = x
    ctx.used[name] = d
    return ctx.sampler.draw(name, d)


def annual_cost_per_person(ctx: Context, path: tuple[str | int, ...], role: Role, region: catalog.Region) -> Arr:
    """Loaded annual cost of one person: salary x overhead + equity."""
    x = _inputs(ctx, path, role, region, True)
    return _draw(ctx, x["salary"]) * _draw(ctx, x["overhead"]) + _draw(ctx, x["equity"])


def _people(ctx: Context, x: dict[str, Input], head: int) -> Arr:
    """Sum over ``head`` people of (salary x overhead + equity) x share, each person drawn separately."""

    def each(key: str, i: int) -> Arr:
        v = x[key]
        return v if isinstance(v, np.ndarray) else ctx.draw_each(v[0], v[1], i)

    total = np.zeros(ctx.n)
    for i in range(head):
        total += (each("salary", i) * each("overhead", i) + each("equity", i)) * each("share", i)
    return total


def role_cost(ctx: Context, path: tuple[str | int, ...], role: Role, region: catalog.Region,
              duration: Arr | None, full_time: bool = False) -> RoleCost:
    if role.per_person:
        head = int(role.headcount.central())  # a whole number, checked with the scenario
        ctx.used[dotted((*path, "headcount"))] = role.headcount
    else:
        head_arr = ctx.q((*path, "headcount"), role.headcount, "count")
        share = ctx.q((*path, "share"), role.share, "fraction") if role.share is not None and not full_time \
            else ctx.const(1.0)
    if role.duration is not None:
        years = ctx.q((*path, "duration"), role.duration, "years")
    elif duration is not None:
        years = duration
    else:
        raise ctx.error((*path, "duration"), "no duration: give one here or in the staff section")
    if np.any(years <= 0):
        raise ctx.error((*path, "duration"), "must be more than zero: staff cost accrues over time")
    x = _inputs(ctx, path, role, region, full_time)
    if role.per_person:
        usd = _people(ctx, x, head) * years
    else:
        per_person = _draw(ctx, x["salary"]) * _draw(ctx, x["overhead"]) + _draw(ctx, x["equity"])
        usd = head_arr * per_person * share * years
    detail = (f"{role.headcount.text} {role.role} x loaded pay ({role.pay or 'researcher'}, {region.name})"
              + ("" if full_time or role.share is None else f" x {role.share.text} of their time")
              + (", each person drawn separately" if role.per_person else ""))
    return RoleCost(role, usd, detail)
