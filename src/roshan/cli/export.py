"""``roshan export``: write results to files for other tools.

For now ``--what links`` (the record → victim links as CSV). The report engineer
extends this command for victims, records, estimates and counts with redaction.
"""

from __future__ import annotations

from pathlib import Path

import typer

from roshan.cli.common import console, print_json
from roshan.errors import RoshanError

EXPORTS = ("links",)
FORMATS = ("csv",)


def export(
    workspace: Path = typer.Argument(..., help="The workspace folder."),
    what: str = typer.Option(..., "--what", help="What to export: links."),
    fmt: str = typer.Option("csv", "--format", help="File format: csv."),
    out: Path = typer.Option(..., "--out", "-o", help="Output file."),
    json_out: bool = typer.Option(False, "--json", help="Print what was written as JSON."),
) -> None:
    """Export linkage results (links: source,record_id,victim_id,match_probability)."""
    from roshan.store.workspace import Workspace

    if what not in EXPORTS:
        raise RoshanError(f"cannot export {what!r}; choose one of: {', '.join(EXPORTS)}")
    if fmt not in FORMATS:
        raise RoshanError(f"unsupported format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    ws = Workspace.open(workspace)
    try:
        from roshan.link.outputs import links_frame

        frame = links_frame(ws)
    finally:
        ws.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    frame.to_csv(tmp, index=False, float_format="%.6g")
    tmp.replace(out)
    if json_out:
        print_json({"what": what, "format": fmt, "path": str(out), "rows": len(frame)})
        return
    console.print(f"wrote {len(frame):,} {what} to {out}")


def register(app: typer.Typer) -> None:
    """Add this group's commands to the root app."""
    app.command("export")(export)
