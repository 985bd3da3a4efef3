"""roshan.ingest: casualty lists (CSV, Excel, JSON) into the store, every row with provenance.

Entry points:

- :func:`ingest_file` — read one file and load it as one import (one transaction);
  :func:`ingest_records` does the same for rows already in memory; :class:`ImportResult`;
- :func:`open_table` — read a file (detected encoding, format, header) into a :class:`Table`;
- :func:`load_mapping` / :func:`resolve_columns` — map a file's header to canonical fields.

Names load on first use (:mod:`roshan._lazy`): ``import roshan.ingest`` is cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from roshan._lazy import lazy_exports

if TYPE_CHECKING:
    from roshan.ingest.importer import (
        ImportResult,
        guessed_columns,
        ingest_file,
        ingest_records,
    )
    from roshan.ingest.mapping import load_mapping, resolve_columns
    from roshan.ingest.readers import Table, open_table

__all__ = [
    "ImportResult",
    "Table",
    "guessed_columns",
    "ingest_file",
    "ingest_records",
    "load_mapping",
    "open_table",
    "resolve_columns",
]

__getattr__, __dir__ = lazy_exports(__name__)
