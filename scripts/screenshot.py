#!/usr/bin/env python3
"""Screenshots of a fullcost report in headless Chromium, for reviewers (and the browser test's driver).

    python scripts/screenshot.py deepseek-v3                     # build the report, shoot it: report.png
    python scripts/screenshot.py report.html -o shot.png --phone --pdf
    python scripts/screenshot.py deepseek-v3 llama-3.1-405b --samples 100000 --split 1600

Chromium is driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``: fd 3 in, fd 4 out,
messages separated by NUL bytes), so nothing beyond the standard library and Debian's chromium is needed,
and no port is opened. The page runs with no network: every request it makes is recorded.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--no-default-browser-check",
         "--disable-extensions", "--hide-scrollbars", "--mute-audio", "--disable-dev-shm-usage")


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        p = shutil.which(name)
        if p:
            return p
    return None


class CDPError(RuntimeError):
    pass


class Browser:
    """One headless Chromium, spoken to over a pipe. Use as a context manager."""

    def __init__(self, executable: str | None = None, timeout: float = 30.0) -> None:
        exe = executable or chromium_path()
        if exe is None:
            raise CDPError("chromium not found (apt-get install chromium)")
        self.timeout = timeout
        self._profile = tempfile.mkdtemp(prefix="fullcost-chromium-")
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def wire() -> None:  # in the child: its fd 3 reads our messages, its fd 4 writes its answers
            a = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10)
            b = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen(
            [exe, *FLAGS, f"--user-data-dir={self._profile}", "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(3, 4), preexec_fn=wire)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buf = b""
        self._id = 0
        self.events: list[dict[str, Any]] = []
        self.send("Target.setDiscoverTargets", {"discover": False})

    # -- protocol
    def _write(self, msg: dict[str, Any]) -> None:
        data = json.dumps(msg).encode() + b"\0"
        while data:
            n = os.write(self._to_chrome, data)
            data = data[n:]

    def _read(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise CDPError("chromium did not answer in time")
            ready, _, _ = select.select([self._from_chrome], [], [], left)
            if not ready:
                continue
            chunk = os.read(self._from_chrome, 1 << 20)
            if not chunk:
                raise CDPError("chromium closed the pipe (did it crash?)")
            self._buf += chunk
        raw, _, self._buf = self._buf.partition(b"\0")
        msg: dict[str, Any] = json.loads(raw)
        return msg

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict[str, Any]:
        self._id += 1
        mid = self._id
        msg: dict[str, Any] = {"id": mid, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self._write(msg)
        deadline = time.monotonic() + self.timeout
        while True:
            got = self._read(deadline)
            if got.get("id") == mid:
                if "error" in got:
                    raise CDPError(f"{method}: {got['error'].get('message')}")
                result: dict[str, Any] = got.get("result", {})
                return result
            if "method" in got:
                self.events.append(got)

    def wait_event(self, method: str, session: str | None = None, timeout: float | None = None) -> dict[str, Any]:
        for i, ev in enumerate(self.events):
            if ev["method"] == method and (session is None or ev.get("sessionId") == session):
                return self.events.pop(i)
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            got = self._read(deadline)
            if got.get("method") == method and (session is None or got.get("sessionId") == session):
                return got
            if "method" in got:
                self.events.append(got)

    def page(self) -> Page:
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        return Page(self, target, session)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._write({"id": self._id + 1, "method": "Browser.close", "params": {}})
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._to_chrome, self._from_chrome):
            with contextlib.suppress(OSError):
                os.close(fd)
        shutil.rmtree(self._profile, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Page:
    """A tab: load a file, record console errors and network requests, evaluate, shoot."""

    def __init__(self, browser: Browser, target: str, session: str) -> None:
        self.b, self.target, self.session = browser, target, session
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable")

    def call(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.b.send(method, params, self.session)

    def size(self, width: int, height: int, phone: bool = False) -> None:
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 2 if phone else 1, "mobile": phone})

    def goto(self, url: str) -> None:
        self._mine()  # forget the previous page's events
        self.call("Page.navigate", {"url": url})
        self.b.wait_event("Page.loadEventFired", self.session)

    def _mine(self) -> list[dict[str, Any]]:
        ev = [e for e in self.b.events if e.get("sessionId") == self.session]
        self.b.events = [e for e in self.b.events if e.get("sessionId") != self.session]
        self.seen: list[dict[str, Any]] = getattr(self, "seen", []) + ev
        return ev

    def reset(self) -> None:
        self._mine()
        self.seen = []

    def evaluate(self, expression: str) -> Any:
        r = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in r:
            raise CDPError(f"JavaScript error: {r['exceptionDetails'].get('text')}: "
                           f"{r['exceptionDetails'].get('exception', {}).get('description')}")
        return r["result"].get("value")

    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and error log entries seen so far."""
        self._mine()
        out = []
        for e in self.seen:
            m, p = e["method"], e.get("params", {})
            if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                out.append("console: " + " ".join(str(a.get("value", a.get("description"))) for a in p["args"]))
            elif m == "Runtime.exceptionThrown":
                out.append("exception: " + str(p["exceptionDetails"].get("text")))
            elif m == "Log.entryAdded" and p["entry"].get("level") == "error":
                out.append("log: " + str(p["entry"].get("text")))
        return out

    def requests(self) -> list[str]:
        """Every URL the page asked for (the document itself included)."""
        self._mine()
        return [e["params"]["request"]["url"] for e in self.seen if e["method"] == "Network.requestWillBeSent"]

    def screenshot(self, full: bool = True, clip: tuple[float, float, float, float] | None = None) -> bytes:
        params: dict[str, Any] = {"format": "png"}
        if clip is not None:
            x, y, w, h = clip
            params |= {"clip": {"x": x, "y": y, "width": w, "height": h, "scale": 1}, "captureBeyondViewport": True}
        elif full:
            m = self.call("Page.getLayoutMetrics")["cssContentSize"]
            params |= {"clip": {"x": 0, "y": 0, "width": m["width"], "height": m["height"], "scale": 1},
                       "captureBeyondViewport": True}
        return base64.b64decode(self.call("Page.captureScreenshot", params)["data"])

    def pdf(self) -> bytes:
        return base64.b64decode(self.call("Page.printToPDF", {"printBackground": True})["data"])


def _build(models: list[str], samples: int, seed: int, out: Path) -> Path:
    html = out / "report.html"
    cmd = [sys.executable, "-m", "fullcost.cli", "report", *models, "-o", str(html), "--samples", str(samples),
           "--seed", str(seed)]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return html


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", nargs="+", help="a report .html file, or catalog names / scenario files to report on")
    ap.add_argument("-o", "--out", default="report.png", help="the PNG to write (default report.png)")
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--phone", action="store_true", help="also shoot at 390 px wide (OUT-phone.png)")
    ap.add_argument("--pdf", action="store_true", help="also print to PDF as a browser would (OUT.pdf)")
    ap.add_argument("--split", type=int, default=0, metavar="PX",
                    help="cut the full page into parts PX tall (OUT-1.png, OUT-2.png, ...) for easier viewing")
    ap.add_argument("--samples", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    out = Path(a.out)
    with tempfile.TemporaryDirectory() as tmp:
        if len(a.what) == 1 and a.what[0].endswith((".html", ".htm")):
            html = Path(a.what[0])
        else:
            html = _build(a.what, a.samples, a.seed, Path(tmp))
        url = html.resolve().as_uri()
        with Browser() as b:
            p = b.page()
            shots = [(out, a.width, False)]
            if a.phone:
                shots.append((out.with_name(out.stem + "-phone.png"), 390, True))
            for path, width, phone in shots:
                p.size(width, 900, phone)
                p.goto(url)
                if a.split:
                    h = p.call("Page.getLayoutMetrics")["cssContentSize"]["height"]
                    y, i = 0.0, 1
                    while y < h:
                        part = path.with_name(f"{path.stem}-{i}.png")
                        part.write_bytes(p.screenshot(clip=(0, y, width, min(a.split, h - y))))
                        print(part)
                        y += a.split
                        i += 1
                else:
                    path.write_bytes(p.screenshot())
                    print(path)
            if a.pdf:
                pdf = out.with_suffix(".pdf")
                pdf.write_bytes(p.pdf())
                print(pdf)
            errs = p.errors()
            net = [u for u in p.requests() if u != url]
            for x in errs:
                print(f"page error: {x}", file=sys.stderr)
            for u in net:
                print(f"network request: {u}", file=sys.stderr)
    return 1 if errs or net else 0


if __name__ == "__main__":
    sys.exit(main())
