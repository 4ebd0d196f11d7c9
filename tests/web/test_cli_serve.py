"""`fullcost serve`: localhost by default; another address is said to be reachable; uvicorn gets the options."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from fullcost.cli import app


@pytest.fixture
def runs(monkeypatch):
    import uvicorn

    calls: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda target, **kw: calls.append({"target": target, **kw}))
    return calls


def test_localhost_by_default(runs):
    r = CliRunner().invoke(app, ["serve"])
    assert r.exit_code == 0, r.output
    assert runs[0]["host"] == "127.0.0.1" and runs[0]["port"] == 8000 and runs[0]["workers"] == 1
    assert runs[0]["target"] == "fullcost.web.app:create_app" and runs[0]["factory"] is True
    assert "this machine only" in r.stderr


def test_another_address_is_the_users_choice_and_said(runs):
    r = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--port", "8081", "--workers", "3"])
    assert r.exit_code == 0
    assert runs[0]["host"] == "0.0.0.0" and runs[0]["port"] == 8081 and runs[0]["workers"] == 3
    assert "reachable from other machines" in r.stderr


def test_bad_options_get_one_line(runs):
    r = CliRunner().invoke(app, ["serve", "--port", "70000"])
    assert r.exit_code == 2 and not runs
