"""docs/cli.md is generated from the CLI's definitions and must be current (issue 19 item 6):
a command, option or help text changed without regenerating it fails here."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _script():
    spec = importlib.util.spec_from_file_location(
        "cli_reference", ROOT / "scripts" / "cli_reference.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_cli_reference_is_current() -> None:
    mod = _script()
    text = mod.reference()
    assert (ROOT / "docs" / "cli.md").read_text(encoding="utf-8") == text, (
        "docs/cli.md is out of date: run .venv/bin/python scripts/cli_reference.py"
    )


def test_cli_reference_covers_every_command_and_option() -> None:
    import typer

    from roshan.cli.main import app

    text = _script().reference()
    root = typer.main.get_command(app)
    for name, cmd in root.commands.items():
        if getattr(cmd, "hidden", False):
            continue
        assert f"## `roshan {name}`" in text
        for p in cmd.params:
            for opt in p.opts:
                if opt.startswith("--") and opt != "--help" and not p.hidden:
                    assert f"`{opt}`" in text, (name, opt)
    assert "object at 0x" not in text and "typing." not in text
    assert "| `--accept-linkage-risk` | flag |" in text
