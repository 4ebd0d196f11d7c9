"""Golden files: the report of a small point-valued scenario, as text and as its embedded JSON.

Reviewed like code. After an intended change, regenerate them and read the diff:

    UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_report_golden.py
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from .conftest import ROOT

GOLDEN = ROOT / "tests" / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
BLOCK = {"p", "div", "section", "header", "footer", "nav", "h1", "h2", "h3", "li", "tr", "caption", "figcaption",
         "blockquote", "table", "ul", "ol", "figure", "main", "text", "title", "desc"}


class Text(HTMLParser):
    """What a reader sees (and what a screen reader reads of the charts), one block a line."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.cur: list[str] = []
        self.skip = 0
        self.in_svg = 0
        self.depth = 0  # of elements inside a phone-only chart, skipped: the wide chart has the same words

    def _flush(self) -> None:
        s = re.sub(r"\s+", " ", "".join(self.cur)).strip()
        if s:
            self.lines.append(("  [chart] " if self.in_svg else "") + s)
        self.cur = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self.depth or a.get("class") == "chart-narrow":
            self.depth += 1
            self.skip += self.depth == 1
            return
        if tag in ("script", "style"):
            self.skip += 1
        if tag == "span" and a.get("class"):
            self.cur.append(" — ")
        if tag == "svg":
            self._flush()
            self.in_svg += 1
        if tag in BLOCK:
            self._flush()
        if tag in ("td", "th"):
            self.cur.append(" | ")

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1
            self.skip -= self.depth == 0
            return
        if tag in ("script", "style"):
            self.skip -= 1
        if tag in BLOCK or tag == "svg":
            self._flush()
        if tag == "svg":
            self.in_svg -= 1

    def handle_data(self, data):
        if not self.skip:
            self.cur.append(data)


def page_text(page: str) -> str:
    t = Text()
    t.feed(page)
    t._flush()
    return "\n".join(t.lines) + "\n"


@pytest.fixture(scope="module")
def toy_page(tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("golden") / "toy.html"
    r = subprocess.run([sys.executable, "-m", "fullcost.cli", "report", "tests/golden/toy.yaml", "-o", str(out),
                        "-n", "1000", "--seed", "0"], capture_output=True, text=True, cwd=ROOT, timeout=120,
                       env=os.environ | {"SOURCE_DATE_EPOCH": "1735689600"})
    assert r.returncode == 0, r.stderr
    return out.read_text(encoding="utf-8")


def _check(path: Path, got: str) -> None:
    if UPDATE:
        path.write_text(got, encoding="utf-8")
        return
    assert path.exists(), f"{path} is missing: run UPDATE_GOLDEN=1 .venv/bin/pytest {Path(__file__).name}"
    want = path.read_text(encoding="utf-8")
    if got != want:
        import difflib

        diff = "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True), str(path), "now", n=1))
        pytest.fail(f"{path.name} differs from the report (UPDATE_GOLDEN=1 to accept):\n{diff[:6000]}")


def test_golden_text(toy_page):
    _check(GOLDEN / "toy-report.txt", page_text(toy_page))


def _rounded(obj: object) -> object:
    """Floats to 12 significant digits: the last bits of a sum change with numpy's version, not with the model."""
    if isinstance(obj, float):
        return float(f"{obj:.12g}")
    if isinstance(obj, dict):
        return {k: _rounded(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_rounded(v) for v in obj]
    return obj


def test_golden_json(toy_page):
    m = re.search(r'<script type="application/json" id="fullcost-data">(.*?)</script>', toy_page, re.S)
    assert m
    data = json.loads(m.group(1).replace("<\\/", "</"))
    path = GOLDEN / "toy-report.json"
    got = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    if not UPDATE and path.exists() and _rounded(json.loads(path.read_text(encoding="utf-8"))) == _rounded(data):
        return  # equal to 12 significant digits
    _check(path, got)


def test_golden_figures_are_calculator_figures(toy_page):
    """The point-valued toy can be checked by hand: the text shows what a calculator gives."""
    text = page_text(toy_page)
    # 10K GPU-hours x $2.50 = $25,000
    assert "Reported: $25K (final run at $2.5/GPU-hour)." in text
    # staff: 10 people x $200K x 1.25 x 50% x 0.5 years = $625K
    assert "| staff | overall | R&D, cash | $625K" in text
