"""Cost items: the one currency of fullcost. Sources produce them; every view reads them."""

from __future__ import annotations

from dataclasses import dataclass

from fullcost.quantity import Arr

CATEGORIES = ("compute", "staff", "hardware", "energy", "facility", "data", "overhead")
PHASES = ("final_run", "experiments", "validation", "related_model", "failed", "inference", "overall")
LINES = ("rnd", "cogs", "sga")


@dataclass(frozen=True)
class CostItem:
    """One cost: an amount per sample, what kind of cost it is, and what it is attributed to."""

    name: str
    category: str  # one of CATEGORIES
    phase: str  # one of PHASES
    usd: Arr
    cash: bool = True  # False for depreciation and other non-cash charges
    line: str = "rnd"  # accounting line: rnd | cogs | sga
    attributed_to: str = ""  # the model (or "lab")
    detail: str = ""  # how it was computed, in words, for footnotes

    def __post_init__(self) -> None:
        if self.category not in CATEGORIES:
            raise ValueError(f"unknown category {self.category!r}")
        if self.phase not in PHASES:
            raise ValueError(f"unknown phase {self.phase!r}")
        if self.line not in LINES:
            raise ValueError(f"unknown accounting line {self.line!r}")


def total(items: list[CostItem], n: int) -> Arr:
    """Sum of items sample by sample."""
    import numpy as np

    out = np.zeros(n)
    for it in items:
        out = out + it.usd
    return out
