"""The pages show the API's figures for the state in their URL (the report's renderers, one for both)."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import urlencode

from fullcost.fmt import pct, usd

SALARY = "regions.china.staff.researcher_salary_usd"


def _value(html: str) -> float:
    m = re.search(r'<data id="dev-total" value="([^"]+)"', html)
    assert m is not None
    return float(m.group(1))


def test_a_model_page_shows_the_api_figures(client):
    qs = urlencode([("set", f"{SALARY}=250K"), ("samples", "3000"), ("seed", "2")])
    page = client.get(f"/m/deepseek-v3?{qs}").text
    est = client.get(f"/api/estimate/deepseek-v3?{qs}").json()
    assert _value(page) == est["development"]["total_usd"]["mean"]
    for fig, fmt, value in (("headline.usd", "usd", est["headline"]["usd"]),
                            ("coverage.headline_share.p50", "pct", est["coverage"]["headline_share"]["p50"])):
        assert f'data-fig="{fig}" data-fmt="{fmt}">{(usd if fmt == "usd" else pct)(value)}<' in page
    # the sections the report draws, and a control for the override in the URL
    for part in ("-iceberg", "-waterfall", "-distribution", "-tornado", "-assumptions-table", 'class="footnotes"'):
        assert part in page
    assert f'data-path="{SALARY}"' in page and 'value="250K"' in page
    # the fragment the script fetches is the same figures
    frag = client.get(f"/api/page/m/deepseek-v3?{qs}").json()
    assert _value(frag["html"]) == est["development"]["total_usd"]["mean"]
    assert frag["query"] == qs


def test_the_page_recomputes_at_100k_by_default(client):
    frag = client.get("/api/page/m/bloom-176b").json()
    assert "100,000 simulations" in frag["html"] and frag["query"].endswith("samples=100000&seed=0")


def test_downloads(client):
    qs = urlencode([("set", f"{SALARY}=250K"), ("samples", "1000")])
    for what, kind, start in (("report.html", "text/html", b"<!doctype html>"),
                              ("workbook.xlsx", "spreadsheetml", b"PK"), ("estimate.json", "json", b"{"),
                              ("scenario.yaml", "yaml", b"# deepseek-v3 with 1 change")):
        r = client.get(f"/download/{what}/m/deepseek-v3?{qs}")
        assert r.status_code == 200 and kind in r.headers["content-type"], what
        assert r.content.startswith(start), what
        assert "attachment" in r.headers["content-disposition"]
    report = client.get(f"/download/report.html/m/deepseek-v3?{qs}").text
    assert f"--set {SALARY}=250K" in report  # the report's reproduce line carries the override
    assert client.get("/download/other.exe/m/deepseek-v3").status_code == 404


def test_compare_page(client):
    qs = urlencode([("m", "deepseek-v3"), ("m", "bloom-176b"), ("set", "deepseek-v3:fleet.utilization=0.7"),
                    ("samples", "1000")])
    page = client.get(f"/compare?{qs}")
    assert page.status_code == 200
    data = client.get(f"/api/compare?{qs}").json()
    for m in data["models"]:
        assert usd(m["development"]["total_usd"]["mean"]) in page.text
    assert 'id="compare"' in page.text


def test_lab_page(client):
    qs = urlencode([("set", "fleet.utilization=0.6"), ("samples", "1000")])
    page = client.get(f"/lab/deepseek?{qs}")
    assert page.status_code == 200
    assert "Adjusted EBITDA: reconciliation" in page.text and "Income statement" in page.text
    assert "fleet.utilization=0.6" in page.text
    assert client.get("/lab/nope").status_code == 404


def test_catalog_page_and_csv(client):
    page = client.get("/?org=deepseek&sort=development&desc=1")
    assert page.status_code == 200
    est = client.get("/api/estimate/deepseek-v3?samples=1000").json()
    row = re.search(r'<tr><td><a href="/m/deepseek-v3">.*?</tr>', page.text)
    assert row is not None
    assert usd(est["headline"]["usd"]) in row.group(0)
    assert usd(est["development"]["total_usd"]["mean"]) in row.group(0)
    assert pct(est["coverage"]["headline_share"]["p50"]) in row.group(0)
    names = re.findall(r'<tr><td><a href="/m/([^"]+)">', page.text)
    assert names and all("deepseek" in n for n in names)
    rows = list(csv.DictReader(io.StringIO(client.get("/models.csv?org=deepseek").text)))
    got = {r["name"]: r for r in rows}
    assert float(got["deepseek-v3"]["development_usd"]) == est["development"]["total_usd"]["mean"]
    assert client.get("/?frontier=5").status_code == 200
    assert client.get("/?sort=nonsense").status_code == 400
