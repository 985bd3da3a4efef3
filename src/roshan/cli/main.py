"""The ``roshan`` command: one Typer app, one module per command group.

Each module in ``COMMAND_MODULES`` exposes ``register(app)``; this file only
assembles them and turns user errors into one clear line and a non-zero exit.
"""

from __future__ import annotations

import errno
import importlib
import os
import sqlite3
import sys

import typer
from rich.markup import escape

from roshan import __version__
from roshan.cli import helpfmt
from roshan.cli.common import console
from roshan.errors import RoshanError

helpfmt.install()

app = typer.Typer(
    name="roshan",
    help="roshan: turn incomplete, overlapping casualty lists into linked victims and an "
    "honest estimate of the total.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)

# Order here is the order of the pipeline; each module registers its commands.
COMMAND_MODULES = [
    "roshan.cli.demo",  # demo
    "roshan.cli.workspace",  # init, status
    "roshan.cli.simulate",  # simulate
    "roshan.cli.ingest",  # ingest
    "roshan.cli.normalize",  # normalize
    "roshan.cli.link",  # link, review
    "roshan.cli.estimate",  # estimate
    "roshan.cli.report",  # report
    "roshan.cli.export",  # export
    "roshan.cli.keys",  # keys
    "roshan.cli.intake",  # intake
    "roshan.cli.ledger",  # ledger
    "roshan.cli.web",  # serve, user
    "roshan.cli.backup",  # backup, restore
    "roshan.cli.federate",  # federate init/blind/pass/count
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"roshan {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """roshan command line."""


for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(app)


def _exit_now(code: int) -> None:
    """Exit after a user error without running native-library teardown.

    After an error raised mid-stage, worker threads of native engines (DuckDB, numba)
    can still be alive at interpreter shutdown, and their C++ destructors then abort
    the process ("terminate called without an active exception", status -6) after the
    message was printed. Everything was already rolled back, so flush and leave.
    When ``main`` is called in-process (tests drive the real door that way), raise
    SystemExit as usual so the caller survives.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    if "pytest" in sys.modules:
        sys.exit(code)
    os._exit(code)


def click_exceptions() -> tuple[type[BaseException], ...]:
    """The click exception base classes Typer may raise: the ``click`` package's and,
    since Typer 0.22, the copy Typer vendors as ``typer._click``. A Typer upgrade that
    moved them silently turned every usage error into a traceback; both are caught, and
    tests drive the installed script to prove it."""
    found: list[type[BaseException]] = []
    for name in ("click.exceptions", "typer._click.exceptions"):
        try:
            mod = importlib.import_module(name)
        except ImportError:
            continue
        cls = getattr(mod, "ClickException", None)
        if isinstance(cls, type) and cls not in found:
            found.append(cls)
    return tuple(found)


def _is_usage_error(exc: BaseException) -> bool:
    return any(
        k.__name__
        in (
            "UsageError",
            "BadParameter",
            "MissingParameter",
            "NoSuchOption",
            "BadOptionUsage",
            "BadArgumentUsage",
        )
        for k in type(exc).__mro__
    )


def usage_message(exc: BaseException) -> str:
    """One line: the message, and for a usage error where to find help."""
    fmt = getattr(exc, "format_message", None)
    text = fmt() if callable(fmt) else str(exc)
    text = " ".join(str(text).split())
    ctx = getattr(exc, "ctx", None)
    path = getattr(ctx, "command_path", None) or "roshan"
    if _is_usage_error(exc):
        text += f" (see `{path} --help`)"
    return text


_USER_PATH_ERRORS = (
    IsADirectoryError,
    NotADirectoryError,
    FileNotFoundError,
    PermissionError,
    FileExistsError,
)


def main() -> None:
    """Entry point: run the app, turning user errors into one line on stderr."""
    try:
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.stdout.flush()
            sys.exit(code)  # a command's typer.Exit(n): click returns it when not standalone
    except RoshanError as err:
        # The message is text, not markup: "[columns]" must print as written.
        console.print(f"[bold red]error:[/] {escape(str(err))}", soft_wrap=True)
        _exit_now(err.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        console.print("aborted")
        sys.exit(130)
    except KeyboardInterrupt:
        console.print("interrupted")
        sys.exit(130)
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            console.print(
                f"[bold red]error:[/] no space left for roshan's files ({exc.strerror}); "
                "nothing partial was kept",
                soft_wrap=True,
            )
            sys.exit(3)
        if isinstance(exc, _USER_PATH_ERRORS) and exc.filename:
            # A path the user gave is a folder, missing or not readable: one line, not a
            # traceback (each command checks its own paths; this is the net under them).
            console.print(
                f"[bold red]error:[/] {escape(str(exc.filename))}: "
                f"{escape(exc.strerror or type(exc).__name__)}",
                soft_wrap=True,
            )
            _exit_now(2)
        raise
    except Exception as exc:  # click usage errors, database failures
        from sqlalchemy.exc import DBAPIError

        driver_errors: tuple[type[BaseException], ...] = (DBAPIError, sqlite3.Error)
        try:
            import psycopg

            driver_errors += (psycopg.Error,)
        except ImportError:  # pragma: no cover
            pass
        if isinstance(exc, driver_errors):
            # Only the driver's first line: never the SQL or its parameters (personal data).
            orig = exc.orig if isinstance(exc, DBAPIError) else exc
            first = (str(orig).strip().splitlines() or [type(orig).__name__])[0]
            hint = ""
            if any(w in first.lower() for w in ("disk", "full", "space")):
                hint = " (is the disk full?)"
            elif "connect" in first.lower() or "terminat" in first.lower():
                hint = " (the database server stopped or cannot be reached)"
            console.print(
                f"[bold red]error:[/] database error: {escape(first)}{hint}; the current "
                "operation was rolled back",
                soft_wrap=True,
                markup=True,
            )
            _exit_now(3)

        if isinstance(exc, click_exceptions()):
            sys.stdout.flush()
            console.print(
                f"[bold red]error:[/] {escape(usage_message(exc))}", soft_wrap=True, highlight=False
            )
            sys.exit(2 if _is_usage_error(exc) else int(getattr(exc, "exit_code", 1) or 1))
        raise


if __name__ == "__main__":  # pragma: no cover
    main()
