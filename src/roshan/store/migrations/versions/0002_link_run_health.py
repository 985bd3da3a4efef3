"""link run health

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06

The linkage model's health check (roshan.link.health) is kept with each link run:
``health_verdict`` (ok / repaired / failed) for queries, ``health`` the full report
(checks with counts, repairs, attempts; no names). Runs from before the check have
NULL, read as "not checked".
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("link_runs") as batch:
        batch.add_column(sa.Column("health_verdict", sa.String(20), nullable=True))
        batch.add_column(sa.Column("health", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("link_runs") as batch:
        batch.drop_column("health")
        batch.drop_column("health_verdict")
