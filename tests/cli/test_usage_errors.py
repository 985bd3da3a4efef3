"""Usage errors through the *installed* ``roshan`` script: one line, exit 2, no traceback.

A Typer upgrade (0.22: Typer vendors click as ``typer._click``) once turned every usage
error into a 35–55-line traceback while in-process tests kept passing (issue 16). These
tests run the console script the way a user does, in a subprocess.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from roshan.cli.main import app, click_exceptions

SCRIPT = Path(sys.executable).parent / "roshan"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    exe = str(SCRIPT) if SCRIPT.exists() else shutil.which("roshan")
    assert exe, "the roshan console script is not installed"
    return subprocess.run([exe, *args], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("nosuchcmd",), "No such command 'nosuchcmd'"),
        (("status",), "Missing argument"),
        (("link", "--nosuch"), "No such option: --nosuch"),
        (("ingest", "WS", "list.csv"), "Missing option '--source'"),
        (
            ("ingest", "WS", "list.csv", "--source", "A", "--kind", "bad"),
            "Invalid value for '--kind'",
        ),
        (("estimate", "--level", "abc"), "Invalid value for '--level'"),
    ],
)
def test_usage_error_is_one_line_exit_2(args: tuple[str, ...], needle: str) -> None:
    res = _run(*args)
    assert res.returncode == 2, (res.returncode, res.stderr)
    assert "Traceback" not in res.stderr + res.stdout
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, res.stderr
    assert lines[0].startswith("error: ") and needle in lines[0]
    assert "--help" in lines[0]


def test_the_exceptions_typer_raises_are_the_ones_caught() -> None:
    """Whatever module the installed Typer raises its usage errors from is caught."""
    with pytest.raises(Exception) as info:
        app(["nosuchcmd"], standalone_mode=False)
    assert isinstance(info.value, click_exceptions())
