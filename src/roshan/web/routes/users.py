"""Team accounts (admins only): list, add, change role, deactivate, reset password."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form, Request
from pydantic import BaseModel, Field

from roshan.web import accounts
from roshan.web.auth import ROLES, CurrentUser, Role
from roshan.web.routes.common import CanManageUsers, PathId, redirect, render

router = APIRouter()


@router.get("/users", include_in_schema=False)
def users_page(request: Request, user: CanManageUsers) -> Any:
    return render(
        request, "users.html", {"users": accounts.list_users(request.app.state.ws), "roles": ROLES}
    )


@router.post("/users", include_in_schema=False)
def users_add(
    request: Request,
    user: CanManageUsers,
    username: str = Form(...),
    password: str = Form(...),
    role: str = Form("viewer"),
) -> Any:
    accounts.create_user(request.app.state.ws, username, password, role, actor=user.actor)
    return redirect("/users")


@router.post("/users/{user_id}", include_in_schema=False)
def users_change(
    request: Request,
    user_id: PathId,
    user: CanManageUsers,
    role: str = Form(""),
    active: str = Form(""),
    password: str = Form(""),
    reset_totp: str = Form(""),
) -> Any:
    _change_user(
        request,
        user_id,
        user,
        role=role or None,
        active=None if active == "" else active == "1",
        password=password,
        reset_totp=reset_totp == "1",
    )
    return redirect("/users")


def _change_user(
    request: Request,
    user_id: int,
    user: CurrentUser,
    *,
    role: str | None,
    active: bool | None,
    password: str | None,
    reset_totp: bool,
) -> dict[str, Any]:
    """Change an account (the form's and the API's way) and forget its cached login."""
    ws = request.app.state.ws
    out = accounts.update_user(
        ws, user_id, actor=user.actor, role=role, active=active, reset_totp=reset_totp
    )
    if password:
        accounts.set_password(ws, user_id, password, actor=user.actor)
    request.app.state.user_cache.drop(user_id)
    return out


class UserIn(BaseModel):
    username: str = Field(..., min_length=2, max_length=100)
    password: str = Field(..., min_length=10, max_length=500)
    role: Role = "viewer"


class UserPatch(BaseModel):
    role: Role | None = None
    active: bool | None = None
    password: str | None = Field(None, min_length=10, max_length=500)
    reset_totp: bool = False


@router.get("/api/users", tags=["users"])
def api_users(request: Request, user: CanManageUsers) -> list[dict[str, Any]]:
    """Every account (admins only)."""
    return accounts.list_users(request.app.state.ws)


@router.post("/api/users", status_code=201, tags=["users"])
def api_user_add(request: Request, body: UserIn, user: CanManageUsers) -> dict[str, Any]:
    """Add an account (admins only)."""
    uid = accounts.create_user(
        request.app.state.ws, body.username, body.password, body.role, actor=user.actor
    )
    return {"id": uid, "username": body.username, "role": body.role}


@router.patch("/api/users/{user_id}", tags=["users"])
def api_user_change(
    request: Request,
    user_id: PathId,
    body: UserPatch,
    user: CanManageUsers,
) -> dict[str, Any]:
    """Change an account's role, active state, password or second factor (admins only)."""
    return _change_user(
        request,
        user_id,
        user,
        role=body.role,
        active=body.active,
        password=body.password,
        reset_totp=body.reset_totp,
    )
