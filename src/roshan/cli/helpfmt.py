"""Help text people can read: ``--json`` not ``--json <bool>``, ``PATH`` not ``<path>``.

Typer 0.29 prints every parameter's Python type in angle brackets (``<bool>`` after a
flag that takes no value, ``<list[Path]>``, ``<str>``) and required arguments in braces
in the usage line (``{workspace}``), which reads like syntax to type (issue 16, item 5).
``install()`` puts back the conventions of click and of most Unix tools: no type after a
flag, upper-case type names (``TEXT``, ``PATH``, ``INTEGER``), ``...`` for a value that
may repeat, choices as ``[a|b]``, and ``WORKSPACE`` / ``[FILE]`` in the usage line.

It only replaces two display methods on Typer's parameter classes, each guarded: if a
Typer upgrade renames them, help falls back to Typer's own output and
``tests/cli/test_help_text.py`` fails, so the change cannot go unnoticed.
"""

from __future__ import annotations

import re
from typing import Any

_NAMES = {
    "str": "TEXT",
    "path": "PATH",
    "file": "FILE",
    "dir": "DIRECTORY",
    "directory": "DIRECTORY",
    "int": "INTEGER",
    "float": "FLOAT",
    "bool": "BOOLEAN",
    "datetime": "DATETIME",
    "uuid": "UUID",
}


def plain_type(label: str) -> str:
    """Typer's ``<list[Path]>`` -> ``PATH...``; ``<a|b>`` -> ``[a|b]``; ``<str>`` -> ``TEXT``."""
    inner = label.strip()
    if inner.startswith("<") and inner.endswith(">"):
        inner = inner[1:-1]
    repeat = ""
    m = re.fullmatch(r"list\[(.*)\]", inner)
    if m:
        inner, repeat = m.group(1), "..."
    if "|" in inner:
        return f"[{inner}]{repeat}"
    return _NAMES.get(inner.lower(), inner.upper()) + repeat


def install() -> None:
    """Patch Typer's help display (idempotent; a no-op when Typer changed shape)."""
    try:
        from typer.core import TyperArgument, TyperOption
    except ImportError:  # pragma: no cover
        return
    if getattr(TyperOption, "_roshan_help", False):
        return
    opt_display = getattr(TyperOption, "display_type_rich", None)
    arg_display = getattr(TyperArgument, "display_type_rich", None)
    if callable(opt_display):

        def option_type(self: Any, ctx: Any) -> str | None:
            if getattr(self, "is_flag", False) or getattr(self, "count", False):
                return None  # a flag takes no value: nothing to show after it
            if self.metavar is not None:
                return self.metavar
            shown = opt_display(self, ctx)
            return None if shown is None else plain_type(str(shown))

        TyperOption.display_type_rich = option_type  # type: ignore[method-assign]
    if callable(arg_display):

        def argument_type(self: Any, ctx: Any) -> str | None:
            shown = arg_display(self, ctx)
            return None if shown is None else plain_type(str(shown))

        TyperArgument.display_type_rich = argument_type  # type: ignore[method-assign]
    if callable(getattr(TyperArgument, "_usage_display_name", None)):

        def usage_name(self: Any) -> str:
            name = self.metavar if self.metavar is not None else self.name.upper()
            if not self.required:
                name = f"[{name}]"
            return name + ("..." if self.nargs != 1 else "")

        TyperArgument._usage_display_name = usage_name  # type: ignore[method-assign]
    if callable(getattr(TyperArgument, "_rich_display_name", None)):

        def rich_name(self: Any) -> str:
            name = self.metavar if self.metavar is not None else self.name.upper()
            return name + ("..." if self.metavar is None and self.nargs != 1 else "")

        TyperArgument._rich_display_name = rich_name  # type: ignore[method-assign]
    TyperOption._roshan_help = True  # type: ignore[attr-defined]
