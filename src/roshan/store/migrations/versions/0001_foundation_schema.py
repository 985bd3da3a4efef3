"""foundation schema

Revision ID: 0001
Revises:
Create Date: 2026-11-29

The first schema: sources, imports, raw rows, records, audit log, ledger, intake,
users, linkage, review, jobs and estimates; plus triggers that make raw rows,
the audit log and the ledger append-only at the database level.
"""

from __future__ import annotations

from typing import Any, Literal

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


APPEND_ONLY = ("raw_rows", "audit_events", "ledger_leaves")


def _create_append_only_triggers() -> None:
    """Refuse UPDATE and DELETE on append-only tables, whatever client writes to them."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in APPEND_ONLY:
            for verb in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )
    elif dialect == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION roshan_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END; $$ LANGUAGE plpgsql"
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION roshan_append_only()"
            )


def _drop_append_only_triggers() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in APPEND_ONLY:
            for verb in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
    elif dialect == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP FUNCTION IF EXISTS roshan_append_only()")


def _row_id(name: str = "id", *, autoincrement: bool | Literal["auto"] = "auto") -> sa.Column[Any]:
    """A required row id of a table that grows large: BIGINT, INTEGER on SQLite (whose
    rowid is 64-bit anyway, and which autoincrements only an INTEGER primary key)."""
    return sa.Column(
        name,
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
        autoincrement=autoincrement,
        nullable=False,
    )


def _integer(name: str, *, nullable: bool = False) -> sa.Column[Any]:
    """An INTEGER column, required unless ``nullable``."""
    return sa.Column(name, sa.Integer(), nullable=nullable)


def _string(name: str, length: int, *, nullable: bool = False) -> sa.Column[Any]:
    """A VARCHAR(``length``) column, required unless ``nullable``."""
    return sa.Column(name, sa.String(length=length), nullable=nullable)


def _text(name: str) -> sa.Column[Any]:
    """A TEXT column; free text is never required in this schema."""
    return sa.Column(name, sa.Text(), nullable=True)


def _json(name: str, *, nullable: bool = True) -> sa.Column[Any]:
    """A JSON column, optional unless ``nullable`` is False."""
    return sa.Column(name, sa.JSON(), nullable=nullable)


def _timestamp(name: str, *, nullable: bool = False) -> sa.Column[Any]:
    """A timezone-aware DATETIME column, required unless ``nullable``."""
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _primary_key(table: str, column: str = "id") -> sa.PrimaryKeyConstraint:
    """The primary key on ``column``, named ``pk_<table>`` (roshan's naming convention)."""
    return sa.PrimaryKeyConstraint(column, name=op.f(f"pk_{table}"))


def _foreign_key(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    """``table.column`` referring to ``target.id``, named ``fk_<table>_<column>_<target>``."""
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def _unique(table: str, column: str) -> sa.UniqueConstraint:
    """A unique constraint on one column, named ``uq_<table>_<column>``."""
    return sa.UniqueConstraint(column, name=op.f(f"uq_{table}_{column}"))


def upgrade() -> None:
    op.create_table(
        "audit_events",
        _row_id(),
        _timestamp("at"),
        _string("actor", 200),
        _string("action", 80),
        _string("object_type", 80, nullable=True),
        _string("object_id", 200, nullable=True),
        _json("detail"),
        _primary_key("audit_events"),
    )
    op.create_table(
        "jobs",
        _integer("id"),
        _string("kind", 40),
        _string("status", 20),
        sa.Column("progress", sa.Float(), nullable=False),
        _text("message"),
        _json("params"),
        _json("result"),
        _string("created_by", 200, nullable=True),
        _timestamp("created_at"),
        _timestamp("started_at", nullable=True),
        _timestamp("finished_at", nullable=True),
        _primary_key("jobs"),
    )
    op.create_table(
        "ledger_checkpoints",
        _integer("id"),
        sa.Column("tree_size", sa.BigInteger(), nullable=False),
        sa.Column("root_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=True),
        _string("key_id", 128, nullable=True),
        _timestamp("created_at"),
        _primary_key("ledger_checkpoints"),
    )
    op.create_table(
        "ledger_leaves",
        _row_id("seq", autoincrement=False),
        sa.Column("leaf_hash", sa.LargeBinary(length=32), nullable=False),
        _string("kind", 20),
        _string("ref", 200),
        _timestamp("created_at"),
        _primary_key("ledger_leaves", "seq"),
    )
    op.create_table(
        "link_runs",
        _integer("id"),
        _timestamp("started_at"),
        _timestamp("finished_at", nullable=True),
        _string("engine", 20),
        sa.Column("threshold", sa.Float(), nullable=False),
        _json("settings"),
        _string("model_path", 500, nullable=True),
        _string("status", 20),
        _integer("n_records", nullable=True),
        _integer("n_victims", nullable=True),
        _string("actor", 200, nullable=True),
        _primary_key("link_runs"),
    )
    op.create_table(
        "sources",
        _integer("id"),
        _string("name", 200),
        _string("kind", 40),
        _text("notes"),
        _timestamp("created_at"),
        _primary_key("sources"),
        _unique("sources", "name"),
    )
    op.create_table(
        "users",
        _integer("id"),
        _string("username", 100),
        _string("password_hash", 300),
        _string("role", 20),
        sa.Column("active", sa.Boolean(), nullable=False),
        _string("totp_secret", 64, nullable=True),
        _integer("failed_logins"),
        _timestamp("locked_until", nullable=True),
        _timestamp("password_changed_at"),
        _timestamp("created_at"),
        _primary_key("users"),
        _unique("users", "username"),
    )
    op.create_table(
        "api_tokens",
        _integer("id"),
        _integer("user_id"),
        _string("name", 100),
        _string("token_hash", 128),
        _timestamp("created_at"),
        _timestamp("last_used_at", nullable=True),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        _foreign_key("api_tokens", "user_id", "users"),
        _primary_key("api_tokens"),
        _unique("api_tokens", "token_hash"),
    )
    op.create_table(
        "estimate_runs",
        _integer("id"),
        _timestamp("created_at"),
        _string("method", 40),
        _json("by"),
        _json("settings"),
        _json("result", nullable=False),
        _integer("link_run_id", nullable=True),
        _string("actor", 200, nullable=True),
        _foreign_key("estimate_runs", "link_run_id", "link_runs"),
        _primary_key("estimate_runs"),
    )
    op.create_table(
        "imports",
        _integer("id"),
        _integer("source_id"),
        _string("file_name", 500),
        _string("sha256", 64),
        sa.Column("size", sa.BigInteger(), nullable=False),
        _string("encoding", 40),
        _string("file_format", 20),
        _string("roshan_version", 40),
        _timestamp("created_at"),
        _string("actor", 200),
        _json("header"),
        _json("mapping"),
        _integer("rows_total"),
        _integer("rows_accepted"),
        _integer("rows_rejected"),
        _foreign_key("imports", "source_id", "sources"),
        _primary_key("imports"),
        _unique("imports", "sha256"),
    )
    op.create_table(
        "victims",
        _integer("id"),
        _string("uid", 40),
        _integer("run_id", nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        _text("display_name"),
        _text("name_key"),
        _text("romanized"),
        _string("sex", 2, nullable=True),
        _string("age", 20, nullable=True),
        _string("date_of_death", 10, nullable=True),
        _string("province", 80, nullable=True),
        _string("province_code", 10, nullable=True),
        _string("city", 200, nullable=True),
        _string("cause_category", 40, nullable=True),
        sa.Column("body_withheld", sa.Boolean(), nullable=True),
        _integer("n_records"),
        _json("sources"),
        _json("flags"),
        _foreign_key("victims", "run_id", "link_runs"),
        _primary_key("victims"),
        _unique("victims", "uid"),
    )
    with op.batch_alter_table("victims", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_victims_name_key"), ["name_key"], unique=False)

    op.create_table(
        "intake_reports",
        _string("report_id", 128),
        _string("bundle_id", 128, nullable=True),
        _timestamp("received_at"),
        _integer("import_id", nullable=True),
        _string("status", 20),
        _string("payload_sha256", 64, nullable=True),
        _json("attachments"),
        _foreign_key("intake_reports", "import_id", "imports"),
        _primary_key("intake_reports", "report_id"),
    )
    op.create_table(
        "raw_rows",
        _row_id(),
        _integer("import_id"),
        _integer("row_number"),
        _json("cells", nullable=False),
        _foreign_key("raw_rows", "import_id", "imports"),
        _primary_key("raw_rows"),
        sa.UniqueConstraint("import_id", "row_number", name="uq_raw_rows_import_row"),
    )
    op.create_table(
        "records",
        _row_id(),
        _integer("import_id"),
        _integer("row_number"),
        _integer("source_id"),
        _string("status", 10),
        _json("issues"),
        _json("extra"),
        _text("record_id"),
        _text("full_name"),
        _text("given_name"),
        _text("family_name"),
        _text("father_name"),
        _text("sex"),
        _text("age"),
        _text("date_of_birth"),
        _text("date_of_death"),
        _text("place_of_death"),
        _text("city"),
        _text("county"),
        _text("province"),
        _text("cause_of_death"),
        _text("cause_category"),
        _text("body_withheld"),
        _text("burial_place"),
        _text("forced_burial"),
        _text("perpetrator"),
        _text("source_reference"),
        _text("witness"),
        _text("notes"),
        _foreign_key("records", "import_id", "imports"),
        _foreign_key("records", "source_id", "sources"),
        _primary_key("records"),
        sa.UniqueConstraint("import_id", "row_number", name="uq_records_import_row"),
    )
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.create_index("ix_records_source_status", ["source_id", "status"], unique=False)

    op.create_table(
        "record_links",
        _row_id("record_id"),
        _integer("victim_id"),
        _integer("run_id"),
        sa.Column("match_probability", sa.Float(), nullable=True),
        _foreign_key("record_links", "record_id", "records"),
        _foreign_key("record_links", "run_id", "link_runs"),
        _foreign_key("record_links", "victim_id", "victims"),
        _primary_key("record_links", "record_id"),
    )
    with op.batch_alter_table("record_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_record_links_victim_id"), ["victim_id"], unique=False)

    op.create_table(
        "review_decisions",
        _integer("id"),
        _row_id("record_a"),
        _row_id("record_b"),
        _string("decision", 12),
        _string("reviewer", 200),
        _timestamp("decided_at"),
        _text("note"),
        _integer("version"),
        _foreign_key("review_decisions", "record_a", "records"),
        _foreign_key("review_decisions", "record_b", "records"),
        _primary_key("review_decisions"),
        sa.UniqueConstraint("record_a", "record_b", name="uq_review_pair"),
    )

    _create_append_only_triggers()


def downgrade() -> None:
    _drop_append_only_triggers()
    op.drop_table("review_decisions")
    with op.batch_alter_table("record_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_links_victim_id"))

    op.drop_table("record_links")
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.drop_index("ix_records_source_status")

    op.drop_table("records")
    op.drop_table("raw_rows")
    op.drop_table("intake_reports")
    with op.batch_alter_table("victims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_victims_name_key"))

    op.drop_table("victims")
    op.drop_table("imports")
    op.drop_table("estimate_runs")
    op.drop_table("api_tokens")
    op.drop_table("users")
    op.drop_table("sources")
    op.drop_table("link_runs")
    op.drop_table("ledger_leaves")
    op.drop_table("ledger_checkpoints")
    op.drop_table("jobs")
    op.drop_table("audit_events")
