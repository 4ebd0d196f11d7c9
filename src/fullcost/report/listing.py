"""Rows for the catalog listings (`fullcost models`, `fullcost hardware`)."""

from __future__ import annotations

from typing import IO, Any


def _c(d: Any) -> float | None:
    return None if d is None else d.central()


def model_rows(org: str | None = None, since: int | None = None, top: int | None = None) -> list[dict[str, Any]]:
    """The model index's rows (every fact with its source), filtered by developer, release year and frontier rank."""
    from fullcost import model_index

    out = []
    for r in model_index.rows():
        if org and org.lower() not in f"{r['developer']} {r['facts'].get('organization', {}).get('value', '')}".lower():
            continue
        if since is not None and (not r["released"] or int(r["released"][:4]) < since):
            continue
        if top is not None and (r["frontier_rank"] is None or r["frontier_rank"] > top):
            continue
        out.append(r)
    return out


_FLAT = (("params", "params_total"), ("params_active", "params_active"), ("tokens", "tokens"),
         ("compute_flop", "training_compute_flop"), ("gpus", "gpus"), ("gpu_hours", "gpu_hours"),
         ("authors", "authors"), ("country", "country"), ("model_accessibility", "model_accessibility"),
         ("training_code_accessibility", "training_code_accessibility"),
         ("epoch_amortized_usd", "epoch_amortized_usd"))


def model_table_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One flat row per model (central values; the JSON listing has each fact's source)."""
    out = []
    for r in rows:
        flat: dict[str, Any] = {k: r[k] for k in ("name", "title", "developer", "released", "hardware", "openness",
                                                 "frontier_rank", "epoch_cost_table", "final_run_only")}
        for col, key in _FLAT:
            f = r["facts"].get(key)
            flat[col] = None if f is None else f.get("value")
        out.append(flat)
    return out


def plain_table(title: str, rows: list[dict[str, Any]], columns: dict[str, str], out: IO[str]) -> None:
    """Rows as aligned plain text: a long listing prints at once (a rich table takes a second for the catalog)."""
    from fullcost import fmt

    def cell(k: str, v: Any) -> str:
        if v is None:
            return ""
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return f"{v:.3g}" if abs(v) >= 1e15 else fmt.num(float(v)) if isinstance(v, float) else str(v)
        text = str(v)
        return text if len(text) <= 40 else text[:39] + "…"

    cells = [[cell(k, r.get(k)) for k in columns] for r in rows]
    heads = list(columns.values())
    widths = [max([len(h), *(len(c[i]) for c in cells)]) for i, h in enumerate(heads)]
    out.write(title + "\n")
    out.write("  ".join(h.ljust(w) for h, w in zip(heads, widths, strict=True)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for c in cells:
        out.write("  ".join(x.ljust(w) for x, w in zip(c, widths, strict=True)).rstrip() + "\n")


def write_csv(rows: list[dict[str, Any]], out: IO[str]) -> None:
    """The rows as CSV; text a spreadsheet would read as a formula is written as text (``safe.csv_cell``)."""
    import csv

    from fullcost.safe import csv_cell

    if not rows:
        return
    w = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: "" if v is None else csv_cell(v) for k, v in r.items()})


def hardware_rows() -> list[dict[str, Any]]:
    from fullcost import catalog

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
