"""Workspace creation, opening, migrations and append-only guarantees on both backends."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from roshan.errors import WorkspaceError
from roshan.store.migrate import current_revision, head_revision
from roshan.store.workspace import Workspace


def test_init_creates_config_and_migrated_store(any_ws: Workspace) -> None:
    assert (any_ws.root / "roshan.toml").is_file()
    assert current_revision(any_ws.engine) == head_revision()
    with any_ws.engine.connect() as conn:
        assert conn.execute(text("select count(*) from audit_events")).scalar() == 1
        action = conn.execute(text("select action from audit_events")).scalar()
    assert action == "workspace.init"


def test_open_round_trip(any_ws: Workspace) -> None:
    again = Workspace.open(any_ws.root)
    assert again.id == any_ws.id
    again.close()


@pytest.mark.parametrize("table", ["raw_rows", "audit_events", "ledger_leaves"])
def test_append_only_tables_refuse_update_and_delete(any_ws: Workspace, table: str) -> None:
    # audit_events has a row after init; add a raw row and a leaf through ingest-like inserts.
    with any_ws.engine.begin() as conn:
        conn.execute(
            text(
                "insert into sources (name, kind, created_at) values ('s', 'other', CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "insert into imports (source_id, file_name, sha256, size, encoding, file_format, "
                "roshan_version, created_at, actor, rows_total, rows_accepted, rows_rejected) values "
                "(1, 'f', 'abc', 1, 'utf-8', 'csv', '0', CURRENT_TIMESTAMP, 'a', 0, 0, 0)"
            )
        )
        conn.execute(
            text("insert into raw_rows (import_id, row_number, cells) values (1, 1, '{}')")
        )
        conn.execute(
            text(
                "insert into ledger_leaves (seq, leaf_hash, kind, ref, created_at) "
                "values (0, :h, 'raw_row', 'x', CURRENT_TIMESTAMP)"
            ),
            {"h": b"\x00" * 32},
        )
    column = {"raw_rows": "row_number", "audit_events": "actor", "ledger_leaves": "ref"}[table]
    value = "2" if table == "raw_rows" else "'x'"
    for stmt in (f"update {table} set {column} = {value}", f"delete from {table}"):
        with pytest.raises(DBAPIError, match="append-only"):
            with any_ws.engine.begin() as conn:
                conn.execute(text(stmt))
    with any_ws.engine.connect() as conn:
        assert conn.execute(text(f"select count(*) from {table}")).scalar() >= 1


def test_init_refuses_existing_workspace(sqlite_ws: Workspace) -> None:
    with pytest.raises(WorkspaceError, match="already a roshan workspace"):
        Workspace.init(sqlite_ws.root)


def test_open_not_a_workspace(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="not a roshan workspace"):
        Workspace.open(tmp_path)
    with pytest.raises(WorkspaceError, match="no such folder"):
        Workspace.open(tmp_path / "missing")


def test_open_with_deleted_store(sqlite_ws: Workspace) -> None:
    sqlite_ws.close()
    for f in sqlite_ws.root.glob("roshan.db*"):
        f.unlink()
    with pytest.raises(WorkspaceError, match="empty or missing"):
        Workspace.open(sqlite_ws.root)


def test_damaged_config(tmp_path: Path) -> None:
    (tmp_path / "roshan.toml").write_text("not = [toml", encoding="utf-8")
    with pytest.raises(WorkspaceError, match="damaged"):
        Workspace.open(tmp_path)


def test_bad_db_url(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError):
        Workspace.init(tmp_path / "w", "mysql://x@localhost/db")
    with pytest.raises(WorkspaceError, match="cannot connect"):
        Workspace.init(tmp_path / "w2", "postgresql://nobody@127.0.0.1:1/none")
    assert not (tmp_path / "w2" / "roshan.toml").exists()


@pytest.mark.postgres
def test_postgres_database_already_used(pg_url: str, tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "a", pg_url)
    ws.close()
    with pytest.raises(WorkspaceError, match="already holds a roshan store"):
        Workspace.init(tmp_path / "b", pg_url)


def test_single_migration_head() -> None:
    assert head_revision()


def test_leaf_data_fast_path_equals_canonical_json() -> None:
    from roshan.store.ledger_data import (
        canonical_json,
        raw_row_leaf_data,
        raw_row_leaf_data_from_json,
    )

    cells = {"نام": "علی", "b": None, "a": 'x"y', "z": "1"}
    expected = canonical_json(
        {"kind": "raw_row", "import": "ab" * 32, "row": 7, "cells": cells}
    ).encode()
    assert raw_row_leaf_data("ab" * 32, 7, cells) == expected
    assert raw_row_leaf_data_from_json("ab" * 32, 7, canonical_json(cells)) == expected
