"""Read queries over the system of record for the pages that show it (the web app).

Each function takes an open connection (or session) and says what it returns, so the
caller chooses the transaction: the web app passes its deferred-read connection
(``roshan.web.db.reader``). None of them writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from roshan.canonical import FIELD_NAMES
from roshan.store.models import (
    AuditEvent,
    EstimateRun,
    Import,
    LinkRun,
    Record,
    RecordLink,
    Source,
    Victim,
)

Reader = Connection | Session


# ---------------------------------------------------------------- imports


class ImportSummary(NamedTuple):
    """One import with its counts (``roshan import`` wrote it)."""

    id: int
    source: str
    file_name: str
    created_at: datetime | None
    actor: str
    encoding: str
    file_format: str
    rows_total: int
    rows_accepted: int
    rows_rejected: int


def recent_imports(conn: Reader, limit: int = 200) -> list[ImportSummary]:
    """The newest ``limit`` imports, newest first, each with its source's name."""
    rows = conn.execute(
        select(
            Import.id,
            Source.name,
            Import.file_name,
            Import.created_at,
            Import.actor,
            Import.encoding,
            Import.file_format,
            Import.rows_total,
            Import.rows_accepted,
            Import.rows_rejected,
        )
        .join(Source, Source.id == Import.source_id)
        .order_by(Import.id.desc())
        .limit(limit)
    ).all()
    return [ImportSummary._make(r) for r in rows]


class RejectedRow(NamedTuple):
    """A row an import rejected: its row number in the file and why."""

    row_number: int
    issues: list[dict[str, str]] | None


def count_rejected_rows(conn: Reader, import_id: int) -> int:
    """How many rows of the import were rejected."""
    total = conn.execute(
        select(func.count())
        .select_from(Record)
        .where(Record.import_id == import_id, Record.status == "rejected")
    ).scalar()
    return int(total or 0)


def rejected_rows_of(
    conn: Reader, import_id: int, *, limit: int = 500, offset: int = 0
) -> list[RejectedRow]:
    """One page of the import's rejected rows, by row number."""
    rows = conn.execute(
        select(Record.row_number, Record.issues)
        .where(Record.import_id == import_id, Record.status == "rejected")
        .order_by(Record.row_number)
        .limit(limit)
        .offset(offset)
    ).all()
    return [RejectedRow._make(r) for r in rows]


# ---------------------------------------------------------------- counts


class LatestIds(NamedTuple):
    """The newest link run, estimate run and import (None where there is none yet)."""

    link_run: int | None
    estimate_run: int | None
    import_: int | None


def latest_ids(conn: Reader) -> LatestIds:
    """Ids of the newest link run, estimate run and import: they change when the data do."""
    return LatestIds(
        conn.execute(select(func.max(LinkRun.id))).scalar(),
        conn.execute(select(func.max(EstimateRun.id))).scalar(),
        conn.execute(select(func.max(Import.id))).scalar(),
    )


def count_accepted_records(conn: Reader) -> int:
    """How many records were accepted (all imports)."""
    n = conn.execute(
        select(func.count()).select_from(Record).where(Record.status == "accepted")
    ).scalar()
    return int(n or 0)


def count_sources(conn: Reader) -> int:
    """How many sources (lists) the workspace holds."""
    return int(conn.execute(select(func.count()).select_from(Source)).scalar() or 0)


def source_names(conn: Reader) -> list[str]:
    """The name of every source, in the store's order."""
    return [r[0] for r in conn.execute(select(Source.name))]


def active_victims_by_date(conn: Reader) -> list[tuple[str | None, int]]:
    """(date of death, victims) for the current people, one row per date (unordered)."""
    rows = conn.execute(
        select(Victim.date_of_death, func.count())
        .where(Victim.active.is_(True))
        .group_by(Victim.date_of_death)
    ).all()
    return [(d, int(c)) for d, c in rows]


def active_victims_by_province(conn: Reader) -> list[tuple[str | None, str | None, int]]:
    """(province code, province, victims) for the current people (unordered)."""
    rows = conn.execute(
        select(Victim.province_code, Victim.province, func.count())
        .where(Victim.active.is_(True))
        .group_by(Victim.province_code, Victim.province)
    ).all()
    return [(code, name, int(c)) for code, name, c in rows]


# ---------------------------------------------------------------- audit log


class AuditEntry(NamedTuple):
    """One audit event (never personal data)."""

    id: int
    at: datetime | None
    actor: str
    action: str
    object_type: str | None
    object_id: str | None
    detail: dict[str, Any] | None


def recent_audit_events(
    conn: Reader, *, limit: int = 100, before: int | None = None, action: str | None = None
) -> list[AuditEntry]:
    """Up to ``limit`` events newest first; ``before`` pages back by event id, ``action``
    keeps the events whose action starts with it."""
    stmt = select(
        AuditEvent.id,
        AuditEvent.at,
        AuditEvent.actor,
        AuditEvent.action,
        AuditEvent.object_type,
        AuditEvent.object_id,
        AuditEvent.detail,
    )
    if before is not None:
        stmt = stmt.where(AuditEvent.id < before)
    if action:
        stmt = stmt.where(AuditEvent.action.startswith(action, autoescape=True))
    return [
        AuditEntry._make(r) for r in conn.execute(stmt.order_by(AuditEvent.id.desc()).limit(limit))
    ]


def count_audit_events(conn: Reader) -> int:
    """How many audit events there are in all."""
    return int(conn.execute(select(func.count()).select_from(AuditEvent)).scalar() or 0)


class HistoryEntry(NamedTuple):
    """When, by whom and what was done to one object (from the audit log)."""

    at: datetime | None
    actor: str
    action: str


def object_history(conn: Reader, object_type: str, object_id: str) -> list[HistoryEntry]:
    """The audit events about one object, oldest first."""
    rows = conn.execute(
        select(AuditEvent.at, AuditEvent.actor, AuditEvent.action)
        .where(AuditEvent.object_type == object_type, AuditEvent.object_id == object_id)
        .order_by(AuditEvent.id)
    )
    return [HistoryEntry._make(r) for r in rows]


# ---------------------------------------------------------------- victims


class VictimRow(NamedTuple):
    """A victim (person) found by uid: the asked-for columns, plus its row id, whether it
    belongs to the current link run, and which run made it."""

    values: dict[str, Any]
    id: int
    active: bool
    run_id: int | None


def victim_by_uid(conn: Reader, uid: str, columns: Sequence[str]) -> VictimRow | None:
    """The victim with this uid (``columns`` are Victim attribute names), or None."""
    cols = [getattr(Victim, c) for c in columns] + [Victim.id, Victim.active, Victim.run_id]
    row = conn.execute(select(*cols).where(Victim.uid == uid)).first()
    if row is None:
        return None
    n = len(columns)
    return VictimRow(
        {c: row[i] for i, c in enumerate(columns)}, row[n], bool(row[n + 1]), row[n + 2]
    )


class LinkedRecord(NamedTuple):
    """A record linked to a victim, with its provenance and canonical fields."""

    record_pk: int
    source: str
    source_kind: str
    import_id: int
    file_name: str
    imported_at: datetime | None
    imported_by: str
    row_number: int
    match_probability: float | None
    link_run_id: int
    fields: dict[str, Any]


def linked_records(conn: Reader, victim_id: int) -> list[LinkedRecord]:
    """The records linked to a victim (by row id), by source name then record id."""
    rec_cols = [getattr(Record, f) for f in FIELD_NAMES]
    rows = conn.execute(
        select(
            Record.id,
            Source.name,
            Source.kind,
            Import.id,
            Import.file_name,
            Import.created_at,
            Import.actor,
            Record.row_number,
            RecordLink.match_probability,
            RecordLink.run_id,
            *rec_cols,
        )
        .join(RecordLink, RecordLink.record_id == Record.id)
        .join(Source, Source.id == Record.source_id)
        .join(Import, Import.id == Record.import_id)
        .where(RecordLink.victim_id == victim_id)
        .order_by(Source.name, Record.id)
    ).all()
    return [
        LinkedRecord._make((*r[:10], dict(zip(FIELD_NAMES, r[10:], strict=True)))) for r in rows
    ]
