"""The owned fleet priced per GPU-hour, from a fleet file or the fleet section of a lab scenario.

A fleet file (YAML)::

    region: us                  # catalog region for defaults (electricity price, PUE)
    fleet:                      # exactly a scenario's fleet section (`fullcost schema`); utilization is measured
      gpus:
        - {hardware: h100-sxm, count: 512, price_usd: 30000, price_basis: hgx}
      useful_life_years: 5
      pue: 1.2
      electricity_usd_per_kwh: 0.08
      facility_usd_per_kw_month: 150
    pools:                      # optional: which usage runs on which GPUs (default: one pool, the whole fleet)
      - {name: h100, gpus: [0], match: {cluster: alpha, partition: [h100, debug]}, from: 2025-01-01}
    idle: weighted              # how idle capacity is shared: weighted | even | none (kept apart)
    period: {start: 2025-01-01, end: 2026-01-01}   # default: the months that have usage
    headline_usd_per_gpu_hour: 2.0                 # default: the catalog's rental price for the hardware

Or any scenario with a fleet section (a catalog name such as ``deepseek-v3``, or a scenario file). The fleet's
own costing (``fullcost.costing.fleet``) gives each GPU's capex, power and facility share at central values:

- depreciation and facility accrue per hour of capacity (working or idle): capex / (life x 8,766 h), and
  IT kW x facility price;
- energy is drawn per working hour: power x server ratio x average draw x PUE x electricity price.

A used GPU-hour costs all three; an idle GPU-hour costs depreciation and facility. Idle hours are capacity
hours (GPUs x hours in the period) less used hours, per pool and month.

Where the GPUs' own energy was measured (the tracker's NVML counter, CodeCarbon's ``gpu_energy``), that work's
energy is priced from the measurement instead of the model: a measured GPU-kWh becomes gpu_kWh x server ratio x
PUE at the facility (the model's factors without TDP x average draw), at the same electricity price. Each pool
carries that price per GPU-kWh next to its energy per GPU-hour, both from the same central values; the
per-GPU-kWh factor of a group is its energy per hour / (TDP x average draw), averaged over a pool's groups by
GPU count like the other rates.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fullcost import yamlio
from fullcost.errors import InputError

IDLE_POLICIES = ("weighted", "even", "none")
HOURS_PER_YEAR = 8766.0


@dataclass(frozen=True)
class Pool:
    name: str
    gpus: float
    hardware: str
    dep_per_hour: float  # depreciation per capacity GPU-hour
    fac_per_hour: float  # facility per capacity GPU-hour
    energy_per_hour: float  # energy per used GPU-hour (modelled: TDP x ratio x average draw x PUE x price)
    energy_per_gpu_kwh: float  # energy per measured GPU-kWh (server ratio x PUE x price)
    match: dict[str, tuple[str, ...]] = field(default_factory=dict)
    start: dt.date | None = None
    end: dt.date | None = None

    @property
    def used_rate(self) -> float:
        return self.dep_per_hour + self.fac_per_hour + self.energy_per_hour

    @property
    def idle_rate(self) -> float:
        return self.dep_per_hour + self.fac_per_hour


@dataclass(frozen=True)
class Fleet:
    pools: tuple[Pool, ...]
    idle: str
    period: tuple[dt.date, dt.date] | None
    headline_rate: float | None
    headline_basis: str
    file: str

    def capacity_hours(self, pool: Pool, month: int, first: dt.datetime, last: dt.datetime) -> float:
        """GPU-hours the pool could deliver in ``month`` (YYYYMM) within the period."""
        y, m = divmod(month, 100)
        ms = dt.datetime(y, m, 1)
        me = dt.datetime(y + (m == 12), m % 12 + 1, 1)
        lo, hi = (dt.datetime.combine(self.period[0], dt.time()), dt.datetime.combine(self.period[1], dt.time())) \
            if self.period else (first, last)
        if pool.start:
            lo = max(lo, dt.datetime.combine(pool.start, dt.time()))
        if pool.end:
            hi = min(hi, dt.datetime.combine(pool.end, dt.time()))
        a, b = max(ms, lo), min(me, hi)
        return max((b - a).total_seconds() / 3600.0, 0.0) * pool.gpus

    def months(self, first: dt.datetime, last: dt.datetime) -> list[int]:
        lo, hi = (self.period[0], self.period[1] - dt.timedelta(days=1)) if self.period else (first.date(), last.date())
        out, y, m = [], lo.year, lo.month
        while (y, m) <= (hi.year, hi.month):
            out.append(y * 100 + m)
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out


def month_hours(month: int) -> float:
    y, m = divmod(month, 100)
    return calendar.monthrange(y, m)[1] * 24.0


def _date(v: Any, err: Any, path: tuple[str | int, ...]) -> dt.date:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    try:
        s = str(v)
        return dt.date.fromisoformat(s + "-01" if len(s) == 7 else s)
    except ValueError:
        raise err(path, f"expected a date like 2025-01-01, got '{v}'") from None


def load(spec: str | Path) -> Fleet:
    """A fleet file, or a scenario (catalog name or file) with a fleet section."""
    from fullcost import catalog

    p = Path(spec)
    if not p.exists() and catalog.model_path(str(spec)) is not None:
        return _from_scenario(catalog.load_scenario(str(spec)), {}, {}, str(spec))
    data, pos = yamlio.load(p)
    if isinstance(data, dict) and "model" in data:
        return _from_scenario(catalog.load_scenario(str(p)), {}, {}, str(p))
    return from_data(data, pos, str(p))


def loads(text: str, file: str) -> Fleet:
    data, pos = yamlio.loads(text, file)
    if isinstance(data, dict) and "model" in data:
        from fullcost import scenario

        return _from_scenario(scenario.loads(text, file), {}, {}, file)
    return from_data(data, pos, file)


def from_data(data: Any, pos: yamlio.Positions, file: str) -> Fleet:
    from fullcost import scenario

    def err(path: tuple[str | int, ...], msg: str) -> InputError:
        return InputError(msg, file, yamlio.line_of(pos, path), path)

    if not isinstance(data, dict) or not isinstance(data.get("fleet"), dict):
        raise err((), "a fleet file is a mapping with a 'fleet' section (gpus, useful_life_years, ...), "
                      "or give a scenario with a fleet section")
    known = ("region", "fleet", "pools", "idle", "period", "headline_usd_per_gpu_hour")
    for k in data:
        if k not in known:
            raise err((k,), f"unknown key '{k}' (known: {', '.join(known)})")
    fl = dict(data["fleet"])
    fl.setdefault("utilization", "100%")  # measured from the ledger; the scenario model wants a value
    gpus = fl.get("gpus") if isinstance(fl.get("gpus"), list) else []
    first_hw = gpus[0].get("hardware", "h100-sxm") if gpus and isinstance(gpus[0], dict) else "h100-sxm"
    doc_data = {"name": "fleet", "region": data.get("region", "us"), "fleet": fl,
                "model": {"params_active": 1, "tokens": 1},
                "final_run": {"hardware": str(first_hw), "gpus": 1, "gpu_hours": 1}}
    doc = scenario.from_data(doc_data, file, pos)
    return _from_scenario(doc, data, pos, file)


def _from_scenario(doc: Any, data: dict[str, Any], pos: yamlio.Positions, file: str) -> Fleet:
    from fullcost.context import CentralSampler, Context
    from fullcost.costing.fleet import fleet_cost

    def err(path: tuple[str | int, ...], msg: str) -> InputError:
        return InputError(msg, file, yamlio.line_of(pos, path), path)

    sc = doc.scenario
    if sc.fleet is None:
        raise InputError("this scenario has no fleet section: give a fleet file (see `fullcost ledger costs "
                         "--help`)", file)
    ctx = Context(doc, CentralSampler())
    fc = fleet_cost(ctx, sc.fleet)
    life = float(fc.life_years[0])
    elec = float(fc.usd_per_kwh[0])
    fac = float(fc.facility_usd_per_kw_hour[0])
    # per group: hardware, GPUs, depreciation and facility per capacity hour, energy per used hour, energy per
    # measured GPU-kWh: kWh per hour / (TDP x average draw) is the server ratio x PUE, drawn as the costing drew it
    groups: list[tuple[str, float, float, float, float, float]] = []
    for g in fc.groups:
        tdp_kw = float(ctx.q((f"hardware.{g.chip.id}.tdp_w",), g.chip.tdp_w, "watts")[0]) / 1000.0
        frac = float(ctx.q((f"hardware.{g.chip.id}.power_fraction",), g.chip.power_fraction)[0])
        kwh = float(g.kwh_per_hour[0])
        per_kwh = kwh / (tdp_kw * frac) * elec if tdp_kw * frac > 0 else 0.0
        groups.append((g.chip.id, float(g.count[0]), float(g.capex_per_gpu[0]) / (life * HOURS_PER_YEAR),
                       float(g.it_kw[0]) * fac, kwh * elec, per_kwh))

    def pool_of(name: str, idx: list[int], match: dict[str, tuple[str, ...]], start: dt.date | None,
                end: dt.date | None) -> Pool:
        sel = [groups[i] for i in idx]
        n = sum(g[1] for g in sel)
        if n <= 0:
            raise err(("pools",), f"pool '{name}' has no GPUs")
        avg = [sum(g[1] * g[2] for g in sel) / n, sum(g[1] * g[3] for g in sel) / n,
               sum(g[1] * g[4] for g in sel) / n, sum(g[1] * g[5] for g in sel) / n]
        hw = sel[0][0] if len({g[0] for g in sel}) == 1 else "mixed"
        return Pool(name, n, hw, avg[0], avg[1], avg[2], avg[3], match, start, end)

    pools: list[Pool] = []
    raw_pools = data.get("pools")
    if raw_pools is None:
        pools.append(pool_of("fleet", list(range(len(groups))), {}, None, None))
    else:
        if not isinstance(raw_pools, list) or not raw_pools:
            raise err(("pools",), "expected a list of pools: {name, gpus: [indexes], match: {cluster: ...}}")
        for i, rp in enumerate(raw_pools):
            p: tuple[str | int, ...] = ("pools", i)
            if not isinstance(rp, dict):
                raise err(p, "a pool is a mapping: {name, gpus: [indexes], match: {...}}")
            for k in rp:
                if k not in ("name", "gpus", "match", "from", "to"):
                    raise err((*p, k), f"unknown key '{k}' (known: name, gpus, match, from, to)")
            idx = rp.get("gpus", list(range(len(groups))))
            if not isinstance(idx, list) or not all(isinstance(x, int) and 0 <= x < len(groups) for x in idx):
                raise err((*p, "gpus"), f"expected indexes into fleet.gpus (0 to {len(groups) - 1})")
            m = rp.get("match") or {}
            if not isinstance(m, dict):
                raise err((*p, "match"), "expected a mapping such as {cluster: alpha, partition: [h100]}")
            for k in m:
                if k not in ("cluster", "partition"):
                    raise err((*p, "match", k), f"a pool matches on cluster and partition, not '{k}'")
            match = {str(k): tuple(str(x) for x in (v if isinstance(v, list) else [v])) for k, v in m.items()}
            start = _date(rp["from"], err, (*p, "from")) if "from" in rp else None
            end = _date(rp["to"], err, (*p, "to")) if "to" in rp else None
            pools.append(pool_of(str(rp.get("name", f"pool{i}")), idx, match, start, end))
    idle = str(data.get("idle", "weighted"))
    if idle not in IDLE_POLICIES:
        raise err(("idle",), f"unknown idle policy '{idle}' (known: {', '.join(IDLE_POLICIES)})")
    period = None
    if "period" in data:
        pr = data["period"]
        if not isinstance(pr, dict) or "start" not in pr or "end" not in pr:
            raise err(("period",), "expected {start: DATE, end: DATE}")
        period = (_date(pr["start"], err, ("period", "start")), _date(pr["end"], err, ("period", "end")))
        if period[1] <= period[0]:
            raise err(("period", "end"), "must be after the start")
    rate, basis = None, ""
    if "headline_usd_per_gpu_hour" in data:
        from fullcost.quantity import QuantityError, parse

        try:
            rate = parse(data["headline_usd_per_gpu_hour"], "usd_per_hour").central()
        except QuantityError as e:
            raise err(("headline_usd_per_gpu_hour",), str(e)) from None
        basis = "fleet file"
    else:
        from fullcost import catalog

        ref = catalog.chip(groups[0][0]).reference_rate()
        if ref is not None:
            rate, basis = ref.usd_per_hour.central(), f"catalog rental price of {groups[0][0]} ({ref.provider})"
    return Fleet(tuple(pools), idle, period, rate, basis, file)
