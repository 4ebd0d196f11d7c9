"""The lab page's controls: sliders and fields for the inputs that move the last year's adjusted EBITDA and net
income most and for any input of the assumptions table that --set reaches; a change through the page's route gives
the figures of `fullcost statements LAB --set PATH=VALUE --format json`, and the JSON API stays the CLI's."""

from __future__ import annotations

import html
import json
import re
from urllib.parse import urlencode

from typer.testing import CliRunner

from fullcost.cli import app

CONTROL = re.compile(r'<div class="ctl[^"]*" data-path="([^"]+)">(.*?)<p class="detail">', re.S)


def cli(*args: str) -> str:
    r = CliRunner().invoke(app, [*args, "--format", "json"])
    assert r.exit_code == 0, r.stderr
    return r.stdout


def controls(text: str) -> dict[str, str]:
    return {html.unescape(p): body for p, body in CONTROL.findall(text)}


def shown(text: str, fid: str) -> float:
    m = re.search(rf'<data id="{fid}" value="([^"]+)"', text)
    assert m is not None, fid
    return float(m.group(1))


def slider(body: str) -> tuple[float, float]:
    lo = re.search(r'class="ctl-range"[^>]* min="([^"]+)" max="([^"]+)"', body)
    assert lo is not None, body
    return float(lo.group(1)), float(lo.group(2))


def test_the_lab_page_has_controls_for_what_moves_its_books(client):
    from fullcost import api
    from fullcost.books.drivers import drivers, inputs

    page = client.get("/lab/deepseek")
    assert page.status_code == 200
    assert 'data-api="/api/page/lab/deepseek"' in page.text
    assert 'data-control-api="/api/control/lab/deepseek"' in page.text
    ctl = controls(page.text)
    assert len(ctl) == 6
    b = api.books("deepseek")  # the page's defaults: the CLI's 10,000 samples, seed 0
    first = drivers(b)
    assert first[0].label == "adjusted EBITDA" and first[1].label == "net income"
    ins = {x.name: x for x in inputs(b.run)}
    # the longest bars of the two tornados in turn (adjusted EBITDA's first), each input once
    turns = [r["input"] for pair in zip(first[0].rows, first[1].rows, strict=False) for r in pair]
    assert list(ctl) == [n for n in dict.fromkeys(turns) if ins[n].settable][:6]
    assert next(iter(ctl)) == first[0].rows[0]["input"]
    for path, body in ctl.items():
        x = ins[path]
        assert x.settable
        if x.low < x.high:  # a slider spans the input's 90% range
            lo, hi = slider(body)
            assert lo <= x.low and hi >= x.high and hi - lo < 1.5 * (x.high - x.low) + 1e-9, (path, lo, hi, x)
    # the assumptions table: every input with its source; a control for those --set reaches
    found = re.findall(r'<tr( data-input="[^"]+")?><td>[^<]*<span class="name"><code>([^<]+)</code>', page.text)
    rows = {html.unescape(n): attr for attr, n in found}
    assert set(rows) == set(ins)
    for name, attr in rows.items():
        assert bool(attr) == ins[name].settable, name
    assert not ins["releases[0].program.final_run.gpus"].settable  # deepseek-v3: set on its own page
    assert ins["releases[1].program.final_run.gpus"].settable  # R1's program is written in the lab file
    assert "open-infra-index" in page.text  # a source of the lab file, linked
    # the figures shown are the statements'
    out = json.loads(cli("statements", "deepseek"))
    assert shown(page.text, "lab-adjusted-ebitda") == out["years"][-1]["adjusted_ebitda"]["value"]["mean"]
    assert shown(page.text, "lab-net-income") == out["years"][-1]["income_statement"]["net_income"]["mean"]
    assert page.text.count('class="chart-wide"') >= 2  # the two tornados


def test_moving_a_control_gives_the_cli_figures(client):
    page = client.get("/lab/deepseek?samples=2000&seed=3")
    ctl = controls(page.text)
    path = next(p for p, body in ctl.items() if 'class="ctl-range"' in body)
    lo, hi = slider(ctl[path])
    value = f"{lo + 0.8 * (hi - lo):.6g}"
    q = urlencode([("set", f"{path}={value}"), ("samples", "2000"), ("seed", "3")])
    r = client.get(f"/api/page/lab/deepseek?{q}")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["query"] == q
    text = cli("statements", "deepseek", "--set", f"{path}={value}", "--samples", "2000", "--seed", "3")
    want = json.loads(text)
    last = want["years"][-1]
    assert shown(body["html"], "lab-adjusted-ebitda") == last["adjusted_ebitda"]["value"]["mean"]
    assert shown(body["html"], "lab-net-income") == last["income_statement"]["net_income"]["mean"]
    base = json.loads(cli("statements", "deepseek", "--samples", "2000", "--seed", "3"))
    assert last["adjusted_ebitda"]["value"]["mean"] != base["years"][-1]["adjusted_ebitda"]["value"]["mean"]
    # the statements' tables are redrawn with the same figures, the control keeps its value
    assert "Adjusted EBITDA: reconciliation" in body["html"]
    again = client.get(f"/lab/deepseek?{q}")
    assert f'value="{value}"' in controls(again.text)[path]
    assert shown(again.text, "lab-adjusted-ebitda") == last["adjusted_ebitda"]["value"]["mean"]
    # the JSON API is still the CLI's, byte for byte
    assert client.get(f"/api/statements/deepseek?{q}").text == text


def test_a_typed_range_and_any_input_from_the_table(client):
    sets = ["serving[1].billed_share=20% to 40%", "regions.china.staff.annotator_salary_usd=40K to 60K"]
    q = urlencode([*(("set", s) for s in sets), ("samples", "1500"), ("seed", "1")])
    r = client.get(f"/api/page/lab/deepseek?{q}")
    assert r.status_code == 200, r.text
    args = [a for s in sets for a in ("--set", s)]
    want = json.loads(cli("statements", "deepseek", *args, "--samples", "1500", "--seed", "1"))
    assert shown(r.json()["html"], "lab-net-income") == want["years"][-1]["income_statement"]["net_income"]["mean"]
    # one more control, for any input --set reaches; refused for a catalog program's inputs
    c = client.get("/api/control/lab/deepseek?input=fleet.purchases[0].useful_life&i=101")
    assert c.status_code == 200 and 'data-path="fleet.purchases[0].useful_life"' in c.json()["html"]
    assert 'class="ctl-range"' in c.json()["html"]
    bad = client.get("/api/control/lab/deepseek?input=releases[0].program.final_run.gpus")
    assert bad.status_code == 400 and "model's page" in bad.json()["error"]
    assert client.get("/api/control/lab/deepseek?input=nothing.here").status_code == 404
    # a bad value: one line, HTTP 400
    r = client.get("/api/page/lab/deepseek?set=fleet.utilization%3Dlots")
    assert r.status_code == 400 and "fleet.utilization" in r.json()["error"]
    assert client.get("/api/page/lab/nope").status_code == 404


def test_statements_api_without_a_year_is_the_cli_json(client):
    sets = ["fleet.utilization=0.7", "releases[1].program.final_run.gpus=600"]
    q = urlencode([*(("set", s) for s in sets), ("samples", "1200"), ("seed", "5")])
    args = [a for s in sets for a in ("--set", s)]
    assert client.get(f"/api/statements/deepseek?{q}").text == cli("statements", "deepseek", *args, "--samples",
                                                                  "1200", "--seed", "5")
    assert client.get("/api/statements/frontier-us").text == cli("statements", "frontier-us")
