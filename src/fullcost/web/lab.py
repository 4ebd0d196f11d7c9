"""The lab page: the statements and the adjusted-EBITDA reconciliation (the report's tables), what moves the last
year's adjusted EBITDA and net income (the report's tornado), every input with its source, and controls as on a
model page. Figures come from ``fullcost.books`` through ``work.lab_view``; this module lays them out."""

from __future__ import annotations

import re
from typing import Any

from fullcost.books.drivers import Driver
from fullcost.books.lab import LabScenario
from fullcost.report import charts
from fullcost.report.assumptions import KINDS, Assumption, label, resolve
from fullcost.report.html import assumptions_table
from fullcost.report.markup import FORMATS, chart_figure, e
from fullcost.report.sections import statements_html
from fullcost.web import controls
from fullcost.web.layout import page
from fullcost.web.work import LabBaseline, LabView

FIGURES = (("adjusted_ebitda", "lab-adjusted-ebitda", "adjusted EBITDA", ("adjusted_ebitda", "value", "mean")),
           ("net_income", "lab-net-income", "net income", ("income_statement", "net_income", "mean")))


_SERVING = re.compile(r"serving\[(\d+)\]\.(.+)")


def input_label(name: str, lab: LabScenario) -> str:
    """An input's name in words; a serving entry is named by its year (its GPUs' name is no name for it)."""
    m = _SERVING.fullmatch(name)
    if m and int(m.group(1)) < len(lab.serving):
        return f"serving {lab.serving[int(m.group(1))].year} › {label(m.group(2))}"
    return label(name, root=lab)


def assumptions(v: LabView) -> list[Assumption]:
    """The run's inputs as the assumptions table shows them: the lab file's, the programs', the catalog's."""
    out = []
    for x in v.inputs:
        if x.release is not None:
            rel = v.scenario.releases[x.release]
            where = f"program of {rel.name}" + ("" if x.settable else f" ({rel.program}: set in its own scenario)")
            sources = v.program_sources.get(x.release, {})
        else:
            where = "lab file" if x.origin == "lab" else "catalog"
            sources = dict(v.scenario.sources)
        d = x.dist
        out.append(Assumption(x.name, input_label(x.name, v.scenario), where, d.text or f"{x.mid:g}",
                              KINDS.get(d.kind, d.kind), x.low, x.mid, x.high, resolve(d.source, sources=sources),
                              d.published, d.note))
    return out


def now_line(v: LabView) -> str:
    """The last year's adjusted EBITDA and net income for this state, with exact values for scripts and tests."""
    years: list[dict[str, Any]] = v.out["years"]
    last = years[-1]
    i = len(years) - 1
    sets = v.out.get("overrides") or []
    with_ = f" with {len(sets)} change{'s' if len(sets) != 1 else ''}" if sets else " as the lab file has it"
    figs = []
    for _, fid, words, path in FIGURES:
        val: Any = last
        for k in path:
            val = val[k]
        figs.append(f'{words} <data id="{fid}" value="{float(val)!r}" data-fig="years.{i}.{".".join(path)}" '
                    f'data-fmt="usd">{e(FORMATS["usd"](val))}</data>')
    return (f'<p class="now">In {last["year"]}{with_}: {figs[0]}; {figs[1]} (means of {v.out["samples"]:,} '
            f'simulations, seed {v.out["seed"]}).</p>')


def tornado(v: LabView, d: Driver, labels: dict[str, str], fid: str) -> str:
    what = f"{d.label} in {d.year}"
    data = {"title": str(v.out.get("title") or v.lab), "sensitivity": d.rows}
    cap = (f"Each bar is the mean {e(what)} when one input sits at its low end (its lowest tenth of draws, around "
           "the 5th percentile) or its high end (around the 95th), every other input still uncertain.")
    wide = charts.tornado(data, labels, measure=what, base=d.usd["mean"])
    narrow = charts.tornado(data, labels, charts.NARROW, measure=what, base=d.usd["mean"])
    return chart_figure(fid, wide, narrow, cap)


def reproduce(v: LabView) -> str:
    st = v.state
    sets = "".join(f" --set '{s}'" for s in st.sets)
    return f"fullcost statements {v.lab} --samples {st.samples} --seed {st.seed}{sets} --format json"


def lab_fragment(v: LabView) -> str:
    """What a change redraws: the year's figures, the statements and the reconciliation, the tornados, the
    inputs with their sources (a "control" button for each that ``--set`` reaches)."""
    items = assumptions(v)
    settable = {x.name for x in v.inputs if x.settable}
    labels = {a.name: a.label for a in items}
    warn = "".join(f'<p class="note">Warning: {e(w)}</p>' for w in v.out.get("warnings") or [])
    bars = "".join(f'<h3 id="lab-{d.measure}-drivers">What moves {e(d.label)} in {d.year}</h3>'
                   + tornado(v, d, labels, f"lab-{d.measure}-tornado") for d in v.drivers)
    return "".join([
        now_line(v), warn,
        '<h2 id="lab-statements">The statements and the adjusted-EBITDA reconciliation</h2>',
        statements_html(v.out),
        '<h2 id="lab-drivers">What moves the books</h2>', bars,
        '<h2 id="lab-assumptions">Every input and its source</h2>',
        '<p>Every input the books drew, with its source; "control" adds a slider for it. Inputs of a program named '
        "by a catalog model are changed on that model's page.</p>",
        assumptions_table(items, "lab-assumptions-table", settable),
        f'<p class="detail">The same figures from the command line: <code>{e(reproduce(v))}</code></p>',
    ])


def lab_page(v: LabView, base: LabBaseline) -> str:
    """``/lab/NAME``: its API lives under ``/api/page/lab/NAME`` and ``/api/control/lab/NAME``."""
    lab = v.scenario
    path = f"/lab/{v.lab}"
    bits = [b for b in (lab.developer, f"{lab.founded.year} to {lab.last_year}",
                        "illustrative inputs" if lab.illustrative else None) if b]
    byline = f'<p class="byline">{e(" · ".join(bits))}</p>'
    about = f'<p class="detail">{e(lab.description)}</p>' if lab.description else ""
    labels = {a.name: a.label for a in base.inputs.values()}
    panel = controls.panel(base.inputs, base.top, v.state, labels, f"/api/page{path}", f"/api/control{path}",
                           dollars=False)
    downloads = (f'<p class="downloads">Download: <a class="dl" data-base="/api/statements/{e(v.lab)}" '
                 f'href="/api/statements/{e(v.lab)}?{e(v.state.query())}">JSON (fullcost statements --format json)'
                 "</a></p>")
    body = (byline + about + panel + downloads
            + f'<div id="result" data-path="{e(path)}">{lab_fragment(v)}</div>')
    return page(f"{lab.title or v.lab}: the books", body, "fullcost · lab")
