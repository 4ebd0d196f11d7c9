"""The README's Actuals section, command by command, as a new user runs it from the repository's root."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys

from tests.actuals.conftest import ROOT


def _commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text[text.index("## Actuals"):]
    block = re.search(r"```\n(.*?)```", section, re.S)
    assert block, "the Actuals section has a code block"
    return [ln.split("  #")[0].strip() for ln in block.group(1).splitlines() if ln.strip()]


def test_every_command_of_the_actuals_section_works(tmp_path):
    cmds = _commands()
    assert cmds[0] == "source .venv/bin/activate" and any(c.startswith("fullcost ingest slurm") for c in cmds)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    variables: dict[str, str] = {}
    for cmd in cmds[1:]:
        if m := re.fullmatch(r"(\w+)=(\S+)", cmd):
            variables[m.group(1)] = str(ROOT / m.group(2))
            continue
        for k, v in variables.items():
            cmd = cmd.replace(f"${k}", v)
        argv = shlex.split(cmd)
        assert argv[0] == "fullcost", cmd
        p = subprocess.run([sys.executable, "-m", "fullcost.cli", *argv[1:]], capture_output=True, text=True,
                           cwd=tmp_path, env=env, timeout=300)
        assert p.returncode == 0, (cmd, p.stdout[-2000:], p.stderr[-2000:])
        assert "Traceback" not in p.stderr and "Warning" not in p.stderr, (cmd, p.stderr)
        if argv[1:3] == ["ledger", "costs"]:
            assert "Period: 2025-01-01 to 2025-04-01" in p.stdout
    assert (tmp_path / "lab.duckdb").is_file() and (tmp_path / "fullcost-runs.jsonl").is_file()
