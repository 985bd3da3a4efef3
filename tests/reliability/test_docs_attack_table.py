"""docs/reliability.md's "What we tried" table stays current: every row names a test
(`tests/<path>.py::test_name`) that exists, and the page says `roshan status --check`
exists (issue 16, docs)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "reliability.md"
REF = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")


def _section(text: str, title: str) -> str:
    start = text.index(f"## {title}")
    nxt = text.find("\n## ", start + 1)
    return text[start : nxt if nxt != -1 else len(text)]


def _table_rows(section: str) -> list[str]:
    rows = [ln for ln in section.splitlines() if ln.startswith("|")]
    return rows[2:]  # past the header and the |---| line


def _test_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    return {
        n.name
        for n in ast.walk(tree)
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name.startswith("test")
    }


def test_every_row_names_a_test_that_exists() -> None:
    rows = _table_rows(_section(DOC.read_text("utf-8"), "What we tried"))
    assert len(rows) >= 30, "the table lost rows"
    for row in rows:
        refs = REF.findall(row)
        assert refs, f"row names no test: {row}"
        for rel, name in refs:
            path = ROOT / rel
            assert path.is_file(), f"{rel} does not exist (row: {row[:60]}…)"
            assert name in _test_names(path), f"{rel} has no {name}"


def test_the_store_check_cli_is_documented() -> None:
    text = DOC.read_text("utf-8")
    assert "roshan status WS --check" in text
    assert "no CLI command for it" not in text
