"""Fixtures for the web app: a SYNTHETIC linked workspace, accounts of every role, clients.

The simulator (``roshan.simulate``) writes a small SYNTHETIC scenario; it is ingested,
linked and estimated once per session (``linked_template``), and each test gets a
copy of that folder (SQLite) so tests never see each other's changes. PostgreSQL
tests use the shared ``any_ws``/``pg_url`` fixtures of tests/conftest.py.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from webkit import (
    POPULATION,
    ROLES,
    SEED,
    Scenario,
    add_role_users,
    client_for,
    ingest_all,
    make_app,
)


def pytest_report_header(config: pytest.Config) -> list[str]:
    """Say which PostgreSQL server and which browser the web tests use."""
    import os

    pg = os.environ.get("ROSHAN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    pg = pg.split("@", 1)[-1]  # never print credentials
    chromium = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else "absent (skipped)"
    return [
        f"roshan web tests: SQLite and PostgreSQL at {pg} ([postgresql] ids); "
        f"browser tests: Debian chromium {chromium}"
    ]


@pytest.fixture(scope="session")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    from roshan.simulate.config import ScenarioConfig
    from roshan.simulate.scenario import simulate

    root = tmp_path_factory.mktemp("web-scenario") / "sim-SYNTHETIC"
    manifest = simulate(ScenarioConfig(seed=SEED, population=POPULATION), root)
    return Scenario(root, manifest)


@pytest.fixture(scope="session")
def linked_template(scenario: Scenario, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding a linked + estimated SYNTHETIC workspace with one user per role."""
    from roshan.estimate.workspace import estimate_workspace
    from roshan.link.pipeline import link_workspace
    from roshan.store.workspace import Workspace

    logging.getLogger("splink").setLevel(logging.ERROR)
    path = tmp_path_factory.mktemp("web-template") / "ws"
    ws = Workspace.init(path)
    ingest_all(ws, scenario)
    link_workspace(ws)
    estimate_workspace(ws, method="loglinear", bootstrap=0)
    add_role_users(ws)
    ws.close()
    return path


@pytest.fixture
def web_ws(linked_template: Path, tmp_path: Path):
    """A private copy of the linked workspace (SQLite)."""
    from roshan.store.workspace import Workspace

    dest = tmp_path / "ws"
    shutil.copytree(linked_template, dest)
    ws = Workspace.open(dest)
    yield ws
    ws.close()


@pytest.fixture
def app(web_ws):
    application = make_app(web_ws)
    yield application
    application.state.jobs.shutdown()


@pytest.fixture
def clients(app) -> Iterator[dict]:
    """A signed-in TestClient per role."""
    out = {role: client_for(app, role) for role in ROLES}
    yield out
    for c in out.values():
        c.close()
