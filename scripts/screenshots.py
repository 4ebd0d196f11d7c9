#!/usr/bin/env python3
"""Screenshots of `fullcost serve` for reviewers: the catalog, a model page before and after a control moves, a
comparison, a lab, the upload form and the API docs, in headless Chromium (Playwright driving Debian's chromium; no
browser download). Written into a folder git ignores (default: out/screenshots).

    python scripts/screenshots.py [--out out/screenshots] [--width 1280] [--phone]
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

SALARY = "regions.china.staff.researcher_salary_usd"
SETTLED = ("() => document.body.dataset.shown === window.location.search.slice(1) "
           "&& !document.querySelector('#result.stale')")
PAGES = (("catalog", "/?frontier=10&sort=development&desc=1"), ("compare", "/compare?m=deepseek-v3&m=llama-3.1-405b"),
         ("lab", "/lab/deepseek"), ("upload", "/upload"), ("docs", "/docs"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default="out/screenshots")
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--phone", action="store_true", help="also the model page 390 px wide")
    a = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    from fullcost.web.local import serving

    exe = shutil.which("chromium") or "/usr/bin/chromium"
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    with serving() as (base, _), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, headless=True, args=["--no-sandbox"])
        ctx = browser.new_context(viewport={"width": a.width, "height": 900})
        ctx.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) or r.request.url.startswith(
            "data:") else (problems.append(f"request off the origin: {r.request.url}"), r.abort()))
        page = ctx.new_page()
        page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
        page.goto(f"{base}/m/deepseek-v3", timeout=120_000)
        shot(page, out / "model.png")
        slider = page.locator(f'.ctl[data-path="{SALARY}"] input.ctl-range')
        slider.focus()
        for _ in range(60):
            page.keyboard.press("ArrowRight")
        page.wait_for_function(SETTLED, timeout=120_000)
        shot(page, out / "model-salary-moved.png")
        page.locator("#controls").screenshot(path=str(out / "controls.png"))
        print(f"moved: {page.url}")
        for name, path in PAGES:
            page.goto(base + path, timeout=120_000)
            shot(page, out / f"{name}.png")
        if a.phone:
            phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                        is_mobile=True).new_page()
            phone.goto(f"{base}/m/deepseek-v3?samples=20000", timeout=120_000)
            shot(phone, out / "model-phone.png")
        browser.close()
    for x in problems:
        print(x, file=sys.stderr)
    return 1 if problems else 0


def shot(page: object, path: Path) -> None:
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    print(path)


if __name__ == "__main__":
    sys.exit(main())
