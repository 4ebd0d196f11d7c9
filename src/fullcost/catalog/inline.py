"""Chips written inline in a scenario, for hardware the catalog lacks: built by the code that reads hardware.yaml."""

from __future__ import annotations

import difflib
import re
from typing import Any

from fullcost.catalog import PEAK_KEYS, Chip, Fail, _chip

# Every key a chip written inline in a scenario may have: those of a hardware.yaml entry (``peak_why``, for a chip
# the catalog knows only by its price, is the catalog's alone).
CHIP_KEYS = ("name", "vendor", "family", "aliases", "released", *PEAK_KEYS, "tdp_w", "memory_gb",
             "memory_bandwidth_tbps", "scaleup_gbps", "server_power_ratio", "server_overhead", "power_fraction",
             "acquisition_lag_days", "purchase", "rental", "note", "rental_note")


def inline_chip(e: dict[str, Any], fail: Fail) -> Chip:
    """A chip written in a scenario: the keys of a hardware.yaml entry (plus an optional ``id``), built by the
    code that reads hardware.yaml, so it is checked the same way; ``fail`` places errors in the scenario."""
    for key in e:
        if key != "id" and key not in CHIP_KEYS:
            near = difflib.get_close_matches(str(key), [*CHIP_KEYS, "id"], n=1)
            raise fail((str(key),), f"unknown key '{key}'" + (f" (did you mean '{near[0]}'?)" if near else ""))
    name = e.get("name")
    if not isinstance(name, str) or not name.strip():
        raise fail((), "an inline chip needs a name")
    cid = e.get("id", slug(name))
    if not cid:
        raise fail(("name",), f"no id can be made from the name {name!r}: give the chip an id")
    if not isinstance(cid, str) or not re.fullmatch(r"[a-z0-9][a-z0-9.\-_]*", cid):
        raise fail(("id",), f"expected an id of lowercase letters, digits, '.', '-', '_', got {cid!r}")
    for key in ("vendor", "family", "note", "rental_note"):
        if key in e and not isinstance(e[key], str):
            raise fail((key,), "expected text")
    if not isinstance(e.get("aliases") or [], list):
        raise fail(("aliases",), "expected a list of names")
    return _chip(cid, e, None, fail)


def slug(name: str) -> str:
    """A hardware id from a name: 'Google TPU v3' -> 'google-tpu-v3'."""
    return re.sub(r"[^a-z0-9.]+", "-", name.strip().lower()).strip("-.")
