"""Read-only store access for the web app.

On SQLite, roshan's engine starts every transaction with ``BEGIN IMMEDIATE`` (writers
take the lock up front). Page and API reads must not queue behind a long import or
link run, nor block each other, so they ask for a deferred transaction: a plain
``BEGIN`` reading a consistent snapshot (WAL mode). On PostgreSQL this changes nothing.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

from roshan.store import Workspace


def reader(ws: Workspace) -> Connection:
    """A connection for reading (use as a context manager)."""
    return ws.engine.connect().execution_options(sqlite_deferred=True)
