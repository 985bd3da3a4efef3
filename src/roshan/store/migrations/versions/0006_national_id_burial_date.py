"""national id and date of burial

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07

Two canonical fields: ``national_id`` (the کد ملی a morgue, hospital or cemetery
register gives) and ``date_of_burial`` (a cemetery register often gives no date of
death). Before, both were kept among a record's unmapped cells (``extra``); records
imported before keep them there and get NULL here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("records") as batch:
        batch.add_column(sa.Column("national_id", sa.Text(), nullable=True))
        batch.add_column(sa.Column("date_of_burial", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("records") as batch:
        batch.drop_column("date_of_burial")
        batch.drop_column("national_id")
