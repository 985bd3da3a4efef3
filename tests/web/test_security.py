"""Sign-in, sessions, CSRF, throttling and lockout, TOTP, tokens and headers.

Runs on SQLite and PostgreSQL (``any_ws``) where the behaviour lives in the store
(lockout, password change, tokens); on SQLite only where it does not.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import select, update
from webkit import (
    PASSWORDS,
    add_role_users,
    client_for,
    csrf_of,
    login,
    make_app,
    session_csrf,
)

from roshan.store.models import AuditEvent, User


@pytest.fixture
def bare_app(any_ws):
    """An app over an empty workspace (SQLite or PostgreSQL) with one user per role."""
    add_role_users(any_ws)
    application = make_app(any_ws, lockout_threshold=3, ip_attempts=1000)
    yield application
    application.state.jobs.shutdown()


def test_security_headers_and_cookie_flags(bare_app) -> None:
    c = client_for(bare_app)
    r = c.get("/login")
    csp = r.headers["content-security-policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert r.headers["cache-control"] == "no-store"
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "secure" in cookie and "samesite=strict" in cookie
    # no inline scripts or styles anywhere in the page
    assert "<script>" not in r.text and "style=" not in r.text
    assert c.get("/static/app.js").headers["x-content-type-options"] == "nosniff"


def test_sign_in_and_out(bare_app) -> None:
    c = client_for(bare_app)
    assert login(c, "analyst", "wrong-password").status_code == 401
    r = login(c, "analyst")
    assert r.status_code == 303 and r.headers["location"] == "/"
    assert c.get("/api/me").json()["role"] == "analyst"
    c.post("/logout", data={"csrf_token": session_csrf(c)})
    assert c.get("/api/me").status_code == 401


def test_csrf_required_on_every_state_change(bare_app) -> None:
    c = client_for(bare_app, "admin")
    body = {"username": "csrf-victim", "password": "long-enough-pw-1", "role": "viewer"}
    assert c.post("/api/users", json=body).status_code == 403
    assert c.post("/api/users", json=body, headers={"X-CSRF-Token": "forged"}).status_code == 403
    assert c.post("/users", data=body).status_code == 403
    assert c.post("/logout").status_code == 403
    token = session_csrf(c)
    cross = {"X-CSRF-Token": token, "Origin": "https://evil.example"}
    assert c.post("/api/users", json=body, headers=cross).status_code == 403
    assert c.post("/api/users", json=body, headers={"X-CSRF-Token": token}).status_code == 201
    # the sign-in form itself needs the pre-session token
    fresh = client_for(bare_app)
    fresh.get("/login")
    r = fresh.post("/login", data={"username": "admin", "password": PASSWORDS["admin"]})
    assert r.status_code == 403


def test_lockout_after_failures(bare_app, any_ws) -> None:
    c = client_for(bare_app)
    for _ in range(2):
        assert login(c, "viewer", "nope-nope-nope").status_code == 401
    assert login(c, "viewer", "nope-nope-nope").status_code == 429  # third failure locks
    r = login(c, "viewer")  # even the right password is refused while locked
    assert r.status_code == 429
    with any_ws.session() as sess:
        sess.execute(
            update(User)
            .where(User.username == "viewer")
            .values(locked_until=datetime.now(UTC) - timedelta(seconds=1))
        )
    assert login(c, "viewer").status_code == 303
    with any_ws.engine.connect() as conn:
        actions = [a for (a,) in conn.execute(select(AuditEvent.action))]
    assert actions.count("auth.login_failed") >= 3 and "auth.login_refused" in actions


def test_throttle_per_address(web_ws) -> None:
    application = make_app(web_ws, ip_attempts=3, lockout_threshold=100)
    c = client_for(application)
    codes = [login(c, "viewer", "bad-password-x").status_code for _ in range(4)]
    assert codes[:3] == [401, 401, 401] and codes[3] == 429
    application.state.jobs.shutdown()


def test_password_change_signs_out_other_sessions(bare_app) -> None:
    a = client_for(bare_app, "reviewer")
    b = client_for(bare_app, "reviewer")
    assert b.get("/api/me").status_code == 200
    r = a.post(
        "/api/me/password",
        json={"current_password": PASSWORDS["reviewer"], "new_password": "a-brand-new-pass-2"},
        headers={"X-CSRF-Token": session_csrf(a)},
    )
    assert r.status_code == 204
    bare_app.state.user_cache.drop()
    assert a.get("/api/me").status_code == 200  # the session that changed it stays in
    assert b.get("/api/me").status_code == 401  # every other session is out
    assert login(client_for(bare_app), "reviewer").status_code == 401
    assert login(client_for(bare_app), "reviewer", "a-brand-new-pass-2").status_code == 303


def test_weak_password_refused(bare_app) -> None:
    a = client_for(bare_app, "viewer")
    r = a.post(
        "/api/me/password",
        json={"current_password": PASSWORDS["viewer"], "new_password": "short"},
        headers={"X-CSRF-Token": session_csrf(a)},
    )
    assert r.status_code == 400


def test_totp_second_factor(bare_app, any_ws) -> None:
    c = client_for(bare_app, "analyst")
    page = c.get("/account").text
    c.post("/account/totp/start", data={"csrf_token": csrf_of(page)})
    page = c.get("/account").text
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    assert 'src="data:image/svg+xml;base64,' in page
    r = c.post("/account/totp/confirm", data={"csrf_token": csrf_of(page), "code": "000000"})
    assert r.status_code == 400
    r = c.post(
        "/account/totp/confirm",
        data={"csrf_token": csrf_of(page), "code": pyotp.TOTP(secret).now()},
        follow_redirects=False,
    )
    assert r.status_code == 303
    # a new sign-in now needs the code
    d = client_for(bare_app)
    r = login(d, "analyst")
    assert r.status_code == 303 and r.headers["location"] == "/login/totp"
    assert d.get("/api/me").status_code == 401  # password alone is not a session
    form = d.get("/login/totp").text
    bad = d.post("/login/totp", data={"csrf_token": csrf_of(form), "code": "123456"})
    assert bad.status_code == 401
    # the enrolment code was used once and is refused (issue 15 item 13): the next step's
    # code, which the ±1-step window accepts, signs in
    import time

    ok = d.post(
        "/login/totp",
        data={"csrf_token": csrf_of(form), "code": pyotp.TOTP(secret).at(time.time() + 30)},
        follow_redirects=False,
    )
    assert ok.status_code == 303 and d.get("/api/me").json()["username"] == "analyst"
    with any_ws.engine.connect() as conn:
        stored = conn.execute(select(User.totp_secret).where(User.username == "analyst")).scalar()
    assert stored == secret


def test_api_tokens(bare_app) -> None:
    c = client_for(bare_app, "reviewer")
    r = c.post("/api/tokens", json={"name": "my-script"}, headers={"X-CSRF-Token": session_csrf(c)})
    assert r.status_code == 201
    token, token_id = r.json()["token"], r.json()["id"]
    s = client_for(bare_app)
    auth = {"Authorization": f"Bearer {token}"}
    assert s.get("/api/me", headers=auth).json()["role"] == "reviewer"
    assert s.get("/api/users", headers=auth).status_code == 403  # a token has its user's role
    # token requests need no CSRF token (no ambient cookies)
    assert s.post("/api/tokens", json={"name": "x"}, headers=auth).status_code == 201
    assert "token" not in str(c.get("/api/tokens").json()[0].keys() - {"id", "name"})
    assert s.delete(f"/api/tokens/{token_id}", headers=auth).status_code == 204
    assert s.get("/api/me", headers=auth).status_code == 401
    assert s.get("/api/me", headers={"Authorization": "Bearer rsh_forged"}).status_code == 401


def test_deactivated_user_is_out(bare_app) -> None:
    v = client_for(bare_app, "viewer")
    admin = client_for(bare_app, "admin")
    uid = v.get("/api/me").json()["id"]
    r = admin.patch(
        f"/api/users/{uid}", json={"active": False}, headers={"X-CSRF-Token": session_csrf(admin)}
    )
    assert r.status_code == 200 and r.json()["active"] is False
    assert v.get("/api/me").status_code == 401
    assert login(client_for(bare_app), "viewer").status_code == 401


def test_tampered_session_cookie_is_ignored(bare_app) -> None:
    c = client_for(bare_app, "admin")
    raw = c.cookies.get("roshan_session")
    assert c.get("/api/me").status_code == 200
    c.cookies.clear()
    c.cookies.set("roshan_session", raw[:-3] + ("xyz" if not raw.endswith("xyz") else "abc"))
    assert c.get("/api/me").status_code == 401
