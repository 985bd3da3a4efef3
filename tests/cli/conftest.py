"""Fixtures for the CLI tests (helpers in cli_helpers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import run_roshan


@pytest.fixture(scope="module")
def roshan_ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite workspace made by the installed script, shared by one test module."""
    ws = tmp_path_factory.mktemp("ws") / "ws"
    res = run_roshan("init", ws)
    assert res.returncode == 0, res.stderr
    return ws
