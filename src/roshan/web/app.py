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
from roshan.store import Workspace
from roshan.web import sessions
from roshan.web.auth import NotSignedIn, csrf_protect
from roshan.web.jobs import JobRunner
from roshan.web.security import (
    SECURITY_HEADERS,
    SESSION_COOKIE,
    FailureCounter,
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


def request_logger(root: Path, settings: WebSettings) -> logging.Logger:
    """This app's request log: one line a request, rotated by size (see WebSettings).

    A logger of its own (not in the logging registry), so two apps in one process
    (tests) never write into each other's files.
    """
    from logging.handlers import RotatingFileHandler

    logger = logging.Logger("roshan.web.requests", logging.INFO)
    target = settings.request_log
    if target == "":
        logger.addHandler(logging.NullHandler())
        return logger
    path = Path(target) if target else Path(root) / "logs" / "web-requests.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(
        path,
        maxBytes=max(1024, settings.request_log_bytes),
        backupCount=max(1, settings.request_log_backups),
        encoding="utf-8",
        delay=True,
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    logger.addHandler(handler)
    return logger


class BodyLimit:
    """Refuse request bodies over the limit however they are sent (ASGI middleware).

    The HTTP middleware checks ``Content-Length``; a chunked body has none, so this
    counts the bytes as they arrive. A body without a length (other than an upload,
    which must state one) is read into memory up to the limit (1 MB) and then handed
    on; one byte more and the answer is 413, with the security headers.
    """

    def __init__(self, app: Any, settings: WebSettings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH", "DELETE"):
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope.get("headers") or []}
        upload = scope.get("path", "").startswith(UPLOAD_PATHS)
        limit = self.settings.max_upload_bytes + 64 * 1024 if upload else MAX_FORM_BYTES
        if b"content-length" in headers or upload:  # an upload without a length gets 411
            seen = 0

            async def counted() -> Any:
                nonlocal seen
                message = await receive()
                if message["type"] == "http.request":
                    seen += len(message.get("body", b""))
                    if seen > limit:  # more than announced and allowed: stop reading
                        return {"type": "http.disconnect"}
                return message

            await self.app(scope, counted, send)
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body.extend(message.get("body", b""))
            if len(body) > limit:
                mb = max(1, limit // (1024 * 1024))
                await _plain(413, f"the request is larger than the limit ({mb} MB)")(
                    scope, receive, send
                )
                return
            if not message.get("more_body", False):
                break
        sent = False

        async def replay() -> Any:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


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


def create_app(
    ws_path_or_ws: str | Path | Workspace, *, settings: WebSettings | None = None
) -> FastAPI:
    """Build the web app for one workspace (a path is opened; a Workspace is used as is)."""
    from contextlib import asynccontextmanager

    from fastapi import Depends

    from roshan.web.routes import ROUTERS

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        yield
        app.state.jobs.shutdown()
        for handler in list(app.state.request_log.handlers):
            handler.close()

    settings = settings or WebSettings()
    ws = ws_path_or_ws if isinstance(ws_path_or_ws, Workspace) else Workspace.open(ws_path_or_ws)
    app = FastAPI(
        title="roshan",
        version=__version__,
        description="JSON API of the roshan web app. Authenticate with a per-user token "
        "(`Authorization: Bearer rsh_…`, create one with `roshan token create` or on the "
        "Account page) or with the browser session (then send the `X-CSRF-Token` header "
        "on every POST/PATCH/DELETE).",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(csrf_protect)],
        lifespan=lifespan,
    )
    app.state.ws = ws
    app.state.settings = settings
    app.state.codec = SessionCodec(
        settings.secret_key or workspace_secret(ws.root), settings.session_max_age
    )
    app.state.ip_throttle = Throttle(settings.ip_attempts, settings.ip_window_seconds)
    # per username too (known or not), so a shared proxy address cannot lock out a team
    app.state.name_throttle = Throttle(settings.ip_attempts, settings.ip_window_seconds)
    app.state.unknown_names = FailureCounter(settings.lockout_threshold, settings.lockout_seconds)
    app.state.user_cache = UserCache()
    app.state.jobs = JobRunner(ws, settings.job_workers)
    app.state.request_log = request_logger(ws.root, settings)
    app.state.uploads_dir = ws.root / "uploads"
    app.state.uploads_dir.mkdir(exist_ok=True)
    from roshan.web.routes.imports import expire_uploads

    expire_uploads(app.state.uploads_dir, settings.upload_ttl_seconds)

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    from roshan.web.auth import current_user

    @app.get("/api/openapi.json", include_in_schema=False)
    async def _openapi(user: Any = Depends(current_user)) -> JSONResponse:
        """The OpenAPI document, for signed-in users and tokens only."""
        return JSONResponse(app.openapi())

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
        request.state.session_token = None
        if data is not None and "sid" in data:  # a server-side session (roshan.web.sessions)
            token = data.get("sid") if isinstance(data.get("sid"), str) else None
            data = sessions.load(ws, token)
            request.state.session_token = token if data is not None else None
        fresh = data is None
        if fresh:
            data = {"csrf": new_csrf_token()}
        request.state.session = data
        request.state.session_dirty = fresh and not request.headers.get(
            "authorization", ""
        ).lower().startswith("bearer ")
        try:
            response: Response = await call_next(request)
        except Exception as exc:  # noqa: BLE001 - every error answer carries the headers
            log_crash(request, exc)
            response = _error(request, 500, "internal server error")
        if getattr(request.state, "session_dirty", False):
            set_session_cookie(request, response, request.state.session)
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        if not path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        ms = (time.perf_counter() - started) * 1000
        log.info("%s %s %s %.0fms", request.method, path, response.status_code, ms)
        request.app.state.request_log.info(
            "%s %s %s %.0fms", request.method, path[:300], response.status_code, ms
        )
        return response

    app.add_middleware(BodyLimit, settings=settings)

    @app.exception_handler(NotSignedIn)
    async def _to_login(request: Request, exc: NotSignedIn) -> Response:
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return _error(request, exc.status_code, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(RoshanError)
    async def _user_error(request: Request, exc: RoshanError) -> Response:
        from roshan.link import ReviewConflictError

        code = 409 if isinstance(exc, ReviewConflictError) else 400
        return _error(request, code, str(exc).splitlines()[0][:500])

    @app.exception_handler(RecursionError)
    async def _too_deep(request: Request, exc: RecursionError) -> Response:
        return _error(request, 400, "the input is nested too deeply")

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        if request.url.path.startswith("/api/"):
            # The offending input is not echoed back (it may be a name).
            errs = [
                {
                    "loc": list(e.get("loc", ())),
                    "msg": str(e.get("msg")),
                    "type": str(e.get("type")),
                }
                for e in exc.errors()
            ]
            return JSONResponse({"detail": errs}, status_code=422)
        return _error(request, 422, "the form is incomplete or malformed")

    return app


def log_crash(request: Request, exc: BaseException) -> None:
    """Log an unexpected error: method, path, the exception's type and where it was raised.

    Never the exception's message or the request (either may carry a name or a body).
    """
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)[-6:]
    where = " < ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(frames))
    log.error("%s %s failed: %s at %s", request.method, request.url.path, type(exc).__name__, where)


def _plain(status: int, message: str) -> Response:
    resp = JSONResponse({"detail": message}, status_code=status)
    for key, value in SECURITY_HEADERS.items():
        resp.headers[key] = value
    return resp


def _error(
    request: Request, status: int, message: str, headers: dict[str, str] | None = None
) -> Response:
    if request.url.path.startswith("/api/") or request.url.path.startswith("/static/"):
        return JSONResponse({"detail": message}, status_code=status, headers=headers)
    from roshan.web.routes.common import render

    key = MESSAGE_KEYS.get(message.rstrip(".").lower())
    if key is None and message.startswith("no such "):
        key = "err_404"
    return render(
        request,
        "error.html",
        {"status": status, "message": message, "message_key": key},
        status_code=status,
        headers=headers,
    )


#: The app's own error messages that have a translation (strings.toml), by their English text.
MESSAGE_KEYS: dict[str, str] = {
    "internal server error": "err_500",
    "the input is nested too deeply": "msg_too_deep",
    "your role does not allow this": "msg_role",
    "your role does not allow this export": "msg_role",
    "your role exports aggregates at the public level only": "msg_role",
    "missing or wrong csrf token; reload the page and try again": "msg_csrf",
    "cross-site request refused": "msg_cross_site",
    "the current password is wrong": "msg_wrong_password",
    "that code is not valid; try the current one": "msg_bad_totp",
    "the form is incomplete or malformed": "err_422",
    "this is the last active admin: make another admin first": "msg_last_admin",
    "this pair is not in the review queue": "msg_not_in_queue",
}


def set_session_cookie(request: Request, response: Response, data: dict[str, Any]) -> None:
    """Write the session cookie: Secure (unless turned off), HttpOnly, SameSite=Strict.

    A signed-in session (or one with a pending step or secret) is stored server-side and
    the cookie holds only its random token; an anonymous one keeps its CSRF token and
    language in the signed cookie. Ending a server-side session deletes its row.
    """
    settings: WebSettings = request.app.state.settings
    ws = request.app.state.ws
    token = getattr(request.state, "session_token", None)
    if sessions.needs_server(data):
        if getattr(request.state, "session_rotate", False):
            sessions.end(ws, token)  # a new token at sign-in: no session fixation
            token = None
        token = sessions.save(ws, token, data, settings.session_max_age)
        request.state.session_token = token
        value = request.app.state.codec.dumps({"sid": token})
    else:
        if token:
            sessions.end(ws, token)
            request.state.session_token = None
        value = request.app.state.codec.dumps(
            {k: data[k] for k in sessions.COOKIE_KEYS if data.get(k) is not None}
        )
    response.set_cookie(
        SESSION_COOKIE,
        value,
        max_age=settings.session_max_age,
        httponly=True,
        secure=settings.secure_cookies,
        samesite="strict",
        path="/",
    )


def raise_for(status: int, message: str) -> None:
    raise HTTPException(status, message)
