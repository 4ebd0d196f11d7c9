"""Text from a scenario, a lab file or the catalog is written as text: never a formula in a workbook or a CSV
file, never terminal markup, never an unbounded line."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest
import yaml
from openpyxl import load_workbook

from fullcost.catalog import DATA as CATALOG_DATA

from .conftest import ROOT

TOY = ROOT / "tests" / "golden" / "toy.yaml"
HOSTILE = {
    "=": '=HYPERLINK("https://example.org/x","click me")',
    "+": "+1+2",
    "-": "-3+4",
    "@": "@SUM(A1:A2)",
    "\t": "\t=5+6",
    "\r": "\r=7+8",
}


def _hostile_scenario(tmp_path):
    doc = yaml.safe_load(TOY.read_text(encoding="utf-8"))
    doc["title"] = HOSTILE["="]
    doc["program"]["runs"][0]["name"] = HOSTILE["+"]
    doc["program"]["runs"][0]["share_of_final"]["why"] = HOSTILE["\t"]
    doc["program"]["runs"][1]["name"] = HOSTILE["-"]
    doc["staff"]["roles"][0]["role"] = HOSTILE["@"]
    doc["data"] = [{"name": "licensed text", "usd": {"value": "1M", "why": HOSTILE["\r"]}}]
    p = tmp_path / "hostile.yaml"
    p.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return p


@pytest.fixture(scope="module")
def hostile_book(tmp_path_factory):
    from typer.testing import CliRunner

    from fullcost.cli import app

    d = tmp_path_factory.mktemp("hostile")
    scen = _hostile_scenario(d)
    x = d / "h.xlsx"
    r = CliRunner().invoke(app, ["report", "deepseek-v3", str(scen), "-o", str(d / "h.html"), "-n", "300",
                                 "--xlsx", str(x)])
    assert r.exit_code == 0, r.output
    return x


def test_the_catalog_note_starting_with_equals_is_in_the_catalog():
    # the reason this test exists: the catalog itself carries a note that reads as a formula
    assert '"= 2.03125: DGX A100' in (CATALOG_DATA / "hardware.yaml").read_text(encoding="utf-8")


def test_no_text_in_the_workbook_becomes_a_formula(hostile_book):
    with zipfile.ZipFile(hostile_book) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        formulas = [f for n in sheets for f in re.findall(r"<f>(.*?)</f>", z.read(n).decode("utf-8"))]
    # the bridge's running totals are the workbook's only formulas
    assert formulas and all(re.fullmatch(r"SUM\(D\d+:D\d+\)", f) for f in formulas), formulas[:5]

    wb = load_workbook(hostile_book)
    found: dict[str, int] = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                v = c.value
                if not isinstance(v, str):
                    continue
                if c.data_type == "f":
                    assert ws.title == "Bridge" and v.startswith("=SUM(D"), (ws.title, c.coordinate, v)
                    continue
                assert c.data_type in ("s", "inlineStr"), (ws.title, c.coordinate, v)
                for prefix, text in HOSTILE.items():
                    if text in v or text.replace("\r", "\n") in v:  # XML may read CR back as LF
                        found[prefix] = found.get(prefix, 0) + 1
                        if v.startswith(prefix):
                            assert c.quotePrefix, (ws.title, c.coordinate, v)
                if v.startswith("= 2.03125: DGX A100"):
                    found["catalog"] = found.get("catalog", 0) + 1
    # every hostile text reached the workbook, as text, and so did the catalog's own note
    assert set(found) == {*HOSTILE, "catalog"}, found


def test_numbers_in_the_workbook_stay_numbers(hostile_book):
    wb = load_workbook(hostile_book)
    ws = wb["Summary"]
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2) if r[0].value}
    head = rows["headline"]
    assert all(isinstance(c.value, (int, float)) and c.data_type == "n" for c in head[1:3])
    items = wb["Cost items"]
    means = [r[6].value for r in items.iter_rows(min_row=2)]
    assert means and all(isinstance(v, (int, float)) for v in means)


LAB_COSTS = "".join(
    f"  - {{name: '{name}', kind: legal, usd_per_year: 1M, exclude_from_adjusted_ebitda: true}}\n"
    for name in ('=HYPERLINK("https://example.org","x")', "+ops", "-ops", "@ops"))


@pytest.fixture
def hostile_lab(tmp_path):
    text = (CATALOG_DATA / "labs" / "frontier-us.yaml").read_text(encoding="utf-8")
    assert "\ncosts:\n" in text
    p = tmp_path / "lab.yaml"
    p.write_text(text.replace("\ncosts:\n", "\ncosts:\n" + LAB_COSTS, 1), encoding="utf-8")
    return p


def test_statements_csv_writes_text_as_text_and_numbers_as_numbers(hostile_lab, cli):
    r = cli("statements", str(hostile_lab), "--format", "csv", "-n", "50", "--year", "2025")
    assert r.code == 0, r.err
    rows = list(csv.reader(io.StringIO(r.out)))
    head, body = rows[0], rows[1:]
    texts = [c for row in body for c in row[:head.index("mean")]]
    assert any("HYPERLINK" in c for c in texts) and any("ops" in c for c in texts)
    for c in texts:
        assert not c.startswith(("=", "+", "-", "@", "\t", "\r")), c
    assert "'=HYPERLINK(\"https://example.org\",\"x\")" in texts
    assert {"'+ops", "'-ops", "'@ops"} <= set(texts)
    # numbers stay numbers: negative figures are written as numbers, not as text
    means = [float(row[head.index("mean")]) for row in body]
    assert any(v < 0 for v in means)
    assert all(re.fullmatch(r"-?[0-9.e+-]+", row[head.index("mean")]) for row in body)


@pytest.mark.parametrize("prefix", list(HOSTILE))
def test_csv_cell_for_each_prefix(prefix):
    from fullcost.safe import csv_cell

    assert csv_cell(prefix + "x") == "'" + prefix.replace("\r", "\n") + "x"
    assert csv_cell("x" + prefix) == "x" + prefix.replace("\r", "\n")
    assert csv_cell(-5.0) == -5.0 and csv_cell(3) == 3


def test_terminal_labels_are_literal(cli, tmp_path):
    doc = yaml.safe_load(TOY.read_text(encoding="utf-8"))
    doc["staff"]["roles"][0]["role"] = "research [senior]"
    doc["program"]["runs"][1]["name"] = "a [/] failed [bold]start"
    p = tmp_path / "s.yaml"
    p.write_text(yaml.safe_dump(doc), encoding="utf-8")
    r = cli("estimate", str(p), "-n", "200", "--items")  # cost items are listed with --items
    assert r.code == 0, r.err
    assert "staff: research [senior]" in r.out
    assert "a [/] failed [bold]start" in r.out
    r = cli("compare", str(p), "deepseek-v3", "-n", "200")
    assert r.code == 0, r.err


def test_a_long_label_prints_whole_and_a_200_kb_one_is_refused(cli, tmp_path):
    """A label at the input bound (200 characters) prints whole; a 200 KB one is refused in one short line."""
    doc = yaml.safe_load(TOY.read_text(encoding="utf-8"))
    doc["staff"]["roles"][0]["role"] = "r" * 200
    p = tmp_path / "s.yaml"
    p.write_text(yaml.safe_dump(doc), encoding="utf-8")
    r = cli("estimate", str(p), "-n", "200", "--items")
    assert r.code == 0, r.err
    assert "r" * 200 in "".join(r.out.split())
    assert max(len(line) for line in r.out.splitlines()) < 1000
    doc["staff"]["roles"][0]["role"] = "r" * 200_000
    p.write_text(yaml.safe_dump(doc), encoding="utf-8")
    r = cli("estimate", str(p), "-n", "200", "--items")
    assert r.code == 2 and len(r.err.strip().splitlines()) == 1 and len(r.err) < 1000, r.err


def test_listing_csv_writes_text_as_text(cli):
    from fullcost.report.listing import write_csv

    buf = io.StringIO()
    write_csv([{"name": text, "params": -5.0, "rank": 3, "none": None} for text in HOSTILE.values()], buf)
    rows = list(csv.reader(io.StringIO(buf.getvalue(), newline="")))
    # a carriage return is written as a line feed inside a quoted field: the row stays whole
    assert [r[0] for r in rows[1:]] == ["'" + text.replace("\r", "\n") for text in HOSTILE.values()]
    assert len(rows) == 1 + len(HOSTILE)
    assert all(r[1] == "-5.0" and r[2] == "3" and r[3] == "" for r in rows[1:])
    r = cli("models", "--format", "wide-csv")
    assert r.code == 0, r.err
    rows = list(csv.reader(io.StringIO(r.out)))
    assert len(rows) > 10
    assert not [c for row in rows for c in row if c.startswith(tuple(HOSTILE))]
