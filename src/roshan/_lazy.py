"""Lazy public faces for the stage packages (PEP 562), written once.

A stage's ``__init__.py`` names its entry points in ``__all__`` and imports each from its
submodule in an ``if TYPE_CHECKING:`` block (which gives mypy and editors the real
types); that block is also the table of where each name lives::

    if TYPE_CHECKING:
        from roshan.store.backup import backup as backup_workspace
        from roshan.store.workspace import Workspace, actor_name

    __all__ = ["Workspace", "actor_name", "backup_workspace"]
    __getattr__, __dir__ = lazy_exports(__name__)

``from roshan.store import Workspace`` then imports ``roshan.store.workspace`` on first
use, not when ``roshan.store`` is imported, so that ``roshan --help`` does not pay for
pandas, splink, duckdb or numba. An ``import attr as public`` publishes ``attr`` of the
submodule under another name (needed when a function is called like its own module,
which the submodule's import would otherwise shadow). Nothing is cached in the package:
each lookup asks the submodule, so patching the submodule's attribute is seen through
the face too. The table can also be given as {submodule: names}, a name being ``public``
or ``(public, attr)``. tests/architecture/test_public_faces.py checks that ``__all__``,
the imports and the table agree.
"""

from __future__ import annotations

import ast
import importlib
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

Export = str | tuple[str, str]


def type_checking_imports(source: str, package: str) -> list[tuple[str, str, str]]:
    """(public name, module, attribute) of each ``from module import attribute [as public]``
    in the top-level ``if TYPE_CHECKING:`` blocks of ``source`` (a package's
    ``__init__.py``); anything else in such a block is a ``ValueError``."""
    out: list[tuple[str, str, str]] = []
    for node in ast.parse(source).body:
        if not (isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"):
            continue
        for imp in node.body:
            if not (isinstance(imp, ast.ImportFrom) and imp.module and imp.level == 0):
                raise ValueError(f"{package}: not an absolute import: {ast.unparse(imp)}")
            out += [(a.asname or a.name, imp.module, a.name) for a in imp.names]
    return out


def lazy_exports(
    package: str, exports: Mapping[str, Iterable[Export]] | None = None
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return ``(__getattr__, __dir__)`` for ``package``: from {submodule: names}, or
    without ``exports`` from the ``if TYPE_CHECKING:`` imports of its ``__init__.py``."""
    if exports is None:
        init = Path(str(sys.modules[package].__file__))
        found = type_checking_imports(init.read_text(encoding="utf-8"), package)
    else:
        found = [
            (entry, f"{package}.{submodule}", entry)
            if isinstance(entry, str)
            else (entry[0], f"{package}.{submodule}", entry[1])
            for submodule, names in exports.items()
            for entry in names
        ]
    table: dict[str, tuple[str, str]] = {}
    for public, module, attr in found:
        if public in table:
            raise ValueError(f"{package}: {public!r} is exported twice")
        table[public] = (module, attr)

    def __getattr__(name: str) -> Any:
        try:
            module, attr = table[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        return getattr(importlib.import_module(module), attr)

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(table))

    return __getattr__, __dir__
