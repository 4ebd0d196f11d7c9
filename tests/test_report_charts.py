"""Charts: one scene drawn as SVG and PNG, laid out from the estimate's JSON."""

from __future__ import annotations

import io
import itertools
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from fullcost import catalog, estimation, fmt
from fullcost.cli.report import analyse
from fullcost.report import charts, html

from .conftest import ROOT

SVG = "{http://www.w3.org/2000/svg}"


def _report(name: str, n: int, seed: int, below: float = 10e6):
    est = estimation.run(catalog.load_scenario(name), n, seed)
    out = estimation.to_json(est)
    return html.model_report(est, out, beyond=analyse(est, out, n, seed, None, below, 2025))


@pytest.fixture(scope="module")
def ds():
    return _report("deepseek-v3", 3000, 1)


@pytest.fixture(scope="module")
def toy():
    return _report(str(ROOT / "tests" / "golden" / "toy.yaml"), 200, 0)


def premium_chart(m, w=charts.WIDE) -> charts.Chart:
    x = m.beyond.export
    return charts.premium(m.title, m.out["development"]["total_usd"], x.unrestricted["development"]["total_usd"],
                          x.variant, x.premium["development"]["premium_usd"]["mean"], w)


def all_charts(m) -> list[charts.Chart]:
    out = []
    for w in (charts.WIDE, charts.NARROW):
        out += [charts.iceberg(m.view, w), charts.waterfall(m.view, w), charts.distribution(m.view, m.hist, w),
                charts.tornado(m.view, m.labels, w), charts.claim_chart(m.beyond.claim, m.view, w),
                charts.replication(m.beyond.replicate, m.title, w), charts.trend_fan(m.beyond.trend, m.title, w)]
        if m.beyond.export.applies:
            out.append(premium_chart(m, w))
    return out


@pytest.mark.parametrize("which", ["ds", "toy"])
def test_svg_is_well_formed_and_labelled(which, request):
    m = request.getfixturevalue(which)
    for c in all_charts(m):
        for standalone in (False, True):
            root = ET.fromstring(c.svg("x", standalone).split("?>", 1)[-1])
            assert root.tag == f"{SVG}svg" and root.get("role") == "img"
            assert root.find(f"{SVG}title").text == c.title
            assert root.find(f"{SVG}desc").text == c.desc
            texts = [t.text or "" for t in root.iter(f"{SVG}text")]
            assert texts and not any("nan" in t.lower() or "inf" in t.lower() for t in texts)
            for r in root.iter(f"{SVG}rect"):
                assert float(r.get("width")) >= 0 and float(r.get("height")) >= 0
                assert -1 <= float(r.get("x")) <= c.width + 1, (c.key, r.attrib)


def test_png_is_the_same_scene(ds):
    c = charts.iceberg(ds.view)
    img = Image.open(io.BytesIO(c.png(scale=2)))
    assert img.size == (int(c.width * 2), int((c.height + charts.TITLE_BAND) * 2))
    px = np.asarray(img.convert("RGB")).reshape(-1, 3)
    colours = {tuple(p) for p in px[:: 97]}
    assert len(colours) > 20  # drawn, not blank
    # the headline's red and the staff block's navy are both there, as in the SVG
    for hexcol in (charts.ACCENT, charts.STEP_COLORS["staff"]):
        rgb = np.array([int(hexcol[i:i + 2], 16) for i in (1, 3, 5)])
        assert (np.abs(px.astype(int) - rgb).sum(axis=1) < 6).mean() > 0.005, hexcol


def test_histogram_counts_every_sample():
    rng = np.random.default_rng(0)
    a = rng.lognormal(17, 0.4, 10_000)
    h = charts.histogram(a)
    assert sum(h.counts) + h.above == 10_000
    assert h.edges[0] == 0.0 and h.edges[-1] == pytest.approx(np.percentile(a, 99.5))
    assert 0 < h.above <= 60
    p = charts.histogram(np.full(100, 5.0))
    assert p.point == 5.0 and p.counts == (100,)


def test_iceberg_blocks_are_the_positive_bridge_steps(ds):
    blocks = charts.iceberg_blocks(ds.out)
    positive = [b for b in ds.out["bridge"][1:] if b["usd"] > 0]
    assert [v for _, _, v in blocks] == [b["usd"] for b in positive]
    c = charts.iceberg(ds.view)
    tips = [s.tip for s in c.shapes if isinstance(s, charts.Rect) and s.tip]
    assert tips[0].startswith("the headline:") and len(tips) == 1 + len(blocks)


def test_icebergs_on_one_scale_share_the_waterline(ds, toy):
    sc = charts.iceberg_scale([ds.view, toy.view])
    water = [next(s for s in charts.iceberg(m.view, charts.NARROW, sc).shapes if isinstance(s, charts.Rect)).y
             for m in (ds, toy)]
    assert water[0] == water[1]
    heights = [[s.h for s in charts.iceberg(m.view, charts.NARROW, sc).shapes
                if isinstance(s, charts.Rect) and s.tip and not s.tip.startswith("the headline")] for m in (ds, toy)]
    # the same dollars per pixel in both: block heights keep the ratio of the staff costs
    staff = [next(b["usd"] for b in m.out["bridge"] if b["step"] == "staff") for m in (ds, toy)]
    assert max(heights[0]) / max(heights[1]) == pytest.approx(staff[0] / staff[1])


def test_waterfall_ends_at_the_total(ds):
    c = charts.waterfall(ds.view)
    bars = [s for s in c.shapes if isinstance(s, charts.Rect) and s.tip]
    head, total = bars[0], bars[-1]
    assert head.x == pytest.approx(total.x)  # both start at zero
    last_step = bars[-2]
    end = last_step.x + last_step.w if ds.out["bridge"][-1]["usd"] >= 0 else last_step.x
    assert end == pytest.approx(total.x + total.w, abs=1.0)


def test_tornado_rows_follow_the_sensitivity(ds):
    c = charts.tornado(ds.view, ds.labels)
    texts = [s.s for s in c.shapes if isinstance(s, charts.Text)]
    first = ds.out["sensitivity"][0]
    assert first["text"] in texts
    assert any(ds.labels[first["input"]].startswith(t.rstrip("…").split(" › ")[0]) for t in texts)


def test_layout_helpers():
    assert charts.nice_ticks(0, 26e6, 5) == [0, 5e6, 10e6, 15e6, 20e6, 25e6]
    assert charts.nice_max(26.3e6) == 30e6
    lines = charts.wrap("final run: the lab's own cost instead of the rental quote", 150, 12, 2)
    assert len(lines) == 2 and all(charts.text_width(x, 12) <= 150 for x in lines)
    assert charts.wrap("a " * 200, 100, 12, 2)[-1].endswith("…")
    ys = charts.spread([10, 11, 12, 50], 8, 0, 100)
    assert all(b - a >= 8 - 1e-9 for a, b in itertools.pairwise(ys)) and ys[-1] == 50


# --------------------------------------------------------------------------------------------- beyond the headline
def _texts(c: charts.Chart) -> list[str]:
    return [s.s for s in c.shapes if isinstance(s, charts.Text)]


def _tips(c: charts.Chart) -> list[str]:
    return [s.tip for s in c.shapes if isinstance(s, charts.Rect) and s.tip]


def test_the_new_charts_are_drawn_as_png(ds):
    for c in (charts.claim_chart(ds.beyond.claim, ds.view), charts.replication(ds.beyond.replicate, ds.title),
              premium_chart(ds), charts.trend_fan(ds.beyond.trend, ds.title)):
        img = Image.open(io.BytesIO(c.png(scale=1)))
        assert img.size == (int(c.width), int(c.height + charts.TITLE_BAND))
        px = np.asarray(img.convert("RGB")).reshape(-1, 3)
        assert (px.sum(axis=1) < 600).mean() > 0.02 and len({tuple(p) for p in px[::31]}) > 12, c.key


def test_claim_chart_rows_are_the_definitions(ds):
    cl = ds.beyond.claim
    c = charts.claim_chart(cl, ds.view)
    tips = _tips(c)
    keys = [k for k in charts.DEFINITION_PATHS if k in {m["definition"] for m in cl["matches"]}]
    assert [t.split(":")[0] for t in tips] == [charts.DEFINITION_NAMES[k] for k in keys]
    prob = {m["definition"]: m["probability"] for m in cl["matches"]}
    for k, t in zip(keys, tips, strict=True):
        s = charts.definition_summary(ds.out, k)
        assert fmt.usd(s["mean"]) in t and t.endswith(f"probability {fmt.pct(prob[k])}")
    # the claim's line sits inside its window, and the window is drawn to the analysis' tolerance
    claim_line = next(s for s in c.shapes if isinstance(s, charts.Line) and s.stroke == charts.ACCENT)
    window = next(s for s in c.shapes if isinstance(s, charts.Rect) and s.fill == charts.TOLERANCE)
    assert window.x < claim_line.x1 < window.x + window.w
    assert claim_line.x1 - window.x == pytest.approx(window.x + window.w - claim_line.x1)  # symmetric on a log scale


def test_replication_chart_marks_the_released_level_and_the_floor(ds):
    rep = ds.beyond.replicate
    c = charts.replication(rep, ds.title)
    bars = [s for s in c.shapes if isinstance(s, charts.Rect) and s.tip]
    assert [b.tip.split(":")[0] for b in bars] == ["original development cost", "weights only", "weights + code",
                                                   "weights + code + data"]
    assert [b.stroke for b in bars] == [None, charts.INK, None, None]  # weights were released
    assert "what was released" in _texts(c)
    # bar lengths are the means on one scale
    w = [b.w for b in bars]
    means = [rep["original_development_usd"]["mean"], *(lv["usd"]["mean"] for lv in rep["levels"])]
    assert w[1] / w[0] == pytest.approx(means[1] / means[0], rel=1e-3)
    floor = next(s for s in c.shapes if isinstance(s, charts.Line) and s.stroke == charts.ACCENT)
    assert floor.x1 == pytest.approx(bars[0].x + rep["final_run_rental_usd"]["mean"] / means[0] * w[0], abs=0.01)
    assert f"final run at rental {fmt.usd(rep['final_run_rental_usd']['mean'])}" in _texts(c)


def test_premium_chart_brackets_the_difference_of_means(ds):
    x = ds.beyond.export
    assert x.applies and x.variant == "deepseek-v3@unrestricted"
    c = premium_chart(ds)
    bars = [s for s in c.shapes if isinstance(s, charts.Rect) and s.tip]
    assert len(bars) == 2
    bracket = [s for s in c.shapes if isinstance(s, charts.Line) and s.stroke == charts.ACCENT and s.y1 == s.y2]
    assert len(bracket) == 1
    ends = sorted((b.x + b.w) for b in bars)
    assert (bracket[0].x1, bracket[0].x2) == pytest.approx(tuple(ends))
    assert f"premium +{fmt.usd(x.premium['development']['premium_usd']['mean'])}" in _texts(c)


def test_trend_fan_chart(ds):
    tr = ds.beyond.trend
    c = charts.trend_fan(tr, ds.title)
    polys = [s for s in c.shapes if isinstance(s, charts.Poly)]
    bands = [p for p in polys if p.fill in (charts.BAND, charts.FRONTIER_BAND)]
    lines = [p for p in polys if p.fill is None and p.stroke in (charts.HIGH, charts.FRONTIER)]
    assert [b.fill for b in bands] == [charts.FRONTIER_BAND, charts.BAND]  # the frontier behind the model
    n = len(tr["years"])
    for band, line in zip(bands, lines, strict=True):
        assert len(band.points) == 2 * n and len(line.points) == n
        upper, lower = band.points[:n], band.points[n:][::-1]
        for (xu, yu), (xl, yl), (xm, ym) in zip(upper, lower, line.points, strict=True):
            assert xu == xl == xm and yu <= ym <= yl  # p95 above the median above p5 (y grows downwards)
    # a log scale: equal ratios are equal distances, and the median sits where its value is on that scale
    ticks = [t for t in c.shapes if isinstance(t, charts.Text) and t.anchor == "end" and t.s.startswith("$")]
    gaps = {round(b.y - a.y, 6) for a, b in itertools.pairwise(ticks)}
    assert len(ticks) >= 3 and len(gaps) == 1, [t.s for t in ticks]
    at = {t.s: t.y - t.size * 0.35 for t in ticks}  # a tick's words sit 0.35 em below its grid line
    (v1, y1), (v2, y2) = ((v, at[fmt.usd(v)]) for v in (1e7, 1e8))
    for (_, ym), r in zip(lines[1].points, tr["years"], strict=True):
        want = y1 + (np.log10(r["usd"]["p50"]) - np.log10(v1)) / (np.log10(v2) - np.log10(v1)) * (y2 - y1)
        assert ym == pytest.approx(want, abs=0.06)  # SVG coordinates keep one decimal
    # the threshold is a dashed line across the plot, at the level of its tick when that is a power of ten
    thr = next(s for s in c.shapes if isinstance(s, charts.Line) and s.dash == (6.0, 3.0))
    tick10 = next(t for t in ticks if t.s == fmt.usd(tr["below_usd"]))
    assert thr.y1 == thr.y2 == pytest.approx(tick10.y - (tick10.size) * 0.35)
    # a hover target per year, with that year's figures
    tips = _tips(c)
    assert len(tips) == n and all(t.startswith(f"{r['year']}: median {fmt.usd(r['usd']['p50'])}")
                                  for t, r in zip(tips, tr["years"], strict=True))
    assert ("the median never falls below $10M" if tr["year_p50"] is None else f"in {tr['year_p50']}") in \
        " ".join(_texts(c))


def test_trend_fan_marks_the_crossing_year():
    m = _report("deepseek-v3", 2000, 1, below=20e6)
    tr = m.beyond.trend
    assert tr["year_p50"] is not None and tr["year_p50"] > tr["base_year"]
    c = charts.trend_fan(tr, m.title)
    years = [r["year"] for r in tr["years"]]
    marker = next(s for s in c.shapes if isinstance(s, charts.Line) and s.stroke == charts.TOTAL and s.dash)
    x0 = next(s for s in c.shapes if isinstance(s, charts.Line) and s.dash == (6.0, 3.0)).x1
    x1 = next(s for s in c.shapes if isinstance(s, charts.Line) and s.dash == (6.0, 3.0)).x2
    i = years.index(tr["year_p50"])
    assert marker.x1 == pytest.approx(x0 + i / (len(years) - 1) * (x1 - x0))
    assert f"median below $20M in {tr['year_p50']}" in _texts(c)


def test_log_helpers():
    assert charts.log_ticks(6.0, 13.7, 10) == [1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13]
    assert charts.log_ticks(6.0, 13.7, 4) == [1e6, 1e8, 1e10, 1e12]
    assert charts.log_ticks(6.1, 6.9, 5) == pytest.approx([2e6, 5e6])  # a short range: 1-2-5 steps
    lo, hi = charts.log_range([1e7, 1e7])
    assert hi - lo >= 0.6 and lo < 7 < hi
    assert charts.decades([5.5e6, 1.3e8]) == (6, 9)
