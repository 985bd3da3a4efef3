"""``Workspace`` closes its engine when used as a context manager, also on an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from roshan.store.workspace import Workspace


def test_workspace_is_a_context_manager_that_closes_on_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
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


def test_snapshot_names_are_defined_once(tmp_path) -> None:
    """Every stage asks the workspace for a snapshot by name (issue 19 item 4); the file
    names live in store.workspace.SNAPSHOT_FILES only."""
    import re

    from roshan.store import SNAPSHOT_FILES

    with Workspace.init(tmp_path / "ws") as ws:
        assert ws.snapshot("victims") == ws.snapshots_dir / "victims.parquet"
        assert [ws.snapshot(n).name for n in SNAPSHOT_FILES] == list(SNAPSHOT_FILES.values())
        with pytest.raises(ValueError, match="unknown snapshot 'edges'"):
            ws.snapshot("edges")  # type: ignore[arg-type]
    src = Path(__file__).resolve().parents[2] / "src" / "roshan"
    names = "|".join(re.escape(f) for f in SNAPSHOT_FILES.values())
    literal = re.compile(f'"({names})"')
    found = [
        f"{p.relative_to(src)}:{i}"
        for p in src.rglob("*.py")
        if p.name != "workspace.py" or p.parent.name != "store"
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if literal.search(line)
    ]
    assert found == [], found
