"""link run process

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06

The process that runs a link run (``pid`` and ``host``), so a run left "running" by
a killed process can be marked failed (roshan.store.runs) instead of counting as
running for ever. Runs from before have NULL: they are never guessed dead.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("link_runs") as batch:
        batch.add_column(sa.Column("pid", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("host", sa.String(255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("link_runs") as batch:
        batch.drop_column("host")
        batch.drop_column("pid")
