"""`fullcost report`: one self-contained page whose figures are the estimate's, that says what it lacks."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html import unescape
from html.parser import HTMLParser

import pytest

from fullcost import fmt
from fullcost.report import html

from .conftest import ROOT, TOY

GOLDEN = ROOT / "tests" / "golden"
TOY_GOLDEN = GOLDEN / "toy.yaml"


class Figures(HTMLParser):
    """Every ``data-fig`` element: the model it belongs to, its JSON path, its format and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, str | None]] = []
        self.figs: list[dict[str, str]] = []
        self.cur: dict[str, str] | None = None
        self.srcs: list[tuple[str, str, str]] = []  # (tag, attribute, value) of anything that could fetch

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        model = a.get("data-model") or (self.stack[-1][1] if self.stack else None)
        if tag not in ("meta", "br", "img", "input", "link", "col", "rect", "line", "polygon", "polyline"):
            self.stack.append((tag, model))
        for k in ("src", "href", "xlink:href", "srcset", "data", "poster", "action"):
            if a.get(k):
                self.srcs.append((tag, k, a[k]))
        if "data-fig" in a:
            self.cur = {"model": model or "", "path": a["data-fig"], "fmt": a["data-fmt"], "src": a.get("data-src", ""),
                        "text": ""}

    def handle_endtag(self, tag):
        if self.stack and self.stack[-1][0] == tag:
            self.stack.pop()
        if tag == "span" and self.cur is not None:
            self.figs.append(self.cur)
            self.cur = None

    def handle_data(self, data):
        if self.cur is not None:
            self.cur["text"] += data


def lookup(obj, path: str):
    for part in path.split("."):
        obj = obj[int(part)] if isinstance(obj, list) else obj[part]
    return obj


def figures_of(page: str) -> Figures:
    p = Figures()
    p.feed(page)
    return p


def embedded(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="fullcost-data">(.*?)</script>', page, re.S)
    assert m, "the page embeds its data"
    return json.loads(m.group(1).replace("<\\/", "</"))


@pytest.fixture(scope="module")
def deepseek(tmp_path_factory):
    """The DeepSeek-V3 report and, independently, the estimate's JSON for the same samples and seed."""
    d = tmp_path_factory.mktemp("ds")
    out = d / "report.html"
    r = subprocess.run([sys.executable, "-m", "fullcost.cli", "report", "deepseek-v3", "-o", str(out), "-n", "4000",
                        "--seed", "3"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr
    est = subprocess.run([sys.executable, "-m", "fullcost.cli", "estimate", "deepseek-v3", "-n", "4000", "--seed", "3",
                          "--format", "json"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    return out.read_text(encoding="utf-8"), json.loads(est.stdout), r


def _json(*args: str) -> dict:
    p = subprocess.run([sys.executable, "-m", "fullcost.cli", *args, "--format", "json"], capture_output=True,
                       text=True, cwd=ROOT, timeout=120)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def analyses_json(name: str, est: dict, n: str, seed: str, claim: str | None = None) -> dict:
    """The JSON each analysis prints on its own, for the same model, samples and seed: what ``data-src`` names."""
    run = ("-n", n, "--seed", seed)
    out = {"": est,
           "claim": _json("claim", name, "--usd", claim or repr(est["headline"]["usd"]), *run),
           "replicate": _json("replicate", name, *run),
           "trend": _json("trend", name, *run)}
    if name == "deepseek-v3":
        u = _json("estimate", f"{name}@unrestricted", *run)
        out["export_controls"] = {"unrestricted": u, "premium": _json("premium", name, *run)}
    return out


@pytest.fixture(scope="module")
def deepseek_analyses(deepseek):
    _, est, _ = deepseek
    return analyses_json("deepseek-v3", est, "4000", "3")


def section(page: str, start: str, end: str) -> str:
    return page[page.index(f'id="{start}"'):page.index(f'id="{end}"')]


def words(raw: str) -> str:
    """What a reader sees of some HTML: no tags, entities decoded."""
    return unescape(re.sub(r"<[^>]+>", "", raw))


def test_prints_where_the_report_is(deepseek):
    _, _, r = deepseek
    assert r.stdout.startswith("Report: ") and "report.html" in r.stdout
    assert r.stderr == ""  # no progress bar when stderr is not a terminal, no warnings for this model


def test_every_text_figure_is_the_estimates(deepseek):
    page, est, _ = deepseek
    figs = figures_of(page).figs
    paths = {f["path"] for f in figs}
    for must in ("headline.usd", "headline.usd_per_gpu_hour", "development.total_usd.mean",
                 "development.total_usd.p5", "development.total_usd.p95", "coverage.headline_share.p50",
                 "lab_annual.total_usd.mean", "bridge.2.usd", "coverage.excluded.0.usd.mean"):
        assert must in paths, must
    assert len(figs) > 60
    for f in figs:
        if not f["src"]:
            assert f["text"] == html.FORMATS[f["fmt"]](lookup(est, f["path"])), f


def test_every_analysis_figure_is_the_analysis_json(deepseek, deepseek_analyses):
    """Figures beyond the headline name the JSON they come from; each equals `fullcost claim|replicate|trend
    --format json` (or the unrestricted variant's estimate) for the same samples and seed."""
    page, _, _ = deepseek
    figs = figures_of(page).figs
    srcs = {f["src"] for f in figs}
    assert srcs == {"", "claim", "replicate", "trend", "export_controls"}
    for f in figs:
        assert f["text"] == html.FORMATS[f["fmt"]](lookup(deepseek_analyses[f["src"]], f["path"])), f
    data = embedded(page)["models"][0]
    for key in ("claim", "replicate", "trend"):
        cli_out = deepseek_analyses[key]  # the command line adds the model, samples, seed and overrides it ran with
        assert set(cli_out) - set(data[key]) <= {"name", "samples", "seed", "overrides"}, key
        assert data[key] == {k: v for k, v in cli_out.items() if k in data[key]}, key
    assert data["export_controls"]["unrestricted"] == deepseek_analyses["export_controls"]["unrestricted"]


def test_claim_check_section(deepseek, deepseek_analyses):
    page, _, _ = deepseek
    sec = words(section(page, "deepseek-v3-check", "deepseek-v3-replicate"))
    cl = deepseek_analyses["claim"]
    assert cl["best"] == "final_run_rental"
    assert "The headline, $5.576M, checked as a claim" in sec
    assert "It matches the final run at rental rates (probability 100.0%)." in sec
    labels = {m["definition"]: m["label"] for m in cl["matches"]}
    also = [labels[k] for k in cl.get("also_matches") or []]
    if also:  # definitions the analysis finds about as likely are named; none is invented
        assert f"It fits {' and '.join(also)} about as well." in sec
    else:
        assert "about as well" not in sec
    assert f"It is {fmt.pct(cl['coverage']['p50'])} of the development cost" in sec
    staff = next(x for x in cl["excluded"] if x["name"] == "staff")
    assert f"staff (~{fmt.usd(staff['usd']['mean'])})" in sec
    assert (f"imply {fmt.pct(cl['implied_mfu'])} MFU of the FP8 peak, within what large runs achieve "
            f"({fmt.pct(cl['mfu_range'][0])} to {fmt.pct(cl['mfu_range'][1])})") in sec
    assert 'data-chart="claim"' in page
    # the definitions' rows: every one, with its probability
    for m in cl["matches"]:
        assert m["label"] in sec


def test_claim_option_checks_another_figure(tmp_path, cli):
    out = tmp_path / "r.html"
    r = cli("report", "deepseek-v3", "-o", str(out), "-n", "2000", "--seed", "1", "--claim", "$100M")
    assert r.code == 0, r.err
    page = out.read_text(encoding="utf-8")
    sec = words(section(page, "deepseek-v3-check", "deepseek-v3-replicate"))
    assert "The figure given with --claim, $100M, checked against each way of counting the cost" in sec
    assert "It matches the final run at rental rates" not in sec
    assert "It matches buying the cluster that ran the final run" in sec
    data = embedded(page)["models"][0]
    assert data["claim_given"] is True and data["claim"]["claim_usd"] == 100e6
    assert next(m for m in data["claim"]["matches"] if m["definition"] == "final_run_rental")["probability"] == 0.0


def test_replication_section(deepseek, deepseek_analyses):
    page, _, _ = deepseek
    rep = deepseek_analyses["replicate"]
    raw = section(page, "deepseek-v3-replicate", "deepseek-v3-export-controls")
    sec = words(raw)
    assert rep["released"] == "weights"
    assert "The developer released: weights. That level is what a replicator faces today." in sec
    assert raw.count('<span class="tag">released</span>') == 1
    assert re.search(r'<tr class=best><td[^>]*>weights only <span class="tag">released</span>', raw)
    for lv in rep["levels"]:
        assert f"{fmt.usd(lv['usd']['mean'])}" in sec
    assert 'data-chart="replication"' in raw
    # the chart's bars, as their tooltips say: the original first, then each level
    tips = re.findall(r'<rect [^>]*><title>([^<]*)</title>', raw.split('class="chart-wide"')[1].split("</svg>")[0])
    s = rep["original_development_usd"]
    assert tips[0] == (f"original development cost: mean {fmt.usd(s['mean'])}, 90% interval {fmt.usd(s['p5'])}–"
                       f"{fmt.usd(s['p95'])}")
    assert [t.split(":")[0] for t in tips] == ["original development cost", "weights only", "weights + code",
                                               "weights + code + data"]


def test_export_premium_section(deepseek, deepseek_analyses):
    page, est, _ = deepseek
    raw = section(page, "deepseek-v3-export-controls", "deepseek-v3-trend")
    sec = words(raw)
    x = deepseek_analyses["export_controls"]
    u = x["unrestricted"]["development"]["total_usd"]
    p = x["premium"]["development"]
    prem = p["premium_usd"]
    # the premium is taken sample by sample: its mean is the difference of the means, its interval its own
    assert prem["mean"] == pytest.approx(est["development"]["total_usd"]["mean"] - u["mean"], rel=1e-9)
    assert 0 < prem["p5"] < prem["mean"] < prem["p95"]
    assert prem["p95"] - prem["p5"] < (est["development"]["total_usd"]["p95"] - u["p5"])
    assert (f"Development cost {fmt.usd(est['development']['total_usd']['mean'])} with the controls, "
            f"{fmt.usd(u['mean'])} without them: a premium of {fmt.usd(prem['mean'])} (90% interval "
            f"{fmt.usd(prem['p5'])}–{fmt.usd(prem['p95'])}, taken simulation by simulation), "
            f"{fmt.pct(p['share_of_cost']['mean'])} of the cost on average") in sec
    for st in x["premium"]["by_step"]:
        assert f"of which {st['label']}{fmt.usd(st['usd']['mean'])}" in sec
    assert "deepseek-v3@unrestricted" in sec and "run with the same 4,000 simulations and seed 3" in sec
    assert f"{fmt.usd(u['p5'])}–{fmt.usd(u['p95'])}" in sec  # each run's own interval
    assert 'data-chart="premium"' in raw


@pytest.mark.parametrize(("model", "needle"), [
    ("deepseek-v3@unrestricted", "this is the counterfactual without export controls itself"),
    ("deepseek-v3@essay", "the premium belongs to deepseek-v3"),
    (str(TOY_GOLDEN), "the scenario works under no export controls (it has no restricted hardware)"),
])
def test_export_premium_does_not_apply(tmp_path, cli, model, needle):
    out = tmp_path / "r.html"
    r = cli("report", model, "-o", str(out), "-n", "300")
    assert r.code == 0, r.err
    page = out.read_text(encoding="utf-8")
    slug = html.ModelReport.slug.fget(type("M", (), {"name": embedded(page)["models"][0]["estimate"]["name"]})())
    sec = section(page, f"{slug}-export-controls", f"{slug}-trend")
    assert "Does not apply:</strong>" in sec and needle in sec
    assert 'data-chart="premium"' not in page
    assert embedded(page)["models"][0]["export_controls"]["applies"] is False


def test_export_controls_without_a_counterfactual_is_missing(tmp_path, cli, write):
    f = write(TOY_GOLDEN.read_text().replace("sources:\n", "export_controls:\n  applies: true\nsources:\n", 1),
              "controlled.yaml")
    out = tmp_path / "r.html"
    r = cli("report", str(f), "-o", str(out), "-n", "300")
    assert r.code == 0, r.err
    page = out.read_text(encoding="utf-8")
    sec = words(section(page, "toy-export-controls", "toy-trend"))
    assert "Not in this report: the scenario works under export controls but has no 'unrestricted'" in sec
    assert "This report is incomplete in 6 ways" in page  # the toy's 1.7% implied MFU is warned about


def test_trend_section(deepseek, deepseek_analyses):
    page, _, _ = deepseek
    tr = deepseek_analyses["trend"]
    raw = section(page, "deepseek-v3-trend", "deepseek-v3-items")
    sec = words(raw)
    assert tr["year_p50"] is None and tr["below_usd"] == 10e6
    assert (f"In most simulations it never falls below $10M: in {fmt.pct(tr['never_share'])} of them it stays "
            "above for good.") in sec
    last = str(tr["years"][-1]["year"])
    assert f"By {last}, the probability that it is below $10M is {fmt.pct(tr['probability_by_year'][last])}." in sec
    # the fan chart, wide and narrow, and the probability by year
    assert raw.count('data-chart="trend"') == 2
    years = re.findall(r'<li><span class="y">(\d{4})</span> <span[^>]*>([^<]*)</span></li>', raw)
    assert years == [(y, fmt.pct(p)) for y, p in tr["probability_by_year"].items()]
    # each year's hover target carries that year's figures
    wide = raw.split('class="chart-wide"')[1].split("</svg>")[0]
    tips = re.findall(r'pointer-events="all"><title>([^<]*)</title>', wide)
    assert len(tips) == len(tr["years"])
    for tip, row, fr in zip(tips, tr["years"], tr["frontier"], strict=True):
        s = row["usd"]
        assert tip.startswith(f"{row['year']}: median {fmt.usd(s['p50'])}, 90% band {fmt.usd(s['p5'])}–"
                              f"{fmt.usd(s['p95'])}; below $10M with probability "
                              f"{fmt.pct(tr['probability_by_year'][str(row['year'])])}"), tip
        assert tip.endswith(f"frontier median {fmt.usd(fr['usd']['p50'])}")


def test_below_moves_the_threshold(tmp_path, cli):
    out = tmp_path / "r.html"
    r = cli("report", "deepseek-v3", "-o", str(out), "-n", "2000", "--below", "20M")
    assert r.code == 0, r.err
    page = out.read_text(encoding="utf-8")
    tr = embedded(page)["models"][0]["trend"]
    assert tr["below_usd"] == 20e6 and tr["year_p50"] is not None and tr["year_p50"] > tr["base_year"]
    sec = words(section(page, "deepseek-v3-trend", "deepseek-v3-items"))
    assert f"Half the simulations fall below $20M by {tr['year_p50']}." in sec
    assert f"median below $20M in {tr['year_p50']}" in page  # the crossing marked on the fan chart


def test_the_claim_and_the_answer(deepseek):
    page, est, _ = deepseek
    text = re.sub(r"<[^>]+>", "", page)
    d = est["development"]["total_usd"]
    assert "Reported: $5.576M (final run at $2/GPU-hour)." in text
    assert (f"Development cost: {fmt.usd(d['mean'])} (90% interval {fmt.usd(d['p5'])}–{fmt.usd(d['p95'])}). "
            f"The headline covers {fmt.pct(est['coverage']['headline_share']['p50'])}.") in text


def test_self_contained(deepseek):
    page, _, _ = deepseek
    p = figures_of(page)
    # nothing is loaded: no stylesheet, script, image or frame from anywhere; links are only anchors
    for tag, attr, value in p.srcs:
        assert tag == "a" and attr == "href", (tag, attr, value)
        assert value.startswith(("#", "https://", "http://")), value
    assert not re.search(r"<(link|img|iframe|object|embed|video|audio|source)\b", page)
    assert "@import" not in page and "url(" not in page
    assert "<script src" not in page
    assert '<meta name="viewport"' in page and "@media print" in page


def test_embedded_data_is_the_estimate_and_no_samples(deepseek):
    page, est, _ = deepseek
    data = embedded(page)
    assert data["models"][0]["estimate"] == est
    assert len(page) < 1_000_000


def test_sections_present(deepseek):
    page, _, _ = deepseek
    for key in ("iceberg", "waterfall", "distribution", "tornado", "claim", "replication", "premium", "trend"):
        assert f'data-chart="{key}"' in page, key
    for h in ("The iceberg", "The bridge", "How sure is it?", "What moves it most", "The footnotes",
              "Check the claim", "Replicating it", "The export-control premium", "Where costs are heading",
              "The lab", "Financial statements", "Every assumption and its source"):
        assert h in page, h


def test_assumptions_link_their_sources(deepseek):
    page, _, _ = deepseek
    rows = re.findall(r'<tr data-input="([^"]+)">(.*?)</tr>', page, re.S)
    names = {n for n, _ in rows}
    assert {"final_run.usd_per_gpu_hour", "staff.roles[0].share", "regions.china.staff.researcher_salary_usd",
            "hardware.h800.bf16_tflops"} <= names
    row = dict(rows)["final_run.usd_per_gpu_hour"]
    assert 'href="https://arxiv.org/abs/2412.19437"' in row and "DeepSeek-V3 Technical Report" in row
    assert "$2 per GPU hour" in row  # the figure as published


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    d = tmp_path_factory.mktemp("toy")
    out = d / "toy.html"
    r = subprocess.run([sys.executable, "-m", "fullcost.cli", "report", str(TOY_GOLDEN), "-o", str(out), "-n", "500"],
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr
    return out.read_text(encoding="utf-8")


def test_malformed_source_url_is_text_and_reported(toy):
    rows = dict(re.findall(r'<tr data-input="([^"]+)">(.*?)</tr>', toy, re.S))
    row = rows["program.runs[0].share_of_final"]
    assert "href" not in row
    assert "htp://example.org/broken link" in row and "is not a valid web address" in row
    assert 'href="https://example.org/toy-1b"' in rows["final_run.gpus"]
    about = toy[toy.index('id="toy-about"'):]
    assert "The source of program › ablations › share of final (program.runs[0].share_of_final): " in about


def test_missing_sections_say_what_is_missing(toy):
    assert "This report is incomplete in 5 ways" in toy  # the toy's 1.7% implied MFU is warned about
    assert "Not in this report:</strong> the lab's annual cost" in toy
    assert "Not in this report:</strong> the income statement, balance sheet, cash flow" in toy
    assert "Not in this report:</strong> a ranking of inputs: every input is a single value" in toy
    assert 'data-chart="tornado"' not in toy  # nothing to rank
    assert "Every input of this scenario is a single value" in toy  # the distribution's caption
    for chart in ("iceberg", "waterfall", "distribution"):
        assert f'data-chart="{chart}"' in toy


def test_several_models_side_by_side(tmp_path, write):
    other = write(TOY, "other.yaml")
    out = tmp_path / "two.html"
    r = subprocess.run([sys.executable, "-m", "fullcost.cli", "report", "deepseek-v3", str(other), "-o", str(out),
                        "-n", "2000", "--seed", "1"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr
    page = out.read_text(encoding="utf-8")
    assert "DeepSeek-V3 vs toy: what the headlines leave out" in page
    assert 'data-chart="comparison"' in page
    assert page.count('data-chart="iceberg"') == 2 * 2 + 2  # each model: wide and narrow; plus one each compared
    assert 'id="deepseek-v3"' in page and 'id="toy"' in page
    figs = figures_of(page).figs
    assert {f["model"] for f in figs} == {"deepseek-v3", "toy"}
    data = {m["estimate"]["name"]: m for m in embedded(page)["models"]}
    for f in figs:
        doc = data[f["model"]][f["src"] or "estimate"]
        assert f["text"] == html.FORMATS[f["fmt"]](lookup(doc, f["path"])), f


BOOKS = {
    "name": "toylab", "title": "Toy Lab", "policy": "us-gaap",
    "policy_options": {"label": "US GAAP, straight-line over 5 years"},
    "programs": [{"release": "Toy-1B", "program": "toy"}],
    "years": [
        {"year": y,
         "income_statement": {"revenue": {"mean": 1e6 * y % 7, "p5": 0.0, "p50": 1.0, "p95": 2e6},
                              "net_income": {"mean": -5e6, "p5": -6e6, "p50": -5e6, "p95": -4e6}},
         "adjusted_ebitda": {"value": {"mean": -1e6, "p5": -2e6, "p50": -1e6, "p95": 0.0},
                             "reconciliation": [{"name": "net income", "usd": {"mean": -5e6, "p5": -6e6, "p50": -5e6,
                                                                               "p95": -4e6}},
                                                {"name": "+ depreciation and amortization",
                                                 "usd": {"mean": 4e6, "p5": 4e6, "p50": 4e6, "p95": 4e6}}]},
         "balance_sheet": {"assets": {"mean": 9e6, "p5": 9e6, "p50": 9e6, "p95": 9e6},
                           "liabilities": {"mean": 1e6, "p5": 1e6, "p50": 1e6, "p95": 1e6},
                           "equity": {"mean": 8e6, "p5": 8e6, "p50": 8e6, "p95": 8e6},
                           "lines": {"Assets:Cash": {"mean": 2e6, "p5": 2e6, "p50": 2e6, "p95": 2e6},
                                     "Assets:PPE:GPUs": {"mean": 7e6, "p5": 7e6, "p50": 7e6, "p95": 7e6},
                                     "Liabilities:Debt": {"mean": 1e6, "p5": 1e6, "p50": 1e6, "p95": 1e6},
                                     "Equity:Funding": {"mean": 8e6, "p5": 8e6, "p50": 8e6, "p95": 8e6}}},
         "cash_flow": {"operating": {"mean": -3e6, "p5": -3e6, "p50": -3e6, "p95": -3e6},
                       "net_change": {"mean": 1e6, "p5": 1e6, "p50": 1e6, "p95": 1e6}}}
        for y in (2023, 2024)],
}


def test_statements_from_the_books_render_by_year(tmp_path, cli):
    st = tmp_path / "books.json"
    st.write_text(json.dumps(BOOKS))
    out = tmp_path / "r.html"
    r = cli("report", str(TOY_GOLDEN), "-o", str(out), "-n", "200", "--statements", str(st))
    assert r.code == 0, r.err
    page = out.read_text(encoding="utf-8")
    sec = page[page.index('id="toy-statements"'):page.index('id="toy-assumptions"')]
    assert "Not in this report" not in sec
    assert "Toy Lab, US GAAP, straight-line over 5 years" in sec
    # books written before the presentation was a choice were by nature, and are labelled so
    for title in ("Income statement (expenses by nature)", "Balance sheet (year end)", "Cash flow statement",
                  "Adjusted EBITDA: reconciliation from net income"):
        assert f"<caption>{title}</caption>" in sec, title
    assert ">2023</th>" in sec and ">2024</th>" in sec
    assert "PPE › GPUs" in sec and "-$5M" in sec and "total assets" in sec and "adjusted EBITDA" in sec


def test_generic_statements_and_a_missing_one(tmp_path, cli):
    st = tmp_path / "st.json"
    st.write_text(json.dumps({"income_statement": [{"label": "revenue", "usd": 100.0},
                                                   {"label": "net income", "usd": -50.0, "total": True}],
                              "cash_flow": {"operating": -10.0, "investing": {"mean": -5.0, "p5": -6.0, "p95": -4.0}}}))
    out = tmp_path / "r.html"
    r = cli("report", str(TOY_GOLDEN), "-o", str(out), "-n", "200", "--statements", str(st))
    assert r.code == 0, r.err
    page = out.read_text(encoding="utf-8")
    sec = page[page.index('id="toy-statements"'):page.index('id="toy-assumptions"')]
    assert "<caption>Income statement</caption>" in sec and "<caption>Cash flow statement</caption>" in sec
    assert "the balance sheet: the statements given lack it" in sec
    assert "the adjusted ebitda reconciliation: the statements given lack it" in sec
    assert "-$50" in sec and "-$6 to -$4" in sec


@pytest.mark.parametrize(("args", "needle"), [
    (["depseek-v3"], "did you mean 'deepseek-v3'"),  # a misspelling; another model (deepseek-v4) gets none
    (["deepseek-v3", "-o", "no/such/folder/r.html"], "the folder no/such/folder does not exist"),
    (["deepseek-v3", "-o", "."], "is a folder"),
    (["deepseek-v3", "-o", "r.html", "--xlsx", "nowhere/x.xlsx"], "cannot write the workbook"),
    (["deepseek-v3", "-o", "r.html", "--statements", "missing.json"], "missing.json: file not found"),
    (["deepseek-v3", "-o", "r.html", "--claim", "lots"], "--claim: "),
    (["deepseek-v3", "-o", "r.html", "--claim", "-5M"], "--claim: "),
    (["deepseek-v3", "-o", "r.html", "--claim", "1M to 2M"], "--claim: give one figure, not a range"),
    (["deepseek-v3", "-o", "r.html", "--below", "0"], "--below: "),
])
def test_bad_input_one_line_exit_2(tmp_path, args, needle):
    p = subprocess.run([sys.executable, "-m", "fullcost.cli", "report", *args], capture_output=True, text=True,
                       cwd=tmp_path, timeout=120)
    assert p.returncode == 2, (p.stdout, p.stderr)
    lines = [ln for ln in p.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and needle in lines[0], p.stderr
    assert "Traceback" not in p.stderr and p.stdout == ""
    assert not (tmp_path / "r.html").exists()


def test_bad_statements_json_names_the_line(tmp_path, cli):
    st = tmp_path / "st.json"
    st.write_text('{"income_statement":\n  [1, 2,\n}')
    r = cli("report", str(TOY_GOLDEN), "-o", str(tmp_path / "r.html"), "--statements", str(st))
    assert r.code == 2 and f"{st}:3: invalid JSON" in r.err
    assert not (tmp_path / "r.html").exists()


def test_never_a_partial_write(tmp_path, cli, monkeypatch):
    out = tmp_path / "r.html"
    out.write_text("the previous report")

    def boom(*a, **k):
        raise RuntimeError("rendering failed half way")

    monkeypatch.setattr(html, "render", boom)
    with pytest.raises(RuntimeError):
        cli("report", str(TOY_GOLDEN), "-o", str(out), "-n", "100")
    assert out.read_text() == "the previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]  # no temporary file left behind


def test_write_is_atomic_and_readable(tmp_path, cli):
    out = tmp_path / "r.html"
    r = cli("report", str(TOY_GOLDEN), "-o", str(out), "-n", "100")
    assert r.code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]
    assert oct(out.stat().st_mode & 0o444) == oct(0o444 & ~_umask())


def _umask() -> int:
    m = os.umask(0)
    os.umask(m)
    return m


def test_progress_bar_only_on_a_terminal(tmp_path):
    base = [sys.executable, "-m", "fullcost.cli", "report", str(TOY_GOLDEN), "-o", str(tmp_path / "r.html"),
            "-n", "300000"]
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE", "NO_COLOR")}
    quiet = subprocess.run(base, capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert quiet.returncode == 0
    assert all(ln.startswith("warning: ") for ln in quiet.stderr.splitlines()), quiet.stderr  # no progress bar
    shown = subprocess.run(base, capture_output=True, text=True, cwd=ROOT, env=env | {"TTY_COMPATIBLE": "1"},
                           timeout=120)
    assert shown.returncode == 0, shown.stderr
    assert "estimating toy (300,000 samples)" in shown.stderr or "rendering the page" in shown.stderr
    small = subprocess.run([*base[:-1], "1000"], capture_output=True, text=True, cwd=ROOT,
                           env=env | {"TTY_COMPATIBLE": "1"}, timeout=120)
    assert small.returncode == 0  # quick work: no bar even on a terminal
    assert all(ln.startswith("warning: ") for ln in small.stderr.splitlines()), small.stderr


def test_same_seed_same_page(tmp_path):
    pages = []
    for i in range(2):
        out = tmp_path / f"r{i}.html"
        subprocess.run([sys.executable, "-m", "fullcost.cli", "report", "deepseek-v3", "-o", str(out), "-n", "1000",
                        "--seed", "5"], check=True, capture_output=True, cwd=ROOT, timeout=120,
                       env=os.environ | {"SOURCE_DATE_EPOCH": "1735689600"})
        pages.append(out.read_bytes())
    assert pages[0] == pages[1]
    assert b"on 2025-01-01" in pages[0]


def test_figures_dir(tmp_path, cli):
    figs = tmp_path / "figs"
    r = cli("report", "deepseek-v3", str(TOY_GOLDEN), "-o", str(tmp_path / "r.html"), "-n", "500", "--figures",
            str(figs))
    assert r.code == 0, r.err
    names = sorted(p.name for p in figs.iterdir())
    expect = {"comparison"} | {f"{m}-{c}" for m in ("deepseek-v3", "toy") for c in (
        "iceberg", "waterfall", "distribution", "claim", "replication", "trend")}
    expect.add("deepseek-v3-tornado")  # the toy is point-valued: no tornado
    expect.add("deepseek-v3-premium")  # the toy works under no export controls
    assert names == sorted(f"{n}.{x}" for n in expect for x in ("png", "svg"))
    for n in expect:
        assert (figs / f"{n}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        svg = (figs / f"{n}.svg").read_text(encoding="utf-8")
        assert svg.startswith("<?xml") and "<title" in svg
    assert "Figures: " in r.out
