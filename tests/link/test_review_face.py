"""The review package's face (roshan.link.review): what it lists is what its TYPE_CHECKING
imports name, each name is the submodule's own object, and importing it stays cheap."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import roshan
import roshan.link.review as review

INIT = Path(review.__file__)


def _typed() -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for node in ast.parse(INIT.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for imp in node.body:
                assert isinstance(imp, ast.ImportFrom) and imp.module
                for a in imp.names:
                    out[a.asname or a.name] = (imp.module, a.name)
    return out


def test_face_lists_what_it_imports_and_resolves_to_the_submodules() -> None:
    typed = _typed()
    assert set(review.__all__) == set(typed)
    assert len(review.__all__) == len(set(review.__all__))
    for name in review.__all__:
        module, attr = typed[name]
        assert getattr(review, name) is getattr(importlib.import_module(module), attr), name
        assert name in dir(review)


def test_the_link_face_hands_out_the_review_objects() -> None:
    import roshan.link as link
    from roshan.link.review import decisions, io, queue, tui

    assert link.review_queue is queue.review_queue
    assert link.decide_in_session is decisions.decide_in_session
    assert link.export_batch is io.export_batch
    assert link.run_interactive is tui.run_interactive


def test_importing_the_review_face_loads_no_pandas() -> None:
    code = (
        "import sys, roshan.link.review\n"
        "print([m for m in ('pandas', 'splink', 'duckdb') if m in sys.modules])"
    )
    res = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(roshan.__file__).parents[2],
    )
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "[]"
