"""Help shows option types as people read them (issue 16, item 5): no ``<bool>`` after a
flag, no ``<str>``/``<list[Path]>``, no ``{workspace}`` in the usage line."""

from __future__ import annotations

import re

import typer
from cli_helpers import run_roshan
from typer.testing import CliRunner

from roshan.cli.main import app

BAD = re.compile(r"<(?:bool|str|int|float|path|list\[[^\]]*\])>|\{[a-z_]+\}")


def _all_commands() -> list[list[str]]:
    click_app = typer.main.get_command(app)
    out: list[list[str]] = []

    def walk(cmd, path: list[str]) -> None:
        out.append(path)
        for name in getattr(cmd, "commands", {}) or {}:
            walk(cmd.commands[name], [*path, name])

    walk(click_app, [])
    return out


def test_help_of_every_command_has_no_python_types() -> None:
    runner = CliRunner()
    commands = _all_commands()
    assert len(commands) > 20
    for path in commands:
        res = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "200"})
        assert res.exit_code == 0, (path, res.output)
        found = BAD.findall(res.output)
        assert not found, (path, found, res.output)


def test_installed_script_help() -> None:
    res = run_roshan("ingest", "--help", env={"COLUMNS": "200"})
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert "Usage: roshan ingest [OPTIONS] WORKSPACE FILE" in out
    assert not BAD.findall(out), out
    assert re.search(r"--strict\s+Refuse the whole file", out), out
    assert re.search(r"--source\s+-s\s+TEXT", out), out
    assert "[ngo_list|" in out
