"""``roshan backup`` and ``roshan restore``: encrypted, consistent snapshots of a workspace."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape

from roshan.cli.common import (
    DB_OPT,
    IDENTITY_OPT,
    PASS_OPT,
    WORKSPACE_ARG,
    console,
    json_option,
    print_json,
    progress,
)
from roshan.errors import RoshanError


def _recipients(recipient: list[str], keys: Path | None) -> list[str]:
    out = list(recipient)
    if keys is not None:
        from roshan.intake import load_public

        out.append(load_public(keys).recipient)
    if not out:
        raise RoshanError("give --recipient age1… or --keys DIR (the organisation key directory)")
    return out


def _size(n: int) -> str:
    for unit, step in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if n >= step:
            return f"{n / step:,.1f} {unit}"
    return f"{n:,} bytes"


_STAGES = {
    "tables": "reading tables (rows)",
    "files": "copying files (bytes)",
    "compressed": "compressed",
    "encrypting": "encrypting (bytes)",
}


def backup(
    workspace: Path = WORKSPACE_ARG,
    out: Path = typer.Argument(..., help="Backup file to write (e.g. ws-2026-01-20.roshan.age)."),
    recipient: list[str] = typer.Option(
        [], "--recipient", "-r", help="age recipient (age1…); repeatable."
    ),
    keys: Path | None = typer.Option(
        None, "--keys", help="Organisation key directory: encrypt to its recipient."
    ),
    json_out: bool = json_option("Print what the backup holds as JSON."),
) -> None:
    """Write an encrypted, compressed, consistent snapshot of the workspace (safe while it
    is in use)."""
    from roshan.store import Workspace, expected_size
    from roshan.store import backup_workspace as do_backup

    recipients = _recipients(recipient, keys)
    with Workspace.open(workspace) as ws:
        data = expected_size(ws)
        console.print(
            f"backing up {escape(str(ws.root))}: {_size(data)} of workspace data; "
            "the backup is compressed, so expect it to be smaller than that; its "
            "size is printed once it is compressed",
            soft_wrap=True,
        )
        with progress(enabled=True) as prog:
            tasks: dict[str, Any] = {}

            def on_progress(stage: str, done: int, total: int | None) -> None:
                if stage == "compressed":
                    console.print(
                        f"compressed to {_size(done)}: the encrypted backup will be "
                        f"{_size(done)} (plus a few bytes per 64 KB)",
                        soft_wrap=True,
                    )
                    return
                if stage not in tasks:
                    tasks[stage] = prog.add_task(_STAGES.get(stage, stage), total=total)
                prog.update(tasks[stage], completed=done, total=total)

            def on_wait(reason: str) -> None:
                console.print(
                    f"waiting for {reason} to finish; the backup is written and "
                    "will be recorded in the audit log then…",
                    soft_wrap=True,
                )

            info = do_backup(ws, out, recipients, on_progress=on_progress, on_wait=on_wait)
    if json_out:
        print_json(info.to_dict())
    else:
        total = sum(info.tables.values())
        console.print(
            f"backup written: {escape(str(out))} ({_size(info.bytes)}, compressed "
            f"from {_size(info.uncompressed_bytes)}; {total:,} rows in "
            f"{len(info.tables)} tables, {info.files} files)",
            soft_wrap=True,
        )


def restore(
    backup_file: Path = typer.Argument(..., help="Backup file written by `roshan backup`."),
    target: Path = typer.Argument(
        ..., help="Folder for the restored workspace (must not be a workspace yet)."
    ),
    db: str | None = DB_OPT,
    identity: Path | None = IDENTITY_OPT,
    keys: Path | None = typer.Option(
        None,
        "--keys",
        help="Organisation key directory (its "
        "passphrase from --passphrase-file, else "
        "$ROSHAN_KEY_PASSPHRASE, else asked).",
    ),
    passphrase_file: Path | None = PASS_OPT,
    json_out: bool = json_option("Print the result as JSON."),
) -> None:
    """Restore a backup into a new workspace; then `roshan ledger verify` proves it unchanged."""
    from roshan.store import restore_workspace as do_restore

    identities = []
    if identity is not None:
        from roshan.intake import load_identity_file

        identities.append(load_identity_file(identity))
    if keys is not None:
        from roshan.cli.keys import PASS_ENV, read_passphrase
        from roshan.intake import unlock

        if (
            passphrase_file is None
            and not os.environ.get(PASS_ENV)
            and os.environ.get("ROSHAN_PASSPHRASE")
        ):
            passphrase = os.environ["ROSHAN_PASSPHRASE"]  # the name this command read before
        else:
            passphrase = read_passphrase(passphrase_file)
        identities.append(unlock(keys, passphrase).identity)
    elif passphrase_file is not None:
        raise RoshanError("--passphrase-file unlocks the key directory given with --keys")
    if not identities:
        raise RoshanError("give --identity FILE or --keys DIR to decrypt the backup")
    from roshan.cli.documents import WorkspaceCreated

    with do_restore(backup_file, target, identities, db_url=db) as ws:
        info = WorkspaceCreated.of(ws)
    if json_out:
        print_json(info.to_dict())
    else:
        console.print(f"restored into {escape(info.workspace)} ({escape(info.db)})", soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add this group's commands to the root app."""
    app.command("backup")(backup)
    app.command("restore")(restore)
