"""Staff: people or teams, their loaded cost, and the share of their time each model took, month by month.

A staff file (YAML)::

    staff:
      - who: pretraining team
        headcount: 6              # default 1
        usd_per_year: 450K        # loaded cost per person (salary x overhead + equity)
        line: rnd                 # rnd (default) or sga
        share:                    # month (or range of months) -> model -> share of their time
          2025-01..2025-06: {v4: 70%, v3: 10%}
          2025-07: {v4: 100%}
      - who: alice
        usd_per_year: 400K
        share:
          2025-03: {v4: 50%}

A month's cost is usd_per_year / 12 x headcount x share. Shares of one month may not exceed 100%; time not
given to a model is the lab's (shown as unattributed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fullcost import yamlio
from fullcost.errors import InputError
from fullcost.quantity import QuantityError, parse

_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


@dataclass(frozen=True)
class Share:
    who: str
    line: str
    month: int  # YYYYMM
    model: str
    usd: float


@dataclass(frozen=True)
class Staff:
    shares: tuple[Share, ...]
    unallocated: tuple[tuple[str, int, float], ...]  # who, month, usd of time no model took
    file: str


def _months(text: str) -> list[int] | None:
    parts = [p for p in re.split(r"\.\.|\s+to\s+", str(text)) if p.strip()]
    if len(parts) not in (1, 2):
        return None
    ms = []
    for p in parts:
        m = _MONTH.match(p)
        if not m or not 1 <= int(m.group(2)) <= 12:
            return None
        ms.append(int(m.group(1)) * 100 + int(m.group(2)))
    lo, hi = ms[0], ms[-1]
    if hi < lo:
        return None
    out, y, mo = [], lo // 100, lo % 100
    while y * 100 + mo <= hi:
        out.append(y * 100 + mo)
        y, mo = (y + 1, 1) if mo == 12 else (y, mo + 1)
    return out


def load(path: str | Path) -> Staff:
    data, pos = yamlio.load(path)
    return from_data(data, pos, str(path))


def loads(text: str, file: str) -> Staff:
    data, pos = yamlio.loads(text, file)
    return from_data(data, pos, file)


def from_data(data: Any, pos: yamlio.Positions, file: str) -> Staff:
    def err(path: tuple[str | int, ...], msg: str) -> InputError:
        return InputError(msg, file, yamlio.line_of(pos, path), path)

    if not isinstance(data, dict) or not isinstance(data.get("staff"), list):
        raise err((), "a staff file is a mapping with a list under 'staff'")
    shares: list[Share] = []
    spare: list[tuple[str, int, float]] = []
    for i, e in enumerate(data["staff"]):
        p: tuple[str | int, ...] = ("staff", i)
        if not isinstance(e, dict):
            raise err(p, "an entry is a mapping: {who, usd_per_year, share: {MONTH: {MODEL: SHARE}}}")
        for k in e:
            if k not in ("who", "headcount", "usd_per_year", "line", "share"):
                raise err((*p, k), f"unknown key '{k}' (known: who, headcount, usd_per_year, line, share)")
        who = str(e.get("who") or "").strip()
        if not who:
            raise err((*p, "who"), "required: a person or team")
        try:
            usd = parse(e.get("usd_per_year"), "usd").central()
        except QuantityError as x:
            raise err((*p, "usd_per_year"), str(x)) from None
        try:
            head = parse(e.get("headcount", 1), "count").central()
        except QuantityError as x:
            raise err((*p, "headcount"), str(x)) from None
        line = str(e.get("line", "rnd"))
        if line not in ("rnd", "sga"):
            raise err((*p, "line"), "expected rnd or sga")
        sh = e.get("share")
        if not isinstance(sh, dict) or not sh:
            raise err((*p, "share"), "expected months mapped to models and shares, e.g. {2025-01: {v4: 50%}}")
        taken: dict[int, float] = {}
        for mk, models in sh.items():
            mp = (*p, "share", str(mk))
            months = _months(str(mk))
            if months is None:
                raise err(mp, f"expected a month like 2025-01 or a range 2025-01..2025-06, got '{mk}'")
            if not isinstance(models, dict) or not models:
                raise err(mp, "expected models and shares, e.g. {v4: 60%}")
            for model, frac in models.items():
                try:
                    f = parse(frac, "fraction").central()
                except QuantityError as x:
                    raise err((*mp, str(model)), str(x)) from None
                for m in months:
                    taken[m] = taken.get(m, 0.0) + f
                    if taken[m] > 1.0 + 1e-9:
                        raise err((*mp, str(model)), f"{who}'s shares for {m // 100}-{m % 100:02d} add up to "
                                  f"{taken[m]:.0%}: more than all of their time")
                    shares.append(Share(who, line, m, str(model), usd / 12.0 * head * f))
        for m, f in sorted(taken.items()):
            if f < 1.0 - 1e-9:
                spare.append((who, m, usd / 12.0 * head * (1.0 - f)))
    return Staff(tuple(shares), tuple(spare), file)
