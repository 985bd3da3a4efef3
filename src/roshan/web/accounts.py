"""Team accounts: create, list, change password, role or active state (CLI and web share it).

Every change appends an audit event naming the account id and role, never the
password. Changing a password stamps ``password_changed_at`` so all existing
sessions of that user stop working; deactivating a user also revokes their tokens.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from roshan.errors import RoshanError
from roshan.store.audit import record_event
from roshan.store.models import ApiToken, User, utcnow
from roshan.store.workspace import Workspace
from roshan.web.auth import ROLES
from roshan.web.db import reader
from roshan.web.security import check_password_strength, hash_password
from roshan.web.sessions import end_all

_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,99}$")


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise RoshanError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    return role


def create_user(ws: Workspace, username: str, password: str, role: str, *,
                actor: str) -> int:
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
            user = User(username=username, password_hash=hash_password(password), role=role,
                        active=True, failed_logins=0)
            sess.add(user)
            sess.flush()
            record_event(sess, actor, "user.create", "user", user.id, {"role": role})
            return int(user.id)
    except IntegrityError as exc:
        raise RoshanError(f"the username {username!r} is taken") from exc


def list_users(ws: Workspace) -> list[dict[str, Any]]:
    """Every account (no hashes or secrets)."""
    with reader(ws) as conn:
        rows = conn.execute(select(User.id, User.username, User.role, User.active,
                                   User.totp_secret.is_not(None), User.locked_until,
                                   User.created_at).order_by(User.id)).all()
    return [{"id": r[0], "username": r[1], "role": r[2], "active": bool(r[3]),
             "totp": bool(r[4]), "locked_until": r[5].isoformat() if r[5] else None,
             "created_at": r[6].isoformat() if r[6] else None} for r in rows]


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


def update_user(ws: Workspace, user_id: int, *, actor: str, role: str | None = None,
                active: bool | None = None, reset_totp: bool = False) -> dict[str, Any]:
    """Change a user's role or active state, or remove their second factor."""
    with ws.session() as sess:
        user = _find(sess, user_id)
        detail: dict[str, Any] = {}
        demote = role is not None and role != user.role and user.role == "admin"
        deactivate = active is not None and not active and bool(user.active)
        if user.role == "admin" and user.active and (demote or deactivate):
            others = sess.execute(select(func.count()).select_from(User).where(
                User.role == "admin", User.active.is_(True), User.id != user.id)).scalar()
            if not others:
                raise RoshanError("this is the last active admin: make another admin first")
        if role is not None and role != user.role:
            user.role = _check_role(role)
            detail["role"] = role
        if active is not None and active != user.active:
            user.active = bool(active)
            detail["active"] = bool(active)
            if not active:
                sess.execute(update(ApiToken).where(ApiToken.user_id == user.id)
                             .values(revoked=True))
                user.password_changed_at = utcnow()
        if reset_totp and user.totp_secret:
            user.totp_secret = None
            detail["totp_reset"] = True
        if "role" in detail or "active" in detail:
            end_all(sess, int(user.id))  # the new role (or none) applies from the next sign-in
        if detail:
            record_event(sess, actor, "user.update", "user", user.id, detail)
        return {"id": user.id, "username": user.username, "role": user.role,
                "active": bool(user.active), "totp": bool(user.totp_secret)}


def user_id_of(ws: Workspace, username: str) -> int:
    with ws.session() as sess:
        return int(_find(sess, username).id)
