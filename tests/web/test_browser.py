"""The model page in real Chromium (Playwright driving Debian's /usr/bin/chromium; no browser download): move the
researcher-salary control and the development cost shown is `fullcost estimate` for that override and seed; the
copied URL gives the same figure; no console error; no request leaves the app's origin; the iceberg and the
bridge are drawn. The lab page likewise: its first control moved, the adjusted EBITDA and net income shown are
`fullcost statements` for that override and seed."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
SALARY = "regions.china.staff.researcher_salary_usd"
# the figures on the page are those of the state in the address bar (the last answer is in, none is pending)
SETTLED = ("() => document.body.dataset.shown === window.location.search.slice(1) "
           "&& !document.querySelector('#result.stale')")

pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed (pip install playwright)")
if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
    pytest.skip("chromium is not installed (scripts/install-test-deps.sh installs it)", allow_module_level=True)


@pytest.fixture(scope="module")
def server():
    from fullcost.web.local import serving

    with serving() as (base, _):
        yield base


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    exe = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, headless=True, args=["--no-sandbox"])
        yield b
        b.close()


class Watch:
    """A page with every request checked against the origin (others are aborted and recorded) and its errors."""

    def __init__(self, browser, base: str) -> None:
        self.base, self.errors, self.outside, self.requests = base, [], [], []
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type in ("error", "assert") and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _route(self, route) -> None:
        url = route.request.url
        self.requests.append(url)
        if url.startswith(self.base + "/") or url.startswith("data:"):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def close(self) -> None:
        self.context.close()


def cli_json(*args: str) -> dict:
    from typer.testing import CliRunner

    from fullcost.cli import app

    r = CliRunner().invoke(app, [*args, "--format", "json"])
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)


def drawn(png: bytes) -> tuple[float, int]:
    """The share of pixels that are not background, and the number of distinct colours."""
    import numpy as np
    from PIL import Image

    px = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).reshape(-1, 3)
    ink = int((px.min(axis=1) < 235).sum())
    return ink / len(px), len(np.unique(px, axis=0))


def test_move_the_salary_and_the_total_follows(server, browser):
    from fullcost.fmt import usd

    w = Watch(browser, server)
    page = w.page
    seed = 3
    page.goto(f"{server}/m/deepseek-v3?seed={seed}")
    page.wait_for_selector("#dev-total")
    before = float(page.get_attribute("#dev-total", "value"))
    ctl = page.locator(f'.ctl[data-path="{SALARY}"]')
    assert ctl.count() == 1, "the researcher salary has a control (it is among the tornado's top inputs)"
    slider = ctl.locator("input.ctl-range")
    with page.expect_response(lambda r: "/api/page/m/deepseek-v3" in r.url and r.ok, timeout=60_000):
        slider.focus()
        for _ in range(40):
            page.keyboard.press("ArrowRight")
    page.wait_for_function(SETTLED, timeout=60_000)
    url = page.url
    sets = parse_qs(urlsplit(url).query)["set"]
    assert len(sets) == 1 and sets[0].startswith(SALARY + "=")
    value = sets[0].split("=", 1)[1]
    assert float(value) > 0
    shown = float(page.get_attribute("#dev-total", "value"))
    text = page.inner_text("#dev-total")
    samples = int(parse_qs(urlsplit(url).query)["samples"][0])
    assert samples == 100_000
    want = cli_json("estimate", "deepseek-v3", "--set", f"{SALARY}={value}", "--seed", str(seed), "--samples",
                    str(samples))["development"]["total_usd"]["mean"]
    assert shown == want and text == usd(want)
    assert shown != before
    print(f"{SALARY}={value}: development cost {text} = {want!r} (was {before!r})")
    assert page.input_value(f'.ctl[data-path="{SALARY}"] input.ctl-text') == value

    # the iceberg and the bridge are drawn (wide charts at this width)
    for fid in ("deepseek-v3-iceberg", "deepseek-v3-waterfall"):
        png = page.locator(f"#{fid} .chart-wide svg").screenshot()
        ink, colours = drawn(png)
        assert ink > 0.03 and colours > 8, (fid, ink, colours)
        print(f"{fid}: {ink:.0%} of pixels drawn, {colours} colours")

    # the copied link reproduces the page
    again = Watch(browser, server)
    again.page.goto(url)
    again.page.wait_for_selector("#dev-total")
    assert float(again.page.get_attribute("#dev-total", "value")) == want
    assert again.page.input_value(f'.ctl[data-path="{SALARY}"] input.ctl-text') == value

    # any input from the assumptions table gets a control
    name = "regions.china.staff.annotator_salary_usd"
    page.locator(f'tr[data-input="{name}"] button.add-ctl').click()
    page.wait_for_selector(f'.ctl[data-path="{name}"] input.ctl-range')

    for x in (w, again):
        assert x.errors == [], x.errors
        assert x.outside == [], x.outside
        assert any("/static/serve.js" in u for u in x.requests)
        x.close()


def test_a_typed_range_recomputes(server, browser):
    w = Watch(browser, server)
    page = w.page
    page.goto(f"{server}/m/deepseek-v3?samples=20000&seed=1")
    field = page.locator('.ctl[data-path="staff.duration"] input.ctl-text')
    with page.expect_response(lambda r: "/api/page/m/deepseek-v3" in r.url, timeout=60_000):
        field.fill("0.8 to 1.2 years")
        field.press("Enter")
    page.wait_for_function(SETTLED, timeout=60_000)
    want = cli_json("estimate", "deepseek-v3", "--set", "staff.duration=0.8 to 1.2 years", "--seed", "1",
                    "--samples", "20000")["development"]["total_usd"]["mean"]
    assert float(page.get_attribute("#dev-total", "value")) == want
    # a bad value: one line in the page, the old figures kept, the server still serving
    with page.expect_response(lambda r: "/api/page/m/deepseek-v3" in r.url, timeout=60_000):
        field.fill("lots")
        field.press("Enter")
    page.wait_for_selector(".controls .error:not([hidden])")
    assert "staff.duration" in page.inner_text(".controls .error")
    assert float(page.get_attribute("#dev-total", "value")) == want
    assert w.outside == []
    assert [e for e in w.errors if "400" not in e] == []  # the refused request itself is logged by the browser
    w.close()


def test_move_a_lab_control_and_the_books_follow(server, browser):
    """The lab page: its first control (what moves adjusted EBITDA most) moved with the keyboard; the adjusted
    EBITDA and net income shown are `fullcost statements deepseek --set PATH=VALUE` for that seed."""
    from fullcost.fmt import usd

    w = Watch(browser, server)
    page = w.page
    seed = 3
    page.goto(f"{server}/lab/deepseek?seed={seed}")
    page.wait_for_selector("#lab-adjusted-ebitda")
    before = float(page.get_attribute("#lab-adjusted-ebitda", "value"))
    ctl = page.locator(".ctl").first
    path = ctl.get_attribute("data-path")
    slider = ctl.locator("input.ctl-range")
    assert slider.count() == 1, f"{path} has a slider over its 90% range"
    with page.expect_response(lambda r: "/api/page/lab/deepseek" in r.url and r.ok, timeout=60_000):
        slider.focus()
        for _ in range(40):
            page.keyboard.press("ArrowRight")
    page.wait_for_function(SETTLED, timeout=60_000)
    url = page.url
    query = parse_qs(urlsplit(url).query)
    sets = query["set"]
    assert len(sets) == 1 and sets[0].startswith(f"{path}=")
    value = sets[0].split("=", 1)[1]
    samples = int(query["samples"][0])
    assert samples == 10_000  # the lab page's default, the CLI's
    want = cli_json("statements", "deepseek", "--set", f"{path}={value}", "--seed", str(seed), "--samples",
                    str(samples))["years"][-1]
    adj = want["adjusted_ebitda"]["value"]["mean"]
    net = want["income_statement"]["net_income"]["mean"]
    assert float(page.get_attribute("#lab-adjusted-ebitda", "value")) == adj
    assert page.inner_text("#lab-adjusted-ebitda") == usd(adj)
    assert float(page.get_attribute("#lab-net-income", "value")) == net
    assert adj != before
    print(f"{path}={value}: adjusted EBITDA {usd(adj)} = {adj!r} (was {before!r}), net income {usd(net)}")
    assert page.input_value(f'.ctl[data-path="{path}"] input.ctl-text') == value
    assert f"--set '{path}={value}'" in page.inner_text("#result")  # the command line beside the figures

    # the tornado of adjusted EBITDA is drawn
    png = page.locator("#lab-adjusted_ebitda-tornado .chart-wide svg").screenshot()
    ink, colours = drawn(png)
    assert ink > 0.03 and colours > 8, (ink, colours)

    # the copied link reproduces the page
    again = Watch(browser, server)
    again.page.goto(url)
    again.page.wait_for_selector("#lab-adjusted-ebitda")
    assert float(again.page.get_attribute("#lab-adjusted-ebitda", "value")) == adj
    assert again.page.input_value(f'.ctl[data-path="{path}"] input.ctl-text') == value

    # an input from the assumptions table gets a control; a typed range recomputes
    name = "fleet.purchases[0].useful_life"
    page.locator(f'tr[data-input="{name}"] button.add-ctl').click()
    field = page.locator(f'.ctl[data-path="{name}"] input.ctl-text')
    page.wait_for_selector(f'.ctl[data-path="{name}"] input.ctl-range')
    with page.expect_response(lambda r: "/api/page/lab/deepseek" in r.url and r.ok, timeout=60_000):
        field.fill("3 to 5 years")
        field.press("Enter")
    page.wait_for_function(SETTLED, timeout=60_000)
    want2 = cli_json("statements", "deepseek", "--set", f"{path}={value}", "--set", f"{name}=3 to 5 years",
                     "--seed", str(seed), "--samples", str(samples))["years"][-1]
    assert float(page.get_attribute("#lab-net-income", "value")) == want2["income_statement"]["net_income"]["mean"]
    assert page.locator('tr[data-input^="releases[0].program."]').count() == 0  # deepseek-v3's: on its own page

    for x in (w, again):
        assert x.errors == [], x.errors
        assert x.outside == [], x.outside
        x.close()
