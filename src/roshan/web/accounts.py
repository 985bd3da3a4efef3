"""Team accounts: create, list, change password, role or active state (CLI and web share it).

Every change appends an audit event naming the account id and role, never the
password. Changing a password stamps ``password_changed_at`` so all existing
sessions of that user stop working; deactivating a user also revokes their tokens.
"""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Executable, func, select, update
from sqlalchemy.exc import IntegrityError

from roshan.errors import RoshanError
from roshan.store import ApiToken, AuditEvent, User, Workspace, record_event, utcnow
from roshan.web.auth import ROLES
from roshan.web.db import reader
from roshan.web.security import (
    FailureCounter,
    WebSettings,
    check_password_strength,
    hash_password,
    needs_rehash,
    new_api_token,
    password_stamp,
    totp_step,
    verify_password,
)
from roshan.web.sessions import end_all

_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,99}$")


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise RoshanError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    return role


def create_user(ws: Workspace, username: str, password: str, role: str, *, actor: str) -> int:
    """Add an account; returns its id. Refuses weak passwords and taken usernames."""
    username = (username or "").strip()
    if not _USERNAME.match(username):
        raise RoshanError("a username is 2–100 letters, digits or . _ @ - (no spaces)")
    _check_role(role)
    weak = check_password_strength(password)
    if weak:
        raise RoshanError(weak)
    try:
        with ws.session() as sess:
            user = User(
                username=username,
                password_hash=hash_password(password),
                role=role,
                active=True,
                failed_logins=0,
            )
            sess.add(user)
            sess.flush()
            record_event(sess, actor, "user.create", "user", user.id, {"role": role})
            return int(user.id)
    except IntegrityError as exc:
        raise RoshanError(f"the username {username!r} is taken") from exc


def _listing(ws: Workspace, query: Executable, flags: tuple[str, ...]) -> list[dict[str, Any]]:
    """The rows of ``query`` as dicts by column name: times as ISO 8601, ``flags`` as bools."""
    with reader(ws) as conn:
        rows = conn.execute(query).mappings().all()
    return [
        {
            k: bool(v) if k in flags else (v.isoformat() if isinstance(v, datetime) else v)
            for k, v in r.items()
        }
        for r in rows
    ]


def list_users(ws: Workspace) -> list[dict[str, Any]]:
    """Every account (no hashes or secrets)."""
    query = select(
        User.id,
        User.username,
        User.role,
        User.active,
        User.totp_secret.is_not(None).label("totp"),
        User.locked_until,
        User.created_at,
    ).order_by(User.id)
    return _listing(ws, query, flags=("active", "totp"))


def count_users(ws: Workspace) -> int:
    with reader(ws) as conn:
        return int(conn.execute(select(func.count()).select_from(User)).scalar() or 0)


def _find(sess: Any, username_or_id: str | int) -> User:
    if isinstance(username_or_id, int):
        user = sess.get(User, username_or_id)
    else:
        user = sess.scalars(select(User).where(User.username == username_or_id)).first()
    if user is None:
        raise RoshanError("no such user")
    return user


def set_password(ws: Workspace, username_or_id: str | int, password: str, *, actor: str) -> int:
    """Set a new password (signs the user out everywhere, clears a lockout); returns the id."""
    weak = check_password_strength(password)
    if weak:
        raise RoshanError(weak)
    with ws.session() as sess:
        user = _find(sess, username_or_id)
        user.password_hash = hash_password(password)
        user.password_changed_at = utcnow()
        user.failed_logins = 0
        user.locked_until = None
        end_all(sess, int(user.id))  # signed out everywhere, at once
        record_event(sess, actor, "user.password_set", "user", user.id, None)
        return int(user.id)


def update_user(
    ws: Workspace,
    user_id: int,
    *,
    actor: str,
    role: str | None = None,
    active: bool | None = None,
    reset_totp: bool = False,
) -> dict[str, Any]:
    """Change a user's role or active state, or remove their second factor."""
    with ws.session() as sess:
        user = _find(sess, user_id)
        detail: dict[str, Any] = {}
        demote = role is not None and role != user.role and user.role == "admin"
        deactivate = active is not None and not active and bool(user.active)
        if user.role == "admin" and user.active and (demote or deactivate):
            others = sess.execute(
                select(func.count())
                .select_from(User)
                .where(User.role == "admin", User.active.is_(True), User.id != user.id)
            ).scalar()
            if not others:
                raise RoshanError("this is the last active admin: make another admin first")
        if role is not None and role != user.role:
            user.role = _check_role(role)
            detail["role"] = role
        if active is not None and active != user.active:
            user.active = bool(active)
            detail["active"] = bool(active)
            if not active:
                sess.execute(
                    update(ApiToken).where(ApiToken.user_id == user.id).values(revoked=True)
                )
                user.password_changed_at = utcnow()
        if reset_totp and user.totp_secret:
            user.totp_secret = None
            detail["totp_reset"] = True
        if "role" in detail or "active" in detail:
            end_all(sess, int(user.id))  # the new role (or none) applies from the next sign-in
        if detail:
            record_event(sess, actor, "user.update", "user", user.id, detail)
        return {
            "id": user.id,
            "username": user.username,
            "role": user.role,
            "active": bool(user.active),
            "totp": bool(user.totp_secret),
        }


def user_id_of(ws: Workspace, username: str) -> int:
    with ws.session() as sess:
        return int(_find(sess, username).id)


# ---------------------------------------------------------------- sign-in (web)

_DUMMY_HASH = hash_password("not-a-real-password-0")


def _aware(dt: datetime | None) -> datetime | None:
    if dt is None:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def check_credentials(
    ws: Workspace,
    settings: WebSettings,
    username: str,
    password: str,
    unknown: FailureCounter | None = None,
) -> tuple[User | None, str | None]:
    """(user, None) when the password is right; (None, "bad"|"locked") otherwise.

    Counts failures and locks the account after too many; a locked account is
    refused without checking the password. Unknown usernames cost the same time and,
    counted in ``unknown``, are "locked" after as many failures: the answers do not
    tell which names have an account.
    """
    username = (username or "").strip()
    now = datetime.now(UTC)
    with ws.session() as sess:
        user = sess.scalars(select(User).where(User.username == username)).first()
        if user is None or not user.active:
            verify_password(_DUMMY_HASH, password)
            if unknown is not None and unknown.locked(username):
                record_event(
                    sess, "web:?", "auth.login_refused", "user", None, {"reason": "locked"}
                )
                return None, "locked"
            reason = "locked" if unknown is not None and unknown.fail(username) else "bad"
            record_event(sess, "web:?", "auth.login_failed", "user", None, {"reason": "unknown"})
            return None, reason
        locked = _aware(user.locked_until)
        if locked and locked > now:
            record_event(
                sess,
                f"web:{user.username}",
                "auth.login_refused",
                "user",
                user.id,
                {"reason": "locked"},
            )
            return None, "locked"
        if not verify_password(user.password_hash, password):
            user.failed_logins = int(user.failed_logins or 0) + 1
            reason = "bad"
            if user.failed_logins >= settings.lockout_threshold:
                user.locked_until = now + timedelta(seconds=settings.lockout_seconds)
                user.failed_logins = 0
                reason = "locked"
            record_event(
                sess,
                f"web:{user.username}",
                "auth.login_failed",
                "user",
                user.id,
                {"reason": reason},
            )
            return None, reason
        user.failed_logins = 0
        user.locked_until = None
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        sess.flush()
        sess.expunge(user)
        return user, None


def record_sign_in(ws: Workspace, user: User, *, mfa: bool) -> None:
    """The audit event for a sign-in with the password alone (``mfa`` False)."""
    with ws.session() as sess:
        record_event(sess, f"web:{user.username}", "auth.login", "user", user.id, {"mfa": mfa})


_TOTP_LOCK = threading.Lock()


def last_totp_step(sess: Any, user_id: int) -> int | None:
    """The last TOTP time step accepted for the user (from the audit log), or None.

    Each accepted code's step is written with the sign-in (or enrolment) audit event, so
    the same code is refused a second time, also by another server process.
    """
    rows = sess.execute(
        select(AuditEvent.detail)
        .where(
            AuditEvent.object_type == "user",
            AuditEvent.object_id == str(user_id),
            AuditEvent.action.in_(("auth.login", "user.totp_enable")),
        )
        .order_by(AuditEvent.id.desc())
        .limit(50)
    ).scalars()
    for detail in rows:
        if isinstance(detail, dict) and isinstance(detail.get("totp_step"), int):
            return int(detail["totp_step"])
    return None


def totp_sign_in(
    ws: Workspace, settings: WebSettings, user_id: int, code: str
) -> tuple[User | None, str | None]:
    """The second sign-in step: (user, None) when the code is right and unused.

    Otherwise (None, why): "gone" (no such active user with a second factor), "bad_code",
    or "locked" (a bad code that locked the account; the half sign-in should end).
    A wrong code, or any code while the account is locked, counts as a failure.
    """
    with _TOTP_LOCK, ws.session() as sess:
        user = sess.get(User, user_id)
        if user is None or not user.active or not user.totp_secret:
            return None, "gone"
        locked = _aware(user.locked_until)
        step = None
        if not (locked and locked > datetime.now(UTC)):
            step = totp_step(user.totp_secret, code, after=last_totp_step(sess, int(user.id)))
        if step is None:
            why = "bad_code"
            user.failed_logins = int(user.failed_logins or 0) + 1
            if user.failed_logins >= settings.lockout_threshold:
                user.locked_until = datetime.now(UTC) + timedelta(seconds=settings.lockout_seconds)
                user.failed_logins = 0
                why = "locked"
            record_event(sess, f"web:{user.username}", "auth.totp_failed", "user", user.id, None)
            return None, why
        user.failed_logins = 0
        record_event(
            sess,
            f"web:{user.username}",
            "auth.login",
            "user",
            user.id,
            {"mfa": True, "totp_step": step},
        )
        sess.flush()
        sess.expunge(user)
        return user, None


# ---------------------------------------------------------------- the user's own account


def change_own_password(
    ws: Workspace,
    user_id: int,
    current: str,
    new: str,
    *,
    actor: str,
    keep_session: str | None = None,
) -> str | None:
    """Change a user's password when ``current`` is right; returns the new password stamp,
    or None (nothing changed) when the user is gone or ``current`` is wrong.

    Every other session of the user ends (``keep_session``, a session token, stays).
    The caller checks the new password's strength first.
    """
    with ws.session() as sess:
        row = sess.get(User, user_id)
        if row is None or not verify_password(row.password_hash, current):
            return None
        row.password_hash = hash_password(new)
        row.password_changed_at = utcnow()
        end_all(sess, user_id, keep=keep_session)
        record_event(sess, actor, "user.password_change", "user", user_id, None)
        sess.flush()
        return password_stamp(row.password_changed_at)


def has_totp(ws: Workspace, user_id: int) -> bool:
    """True when the user has turned on the second factor."""
    with reader(ws) as conn:
        return bool(conn.execute(select(User.totp_secret).where(User.id == user_id)).scalar())


def enable_totp(ws: Workspace, user_id: int, secret: str, step: int, *, actor: str) -> None:
    """Turn on the second factor with ``secret``; ``step`` (the confirming code's time step)
    goes into the audit event so that code is not accepted again."""
    with ws.session() as sess:
        sess.execute(update(User).where(User.id == user_id).values(totp_secret=secret))
        record_event(sess, actor, "user.totp_enable", "user", user_id, {"totp_step": step})


def create_token(ws: Workspace, user_id: int, name: str, actor: str) -> tuple[int, str]:
    """A new API token for ``user_id``: (token id, the token, shown once)."""
    name = (name or "").strip()[:100] or "token"
    token, digest = new_api_token()
    with ws.session() as sess:
        row = ApiToken(user_id=user_id, name=name, token_hash=digest)
        sess.add(row)
        sess.flush()
        record_event(sess, actor, "token.create", "api_token", row.id, {"user_id": user_id})
        return int(row.id), token


def list_tokens(ws: Workspace, user_id: int) -> list[dict[str, Any]]:
    """The user's API tokens, oldest first (never the tokens themselves)."""
    query = (
        select(
            ApiToken.id,
            ApiToken.name,
            ApiToken.created_at,
            ApiToken.last_used_at,
            ApiToken.revoked,
        )
        .where(ApiToken.user_id == user_id)
        .order_by(ApiToken.id)
    )
    return _listing(ws, query, flags=("revoked",))


def revoke_token(ws: Workspace, token_id: int, *, user_id: int, admin: bool, actor: str) -> bool:
    """Revoke a token of ``user_id`` (any user's when ``admin``); False when there is no
    such token for them (nothing changed)."""
    with ws.session() as sess:
        row = sess.get(ApiToken, token_id)
        if row is None or (row.user_id != user_id and not admin):
            return False
        row.revoked = True
        record_event(sess, actor, "token.revoke", "api_token", token_id, None)
        return True
