"""Every role reaches only what it may — pages and API, checked on the server.

SYNTHETIC data only (simulator). Expected access is written out per route from the
role table in docs/web.md, independently of ``roshan.web.auth.PERMISSIONS``.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from webkit import ROLES, client_for, session_csrf

ALL = set(ROLES)
NAMES = {"admin", "analyst", "reviewer"}
REVIEWERS = {"admin", "reviewer"}
INGEST = {"admin", "analyst"}
ADMIN = {"admin"}

PAGES = {
    "/": ALL,
    "/victims?q=ali": NAMES,
    "/victims/V-000001": NAMES,
    "/review": REVIEWERS,
    "/upload": INGEST,
    "/imports": NAMES,
    "/imports/1": NAMES,
    "/jobs": ALL,
    "/exports": ALL,
    "/exports/counts": ALL,
    "/exports/estimates": ALL,
    "/exports/links": INGEST,
    "/exports/victims": INGEST,
    "/audit": ADMIN,
    "/users": ADMIN,
    "/account": ALL,
}
API = {
    "/api/me": ALL,
    "/api/dashboard": ALL,
    "/api/victims?q=ali": NAMES,
    "/api/victims/V-000001": NAMES,
    "/api/review/queue": REVIEWERS,
    "/api/imports": NAMES,
    "/api/imports/1/rejected": NAMES,
    "/api/jobs": ALL,
    "/api/exports/estimates": ALL,
    "/api/exports/counts": ALL,
    "/api/exports/links": INGEST,
    "/api/exports/victims": INGEST,
    "/api/exports/records": INGEST,
    "/api/audit": ADMIN,
    "/api/users": ADMIN,
    "/api/tokens": ALL,
}


def test_pages_by_role(clients) -> None:
    for path, allowed in PAGES.items():
        for role in ROLES:
            r = clients[role].get(path, follow_redirects=False)
            want = 200 if role in allowed else 403
            assert r.status_code == want, (path, role, r.status_code)


def test_api_by_role(clients) -> None:
    for path, allowed in API.items():
        for role in ROLES:
            r = clients[role].get(path)
            want = 200 if role in allowed else 403
            assert r.status_code == want, (path, role, r.status_code)


def test_anonymous_is_sent_to_sign_in(app) -> None:
    c = client_for(app)
    for path in PAGES:
        r = c.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login", path
    for path in API:
        assert c.get(path).status_code == 401, path


def test_navigation_shows_only_allowed_areas(clients) -> None:
    viewer = clients["viewer"].get("/").text
    admin = clients["admin"].get("/").text
    for nav in ("nav-victims", "nav-review", "nav-upload", "nav-audit", "nav-users"):
        assert nav not in viewer
        assert nav in admin


def test_viewer_never_sees_a_name(clients, web_ws) -> None:
    from roshan.store.models import Victim

    with web_ws.engine.connect() as conn:
        names = [n for (n,) in conn.execute(select(Victim.display_name).limit(200)) if n]
    assert names
    viewer = clients["viewer"]
    pages = [viewer.get(p).text for p in ("/", "/jobs", "/exports", "/account")]
    pages += [
        viewer.get("/api/dashboard").text,
        viewer.get("/api/exports/counts").text,
        viewer.get("/api/exports/estimates").text,
    ]
    blob = "\n".join(pages)
    leaked = [n for n in names if len(n) > 5 and n in blob]
    assert leaked == []
    # the analyst's full export does hold names (so the check above can fail)
    full = clients["analyst"].get("/api/exports/victims").text
    assert any(n in full for n in names)


@pytest.mark.parametrize("role", ROLES)
def test_state_changing_api_by_role(clients, role) -> None:
    c = clients[role]
    h = {"X-CSRF-Token": session_csrf(c)}
    r = c.post(
        "/api/users",
        json={"username": f"new-{role}", "password": "long-enough-pw-1", "role": "viewer"},
        headers=h,
    )
    assert r.status_code == (201 if role in ADMIN else 403)
    r = c.post(
        "/api/review/decisions",
        json={"record_a": 1, "record_b": 2, "decision": "unsure", "expected_version": 0},
        headers=h,
    )
    assert r.status_code == (200 if role in REVIEWERS else 403) or (
        role in REVIEWERS and r.status_code == 409
    )
    r = c.post(
        "/api/uploads",
        data={"source_name": "SYNTHETIC-X", "source_kind": "other"},
        files={"file": ("list.exe", b"MZ\x00\x00", "application/octet-stream")},
        headers=h,
    )
    assert r.status_code == (400 if role in INGEST else 403)
    r = c.post("/api/jobs", json={"kind": "nonsense"}, headers=h)
    # malformed bodies are refused before anything runs; others are refused by role first
    assert r.status_code == (422 if role in INGEST else 403)
    r = c.patch("/api/users/1", json={"role": "admin"}, headers=h)
    assert r.status_code == (200 if role in ADMIN else 403)
