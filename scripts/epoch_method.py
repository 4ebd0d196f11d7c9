"""Epoch AI's amortized hardware + energy method, re-derived so the catalog can carry Epoch's inputs.

Epoch AI's repository epoch-research/training-cost-trends (commit e13599f, Apache-2.0) computes
``model_costs.csv`` in ``cost_analysis_john_og_version.ipynb`` with the functions of ``cost.py``,
``prices.py``, ``hardware.py``, ``energy.py``, ``imputation.py`` and ``inflation.py``. This module states
the same rules in plain Python (standard library only) over the CSV files in
``../shared/reference/epoch-training-cost-trends-e13599f/``, so that ``build_epoch_catalog.py`` can write
each input Epoch used, with the rule that produced it, into the model's catalog entry. ``reproduce()``
recomputes Epoch's figure from those inputs; the build script refuses to write entries unless it matches
every row of ``model_costs.csv``.

The rules (function names are Epoch's):
- frontier set: ``load_frontier_systems('top_n', 10)``, the models of keys 1..10 of
  ``frontier_systems_by_top_n.json``;
- hardware: the row's "Training hardware"; missing, it is imputed (``most_common_impute_training_hardware``)
  as the most common hardware among all models of the same publication year, GPUs first (comma-separated
  lists count each part); a list of several chips gets no cost;
- chip-hours (``estimate_chip_hours``): "Training chip-hours", else quantity x time, else
  FLOP / (peak x utilization) with utilization 0.375 (the median of 33 known values) when the row has none;
  the peak is the first of Tensor-FP16/BF16, TF32, FP16 (TPUs only) and FP32 (INT8 for TPU v1);
- price (``find_hardware_acquisition_price``): TPUs at Epoch's estimated equivalent price x 1.64 server
  overhead, acquired at the chip's release date; GPUs at the earliest price of any variant of the family
  (A100, V100, H100, ...), preferring DGX servers, acquired at max(price date, release + 90 days), a
  single-unit price times the family's server overhead;
- training start (``get_training_start_date``): publication - training time - 60 days (33.06 days when the
  time is unknown), with Epoch's dates for GPT-4, GPT-3.5, GPT-3 and Gemini 1.0 Ultra; a GPU run cannot
  start before its hardware was acquired;
- value at start: the price falls 0.14 orders of magnitude a year from acquisition to start (for TPUs a
  start before release raises it); amortized per chip-hour at 0.14 x ln 10 a year, plus interconnect
  (19% of the cluster), plus energy: TDP x server/chip power x average power fraction x PUE x the US
  industrial price of the publication year;
- inflation: x PPI(Dec 2024) / PPI(publication month), series PCU518210518210.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SECONDS_PER_HOUR = 3600.0
DAYS_PER_YEAR = 365.25
HOURS_PER_YEAR = 24 * DAYS_PER_YEAR
INTERCONNECT = 0.19
MEDIAN_UTILIZATION = 0.375
MEDIAN_TRAINING_DAYS = 793.5 / 24
OOM_PER_YEAR = 0.14
PUBLICATION_LAG_DAYS = 60
ACQUISITION_LAG_DAYS = 90
TO_MONTH = "2024-12-01"

TPU_PRICES = {"Google TPU v1": 5463.0, "Google TPU v2": 5054.0, "Google TPU v3": 5276.0, "Google TPU v4": 5167.0}
GPU_FAMILIES = ("A100", "V100", "H100", "P100", "K80", "K40", "Titan X", "GTX 580", "GTX TITAN", "Titan Black")
HYPERSCALERS = ("google", "deepmind", "microsoft", "amazon", "meta", "facebook")
ENERGY_PRICE = {2010: 0.0677, 2011: 0.0682, 2012: 0.0667, 2013: 0.0689, 2014: 0.0710, 2015: 0.0691,
                2016: 0.0676, 2017: 0.0688, 2018: 0.0692, 2019: 0.0681, 2020: 0.0667, 2021: 0.0718,
                2022: 0.0832, 2023: 0.0806, 2024: 0.0771, 2025: 0.0826}
PEAK_COLUMNS = (("Tensor-FP16/BF16 performance (FLOP/s)", "bf16"),
                ("TF32 (TensorFloat-32) performance (FLOP/s)", "tf32"),
                ("FP16 (half precision) performance (FLOP/s)", "fp16"),
                ("FP32 (single precision) performance (FLOP/s)", "fp32"))


def num(s: str | None) -> float | None:
    if s is None or not str(s).strip():
        return None
    try:
        v = float(str(s).replace(",", ""))
    except ValueError:
        return None
    return None if math.isnan(v) else v


def date(s: str) -> dt.datetime:
    return dt.datetime.fromisoformat(s.strip()[:10])


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@dataclass
class Data:
    systems: dict[str, dict[str, str]]  # the model database, by name (rows with a publication date)
    chips: dict[str, dict[str, str]]  # the chip dataset, first row of each name
    prices: list[dict[str, str]]
    ppi: dict[str, float]
    frontier: dict[int, list[str]]  # frontier_systems_by_top_n.json: rank -> models
    costs: dict[str, dict[str, str]]  # model_costs.csv
    order: list[str]  # the database's row order

    def top(self, n: int) -> list[str]:
        return [m.replace("Î£", "Σ") for k in range(1, n + 1) for m in self.frontier.get(k, [])]


def load(folder: Path) -> Data:
    rows = read_csv(folder / "All_ML_Systems_-_full_view.csv")
    systems: dict[str, dict[str, str]] = {}
    order = []
    for r in rows:
        if r["Publication date"].strip() and r["Model"] not in systems:
            systems[r["Model"]] = r
            order.append(r["Model"])
    chips: dict[str, dict[str, str]] = {}
    for c in read_csv(folder / "Chip_dataset-Grid_view.csv"):
        chips.setdefault(c["Hardware name"], c)
    ppi = {r["observation_date"]: float(r["PCU518210518210"]) for r in read_csv(folder / "PCU518210518210.csv")}
    frontier = {int(k): v for k, v in json.loads((folder / "frontier_systems_by_top_n.json").read_text()).items()}
    costs = {r["Model"]: r for r in read_csv(folder / "model_costs.csv")}
    return Data(systems, chips, read_csv(folder / "Hardware_prices.csv"), ppi, frontier, costs, order)


def year_modes(data: Data) -> dict[int, str]:
    """The most common hardware of each publication year (GPUs' mode where a year has one, as Epoch's fill
    order gives), ties broken alphabetically (pandas' ``mode()`` sorts)."""
    gpu: dict[int, Counter[str]] = {}
    tpu: dict[int, Counter[str]] = {}
    for name in data.order:
        r = data.systems[name]
        hw = r["Training hardware"]
        if not hw.strip():
            continue
        year = date(r["Publication date"]).year
        (tpu if "TPU" in hw else gpu).setdefault(year, Counter()).update(hw.split(","))
    out = {}
    for year in set(gpu) | set(tpu):
        counts = gpu.get(year) or tpu[year]
        best = max(counts.values())
        out[year] = sorted(h for h, c in counts.items() if c == best)[0]
    return out


@dataclass
class Inputs:
    """Every input of Epoch's amortized hardware + energy figure for one model, with how it was found."""

    model: str
    hardware: str
    hardware_imputed: bool
    chip_hours: float
    chip_hours_rule: str  # reported | quantity_x_time | from_compute
    utilization: float | None  # used when chip-hours come from compute
    utilization_imputed: bool
    peak_flops: float | None
    peak_key: str | None
    price: float | None  # per chip, server included (None: Epoch has no price for the hardware)
    price_basis: str  # dgx | single | tpu
    price_published: float | None
    price_row: dict[str, str] | None  # the Hardware prices row (None for TPUs)
    price_date: dt.date | None
    acquired: dt.date
    start: dt.datetime
    start_rule: str
    value_at_start: float | None
    tdp_w: float
    server_power_ratio: float
    power_fraction: float
    pue: float
    energy_price: float
    pub: dt.datetime
    amortized: float | None  # nominal USD, hardware + interconnect + energy
    energy: float
    inflation: float  # PPI(Dec 2024) / PPI(publication month)
    none: str | None = None  # why Epoch's method gives no figure (several chips, no price, a fine-tune)


def server_overhead(hw: str) -> float:
    return 1.66 if "A100" in hw else 1.69 if "V100" in hw else 1.54 if "P100" in hw else 1.64


def server_power_ratio(hw: str) -> float:
    if "TPU" in hw:
        return 2.93 if "v1" in hw else 1.64 if "v2" in hw else 1.47 if "v3" in hw else 1.56
    if "H100" in hw:
        return (10.2 / 8) / 0.7
    if "A100" in hw:
        return (6.5 / 8) / 0.4
    if "V100" in hw:
        return ((10 / 16) / 0.3 + (1.5 / 4) / 0.3) / 2
    return 1.8


def power_fraction(hw: str) -> float:
    return 0.43 if "TPU" in hw else 0.75


def pue(org: str) -> float:
    return 1.1 if any(h in org.lower() for h in HYPERSCALERS) else 1.25


def peak(hw: str, chip: dict[str, str]) -> tuple[float | None, str | None]:
    if "TPU v1" in hw:
        return num(chip["INT8 performance (OP/s)"]), "int8"
    for col, key in PEAK_COLUMNS:
        if key == "fp16" and "TPU" not in hw:
            continue
        v = num(chip[col])
        if v is not None:
            return v, key
    return None, None


def gpu_price(data: Data, hw: str) -> dict[str, str] | None:
    family = next((a for a in GPU_FAMILIES if a in hw), None)
    if family is None:
        return None
    rows = sorted((r for r in data.prices if r["Price date"].strip() and num(r["Price (hardware purchase)"]) is not None
                   and family in r["Hardware model"]), key=lambda r: r["Price date"])
    if not rows:
        return None
    return next((r for r in rows if "DGX" in r["Notes"]), rows[0])


def training_start(row: dict[str, str], pub: dt.datetime) -> tuple[dt.datetime, str]:
    m = row["Model"]
    hours = num(row["Training time (hours)"])
    if "Gemini 1.0 Ultra" in m:
        return (dt.datetime(2023, 5, 10),
                "Epoch's date for Gemini 1.0 Ultra: 'still in training' at Google I/O, 10 May 2023")
    if m == "GPT-4":
        assert hours is not None
        return (dt.datetime(2022, 8, 15) - dt.timedelta(hours=int(hours)),
                "Epoch's rule for GPT-4: training ended in August 2022 (system card), minus the training time")
    if "GPT-3.5" in m:
        return dt.datetime(2022, 3, 14), "Epoch's date for GPT-3.5: trained 'a year' before 14 March 2023 (OpenAI)"
    if "GPT-3" in m:
        return dt.datetime(2019, 10, 1), "Epoch's central date for GPT-3 (August 2019 to January 2020)"
    if hours is None:
        return (pub - dt.timedelta(days=MEDIAN_TRAINING_DAYS + PUBLICATION_LAG_DAYS),
                "Epoch's rule: publication - 60 days - 33.06 days (the median training time, as this one is unknown)")
    return (pub - dt.timedelta(hours=int(hours)) - dt.timedelta(days=PUBLICATION_LAG_DAYS),
            "Epoch's rule: publication - training time - 60 days")


def days_between(a: dt.datetime | dt.date, b: dt.datetime | dt.date) -> int:
    """Whole days from a to b, rounded down as pandas' ``Timedelta.days``."""
    ta = a if isinstance(a, dt.datetime) else dt.datetime(a.year, a.month, a.day)
    tb = b if isinstance(b, dt.datetime) else dt.datetime(b.year, b.month, b.day)
    return (tb - ta).days


def inputs(data: Data, name: str, modes: dict[int, str] | None = None, hardware: str | None = None) -> Inputs | str:
    """Epoch's inputs for one model (``hardware`` replaces the record's, e.g. the first of several), or why
    there are none. ``Inputs.none`` says why Epoch's method gives the model no figure, if it gives none."""
    row = data.systems[name]
    pub = date(row["Publication date"])
    hw = (hardware or row["Training hardware"]).strip()
    imputed = False
    none = None
    if not hw:
        hw = (modes or year_modes(data))[pub.year]
        imputed = True
    if "," in hw:
        return f"several kinds of hardware ({hw}): Epoch's method prices none"
    if hardware and "," in row["Training hardware"]:
        none = f"several kinds of hardware ({row['Training hardware']}): Epoch's method prices none"
    if row["Base model"].strip():
        none = f"a fine-tune of {row['Base model']}: Epoch's method gives none"
    chip = data.chips.get(hw)
    if chip is None:
        return f"hardware {hw} is not in Epoch's chip dataset"
    price_row = None
    price: float | None = None
    published: float | None = None
    price_date: dt.date | None = None
    basis = ""
    release = date(chip["Release date"]).date()
    acquired = release
    if "TPU" in hw:
        if hw in TPU_PRICES:
            published = TPU_PRICES[hw]
            price = published * server_overhead(hw)
            price_date, basis = release, "tpu"
        else:
            none = none or f"no TPU price for {hw} in Epoch's method"
    else:
        price_row = gpu_price(data, hw)
        if price_row is None:
            none = none or f"no purchase price for {hw} in Epoch's hardware prices"
        else:
            published = float(price_row["Price (hardware purchase)"])
            price_date = date(price_row["Price date"]).date()
            earliest = release + dt.timedelta(days=ACQUISITION_LAG_DAYS)
            acquired = earliest if price_date < earliest else price_date
            single = "single-unit" in price_row["Notes"].lower()
            price = published * server_overhead(hw) if single else published
            basis = "single" if single else "dgx"
    hours = num(row["Training time (hours)"])
    qty = num(row["Hardware quantity"])
    util = num(row["Hardware utilization"])
    reported = num(row["Training chip-hours"])
    pk, pk_key = peak(hw, chip)
    if reported is not None:
        chip_hours, rule = reported, "reported"
    elif hours is not None and qty is not None:
        chip_hours, rule = hours * qty, "quantity_x_time"
    else:
        flop = num(row["Training compute (FLOP)"])
        if flop is None or pk is None:
            return "neither chip-hours nor compute and a peak"
        chip_hours = flop / (pk * (util or MEDIAN_UTILIZATION)) / SECONDS_PER_HOUR
        rule = "from_compute"
    start, start_rule = training_start(row, pub)
    if "TPU" not in hw and price is not None and start < dt.datetime(acquired.year, acquired.month, acquired.day):
        start = dt.datetime(acquired.year, acquired.month, acquired.day)
        start_rule += "; moved to the acquisition date (a GPU run cannot start before its hardware is bought)"
    tdp = num(chip["TDP (W)"])
    if tdp is None:
        if "TPU v4" not in hw:
            return f"no TDP for {hw}"
        tdp = 373.0
    org = row["Organization"]
    energy = (tdp / 1000 * server_power_ratio(hw) * power_fraction(hw) * pue(org) * chip_hours
              * ENERGY_PRICE[pub.year])
    value = amortized = None
    if price is not None:
        years = days_between(acquired, start) / DAYS_PER_YEAR
        value = 10 ** (math.log10(price) - OOM_PER_YEAR * years)
        hardware_usd = value * OOM_PER_YEAR * math.log(10) / HOURS_PER_YEAR * chip_hours
        hardware_usd += hardware_usd * INTERCONNECT / (1 - INTERCONNECT)
        amortized = hardware_usd + energy
    month = f"{pub.year:04d}-{pub.month:02d}-01"
    return Inputs(
        model=name, hardware=hw, hardware_imputed=imputed, chip_hours=chip_hours, chip_hours_rule=rule,
        utilization=(util or MEDIAN_UTILIZATION) if rule == "from_compute" else util,
        utilization_imputed=rule == "from_compute" and util is None, peak_flops=pk, peak_key=pk_key,
        price=price, price_basis=basis, price_published=published, price_row=price_row, price_date=price_date,
        acquired=acquired, start=start, start_rule=start_rule, value_at_start=value, tdp_w=tdp,
        server_power_ratio=server_power_ratio(hw), power_fraction=power_fraction(hw), pue=pue(org),
        energy_price=ENERGY_PRICE[pub.year], pub=pub, amortized=amortized, energy=energy,
        inflation=data.ppi[TO_MONTH] / data.ppi[month], none=none,
    )


SIMPLIFIED = {"NVIDIA Tesla V100 DGXS 16 GB": "NVIDIA V100", "NVIDIA Tesla V100 DGXS 32 GB": "NVIDIA V100",
              "NVIDIA Tesla V100S PCIe 32 GB": "NVIDIA V100", "NVIDIA V100": "NVIDIA V100",
              "NVIDIA A100 PCIe": "NVIDIA A100", "NVIDIA A100 SXM4 40 GB": "NVIDIA A100",
              "NVIDIA A100 SXM4 80 GB": "NVIDIA A100", "NVIDIA A100": "NVIDIA A100",
              "NVIDIA H100 PCIe": "NVIDIA H100", "NVIDIA H100 SXM5": "NVIDIA H100", "NVIDIA H100": "NVIDIA H100"}
CLOUD_OF = (("google", "Google Cloud"), ("deepmind", "Google Cloud"), ("microsoft", "Microsoft Azure"),
            ("openai", "Microsoft Azure"))
# committed-use discounts in the order of PRICE_TYPES (3-year, 1-year, on-demand)
CUD = {"Amazon Web Services": (0.64, 0.41, 0.0), "Google Cloud": (0.56, 0.37, 0.0),
       "Microsoft Azure": (0.49, 0.25, 0.0), "Lambda Labs": (0.56, 0.34, 0.0)}
PRICE_TYPES = ("Price per chip-hour (3-year CUD)", "Price per chip-hour (1-year CUD)",
               "Price per chip-hour (on-demand)")


@dataclass
class CloudPrice:
    usd_per_hour: float  # 3-year committed-use equivalent
    published: float
    price_type: str
    vendor: str
    row: dict[str, str]
    wanted: dt.datetime  # the acquisition date the price was matched to


def cloud_vendor(org: str) -> str:
    vendor = None
    for part in org.split(","):
        for key, v in CLOUD_OF:
            if key in part.lower():
                vendor = v
                break
    return vendor or "Amazon Web Services"


def _vendor_rows(data: Data, hw: str, vendor: str) -> list[dict[str, str]]:
    def rows(model: str) -> list[dict[str, str]]:
        return [r for r in data.prices
                if r["Price date"].strip() and r["Vendor"] == vendor and r["Hardware model"] == model]

    out = rows(hw)
    simple = SIMPLIFIED.get(hw)
    if not out and simple is not None:
        out = rows(simple)
        if not out:
            for full in SIMPLIFIED:
                if all(t in full for t in simple.split()):
                    out = rows(full)
                    if out:
                        break
    return out


def cloud_price(data: Data, name: str, hw: str) -> CloudPrice | None:
    """Epoch AI's cloud price (``find_price``): the lab's usual cloud (Google Cloud for Google and DeepMind,
    Azure for Microsoft and OpenAI, else AWS) first, then every other vendor; a 3-year committed-use price
    first, then 1-year and on-demand converted to 3-year terms by the vendor's usual discounts; the price
    dated closest before the hardware's acquisition (training start - 60 days), else the closest after."""
    row = data.systems[name]
    pub = date(row["Publication date"])
    wanted = training_start(row, pub)[0] - dt.timedelta(days=60)
    vendor = cloud_vendor(row["Organization"])
    others = ["Amazon Web Services", "Microsoft Azure", "Google Cloud"]
    for r in data.prices:
        v = r["Vendor"]
        if r["Price date"].strip() and v and v not in others:
            others.append(v)
    vendors = ["Google Cloud"] if "TPU" in hw else [vendor, *[v for v in others if v != vendor]]
    for ptype in PRICE_TYPES:
        for v in vendors:
            rows = sorted(_vendor_rows(data, hw, v),
                          key=lambda r: abs((date(r["Price date"]) - wanted).total_seconds()))
            chosen = next((r for r in rows if date(r["Price date"]) <= wanted), None)
            if chosen is None:
                chosen = next((r for r in rows if date(r["Price date"]) > wanted), None)
            if chosen is None:
                continue
            value = num(chosen[ptype])
            if value is None:
                continue
            k = PRICE_TYPES.index(ptype)
            usd = value if k == 0 else value * (1 - CUD[v][0]) / (1 - CUD[v][k])
            return CloudPrice(usd, value, ptype, v, chosen, wanted)
    return None


def reproduce_cloud(data: Data) -> list[tuple[str, float, float]]:
    modes = year_modes(data)
    out = []
    for name, c in data.costs.items():
        if not c["Cloud_Cost"].strip():
            continue
        got = inputs(data, name, modes)
        row = data.systems[name]
        qty, hours = num(row["Hardware quantity"]), num(row["Training time (hours)"])
        mine = math.nan
        if isinstance(got, Inputs) and qty and hours:
            cp = cloud_price(data, name, got.hardware)
            if cp is not None:
                mine = cp.usd_per_hour * qty * hours * got.inflation
        out.append((name, float(c["Cloud_Cost"]), mine))
    return out


def reproduce(data: Data) -> list[tuple[str, float, float]]:
    """(model, Epoch's published figure, this module's) for every row of model_costs.csv."""
    modes = year_modes(data)
    out = []
    for name, c in data.costs.items():
        got = inputs(data, name, modes)
        ok = isinstance(got, Inputs) and got.amortized is not None and got.none is None
        mine = got.amortized * got.inflation if ok else math.nan  # type: ignore[operator,union-attr]
        out.append((name, float(c["Hardware_Capex_Energy_Cost"]), mine))
    return out


def main(argv: list[str] | None = None) -> Any:
    import sys

    folder = Path(argv[0] if argv else sys.argv[1])
    worst = 0.0
    data = load(folder)
    for name, epoch, mine in reproduce_cloud(data):
        print(f"cloud {name:40s} {epoch:16,.0f} {mine:16,.0f} {abs(mine / epoch - 1):.2e}")
    for name, epoch, mine in reproduce(data):
        err = abs(mine / epoch - 1)
        worst = max(worst, err) if not math.isnan(err) else math.inf
        print(f"{name:40s} {epoch:16,.0f} {mine:16,.0f} {err:.2e}")
    print("worst", worst)


if __name__ == "__main__":
    main()
