"""``roshan user add|list|passwd|set``, ``roshan token create`` and ``roshan serve``."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roshan.cli.main import app


@pytest.fixture
def ws_path(sqlite_ws) -> Path:
    return sqlite_ws.root


def invoke(*args: str, input: str | None = None):
    return CliRunner().invoke(app, list(args), input=input)


def test_user_commands(ws_path: Path, sqlite_ws) -> None:
    from roshan.web.routes.auth import check_credentials
    from roshan.web.security import WebSettings

    r = invoke(
        "user",
        "add",
        str(ws_path),
        "lead",
        "--role",
        "admin",
        "--password-stdin",
        "--json",
        input="lead-password-01\n",
    )
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["role"] == "admin"
    r = invoke(
        "user",
        "add",
        str(ws_path),
        "rev",
        "--role",
        "reviewer",
        input="rev-password-001\nrev-password-001\n",
    )
    assert r.exit_code == 0, r.output
    r = invoke("user", "list", str(ws_path), "--json")
    users = json.loads(r.stdout)
    assert [(u["username"], u["role"]) for u in users] == [("lead", "admin"), ("rev", "reviewer")]
    assert "password" not in r.stdout and "hash" not in r.stdout
    r = invoke(
        "user", "passwd", str(ws_path), "rev", "--password-stdin", input="another-pass-002\n"
    )
    assert r.exit_code == 0
    settings = WebSettings()
    assert check_credentials(sqlite_ws, settings, "rev", "rev-password-001")[0] is None
    assert check_credentials(sqlite_ws, settings, "rev", "another-pass-002")[0] is not None
    r = invoke("user", "set", str(ws_path), "rev", "--role", "viewer", "--inactive")
    assert r.exit_code == 0 and "viewer, inactive" in r.output
    r = invoke("token", "create", str(ws_path), "lead", "--name", "ci", "--json")
    tok = json.loads(r.stdout)
    assert tok["token"].startswith("rsh_") and tok["user"] == "lead"


def test_user_errors_are_one_line(ws_path: Path) -> None:
    from roshan.errors import RoshanError

    for args, stdin in (
        (
            ["user", "add", str(ws_path), "x1", "--role", "boss", "--password-stdin"],
            "long-password-1\n",
        ),
        (["user", "add", str(ws_path), "x2", "--password-stdin"], "short\n"),
        (["user", "passwd", str(ws_path), "nobody", "--password-stdin"], "long-password-1\n"),
    ):
        r = invoke(*args, input=stdin)
        assert isinstance(r.exception, RoshanError), args  # the CLI door turns it into exit 2
    # one real process through the door: one line on stderr, exit code 2, no traceback
    env = {**os.environ, "ROSHAN_ACTOR": "test"}
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "roshan.cli.main",
            "user",
            "add",
            str(ws_path),
            "x1",
            "--role",
            "boss",
            "--password-stdin",
        ],
        input="long-password-1\n",
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert p.returncode == 2, p.stderr
    assert "Traceback" not in p.stderr and p.stderr.strip().count("\n") == 0
    assert "unknown role" in p.stderr


def test_serve_answers_on_loopback(ws_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "roshan.cli.main", "serve", str(ws_path), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as r:
                    body, headers = r.read().decode(), r.headers
                break
            except OSError:
                assert proc.poll() is None, proc.stderr.read()
                assert time.monotonic() < deadline, "serve did not answer"
                time.sleep(0.3)
        assert 'name="csrf_token"' in body
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers.get("Server") is None
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=20)
    assert "roshan user add" in err  # tells the operator how to make the first admin
    assert "GET /login" not in err  # no access log
