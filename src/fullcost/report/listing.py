"""Rows for the catalog listings (`fullcost models`, `fullcost hardware`)."""

from __future__ import annotations

from typing import Any

from fullcost import catalog


def _c(d: Any) -> float | None:
    return None if d is None else d.central()


def model_rows() -> list[dict[str, Any]]:
    rows = []
    for name in catalog.model_names():
        sc = catalog.load_scenario(name).scenario
        m = sc.model
        rows.append({
            "name": sc.name,
            "title": sc.title or sc.name,
            "developer": sc.developer or "",
            "released": sc.released.isoformat() if sc.released else "",
            "params_total": _c(m.params_total),
            "params_active": _c(m.params_active if m.params_active is not None else m.params_total),
            "tokens": _c(m.tokens),
            "hardware": hw if isinstance(hw := sc.final_run.hardware, str) else str(hw.get("name", "inline")),
        })
    return rows


def hardware_rows() -> list[dict[str, Any]]:
    rows = []
    for c in catalog.hardware().values():
        price = c.reference_price()
        rate = c.reference_rate()
        rows.append({
            "id": c.id,
            "name": c.name,
            "family": c.family,
            **{k: _c(getattr(c, k)) for k in catalog.PEAK_KEYS},
            "tdp_w": _c(c.tdp_w),
            "memory_gb": _c(c.memory_gb),
            "scaleup_gbps": _c(c.scaleup_gbps),
            "purchase_usd": _c(price.usd) if price else None,
            "purchase_basis": price.basis if price else None,
            "rental_usd_per_hour": _c(rate.usd_per_hour) if rate else None,
            "rental_terms": f"{rate.provider} {rate.terms} {rate.date.isoformat()}" if rate else None,
        })
    return rows
