"""Charts: one scene drawn as SVG and PNG, laid out from the estimate's JSON."""

from __future__ import annotations

import io
import itertools
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from fullcost import catalog, estimate
from fullcost.report import charts, html

from .conftest import ROOT

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def ds():
    est = estimate.run(catalog.load_scenario("deepseek-v3"), 3000, 1)
    out = estimate.to_json(est)
    return html.model_report(est, out)


@pytest.fixture(scope="module")
def toy():
    est = estimate.run(catalog.load_scenario(str(ROOT / "tests" / "golden" / "toy.yaml")), 200, 0)
    return html.model_report(est, estimate.to_json(est))


def all_charts(m) -> list[charts.Chart]:
    out = []
    for w in (charts.WIDE, charts.NARROW):
        out += [charts.iceberg(m.view, w), charts.waterfall(m.view, w), charts.distribution(m.view, m.hist, w),
                charts.tornado(m.view, m.labels, w)]
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
