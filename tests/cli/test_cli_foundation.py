"""The CLI door: --help everywhere, one-line errors with exit 2, --json prints one document."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from roshan.cli.main import app

ROSHAN = [sys.executable, "-m", "roshan.cli.main"]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*ROSHAN, *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def _all_commands(group: typer.Typer, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    for cmd in group.registered_commands:
        name = cmd.name or cmd.callback.__name__.replace("_", "-")
        out.append((*prefix, name))
    for sub in group.registered_groups:
        out.append((*prefix, sub.name))
        out.extend(_all_commands(sub.typer_instance, (*prefix, sub.name)))
    return out


def test_every_command_has_help() -> None:
    from typer.testing import CliRunner

    runner = CliRunner()
    commands = _all_commands(app)
    assert ("init",) in commands and ("ingest",) in commands and ("status",) in commands
    for cmd in commands:
        res = runner.invoke(app, [*cmd, "--help"])
        assert res.exit_code == 0, (cmd, res.output)
        assert "Usage" in res.output


def test_init_ingest_status_json(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    res = run("init", str(ws), "--json")
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["workspace"] == str(ws)
    f = tmp_path / "SYNTHETIC.csv"
    f.write_text("full_name,city\nAli,Qom\n,Ilam\n", encoding="utf-8")
    res = run("ingest", str(ws), str(f), "--source", "NGO A", "--kind", "ngo_list", "--json")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert (doc["accepted"], doc["rejected"]) == (1, 1)
    res = run("status", str(ws), "--json")
    doc = json.loads(res.stdout)
    assert {k: doc[k] for k in ("sources", "imports", "raw_rows", "records", "rejected")} == {
        "sources": 1,
        "imports": 1,
        "raw_rows": 2,
        "records": 2,
        "rejected": 1,
    }
    again = run("ingest", str(ws), str(f), "--source", "NGO A")
    assert again.returncode == 0 and "already imported" in again.stderr


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("status", "/nonexistent/ws"), "no such folder"),
        (("status", "."), "not a roshan workspace"),
    ],
)
def test_user_errors_are_one_line(tmp_path: Path, args: tuple[str, ...], needle: str) -> None:
    res = run(*args, cwd=tmp_path)
    assert res.returncode == 2
    assert needle in res.stderr
    assert "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    assert res.stdout == ""


def test_ingest_errors_name_file(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    run("init", str(ws))
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"full_name\n\xff\xfe\x00zz\x81\n")
    res = run("ingest", str(ws), str(bad), "--source", "S")
    assert res.returncode == 2 and "bad.csv" in res.stderr and "Traceback" not in res.stderr
    res = run("ingest", str(ws), str(tmp_path / "missing.csv"), "--source", "S")
    assert res.returncode == 2 and "no such file" in res.stderr


def test_status_check_reports_consistency(tmp_path: Path) -> None:
    from sqlalchemy import text

    from roshan.store.workspace import Workspace

    ws = tmp_path / "ws"
    run("init", str(ws))
    f = tmp_path / "SYNTHETIC.csv"
    f.write_text("full_name\nAli\nReza\n", encoding="utf-8")
    run("ingest", str(ws), str(f), "--source", "S")
    res = run("status", str(ws), "--check", "--json")
    assert res.returncode == 0 and json.loads(res.stdout)["consistent"] is True
    # Break an invariant behind roshan's back: a record without its raw row's import count.
    w = Workspace.open(ws)
    with w.engine.begin() as conn:
        conn.execute(text("update imports set rows_total = 5"))
    w.close()
    res = run("status", str(ws), "--check", "--json")
    doc = json.loads(res.stdout)
    assert res.returncode == 1 and doc["consistent"] is False
    assert any("import row counts" in p for p in doc["problems"])
