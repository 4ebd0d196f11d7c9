"""The controls of a page: a slider over an input's 90% range and a field taking the scenario grammar
("150K to 300K"), one for each of the inputs that move the total most and for any input picked from the
assumptions table; the sample count, seed and dollars. Controls only write the URL's state (``set=PATH=VALUE``);
the script (``static/serve.js``) asks the server to recompute."""

from __future__ import annotations

import math
from collections.abc import Sequence

from fullcost.report.assumptions import Assumption
from fullcost.report.markup import FORMATS, e
from fullcost.web.state import MAX_SAMPLES, State

TOP = 6  # the tornado's longest bars get a control each
STEPS = 200  # a slider's positions across the 90% range (at least)


def set_paths(sets: Sequence[str]) -> dict[str, str]:
    """``PATH=VALUE`` strings -> {PATH: VALUE} (the order kept)."""
    out: dict[str, str] = {}
    for s in sets:
        path, _, value = s.partition("=")
        out[path.strip()] = value.strip()
    return out


def _kind(a: Assumption) -> str:
    n = a.name.lower()
    if n.endswith("_usd") or "usd" in n.rsplit(".", 1)[-1]:
        return "usd"
    if 0 <= a.low and a.high <= 1 and any(w in n for w in ("share", "utilization", "fraction", "overhead.share")):
        return "pct"
    return "num"


def _step(lo: float, hi: float) -> float:
    span = hi - lo
    return float(10 ** math.floor(math.log10(span / STEPS))) if span > 0 else 1.0


def _text(v: float, step: float) -> str:
    decimals = max(0, -math.floor(math.log10(step))) if step < 1 else 0
    return f"{v:.{decimals}f}"


def control(a: Assumption | None, path: str, label: str, current: str | None, idx: int) -> str:
    """One input's control: a slider where the input has a 90% range, and always the text field."""
    cid = f"ctl-{idx}"
    slider = ""
    note = ""
    if a is not None and a.high > a.low and math.isfinite(a.low) and math.isfinite(a.high):
        step = _step(a.low, a.high)
        lo, hi = math.floor(a.low / step) * step, math.ceil(a.high / step) * step
        try:
            val = float(current) if current is not None else a.mid
        except ValueError:
            val = a.mid
        val = min(max(val, lo), hi)
        f = FORMATS[_kind(a)]
        slider = (f'<input type="range" class="ctl-range" id="{cid}" min="{_text(lo, step)}" max="{_text(hi, step)}" '
                  f'step="{_text(step, step)}" value="{_text(round(val / step) * step, step)}" '
                  f'aria-label="{e(label)}" data-fmt="{_kind(a)}">'
                  f'<output class="ctl-value" for="{cid}">{e(f(val)) if current is not None else "as written"}'
                  "</output>")
        note = f"90% range {e(f(a.low))} to {e(f(a.high))}"
    if a is not None:
        note = (note + "; " if note else "") + f"as written: {e(a.text)}"
    placeholder = a.text if a is not None else "a value or a range, e.g. 150K to 300K"
    return (f'<div class="ctl{" set" if current is not None else ""}" data-path="{e(path)}">'
            f'<div class="ctl-head"><label for="{cid}-text">{e(label)}</label> <code>{e(path)}</code>'
            f'<button type="button" class="ctl-reset" title="back to the scenario\'s value">reset</button></div>'
            f'<div class="ctl-body">{slider}<input type="text" class="ctl-text" id="{cid}-text" '
            f'value="{e(current or "")}" placeholder="{e(placeholder)}" maxlength="300" spellcheck="false" '
            f'aria-label="{e(label)}: a value or a range as in a scenario file"></div>'
            f'<p class="detail">{note}</p></div>')


def panel(inputs: dict[str, Assumption], top: Sequence[str], st: State, labels: dict[str, str],
          api: str, fragment_api: str, dollars: bool = True) -> str:
    """The controls of a model page: the tornado's top inputs, then every overridden one, then the state."""
    current = set_paths(st.sets)
    paths = list(dict.fromkeys([*top[:TOP], *current]))
    rows = [control(inputs.get(p), p, labels.get(p) or (inputs[p].label if p in inputs else p), current.get(p), i)
            for i, p in enumerate(paths)]
    return (f'<section class="controls" id="controls" aria-label="Assumptions you can change" '
            f'data-api="{e(api)}" data-control-api="{e(fragment_api)}">'
            '<h2>Change an assumption</h2><p class="detail">Move a slider or type a value or a range as a '
            'scenario file would ("150K to 300K", "$2.5", "30% to 60%"); the page recomputes and the address '
            'bar keeps the state, so the link reproduces it. "control" in the assumptions table adds any other '
            "input.</p>"
            f'<div class="ctl-list">{"".join(rows)}</div>'
            + state_fields(st, dollars=dollars) + '<p class="status" role="status" aria-live="polite"></p>'
            '<p class="error" role="alert" hidden></p></section>')


def state_fields(st: State, with_sets: bool = False, dollars: bool = True) -> str:
    """The sample count, seed and dollars (and, without the script's controls, the overrides) as a GET form."""
    sets = ""
    if with_sets:
        items = "".join(f'<li><label><input type="checkbox" name="set" value="{e(s)}" checked> <code>{e(s)}</code>'
                        "</label></li>" for s in st.sets)
        sets = (f'<ul class="plain sets">{items}</ul><p><label>Change an assumption <input type="text" name="set" '
                'placeholder="PATH=VALUE, e.g. staff.roles[0].share=30% to 60%" maxlength="400" size="48">'
                "</label></p>")
    else:
        sets = "".join(f'<input type="hidden" name="set" value="{e(s)}">' for s in st.sets)
    cur = (f'<label>dollars of <input type="text" name="dollars" size="7" maxlength="7" placeholder="nominal" '
           f'value="{e(st.dollars or "")}"></label> ') if dollars else ""
    return (f'<form class="state" method="get">{sets}<label>samples <input type="number" name="samples" min="1" '
            f'max="{MAX_SAMPLES}" value="{st.samples}"></label> <label>seed <input type="number" name="seed" min="0" '
            f'value="{st.seed}"></label> {cur}<button type="submit">apply</button></form>')
