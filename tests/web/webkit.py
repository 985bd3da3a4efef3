"""Helpers the web tests import: accounts of every role, an app, signed-in clients.

Kept out of conftest.py so that tests import them by a name no other test folder
uses (``from webkit import make_app``): ``from conftest import`` took whichever
folder's conftest.py pytest had imported first when tests/cli and tests/web ran
in one call.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

POPULATION = 250
SEED = 11
PASSWORDS = {
    "admin": "admin-pass-0001",
    "analyst": "analyst-pass-01",
    "reviewer": "reviewer-pass-1",
    "viewer": "viewer-pass-001",
}
ROLES = tuple(PASSWORDS)


@dataclass
class Scenario:
    root: Path
    manifest: dict


def ingest_all(ws, scenario: Scenario, only: int | None = None) -> None:
    from roshan.canonical import SourceKind
    from roshan.ingest.importer import ingest_file

    for src in scenario.manifest["sources"][:only]:
        mapping = scenario.root / src["mapping"] if src.get("mapping") else None
        ingest_file(
            ws,
            scenario.root / src["file"],
            source_name=src["name"],
            source_kind=SourceKind(src["kind"]),
            mapping_path=mapping,
        )


def add_role_users(ws) -> None:
    from roshan.web.accounts import create_user

    for role, pw in PASSWORDS.items():
        create_user(ws, role, pw, role, actor="test")


def make_app(ws, **overrides):
    from roshan.web.app import create_app
    from roshan.web.security import WebSettings

    return create_app(ws, settings=WebSettings(**overrides))


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "page has no CSRF field"
    return m.group(1)


def login(client, role: str, password: str | None = None):
    """Sign ``client`` in as the user named after ``role``; returns the POST response."""
    page = client.get("/login")
    return client.post(
        "/login",
        data={
            "username": role,
            "password": password or PASSWORDS[role],
            "csrf_token": csrf_of(page.text),
        },
        follow_redirects=False,
    )


def client_for(app, role: str | None = None):
    from fastapi.testclient import TestClient

    c = TestClient(app, base_url="https://testserver")
    if role:
        r = login(c, role)
        assert r.status_code == 303, r.text[:300]
    return c


def session_csrf(client) -> str:
    """The CSRF token of the client's current session (read from a page)."""
    return csrf_of(client.get("/account").text)
