"""The built-in catalog: hardware, regions, method defaults and model scenarios, every number sourced.

The data lives in ``data/`` as YAML shipped with the package. Each number sits in a mapping with its
``source`` (an id of ``data/sources.yaml`` or a URL) and ``published`` (the figure as its source gives it).
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from fullcost import yamlio
from fullcost.errors import InputError
from fullcost.quantity import Dist, parse, point

DATA = Path(__file__).parent / "data"
MODELS = DATA / "models"


@cache
def raw(name: str) -> Any:
    return yamlio.load(DATA / f"{name}.yaml")[0]


@cache
def sources() -> dict[str, dict[str, Any]]:
    """Every source id of ``data/sources*.yaml``."""
    out: dict[str, dict[str, Any]] = {}
    for p in sorted(DATA.glob("sources*.yaml")):
        out.update(raw(p.stem))
    return out


def sourced(entry: Any, dim: str, key: str = "value") -> Dist | None:
    """A catalog value with its provenance, or None where the catalog says the value does not exist."""
    if entry is None:
        return None
    if not isinstance(entry, dict):
        return parse(entry, dim)
    value = entry.get(key)
    if value is None:
        return None
    d = parse(value, dim)
    src = entry.get("source")
    if isinstance(src, str) and src in sources():
        s = sources()[src]
        src = f"{s.get('title', src)} ({s.get('url', '')}, {s.get('date', '')})"
    return d.with_meta(source=src, published=entry.get("published"), note=entry.get("note") or entry.get("why"))


def _date(v: Any) -> dt.date | None:
    if v is None:
        return None
    if isinstance(v, dt.date):
        return v
    s = str(v)
    return dt.date.fromisoformat(s + "-01" if len(s) == 7 else s)


@dataclass(frozen=True)
class Price:
    usd: Dist
    date: dt.date
    basis: str  # single | dgx | hgx
    source: str


@dataclass(frozen=True)
class Rate:
    usd_per_hour: Dist
    date: dt.date
    provider: str
    terms: str
    source: str
    reference: bool


@dataclass(frozen=True)
class Chip:
    id: str
    name: str
    vendor: str
    released: dt.date | None
    bf16_tflops: Dist | None  # dense 16-bit tensor peak (Epoch AI's "Tensor-FP16/BF16" column)
    fp8_tflops: Dist | None
    tdp_w: Dist
    memory_gb: Dist | None
    scaleup_gbps: Dist | None
    server_power_ratio: Dist
    server_overhead: Dist
    power_fraction: Dist
    purchase: tuple[Price, ...]
    rental: tuple[Rate, ...]
    aliases: tuple[str, ...] = ()
    fp32_tflops: Dist | None = None  # non-tensor FP32
    tf32_tflops: Dist | None = None
    fp16_tflops: Dist | None = None  # FP16 where it differs from the BF16 tensor peak (or the chip has no BF16)
    int8_tops: Dist | None = None

    def peak_tflops(self, precision: str) -> Dist | None:
        """The dense peak at a training precision; FP16 falls back to the 16-bit tensor peak."""
        if precision == "fp16":
            return self.fp16_tflops or self.bf16_tflops
        return {"fp8": self.fp8_tflops, "bf16": self.bf16_tflops, "tf32": self.tf32_tflops,
                "fp32": self.fp32_tflops, "int8": self.int8_tops}.get(precision)

    def reference_peak(self) -> tuple[str, Dist]:
        """The peak that compares chips by compute (A100-equivalents, pricing one chip's hours by another's):
        the dense 16-bit tensor peak, else FP16, TF32 or FP32 for chips without one. Returns its key too."""
        for key in ("bf16_tflops", "fp16_tflops", "tf32_tflops", "fp32_tflops"):
            d = getattr(self, key)
            if d is not None:
                return key, d
        raise ValueError(f"hardware '{self.id}' has no peak throughput")

    def reference_rate(self) -> Rate | None:
        refs = [r for r in self.rental if r.reference]
        return refs[0] if refs else (self.rental[0] if self.rental else None)

    def reference_price(self) -> Price | None:
        """Epoch AI's choice: the earliest price, preferring DGX/HGX per-GPU prices."""
        server = sorted((p for p in self.purchase if p.basis in ("dgx", "hgx")), key=lambda p: p.date)
        single = sorted((p for p in self.purchase if p.basis == "single"), key=lambda p: p.date)
        best = server or single
        return best[0] if best else None


PEAK_KEYS = ("bf16_tflops", "fp8_tflops", "fp16_tflops", "tf32_tflops", "fp32_tflops", "int8_tops")


def _chip(cid: str, e: dict[str, Any]) -> Chip:
    d = defaults()
    def req(key: str, dim: str) -> Dist:
        v = sourced(e.get(key), dim)
        if v is None:
            raise InputError(f"hardware '{cid}' lacks {key}", str(DATA / "hardware.yaml"))
        return v

    peaks = {k: sourced(e.get(k), "number") for k in PEAK_KEYS}
    if all(v is None for v in peaks.values()):
        raise InputError(f"hardware '{cid}' lacks a peak throughput (one of {', '.join(PEAK_KEYS)})",
                         str(DATA / "hardware.yaml"))
    return Chip(
        id=cid,
        name=e.get("name", cid),
        vendor=e.get("vendor", ""),
        released=_date(e.get("released")),
        bf16_tflops=peaks["bf16_tflops"],
        fp8_tflops=peaks["fp8_tflops"],
        fp32_tflops=peaks["fp32_tflops"],
        tf32_tflops=peaks["tf32_tflops"],
        fp16_tflops=peaks["fp16_tflops"],
        int8_tops=peaks["int8_tops"],
        tdp_w=req("tdp_w", "watts"),
        memory_gb=sourced(e.get("memory_gb"), "number"),
        scaleup_gbps=sourced(e.get("scaleup_gbps"), "number"),
        server_power_ratio=sourced(e.get("server_power_ratio"), "multiplier") or d["server_power_ratio"],
        server_overhead=sourced(e.get("server_overhead"), "multiplier") or d["server_overhead"],
        power_fraction=sourced(e.get("power_fraction"), "fraction") or d["power_fraction"],
        purchase=tuple(
            Price(sourced(p, "usd", "usd") or point(0), _date(p["date"]) or dt.date.min, p.get("basis", "single"),
                  str(p.get("source", "")))
            for p in e.get("purchase") or []),
        rental=tuple(
            Rate(sourced(r, "usd_per_hour", "usd_per_hour") or point(0), _date(r["date"]) or dt.date.min,
                 str(r.get("provider", "")), str(r.get("terms", "")), str(r.get("source", "")),
                 bool(r.get("reference", False)))
            for r in e.get("rental") or []),
        aliases=tuple(str(a).lower() for a in e.get("aliases") or ()),
    )


@cache
def hardware() -> dict[str, Chip]:
    return {cid: _chip(cid, e) for cid, e in raw("hardware").items()}


def chip(name: str) -> Chip:
    """Find hardware by id or alias, case-insensitive; KeyError says what was meant."""
    key = name.strip().lower()
    hw = hardware()
    if key in hw:
        return hw[key]
    for c in hw.values():
        if key in c.aliases:
            return c
    names = list(hw) + [a for c in hw.values() for a in c.aliases]
    near = difflib.get_close_matches(key, names, n=1, cutoff=0.5)
    hint = f" (did you mean '{near[0]}'?)" if near else f" (known: {', '.join(hw)})"
    raise KeyError(f"unknown hardware '{name}'{hint}")


@cache
def defaults() -> dict[str, Dist]:
    """Method defaults (Epoch AI's amortization model and the like), each with its source."""
    dims = raw("defaults")
    out: dict[str, Dist] = {}
    for key, entry in dims.items():
        d = sourced(entry, entry.get("dim", "number"))
        if d is not None:
            out[key] = d
    return out


@dataclass(frozen=True)
class Region:
    id: str
    name: str
    electricity: tuple[tuple[int, Dist], ...]
    pue: Dist | None
    staff: dict[str, Dist]

    def electricity_for(self, year: int) -> Dist | None:
        """The price of the latest year at or before ``year`` (else the earliest known)."""
        if not self.electricity:
            return None
        best = [e for e in self.electricity if e[0] <= year]
        return (max(best, key=lambda e: e[0]) if best else min(self.electricity, key=lambda e: e[0]))[1]


_STAFF_DIMS = {"benefits_overhead": "multiplier", "usd_per_cny": "number"}


@cache
def regions() -> dict[str, Region]:
    out = {}
    for rid, e in raw("regions").items():
        elec = tuple((int(x["year"]), sourced(x, "usd_per_kwh")) for x in e.get("electricity_usd_per_kwh") or [])
        staff = {k: sourced(v, _STAFF_DIMS.get(k, "usd")) for k, v in (e.get("staff") or {}).items()}
        out[rid] = Region(rid, e.get("name", rid), tuple((y, d) for y, d in elec if d is not None),
                          sourced(e.get("pue"), "multiplier"), {k: v for k, v in staff.items() if v is not None})
    return out


def region(name: str) -> Region:
    rs = regions()
    if name in rs:
        return rs[name]
    near = difflib.get_close_matches(name, list(rs), n=1)
    hint = f" (did you mean '{near[0]}'?)" if near else f" (known: {', '.join(rs)})"
    raise KeyError(f"unknown region '{name}'{hint}")


def model_names() -> list[str]:
    return sorted(p.stem for p in MODELS.glob("*.yaml"))


def model_path(name: str) -> Path | None:
    p = MODELS / f"{name}.yaml"
    return p if p.is_file() else None


def load_scenario(name_or_file: str):  # type: ignore[no-untyped-def]
    """A scenario by path to a YAML file or by catalog name, either with an optional ``@VARIANT``.

    A file wins over a catalog name only when it is a file: a folder that happens to carry a model's name
    does not hide the catalog entry.
    """
    from fullcost import scenario

    if Path(name_or_file).is_file():
        return scenario.load(Path(name_or_file))
    base, variant = name_or_file, ""
    if "@" in name_or_file:
        base, _, variant = name_or_file.rpartition("@")
    if Path(base).is_file():
        return scenario.load(Path(base), variant or None)
    path = model_path(base)
    if path is not None:
        return scenario.load(path, variant or None)
    if Path(base).suffix in (".yaml", ".yml") or "/" in base:
        raise InputError("file not found", base)
    near = difflib.get_close_matches(base, model_names(), n=1, cutoff=0.5)
    hint = f" (did you mean '{near[0]}'?)" if near else " (see `fullcost models`)"
    raise InputError(f"no such file and no catalog model named '{base}'{hint}", name_or_file)
