"""Sanity warnings: values that are legal but implausible, said on stderr and in the JSON ``warnings`` list.

- an implied MFU above 60% or below 3% of the hardware's peak at the training precision (above 100% where the
  FLOPs are the reported figure: no run computes beyond its chips' peak);
- token or parameter counts without a magnitude (``tokens: 15``), and a final run that would last minutes;
- hardware older than its useful life when the run starts;
- and, for an unreadable quantity, the reading that was probably meant (``35-45%`` -> ``35% to 45%``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from fullcost.summary import mean, median

if TYPE_CHECKING:
    from fullcost.context import Context
    from fullcost.costing.final_run import FinalRun

MFU_HIGH = 0.60
MFU_LOW = 0.03
FEW_TOKENS = 1e6  # no model worth costing was trained on fewer
FEW_PARAMS = 1e5
SHORT_RUN_DAYS = 1.0 / 24.0


def check(ctx: Context, fr: FinalRun) -> None:
    """Append a warning to ``ctx.warnings`` for each implausible value of the final run."""
    sc, w = ctx.sc, ctx.warnings
    m = sc.model
    if m.tokens is not None and m.tokens.ref is None and m.tokens.central() < FEW_TOKENS:
        w.append(f"model.tokens is {m.tokens.text}: tokens are counted one by one, so this is a tiny run "
                 f"(did you mean {m.tokens.text}B or {m.tokens.text}T?)")
    for key in ("params_total", "params_active"):
        d = getattr(m, key)
        if d is not None and d.ref is None and d.central() < FEW_PARAMS:
            w.append(f"model.{key} is {d.text}: parameters are counted one by one "
                     f"(did you mean {d.text}B?)")
    # the MFU check catches mistyped parameters, tokens or GPU-hours; FLOPs as reported (by the developer or Epoch
    # AI) are the source's own figure, checked against 6·N·D by the engine instead
    if fr.implied_mfu is not None and getattr(fr, "flops_basis", "6ND") == "6ND":
        mfu = mean(fr.implied_mfu)
        peak = f"{fr.precision.upper()} peak of the {fr.chip.id}"
        if mfu > MFU_HIGH:
            w.append(f"the implied MFU is {mfu:.0%} of the {peak}, above the {MFU_HIGH:.0%} no large run has "
                     "exceeded: check model.tokens, the parameters and the final run's GPU-hours")
        elif mfu < MFU_LOW:
            w.append(f"the implied MFU is {mfu:.1%} of the {peak}, below {MFU_LOW:.0%}: check model.tokens, the "
                     "parameters and the final run's GPU-hours")
    elif fr.implied_mfu is not None and mean(fr.implied_mfu) > 1.0:
        # a reported figure may be high, but not beyond what the chips can do
        w.append(f"model.reported_flops needs an implied MFU of {mean(fr.implied_mfu):.0%} of the "
                 f"{fr.precision.upper()} peak of the {fr.chip.id}: more than the chips could compute in the final "
                 "run's GPU-hours, so the reported FLOPs, the GPU-hours or the chip (its peak or precision) is wrong")
    days = mean(fr.days)
    if 0 < days < SHORT_RUN_DAYS:
        w.append(f"the final run lasts {days * 24 * 60:.0f} minutes of wall-clock time: check its GPU-hours, "
                 "GPUs and model.tokens")
    _age(ctx, "the final run's hardware", fr.own.acquired, fr.own.start, "ownership")
    if sc.fleet is not None:
        start = sc.final_run.start or sc.released or fr.own.start
        for i, g in enumerate(sc.fleet.gpus):
            if g.acquired is not None:
                _age(ctx, f"fleet.gpus[{i}] ({g.hardware})", g.acquired, start, "fleet")


def _age(ctx: Context, what: str, acquired: dt.date, at: dt.date, section: str) -> None:
    drawn = ctx.sampler.drawn
    life = None
    for name in (f"{section}.useful_life_years", "defaults.useful_life_years"):
        if name in drawn:
            life = median(drawn[name][1])
            break
    if life is None:
        return
    age = (at - acquired).days / 365.25
    if age > life:
        ctx.warnings.append(f"{what}, acquired {acquired.isoformat()}, is {age:.1f} years old on "
                            f"{at.isoformat()}: older than its useful life ({life:.1f} years at the median)")


_DASHED = re.compile(r"^\s*(\$?[\d.,]+\s*[kKMBT%]?)\s*[-–—]\s*(\$?[\d.,]+\s*(?:[kKMBT%]|bn)?)\s*(.*)$")


def range_hint(value: object) -> str:
    """' (did you mean ...?)' for a range written with a dash (``35-45%``), else ''."""
    if not isinstance(value, str):
        return ""
    m = _DASHED.match(value)
    if not m:
        return ""
    lo, hi, unit = m.group(1).strip(), m.group(2).strip(), m.group(3).strip()
    suffix = hi[-1] if hi and hi[-1] in "kKMBT%" else ""
    if suffix and lo[-1:] not in "kKMBT%":
        lo += suffix
    tail = f" {unit}" if unit else ""
    return f" (did you mean '{lo}{tail} to {hi}{tail}'? a range is written 'a to b')"
