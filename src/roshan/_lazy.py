"""Lazy public faces for the stage packages (PEP 562), written once.

A stage's ``__init__.py`` names its entry points in ``__all__`` and says which submodule
each comes from::

    __getattr__, __dir__ = lazy_exports(__name__, {
        "workspace": ("Workspace", "actor_name"),
        "backup": (("backup_workspace", "backup"), "expected_size"),
    })

``from roshan.store import Workspace`` then imports ``roshan.store.workspace`` on first
use, not when ``roshan.store`` is imported, so that ``roshan --help`` does not pay for
pandas, splink, duckdb or numba. A ``(public, attr)`` pair publishes ``attr`` of the
submodule under another name (needed when a function is called like its own module,
which the submodule's import would otherwise shadow). Nothing is cached in the package:
each lookup asks the submodule, so patching the submodule's attribute is seen through
the face too. The ``if TYPE_CHECKING:`` imports beside the call give mypy and editors
the real types; tests/architecture/test_public_faces.py checks that the three agree.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any

Export = str | tuple[str, str]


def lazy_exports(
    package: str, exports: Mapping[str, Iterable[Export]]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return ``(__getattr__, __dir__)`` for ``package`` from {submodule: names}."""
    table: dict[str, tuple[str, str]] = {}
    for submodule, names in exports.items():
        for entry in names:
            public, attr = (entry, entry) if isinstance(entry, str) else entry
            if public in table:
                raise ValueError(f"{package}: {public!r} is exported twice")
            table[public] = (f"{package}.{submodule}", attr)

    def __getattr__(name: str) -> Any:
        try:
            module, attr = table[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        return getattr(importlib.import_module(module), attr)

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(table))

    return __getattr__, __dir__
