"""Victim search (Persian or Latin script; see :mod:`roshan.web.search`) and a victim's page.

Names are shown only to roles holding ``view_names``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request

from roshan.canonical import FIELD_NAMES
from roshan.store import Workspace, linked_records, object_history, victim_by_uid
from roshan.web.db import reader
from roshan.web.routes.common import CanViewNames, found, render
from roshan.web.search import VICTIM_COLUMNS, search_page

router = APIRouter()


def victim_detail(ws: Workspace, uid: str) -> dict[str, Any] | None:
    """A victim with all linked records side by side, their provenance, and history."""
    from roshan.link import decisions_touching

    with reader(ws) as conn:
        row = victim_by_uid(conn, uid, VICTIM_COLUMNS)
        if row is None:
            return None
        victim = dict(row.values)
        victim.update(active=row.active, run_id=row.run_id)
        records: list[dict[str, Any]] = []
        for r in linked_records(conn, row.id):
            records.append(
                {**r._asdict(), "imported_at": r.imported_at.isoformat() if r.imported_at else None}
            )
        pks = [r["record_pk"] for r in records]
        decisions = [
            {
                "record_a": d.record_a,
                "record_b": d.record_b,
                "decision": d.decision,
                "reviewer": d.reviewer,
                "decided_at": d.decided_at.isoformat() if d.decided_at else None,
                "version": d.version,
            }
            for d in decisions_touching(conn, pks)
        ]
        events = [
            {"at": e.at.isoformat() if e.at else None, "actor": e.actor, "action": e.action}
            for e in object_history(conn, "victim", uid)
        ]
    shown = [f for f in FIELD_NAMES if any(r["fields"].get(f) for r in records)]
    return {
        "victim": victim,
        "records": records,
        "fields": shown,
        "decisions": decisions,
        "events": events,
    }


PAGE_SIZE = 50


@router.get("/victims", include_in_schema=False)
def victims_page(
    request: Request,
    user: CanViewNames,
    q: str = Query("", max_length=200),
    page: int = Query(1, ge=1, le=100_000),
) -> Any:
    found_: dict[str, Any] = (
        search_page(request.app.state.ws, q, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
        if q
        else {"total": 0, "results": []}
    )
    total = int(found_["total"])
    pages = max(1, -(-total // PAGE_SIZE))
    return render(
        request,
        "victims.html",
        {
            "q": q,
            "results": found_["results"],
            "total": total,
            "page": page,
            "pages": pages,
            "first": (page - 1) * PAGE_SIZE + 1,
            "last": (page - 1) * PAGE_SIZE + len(found_["results"]),
        },
    )


@router.get("/victims/{uid}", include_in_schema=False)
def victim_page(request: Request, uid: str, user: CanViewNames) -> Any:
    detail = found(victim_detail(request.app.state.ws, uid), "victim")
    return render(request, "victim.html", detail)


@router.get("/api/victims", tags=["victims"])
def api_search(
    request: Request,
    user: CanViewNames,
    q: str = Query("", max_length=200),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=10_000_000),
) -> dict[str, Any]:
    """Search victims by name (Persian or Latin script) or by victim id.

    Best matches first (the whole name, then whole words, then prefixes); ``total`` is
    how many victims match in all, ``count`` how many are in this page; page on with
    ``offset``.
    """
    page = search_page(request.app.state.ws, q, offset=offset, limit=limit)
    return {
        "total": page["total"],
        "offset": offset,
        "limit": limit,
        "count": len(page["results"]),
        "results": page["results"],
    }


@router.get("/api/victims/{uid}", tags=["victims"])
def api_victim(request: Request, uid: str, user: CanViewNames) -> dict[str, Any]:
    """One victim: linked records side by side, provenance, review decisions, history."""
    return found(victim_detail(request.app.state.ws, uid), "victim")
