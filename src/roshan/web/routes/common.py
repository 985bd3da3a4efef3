"""Helpers shared by the page routes: who may call them, templates, language, session updates,
redirects, 404s."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, TypeVar

from fastapi import Depends, HTTPException, Request
from fastapi import Path as PathParam
from fastapi.responses import RedirectResponse
from fastapi.templating import Jinja2Templates

from roshan.web import i18n
from roshan.web.auth import (
    EXPORT_AGGREGATE,
    INGEST,
    MANAGE_USERS,
    PERMISSIONS,
    REVIEW,
    RUN_JOBS,
    VIEW_AGGREGATES,
    VIEW_AUDIT,
    VIEW_NAMES,
    CurrentUser,
    current_user,
    optional_user,
    require,
    session_data,
)

#: Largest id accepted from a client (ids are 32/64-bit in the store; bigger is a 404/422).
ID_MAX = 2_147_483_647
PathId = Annotated[int, PathParam(ge=1, le=ID_MAX)]
_T = TypeVar("_T")

#: The ``user`` parameter of the routes: who is signed in (401 without a session or token);
#: the ``Can…`` ones also need the role to hold that permission (403 otherwise).
SignedIn = Annotated[CurrentUser, Depends(current_user)]
CanViewAggregates = Annotated[CurrentUser, Depends(require(VIEW_AGGREGATES))]
CanViewNames = Annotated[CurrentUser, Depends(require(VIEW_NAMES))]
CanReview = Annotated[CurrentUser, Depends(require(REVIEW))]
CanIngest = Annotated[CurrentUser, Depends(require(INGEST))]
CanRunJobs = Annotated[CurrentUser, Depends(require(RUN_JOBS))]
CanExportAggregate = Annotated[CurrentUser, Depends(require(EXPORT_AGGREGATE))]
CanManageUsers = Annotated[CurrentUser, Depends(require(MANAGE_USERS))]
CanViewAudit = Annotated[CurrentUser, Depends(require(VIEW_AUDIT))]

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent.parent / "templates"))
TEMPLATES.env.autoescape = True
TEMPLATES.env.globals["known_errors"] = frozenset(k for k in i18n.STRINGS if k.startswith("err_"))
TEMPLATES.env.globals.update(
    t=i18n.t,
    number=i18n.number,
    fdate=i18n.format_date,
    digits=i18n.digits,
    label=i18n.value_label,
    province=i18n.province_label,
    reason=i18n.reason_label,
    note=i18n.note_text,
)


def lang_of(request: Request) -> str:
    """The page language: ``?lang=``, then the session's choice, then Accept-Language."""
    data = session_data(request)
    asked = request.query_params.get("lang")
    if asked in i18n.LANGS:
        if data.get("lang") != asked:
            data["lang"] = asked
            request.state.session_dirty = True
        return asked
    if data.get("lang") in i18n.LANGS:
        return str(data["lang"])
    accept = request.headers.get("accept-language", "").lower()
    return "fa" if accept.startswith("fa") else i18n.DEFAULT_LANG


def update_session(request: Request, **values: Any) -> dict[str, Any]:
    """Change the session (the middleware writes the cookie on the way out)."""
    data = session_data(request)
    for key, value in values.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    request.state.session = data
    request.state.session_dirty = True
    return data


#: How long (seconds) the "data are SYNTHETIC" answer is reused before the store is asked again.
SYNTHETIC_CHECK_SECONDS = 5.0


def data_are_synthetic(request: Request) -> bool:
    """True when any list in the workspace came from roshan's simulator (name starts SYNTHETIC).

    Every page then carries the SYNTHETIC banner. Checked at most every few seconds.
    """
    import time

    from roshan.report import is_synthetic
    from roshan.store import source_names
    from roshan.web.db import reader

    state = request.app.state
    cached = getattr(state, "synthetic_cache", None)
    now = time.monotonic()
    if cached is not None and now - cached[0] < SYNTHETIC_CHECK_SECONDS:
        return bool(cached[1])
    try:
        with reader(state.ws) as conn:
            names = source_names(conn)
        value = is_synthetic(names)
    except Exception:  # noqa: BLE001 - a page must render even when the store is busy
        value = bool(cached[1]) if cached else False
    state.synthetic_cache = (now, value)
    return value


def render(
    request: Request,
    template: str,
    ctx: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Any:
    """Render a page with the shared context (user, language, direction, CSRF token)."""
    lang = lang_of(request)
    try:
        user = optional_user(request)
    except Exception:  # noqa: BLE001 - an error page must render even for a bad token
        user = None
    perms = PERMISSIONS.get(user.role, frozenset()) if user else frozenset()
    context = {
        "request": request,
        "lang": lang,
        "dir": i18n.direction(lang),
        "user": user,
        "perms": perms,
        "csrf": session_data(request).get("csrf", ""),
        "path": request.url.path,
        "synthetic": data_are_synthetic(request),
    }
    context.update(ctx or {})
    return TEMPLATES.TemplateResponse(
        request, template, context, status_code=status_code, headers=headers
    )


def redirect(url: str) -> RedirectResponse:
    """A see-other redirect (after a POST)."""
    return RedirectResponse(url, status_code=303)


def found(value: _T | None, what: str) -> _T:
    """``value``, or a 404 ``no such <what>`` when a lookup came back with None."""
    if value is None:
        raise HTTPException(404, f"no such {what}")
    return value
