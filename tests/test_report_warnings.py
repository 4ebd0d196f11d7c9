"""No numpy RuntimeWarning reaches stderr from estimate, report or statements, and no output holds inf or NaN:
a scenario whose development cost is $0 in some samples (free hardware, free electricity) has no headline
share there, instead of dividing by zero."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import yaml

from fullcost import views

from .conftest import ROOT

TOY = ROOT / "tests" / "golden" / "toy.yaml"


def _free(tmp_path):
    doc = yaml.safe_load(TOY.read_text(encoding="utf-8"))
    doc["ownership"].update(purchase_usd_per_gpu=0, electricity_usd_per_kwh=0)
    for k in ("staff", "overhead", "program"):
        doc.pop(k)
    p = tmp_path / "free.yaml"
    p.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return p


def _run(tmp_path, *args):
    return subprocess.run([sys.executable, "-m", "fullcost.cli", *args], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120)


def test_a_free_final_run_estimates_and_reports_without_warnings(tmp_path):
    p = _free(tmp_path)
    r = _run(tmp_path, "estimate", str(p), "-n", "200", "--format", "json")
    assert r.returncode == 0 and "Warning" not in r.stderr and "Traceback" not in r.stderr, r.stderr
    out = json.loads(r.stdout, parse_constant=lambda c: (_ for _ in ()).throw(AssertionError(c)))
    assert out["development"]["total_usd"]["mean"] == 0
    assert out["coverage"]["headline_share"] == {"mean": 0.0, "p5": 0.0, "p50": 0.0, "p95": 0.0}
    r = _run(tmp_path, "report", str(p), "-n", "200", "-o", "r.html", "--xlsx", "r.xlsx")
    assert r.returncode == 0 and "RuntimeWarning" not in r.stderr and "Traceback" not in r.stderr, r.stderr
    r = _run(tmp_path, "compare", str(p), str(TOY), "-n", "200")
    assert r.returncode == 0 and "RuntimeWarning" not in r.stderr, r.stderr


def test_headline_share_leaves_out_samples_without_a_cost():
    s = views.headline_share(10.0, np.array([0.0, 20.0, 40.0, 0.0]))
    assert s["mean"] == 0.375 and s["p5"] > 0.25 and s["p95"] < 0.5
    assert views.headline_share(10.0, np.zeros(3))["p50"] == 0.0


def test_statements_without_warnings(tmp_path):
    for extra in ([], ["--policy", "ifrs", "--presentation", "nature"], ["--format", "csv"]):
        r = _run(tmp_path, "statements", "frontier-us", "-n", "100", *extra)
        assert r.returncode == 0 and "Warning" not in r.stderr, r.stderr
