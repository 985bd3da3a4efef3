"""Security primitives of the web app: passwords, sessions, CSRF, throttling, TOTP, headers.

* Passwords are hashed with Argon2id (argon2-cffi); hashes are upgraded on login when
  the parameters change.
* The session is a signed cookie (itsdangerous) holding only the user id, the
  time the user's password last changed, a CSRF token and the UI language. A session
  whose password stamp no longer matches the store is refused, so changing a password
  signs out every other session of that user.
* CSRF: every state-changing request authenticated by the session cookie must carry
  the session's CSRF token (form field ``csrf_token`` or header ``X-CSRF-Token``);
  requests with an ``Origin`` header from another site are refused as well.
* Throttling: failed sign-ins lock the account for a while after N failures (stored
  in the ``users`` table, so it holds across restarts and workers) and an in-memory
  sliding window limits attempts per client address.
* Headers: a strict Content-Security-Policy without ``unsafe-inline``, frame denial,
  no MIME sniffing, no referrer, no caching of pages with personal data.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from itsdangerous import BadSignature, URLSafeTimedSerializer

SESSION_COOKIE = "roshan_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SECRET_FILE = "web_secret.key"
MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()


@dataclass
class WebSettings:
    """Tunable settings of the web app (defaults suit a small team server)."""

    secure_cookies: bool = True
    session_max_age: int = 12 * 3600
    max_upload_bytes: int = 50 * 1024 * 1024
    #: Unconfirmed uploads (they hold victims' names) are deleted after this long.
    upload_ttl_seconds: int = 24 * 3600
    lockout_threshold: int = 5
    lockout_seconds: int = 15 * 60
    ip_attempts: int = 30
    ip_window_seconds: int = 300
    job_workers: int = 1
    secret_key: str | None = None
    #: The request log (method, path without the query, status, time; never names or
    #: bodies): ``WS/logs/web-requests.log`` when None; rotated at ``request_log_bytes``
    #: with ``request_log_backups`` old files kept. ``""`` turns it off.
    request_log: str | None = None
    request_log_bytes: int = 10 * 1024 * 1024
    request_log_backups: int = 5
    #: Addresses of reverse proxies whose ``X-Forwarded-For`` is believed (the client
    #: address for throttling is then the last address the proxy added). Empty: the
    #: connection's address is used and forwarded headers are ignored. Default from
    #: ``ROSHAN_TRUSTED_PROXIES`` (comma-separated), e.g. ``127.0.0.1``.
    trusted_proxies: tuple[str, ...] = field(
        default_factory=lambda: tuple(
            a.strip() for a in os.environ.get("ROSHAN_TRUSTED_PROXIES", "").split(",") if a.strip()
        )
    )


def hash_password(password: str) -> str:
    """An Argon2id hash of ``password``."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches ``password_hash`` (never raises on a bad hash)."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with older Argon2 parameters."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def check_password_strength(password: str) -> str | None:
    """A reason the password is too weak, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"a password needs at least {MIN_PASSWORD_LENGTH} characters"
    if len(set(password)) < 4:
        return "a password needs more different characters"
    return None


def workspace_secret(root: Path) -> str:
    """The workspace's session-signing key, created (mode 0600) on first use."""
    path = Path(root) / SECRET_FILE
    if path.is_file():
        return path.read_text(encoding="ascii").strip()
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key)
    return key


class SessionCodec:
    """Signs and reads the session cookie (a small dict)."""

    def __init__(self, secret: str, max_age: int) -> None:
        self._s = URLSafeTimedSerializer(secret, salt="roshan-session")
        self.max_age = max_age

    def dumps(self, data: dict[str, Any]) -> str:
        return self._s.dumps(data)

    def loads(self, raw: str | None) -> dict[str, Any] | None:
        if not raw:
            return None
        try:
            data = self._s.loads(raw, max_age=self.max_age)
        except BadSignature:
            return None
        return data if isinstance(data, dict) else None


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def csrf_matches(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison of CSRF tokens."""
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))


def password_stamp(changed_at: Any) -> str:
    """A short fingerprint of the user's password-change time, kept in the session."""
    return hashlib.sha256(str(changed_at.timestamp() if changed_at else "").encode()).hexdigest()[
        :16
    ]


def new_api_token() -> tuple[str, str]:
    """A fresh API token (shown once) and the hash the store keeps."""
    token = "rsh_" + secrets.token_urlsafe(32)
    return token, hash_api_token(token)


def hash_api_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(secret: str, username: str, issuer: str = "roshan") -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=issuer)


def verify_totp(secret: str, code: str) -> bool:
    """True when ``code`` is the current (±1 step) TOTP code for ``secret``."""
    return totp_step(secret, code) is not None


def totp_step(
    secret: str, code: str, *, after: int | None = None, now: float | None = None
) -> int | None:
    """The time step (±1 around now) whose TOTP code is ``code``, or None.

    ``after``: the last step already accepted for this user; a code of that step or
    an earlier one is refused, so a code cannot be used twice (RFC 6238 §5.2).
    """
    code = "".join(ch for ch in str(code) if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    current = int((time.time() if now is None else now) // totp.interval)
    for step in (current - 1, current, current + 1):
        if after is not None and step <= after:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


class FailureCounter:
    """Failed sign-ins per username in a window, in memory (for names with no account).

    An account that exists is locked in the store after ``limit`` failures; a name
    with no account is "locked" here after as many, so the two answer alike and the
    answers do not tell which usernames exist.
    """

    def __init__(self, limit: int, window: float, max_names: int = 100_000) -> None:
        self.limit, self.window, self.max_names = limit, window, max_names
        self._fails: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _key(name: str) -> str:
        return hashlib.sha256((name or "").strip().lower()[:200].encode("utf-8")).hexdigest()

    def _live(self, key: str, now: float) -> deque[float]:
        q = self._fails.get(key) or deque()
        while q and now - q[0] > self.window:
            q.popleft()
        return q

    def locked(self, name: str) -> bool:
        with self._lock:
            return len(self._live(self._key(name), time.monotonic())) >= self.limit

    def fail(self, name: str) -> bool:
        """Count one failure; True when the name is now locked."""
        now = time.monotonic()
        key = self._key(name)
        with self._lock:
            if len(self._fails) >= self.max_names and key not in self._fails:
                self._fails.clear()  # a flood of random names: start again (memory bound)
            q = self._live(key, now)
            q.append(now)
            self._fails[key] = q
            return len(q) >= self.limit


class Throttle:
    """Sliding-window limit of attempts per key (client address), in memory."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit, self.window = limit, window
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Count one attempt; False when the key is over its limit."""
        now = time.monotonic()
        with self._lock:
            q = self._hits.setdefault(key, deque())
            while q and now - q[0] > self.window:
                q.popleft()
            if len(q) >= self.limit:
                return False
            q.append(now)
            return True

    def reset(self, key: str) -> None:
        with self._lock:
            self._hits.pop(key, None)


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)

SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
