"""The catalog's chips: ``Chip`` read from hardware.yaml (and Epoch AI's hardware-epoch.yaml), found by any name."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

from fullcost.catalog.files import DATA, _date, defaults, sourced
from fullcost.errors import InputError, dotted
from fullcost.plausible import Implausible, check_value
from fullcost.quantity import Dist, QuantityError, point


@dataclass(frozen=True)
class Price:
    usd: Dist
    date: dt.date
    basis: str  # single | dgx | hgx
    source: str
    epoch: bool = False  # the price Epoch AI's method picks for this chip (prices.py at commit e13599f)


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
    family: str = ""  # the part its variants share ("V100", "TPU v3"): what a lookup lists when a name is unclear
    acquisition_lag_days: Dist | None = None  # release to first use where it differs from the catalog default
    peak_why: str = ""  # why the catalog gives no peak at all (a chip known only by its price)

    def peak_tflops(self, precision: str) -> Dist | None:
        """The dense peak at a training precision; FP16 falls back to the 16-bit tensor peak."""
        if precision == "fp16":
            return self.fp16_tflops or self.bf16_tflops
        return {"fp8": self.fp8_tflops, "bf16": self.bf16_tflops, "tf32": self.tf32_tflops,
                "fp32": self.fp32_tflops, "int8": self.int8_tops}.get(precision)

    def reference_peak(self) -> tuple[str, Dist]:
        """The peak that compares chips by compute (A100-equivalents, pricing one chip's hours by another's):
        the dense 16-bit tensor peak, else FP16, TF32 or FP32 for chips without one. Returns its key too."""
        for key in ("bf16_tflops", "fp16_tflops", "tf32_tflops", "fp32_tflops", "int8_tops", "fp8_tflops"):
            d = getattr(self, key)
            if d is not None:
                return key, d
        raise HardwareError(f"hardware '{self.id}' has no peak throughput in the catalog"
                            + (f" ({self.peak_why})" if self.peak_why else ""))

    def reference_rate(self) -> Rate | None:
        refs = [r for r in self.rental if r.reference]
        return refs[0] if refs else (self.rental[0] if self.rental else None)

    def reference_price(self) -> Price | None:
        """The price Epoch AI's method picks for this chip (marked ``epoch: true`` in the catalog), else Epoch's
        rule applied to the chip's own prices: the earliest, preferring DGX/HGX per-GPU prices."""
        for p in self.purchase:
            if p.epoch:
                return p
        server = sorted((p for p in self.purchase if p.basis in ("dgx", "hgx")), key=lambda p: p.date)
        single = sorted((p for p in self.purchase if p.basis == "single"), key=lambda p: p.date)
        best = server or single
        return best[0] if best else None


class HardwareError(InputError, ValueError):
    """A chip the catalog cannot give (unknown name, no peak): one line for the user, a ValueError for callers."""


PEAK_KEYS = ("bf16_tflops", "fp8_tflops", "fp16_tflops", "tf32_tflops", "fp32_tflops", "int8_tops")
# Makes the error for a problem at a path inside one hardware entry (() for the entry itself).
Fail = Callable[[tuple[str | int, ...], str], InputError]


def _file_fail(cid: str, where: str) -> Fail:
    def fail(path: tuple[str | int, ...], message: str) -> InputError:
        at = f" {dotted(path)}:" if path else ""
        return InputError(f"hardware '{cid}'{at} {message}", where)
    return fail


def _rows(e: dict[str, Any], key: str, fields: tuple[str, ...], fail: Fail) -> list[dict[str, Any]]:
    rows = e.get(key) or []
    if not isinstance(rows, list):
        raise fail((key,), "expected a list of dated rows")
    for i, r in enumerate(rows):
        if not isinstance(r, dict):
            raise fail((key, i), f"expected a mapping with {' and '.join(fields)}")
        for f in fields:
            if r.get(f) is None:
                raise fail((key, i), f"lacks {f}")
    return rows


def _chip(cid: str, e: dict[str, Any], file: str | None = None, fail: Fail | None = None) -> Chip:
    """One chip from its hardware-file entry (``file``), or from a scenario (``fail`` places its errors there)."""
    d = defaults()
    fail = fail or _file_fail(cid, file or str(DATA / "hardware.yaml"))

    def get(key: str, dim: str, entry: Any = None, path: tuple[str | int, ...] = (),
            field: str = "value") -> Dist | None:
        try:
            return sourced(e.get(key) if entry is None else entry, dim, field)
        except (QuantityError, ValueError, TypeError) as err:
            raise fail(path or (key,), str(err)) from None

    def when(v: Any, path: tuple[str | int, ...]) -> dt.date | None:
        try:
            return _date(v)
        except ValueError:
            raise fail(path, f"expected a date (YYYY-MM-DD or YYYY-MM), got {v!r}") from None

    def req(key: str, dim: str) -> Dist:
        v = get(key, dim)
        if v is None:
            raise fail((), f"lacks {key}")
        return v

    peaks = {k: get(k, "number") for k in PEAK_KEYS}
    for k, v in peaks.items():
        try:
            check_value((k,), v)  # a peak of zero would divide the MFU by zero (fullcost.plausible)
        except Implausible as err:
            raise fail((k,), str(err)) from None
    peak_why = str(e.get("peak_why") or "") if file is not None else ""  # only the catalog may list a price-only chip
    if all(v is None for v in peaks.values()) and not peak_why:
        raise fail((), f"lacks a peak throughput (one of {', '.join(PEAK_KEYS)})")
    purchase = _rows(e, "purchase", ("usd", "date"), fail)
    rental = _rows(e, "rental", ("usd_per_hour", "date"), fail)
    for i, p in enumerate(purchase):
        if p.get("basis", "single") not in ("single", "dgx", "hgx"):
            raise fail(("purchase", i, "basis"), f"got {p['basis']!r}; expected 'single', 'dgx' or 'hgx'")
    return Chip(
        id=cid,
        name=e.get("name", cid),
        vendor=e.get("vendor", ""),
        released=when(e.get("released"), ("released",)),
        bf16_tflops=peaks["bf16_tflops"],
        fp8_tflops=peaks["fp8_tflops"],
        fp32_tflops=peaks["fp32_tflops"],
        tf32_tflops=peaks["tf32_tflops"],
        fp16_tflops=peaks["fp16_tflops"],
        int8_tops=peaks["int8_tops"],
        tdp_w=req("tdp_w", "watts"),
        memory_gb=get("memory_gb", "number"),
        scaleup_gbps=get("scaleup_gbps", "number"),
        server_power_ratio=get("server_power_ratio", "multiplier") or d["server_power_ratio"],
        server_overhead=get("server_overhead", "multiplier") or d["server_overhead"],
        power_fraction=get("power_fraction", "fraction") or d["power_fraction"],
        purchase=tuple(
            Price(get("", "usd", p, ("purchase", i, "usd"), "usd") or point(0),
                  when(p["date"], ("purchase", i, "date")) or dt.date.min, p.get("basis", "single"),
                  str(p.get("source", "")), bool(p.get("epoch", False)))
            for i, p in enumerate(purchase)),
        rental=tuple(
            Rate(get("", "usd_per_hour", r, ("rental", i, "usd_per_hour"), "usd_per_hour") or point(0),
                 when(r["date"], ("rental", i, "date")) or dt.date.min,
                 str(r.get("provider", "")), str(r.get("terms", "")), str(r.get("source", "")),
                 bool(r.get("reference", False)))
            for i, r in enumerate(rental)),
        aliases=tuple(str(a).lower() for a in e.get("aliases") or ()),
        family=str(e.get("family") or ""),
        acquisition_lag_days=get("acquisition_lag_days", "days"),
        peak_why=peak_why,
    )


# hardware.yaml: the chips the catalog's own models and labs use, with hand-chosen reference prices;
# hardware-epoch.yaml: the rest of the chips Epoch AI's data names. The second is parsed only when a name is
# not found in the first (or for a listing), so that a run on today's chips does not read it.
HARDWARE_FILES = ("hardware", "hardware-epoch")
# words that name a maker or a brand, not a part: "NVIDIA Tesla V100" and "V100" are the same chip
_NOISE = frozenset({"nvidia", "google", "amd", "tesla", "geforce", "huawei", "intel", "habana", "radeon", "instinct",
                    "gpu"})


def _tokens(name: str) -> list[str]:
    return [t for t in re.split(r"[^0-9a-z]+", name.lower()) if t and t not in _NOISE]


def _key(name: str) -> str:
    """The form a name is matched in: lower case, without separators or maker names ("a100sxm480gb")."""
    return "".join(_tokens(name))


@cache
def _hardware_raw(stem: str) -> dict[str, Any]:
    """A hardware file, parsed once by libyaml without the line bookkeeping of ``yamlio`` (these files are the
    largest of the catalog; the tests read them through ``yamlio``, which refuses duplicate keys)."""
    path = DATA / f"{stem}.yaml"
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    if not isinstance(data, dict):
        raise InputError("expected a mapping of hardware ids", str(path))
    return data


@dataclass
class _Index:
    entries: dict[str, tuple[str, dict[str, Any]]]  # id -> (file stem, raw entry)
    keys: dict[str, str]  # matching key -> id


@cache
def _index(upto: int) -> _Index:
    """The hardware files up to ``upto`` (1 = hardware.yaml only), indexed by id, name and alias."""
    entries: dict[str, tuple[str, dict[str, Any]]] = {}
    keys: dict[str, str] = {}
    for stem in HARDWARE_FILES[:upto]:
        for cid, e in _hardware_raw(stem).items():
            if cid in entries:
                raise InputError(f"hardware '{cid}' is in both {entries[cid][0]}.yaml and {stem}.yaml",
                                 str(DATA / f"{stem}.yaml"))
            entries[cid] = (stem, e)
            for name in (cid, str(e.get("name", cid)), *(str(a) for a in e.get("aliases") or ())):
                k = _key(name)
                if keys.setdefault(k, cid) != cid:
                    raise InputError(f"hardware name '{name}' of '{cid}' also names '{keys[k]}'",
                                     str(DATA / f"{stem}.yaml"))
    return _Index(entries, keys)


@cache
def _built(cid: str) -> Chip:
    for upto in range(1, len(HARDWARE_FILES) + 1):  # the first file alone when the chip is there
        hit = _index(upto).entries.get(cid)
        if hit is not None:
            return _chip(cid, hit[1], str(DATA / f"{hit[0]}.yaml"))
    raise _UnknownError(f"unknown hardware '{cid}'")


@cache
def hardware() -> dict[str, Chip]:
    """Every chip of the catalog, by id."""
    return {cid: _built(cid) for cid in _index(len(HARDWARE_FILES)).entries}


def _lookup(key: str) -> str | None:
    for upto in range(1, len(HARDWARE_FILES) + 1):
        cid = _index(upto).keys.get(key)
        if cid is not None:
            return cid
    return None


def chip(name: str) -> Chip:
    """Find hardware by id, name or alias (Epoch AI's hardware strings among them), ignoring case, spacing and
    maker names. An unknown name raises a KeyError (also a ``HardwareError``) that says which variants of the
    same part exist, and never proposes a different part."""
    cid = _lookup(_key(name))
    if cid is not None:
        return _built(cid)
    raise _UnknownError(f"unknown hardware '{name.strip()}'{_hint(name)}")


class _UnknownError(HardwareError, KeyError):
    def __str__(self) -> str:  # KeyError would quote the message
        return HardwareError.__str__(self)


def _hint(name: str) -> str:
    """What to say about a name the catalog does not know: the variants of its part, or how to list the chips."""
    idx = _index(len(HARDWARE_FILES))
    toks = _tokens(name)
    families: dict[str, list[str]] = {}
    for cid, (_, e) in idx.entries.items():
        fam = str(e.get("family") or "")
        if fam:
            families.setdefault(fam, []).append(cid)
    # the longest family whose words all appear, in order and side by side, in the name
    best: tuple[int, str] | None = None
    for fam in families:
        ft = _tokens(fam)
        inside = any(toks[i:i + len(ft)] == ft for i in range(len(toks) - len(ft) + 1))
        if inside and (best is None or len(ft) > best[0]):
            best = (len(ft), fam)
    if best is None:
        return " (`fullcost hardware` lists the catalog's chips; a chip it lacks can be described inline)"
    fam_toks = _tokens(best[1])
    rest = [t for t in toks if t not in fam_toks]
    variants = families[best[1]]

    def words(cid: str) -> set[str]:
        e = idx.entries[cid][1]
        out: set[str] = set()
        for n in (cid, str(e.get("name", cid)), *(str(a) for a in e.get("aliases") or ())):
            out.update(_tokens(n))
            out.add(_key(n))
        return out

    fits = [c for c in variants if all(any(w.startswith(t) for w in words(c)) for t in rest)]
    listing = "; ".join(f"'{c}' ({idx.entries[c][1].get('name', c)})" for c in variants)
    if len(fits) == 1:
        return f" (did you mean '{fits[0]}'? variants of {best[1]}: {listing})"
    if fits and len(fits) < len(variants):
        listing = "; ".join(f"'{c}' ({idx.entries[c][1].get('name', c)})" for c in fits)
        return f" (it could be any of these variants of {best[1]}: {listing}; give one)"
    return f" (the catalog's variants of {best[1]} are: {listing}; give one)"
