"""neutral attachment names

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06

Attachment file names were kept in clear in ``intake_reports.attachments``
(``IMG_20260108_Azadi_Sq_Tehran_by_Reza.jpg`` holds a date, a place and a person). The
original name stays inside the encrypted report; the workspace keeps a neutral name
made from the content hash (roshan.intake.importer.neutral_attachment_name). This
step rewrites the names of workspaces made before. The ledger leaf of a report covers
its attachments' blobs and hashes, never their names, so ``roshan ledger verify``
passes as before. There is no way back: the downgrade leaves the neutral names.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _neutral(sha256: str) -> str:
    # the same rule as roshan.intake.importer.neutral_attachment_name (a migration must
    # not change when the code does)
    return f"attachment-{str(sha256)[:16]}"


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        # Zero the old row's bytes when its page is rewritten, so the clear names do
        # not linger in free space of the database file.
        conn.exec_driver_sql("PRAGMA secure_delete=ON")
    reports = sa.table(
        "intake_reports", sa.column("report_id", sa.String), sa.column("attachments", sa.JSON)
    )
    rows = conn.execute(
        sa.select(reports.c.report_id, reports.c.attachments).where(
            reports.c.attachments.is_not(None)
        )
    ).all()
    for report_id, atts in rows:
        if isinstance(atts, str):
            atts = json.loads(atts)
        if not isinstance(atts, list) or not atts:
            continue
        changed = False
        for a in atts:
            if not isinstance(a, dict):
                continue
            want = _neutral(a.get("sha256") or a.get("blob") or "")
            if a.get("name") != want:
                a["name"] = want
                changed = True
        if changed:
            conn.execute(
                reports.update().where(reports.c.report_id == report_id).values(attachments=atts)
            )


def downgrade() -> None:
    pass  # the original names are only in the encrypted reports now
