"""What a workspace holds, in numbers (``roshan status``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from roshan.store.migrate import current_revision
from roshan.store.models import Import, LinkRun, RawRow, Record, Source, Victim
from roshan.store.workspace import Workspace


def workspace_status(ws: Workspace) -> dict[str, Any]:
    """Counts of sources, imports, raw rows, records and rejected rows, plus per-source detail."""
    with ws.engine.connect().execution_options(sqlite_deferred=True) as conn:  # a read

        def count(stmt: Any) -> int:
            return int(conn.execute(stmt).scalar() or 0)

        status: dict[str, Any] = {
            "workspace": str(ws.root),
            "workspace_id": ws.id,
            "backend": ws.engine.url.get_backend_name(),
            "schema": current_revision(ws.engine),
            "sources": count(select(func.count()).select_from(Source)),
            "imports": count(select(func.count()).select_from(Import)),
            "raw_rows": count(select(func.count()).select_from(RawRow)),
            "records": count(select(func.count()).select_from(Record)),
            "rejected": count(
                select(func.count()).select_from(Record).where(Record.status == "rejected")
            ),
            "victims": count(select(func.count()).select_from(Victim).where(Victim.active)),
            "link_runs": count(select(func.count()).select_from(LinkRun)),
            "link_runs_running": count(
                select(func.count()).select_from(LinkRun).where(LinkRun.status == "running")
            ),
        }
        rows = conn.execute(
            select(
                Source.name,
                Source.kind,
                func.count(Record.id),
                func.sum((Record.status == "rejected").cast(func.count().type)),
            )
            .join(Record, Record.source_id == Source.id, isouter=True)
            .group_by(Source.id, Source.name, Source.kind)
            .order_by(Source.name)
        ).all()
        status["by_source"] = [
            {"source": r[0], "kind": r[1], "records": int(r[2] or 0), "rejected": int(r[3] or 0)}
            for r in rows
        ]
    return status
