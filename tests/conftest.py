"""Shared helpers: run the CLI in-process or as a real subprocess, write small scenario files."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fullcost.cli import app

ROOT = Path(__file__).resolve().parents[1]


class Result:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def json(self):
        return json.loads(self.out)


@pytest.fixture
def cli():
    runner = CliRunner()

    def run(*args: str) -> Result:
        r = runner.invoke(app, list(args))
        if r.exception and not isinstance(r.exception, SystemExit):
            raise r.exception
        return Result(r.exit_code, r.stdout, r.stderr)

    return run


@pytest.fixture
def sh():
    def run(*args: str) -> Result:
        p = subprocess.run([sys.executable, "-m", "fullcost.cli", *args], capture_output=True, text=True,
                           cwd=ROOT, timeout=120)
        return Result(p.returncode, p.stdout, p.stderr)

    return run


@pytest.fixture
def write(tmp_path):
    def w(text: str, name: str = "scenario.yaml") -> Path:
        p = tmp_path / name
        p.write_text(textwrap.dedent(text).lstrip())
        return p

    return w


# A small point-valued model that is not in the catalog: every figure can be checked with a calculator.
TOY = """
name: toy
released: '2024-06-01'
region: us
model:
  params_active: 1B
  tokens: 100B
  precision: bf16
final_run:
  hardware: h100-sxm
  gpus: 64
  gpu_hours: 10K
  usd_per_gpu_hour: 2.5
  start: '2024-03-01'
ownership:
  purchase_usd_per_gpu: 30000
  purchase_basis: dgx
  acquired: '2024-01-01'
  useful_life_years: 5
  interconnect_share: 20%
  pue: 1.2
  electricity_usd_per_kwh: 0.1
  power_fraction: 0.75
  server_power_ratio: 2
"""
