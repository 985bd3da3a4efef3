"""Exports limited by role: aggregates for everyone, names only for analysts and admins.

* ``estimates`` (JSON) and ``counts`` (CSV: documented victims by province and date) —
  aggregates, any role.
* ``links`` (CSV: source, record id, victim id, probability; from
  :func:`roshan.link.outputs.links_frame`) and ``victims`` (CSV with names) — roles
  holding ``export_full`` only.

Every export appends an audit event (what, format, rows; never content).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import select

from roshan.store.audit import record_event
from roshan.store.models import EstimateRun, Victim
from roshan.store.workspace import Workspace
from roshan.web.auth import EXPORT_AGGREGATE, EXPORT_FULL, CurrentUser, require
from roshan.web.db import reader
from roshan.web.routes.common import render

router = APIRouter()

EXPORTS: dict[str, tuple[str, str]] = {
    # what: (permission, format)
    "estimates": (EXPORT_AGGREGATE, "json"),
    "counts": (EXPORT_AGGREGATE, "csv"),
    "links": (EXPORT_FULL, "csv"),
    "victims": (EXPORT_FULL, "csv"),
}
VICTIM_EXPORT_COLUMNS = ("uid", "display_name", "romanized", "sex", "age", "date_of_death",
                         "province", "city", "cause_category", "n_records", "sources", "flags")


def _csv(header: list[str], rows: list[list[Any]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8-sig")


def build_export(ws: Workspace, what: str) -> tuple[bytes, str, int]:
    """(content, media type, rows) of one export."""
    if what == "estimates":
        with reader(ws) as conn:
            rows = conn.execute(select(EstimateRun.id, EstimateRun.created_at, EstimateRun.method,
                                       EstimateRun.by, EstimateRun.result)
                                .order_by(EstimateRun.id)).all()
        docs = [{"id": r[0], "created_at": r[1].isoformat() if r[1] else None, "method": r[2],
                 "by": r[3], "result": r[4]} for r in rows]
        return (json.dumps(docs, ensure_ascii=False, indent=1, default=str).encode("utf-8"),
                "application/json", len(docs))
    if what == "counts":
        from roshan.web.routes.dashboard import dashboard_data

        d = dashboard_data(ws)
        rows = [["province", p["code"], p["count"]] for p in d["provinces"]]
        rows += [["date_of_death", t["date"], t["count"]] for t in d["timeline"]]
        return _csv(["by", "value", "victims"], rows), "text/csv", len(rows)
    if what == "links":
        from roshan.link.outputs import links_frame

        frame = links_frame(ws)
        return (frame.to_csv(index=False, float_format="%.6g").encode("utf-8-sig"), "text/csv",
                len(frame))
    if what == "victims":
        cols = [getattr(Victim, c) for c in VICTIM_EXPORT_COLUMNS]
        with reader(ws) as conn:
            rows = conn.execute(select(*cols).where(Victim.active.is_(True))
                                .order_by(Victim.uid)).all()
        out = [[";".join(v) if isinstance(v, list) else ("" if v is None else v) for v in r]
               for r in rows]
        return _csv(list(VICTIM_EXPORT_COLUMNS), out), "text/csv", len(out)
    raise HTTPException(404, "no such export")


def _download(request: Request, what: str, user: CurrentUser) -> Response:
    if what not in EXPORTS:
        raise HTTPException(404, "no such export")
    permission, fmt = EXPORTS[what]
    if not user.can(permission):
        raise HTTPException(403, "your role does not allow this export")
    ws = request.app.state.ws
    content, media, n = build_export(ws, what)
    with ws.session() as sess:
        record_event(sess, user.actor, "export", "export", what, {"format": fmt, "rows": n})
    return Response(content, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="roshan-{what}.{fmt}"'})


@router.get("/exports", include_in_schema=False)
def exports_page(request: Request, user: CurrentUser = Depends(require(EXPORT_AGGREGATE))) -> Any:
    items = [{"what": w, "format": f, "allowed": user.can(p)} for w, (p, f) in EXPORTS.items()]
    return render(request, "exports.html", {"items": items})


@router.get("/exports/{what}", include_in_schema=False)
def export_download(request: Request, what: str,
                    user: CurrentUser = Depends(require(EXPORT_AGGREGATE))) -> Response:
    return _download(request, what, user)


@router.get("/api/exports/{what}", tags=["exports"],
            responses={200: {"content": {"text/csv": {}, "application/json": {}}}})
def api_export(request: Request, what: str,
               user: CurrentUser = Depends(require(EXPORT_AGGREGATE))) -> Response:
    """Download an export: estimates, counts (any role); links, victims (analyst, admin)."""
    return _download(request, what, user)
