"""Helpers for driving the *installed* ``roshan`` console script in a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(sys.executable).parent / "roshan"


def run_roshan(
    *args: str | Path,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    input: str | None = None,
    timeout: float = 180,
) -> subprocess.CompletedProcess[str]:
    """Run the installed script the way a user does; output captured as text."""
    exe = str(SCRIPT) if SCRIPT.exists() else shutil.which("roshan")
    assert exe, "the roshan console script is not installed"
    full_env = {**os.environ, "COLUMNS": "80", **(env or {})}
    return subprocess.run(
        [exe, *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=full_env,
        input=input,
        timeout=timeout,
    )


def one_error_line(res: subprocess.CompletedProcess[str], code: int = 2) -> str:
    """Assert the run failed with ``code``, one ``error:`` line and no traceback; return it."""
    assert res.returncode == code, (res.returncode, res.stdout, res.stderr)
    assert "Traceback" not in res.stderr + res.stdout, res.stderr
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, res.stderr
    assert lines[0].startswith("error: "), lines[0]
    return lines[0]
