"""`fullcost report`: one self-contained page whose figures are the estimate's, that says what it lacks."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
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
            self.cur = {"model": model or "", "path": a["data-fig"], "fmt": a["data-fmt"], "text": ""}

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
        assert f["text"] == html.FORMATS[f["fmt"]](lookup(est, f["path"])), f


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
    for key in ("iceberg", "waterfall", "distribution", "tornado"):
        assert f'data-chart="{key}"' in page, key
    for h in ("The iceberg", "The bridge", "How sure is it?", "What moves it most", "The footnotes",
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
    assert "This report is incomplete in 4 ways" in toy
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
    data = {m["estimate"]["name"]: m["estimate"] for m in embedded(page)["models"]}
    for f in figs:
        assert f["text"] == html.FORMATS[f["fmt"]](lookup(data[f["model"]], f["path"])), f


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
    for title in ("Income statement", "Balance sheet (year end)", "Cash flow statement",
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
    (["deepseek-v4"], "did you mean 'deepseek-v3'"),
    (["deepseek-v3", "-o", "no/such/folder/r.html"], "the folder no/such/folder does not exist"),
    (["deepseek-v3", "-o", "."], "is a folder"),
    (["deepseek-v3", "-o", "r.html", "--xlsx", "nowhere/x.xlsx"], "cannot write the workbook"),
    (["deepseek-v3", "-o", "r.html", "--statements", "missing.json"], "missing.json: file not found"),
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
    assert quiet.returncode == 0 and quiet.stderr == ""
    shown = subprocess.run(base, capture_output=True, text=True, cwd=ROOT, env=env | {"TTY_COMPATIBLE": "1"},
                           timeout=120)
    assert shown.returncode == 0, shown.stderr
    assert "estimating toy (300,000 samples)" in shown.stderr or "rendering the page" in shown.stderr
    small = subprocess.run([*base[:-1], "1000"], capture_output=True, text=True, cwd=ROOT,
                           env=env | {"TTY_COMPATIBLE": "1"}, timeout=120)
    assert small.returncode == 0 and small.stderr == ""  # quick work: no bar even on a terminal


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
    expect = {"comparison"} | {f"{m}-{c}" for m in ("deepseek-v3", "toy") for c in ("iceberg", "waterfall",
                                                                                      "distribution")}
    expect.add("deepseek-v3-tornado")  # the toy is point-valued: no tornado
    assert names == sorted(f"{n}.{x}" for n in expect for x in ("png", "svg"))
    for n in expect:
        assert (figs / f"{n}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        svg = (figs / f"{n}.svg").read_text(encoding="utf-8")
        assert svg.startswith("<?xml") and "<title" in svg
    assert "Figures: " in r.out
