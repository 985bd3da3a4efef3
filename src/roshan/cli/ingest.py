"""``roshan ingest``: load a list file into a workspace with full provenance."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from roshan.canonical import SourceKind
from roshan.cli.common import WORKSPACE_ARG, console, json_option, print_json, progress


def ingest(
    workspace: Path = WORKSPACE_ARG,
    file: Path = typer.Argument(..., help="CSV, TSV, XLSX, JSON or JSONL list."),
    source: str = typer.Option(
        ..., "--source", "-s", help="Name of the source that made the list."
    ),
    kind: SourceKind = typer.Option(
        SourceKind.OTHER, "--kind", help="Kind of source (for a new source)."
    ),
    mapping: Path | None = typer.Option(
        None,
        "--mapping",
        "-m",
        help="TOML/YAML file mapping the file's headers to canonical fields.",
    ),
    strict: bool = typer.Option(False, "--strict", help="Refuse the whole file if any row is bad."),
    encoding: str | None = typer.Option(
        None, "--encoding", help="Force an encoding (utf-8, utf-16, windows-1256); default: detect."
    ),
    sheet: str | None = typer.Option(
        None,
        "--sheet",
        help="XLSX sheet to read on its own (default: the first sheet with a name column, "
        "and the sheets with its columns); each sheet of a workbook can be imported so.",
    ),
    place: str | None = typer.Option(
        None,
        "--place",
        help="Where the whole list comes from (a morgue's or hospital's city, e.g. "
        "Tehran): given to its records that name no place of their own, for linkage.",
    ),
    json_out: bool = json_option("Print the import result as JSON."),
) -> None:
    """Ingest one list: every row kept verbatim; bad rows kept and reported by row and field."""
    from roshan.ingest import ingest_file
    from roshan.normalize import place_of_list
    from roshan.store import Workspace

    if place is not None:
        known = place_of_list(place)  # the place normalisation will give the records
        if not (known.city or known.province_code):
            raise typer.BadParameter(
                f"{place!r} is not a place roshan knows; try `roshan normalize place` "
                "with another spelling, or a province",
                param_hint="--place",
            )

    with Workspace.open(workspace) as ws:
        # Progress is drawn on stderr, and only on a terminal: --json's stdout is untouched.
        # A bar over the file's bytes where the reader can tell (CSV, TSV, JSON Lines);
        # the rows stored so far in its description either way.
        with progress(enabled=True, in_bytes=True) as prog:
            name = escape(file.name)
            task = prog.add_task(f"ingesting {name}", total=None)

            def rows_done(n: int) -> None:
                prog.update(task, description=f"ingesting {name}: {n:,} rows stored")

            def bytes_done(done: int, total: int) -> None:
                prog.update(task, completed=done, total=total)

            result = ingest_file(
                ws,
                file,
                source_name=source,
                source_kind=kind,
                mapping_path=mapping,
                strict=strict,
                encoding=encoding,
                sheet=sheet,
                place=place,
                on_progress=rows_done,
                on_bytes=bytes_done,
            )
    if json_out:
        print_json(result.to_dict())
        return
    if result.already_imported:
        console.print(f"{file.name}: already imported (import {result.import_id}); nothing changed")
        return
    console.print(
        f"{file.name}: {result.rows_total:,} rows ({result.encoding}, {result.file_format}) → "
        f"[green]{result.rows_accepted:,} accepted[/], "
        f"[{'red' if result.rows_rejected else 'green'}]{result.rows_rejected:,} rejected[/], "
        f"{result.warnings_count:,} warnings; import {result.import_id}"
    )
    if result.unmapped_columns:
        console.print(f"  kept as extra (unmapped) columns: {', '.join(result.unmapped_columns)}")
    for note in result.notes:
        console.print(f"  note: {note}")
    for issue in result.issues[:20]:
        console.print(f"  {file.name}, row {issue.row}, field {issue.field!r}: {issue.message}")
    if len(result.issues) > 20:
        console.print("  … and more; see `roshan status` or the web app's import page")


def register(app: typer.Typer) -> None:
    """Add this group's commands to the root app."""
    app.command("ingest")(ingest)
