"""The report in a real browser: headless Chromium (Debian's), one launch for this module.

The page must load with no console errors and no network requests, draw its charts (pixels, not just
elements), show the same figures as `fullcost estimate --format json` for the same seed (and, beyond the
headline, as `fullcost claim|replicate|trend --format json` and the unrestricted variant's estimate), fit a
phone's width, and print. Chromium is driven by scripts/screenshot.py (DevTools protocol over a pipe).
"""

from __future__ import annotations

import importlib.util
import io
import json
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from fullcost.report import charts, html

from .conftest import ROOT
from .test_report_html import analyses_json

_spec = importlib.util.spec_from_file_location("fullcost_screenshot", ROOT / "scripts" / "screenshot.py")
assert _spec and _spec.loader
shot = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(shot)

N, SEED = "20000", "7"
FIGS_JS = """Array.from(document.querySelectorAll('[data-fig]')).map(function (el) {
  var m = el.closest('[data-model]');
  return {model: m ? m.getAttribute('data-model') : '', path: el.getAttribute('data-fig'),
          fmt: el.getAttribute('data-fmt'), src: el.getAttribute('data-src') || '', text: el.textContent};
})"""
CHARTS_JS = """Array.from(document.querySelectorAll('svg[data-chart]')).filter(function (s) {
  return s.getBoundingClientRect().width > 0;
}).map(function (s) {
  var r = s.getBoundingClientRect();
  return {key: s.getAttribute('data-chart'), x: r.left + window.scrollX, y: r.top + window.scrollY,
          w: r.width, h: r.height, shapes: s.querySelectorAll('rect, polygon, line').length,
          texts: s.querySelectorAll('text').length};
})"""
# what a visible chart says: its words and its tooltips, as the browser has them
SAYS_JS = """(function (key) {
  var s = Array.from(document.querySelectorAll('svg[data-chart="' + key + '"]')).filter(function (x) {
    return x.getBoundingClientRect().width > 0; })[0];
  return {texts: Array.from(s.querySelectorAll(':scope > text, :scope > g > text')).map(function (t) {
            return t.textContent; }),
          tips: Array.from(s.querySelectorAll('rect > title')).map(function (t) { return t.textContent; })};
})"""
NEW_CHARTS = ["claim", "replication", "premium", "trend"]
ALL_CHARTS = ["iceberg", "waterfall", "distribution", "tornado", *NEW_CHARTS]


def _cli(*args: str) -> str:
    p = subprocess.run([sys.executable, "-m", "fullcost.cli", *args], capture_output=True, text=True, cwd=ROOT,
                       timeout=180)
    assert p.returncode == 0, p.stderr
    return p.stdout


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    d = tmp_path_factory.mktemp("browser")
    out = {}
    for key, models in (("ds", ["deepseek-v3"]), ("pair", ["deepseek-v3", "deepseek-v3@essay"]),
                        ("toy", [str(ROOT / "tests" / "golden" / "toy.yaml")])):
        f = d / f"{key}.html"
        _cli("report", *models, "-o", str(f), "-n", N, "--seed", SEED)
        out[key] = f.resolve().as_uri()
    return out


@pytest.fixture(scope="module")
def estimates():
    """The estimate's JSON, run on its own, for each model the reports show."""
    return {name: json.loads(_cli("estimate", name, "-n", N, "--seed", SEED, "--format", "json"))
            for name in ("deepseek-v3", "deepseek-v3@essay")}


@pytest.fixture(scope="module")
def analyses(estimates):
    """For each model, every JSON a figure on the page may come from (by its data-src; '' is the estimate's)."""
    return {name: analyses_json(name, est, N, SEED) for name, est in estimates.items()}


@pytest.fixture(scope="module")
def browser():
    with shot.Browser(timeout=60) as b:
        yield b


@pytest.fixture
def page(browser):
    p = browser.page()
    p.size(1280, 900)
    yield p
    browser.send("Target.closeTarget", {"targetId": p.target})


def _lookup(obj, path):
    for part in path.split("."):
        obj = obj[int(part)] if isinstance(obj, list) else obj[part]
    return obj


@pytest.mark.parametrize("key", ["ds", "pair", "toy"])
def test_loads_with_no_errors_and_no_network(page, pages, key):
    page.goto(pages[key])
    assert page.evaluate("document.readyState") == "complete"
    assert page.evaluate("document.querySelectorAll('section.model').length") >= 1
    assert page.errors() == []
    assert page.requests() == [pages[key]]  # the file itself, and nothing else


def test_charts_are_drawn(page, pages):
    page.goto(pages["ds"])
    found = page.evaluate(CHARTS_JS)
    assert [c["key"] for c in found] == ALL_CHARTS
    for c in found:
        assert c["w"] > 600 and c["h"] > 150 and c["shapes"] > 5 and c["texts"] > 5, c
        img = Image.open(io.BytesIO(page.screenshot(clip=(c["x"], c["y"], c["w"], c["h"])))).convert("RGB")
        px = np.asarray(img).reshape(-1, 3)
        inked = (px.sum(axis=1) < 600).mean()  # share of pixels clearly not white
        colours = len({tuple(p) for p in px[::53]})
        assert inked > 0.03 and colours > 12, (c["key"], inked, colours)


def test_text_figures_equal_the_estimate_json(page, pages, analyses):
    page.goto(pages["ds"])
    figs = page.evaluate(FIGS_JS)
    assert len(figs) > 60
    assert {f["src"] for f in figs} == {"", "claim", "replicate", "trend", "export_controls"}
    docs = analyses["deepseek-v3"]
    for f in figs:
        assert f["model"] == "deepseek-v3"
        assert f["text"] == html.FORMATS[f["fmt"]](_lookup(docs[f["src"]], f["path"])), f
    claim = page.evaluate("document.querySelector('.claim').innerText")
    assert claim.startswith("Reported: $5.576M (final run at $2/GPU-hour).")


def test_new_charts_show_the_analyses_figures(page, pages, analyses):
    """The charts beyond the headline draw the analyses' numbers: their words and tooltips, in the browser."""
    page.goto(pages["ds"])
    a = analyses["deepseek-v3"]
    say = {k: page.evaluate(f"{SAYS_JS}('{k}')") for k in NEW_CHARTS}
    usd, pct = html.FORMATS["usd"], html.FORMATS["pct"]
    # the claim: each definition's range, with the probability the claim matches it, and the claim itself
    cl = a["claim"]
    assert f"claim {usd(cl['claim_usd'])}" in say["claim"]["texts"]
    key = {v: k for k, v in charts.DEFINITION_NAMES.items()}
    prob = {m["definition"]: m["probability"] for m in cl["matches"]}
    assert sorted(key[t.split(":")[0]] for t in say["claim"]["tips"]) == sorted(prob)
    for tip in say["claim"]["tips"]:
        k = key[tip.split(":")[0]]
        s = charts.definition_summary(a[""], k)
        assert usd(s["mean"]) in tip and tip.endswith(f"the claim matches it with probability {pct(prob[k])}"), tip
    # replication: each bar's mean and interval
    rp = a["replicate"]
    rows = [rp["original_development_usd"], *(lv["usd"] for lv in rp["levels"])]
    assert len(say["replication"]["tips"]) == len(rows)
    for tip, s in zip(say["replication"]["tips"], rows, strict=True):
        assert f"mean {usd(s['mean'])}, 90% interval {usd(s['p5'])}–{usd(s['p95'])}" in tip
        assert usd(s["mean"]) in say["replication"]["texts"]
    # the premium: both runs' means and their difference
    x = a["export_controls"]
    assert f"premium +{usd(x['premium']['development']['premium_usd']['mean'])}" in say["premium"]["texts"]
    assert usd(x["unrestricted"]["development"]["total_usd"]["mean"]) in say["premium"]["texts"]
    # the fan chart: each year's median, band, probability and frontier median
    tr = a["trend"]
    assert len(say["trend"]["tips"]) == len(tr["years"])
    for tip, row, fr in zip(say["trend"]["tips"], tr["years"], tr["frontier"], strict=True):
        s = row["usd"]
        assert tip == (f"{row['year']}: median {usd(s['p50'])}, 90% band {usd(s['p5'])}–{usd(s['p95'])}; below "
                       f"{usd(tr['below_usd'])} with probability {pct(tr['probability_by_year'][str(row['year'])])}; "
                       f"frontier median {usd(fr['usd']['p50'])}")
    assert f"median {usd(tr['years'][-1]['usd']['p50'])}" in say["trend"]["texts"]


def test_side_by_side_figures_equal_each_models_json(page, pages, analyses):
    page.goto(pages["pair"])
    figs = page.evaluate(FIGS_JS)
    assert {f["model"] for f in figs} == {"deepseek-v3", "deepseek-v3@essay"}
    for f in figs:
        assert f["text"] == html.FORMATS[f["fmt"]](_lookup(analyses[f["model"]][f["src"]], f["path"])), f
    keys = [c["key"] for c in page.evaluate(CHARTS_JS)]
    assert keys.count("iceberg") == 4 and "comparison" in keys  # two compared, two in the models' sections


def test_fits_a_phone(browser, pages):
    p = browser.page()
    try:
        p.size(390, 844, phone=True)
        p.goto(pages["ds"])
        assert p.evaluate("document.documentElement.scrollWidth") <= 390
        sizes = p.evaluate(CHARTS_JS)
        assert [c["key"] for c in sizes] == ALL_CHARTS
        assert all(c["w"] <= 370 for c in sizes)
        assert p.evaluate("getComputedStyle(document.querySelector('.chart-wide')).display") == "none"
        assert p.errors() == []
    finally:
        browser.send("Target.closeTarget", {"targetId": p.target})


def test_prints(page, pages):
    page.goto(pages["ds"])
    page.call("Emulation.setEmulatedMedia", {"media": "print"})
    assert page.evaluate("getComputedStyle(document.querySelector('nav.toc')).display") == "none"
    assert page.evaluate("getComputedStyle(document.querySelector('.chart-wide')).display") == "block"
    page.call("Emulation.setEmulatedMedia", {"media": ""})
    pdf = page.pdf()
    assert pdf.startswith(b"%PDF") and len(pdf) > 50_000


def test_assumptions_filter(page, pages):
    page.goto(pages["ds"])
    n = page.evaluate("document.querySelectorAll('table.assumptions tbody tr').length")
    page.evaluate("""(function () { var i = document.querySelector('input[data-filter]'); i.value = 'h800';
                     i.dispatchEvent(new Event('input')); })()""")
    shown = page.evaluate("document.querySelectorAll('table.assumptions tbody tr:not([hidden])').length")
    assert 0 < shown < n
    assert page.evaluate("document.getElementById('deepseek-v3-assumptions-table-count').textContent") == \
        f"{shown} of {n} inputs"
    assert page.errors() == []


def test_missing_parts_are_said_on_the_page(page, pages):
    page.goto(pages["toy"])
    text = page.evaluate("document.body.innerText")
    assert "This report is incomplete in 5 ways" in text  # the toy's 1.7% implied MFU is warned about
    assert "is not a valid web address" in text
    assert page.evaluate("document.querySelectorAll('.missing').length") >= 3
