"""Roles and permissions, and the server-side checks every route depends on.

Roles (a user has exactly one):

* ``admin`` — users, tokens of others, settings, the audit log; and everything else.
* ``analyst`` — upload lists, start link and estimate jobs, see names, full exports.
* ``reviewer`` — the review queue, and the victim pages needed to decide.
* ``viewer`` — aggregates only: dashboard and aggregate exports; never a name.

Every route declares the permission it needs with ``Depends(require(PERM))``, through
its ``user`` parameter's type (``user: CanReview``, the aliases in
:mod:`roshan.web.routes.common`); the check runs on the server for pages and API alike. A request is authenticated by an
API token (``Authorization: Bearer rsh_…``, scripts) or by the session cookie.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, get_args

from fastapi import Depends, HTTPException, Request
from sqlalchemy import select, update

from roshan.store import ApiToken, User
from roshan.web.db import reader
from roshan.web.security import (
    CSRF_FIELD,
    CSRF_HEADER,
    SESSION_COOKIE,
    csrf_matches,
    hash_api_token,
    password_stamp,
)

Role = Literal["admin", "analyst", "reviewer", "viewer"]
"""A user's role; the API's user models take it (web/routes/users.py)."""
ROLES: tuple[str, ...] = get_args(Role)

VIEW_AGGREGATES = "view_aggregates"
VIEW_NAMES = "view_names"
REVIEW = "review"
INGEST = "ingest"
RUN_JOBS = "run_jobs"
EXPORT_AGGREGATE = "export_aggregate"
EXPORT_FULL = "export_full"
MANAGE_USERS = "manage_users"
VIEW_AUDIT = "view_audit"

PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset(
        {
            VIEW_AGGREGATES,
            VIEW_NAMES,
            REVIEW,
            INGEST,
            RUN_JOBS,
            EXPORT_AGGREGATE,
            EXPORT_FULL,
            MANAGE_USERS,
            VIEW_AUDIT,
        }
    ),
    "analyst": frozenset(
        {VIEW_AGGREGATES, VIEW_NAMES, INGEST, RUN_JOBS, EXPORT_AGGREGATE, EXPORT_FULL}
    ),
    "reviewer": frozenset({VIEW_AGGREGATES, VIEW_NAMES, REVIEW, EXPORT_AGGREGATE}),
    "viewer": frozenset({VIEW_AGGREGATES, EXPORT_AGGREGATE}),
}

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def role_can(role: str, permission: str) -> bool:
    """True when ``role`` holds ``permission``."""
    return permission in PERMISSIONS.get(role, frozenset())


@dataclass(frozen=True)
class CurrentUser:
    """Who is making this request, and how they proved it."""

    id: int
    username: str
    role: str
    via: str  # "session" or "token"

    def can(self, permission: str) -> bool:
        return role_can(self.role, permission)

    @property
    def actor(self) -> str:
        """The name written to the audit log and review decisions."""
        return f"web:{self.username}"


class NotSignedIn(Exception):
    """Raised for a page request without a valid session (the app redirects to /login)."""


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/")


def session_data(request: Request) -> dict[str, Any]:
    """The decoded session cookie (an empty dict when absent or invalid)."""
    cached = getattr(request.state, "session", None)
    if cached is not None:
        return cached
    codec = request.app.state.codec
    data = codec.loads(request.cookies.get(SESSION_COOKIE)) or {}
    request.state.session = data
    return data


def _from_token(request: Request, token: str) -> CurrentUser | None:
    ws = request.app.state.ws
    digest = hash_api_token(token)
    with reader(ws) as conn:
        row = conn.execute(
            select(
                ApiToken.id,
                ApiToken.revoked,
                ApiToken.last_used_at,
                User.id,
                User.username,
                User.role,
                User.active,
            )
            .join(User, User.id == ApiToken.user_id)
            .where(ApiToken.token_hash == digest)
        ).first()
    if row is None:
        return None
    token_id, revoked, last, uid, username, role, active = row
    if revoked or not active:
        return None
    now = datetime.now(UTC)
    if (
        last is None
        or (now - (last if last.tzinfo else last.replace(tzinfo=UTC))).total_seconds() > 60
    ):
        with ws.session() as sess:  # a write only once a minute per token
            sess.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))
    return CurrentUser(uid, username, role, "token")


def _from_session(request: Request) -> CurrentUser | None:
    data = session_data(request)
    uid = data.get("uid")
    if not isinstance(uid, int):
        return None
    cache = request.app.state.user_cache
    user = cache.get(uid)
    if user is None:
        ws = request.app.state.ws
        with reader(ws) as conn:
            row = conn.execute(
                select(
                    User.id, User.username, User.role, User.active, User.password_changed_at
                ).where(User.id == uid)
            ).first()
        if row is None:
            return None
        user = cache.put(uid, row)
    _, username, role, active, changed = user
    if not active or data.get("pw") != password_stamp(changed):
        return None
    return CurrentUser(uid, username, role, "session")


def optional_user(request: Request) -> CurrentUser | None:
    """The signed-in user, or None (no exception)."""
    cached = getattr(request.state, "user", None)
    if cached is not None:
        return cached
    auth = request.headers.get("authorization", "")
    user: CurrentUser | None
    if auth.lower().startswith("bearer "):
        user = _from_token(request, auth[7:].strip())
        if user is None:
            raise HTTPException(
                401, "invalid or revoked API token", headers={"WWW-Authenticate": "Bearer"}
            )
    else:
        user = _from_session(request)
    request.state.user = user
    return user


async def current_user(request: Request) -> CurrentUser:
    """The signed-in user; pages redirect to sign-in, the API answers 401.

    ``async`` so FastAPI runs it on the event loop rather than hopping to a worker
    thread: it reads the session from memory and the user row from a cache
    refreshed every few seconds (a short store read on a miss or for API tokens).
    """
    user = optional_user(request)
    if user is None:
        if _wants_html(request):
            raise NotSignedIn()
        raise HTTPException(
            401, "sign in or send an API token", headers={"WWW-Authenticate": "Bearer"}
        )
    return user


def require(permission: str):
    """A dependency that lets the request through only when the user holds ``permission``."""

    async def check(user: CurrentUser = Depends(current_user)) -> CurrentUser:
        if not user.can(permission):
            raise HTTPException(403, "your role does not allow this")
        return user

    check.__name__ = f"require_{permission}"
    return check


async def csrf_protect(request: Request) -> None:
    """Refuse state-changing cookie-authenticated requests without the session's CSRF token.

    Token-authenticated API calls carry no cookies a browser would add on its own,
    so they need no CSRF token.
    """
    if request.method in SAFE_METHODS:
        return
    if request.headers.get("authorization", "").lower().startswith("bearer "):
        return
    origin = request.headers.get("origin")
    if origin and origin != "null":
        host = request.headers.get("host", "")
        if origin.split("://", 1)[-1] != host:
            raise HTTPException(403, "cross-site request refused")
    expected = session_data(request).get("csrf")
    given = request.headers.get(CSRF_HEADER)
    if not given:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            given = value if isinstance(value, str) else None
    if not csrf_matches(expected, given):
        raise HTTPException(403, "missing or wrong CSRF token; reload the page and try again")
