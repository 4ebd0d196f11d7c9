"""Every API endpoint returns exactly the CLI's --format json output for the same arguments."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from typer.testing import CliRunner

from fullcost.cli import app

SALARY = "regions.china.staff.researcher_salary_usd"


def cli(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(app, list(args))
    if r.exception and not isinstance(r.exception, SystemExit):
        raise r.exception
    return r.exit_code, r.stdout, r.stderr


def q(**kw: object) -> str:
    pairs = []
    for k, v in kw.items():
        for x in v if isinstance(v, list) else [v]:
            pairs.append((k, str(x)))
    return urlencode(pairs)


@pytest.mark.parametrize(("name", "sets", "samples", "seed", "dollars"), [
    ("deepseek-v3", [f"{SALARY}=180000"], 3000, 7, None),
    ("deepseek-v3@essay", ["staff.roles[0].share=30% to 60%", "fleet.utilization=0.7"], 2000, 1, None),
    ("llama-3.1-405b", [], 2000, 0, "2024"),
    ("gpt-4", ["final_run.usd_per_gpu_hour=3"], 1500, 2, None),
])
def test_estimate_is_the_cli_json(client, name, sets, samples, seed, dollars):
    args = ["estimate", name, "--samples", str(samples), "--seed", str(seed), "--format", "json"]
    for s in sets:
        args += ["--set", s]
    params = {"set": sets, "samples": samples, "seed": seed}
    if dollars:
        args += ["--dollars", dollars]
        params["dollars"] = dollars
    code, out, _ = cli(*args)
    assert code == 0
    r = client.get(f"/api/estimate/{name}?{q(**params)}")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/json")
    assert r.text == out  # byte for byte
    assert json.loads(r.text)["overrides"] == sets


def test_estimate_defaults_are_the_cli_defaults(client):
    _, out, _ = cli("estimate", "deepseek-v3", "--format", "json")
    assert client.get("/api/estimate/deepseek-v3").text == out


def test_compare_is_the_cli_json(client):
    sets = ["deepseek-v3:fleet.utilization=0.7", "overhead.share=10%"]
    args = ["compare", "deepseek-v3", "bloom-176b", "--samples", "1500", "--seed", "4", "--format", "json"]
    for s in sets:
        args += ["--set", s]
    code, out, _ = cli(*args)
    assert code == 0
    r = client.get(f"/api/compare?{q(m=['deepseek-v3', 'bloom-176b'], set=sets, samples=1500, seed=4)}")
    assert r.status_code == 200, r.text
    assert r.text == out


def test_statements_are_the_cli_json(client):
    code, out, _ = cli("statements", "deepseek", "--samples", "1000", "--seed", "3", "--set", "fleet.utilization=0.6",
                       "--year", "2024", "--format", "json")
    assert code == 0
    r = client.get(f"/api/statements/deepseek?{q(set='fleet.utilization=0.6', samples=1000, seed=3, year=2024)}")
    assert r.status_code == 200, r.text
    assert r.text == out


def test_models_is_the_cli_json(client):
    _, out, _ = cli("models", "--format", "json")
    assert client.get("/api/models").text == out


@pytest.mark.parametrize("bad", [
    "foo=1", "fleet.utilization=lots", f"{SALARY}=", "hardware.h100.tdp_w=700", "final_run.usd_per_gpu_hour=-3",
    "nopath",
])
def test_a_bad_override_gets_the_cli_line(client, bad):
    code, out, err = cli("estimate", "deepseek-v3", "--samples", "500", "--set", bad, "--format", "json")
    assert code == 2 and out == ""
    line = err.strip()
    assert line.startswith("error: ") and "\n" not in line
    r = client.get(f"/api/estimate/deepseek-v3?{q(set=bad, samples=500)}")
    assert r.status_code == 400
    assert r.json() == {"error": line.removeprefix("error: ")}


def test_the_same_path_twice_is_refused(client):
    r = client.get(f"/api/estimate/deepseek-v3?{q(set=['fleet.utilization=0.5', 'fleet.utilization=0.6'])}")
    assert r.status_code == 400 and "set twice" in r.json()["error"]


@pytest.mark.parametrize(("params", "needle"), [
    ({"samples": 10**9}, "200,000"), ({"samples": 0}, "samples"), ({"samples": "lots"}, "samples"),
    ({"samples": "1e9"}, "samples"), ({"seed": -1}, "seed"), ({"seed": "x"}, "seed"),
    ({"samples": [100, 200]}, "once"), ({"set": ["fleet.utilization=0.5"] * 25}, "at most 24"),
    ({"set": "overhead.share=" + "1" * 500}, "at most 400"), ({"dollars": "1066"}, "dollars"),
])
def test_absurd_arguments_get_one_line(client, params, needle):
    r = client.get(f"/api/estimate/deepseek-v3?{q(**params)}")
    assert r.status_code == 400, r.text
    msg = r.json()["error"]
    assert needle in msg and "\n" not in msg and "Traceback" not in msg


def test_compare_bounds(client):
    assert client.get("/api/compare?m=deepseek-v3").status_code == 400
    r = client.get(f"/api/compare?{q(m=['deepseek-v3'] * 7)}")
    assert r.status_code == 400 and "at most 6" in r.json()["error"]
    r = client.get(f"/api/compare?{q(m=['deepseek-v3', 'no-such-model'])}")
    assert r.status_code == 404 and "no-such-model" in r.json()["error"]


def test_unknown_names_are_404(client):
    r = client.get("/api/estimate/deepseek-v99")
    assert r.status_code == 404 and r.json()["error"].startswith("no catalog model named 'deepseek-v99'")
    assert client.get("/api/statements/openai").status_code == 404
    assert client.get("/api/estimate/deepseek-v3@nosuch").status_code == 400
    assert client.get("/api/nothing").status_code == 404


def test_a_long_query_string_is_refused(client):
    r = client.get("/api/estimate/deepseek-v3?x=" + "a" * 20_000)
    assert r.status_code == 414


def test_the_server_keeps_serving(client):
    for bad in ("/api/estimate/..%2f..%2fetc%2fpasswd", "/api/estimate/deepseek-v3?samples=99999999",
                "/api/estimate/deepseek-v3?set=foo=1"):
        assert client.get(bad).status_code in (400, 404)
    r = client.get("/api/estimate/deepseek-v3?samples=500")
    assert r.status_code == 200 and r.json()["samples"] == 500


def test_openapi_and_offline_docs(client):
    spec = client.get("/openapi.json").json()
    assert {"/api/estimate/{name}", "/api/compare", "/api/statements/{lab}", "/api/models"} <= set(spec["paths"])
    r = client.get("/docs")
    assert r.status_code == 200
    assert "/api/estimate/{name}" in r.text and "/openapi.json" in r.text
    assert "swagger" not in r.text.lower() and "cdn" not in r.text.lower()
    assert client.get("/redoc").status_code == 404
