"""Shared fixtures: workspaces on SQLite and on a real PostgreSQL server.

PostgreSQL: the server named by ``ROSHAN_TEST_PG`` (default: the machine's own on
127.0.0.1:5432 with trust auth). Each test gets a fresh database, dropped after.
When no server answers, PostgreSQL tests are skipped locally but fail when
``ROSHAN_REQUIRE_PG=1`` (``.ci/run`` sets it, after starting a server if needed).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_ADMIN_URL = os.environ.get(
    "ROSHAN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def _pg_available() -> str | None:
    try:
        import psycopg

        url = PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(url, connect_timeout=3):
            return None
    except Exception as exc:  # noqa: BLE001
        return str(exc).splitlines()[0]


_PG_PROBLEM = _pg_available()


def _admin_exec(sql: str) -> None:
    import psycopg

    url = PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """URL of a fresh, empty PostgreSQL database (dropped after the test)."""
    if _PG_PROBLEM is not None:
        if os.environ.get("ROSHAN_REQUIRE_PG") == "1":
            pytest.fail(f"PostgreSQL required but unavailable: {_PG_PROBLEM}")
        pytest.skip(f"no PostgreSQL server: {_PG_PROBLEM}")
    name = f"roshan_test_{uuid.uuid4().hex[:12]}"
    _admin_exec(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        _admin_exec(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_ws(tmp_path: Path):
    """A fresh SQLite workspace."""
    from roshan.store.workspace import Workspace

    ws = Workspace.init(tmp_path / "ws")
    yield ws
    ws.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_ws(request: pytest.FixtureRequest, tmp_path: Path):
    """A fresh workspace on each backend (the store's tests run on both)."""
    from roshan.store.workspace import Workspace

    if request.param == "sqlite":
        ws = Workspace.init(tmp_path / "ws")
    else:
        url = request.getfixturevalue("pg_url")
        ws = Workspace.init(tmp_path / "ws", url)
    yield ws
    ws.close()
