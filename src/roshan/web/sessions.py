"""Server-side sessions: the cookie holds a random token, the store holds the session.

A visitor who has not signed in has a small signed cookie with only a CSRF token and a
language (nothing secret). From the password step on (a signed-in user, a pending TOTP
step, a TOTP secret being enrolled) the session's data live in the ``web_sessions``
table (migration 0005) under the SHA-256 of a random token, and the cookie carries only
that token (signed). So the cookie tells a reader nothing, a TOTP secret never travels
in it, and deleting the row ends the session at once on every server process: sign-out
deletes it, a password reset, a role change or deactivation delete all of that user's.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select, update

from roshan.store import WebSession, Workspace
from roshan.web.db import reader

#: Session keys that make a session server-side (they name a user or hold a secret).
SERVER_KEYS = ("uid", "mfa", "totp_pending")
#: Keys an anonymous session may keep in its cookie.
COOKIE_KEYS = ("csrf", "lang")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def needs_server(data: dict[str, Any]) -> bool:
    """True when ``data`` must be kept server-side (a user, a pending step or a secret)."""
    return any(data.get(k) is not None for k in SERVER_KEYS)


def load(ws: Workspace, token: str | None) -> dict[str, Any] | None:
    """The data of the session ``token`` names, or None (unknown, ended or expired)."""
    if not token or not isinstance(token, str) or len(token) > 200:
        return None
    with reader(ws) as conn:
        row = conn.execute(
            select(WebSession.data, WebSession.expires_at).where(WebSession.id == _digest(token))
        ).first()
    if row is None:
        return None
    data, expires = row
    if expires is not None:
        exp = expires if expires.tzinfo else expires.replace(tzinfo=UTC)
        if exp <= datetime.now(UTC):
            return None
    return dict(data or {})


def save(ws: Workspace, token: str | None, data: dict[str, Any], max_age: int) -> str:
    """Store ``data`` under ``token`` (a new token when None); returns the token."""
    now = datetime.now(UTC)
    uid = data.get("uid") if isinstance(data.get("uid"), int) else data.get("mfa")
    uid = uid if isinstance(uid, int) else None
    clean = {k: v for k, v in data.items() if v is not None}
    with ws.session() as sess:
        if token:
            res = sess.execute(
                update(WebSession)
                .where(WebSession.id == _digest(token))
                .values(data=clean, user_id=uid, expires_at=now + timedelta(seconds=max_age))
            )
            if cast(CursorResult[Any], res).rowcount:  # an UPDATE's result has rowcount
                return token
        token = secrets.token_urlsafe(32)
        sess.add(
            WebSession(
                id=_digest(token),
                user_id=uid,
                data=clean,
                created_at=now,
                expires_at=now + timedelta(seconds=max_age),
            )
        )
        # now and then, forget sessions that have expired
        if secrets.randbelow(50) == 0:
            sess.execute(delete(WebSession).where(WebSession.expires_at < now))
    return token


def end(ws: Workspace, token: str | None) -> None:
    """End one session (sign-out)."""
    if token:
        with ws.session() as sess:
            sess.execute(delete(WebSession).where(WebSession.id == _digest(token)))


def end_all(sess: Any, user_id: int, keep: str | None = None) -> None:
    """End every session of ``user_id`` (in the caller's transaction), except ``keep``."""
    stmt = delete(WebSession).where(WebSession.user_id == int(user_id))
    if keep:
        stmt = stmt.where(WebSession.id != _digest(keep))
    sess.execute(stmt)
