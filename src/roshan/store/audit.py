"""The append-only audit log: who did what, when. Never personal data in ``detail``."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from roshan.store.models import AuditEvent


def record_event(
    session: Session,
    actor: str,
    action: str,
    object_type: str | None = None,
    object_id: str | int | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append one audit event in the caller's transaction (so it commits or rolls back with it)."""
    session.add(
        AuditEvent(
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=None if object_id is None else str(object_id),
            detail=detail,
        )
    )
