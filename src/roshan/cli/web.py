"""``roshan serve`` and the account commands: ``user add|list|passwd|set``, ``token create``.

The first account is made with ``roshan user add WS NAME --role admin``; the
password is asked twice on the terminal (or read from stdin with
``--password-stdin`` for scripts) and never appears on the command line.
"""

from __future__ import annotations

import ipaddress
import sys
import threading
from pathlib import Path

import typer

from roshan.cli.common import WORKSPACE_ARG, console, json_option, print_json
from roshan.errors import RoshanError

user_app = typer.Typer(help="Team accounts of the web app.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens for scripts.", no_args_is_help=True)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        pw = sys.stdin.readline().rstrip("\r\n")
    else:
        pw = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    if not pw:
        raise RoshanError("no password given")
    return pw


def serve(
    workspace: Path = WORKSPACE_ARG,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    insecure_cookies: bool = typer.Option(
        False,
        "--insecure-cookies",
        help="Send the session cookie over plain HTTP too "
        "(only for a trusted network without HTTPS; browsers treat 127.0.0.1 as secure).",
    ),
    max_upload_mb: int = typer.Option(50, "--max-upload-mb", min=1, help="Upload size limit."),
) -> None:
    """Run the web app for a documentation team (FastAPI + uvicorn)."""
    import uvicorn

    from roshan.store import Workspace
    from roshan.web.accounts import count_users
    from roshan.web.app import create_app
    from roshan.web.security import WebSettings

    ws = Workspace.open(workspace)
    if count_users(ws) == 0:
        console.print(
            "no accounts yet: create the first admin with "
            f"`roshan user add {workspace} NAME --role admin`"
        )
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        console.print(
            "[yellow]listening beyond this machine: put the app behind an HTTPS "
            "reverse proxy; the session cookie is Secure-only[/]"
        )
    settings = WebSettings(
        secure_cookies=not insecure_cookies, max_upload_bytes=max_upload_mb * 1024 * 1024
    )
    app = create_app(ws, settings=settings)
    # The review queue's analysis of the link snapshots takes seconds at 100,000 records:
    # make it now, in the background, rather than on the first reviewer's request.
    from roshan.link import warm_review_cache

    threading.Thread(
        target=warm_review_cache, args=(ws,), daemon=True, name="roshan-warm-review"
    ).start()
    console.print(f"roshan web app on http://{host}:{port}/ (Ctrl-C to stop)")
    # access_log off: uvicorn would log query strings, and searches carry names.
    uvicorn.run(
        app,
        host=host,
        port=port,
        access_log=False,
        log_level="warning",
        server_header=False,
        proxy_headers=False,
    )


#: The login name the ``roshan user`` commands act on.
USERNAME_ARG = typer.Argument(..., help="Login name.")
PASSWORD_STDIN_OPT = typer.Option(
    False, "--password-stdin", help="Read the password from the first line of stdin."
)


@user_app.command("add")
def user_add(
    workspace: Path = WORKSPACE_ARG,
    username: str = USERNAME_ARG,
    role: str = typer.Option("viewer", "--role", help="admin, analyst, reviewer or viewer."),
    password_stdin: bool = PASSWORD_STDIN_OPT,
    json_out: bool = json_option("Print the new account as JSON."),
) -> None:
    """Add a team account (the first one should be an admin)."""
    from roshan.store import Workspace, actor_name
    from roshan.web.accounts import create_user

    with Workspace.open(workspace) as ws:
        uid = create_user(ws, username, _read_password(password_stdin), role, actor=actor_name())
    if json_out:
        from roshan.cli.documents import AccountAdded

        print_json(AccountAdded(id=uid, username=username, role=role).to_dict())
    else:
        console.print(f"added {role} {username!r} (id {uid})")


@user_app.command("list")
def user_list(
    workspace: Path = WORKSPACE_ARG,
    json_out: bool = json_option("Print the accounts as JSON."),
) -> None:
    """List team accounts."""
    from roshan.store import Workspace
    from roshan.web.accounts import list_users

    with Workspace.open(workspace) as ws:
        users = list_users(ws)
    if json_out:
        from roshan.cli.documents import Account

        print_json([Account(**u).to_dict() for u in users])
        return
    for u in users:
        state = "active" if u["active"] else "inactive"
        console.print(
            f"{u['id']:>4}  {u['username']:<24} {u['role']:<9} {state}"
            f"{'  totp' if u['totp'] else ''}",
            markup=False,
        )


@user_app.command("passwd")
def user_passwd(
    workspace: Path = WORKSPACE_ARG,
    username: str = USERNAME_ARG,
    password_stdin: bool = PASSWORD_STDIN_OPT,
) -> None:
    """Set a user's password (signs them out everywhere and clears a lockout)."""
    from roshan.store import Workspace, actor_name
    from roshan.web.accounts import set_password

    with Workspace.open(workspace) as ws:
        set_password(ws, username, _read_password(password_stdin), actor=actor_name())
    console.print(f"password of {username!r} changed; their sessions are signed out")


@user_app.command("set")
def user_set(
    workspace: Path = WORKSPACE_ARG,
    username: str = USERNAME_ARG,
    role: str | None = typer.Option(None, "--role", help="New role."),
    active: bool | None = typer.Option(None, "--active/--inactive", help="(De)activate."),
    reset_totp: bool = typer.Option(False, "--reset-totp", help="Remove the second factor."),
) -> None:
    """Change a user's role, active state or second factor."""
    from roshan.store import Workspace, actor_name
    from roshan.web.accounts import update_user, user_id_of

    with Workspace.open(workspace) as ws:
        out = update_user(
            ws,
            user_id_of(ws, username),
            actor=actor_name(),
            role=role,
            active=active,
            reset_totp=reset_totp,
        )
    console.print(f"{out['username']}: {out['role']}, {'active' if out['active'] else 'inactive'}")


@token_app.command("create")
def token_create(
    workspace: Path = WORKSPACE_ARG,
    username: str = typer.Argument(..., help="Whose token (it has that user's role)."),
    name: str = typer.Option("script", "--name", help="A label for the token."),
    json_out: bool = json_option("Print the token as JSON."),
) -> None:
    """Create an API token; it is printed once on stdout and stored only as a hash."""
    from roshan.store import Workspace, actor_name
    from roshan.web.accounts import user_id_of
    from roshan.web.routes.auth import create_token

    with Workspace.open(workspace) as ws:
        token_id, token = create_token(ws, user_id_of(ws, username), name, actor_name())
    if json_out:
        from roshan.cli.documents import TokenCreated

        print_json(TokenCreated(id=token_id, name=name, user=username, token=token).to_dict())
    else:
        console.print("store this token now; it is not shown again:")
        sys.stdout.write(token + "\n")


def register(app: typer.Typer) -> None:
    """Add this group's commands to the root app."""
    app.command("serve")(serve)
    app.add_typer(user_app, name="user")
    app.add_typer(token_app, name="token")
