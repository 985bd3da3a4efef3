"""Exports limited by role, written by the report module (:func:`roshan.report.exports.export`).

* Every role (``export_aggregate``): ``estimates`` and ``counts`` (capture histories),
  always at redaction level ``public`` — source names replaced by List A, B, …, small
  cells suppressed, never a name.
* Analysts and admins (``export_full``): also ``victims``, ``records`` and ``links``, at
  the redaction level they choose (``none``, ``internal`` or ``public``; default
  ``internal``, which drops witness and source-reference fields).

Formats: CSV, XLSX, JSON, Parquet. Every export appends an audit event (what,
format, redaction, rows; never content).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from roshan.store import Workspace, record_event
from roshan.web.auth import EXPORT_AGGREGATE, EXPORT_FULL, CurrentUser
from roshan.web.routes.common import CanExportAggregate, render

router = APIRouter()

EXPORTS: dict[str, str] = {
    "estimates": EXPORT_AGGREGATE,
    "counts": EXPORT_AGGREGATE,
    "victims": EXPORT_FULL,
    "records": EXPORT_FULL,
    "links": EXPORT_FULL,
}
FORMATS: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "parquet": "application/vnd.apache.parquet",
}
Fmt = Literal["csv", "xlsx", "json", "parquet"]
Redact = Literal["none", "internal", "public"]


def build_export(ws: Workspace, what: str, fmt: str, redact: str) -> tuple[bytes, int]:
    """(file content, rows) of one export, written by the report module to a temp folder."""
    import pandas as pd

    from roshan.report import export

    tmp = Path(tempfile.mkdtemp(prefix="roshan-export-", dir=ws.reports_dir))
    try:
        out = export(ws, what, fmt, tmp / f"export.{fmt}", redact=redact)
        content = out.read_bytes()
        rows = 0
        if fmt == "csv":
            rows = max(0, content.count(b"\n") - 1)
        elif fmt == "parquet":
            rows = len(pd.read_parquet(out))
        return content, rows
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _download(
    request: Request, what: str, fmt: str, redact: str | None, user: CurrentUser
) -> Response:
    if what not in EXPORTS:
        raise HTTPException(404, "no such export")
    if fmt not in FORMATS:
        raise HTTPException(422, f"format must be one of {', '.join(FORMATS)}")
    if not user.can(EXPORTS[what]):
        raise HTTPException(403, "your role does not allow this export")
    if not user.can(EXPORT_FULL):
        if redact not in (None, "public"):
            raise HTTPException(403, "your role exports aggregates at the public level only")
        redact = "public"
    redact = redact or "internal"
    if redact not in ("none", "internal", "public"):
        raise HTTPException(422, "redact must be none, internal or public")
    ws = request.app.state.ws
    content, rows = build_export(ws, what, fmt, redact)
    with ws.session() as sess:
        record_event(
            sess,
            user.actor,
            "export",
            "export",
            what,
            {"format": fmt, "redact": redact, "bytes": len(content)},
        )
    del rows
    return Response(
        content,
        media_type=FORMATS[fmt],
        headers={"Content-Disposition": f'attachment; filename="roshan-{what}-{redact}.{fmt}"'},
    )


@router.get("/exports", include_in_schema=False)
def exports_page(request: Request, user: CanExportAggregate) -> Any:
    items = [{"what": w, "allowed": user.can(p)} for w, p in EXPORTS.items()]
    return render(
        request,
        "exports.html",
        {"items": items, "formats": list(FORMATS), "full": user.can(EXPORT_FULL)},
    )


@router.get("/exports/{what}", include_in_schema=False)
def export_download(
    request: Request,
    what: str,
    user: CanExportAggregate,
    format: str = "csv",
    redact: str | None = None,
) -> Response:
    return _download(request, what, format, redact, user)


@router.get(
    "/api/exports/{what}",
    tags=["exports"],
    responses={200: {"content": {m: {} for m in FORMATS.values()}}},
)
def api_export(
    request: Request,
    what: Literal["estimates", "counts", "victims", "records", "links"],
    user: CanExportAggregate,
    format: Fmt = Query("csv"),
    redact: Redact | None = Query(None),
) -> Response:
    """Download an export. estimates, counts: any role (public level). victims, records,
    links: analysts and admins, redaction ``none``, ``internal`` (default) or ``public``."""
    return _download(request, what, format, redact, user)
