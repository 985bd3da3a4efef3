"""The system of record: every table roshan keeps, as SQLAlchemy models.

Raw rows are immutable (database triggers refuse UPDATE and DELETE), the audit log
is append-only, and every raw row and intake report has a leaf in the Merkle
ledger. The same models run on SQLite (default) and PostgreSQL (team server);
the schema itself is created only by Alembic migrations (store/migrations).
"""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from roshan.canonical import FIELD_NAMES

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Timezone-aware current time in UTC (the store keeps UTC only)."""
    return datetime.now(UTC)


#: ``id: Mapped[IntPk]``: an integer primary key.
IntPk = Annotated[int, mapped_column(Integer, primary_key=True)]
#: ``id: Mapped[BigPk]``: the primary key of the tables that grow with the records.
BigPk = Annotated[
    int, mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
]
#: ``created_at: Mapped[Stamp]``: when the row was written (UTC, set on insert).
Stamp = Annotated[datetime, mapped_column(DateTime(timezone=True), default=utcnow)]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Source(Base):
    """A documenting organisation or channel that supplies lists."""

    __tablename__ = "sources"
    id: Mapped[IntPk]
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[Stamp]


class Import(Base):
    """One file (or intake batch) loaded into the store, with its fingerprint and counts."""

    __tablename__ = "imports"
    id: Mapped[IntPk]
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    file_name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int] = mapped_column(BigInteger)
    encoding: Mapped[str] = mapped_column(String(40))
    file_format: Mapped[str] = mapped_column(String(20))
    roshan_version: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[Stamp]
    actor: Mapped[str] = mapped_column(String(200))
    header: Mapped[list[str] | None] = mapped_column(JSON)
    mapping: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    rows_accepted: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)


class RawRow(Base):
    """An original row exactly as read (cells keyed by original header); never changed."""

    __tablename__ = "raw_rows"
    __table_args__ = (UniqueConstraint("import_id", "row_number", name="uq_raw_rows_import_row"),)
    id: Mapped[BigPk]
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id"))
    row_number: Mapped[int] = mapped_column(Integer)
    cells: Mapped[Any] = mapped_column(JSON)


_record_columns = {name: mapped_column(Text, nullable=True) for name in FIELD_NAMES}


class Record(Base):
    """Canonical fields mapped from one raw row, with that row's issues.

    ``status`` is ``accepted`` or ``rejected``; a rejected record keeps its reason in
    ``issues`` and is excluded from later stages.
    """

    __tablename__ = "records"
    __table_args__ = (
        UniqueConstraint("import_id", "row_number", name="uq_records_import_row"),
        Index("ix_records_source_status", "source_id", "status"),
    )
    id: Mapped[BigPk]
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id"))
    row_number: Mapped[int] = mapped_column(Integer)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    status: Mapped[str] = mapped_column(String(10))
    issues: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    locals().update(_record_columns)
    if TYPE_CHECKING:
        # The same columns, spelled out for the type checker (canonical.FIELD_NAMES;
        # tests/store/test_models_fields.py keeps the two lists equal).
        record_id: Mapped[str | None]
        full_name: Mapped[str | None]
        given_name: Mapped[str | None]
        family_name: Mapped[str | None]
        father_name: Mapped[str | None]
        national_id: Mapped[str | None]
        sex: Mapped[str | None]
        age: Mapped[str | None]
        date_of_birth: Mapped[str | None]
        date_of_death: Mapped[str | None]
        place_of_death: Mapped[str | None]
        city: Mapped[str | None]
        county: Mapped[str | None]
        province: Mapped[str | None]
        cause_of_death: Mapped[str | None]
        cause_category: Mapped[str | None]
        body_withheld: Mapped[str | None]
        burial_place: Mapped[str | None]
        date_of_burial: Mapped[str | None]
        forced_burial: Mapped[str | None]
        perpetrator: Mapped[str | None]
        source_reference: Mapped[str | None]
        witness: Mapped[str | None]
        notes: Mapped[str | None]


class AuditEvent(Base):
    """Append-only log of every change: who, what, when. Detail never holds personal data."""

    __tablename__ = "audit_events"
    id: Mapped[BigPk]
    at: Mapped[Stamp]
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(80))
    object_type: Mapped[str | None] = mapped_column(String(80))
    object_id: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class LedgerLeaf(Base):
    """One leaf of the RFC 9162-style Merkle log, in append order (seq from 0)."""

    __tablename__ = "ledger_leaves"
    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False
    )
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    kind: Mapped[str] = mapped_column(String(20))
    ref: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[Stamp]


class LedgerCheckpoint(Base):
    """A signed tree head: the root of the first ``tree_size`` leaves."""

    __tablename__ = "ledger_checkpoints"
    id: Mapped[IntPk]
    tree_size: Mapped[int] = mapped_column(BigInteger)
    root_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    signature: Mapped[bytes | None] = mapped_column(LargeBinary)
    key_id: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[Stamp]


class IntakeReport(Base):
    """A field report received through an intake bundle (content-addressed)."""

    __tablename__ = "intake_reports"
    report_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    bundle_id: Mapped[str | None] = mapped_column(String(128))
    received_at: Mapped[Stamp]
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"))
    status: Mapped[str] = mapped_column(String(20), default="imported")
    payload_sha256: Mapped[str | None] = mapped_column(String(64))
    attachments: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)


class User(Base):
    """A team member of the web app."""

    __tablename__ = "users"
    id: Mapped[IntPk]
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    password_changed_at: Mapped[Stamp]
    created_at: Mapped[Stamp]


class ApiToken(Base):
    """A per-user token for scripts; only its hash is stored."""

    __tablename__ = "api_tokens"
    id: Mapped[IntPk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(128), unique=True)
    created_at: Mapped[Stamp]
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class LinkRun(Base):
    """One run of the linkage stage: settings, model, threshold and outcome."""

    __tablename__ = "link_runs"
    id: Mapped[IntPk]
    started_at: Mapped[Stamp]
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    engine: Mapped[str] = mapped_column(String(20))
    threshold: Mapped[float] = mapped_column(Float)
    settings: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    model_path: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20), default="running")
    n_records: Mapped[int | None] = mapped_column(Integer)
    n_victims: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str | None] = mapped_column(String(200))
    # the linkage model's health check (roshan.link.health): ok / repaired / failed;
    # NULL for runs from before the check existed ("not checked")
    health_verdict: Mapped[str | None] = mapped_column(String(20))
    health: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The process running it (filled in by the process that inserts the row), so a
    # run whose process was killed can be told from one still going and marked
    # failed (roshan.store.runs); NULL for runs from before migration 0003.
    pid: Mapped[int | None] = mapped_column(Integer, default=os.getpid)
    host: Mapped[str | None] = mapped_column(String(255), default=socket.gethostname)


class Victim(Base):
    """A unique person found by linkage; ``uid`` stays stable across runs."""

    __tablename__ = "victims"
    id: Mapped[IntPk]
    uid: Mapped[str] = mapped_column(String(40), unique=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("link_runs.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    display_name: Mapped[str | None] = mapped_column(Text)
    name_key: Mapped[str | None] = mapped_column(Text, index=True)
    romanized: Mapped[str | None] = mapped_column(Text)
    sex: Mapped[str | None] = mapped_column(String(2))
    age: Mapped[str | None] = mapped_column(String(20))
    date_of_death: Mapped[str | None] = mapped_column(String(10))
    province: Mapped[str | None] = mapped_column(String(80))
    province_code: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(200))
    cause_category: Mapped[str | None] = mapped_column(String(40))
    body_withheld: Mapped[bool | None] = mapped_column(Boolean)
    n_records: Mapped[int] = mapped_column(Integer, default=0)
    sources: Mapped[list[str] | None] = mapped_column(JSON)
    flags: Mapped[list[str] | None] = mapped_column(JSON)


#: A victim's best values, sources and flags: the :class:`Victim` columns besides ``uid``,
#: ``name_key`` and ``active``, as ``roshan.link.victims.victims_frame`` gives them.
VICTIM_FIELDS: tuple[str, ...] = (
    "display_name",
    "romanized",
    "sex",
    "age",
    "date_of_death",
    "province",
    "province_code",
    "city",
    "cause_category",
    "body_withheld",
    "n_records",
    "sources",
    "flags",
)


class RecordLink(Base):
    """Which victim a record belongs to, in the latest run, with its match probability."""

    __tablename__ = "record_links"
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), primary_key=True)
    victim_id: Mapped[int] = mapped_column(ForeignKey("victims.id"), index=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("link_runs.id"))
    match_probability: Mapped[float | None] = mapped_column(Float)


class ReviewDecision(Base):
    """A person's decision on a pair of records: match, not a match, or unsure.

    Decisions are constraints on every later linkage run (must-link / cannot-link)
    and training labels. ``version`` supports optimistic locking in the web app.
    """

    __tablename__ = "review_decisions"
    __table_args__ = (UniqueConstraint("record_a", "record_b", name="uq_review_pair"),)
    id: Mapped[IntPk]
    record_a: Mapped[int] = mapped_column(ForeignKey("records.id"))
    record_b: Mapped[int] = mapped_column(ForeignKey("records.id"))
    decision: Mapped[str] = mapped_column(String(12))
    reviewer: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[Stamp]
    note: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)


class Job(Base):
    """A background job started from the web app (link, estimate, report, export)."""

    __tablename__ = "jobs"
    id: Mapped[IntPk]
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="queued")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str | None] = mapped_column(Text)
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[Stamp]
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class EstimateRun(Base):
    """A stored estimate (the EstimateResult document) and the settings that produced it."""

    __tablename__ = "estimate_runs"
    id: Mapped[IntPk]
    created_at: Mapped[Stamp]
    method: Mapped[str] = mapped_column(String(40))
    by: Mapped[list[str] | None] = mapped_column(JSON)
    settings: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    link_run_id: Mapped[int | None] = mapped_column(ForeignKey("link_runs.id"))
    actor: Mapped[str | None] = mapped_column(String(200))


class WebSession(Base):
    """A signed-in web session kept server-side (roshan.web.sessions; migration 0005).

    The browser's cookie holds only a random token; ``id`` is its SHA-256. Deleting the
    row ends the session at once (sign-out, password reset, role change, deactivation).
    """

    __tablename__ = "web_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[Stamp]
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
