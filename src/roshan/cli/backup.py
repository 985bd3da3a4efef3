"""``roshan backup`` and ``roshan restore``: encrypted, consistent snapshots of a workspace."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from roshan.cli.common import console, print_json
from roshan.errors import RoshanError


def _recipients(recipient: list[str], keys: Path | None) -> list[str]:
    out = list(recipient)
    if keys is not None:
        from roshan.intake.keys import load_public

        out.append(load_public(keys).recipient)
    if not out:
        raise RoshanError("give --recipient age1… or --keys DIR (the organisation key directory)")
    return out


def backup(
    workspace: Path = typer.Argument(..., help="The workspace folder."),
    out: Path = typer.Argument(..., help="Backup file to write (e.g. ws-2026-01-20.roshan.age)."),
    recipient: list[str] = typer.Option([], "--recipient", "-r", help="age recipient (age1…); repeatable."),
    keys: Path | None = typer.Option(None, "--keys", help="Organisation key directory: encrypt to its recipient."),
    json_out: bool = typer.Option(False, "--json", help="Print what the backup holds as JSON."),
) -> None:
    """Write an encrypted, consistent snapshot of the workspace (safe while it is in use)."""
    from roshan.store.backup import backup as do_backup
    from roshan.store.workspace import Workspace

    ws = Workspace.open(workspace)
    try:
        info = do_backup(ws, out, _recipients(recipient, keys))
    finally:
        ws.close()
    if json_out:
        print_json(info.to_dict())
    else:
        total = sum(info.tables.values())
        console.print(f"backup written: {out} ({total:,} rows in {len(info.tables)} tables, {info.files} files)")


def restore(
    backup_file: Path = typer.Argument(..., help="Backup file written by `roshan backup`."),
    target: Path = typer.Argument(..., help="Folder for the restored workspace (must not be a workspace yet)."),
    db: str | None = typer.Option(None, "--db", help="Restore into this (empty) PostgreSQL database."),
    identity: Path | None = typer.Option(None, "--identity", help="age identity file (AGE-SECRET-KEY-…)."),
    keys: Path | None = typer.Option(None, "--keys", help="Organisation key directory (asks for its passphrase)."),
    json_out: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Restore a backup into a new workspace; then `roshan ledger verify` proves it unchanged."""
    from roshan.store.backup import restore as do_restore

    identities = []
    if identity is not None:
        from roshan.intake.keys import load_identity_file

        identities.append(load_identity_file(identity))
    if keys is not None:
        from roshan.intake.keys import unlock

        passphrase = os.environ.get("ROSHAN_PASSPHRASE") or typer.prompt("passphrase", hide_input=True)
        identities.append(unlock(keys, passphrase).identity)
    if not identities:
        raise RoshanError("give --identity FILE or --keys DIR to decrypt the backup")
    ws = do_restore(backup_file, target, identities, db_url=db)
    info = {"workspace": str(ws.root), "workspace_id": ws.id, "db": ws.db_url}
    ws.close()
    if json_out:
        print_json(info)
    else:
        console.print(f"restored into {info['workspace']} ({info['db']})")


def register(app: typer.Typer) -> None:
    """Add this group's commands to the root app."""
    app.command("backup")(backup)
    app.command("restore")(restore)
