"""The pages: a model (or an uploaded scenario) with its controls, a comparison, the upload form (a lab's page is
``lab``). Each section is the report's own renderer (``fullcost.report``); this module lays them out and links them."""

from __future__ import annotations

from collections.abc import Sequence

from fullcost.report.html import assumptions_section, comparison_section, reproduce
from fullcost.report.markup import FORMATS, e
from fullcost.report.model import ModelReport
from fullcost.report.sections import (
    cards,
    claim,
    distribution_section,
    footnotes,
    iceberg_section,
    tornado_section,
    waterfall_section,
)
from fullcost.web import controls
from fullcost.web.layout import page
from fullcost.web.names import MAX_UPLOAD_BYTES
from fullcost.web.state import State
from fullcost.web.work import Baseline, ModelView

DOWNLOADS = (("scenario.yaml", "scenario (YAML)"), ("report.html", "report (HTML)"),
             ("workbook.xlsx", "workbook (XLSX)"), ("estimate.json", "JSON"))


def now_line(m: ModelReport) -> str:
    """The development cost as computed for this state, with its exact value for scripts and tests."""
    dev = m.out["development"]["total_usd"]["mean"]
    sets = m.out.get("overrides") or []
    with_ = f" with {len(sets)} change{'s' if len(sets) != 1 else ''}" if sets else " as the scenario has it"
    return (f'<p class="now">Development cost{with_}: <data id="dev-total" value="{float(dev)!r}" '
            f'data-fig="development.total_usd.mean" data-fmt="usd">{e(FORMATS["usd"](dev))}</data> '
            f'(mean of {m.out["samples"]:,} simulations, seed {m.out["seed"]}).</p>')


def model_fragment(v: ModelView) -> str:
    """What a change redraws: the claim and the answer, the cards, the iceberg, the bridge, the distribution, the
    tornado, the footnotes and the assumptions with their sources."""
    m = v.report
    s = m.slug
    warn = "".join(f'<p class="note">Warning: {e(w)}</p>' for w in m.out.get("warnings") or [])
    return "".join([
        now_line(m), claim(m), warn, cards(m),
        f'<h2 id="{s}-iceberg-h">The iceberg</h2>', iceberg_section(m, f"{s}-iceberg"),
        f'<h2 id="{s}-bridge">The bridge: from the headline to the development cost</h2>',
        waterfall_section(m, f"{s}-waterfall"),
        f'<h2 id="{s}-uncertainty">How sure is it?</h2>', distribution_section(m, f"{s}-distribution"),
        f'<h3 id="{s}-drivers">What moves it most</h3>', tornado_section(m, f"{s}-tornado"),
        f'<h2 id="{s}-footnotes">The footnotes: what the headline leaves out</h2>', footnotes(m),
        f'<h2 id="{s}-assumptions">Every assumption and its source</h2>',
        '<p>Every input the estimate drew, with its source; "control" adds a slider for it.</p>',
        assumptions_section(m, f"{s}-assumptions-table"),
        f'<p class="detail">The same figures from the command line: <code>{e(reproduce([m]))}</code></p>',
    ])


def downloads(base: str, st: State) -> str:
    links = " ".join(f'<a class="dl" data-base="/download/{w}{e(base)}" href="/download/{w}{e(base)}?'
                     f'{e(st.query())}" download>{e(label)}</a>' for w, label in DOWNLOADS)
    return f'<p class="downloads">Download: {links}</p>'


def model_page(v: ModelView, base: Baseline, path: str) -> str:
    """``path``: the page's own path (``/m/NAME`` or ``/u/ID``); its API lives under ``/api/page`` + path."""
    m = v.report
    bits = [b for b in (m.developer, f"released {m.released}" if m.released else None) if b]
    byline = f'<p class="byline">{e(" · ".join(bits))}</p>' if bits else ""
    about = f'<p class="detail">{e(m.description)}</p>' if m.description else ""
    panel = controls.panel(base.inputs, base.top, v.state, m.labels, f"/api/page{path}", f"/api/control{path}")
    body = (byline + about + panel + downloads(path, v.state)
            + f'<div id="result" data-path="{e(path)}">{model_fragment(v)}</div>')
    return page(f"{m.title}: the headline and the full cost", body, "fullcost · model")


def compare_page(views: Sequence[ModelView], models: Sequence[str], st: State) -> str:
    links = "".join(f'<li><a href="/m/{e(n)}?{e(State(_sets_for(st, n), st.samples, st.seed, st.dollars).query())}">'
                    f"{e(v.report.title)}</a></li>" for n, v in zip(models, views, strict=True))
    form = controls.state_fields(st, with_sets=True).replace(
        '<form class="state" method="get">',
        '<form class="state" method="get">' + "".join(f'<input type="hidden" name="m" value="{e(n)}">'
                                                      for n in models))
    json_link = f'/api/compare?{e(st.query([("m", n) for n in models]))}'
    body = (f'<section class="controls"><h2>Models and assumptions</h2><p class="detail">An override applies to '
            'every model, or to one as MODEL:PATH=VALUE (deepseek-v3:fleet.utilization=0.7).</p>'
            f'{form}<p class="downloads">Download: <a href="{json_link}">JSON</a></p></section>'
            f'<ul class="plain">{links}</ul>'
            + comparison_section([v.report for v in views]))
    return page(" vs ".join(v.report.title for v in views), body, "fullcost · compare")


def _sets_for(st: State, model: str) -> tuple[str, ...]:
    out = []
    for s in st.sets:
        head, eq, _ = s.partition("=")
        who, colon, _ = head.rpartition(":")
        if not colon:
            out.append(s)
        elif who == model:
            out.append(s[len(who) + 1:])
        del eq
    return tuple(out)


def upload_page(message: str = "") -> str:
    err = f'<p class="error" role="alert">{e(message)}</p>' if message else ""
    body = (f"{err}<p>A scenario file (YAML, at most {MAX_UPLOAD_BYTES // 1024} KB) gets its own page. It may start "
            "<code>extends: deepseek-v3</code> and change only what differs (see <code>fullcost new</code> and "
            "<code>fullcost show</code>). It is read as the command line reads a file and kept, by its content's "
            "hash, in a temporary folder of the server.</p>"
            '<form method="post" action="/upload" enctype="multipart/form-data">'
            '<input type="file" name="file" accept=".yaml,.yml,text/yaml" required> '
            '<button type="submit">upload</button></form>')
    return page("Upload a scenario", body, "fullcost · upload")
