"""Number formatting shared by every renderer and by the sentences the analyses write."""

from __future__ import annotations

import math
from collections.abc import Callable


def usd(v: float) -> str:
    if not math.isfinite(v):
        return str(v)
    a = abs(v)
    sign = "-" if v < 0 else ""
    for div, suf in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if a >= div:
            return f"{sign}${a / div:,.4g}{suf}"
    return f"{sign}${a:,.4g}"


def num(v: float) -> str:
    a = abs(v)
    for div, suf in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if a >= div:
            return f"{v / div:,.4g}{suf}"
    return f"{v:,.4g}"


def pct(v: float) -> str:
    return f"{v * 100:.1f}%"


def sci(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.3g}"


def summary(s: dict[str, float], f: Callable[[float], str] = usd) -> str:
    if s["p5"] == s["p95"]:
        return f(s["mean"])
    return f"{f(s['mean'])}  ({f(s['p5'])} to {f(s['p95'])})"
