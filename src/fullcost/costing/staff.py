"""Staff: roles x headcount x (salary x overhead + equity) x share of time x duration, with regional pay."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fullcost import catalog
from fullcost.context import Context
from fullcost.quantity import Arr
from fullcost.scenario import Role


@dataclass(frozen=True)
class RoleCost:
    role: Role
    usd: Arr
    detail: str


def annual_cost_per_person(ctx: Context, path: tuple[str | int, ...], role: Role, region: catalog.Region) -> Arr:
    """Loaded annual cost of one person: salary x overhead + equity."""
    pay = role.pay or "researcher"
    rp = f"regions.{region.id}.staff"
    if role.salary_usd is not None:
        salary = ctx.q((*path, "salary_usd"), role.salary_usd, "usd")
    else:
        d = region.staff.get(f"{pay}_salary_usd")
        if d is None:
            raise ctx.error((*path, "pay"), f"region '{region.id}' has no {pay} pay: give salary_usd")
        salary = ctx.sampler.draw(f"{rp}.{pay}_salary_usd", d)
        ctx.used[f"{rp}.{pay}_salary_usd"] = d
    over_d = region.staff.get("benefits_overhead")
    if role.overhead is not None:
        overhead = ctx.q((*path, "overhead"), role.overhead, "multiplier")
    elif over_d is not None:
        overhead = ctx.opt((*path, "overhead"), None, over_d, f"{rp}.benefits_overhead")
    else:
        overhead = ctx.const(1.0)
    eq_d = region.staff.get("equity_usd")
    if role.equity_usd is not None:
        equity = ctx.q((*path, "equity_usd"), role.equity_usd, "usd")
    elif eq_d is not None and pay in ("researcher", "engineer"):
        equity = ctx.opt((*path, "equity_usd"), None, eq_d, f"{rp}.equity_usd")
    else:
        equity = ctx.const(0.0)
    return salary * overhead + equity


def role_cost(ctx: Context, path: tuple[str | int, ...], role: Role, region: catalog.Region,
              duration: Arr | None, full_time: bool = False) -> RoleCost:
    head = ctx.q((*path, "headcount"), role.headcount, "count")
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
    per_person = annual_cost_per_person(ctx, path, role, region)
    usd = head * per_person * share * years
    detail = (f"{role.headcount.text} {role.role} x loaded pay ({role.pay or 'researcher'}, {region.name})"
              + ("" if full_time or role.share is None else f" x {role.share.text} of their time"))
    return RoleCost(role, usd, detail)
