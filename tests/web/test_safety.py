"""Bounded and safe: names resolve through the catalog only, uploads are capped and parsed as the CLI parses a
file, every response carries the security headers, no page runs inline script, scenario text is escaped."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest

TRAVERSALS = [
    "/api/estimate/..%2f..%2fetc%2fpasswd", "/api/estimate/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/api/estimate/%2e%2e/%2e%2e/etc/passwd", "/api/estimate/%252e%252e%252fetc%252fpasswd",
    "/api/estimate//etc/passwd", "/api/estimate/%2fetc%2fpasswd", "/m/..%2f..%2fetc%2fpasswd",
    "/m/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/api/page/m/..%2f..%2fetc%2fpasswd", "/api/statements/..%2f..%2fetc%2fpasswd",
    "/lab/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/u/..%2f..%2fetc%2fpasswd", "/api/page/u/%2e%2e%2fpasswd",
    "/download/scenario.yaml/m/..%2f..%2fetc%2fpasswd", "/download/..%2f..%2fetc%2fpasswd/m/deepseek-v3",
    "/static/..%2fapp.py", "/static/%2e%2e%2f%2e%2e%2fcatalog%2fdata%2fdefaults.yaml",
    "/api/control/m/deepseek-v3?input=..%2f..%2fetc%2fpasswd", "/api/estimate/deepseek-v3%00",
    "/api/estimate/src%2ffullcost%2fcatalog%2fdata%2fmodels%2fdeepseek-v3.yaml",
    "/api/estimate/%2fproc%2fself%2fenviron",
]


@pytest.mark.parametrize("url", TRAVERSALS)
def test_no_path_reaches_the_filesystem(client, url):
    r = client.get(url)
    assert r.status_code in (400, 404), (url, r.status_code)
    assert "root:" not in r.text and "PATH=" not in r.text and "Traceback" not in r.text


def test_a_catalog_name_that_is_also_a_local_file_is_refused(client, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "deepseek-v3").write_text("name: not-the-catalog\n")
    r = client.get("/api/estimate/deepseek-v3?samples=200")
    assert r.status_code == 400 and "file" in r.json()["error"]


def test_security_headers_everywhere(client):
    for url in ("/upload", "/api/models", "/static/serve.js", "/nothing", "/api/estimate/nope", "/docs"):
        h = client.get(url).headers
        csp = h["content-security-policy"]
        script = re.search(r"script-src ([^;]*)", csp)
        assert script is not None and "unsafe-inline" not in script.group(1) and "unsafe-eval" not in csp
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert h["x-content-type-options"] == "nosniff" and h["x-frame-options"] == "DENY"
        assert h["referrer-policy"] == "no-referrer"


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.bad: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script" and not a.get("src"):
            self.bad.append("an inline script")
        for k, v in attrs:
            if k.startswith("on"):
                self.bad.append(f"an event handler attribute {k}")
            if k in ("href", "src", "action") and (v or "").strip().lower().startswith("javascript:"):
                self.bad.append(f"a javascript: URL in {k}")
        if tag in ("script", "link", "img", "iframe", "form"):
            url = a.get("src") or a.get("href") or a.get("action") or ""
            if url and url != "data:," and (not url.startswith("/") or url.startswith("//")):  # data:, the icon
                self.bad.append(f"<{tag}> loads {url} from elsewhere")


def _no_inline_script(html: str) -> None:
    p = _Tags()
    p.feed(html)
    assert not p.bad, p.bad


def test_pages_run_no_inline_script(client):
    for url in ("/m/deepseek-v3?samples=500", "/compare?m=deepseek-v3&m=gpt-4&samples=500",
                "/lab/deepseek?samples=500", "/upload", "/docs", "/nothing"):
        r = client.get(url)
        assert r.status_code in (200, 404)
        _no_inline_script(r.text)


HOSTILE = """extends: deepseek-v3
title: "<script>alert(1)</script><img src=x onerror=alert(2)>"
description: "</p><script>document.write('pwned')</script>"
"""


def test_scenario_text_is_escaped(client):
    r = client.post("/api/upload", content=HOSTILE.encode())
    assert r.status_code == 200, r.text
    page = client.get(r.json()["page"] + "?samples=500")
    assert page.status_code == 200
    assert "<script>alert(1)" not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    _no_inline_script(page.text)


def test_an_upload_gets_its_page_and_the_same_figures_as_the_cli(client, tmp_path):
    from typer.testing import CliRunner

    from fullcost.cli import app

    text = "extends: deepseek-v3\nset:\n  regions.china.staff.researcher_salary_usd: 300K\n"
    r = client.post("/upload", files={"file": ("mine.yaml", text.encode(), "application/yaml")},
                    follow_redirects=False)
    assert r.status_code == 303
    page = r.headers["location"]
    assert re.fullmatch(r"/u/[0-9a-f]{64}", page)
    assert client.get(page + "?samples=800").status_code == 200
    f = tmp_path / "mine.yaml"
    f.write_text(text)
    out = CliRunner().invoke(app, ["estimate", str(f), "--samples", "800", "--format", "json"]).stdout
    got = client.get(f"/download/estimate.json{page}?samples=800&seed=0").json()
    want = __import__("json").loads(out)
    assert got["development"] == want["development"] and got["headline"] == want["headline"]


def test_the_downloaded_scenario_reproduces_the_page(client):
    sets = ["regions.china.staff.researcher_salary_usd=250K", "staff.roles[0].share=30% to 60%"]
    qs = urlencode([("set", s) for s in sets] + [("samples", "700"), ("seed", "5")])
    yaml_text = client.get(f"/download/scenario.yaml/m/deepseek-v3?{qs}").text
    assert "extends: deepseek-v3" in yaml_text and "set:" in yaml_text
    up = client.post("/api/upload", content=yaml_text.encode()).json()
    a = client.get(f"/download/estimate.json/m/deepseek-v3?{qs}").json()
    b = client.get(f"/download/estimate.json{up['page']}?samples=700&seed=5").json()
    assert a["development"] == b["development"] and a["lab_annual"] == b["lab_annual"]


@pytest.mark.parametrize(("body", "status", "needle"), [
    (b"x: [" , 400, "upload.yaml"),
    (b"extends: /etc/passwd\n", 400, "catalog models only"),
    (b"extends: ../../etc/passwd\n", 400, "catalog models only"),
    (b"extends: deepseek-v3\nfinal_run: {gpus: lots}\n", 400, "upload.yaml:2"),
    (b"- a list\n", 400, "mapping"),
    (b"\xff\xfe", 400, "UTF-8"),
    (b"", 400, "empty"),
    (b"a: !!python/object/apply:os.system [echo hi]\n", 400, "upload.yaml"),
    (b"extends: deepseek-v3\n" + b"# pad\n" * 12_000, 413, "65,536"),
])
def test_bad_uploads_get_one_line(client, body, status, needle):
    r = client.post("/api/upload", content=body)
    assert r.status_code == status, r.text
    msg = r.json()["error"]
    assert needle in msg and "\n" not in msg and "root:" not in msg


def test_the_upload_form_caps_and_explains(client):
    big = b"x" * 200_000
    r = client.post("/upload", files={"file": ("big.yaml", big, "application/yaml")})
    assert r.status_code == 413 and "at most" in r.text
    r = client.post("/upload", files={"file": ("bad.yaml", b"x: [", "application/yaml")})
    assert r.status_code == 400 and "invalid YAML" in r.text
    assert client.get("/u/" + "0" * 64).status_code == 404
    assert client.get("/api/estimate/deepseek-v3?samples=300").status_code == 200  # still serving
