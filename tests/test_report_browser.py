"""The report in a real browser: headless Chromium (Debian's), one launch for this module.

The page must load with no console errors and no network requests, draw its charts (pixels, not just
elements), show the same figures as `fullcost estimate --format json` for the same seed, fit a phone's
width, and print. Chromium is driven by scripts/screenshot.py (DevTools protocol over a pipe).
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

from fullcost.report import html

from .conftest import ROOT

_spec = importlib.util.spec_from_file_location("fullcost_screenshot", ROOT / "scripts" / "screenshot.py")
assert _spec and _spec.loader
shot = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(shot)

N, SEED = "20000", "7"
FIGS_JS = """Array.from(document.querySelectorAll('[data-fig]')).map(function (el) {
  var m = el.closest('[data-model]');
  return {model: m ? m.getAttribute('data-model') : '', path: el.getAttribute('data-fig'),
          fmt: el.getAttribute('data-fmt'), text: el.textContent};
})"""
CHARTS_JS = """Array.from(document.querySelectorAll('svg[data-chart]')).filter(function (s) {
  return s.getBoundingClientRect().width > 0;
}).map(function (s) {
  var r = s.getBoundingClientRect();
  return {key: s.getAttribute('data-chart'), x: r.left + window.scrollX, y: r.top + window.scrollY,
          w: r.width, h: r.height, shapes: s.querySelectorAll('rect, polygon, line').length,
          texts: s.querySelectorAll('text').length};
})"""


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
    assert [c["key"] for c in found] == ["iceberg", "waterfall", "distribution", "tornado"]
    for c in found:
        assert c["w"] > 600 and c["h"] > 150 and c["shapes"] > 5 and c["texts"] > 5, c
        img = Image.open(io.BytesIO(page.screenshot(clip=(c["x"], c["y"], c["w"], c["h"])))).convert("RGB")
        px = np.asarray(img).reshape(-1, 3)
        inked = (px.sum(axis=1) < 600).mean()  # share of pixels clearly not white
        colours = len({tuple(p) for p in px[::53]})
        assert inked > 0.03 and colours > 12, (c["key"], inked, colours)


def test_text_figures_equal_the_estimate_json(page, pages, estimates):
    page.goto(pages["ds"])
    figs = page.evaluate(FIGS_JS)
    assert len(figs) > 60
    est = estimates["deepseek-v3"]
    for f in figs:
        assert f["model"] == "deepseek-v3"
        assert f["text"] == html.FORMATS[f["fmt"]](_lookup(est, f["path"])), f
    claim = page.evaluate("document.querySelector('.claim').innerText")
    assert claim.startswith("Reported: $5.576M (final run at $2/GPU-hour).")


def test_side_by_side_figures_equal_each_models_json(page, pages, estimates):
    page.goto(pages["pair"])
    figs = page.evaluate(FIGS_JS)
    assert {f["model"] for f in figs} == {"deepseek-v3", "deepseek-v3@essay"}
    for f in figs:
        assert f["text"] == html.FORMATS[f["fmt"]](_lookup(estimates[f["model"]], f["path"])), f
    keys = [c["key"] for c in page.evaluate(CHARTS_JS)]
    assert keys.count("iceberg") == 4 and "comparison" in keys  # two compared, two in the models' sections


def test_fits_a_phone(browser, pages):
    p = browser.page()
    try:
        p.size(390, 844, phone=True)
        p.goto(pages["ds"])
        assert p.evaluate("document.documentElement.scrollWidth") <= 390
        sizes = p.evaluate(CHARTS_JS)
        assert [c["key"] for c in sizes] == ["iceberg", "waterfall", "distribution", "tornado"]
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
    assert "This report is incomplete in 4 ways" in text
    assert "is not a valid web address" in text
    assert page.evaluate("document.querySelectorAll('.missing').length") >= 3
