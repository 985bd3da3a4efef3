"""Helpers shared by every CLI command module: consoles, JSON output, progress.

Human messages go to stderr (``console``); machine output (``--json``) goes to
stdout as exactly one JSON document (``print_json``).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

# soft_wrap: Rich never inserts line breaks into what it prints, so a value people
# copy (an age1… recipient, a path, a bundle or report id) stays on one line however
# narrow the terminal (issue 16 item 4); the terminal folds long lines for display
# only. Tables and progress bars still lay themselves out to the width.
console = Console(stderr=True, highlight=False, soft_wrap=True)

#: The workspace argument of the commands that work on one.
WORKSPACE_ARG = typer.Argument(..., help="The workspace folder.")
#: The ``--passphrase-file`` option of the commands that unlock a key directory (read
#: with ``roshan.cli.keys.read_passphrase``).
PASS_OPT = typer.Option(None, "--passphrase-file", help="File holding the key passphrase.")
#: The ``--identity`` option of the commands that decrypt with a plain age identity file
#: (read with ``roshan.intake.load_identity_file``) besides, or instead of, ``--keys``.
IDENTITY_OPT = typer.Option(
    None, "--identity", help="Plain age identity file (AGE-SECRET-KEY-…, as age-keygen writes it)."
)
#: The ``--db`` option of the commands that create a workspace (``roshan init``,
#: ``roshan restore``): the database URL given to ``Workspace.init``.
DB_OPT = typer.Option(
    None,
    "--db",
    help="Database URL; default SQLite inside the folder. "
    "PostgreSQL: postgresql://user@host:5432/dbname (an empty database).",
)


def json_option(text: str = "Print the result as JSON on stdout.") -> Any:
    """The ``--json`` flag every command has; ``text`` is its help: what it prints."""
    return typer.Option(False, "--json", help=text)


#: The ``--json`` option of the keys, intake and ledger commands.
JSON_OPT = json_option()


def lang_option(text: str, default: str = "en") -> Any:
    """The ``--lang`` option (en or fa: the language of what a command writes for people);
    ``text`` is its help."""
    return typer.Option(default, "--lang", help=text)


def workspace_or_counts_arg(text: str) -> Any:
    """The optional workspace argument of the commands that read a workspace or, instead, a
    counts table given with :func:`counts_option` (:func:`workspace_or_counts` refuses
    both, or neither); ``text`` is its help."""
    return typer.Argument(None, help=text)


def counts_option(text: str) -> Any:
    """The ``--counts FILE.csv`` option of the commands that read a counts table instead
    of a workspace (:func:`workspace_or_counts` refuses both, or neither); ``text`` is its
    help."""
    return typer.Option(None, "--counts", help=text)


def accept_linkage_risk_option(text: str) -> Any:
    """The ``--accept-linkage-risk`` flag of the commands that estimate from a workspace:
    estimate even though the latest linkage failed its health check
    (:class:`roshan.errors.LinkageRiskError` otherwise); ``text`` is its help."""
    return typer.Option(False, "--accept-linkage-risk", help=text)


def _default(obj: Any) -> Any:
    if isinstance(obj, (date, datetime)):
        return obj.isoformat()
    if isinstance(obj, Path):
        return str(obj)
    if hasattr(obj, "to_dict"):
        return obj.to_dict()
    try:  # numpy scalars
        import numpy as np

        if isinstance(obj, np.integer):
            return int(obj)
        if isinstance(obj, np.floating):
            return float(obj)
        if isinstance(obj, np.ndarray):
            return obj.tolist()
    except ImportError:  # pragma: no cover
        pass
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def print_json(obj: Any) -> None:
    """Print exactly one JSON document on stdout."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=_default, indent=2))
    sys.stdout.write("\n")
    sys.stdout.flush()


def split_list(text: str | None) -> list[str]:
    """The items of a comma-separated option value ("province, period"), blanks dropped."""
    return [p.strip() for p in (text or "").split(",") if p.strip()]


def plural(n: int, one: str, many: str | None = None) -> str:
    """'1 problem', '2 problems' (``many`` for irregular plurals)."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


@contextmanager
def progress(enabled: bool = True, *, in_bytes: bool = False) -> Iterator[Progress]:
    """A Rich progress display on stderr; silent when ``enabled`` is False or not a TTY.

    ``in_bytes``: tasks count bytes (shown as MB done of MB, with the time left)."""
    prog = Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        *((DownloadColumn(), TimeRemainingColumn()) if in_bytes else (MofNCompleteColumn(),)),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not enabled,
    )
    with prog:
        yield prog


@contextmanager
def step(prog: Progress, description: str) -> Iterator[TaskID]:
    """One step of unknown length on ``prog``: a spinner while it runs, marked done after."""
    task = prog.add_task(description, total=None)
    yield task
    prog.update(task, completed=1, total=1)


def workspace_or_counts(workspace: Path | None, counts: Path | None) -> None:
    """Refuse a command given both, or neither, of a workspace and ``--counts FILE.csv``."""
    from roshan.errors import RoshanError

    if (workspace is None) == (counts is None):
        raise RoshanError("give either a workspace folder or --counts FILE.csv (not both)")
