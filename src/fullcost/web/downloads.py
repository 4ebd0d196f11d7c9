"""The downloads of a page, for its current state: the scenario as YAML (``extends:`` and the overrides, as
`fullcost show` and `fullcost new` write one), the report's HTML page and workbook (what `fullcost report` writes
for the same arguments) and the estimate's JSON."""

from __future__ import annotations

import re
from typing import Any

import yaml

from fullcost.web import names
from fullcost.web.state import State
from fullcost.web.work import Source

BELOW_USD = 10e6  # `fullcost report`'s default --below


def filename(src: Source, ext: str) -> str:
    stem = src.name if src.kind == "model" else f"upload-{src.name[:12]}"
    return (re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-.") or "scenario")[:80] + ext


def scenario_yaml(src: Source, st: State) -> str:
    """A file that gives this page's numbers: ``fullcost estimate FILE --samples N --seed S``."""
    from fullcost.overrides import parse_all

    given = parse_all(st.sets)  # checked as the page's run checked them
    sets = {o.path: o.value for o in given}
    if src.kind == "upload":
        data, _ = names.read_upload(src.name)
        data = dict(data)
        if isinstance(data.get("set"), dict):
            sets = {**data["set"], **sets}
        data.pop("set", None)
    else:
        data = {"extends": src.name}
    if st.dollars is not None:
        data["dollars"] = int(st.dollars) if st.dollars.isdigit() else st.dollars
    if sets:
        data["set"] = sets
    head = [f"# {src.name if src.kind == 'model' else 'an uploaded scenario'}"
            + (f" with {len(given)} change{'s' if len(given) != 1 else ''}" if given else "")
            + " (from fullcost serve).",
            f"# The page's numbers: fullcost estimate {filename(src, '.yaml')} --samples {st.samples} --seed {st.seed}",
            "# `set:` takes the paths --set takes; see fullcost fields and fullcost show."]
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110, default_flow_style=False)
    return "\n".join(head) + "\n" + body


def report_models(src: Source, st: State, generated: str) -> list[Any]:
    """The report's data for this state, as `fullcost report` builds it (the analyses beyond the headline too)."""
    from fullcost import api
    from fullcost.cli.report import analyse
    from fullcost.report.html import model_report

    doc = src.load(st.sets)
    est = api.run(doc, st.samples, st.seed, st.dollars)
    out = api.to_json(est)
    beyond = analyse(est, out, st.samples, st.seed, None, BELOW_USD, int(generated[:4]), st.dollars)
    api.check_overrides(doc)
    return [model_report(est, out, beyond=beyond)]


def report_html(src: Source, st: State, generated: str) -> bytes:
    from fullcost.report.html import render

    return render(report_models(src, st, generated), generated).encode("utf-8")


def workbook(src: Source, st: State, generated: str) -> bytes:
    from fullcost.report.xlsx import workbook as book

    return book(report_models(src, st, generated), generated)
