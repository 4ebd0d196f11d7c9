"""The parts of a generated catalog entry, each fact cited to Epoch AI's record (see build_epoch_catalog.py)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import epoch_method as em

DB = "epoch-db-2025"
CODE = "epoch-cost-code-2025"
COSTS = "epoch-model-costs-2025"
FRONTIER = "epoch-frontier-2025"
DEV = "epoch-dev-cost"

COUNTRY_REGION = {
    "United States of America": "us", "China": "china", "United Kingdom of Great Britain and Northern Ireland": "uk",
    "France": "france", "Germany": "germany", "Israel": "israel", "United Arab Emirates": "uae",
    "Korea (Republic of)": "korea", "Saudi Arabia": "saudi-arabia", "Poland": "poland", "Hong Kong": "hong-kong",
    "Canada": "canada",
}
OPEN_WEIGHTS = ("Open weights (unrestricted)", "Open weights (non-commercial)", "Open weights (restricted use)")
OPEN_CODE = ("Open source", "Open (non-commercial)", "Open (restricted use)")
MULTIPLIER = {
    "value": "1.2 to 4", "source": DEV,
    "published": "experiment_factor = lognorm_from_90_ci(1.2, 4, N)",
    "why": ("Epoch AI's ratio of a whole program's compute (experiments, smaller models, failed runs) to the final "
            "run's, from GPT-3's smaller models (1.14x, a floor), Meta's 10:20 experimentation-to-training power "
            "(1.5x), OPT-175B ('roughly 2x higher' with ablations and downtime) and BLOOM (~2.7x); nothing "
            "better is known for this model."),
}
SHARE = {
    "value": "5% to 80%", "source": DEV,
    "published": "ftes = lognorm_from_90_ci(0.05, 0.8, (N, num_contributors))",
    "why": ("Epoch AI's share of each contributor's time on the model, drawn for each person separately: authors "
            "range from core full-time researchers to people who contributed an evaluation or a dataset."),
}
DURATION = {
    "value": "6 to 18 months", "source": DEV,
    "published": ("project_duration = 192 / DAYS_PER_YEAR (OPT-175B); project_start_low = datetime(2022, 1, 1) ... "
                  "(GPT-4); p_5th_project_duration_years = 7 / 12; p_95th_project_duration_years = 20 / 12 "
                  "(Gemini 1.0 Ultra)"),
    "why": ("Epoch AI sizes each project it studies from its own dates: OPT-175B 192 days, GPT-3 about 6 to 12 "
            "months, GPT-4 9.5 to 14.5 months, Gemini 1.0 Ultra 7 to 20 months. This model has no such dates, so "
            "the span of those four is used."),
}


def whole(v: Any) -> Any:
    """Integral floats as ints, so the YAML reads 540350000000 rather than 540350000000.0."""
    return int(v) if isinstance(v, float) and v.is_integer() and abs(v) < 1e18 else v


def cite(col: str, row: dict[str, str], value: Any, notes_col: str | None = None, unit: str = "") -> dict[str, Any]:
    value = whole(value)
    out: dict[str, Any] = {"value": f"{value:g}{unit}" if unit else value,
                           "source": DB, "published": f"{col}: {row[col].strip()}"}
    note = row.get(notes_col or "", "").strip() if notes_col else ""
    link = first_link(row)
    parts = []
    if note:
        parts.append("Epoch AI's notes: " + squash(note, 300))
    if link:
        parts.append(f"the record cites {link}")
    if parts:
        out["note"] = "; ".join(parts)
    return out


def squash(s: str, n: int) -> str:
    s = re.sub(r"\s+", " ", s).strip()
    return s if len(s) <= n else s[: n - 1].rstrip() + "…"


def first_link(row: dict[str, str]) -> str | None:
    m = re.search(r"https?://\S+", row.get("Link", ""))
    return m.group(0).rstrip(";,") if m else None


def url_of(text: str | None) -> str | None:
    """The web address in a price row's source cell (some cells carry words after it, e.g. 'linux/ copy')."""
    m = re.search(r"https?://\S+", text or "")
    return m.group(0) if m else None


def paper(row: dict[str, str]) -> dict[str, Any] | None:
    link = first_link(row)
    if not link:
        return None
    out: dict[str, Any] = {"title": squash(row["Reference"], 200) or row["Model"], "url": link,
                           "date": row["Publication date"].strip()[:10]}
    out["document"] = "As cited by Epoch AI's record of the model; figures are quoted from Epoch AI's database."
    return out


def author_names(row: dict[str, str]) -> list[str]:
    """The people in the record's author list: headings and team names dropped, each name once."""
    text = row["Authors"].strip()
    if not text:
        return []
    orgs = {o.strip().lower() for o in row["Organization"].split(",")}
    seen: dict[str, None] = {}
    for line in text.splitlines():
        parts = [p.strip() for p in re.split(r"[,;]", line) if p.strip()]
        if len(parts) == 1 and not line.rstrip().endswith(",") and re.search(
                r"\b(leads?|contributors?|team|acknowledg\w*)\b", parts[0], re.I) and len(parts[0].split()) <= 4:
            continue  # a section heading such as "Pre-training leads"
        for p in parts:
            low = p.lower()
            if low in orgs or re.search(r"\bteam\b", low) or low in ("openai", "et al.", "et al"):
                continue
            if len(p.split()) > 5:  # several names run together without separators: the list cannot be read
                return []
            seen.setdefault(p, None)
    return list(seen)


def author_count(row: dict[str, str]) -> int | None:
    n = len(author_names(row))
    return n or None


def region(row: dict[str, str]) -> tuple[str, str | None]:
    countries = [c.strip() for c in row["Country (of organization)"].split(",") if c.strip()]
    real = [c for c in countries if c != "Multinational"]
    if not real:
        return "us", "Epoch AI's record gives no country: staff are paid at US rates."
    rid = COUNTRY_REGION.get(real[0])
    if rid is None:
        return "us", f"No pay data for {real[0]}: staff are paid at US rates."
    note = None
    if len(set(real)) > 1:
        note = (f"Organizations in {', '.join(dict.fromkeys(real))}: staff are paid at the rates of the first "
                f"({real[0]}).")
    return rid, note


def openness(row: dict[str, str]) -> tuple[str, str | None]:
    model, code = row["Model accessibility"].strip(), row["Training code accessibility"].strip()
    weights, open_code = model in OPEN_WEIGHTS, code in OPEN_CODE
    if weights and open_code:
        return "weights+code", None
    if weights:
        return "weights", None
    note = None
    if not model:
        note = "Epoch AI's record does not say whether the model was released: treated as closed."
    elif open_code:
        note = f"Training code released ({code}) but not the weights ({model}): treated as closed for replication."
    return "closed", note


def description(row: dict[str, str], rank: int | None, costed: bool) -> str:
    domain = row["Domain"].replace(",", ", ") or "machine learning"
    acc = row["Model accessibility"].strip() or "accessibility not recorded"
    frontier = (f" One of Epoch AI's frontier models (top {rank} by training compute when published)."
                if rank else "")
    cost = (" Its final run carries Epoch AI's inputs for the amortized hardware + energy cost of Cottier et al."
            if costed else " Epoch AI gives it no cost; the final run is priced with Epoch's method.")
    return (f"{domain} model by {row['Organization'].replace(',', ', ')}, published {row['Publication date'][:10]} "
            f"({acc}).{frontier}{cost} Around it, Epoch AI's development-cost method: program compute 1.2-4x the "
            f"final run and the authors' time at regional pay.")


def facts(data: em.Data, name: str, rank: int | None) -> dict[str, Any]:
    row = data.systems[name]
    out: dict[str, Any] = {}

    def put(key: str, col: str, value: Any, note: str | None = None) -> None:
        if value in (None, ""):
            return
        f: dict[str, Any] = {"value": whole(value), "source": DB, "published": f"{col}: {squash(row[col], 240)}"}
        if note:
            f["note"] = note
        out[key] = f

    put("organization", "Organization", row["Organization"].strip())
    put("country", "Country (of organization)", row["Country (of organization)"].strip())
    put("publication_date", "Publication date", row["Publication date"].strip()[:10])
    put("domain", "Domain", row["Domain"].strip())
    n = author_count(row)
    put("authors", "Authors", n, "people in the record's author list, headings and team names dropped, each once")
    put("model_accessibility", "Model accessibility", row["Model accessibility"].strip())
    put("training_code_accessibility", "Training code accessibility", row["Training code accessibility"].strip())
    put("parameters", "Parameters", em.num(row["Parameters"]))
    put("training_compute_flop", "Training compute (FLOP)", em.num(row["Training compute (FLOP)"]))
    put("training_hardware", "Training hardware", row["Training hardware"].strip())
    put("hardware_quantity", "Hardware quantity", em.num(row["Hardware quantity"]))
    put("training_time_hours", "Training time (hours)", em.num(row["Training time (hours)"]))
    put("training_chip_hours", "Training chip-hours", em.num(row["Training chip-hours"]))
    put("hardware_utilization", "Hardware utilization", em.num(row["Hardware utilization"]))
    put("dataset_size", "Training dataset size (datapoints)", em.num(row["Training dataset size (datapoints)"]))
    put("epochs", "Epochs", em.num(row["Epochs"]))
    put("numerical_format", "Numerical format", row["Numerical format"].strip())
    if rank is not None:
        out["frontier_rank"] = {"value": rank, "source": FRONTIER,
                                "published": f'"{rank}": [... "{name}" ...]',
                                "note": "Epoch AI's top-n frontier selection: the model was among the n largest "
                                        "by training compute when published; Epoch's cost analysis uses n <= 10."}
    cost = data.costs.get(name)
    if cost:
        for key, col in (("epoch_amortized_usd", "Hardware_Capex_Energy_Cost"), ("epoch_cloud_usd", "Cloud_Cost"),
                         ("epoch_acquisition_usd", "Hardware_Acquisition_Cost")):
            if cost[col].strip():
                out[key] = {"value": round(float(cost[col]), 2), "source": COSTS,
                            "published": f"{name},...{col}: {cost[col]}",
                            "note": "December 2024 dollars (PPI PCU518210518210 from the publication month)"}
    return out


def hardware(row: dict[str, str], got: em.Inputs | str, modes: dict[int, str],
             pub: dt.datetime) -> tuple[str, str | None]:
    recorded = row["Training hardware"].strip()
    if isinstance(got, em.Inputs):
        hw = got.hardware
    elif recorded:
        hw = recorded.split(",")[0]
    else:
        hw = modes[pub.year]
    if not recorded:
        return hw, (f"Epoch AI's record names no training hardware. Epoch's method imputes the most common hardware "
                    f"of the models published in {pub.year} ({hw}, most_common_impute_training_hardware), and so "
                    f"does this entry; the real hardware is not known.")
    if "," in recorded:
        return hw, (f"Epoch AI's record names several kinds of hardware ({recorded}); the final run is priced on "
                    f"the first ({hw}), a simplification Epoch's method avoids by giving no figure.")
    return hw, None


def precision(data: em.Data, hw: str) -> str:
    chip = data.chips.get(hw)
    key = em.peak(hw, chip)[1] if chip else None
    if key == "bf16" and any(g in hw for g in ("V100", "P100", "K80", "K40", "TITAN", "M40")):
        return "fp16"  # Epoch's "Tensor-FP16/BF16" column holds these chips' FP16 tensor peak
    return key or "fp16"


def hours(row: dict[str, str], got: em.Inputs, mfu: tuple[float, float]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    qty = em.num(row["Hardware quantity"])
    if got.chip_hours_rule == "reported":
        out["gpu_hours"] = cite("Training chip-hours", row, got.chip_hours, "Training time notes")
        if qty:
            out["gpus"] = cite("Hardware quantity", row, int(qty))
        else:
            out["duration"] = run_length(row)
    elif got.chip_hours_rule == "quantity_x_time":
        out["gpus"] = cite("Hardware quantity", row, int(qty or 0))
        out["duration"] = cite("Training time (hours)", row, em.num(row["Training time (hours)"]),
                               "Training time notes", " hours")
    else:
        if qty:
            out["gpus"] = cite("Hardware quantity", row, int(qty))
        else:
            out["duration"] = run_length(row)
        if not got.utilization_imputed:
            out["mfu"] = cite("Hardware utilization", row, got.utilization, "Utilization notes")
        else:
            out["mfu"] = {
                "value": f"{mfu[0] * 100:.4f}% to {mfu[1]:.1%}", "source": CODE,
                "published": "MEDIAN_UTILIZATION = 0.375  # median of 33 known values",
                "why": ("Epoch AI's record has no chip-hours, count and time, or utilization, so Epoch's method "
                        "derives the chip-hours from the training compute at 37.5% utilization. Utilization is "
                        "not known: the 62 values in Epoch's July 2025 database run from 19.8% (5th percentile) "
                        "to 57.7% (95th); this interval keeps that top and puts its median on Epoch's 37.5%, so "
                        "the median cost is Epoch's."),
            }
    return out


def run_length(row: dict[str, str]) -> dict[str, Any]:
    """The run's wall-clock length where the record gives no chip count: the record's training time, else the
    median Epoch AI's method assumes. It sets the cluster's size (GPU-hours / length), so the acquisition cost."""
    t = em.num(row["Training time (hours)"])
    if t:
        return cite("Training time (hours)", row, t, "Training time notes", " hours")
    return {"value": f"{em.MEDIAN_TRAINING_DAYS * 24:g} hours", "source": CODE,
            "published": "MEDIAN_TRAINING_TIME_DAYS = 793.5 / 24  # median of the running top-10 models",
            "why": ("Neither the chip count nor the training time is published, so the run is taken to last "
                    "Epoch AI's median training time, as their method does ('No training time found, assuming "
                    "MEDIAN_TRAINING_TIME_DAYS days'). It only sizes the cluster (GPU-hours / length) for the "
                    "acquisition cost; the final run's cost does not depend on it.")}


def ownership(got: em.Inputs) -> dict[str, Any]:
    own: dict[str, Any] = {}
    hw = got.hardware
    if got.price is not None and got.price_published is not None:
        if got.price_basis == "tpu":
            own["purchase_usd_per_gpu"] = {
                "value": whole(got.price_published), "source": CODE,
                "published": f'TPU_EQUIVALENT_RELEASE_PRICES = {{... "{hw}": {got.price_published:g} ...}}',
                "note": "Epoch AI's estimate of a TPU's equivalent price from its manufacturing cost (Cottier et "
                        "al., arXiv 2405.21015); Google sells no TPUs."}
        else:
            r = got.price_row or {}
            own["purchase_usd_per_gpu"] = {
                "value": whole(got.price_published), "source": url_of(r.get("Price source")) or CODE,
                "published": f"Price (hardware purchase): {r.get('Price (hardware purchase)')}; "
                             f"Notes: {squash(r.get('Notes', ''), 160)}",
                "note": (f"Epoch AI's Hardware prices row for {r.get('Hardware model')} of {r.get('Price date')}: "
                         f"Epoch prices every variant of a GPU family at the family's earliest price, preferring "
                         f"DGX servers (find_gpu_acquisition_price).")}
        single = got.price_basis in ("single", "tpu")
        own["purchase_basis"] = "single" if single else "dgx"
        if got.price_date is not None:
            own["purchase_date"] = got.price_date.isoformat()
        if single:
            own["server_overhead"] = {"value": round(got.price / got.price_published, 4), "source": CODE,
                                      "published": "get_server_cost_overhead: A100 1.66, V100 1.69, P100 1.54, "
                                                   "else 1.64 (average)"}
        own["acquired"] = got.acquired.isoformat()
    own["pue"] = {"value": got.pue, "source": CODE,
                  "published": "power_usage_effectiveness(organization): hyperscalers = ['google', 'deepmind', "
                               "'microsoft', 'amazon', 'meta', 'facebook'] -> 1.1; else 1.25"}
    own["electricity_usd_per_kwh"] = {
        "value": got.energy_price, "source": CODE, "published": f"energy_price({got.pub.year}): {got.energy_price}",
        "note": "Epoch AI prices energy at the average US industrial price of the publication year (EIA), for "
                "every model wherever it trained."}
    own["server_power_ratio"] = {"value": round(got.server_power_ratio, 6), "source": CODE,
                                 "published": "chip_to_server_power: H100 (10.2/8)/0.7, A100 (6.5/8)/0.4, V100 "
                                              "((10/16)/0.3 + (1.5/4)/0.3)/2, TPU v1 2.93, v2 1.64, v3 1.47, other "
                                              "TPUs 1.56, else 1.8"}
    own["power_fraction"] = {"value": got.power_fraction, "source": CODE,
                             "published": "server_TDP_fraction: TPU 0.43, else 0.75"}
    return own


# Chips no one rented (or whose rentals Epoch's table lacks): the rental rate of the nearest chip Epoch's table has
RATE_PROXY = {"TITAN": "NVIDIA Tesla K80", "K40": "NVIDIA Tesla K80", "M40": "NVIDIA Tesla K80",
              "TPU v1": "Google TPU v2", "Ascend 910B": "NVIDIA A100", "Ascend 910": "NVIDIA V100"}
# Chips without a price in Epoch's table or the catalog: a range from their neighbours' prices in Epoch's table
PRICE_RANGE: dict[str, tuple[str, str, str, str]] = {
    "NVIDIA M40": ("4K to 7K", "2015-11-10", "NVIDIA Tesla K80: 5000.00 (2014-11-17, Single-unit release price); "
                   "NVIDIA Tesla P100 PCIe 16GB: 5699.00 (2016-06-20, Single-unit release price)",
                   "NVIDIA's Tesla M40 price is in neither Epoch AI's table nor the catalog. "
                   "Its neighbours in Epoch's table: the K80 at $5,000 (release, 2014-11-17) and the P100 PCIe at "
                   "$5,699 (release, 2016-06-20); the interval spans them, widened because the M40's own price is "
                   "unknown."),
    "Huawei Ascend 910": ("8K to 16K", "2019-08-23", "NVIDIA Tesla V100 SXM2 16 GB: 10664.00 (2018-05-08, "
                          "Single-unit list price); NVIDIA A100 PCIe: 15000.00 (2020-07-01, Single-unit list price)",
                          "Huawei publishes no price and Epoch AI's table has none. The "
                          "interval spans the NVIDIA parts it was sold against, at their prices in Epoch's table: the "
                          "V100 SXM2 16 GB at $10,664 (list, 2018-05-08) and the A100 PCIe at $15,000 (list, "
                          "2020-07-01)."),
    "Huawei Ascend 910B": ("10K to 20K", "2022-03-17", "NVIDIA A100 PCIe: 15000.00 (2020-07-01, Single-unit list "
                           "price); NVIDIA A800 PCIe: 15000.00 (2023-07-10, 'the price is approaching CNY110,000')",
                           "Huawei publishes no price and Epoch AI's table has none. The "
                           "interval spans the A100-class parts Chinese labs could buy, at their prices in Epoch's "
                           "table: the A100 PCIe at $15,000 (list, 2020-07-01) and the A800 PCIe at about $15,000 "
                           "in China ('approaching CNY110,000', 2023-07-10)."),
}


def proxy_rate(data: em.Data, name: str, hw: str) -> dict[str, Any] | None:
    """A market rate for a chip no cloud rented in Epoch's table: the nearest rented chip's, by Epoch's rule."""
    sub = next((v for k, v in RATE_PROXY.items() if k in hw), None)
    if sub is None:
        return None
    cp = em.cloud_price(data, name, sub)
    if cp is None:
        return None
    out = cloud_rate(cp)
    out["why"] = (f"No cloud rented the {hw} in Epoch AI's price table, so the headline prices its chip-hours at the "
                  f"rate Epoch's rule finds for the nearest chip that was rented, the {sub}: a stand-in for what a "
                  "rented run would have cost, not a quote.")
    return out


def price_range(hw: str) -> dict[str, Any] | None:
    hit = PRICE_RANGE.get(hw)
    if hit is None:
        return None
    value, released, published, why = hit
    return {"purchase_usd_per_gpu": {"value": value, "source": "epoch-hw-prices-2025",
                                     "published": published, "why": why},
            "purchase_basis": "single", "purchase_date": released}


def acquired_note(got: em.Inputs) -> str:
    if got.price_basis == "tpu":
        return f"acquired at the TPU's release ({got.acquired})"
    return f"acquired {got.acquired}: the later of the price date and the chip's release + 90 days"


def cloud_rate(cp: em.CloudPrice) -> dict[str, Any]:
    r = cp.row
    out: dict[str, Any] = {
        "value": round(cp.usd_per_hour, 6), "source": url_of(r["Price source"]) or CODE,
        "published": f"{cp.vendor}, {r['Location'] or 'no location'}, {r['Price date']}: {cp.price_type}: "
                     f"{cp.published:g}",
        "note": ("Epoch AI's cloud-cost rule (find_price): the lab's usual cloud first (Google Cloud for Google and "
                 "DeepMind, Azure for Microsoft and OpenAI, else AWS), a 3-year committed-use price dated closest "
                 f"before the hardware's acquisition ({cp.wanted:%Y-%m-%d}), else other vendors, else 1-year or "
                 "on-demand prices at the vendor's usual discount."),
    }
    if not cp.price_type.endswith("(3-year CUD)"):
        out["note"] += f" Converted to 3-year terms: {cp.published:g} -> {cp.usd_per_hour:.4g}."
    return out


def staff(data: em.Data, name: str, row: dict[str, str]) -> dict[str, Any]:
    n = author_count(row)
    role: dict[str, Any] = {"role": "authors", "pay": "researcher"}
    if n:
        role["role"] = "authors (Epoch AI's record of the paper or report)"
        role["headcount"] = {"value": n, "source": DB,
                             "published": f"Authors: {squash(row['Authors'], 160)}",
                             "note": "people in the record's author list, headings and team names dropped, each once"}
        role["share"] = SHARE
        role["per_person"] = True
    else:
        lo, hi, k = peer_authors(data, row)
        role["role"] = "the model's team (no author list)"
        role["headcount"] = {
            "value": f"{lo} to {hi}", "source": DB,
            "published": f"Authors: {squash(row['Authors'], 80) or '(empty)'}",
            "why": (f"Epoch AI's record lists no authors. The 5th to 95th percentile of the author counts of the "
                    f"{k} frontier models published within two years of this one is used."),
        }
        role["share"] = {**SHARE, "why": "Epoch AI's share of time; with an unknown team size it is drawn once "
                                         "for the whole team rather than per person."}
    return {"duration": DURATION, "roles": [role]}


def peer_authors(data: em.Data, row: dict[str, str]) -> tuple[int, int, int]:
    pub = em.date(row["Publication date"])
    counts = []
    for ms in data.frontier.values():
        for m in ms:
            r = data.systems.get(m.replace("Î£", "Σ"))
            if r is None or abs((em.date(r["Publication date"]) - pub).days) > 730:
                continue
            c = author_count(r)
            if c and c > 1:
                counts.append(c)
    counts.sort()
    if len(counts) < 3:
        return 10, 300, len(counts)
    q = lambda p: counts[min(len(counts) - 1, max(0, round(p * (len(counts) - 1))))]  # noqa: E731
    return q(0.05), q(0.95), len(counts)


def dataset_note(row: dict[str, str]) -> str | None:
    size = em.num(row["Training dataset size (datapoints)"])
    if not size:
        return None
    return (f"Epoch AI's dataset size: {size:g} datapoints ({squash(row['Dataset size notes'], 160) or 'no note'}). "
            "Epoch counts words for most language models (about 0.75 per token) and images, games or moves for "
            "others, so it is not used as tokens: the training compute is Epoch's recorded figure.")
