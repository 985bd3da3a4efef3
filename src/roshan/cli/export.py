"""``roshan export``: write results to files for other tools, redacted on request.

``--what victims|records|links|estimates|counts`` as ``--format
csv|xlsx|json|parquet``; ``--redact none|internal|public`` (rules in
docs/reporting.md). ``--what links --format csv`` keeps exactly the columns
``source,record_id,victim_id,match_probability``; ``--what counts`` is the
capture-history table ``roshan estimate --counts`` reads.
"""

from __future__ import annotations

from pathlib import Path

import typer

from roshan.cli.common import WORKSPACE_ARG, console, json_option, print_json, split_list


def export(
    workspace: Path = WORKSPACE_ARG,
    what: str = typer.Option(
        ..., "--what", help="What to export: victims, records, links, estimates or counts."
    ),
    fmt: str = typer.Option("csv", "--format", help="File format: csv, xlsx, json or parquet."),
    out: Path = typer.Option(..., "--out", "-o", help="Output file."),
    redact: str = typer.Option(
        "none",
        "--redact",
        help="none, internal (drops witness/source references and notes) or "
        "public (also anonymises sources, drops record ids, free text and names, suppresses "
        "small cells).",
    ),
    min_cell: int = typer.Option(
        5, "--min-cell", help="With --redact public: suppress aggregate cells of fewer people."
    ),
    names: str = typer.Option(
        "drop", "--names", help="With --redact public: drop (default) or keep victims' names."
    ),
    by: str | None = typer.Option(
        None, "--by", help="With --what counts: stratum columns, e.g. province,period."
    ),
    json_out: bool = json_option("Print what was written as JSON."),
) -> None:
    """Export results (links: source,record_id,victim_id,match_probability)."""
    from roshan.errors import RoshanError
    from roshan.report import FORMATS, WHATS, export_frame, write_export
    from roshan.store import Workspace

    if what not in WHATS:
        raise RoshanError(f"cannot export {what!r}; choose one of: {', '.join(WHATS)}")
    if fmt not in FORMATS:
        raise RoshanError(f"unsupported format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    if names not in ("drop", "keep"):
        raise RoshanError("--names must be drop or keep")
    with Workspace.open(workspace) as ws:
        frame, notes = export_frame(
            ws,
            what,
            redact=redact,
            min_cell=min_cell,
            public_names=names == "keep",
            by=split_list(by) or None,
        )
    path = write_export(frame, notes, what, fmt, out)
    if json_out:
        from roshan.cli.documents import ExportWritten

        print_json(
            ExportWritten(what=what, format=fmt, path=str(path), rows=len(frame), **notes).to_dict()
        )
        return
    extra = f"; {notes['suppressed']} small cell(s) suppressed" if notes["suppressed"] else ""
    console.print(f"wrote {len(frame):,} {what} to {path} (redaction: {notes['redact']}{extra})")


def register(app: typer.Typer) -> None:
    """Add this group's commands to the root app."""
    app.command("export")(export)
