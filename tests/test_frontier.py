"""The frontier view: growth fits checked by hand, the analysis over Epoch AI's frontier models, the command, the
page and the chart."""

from __future__ import annotations

import datetime as dt
import json
import math
import re

import numpy as np
import pytest

from fullcost import fmt
from fullcost.analysis.frontier import decimal_year, fit, frontier, members


def test_a_cost_doubling_every_year_fits_2x_a_year_exactly():
    f = fit([2020.0, 2021.0, 2022.0, 2023.0], [1e6, 2e6, 4e6, 8e6])
    assert f is not None
    assert f.per_year == pytest.approx(2.0, rel=1e-12)
    assert f.se == pytest.approx(0.0, abs=1e-12)
    assert f.at(2024.0) == pytest.approx(16e6, rel=1e-9)


def test_the_fit_is_ordinary_least_squares_on_log10_with_the_slopes_standard_error():
    x = [2016.2, 2017.9, 2019.4, 2020.1, 2022.7, 2024.3]
    y = [3e4, 2e5, 1e5, 4e6, 2e7, 9e7]
    f = fit(x, y)
    assert f is not None and f.n == 6
    b, a = np.polyfit(x, np.log10(y), 1)
    assert f.slope == pytest.approx(b, rel=1e-9) and f.intercept == pytest.approx(a, rel=1e-9)
    resid = np.log10(y) - (a + b * np.array(x))
    se = math.sqrt((resid ** 2).sum() / 4 / ((np.array(x) - np.mean(x)) ** 2).sum())
    assert f.se == pytest.approx(se, rel=1e-9)
    lo, hi = f.interval()
    z = 1.6448536269514722
    assert lo == pytest.approx(10 ** (b - z * se)) and hi == pytest.approx(10 ** (b + z * se))
    assert fit([2020.0, 2021.0], [1.0, 2.0]) is None  # too few points to fit


def test_decimal_year():
    assert decimal_year(dt.date(2024, 1, 1)) == 2024.0
    assert decimal_year(dt.date(2023, 7, 2)) == pytest.approx(2023 + 182 / 365)


def test_members_are_epochs_top_n_oldest_first():
    top1 = members(1)
    assert top1 and all(r["frontier_rank"] == 1 for r in top1)
    assert [r["released"] for r in top1] == sorted(r["released"] for r in top1)
    assert {"palm-540b", "gpt-4"} <= {r["name"] for r in top1}
    assert len(members(10)) > len(top1)
    assert all(int(r["released"][:4]) >= 2023 for r in members(10, 2023))


def test_frontier_gives_each_models_three_figures_and_each_series_growth():
    out = frontier(top=1, since=2022, samples=300)
    assert out["selection"]["models"] == len(out["models"]) >= 3
    for m in out["models"]:
        assert m["headline_usd"] > 0 and m["amortized_usd"]["p50"] > 0
        assert m["development_usd"]["p50"] >= m["amortized_usd"]["p50"]
        assert m["all_in_over_headline"]["p50"] == pytest.approx(m["development_usd"]["p50"] / m["headline_usd"],
                                                                  rel=0.05)
    years = [m["year"] for m in out["models"]]
    g = out["growth"]["development"]
    ref = fit(years, [m["development_usd"]["p50"] for m in out["models"]])
    assert ref is not None and g["per_year"] == pytest.approx(ref.per_year)
    assert out["epoch_reported_growth"]["per_year"] == pytest.approx(2.4, abs=0.05)
    json.dumps(out, allow_nan=False)


def test_frontier_command_json_page_and_figures(cli, tmp_path):
    page = tmp_path / "frontier.html"
    figs = tmp_path / "figs"
    r = cli("frontier", "--top", "1", "--from", "2023", "-n", "200", "--format", "json", "--html", str(page),
            "--figures", str(figs))
    assert r.code == 0, r.err
    out = r.json()
    html = page.read_text()
    assert "<svg" in html and 'data-chart="frontier"' in html
    assert "<script src=" not in html and "<link" not in html  # nothing fetched
    # every figure on the page is the analysis's own number
    for path, shown in re.findall(r'data-fig="([^"]+)" data-fmt="usd" data-src="frontier">([^<]+)<', html):
        v: object = out
        for part in path.split("."):
            v = v[int(part)] if isinstance(v, list) else v[part]  # type: ignore[index]
        assert fmt.usd(float(v)) == shown  # type: ignore[arg-type]
    assert (figs / "frontier.svg").read_text().startswith("<?xml")
    assert (figs / "frontier.png").read_bytes()[:4] == b"\x89PNG"
    text = cli("frontier", "--top", "1", "--from", "2023", "-n", "200")
    assert text.code == 0 and "x a year" in text.out


def test_report_frontier_section_marks_the_reported_model_and_shows_the_analysis_figures(cli, tmp_path):
    page = tmp_path / "r.html"
    r = cli("report", "gpt-4", "deepseek-v3", "-n", "300", "--seed", "2", "--frontier", "-o", str(page))
    assert r.code == 0, r.err
    html = page.read_text()
    data = json.loads(re.search(r'<script type="application/json" id="fullcost-data">(.*?)</script>', html,
                                re.S).group(1).replace("<\\/", "</"))
    front = data["frontier"]
    assert front == cli("frontier", "--seed", "2", "--format", "json").json()  # the section is fullcost frontier
    assert 'id="frontier"' in html and 'href="#frontier"' in html
    names = [m["name"] for m in front["models"]]
    assert "gpt-4" in names and "deepseek-v3" not in names
    assert re.findall(r'<tr data-model="([^"]+)" class="this">', html) == ["gpt-4"]
    assert "Not in this selection: deepseek-v3" in html
    shown = re.findall(r'data-fig="([^"]+)" data-fmt="usd" data-src="frontier">([^<]+)<', html)
    assert len(shown) >= 3 * len(names)
    for path, text in shown:
        v: object = front
        for part in path.split("."):
            v = v[int(part)] if isinstance(v, list) else v[part]  # type: ignore[index]
        assert fmt.usd(float(v)) == text  # type: ignore[arg-type]
    plain = cli("report", "gpt-4", "-n", "300", "-o", str(tmp_path / "p.html"))
    assert plain.code == 0 and 'id="frontier"' not in (tmp_path / "p.html").read_text()


@pytest.mark.parametrize("args", [["--from", "2199"], ["--top", "1", "--dollars", "1990"],
                                  ["--top", "1", "--from", "2025", "-o", "no/such/folder/f.html"]])
def test_frontier_bad_input_is_one_line(sh, args):
    r = sh("frontier", *args)
    assert r.code == 2 and len(r.err.strip().splitlines()) == 1 and "Traceback" not in r.err, r.err
