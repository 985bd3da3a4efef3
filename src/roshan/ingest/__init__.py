"""roshan.ingest: casualty lists (CSV, Excel, JSON) into the store, every row with provenance.

Entry points:

- :func:`ingest_file` — read one file and load it as one import (one transaction);
  :func:`ingest_records` does the same for rows already in memory; :class:`ImportResult`;
- :func:`open_table` — read a file (detected encoding, format, header) into a :class:`Table`;
- :func:`load_mapping` / :func:`resolve_columns` — map a file's header to canonical fields;
- :data:`NOTES` — the notes the readers and importer write, :func:`format_note` and
  :func:`parse_note` (a note back to its key and fields, for translating it).

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
    from roshan.ingest.notes import NOTE_NUMBERS, NOTES, format_note, parse_note
    from roshan.ingest.readers import Table, open_table

__all__ = [
    "NOTES",
    "NOTE_NUMBERS",
    "ImportResult",
    "Table",
    "guessed_columns",
    "ingest_file",
    "ingest_records",
    "format_note",
    "load_mapping",
    "open_table",
    "parse_note",
    "resolve_columns",
]

__getattr__, __dir__ = lazy_exports(__name__)
