"""``roshan review``: people decide the uncertain matches (terminal or spreadsheet).

Registered from :mod:`roshan.cli.link` (the link group), since review belongs to
linkage: decisions become must-link/cannot-link constraints on every later run.
"""

from __future__ import annotations

from pathlib import Path

import typer

from roshan.cli.common import WORKSPACE_ARG, console, json_option, print_json


def review(
    workspace: Path = WORKSPACE_ARG,
    batch_out: Path | None = typer.Option(
        None,
        "--batch-out",
        help="Write a review batch (.csv or .xlsx) for a spreadsheet instead "
        "of reviewing in the terminal.",
    ),
    batch_in: Path | None = typer.Option(
        None, "--batch-in", help="Import the decisions filled into a review batch file."
    ),
    limit: int = typer.Option(
        50, "--limit", "-n", min=0, help="How many uncertain pairs to show or export."
    ),
    clusters: int = typer.Option(
        20, "--clusters", min=0, help="How many suspicious clusters to show or export."
    ),
    reviewer: str | None = typer.Option(
        None, "--reviewer", help="Your name for the record (default: $ROSHAN_ACTOR or cli:<user>)."
    ),
    bidi: bool = typer.Option(
        True,
        "--bidi/--no-bidi",
        help="Reorder Persian for terminals without bidi support "
        "(turn off in GNOME Terminal, Konsole, mlterm, which reorder themselves).",
    ),
    json_out: bool = json_option("Print the outcome as JSON."),
) -> None:
    """Review uncertain pairs and suspicious clusters: match / not a match / unsure.

    Decisions are stored with reviewer and time and constrain every later `roshan link`.
    """
    from roshan.errors import LinkageError
    from roshan.store import Workspace, actor_name

    if batch_out is not None and batch_in is not None:
        raise LinkageError("give either --batch-out or --batch-in, not both")
    who = (reviewer or actor_name()).strip()
    with Workspace.open(workspace) as ws:
        if batch_out is not None:
            from roshan.link import export_batch

            out = export_batch(ws, batch_out, limit=limit, cluster_limit=clusters, actor=who)
            if json_out:
                print_json(out.to_dict())
            else:
                checks = f"{out.model_checks} model-check pairs first, " if out.model_checks else ""
                console.print(
                    f"wrote {out.rows} item(s) to {out.path} ({checks}"
                    f"{out.uncertain_pairs} uncertain pairs, "
                    f"{out.suspicious_clusters} suspicious clusters); "
                    f"batch {out.batch_id}",
                    soft_wrap=True,
                )
            return
        if batch_in is not None:
            from roshan.link import import_batch

            res = import_batch(ws, batch_in, reviewer=who)
            if json_out:
                print_json(res.to_dict())
            else:
                console.print(
                    f"{batch_in.name}: {res.rows} row(s): {_decided(res.decided)}, "
                    f"{res.blank} blank, {res.unchanged} unchanged, "
                    f"{len(res.conflicts)} conflict(s)"
                )
                if res.conflicts:
                    rows = ", ".join(str(r) for r in res.conflicts[:20])
                    console.print(
                        f"  [yellow]not saved[/] (decided differently by someone else "
                        f"since the batch was made): row(s) {rows}"
                    )
            return
        from roshan.link import SessionSummary, review_queue, run_interactive

        items = review_queue(ws, limit, clusters)
        if not items:
            if json_out:
                print_json(SessionSummary().to_dict())
            else:
                console.print(
                    "nothing to review: no undecided uncertain pairs or suspicious clusters"
                )
            return
        summary = run_interactive(ws, items, reviewer=who, console=console, bidi=bidi)
    if json_out:
        print_json(summary.to_dict())
    else:
        console.print(
            f"reviewed {summary.shown} item(s): {_decided(summary.decided)}, "
            f"{summary.skipped} skipped, {summary.conflicts} conflict(s)"
        )


def _decided(d: dict[str, int]) -> str:
    """How many were decided each way, as the summaries print it."""
    return f"{d['match']} match, {d['non_match']} not a match, {d['unsure']} unsure"


def register(app: typer.Typer) -> None:
    """Add the ``review`` command to the root app (called from roshan.cli.link.register)."""
    app.command("review")(review)
