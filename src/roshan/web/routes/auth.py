"""Sign-in (password, then TOTP when turned on), sign-out, and the user's own account.

Failed sign-ins count against the account (lockout after ``lockout_threshold``
failures for ``lockout_seconds``) and against the client address (sliding window).
Changing a password stamps ``password_changed_at``; every session carrying the old
stamp stops working. API tokens are shown once and stored only as a hash.
"""

from __future__ import annotations

import base64
from typing import Any

from fastapi import APIRouter, Form, HTTPException, Request
from pydantic import BaseModel, Field

from roshan.errors import RoshanError
from roshan.store import User, Workspace
from roshan.web import accounts
from roshan.web.accounts import (
    change_own_password,
    check_credentials,
    create_token,
    list_tokens,
    record_sign_in,
    totp_sign_in,
)
from roshan.web.auth import CurrentUser, session_data
from roshan.web.routes.common import PathId, SignedIn, redirect, render, update_session
from roshan.web.security import (
    check_password_strength,
    new_csrf_token,
    new_totp_secret,
    password_stamp,
    totp_step,
    totp_uri,
)

router = APIRouter()


def _start_session(request: Request, user: User) -> None:
    # A new CSRF token and a new server-side session token at every sign-in (no fixation).
    request.state.session_rotate = True
    update_session(
        request,
        uid=int(user.id),
        pw=password_stamp(user.password_changed_at),
        csrf=new_csrf_token(),
        mfa=None,
    )


def _client(request: Request) -> str:
    """The client's address for throttling.

    Behind a reverse proxy every request comes from the proxy's address; the proxy's
    ``X-Forwarded-For`` is believed only when the connection comes from an address in
    ``WebSettings.trusted_proxies`` (otherwise anyone could send the header and pick a
    fresh address per attempt). The client is then the last address in the header
    that is not itself a trusted proxy.
    """
    peer = request.client.host if request.client else "unknown"
    trusted = set(request.app.state.settings.trusted_proxies or ())
    if peer not in trusted:
        return peer
    chain = [a.strip() for a in request.headers.get("x-forwarded-for", "").split(",") if a.strip()]
    for addr in reversed(chain):
        if addr not in trusted:
            return addr[:100]
    return peer


def _throttled(request: Request, username: str) -> bool:
    """Count a sign-in attempt against the client and against the username (any name)."""
    app = request.app
    by_client = app.state.ip_throttle.allow(_client(request))
    by_name = app.state.name_throttle.allow("name:" + (username or "").strip().lower()[:200])
    return not (by_client and by_name)


@router.get("/login", include_in_schema=False)
def login_page(request: Request) -> Any:
    return render(request, "login.html", {"error": None})


@router.post("/login", include_in_schema=False)
def login_submit(request: Request, username: str = Form(""), password: str = Form("")) -> Any:
    app = request.app
    if _throttled(request, username):
        return render(request, "login.html", {"error": "throttled"}, status_code=429)
    user, reason = check_credentials(
        app.state.ws, app.state.settings, username, password, app.state.unknown_names
    )
    if user is None:
        return render(
            request,
            "login.html",
            {"error": reason, "username": username},
            status_code=429 if reason == "locked" else 401,
        )
    if user.totp_secret:
        request.state.session_rotate = True
        update_session(request, mfa=int(user.id), uid=None, pw=None)
        return redirect("/login/totp")
    _start_session(request, user)
    record_sign_in(app.state.ws, user, mfa=False)
    return redirect("/")


@router.get("/login/totp", include_in_schema=False)
def totp_page(request: Request) -> Any:
    if not isinstance(session_data(request).get("mfa"), int):
        return redirect("/login")
    return render(request, "totp.html", {"error": None})


@router.post("/login/totp", include_in_schema=False)
def totp_submit(request: Request, code: str = Form("")) -> Any:
    app = request.app
    uid = session_data(request).get("mfa")
    if not isinstance(uid, int):
        return redirect("/login")
    if not app.state.ip_throttle.allow(_client(request)):
        return render(request, "totp.html", {"error": "throttled"}, status_code=429)
    user, why = totp_sign_in(app.state.ws, app.state.settings, uid, code)
    if why == "gone":
        update_session(request, mfa=None)
        return redirect("/login")
    if user is None:
        if why == "locked":
            update_session(request, mfa=None)
        return render(request, "totp.html", {"error": "bad_code"}, status_code=401)
    _start_session(request, user)
    return redirect("/")


@router.post("/logout", include_in_schema=False)
def logout(request: Request) -> Any:
    update_session(request, uid=None, pw=None, mfa=None, csrf=new_csrf_token())
    return redirect("/login")


# ---------------------------------------------------------------- account


def change_password(request: Request, user: CurrentUser, current: str, new: str) -> None:
    """Change the user's own password (signs out their other sessions)."""
    app = request.app
    weak = check_password_strength(new)
    if weak:
        raise RoshanError(weak)
    # every other session of this user ends now (this one stays signed in)
    stamp = change_own_password(
        app.state.ws,
        user.id,
        current,
        new,
        actor=user.actor,
        keep_session=getattr(request.state, "session_token", None)
        if user.via == "session"
        else None,
    )
    if stamp is None:
        raise HTTPException(403, "the current password is wrong")
    app.state.user_cache.drop(user.id)
    if user.via == "session":
        update_session(request, pw=stamp, csrf=new_csrf_token())


def revoke_token(ws: Workspace, user: CurrentUser, token_id: int) -> None:
    if not accounts.revoke_token(
        ws, token_id, user_id=user.id, admin=user.role == "admin", actor=user.actor
    ):
        raise HTTPException(404, "no such token")


def _qr_data_uri(uri: str) -> str:
    import io

    import segno

    buf = io.BytesIO()
    segno.make(uri, error="m").save(buf, kind="svg", scale=4, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


#: The only notices ``/account?m=…`` may show (a key of strings.toml); anything else shows nothing.
ACCOUNT_MESSAGES: dict[str, str] = {"saved": "saved"}


@router.get("/account", include_in_schema=False)
def account_page(request: Request, user: SignedIn) -> Any:
    ws = request.app.state.ws
    has_totp = accounts.has_totp(ws, user.id)
    pending = session_data(request).get("totp_pending")
    ctx: dict[str, Any] = {
        "has_totp": has_totp,
        "tokens": list_tokens(ws, user.id),
        "new_token": None,
        "message": ACCOUNT_MESSAGES.get(request.query_params.get("m", "")),
    }
    if pending and not has_totp:
        uri = totp_uri(pending, user.username)
        ctx.update(totp_secret=pending, totp_qr=_qr_data_uri(uri))
    return render(request, "account.html", ctx)


@router.post("/account/password", include_in_schema=False)
def account_password(
    request: Request,
    user: SignedIn,
    current_password: str = Form(""),
    new_password: str = Form(""),
) -> Any:
    change_password(request, user, current_password, new_password)
    return redirect("/account?m=saved")


@router.post("/account/totp/start", include_in_schema=False)
def totp_start(request: Request, user: SignedIn) -> Any:
    update_session(request, totp_pending=new_totp_secret())
    return redirect("/account")


@router.post("/account/totp/confirm", include_in_schema=False)
def totp_confirm(request: Request, user: SignedIn, code: str = Form("")) -> Any:
    secret = session_data(request).get("totp_pending")
    step = totp_step(str(secret), code) if secret else None
    if step is None:
        raise RoshanError("that code is not valid; try the current one")
    accounts.enable_totp(request.app.state.ws, user.id, str(secret), step, actor=user.actor)
    update_session(request, totp_pending=None)
    return redirect("/account?m=saved")


@router.post("/account/tokens", include_in_schema=False)
def account_token(request: Request, user: SignedIn, name: str = Form("token")) -> Any:
    ws = request.app.state.ws
    _, token = create_token(ws, user.id, name, user.actor)
    return render(
        request,
        "account.html",
        {"has_totp": None, "tokens": list_tokens(ws, user.id), "new_token": token, "message": None},
    )


# ---------------------------------------------------------------- API


class Me(BaseModel):
    id: int
    username: str
    role: str
    permissions: list[str]


class TokenIn(BaseModel):
    name: str = Field("script", max_length=100)


class PasswordIn(BaseModel):
    current_password: str
    new_password: str


@router.get("/api/me", response_model=Me, tags=["account"])
def api_me(user: SignedIn) -> Me:
    """Who the token or session belongs to, and what their role allows."""
    from roshan.web.auth import PERMISSIONS

    return Me(
        id=user.id,
        username=user.username,
        role=user.role,
        permissions=sorted(PERMISSIONS[user.role]),
    )


@router.get("/api/tokens", tags=["account"])
def api_tokens(request: Request, user: SignedIn) -> list[dict[str, Any]]:
    """Your API tokens (never the tokens themselves)."""
    return list_tokens(request.app.state.ws, user.id)


@router.post("/api/tokens", status_code=201, tags=["account"])
def api_token_create(request: Request, body: TokenIn, user: SignedIn) -> dict[str, Any]:
    """Create a token for yourself; the token is in the answer once and never again."""
    token_id, token = create_token(request.app.state.ws, user.id, body.name, user.actor)
    return {"id": token_id, "name": body.name, "token": token}


@router.delete("/api/tokens/{token_id}", status_code=204, tags=["account"])
def api_token_revoke(request: Request, token_id: PathId, user: SignedIn) -> None:
    """Revoke one of your tokens (admins: anyone's)."""
    revoke_token(request.app.state.ws, user, token_id)


@router.post("/api/me/password", status_code=204, tags=["account"])
def api_password(request: Request, body: PasswordIn, user: SignedIn) -> None:
    """Change your password; every other session of yours stops working."""
    change_password(request, user, body.current_password, body.new_password)
