"""``Workspace`` closes its engine when used as a context manager, also on an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from roshan.store.workspace import Workspace


def test_workspace_is_a_context_manager_that_closes_on_error(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    closed: list[bool] = []
    monkeypatch.setattr(Workspace, "close", lambda self: closed.append(True))
    with Workspace.init(tmp_path / "ws") as ws:
        assert isinstance(ws, Workspace) and ws.root == (tmp_path / "ws").resolve()
    assert closed == [True]
    with pytest.raises(RuntimeError), Workspace.open(tmp_path / "ws"):
        raise RuntimeError("boom")
    assert closed == [True, True]


def test_one_version_string() -> None:
    """The version is written once, in roshan/__init__.py; the package metadata reads it."""
    import importlib.metadata
    import tomllib

    import roshan

    root = Path(__file__).resolve().parents[2]
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "version" not in project and "version" in project["dynamic"]
    assert importlib.metadata.version("roshan") == roshan.__version__
