"""One figure in every view: "final run at the lab's own cost" is the same number in the JSON, the items, the
bridge, the terminal, the report and the workbook; the bridge has a step for inference and for compute with
no phase, instead of counting them as experiments."""

from __future__ import annotations

import html
import re

import numpy as np
import pytest
from openpyxl import load_workbook

from fullcost import fmt, views
from fullcost.items import CostItem
from fullcost.views import OWN_COST_LABEL

N, SEED = 1500, 4


@pytest.fixture(scope="module")
def views_of_v3(tmp_path_factory):
    from typer.testing import CliRunner

    from fullcost.cli import app

    d = tmp_path_factory.mktemp("one")
    run = CliRunner().invoke
    common = ["-n", str(N), "--seed", str(SEED)]
    est = run(app, ["estimate", "deepseek-v3", *common, "--format", "json"])
    table = run(app, ["estimate", "deepseek-v3", *common], env={"COLUMNS": "200"})
    comp = run(app, ["compare", "deepseek-v3", "llama-3.1-405b", *common], env={"COLUMNS": "200"})
    rep = run(app, ["report", "deepseek-v3", "-o", str(d / "r.html"), "--xlsx", str(d / "r.xlsx"), *common])
    for r in (est, table, comp, rep):
        assert r.exit_code == 0, r.output
    import json

    return {"json": json.loads(est.stdout), "table": table.stdout, "compare": comp.stdout,
            "html": (d / "r.html").read_text(encoding="utf-8"), "xlsx": load_workbook(d / "r.xlsx")}


def test_json_items_and_bridge_agree(views_of_v3):
    out = views_of_v3["json"]
    own = out["final_run"]["own_cost_usd"]["mean"]
    parts = [it["usd"]["mean"] for it in out["development"]["items"]
             if it["phase"] == "final_run" and it["category"] not in ("staff", "data", "overhead")]
    assert len(parts) >= 2 and own == pytest.approx(sum(parts), rel=1e-9)
    step = next(b for b in out["bridge"] if b["step"] == "final_run")
    assert out["headline"]["usd"] + step["usd"] == pytest.approx(own, rel=1e-9)
    # DeepSeek-V3 prices GPU-hours at its fleet's rate (idle time included): not Epoch AI's amortized figure
    assert out["development"]["rate"] == "fleet"
    assert abs(own - out["final_run"]["amortized_usd"]["mean"]) > 0.05 * own


def test_terminal_shows_the_same_figure(views_of_v3):
    own = views_of_v3["json"]["final_run"]["own_cost_usd"]
    line = next(ln for ln in views_of_v3["table"].splitlines() if OWN_COST_LABEL in ln and "as in the" in ln)
    assert fmt.summary(own) in line
    comp = next(ln for ln in views_of_v3["compare"].splitlines() if OWN_COST_LABEL in ln)
    assert fmt.usd(own["mean"]) in comp


def test_report_card_and_workbook_show_the_same_figure(views_of_v3):
    out, page = views_of_v3["json"], views_of_v3["html"]
    own = out["final_run"]["own_cost_usd"]["mean"]
    label = re.escape(html.escape(OWN_COST_LABEL, quote=True))
    card = re.search(r'<div class="card ?"><div class="v"><span data-fig="([^"]+)"[^>]*>([^<]+)</span></div>'
                     rf'<div class="k">{label}</div>', page)
    assert card, "the report card names the lab's own cost"
    assert card.group(1) == "final_run.own_cost_usd.mean" and card.group(2) == fmt.usd(own)
    # no other figure carries the label
    amortized = fmt.usd(out["final_run"]["amortized_usd"]["mean"])
    assert not re.search(rf"lab&#x27;s own cost[^<]*</div>\s*<div[^>]*>{re.escape(amortized)}", page)
    ws = views_of_v3["xlsx"]["Summary"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == f"{OWN_COST_LABEL} (mean)")
    assert row[1].value == pytest.approx(own, rel=1e-12)
    bridge = views_of_v3["xlsx"]["Bridge"]
    steps = {r[1].value: r[3].value for r in bridge.iter_rows(min_row=2)}
    assert steps["headline"] + steps["final_run"] == pytest.approx(own, rel=1e-9)


def _item(name: str, category: str, phase: str, usd: float) -> CostItem:
    return CostItem(name, category, phase, np.full(10, usd))


def test_inference_and_unphased_compute_have_their_own_steps_and_footnotes():
    items = [_item("final: compute", "compute", "final_run", 100.0),
             _item("experiments: compute", "compute", "experiments", 30.0),
             _item("serving: compute", "compute", "inference", 20.0),
             _item("other: energy", "energy", "overall", 7.0),
             _item("staff: research", "staff", "overall", 50.0)]
    b = {s.step: s for s in views.bridge(120.0, items)}
    assert b["experiments"].usd == 30.0
    assert b["inference"].usd == 20.0 and b["inference"].label == "inference and serving"
    assert b["other"].usd == 7.0 and "no phase" in b["other"].label
    assert sum(s.usd for s in b.values()) == pytest.approx(207.0)
    notes = {name: (float(arr.mean()), what) for name, arr, what in views.excluded(items)}
    assert notes["inference and serving"] == (20.0, "serving")
    assert notes["experiments and ablations"][0] == 30.0
    assert notes["other compute (no phase given)"][0] == 7.0
    # a bridge without inference or unphased compute shows neither step
    plain = [s.step for s in views.bridge(120.0, items[:2] + items[4:])]
    assert "inference" not in plain and "other" not in plain


def _columns(table: str) -> list[str]:
    """A rich table's column headings, each joined across the lines it was folded over."""
    heads = [ln for ln in table.splitlines() if ln.startswith("┃")]
    cells = [[c.strip() for c in ln.strip("┃").split("┃")] for ln in heads]
    return ["".join(col) for col in zip(*cells, strict=True)]


def test_compare_tells_variants_apart_marks_market_rates_and_drops_fixed_intervals():
    from typer.testing import CliRunner

    from fullcost.cli import app

    names = ["deepseek-v3", "deepseek-v3@essay", "deepseek-v3@semianalysis", "llama-3.1-405b"]
    r = CliRunner().invoke(app, ["compare", *names, "-n", "300"], env={"COLUMNS": "80"})
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert _columns(out)[1:] == names
    assert "…" not in out
    headline = out[out.index("│ headline"):out.index("│ final-run")]
    assert headline.count("(market rate)") == 1 and headline.rstrip().endswith("│")
    cells = [c.strip() for ln in headline.splitlines() for c in ln.strip("│").split("│")]
    assert "(market rate)" in cells[-1]  # llama-3.1-405b: no price quoted
    # a fixed figure has no interval; an uncertain one keeps it
    assert not re.search(r"\((\$[\d.]+[KMB]?) to \1\)", " ".join(out.split()))
    assert "$5.576M to" not in out and "(market rate): the developer quoted no price" in " ".join(out.split())
    dev = out[out.index("│ development"):]
    dev = dev[:dev.index("│ headline")]
    assert dev.count(" to ") >= 4


@pytest.mark.parametrize("name", ["gpt-4.5", "deepseek-v3"])
def test_a_headline_above_development_is_explained_in_every_view(name, tmp_path):
    """A market-rate headline can exceed the whole development cost (renting costs more than owning): the JSON,
    the terminal and the report say why, with the final run's own cost the final-run table shows."""
    import json

    from typer.testing import CliRunner

    from fullcost.cli import app

    run = CliRunner().invoke
    common = ["-n", "800", "--seed", "1"]
    out = json.loads(run(app, ["estimate", name, *common, "--format", "json"]).stdout)
    text = run(app, ["estimate", name, *common], env={"COLUMNS": "400"}).stdout
    assert run(app, ["report", name, "-o", str(tmp_path / "r.html"), *common]).exit_code == 0
    page = html.unescape((tmp_path / "r.html").read_text(encoding="utf-8"))
    note = out["coverage"]["headline_above_development"]
    above = out["headline"]["usd"] > out["development"]["total_usd"]["p50"]
    if not above:
        assert note is None
        assert "above the whole development cost" not in text + page
        return
    own = out["final_run"]["own_cost_usd"]["mean"]
    rate = out["headline"]["usd"] / out["headline"]["gpu_hours"]
    assert f"${rate:,.2f}/GPU-hour" in note and fmt.usd(own) in note
    assert f"${own / out['headline']['gpu_hours']:,.2f}/GPU-hour" in note
    assert note in " ".join(text.split()) and note in page
