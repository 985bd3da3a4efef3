"""``roshan normalize``: see what roshan makes of one value, or normalise a workspace.

roshan normalize name  "محمدرضا حسینی" [--json]     (also "Rezaei, Hossein son of Ali")
roshan normalize date  "۱۸ دی ۱۴۰۴"   [--json] [--calendar jalali|gregorian] [--day-first/--month-first]
roshan normalize age   "about 30"      [--json]
roshan normalize place "Lordjan"       [--json]
roshan normalize workspace WS          [--json] [--samples N]
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from roshan.cli.common import WORKSPACE_ARG, console, json_option, print_json

group = typer.Typer(
    name="normalize",
    help="Normalise names, dates, ages and places (one value, or a whole workspace).",
    no_args_is_help=True,
)


_JSON_OPT = json_option("Print JSON on stdout.")


def _show(title: str, data: dict[str, object], json_out: bool) -> None:
    """``data`` as JSON on stdout (``--json``), or as a two-column table titled ``title``."""
    if json_out:
        print_json(data)
        return
    table = Table(title=title, show_header=False)
    for k, v in data.items():
        table.add_row(k, "" if v is None else str(v))
    console.print(table)


def _value_command(name: str, read: str, value_help: str, doc: str) -> None:
    """Add ``roshan normalize NAME VALUE [--json]``: what ``roshan.normalize.<read>`` makes
    of one value, shown by :func:`_show`; ``doc`` is the command's help."""

    def command(
        value: str = typer.Argument(..., help=value_help),
        json_out: bool = _JSON_OPT,
    ) -> None:
        import roshan.normalize  # when the command runs, not when roshan starts

        _show(name, getattr(roshan.normalize, read)(value).to_dict(), json_out)

    command.__name__ = command.__qualname__ = f"{name}_cmd"
    command.__doc__ = doc
    group.command(name)(command)


_value_command(
    "name",
    "normalize_name",
    "A name in Persian or Latin script.",
    """Show the normalised form, cross-script key and romanisation of a name, and the
    title, given, family and father's names roshan reads in it as a full name.""",
)


@group.command("date")
def date_cmd(
    value: str = typer.Argument(..., help="A Jalali or Gregorian date, whole or partial."),
    calendar: str | None = typer.Option(
        None, "--calendar", help="Calendar of the column, if known: jalali or gregorian."
    ),
    day_first: bool | None = typer.Option(
        None, "--day-first/--month-first", help="Day/month order of year-last dates, if known."
    ),
    json_out: bool = _JSON_OPT,
) -> None:
    """Show the ISO date, precision, calendar and ambiguity roshan reads in a date."""
    from roshan.errors import RoshanError
    from roshan.normalize import ColumnHint, parse_date

    if calendar is not None and calendar not in ("jalali", "gregorian"):
        raise RoshanError("--calendar must be jalali or gregorian")
    data = parse_date(value, ColumnHint(calendar, day_first)).to_dict()
    _show("date", data, json_out)


_value_command(
    "age",
    "parse_age",
    "An age as reported: 23, ۲۳, about 30, teenager...",
    "Show the age range roshan reads in a reported age.",
)
_value_command(
    "place",
    "normalize_place",
    "A city, county or province; optionally 'city, province'.",
    "Show the city, county and province roshan resolves a place to, with a confidence.",
)


@group.command("workspace")
def workspace_cmd(
    path: Path = WORKSPACE_ARG,
    samples: int = typer.Option(5, "--samples", min=0, max=50, help="Sample rows to show."),
    json_out: bool = json_option("Print the summary as JSON on stdout."),
) -> None:
    """Normalise a workspace's accepted records into snapshots/normalized.parquet."""
    from roshan.normalize import normalize_workspace, summarize
    from roshan.store import Workspace

    with Workspace.open(path) as ws:
        with console.status("normalising records"):
            out = normalize_workspace(ws)
    info = summarize(out, samples=samples)
    if json_out:
        from roshan.cli.documents import NormalizeSummary

        print_json(NormalizeSummary(**info).to_dict())
        return
    console.print(f"wrote [bold]{info['path']}[/]: {info['records']:,} records")
    table = Table("measure", "value", title="normalisation summary")
    for k, v in info["summary"].items():
        table.add_row(k, f"{v:.1%}" if isinstance(v, float) else str(v))
    console.print(table)
    if info["samples"]:
        cols = list(info["samples"][0].keys())
        st = Table(*cols, title="sample rows")
        for row in info["samples"]:
            st.add_row(*("" if row[c] is None else str(row[c]) for c in cols))
        console.print(st)


def register(app: typer.Typer) -> None:
    """Add this group's commands to the root app."""
    app.add_typer(group, name="normalize")
