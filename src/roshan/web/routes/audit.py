"""The audit log (admins only): every change, who made it and when; never personal data."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request

from roshan.store import Workspace, count_audit_events, recent_audit_events
from roshan.web.db import reader
from roshan.web.routes.common import ID_MAX, CanViewAudit, render

router = APIRouter()
PAGE = 100


def audit_events(
    ws: Workspace, *, limit: int = PAGE, before: int | None = None, action: str | None = None
) -> dict[str, Any]:
    """Events newest first; ``before`` pages back by event id, ``action`` filters by prefix."""
    with reader(ws) as conn:
        rows = recent_audit_events(conn, limit=limit, before=before, action=action)
        total = count_audit_events(conn)
    events = [{**r._asdict(), "at": r.at.isoformat() if r.at else None} for r in rows]
    return {
        "total": int(total),
        "events": events,
        "next_before": events[-1]["id"] if len(events) == limit else None,
    }


@router.get("/audit", include_in_schema=False)
def audit_page(
    request: Request,
    user: CanViewAudit,
    before: int | None = Query(None, ge=1, le=ID_MAX),
    action: str = "",
) -> Any:
    data = audit_events(request.app.state.ws, before=before, action=action or None)
    return render(request, "audit.html", {**data, "action": action})


@router.get("/api/audit", tags=["audit"])
def api_audit(
    request: Request,
    user: CanViewAudit,
    limit: int = Query(PAGE, ge=1, le=1000),
    before: int | None = Query(None, ge=1, le=ID_MAX),
    action: str | None = Query(None, max_length=80),
) -> dict[str, Any]:
    """Audit events, newest first (page back with ``before=next_before``)."""
    return audit_events(request.app.state.ws, limit=limit, before=before, action=action)
