"""``roshan init`` and ``roshan status``: create a workspace and see what it holds."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from roshan.cli.common import DB_OPT, WORKSPACE_ARG, console, json_option, print_json


def init(
    path: Path = typer.Argument(..., help="Folder for the new workspace (created if missing)."),
    db: str | None = DB_OPT,
    json_out: bool = json_option("Print the result as JSON."),
) -> None:
    """Create a workspace: a config file plus the store, migrated to the latest schema."""
    from roshan.cli.documents import WorkspaceCreated
    from roshan.store import Workspace

    with Workspace.init(path, db) as ws:
        info = WorkspaceCreated.of(ws)
    if json_out:
        print_json(info.to_dict())
    else:
        console.print(
            f"created workspace [bold]{escape(info.workspace)}[/] ({escape(info.db)})",
            soft_wrap=True,
        )


def status(
    path: Path = WORKSPACE_ARG,
    json_out: bool = json_option("Print the counts as JSON."),
    check: bool = typer.Option(
        False,
        "--check",
        help="Also check the store's consistency "
        "invariants (after a crash); exit 1 if any is broken.",
    ),
) -> None:
    """Show what the store holds: sources, imports, raw rows, records, rejected rows."""
    from roshan.cli.documents import WorkspaceStatus
    from roshan.store import Workspace, check_store, reap_dead_link_runs, workspace_status

    with Workspace.open(path) as ws:  # marks link runs whose process died as failed
        reaped = list(ws.reaped_link_runs)
        if check:
            reaped += reap_dead_link_runs(ws)
        info = workspace_status(ws)
        problems = check_store(ws) if check else None
    if problems is not None:
        info["consistent"] = not problems
        info["problems"] = problems
    if reaped:
        info["link_runs_marked_failed"] = reaped
    if json_out:
        print_json(WorkspaceStatus(**info).to_dict())
        if problems:
            raise typer.Exit(1)
        return
    console.print(
        f"workspace [bold]{escape(info['workspace'])}[/] ({info['backend']}, "
        f"schema {info['schema']})",
        soft_wrap=True,
    )
    for key in ("sources", "imports", "raw_rows", "records", "rejected", "victims"):
        console.print(f"  {key.replace('_', ' '):<10} {info[key]:>10,}")
    console.print(
        f"  {'link runs':<10} {info['link_runs']:>10,}"
        + (f" ({info['link_runs_running']:,} running)" if info["link_runs_running"] else "")
    )
    for run_id in reaped:
        console.print(
            f"  link run {run_id} marked failed: its process ended without finishing (killed?)",
            soft_wrap=True,
        )
    if info["by_source"]:
        table = Table("source", "kind", "records", "rejected", title="by source")
        for s in info["by_source"]:
            table.add_row(s["source"], s["kind"], f"{s['records']:,}", f"{s['rejected']:,}")
        console.print(table)
    if problems is not None:
        if not problems:
            console.print("store consistent: every invariant holds")
        for p in problems:
            console.print(f"[red]inconsistent:[/] {p}", markup=True)
        if problems:
            raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add this group's commands to the root app."""
    app.command("init")(init)
    app.command("status")(status)
