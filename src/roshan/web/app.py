"""The roshan web app: ``create_app(workspace)`` builds a FastAPI application.

Server-rendered pages (Jinja2, Persian right-to-left and English) and a JSON API
under ``/api`` (OpenAPI at ``/api/openapi.json``) share the same service
functions and the same server-side permission checks (see :mod:`roshan.web.auth`).
Nothing is loaded from the network: styles, scripts and fonts are served by the
app itself. Request logs carry the method, the path without its query string and
the status only, so searched names never reach a log.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from roshan import __version__
from roshan.errors import RoshanError
from roshan.store.workspace import Workspace
from roshan.web.auth import NotSignedIn, csrf_protect
from roshan.web.jobs import JobRunner
from roshan.web.security import (
    SECURITY_HEADERS,
    SESSION_COOKIE,
    SessionCodec,
    Throttle,
    WebSettings,
    new_csrf_token,
    workspace_secret,
)

log = logging.getLogger("roshan.web")
HERE = Path(__file__).parent
UPLOAD_PATHS = ("/upload", "/api/uploads")
#: Largest body of any other state-changing request (forms and JSON are small).
MAX_FORM_BYTES = 1024 * 1024


class UserCache:
    """A few seconds' cache of (id, username, role, active, password_changed_at) rows."""

    def __init__(self, ttl: float = 5.0) -> None:
        self.ttl = ttl
        self._d: dict[int, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, uid: int) -> Any:
        with self._lock:
            hit = self._d.get(uid)
            if hit and time.monotonic() - hit[0] < self.ttl:
                return hit[1]
            return None

    def put(self, uid: int, row: Any) -> Any:
        with self._lock:
            self._d[uid] = (time.monotonic(), tuple(row))
        return tuple(row)

    def drop(self, uid: int | None = None) -> None:
        with self._lock:
            if uid is None:
                self._d.clear()
            else:
                self._d.pop(uid, None)


def create_app(ws_path_or_ws: str | Path | Workspace, *,
               settings: WebSettings | None = None) -> FastAPI:
    """Build the web app for one workspace (a path is opened; a Workspace is used as is)."""
    from contextlib import asynccontextmanager

    from fastapi import Depends

    from roshan.web.routes import ROUTERS

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        yield
        app.state.jobs.shutdown()

    settings = settings or WebSettings()
    ws = ws_path_or_ws if isinstance(ws_path_or_ws, Workspace) else Workspace.open(ws_path_or_ws)
    app = FastAPI(
        title="roshan",
        version=__version__,
        description="JSON API of the roshan web app. Authenticate with a per-user token "
        "(`Authorization: Bearer rsh_…`, create one with `roshan token create` or on the "
        "Account page) or with the browser session (then send the `X-CSRF-Token` header "
        "on every POST/PATCH/DELETE).",
        docs_url=None, redoc_url=None, openapi_url="/api/openapi.json",
        dependencies=[Depends(csrf_protect)], lifespan=lifespan,
    )
    app.state.ws = ws
    app.state.settings = settings
    app.state.codec = SessionCodec(settings.secret_key or workspace_secret(ws.root),
                                   settings.session_max_age)
    app.state.ip_throttle = Throttle(settings.ip_attempts, settings.ip_window_seconds)
    app.state.user_cache = UserCache()
    app.state.jobs = JobRunner(ws, settings.job_workers)
    app.state.uploads_dir = ws.root / "uploads"
    app.state.uploads_dir.mkdir(exist_ok=True)

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for router in ROUTERS:
        app.include_router(router)

    @app.middleware("http")
    async def _session_and_headers(request: Request, call_next: Any) -> Response:
        started = time.perf_counter()
        path = request.url.path
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            length = request.headers.get("content-length")
            upload = path.startswith(UPLOAD_PATHS)
            limit = settings.max_upload_bytes + 64 * 1024 if upload else MAX_FORM_BYTES
            if length is None and upload:
                return _plain(411, "an upload needs a Content-Length")
            if length is not None and (not length.isdigit() or int(length) > limit):
                mb = max(1, limit // (1024 * 1024))
                return _plain(413, f"the request is larger than the limit ({mb} MB)")
        codec: SessionCodec = request.app.state.codec
        data = codec.loads(request.cookies.get(SESSION_COOKIE))
        fresh = data is None
        if fresh:
            data = {"csrf": new_csrf_token()}
        request.state.session = data
        request.state.session_dirty = fresh and not request.headers.get(
            "authorization", "").lower().startswith("bearer ")
        response: Response = await call_next(request)
        if getattr(request.state, "session_dirty", False):
            set_session_cookie(request, response, request.state.session)
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        if not path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        log.info("%s %s %s %.0fms", request.method, path, response.status_code,
                 (time.perf_counter() - started) * 1000)
        return response

    @app.exception_handler(NotSignedIn)
    async def _to_login(request: Request, exc: NotSignedIn) -> Response:
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return _error(request, exc.status_code, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(RoshanError)
    async def _user_error(request: Request, exc: RoshanError) -> Response:
        from roshan.link.review import ReviewConflictError

        code = 409 if isinstance(exc, ReviewConflictError) else 400
        return _error(request, code, str(exc).splitlines()[0][:500])

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        if request.url.path.startswith("/api/"):
            # The offending input is not echoed back (it may be a name).
            errs = [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg")),
                     "type": str(e.get("type"))} for e in exc.errors()]
            return JSONResponse({"detail": errs}, status_code=422)
        return _error(request, 422, "the form is incomplete or malformed")

    return app


def _plain(status: int, message: str) -> Response:
    resp = JSONResponse({"detail": message}, status_code=status)
    for key, value in SECURITY_HEADERS.items():
        resp.headers[key] = value
    return resp


def _error(request: Request, status: int, message: str,
           headers: dict[str, str] | None = None) -> Response:
    if request.url.path.startswith("/api/") or request.url.path.startswith("/static/"):
        return JSONResponse({"detail": message}, status_code=status, headers=headers)
    from roshan.web.routes.common import render

    return render(request, "error.html", {"status": status, "message": message},
                  status_code=status)


def set_session_cookie(request: Request, response: Response, data: dict[str, Any]) -> None:
    """Write the signed session cookie: Secure (unless turned off), HttpOnly, SameSite=Strict."""
    settings: WebSettings = request.app.state.settings
    response.set_cookie(SESSION_COOKIE, request.app.state.codec.dumps(data),
                        max_age=settings.session_max_age, httponly=True,
                        secure=settings.secure_cookies, samesite="strict", path="/")


def raise_for(status: int, message: str) -> None:
    raise HTTPException(status, message)
