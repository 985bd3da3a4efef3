"""Victim search (Persian or Latin script; see :mod:`roshan.web.search`) and a victim's page.

Names are shown only to roles holding ``view_names``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy import or_, select

from roshan.canonical import FIELD_NAMES
from roshan.store.models import (
    AuditEvent,
    Import,
    Record,
    RecordLink,
    ReviewDecision,
    Source,
    Victim,
)
from roshan.store.workspace import Workspace
from roshan.web.auth import VIEW_NAMES, CurrentUser, require
from roshan.web.db import reader
from roshan.web.routes.common import found, render
from roshan.web.search import VICTIM_COLUMNS, search_page

router = APIRouter()


def victim_detail(ws: Workspace, uid: str) -> dict[str, Any] | None:
    """A victim with all linked records side by side, their provenance, and history."""
    cols = [getattr(Victim, c) for c in VICTIM_COLUMNS] + [Victim.id, Victim.active, Victim.run_id]
    rec_cols = [getattr(Record, f) for f in FIELD_NAMES]
    with reader(ws) as conn:
        row = conn.execute(select(*cols).where(Victim.uid == uid)).first()
        if row is None:
            return None
        victim = {c: row[i] for i, c in enumerate(VICTIM_COLUMNS)}
        vid = row[len(VICTIM_COLUMNS)]
        victim.update(active=bool(row[len(VICTIM_COLUMNS) + 1]),
                      run_id=row[len(VICTIM_COLUMNS) + 2])
        recs = conn.execute(
            select(Record.id, Source.name, Source.kind, Import.id, Import.file_name,
                   Import.created_at, Import.actor, Record.row_number,
                   RecordLink.match_probability, RecordLink.run_id, *rec_cols)
            .join(RecordLink, RecordLink.record_id == Record.id)
            .join(Source, Source.id == Record.source_id)
            .join(Import, Import.id == Record.import_id)
            .where(RecordLink.victim_id == vid).order_by(Source.name, Record.id)).all()
        records: list[dict[str, Any]] = []
        for r in recs:
            fields = dict(zip(FIELD_NAMES, r[10:], strict=True))
            records.append({"record_pk": r[0], "source": r[1], "source_kind": r[2],
                            "import_id": r[3], "file_name": r[4],
                            "imported_at": r[5].isoformat() if r[5] else None,
                            "imported_by": r[6], "row_number": r[7],
                            "match_probability": r[8], "link_run_id": r[9], "fields": fields})
        pks = [r["record_pk"] for r in records]
        decisions = []
        if pks:
            for d in conn.execute(select(ReviewDecision.record_a, ReviewDecision.record_b,
                                         ReviewDecision.decision, ReviewDecision.reviewer,
                                         ReviewDecision.decided_at, ReviewDecision.version)
                                  .where(or_(ReviewDecision.record_a.in_(pks),
                                             ReviewDecision.record_b.in_(pks)))
                                  .order_by(ReviewDecision.decided_at)):
                decisions.append({"record_a": d[0], "record_b": d[1], "decision": d[2],
                                  "reviewer": d[3],
                                  "decided_at": d[4].isoformat() if d[4] else None,
                                  "version": d[5]})
        events = [{"at": e[0].isoformat() if e[0] else None, "actor": e[1], "action": e[2]}
                  for e in conn.execute(select(AuditEvent.at, AuditEvent.actor, AuditEvent.action)
                                        .where(AuditEvent.object_type == "victim",
                                               AuditEvent.object_id == uid)
                                        .order_by(AuditEvent.id))]
    shown = [f for f in FIELD_NAMES if any(r["fields"].get(f) for r in records)]
    return {"victim": victim, "records": records, "fields": shown, "decisions": decisions,
            "events": events}


PAGE_SIZE = 50


@router.get("/victims", include_in_schema=False)
def victims_page(request: Request, q: str = Query("", max_length=200),
                 page: int = Query(1, ge=1, le=100_000),
                 user: CurrentUser = Depends(require(VIEW_NAMES))) -> Any:
    found_ = search_page(request.app.state.ws, q, offset=(page - 1) * PAGE_SIZE,
                         limit=PAGE_SIZE) if q else {"total": 0, "results": []}
    total = int(found_["total"])
    pages = max(1, -(-total // PAGE_SIZE))
    return render(request, "victims.html", {
        "q": q, "results": found_["results"], "total": total, "page": page, "pages": pages,
        "first": (page - 1) * PAGE_SIZE + 1, "last": (page - 1) * PAGE_SIZE + len(found_["results"])})


@router.get("/victims/{uid}", include_in_schema=False)
def victim_page(request: Request, uid: str,
                user: CurrentUser = Depends(require(VIEW_NAMES))) -> Any:
    detail = found(victim_detail(request.app.state.ws, uid), "victim")
    return render(request, "victim.html", detail)


@router.get("/api/victims", tags=["victims"])
def api_search(request: Request, q: str = Query("", max_length=200),
               limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0, le=10_000_000),
               user: CurrentUser = Depends(require(VIEW_NAMES))) -> dict[str, Any]:
    """Search victims by name (Persian or Latin script) or by victim id.

    Best matches first (the whole name, then whole words, then prefixes); ``total`` is
    how many victims match in all, ``count`` how many are in this page; page on with
    ``offset``.
    """
    page = search_page(request.app.state.ws, q, offset=offset, limit=limit)
    return {"total": page["total"], "offset": offset, "limit": limit,
            "count": len(page["results"]), "results": page["results"]}


@router.get("/api/victims/{uid}", tags=["victims"])
def api_victim(request: Request, uid: str,
               user: CurrentUser = Depends(require(VIEW_NAMES))) -> dict[str, Any]:
    """One victim: linked records side by side, provenance, review decisions, history."""
    return found(victim_detail(request.app.state.ws, uid), "victim")
