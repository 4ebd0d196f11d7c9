"""Human labels for input paths: ``staff.roles[0].share`` reads "research & engineering staff: share of time on the
model", ``regions.china.staff.researcher_salary_usd`` "researcher salary, China (catalog)". The path itself stays
what ``--set`` takes; the label is for tables and charts."""

from __future__ import annotations

from typing import Any

from fullcost.overrides import tokens

FIELD = {
    "share": "share of time on the model", "headcount": "headcount", "salary_usd": "salary",
    "overhead": "benefits overhead", "equity_usd": "equity per person", "duration": "duration",
    "runs": "number of runs", "gpu_hours_each": "GPU-hours per run", "gpu_hours": "GPU-hours",
    "share_of_final": "GPU-hours as a multiple of the final run's", "count": "GPU count",
    "a100_equivalents": "size in A100-equivalents", "price_usd": "price per GPU", "premium": "price premium",
    "usd": "cost", "usd_per_year": "cost a year", "gpus": "GPUs", "mfu": "MFU",
}
WHOLE = {
    "final_run.usd_per_gpu_hour": "final run: the quoted rental price", "final_run.gpu_hours": "final-run GPU-hours",
    "final_run.gpus": "final-run GPUs", "final_run.duration": "final-run duration", "final_run.mfu": "final-run MFU",
    "model.tokens": "training tokens", "model.params_total": "total parameters",
    "model.params_active": "active parameters", "staff.duration": "development time (staff)",
    "fleet.utilization": "fleet utilization", "fleet.useful_life_years": "fleet useful life",
    "fleet.facility_usd_per_kw_month": "datacenter price per kW-month", "overhead.share": "overhead (SG&A) share",
    "overhead.usd": "overhead (SG&A)", "lab.overhead.share": "the lab's overhead share",
    "lab.cloud_usd_per_year": "the lab's cloud spend a year", "program.multiplier": "program compute multiplier",
    "export_controls.compute_lost": "GPU-hours lost to export controls",
    "export_controls.staff_share": "staff effort on export-control workarounds",
    "ownership.purchase_usd_per_gpu": "purchase price per GPU", "ownership.useful_life_years": "useful life",
}
CATALOG_FIELD = {
    "purchase.reference": "purchase price", "rental.reference": "rental rate", "tdp_w": "TDP",
    "server_overhead": "server cost over the GPU's", "server_power_ratio": "server-to-GPU power ratio",
    "power_fraction": "average power draw (share of TDP)", "pue": "PUE",
    "researcher_salary_usd": "researcher salary", "engineer_salary_usd": "engineer salary",
    "annotator_salary_usd": "annotator salary", "business_salary_usd": "business staff salary",
    "benefits_overhead": "benefits overhead", "equity_usd": "equity pay",
}
DEFAULTS = {
    "useful_life_years": "GPU useful life", "interconnect_share": "interconnect share of cluster cost",
    "price_performance_oom_per_year": "hardware value decline (OOM a year)",
    "hardware_price_performance": "hardware price-performance gain (OOM a year)",
    "algorithmic_halving_months": "algorithmic efficiency: months to halve compute",
    "frontier_cost_growth_per_year": "frontier cost growth a year", "frontier_anchor_usd": "frontier run cost",
}
LISTS = {("staff", "roles"): "{} staff", ("lab", "staff"): "{} (lab staff)", ("program", "runs"): "{}",
         ("final_run", "phases"): "final run, {}", ("fleet", "gpus"): "fleet {} GPUs", ("data",): "data: {}",
         ("lab", "other"): "{}"}


def label(name: str, scenario: Any = None) -> str:
    """A reader's label for an input name (a scenario path or a catalog input)."""
    try:
        return _label(name, scenario)
    except (ValueError, IndexError, AttributeError, TypeError):
        return name


def _label(name: str, sc: Any) -> str:
    if name in WHOLE:
        return WHOLE[name]
    root, _, rest = name.partition(".")
    if root == "hardware":
        from fullcost import catalog

        cid, _, key = rest.partition(".")
        chip = catalog.hardware().get(cid)
        what = CATALOG_FIELD.get(key) or (f"{key.split('_')[0].upper()} peak" if key.endswith(("_tflops", "_tops"))
                                          else key.replace("_", " "))
        return f"{chip.name if chip else cid}: {what} (catalog)"
    if root == "regions":
        from fullcost import catalog

        rid, _, key = rest.partition(".")
        region = catalog.regions().get(rid)
        where = region.name if region else rid
        if key.startswith("electricity."):
            return f"electricity price, {where} ({key.split('.')[1]})"
        key = key.removeprefix("staff.")
        return f"{CATALOG_FIELD.get(key, key.replace('_', ' '))}, {where} (catalog)"
    if root == "defaults":
        return f"{DEFAULTS.get(rest, rest.replace('_', ' '))} (default)"
    if root == "replication":
        step, _, stage = rest.partition(".")
        return f"replication: share of {step.replace('_', ' ')} redone with {stage} released"
    if root == "inputs":
        return f"{rest.replace('_', ' ')} (shared input)"
    toks = tokens(name)
    parts: list[str] = []
    node = sc
    keys: list[str] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        if isinstance(t, str):
            keys.append(t)
            node = getattr(node, t, None) if node is not None else None
            i += 1
            continue
        fmt = LISTS.get(tuple(keys[-2:])) or LISTS.get(tuple(keys[-1:]))
        item = node[t] if isinstance(t, int) and isinstance(node, list) else None
        nm = None
        if item is not None:
            nm = next((getattr(item, k) for k in ("name", "role", "hardware") if isinstance(getattr(item, k, None),
                                                                                          str)), None)
        parts.append((fmt or "{}").format(nm if nm is not None else f"{keys[-1]}[{t if isinstance(t, int) else t[0]}]"))
        keys = []
        node = item
        i += 1
    if keys:
        leaf = FIELD.get(keys[-1], keys[-1].replace("_", " "))
        head = " ".join(k.replace("_", " ") for k in keys[:-1])
        parts.append(f"{head} {leaf}".strip() if head else leaf)
    return ": ".join(parts)


def label_rows(rows: list[dict[str, Any]], scenario: Any, key: str = "input") -> list[dict[str, Any]]:
    """The rows with a ``label`` beside each input name."""
    return [{**r, "label": label(str(r[key]), scenario)} for r in rows]
