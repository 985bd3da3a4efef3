"""What the review reads besides the decisions: the latest linkage run's threshold, its
pairwise predictions (pairs.parquet) and the records to show, through a read-only
connection that does not take SQLite's write lock.

Shared by the queue (:mod:`roshan.link.review.queue`), the suspicious-cluster analysis
(:mod:`roshan.link.review.suspicious`) and the batches and terminal review.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
from sqlalchemy import select

from roshan.errors import LinkageError
from roshan.store.models import LinkRun, Record
from roshan.store.workspace import Workspace

#: Threshold used to rank uncertainty when no linkage run has recorded one.
FALLBACK_THRESHOLD = 0.5


def reader(ws: Workspace) -> Any:
    """A read-only connection that does not take SQLite's write lock (see roshan.web.db)."""
    return ws.engine.connect().execution_options(sqlite_deferred=True)


def current_threshold(ws: Workspace) -> float:
    """The match threshold of the latest finished linkage run (else :data:`FALLBACK_THRESHOLD`)."""
    stmt = select(LinkRun.threshold).where(
        LinkRun.status.in_(("done", "finished", "ok", "succeeded", "completed"))
    )
    stmt = stmt.order_by(LinkRun.id.desc()).limit(1)
    with reader(ws) as conn:
        value = conn.execute(stmt).scalar()
        if value is None:
            value = conn.execute(
                select(LinkRun.threshold).order_by(LinkRun.id.desc()).limit(1)
            ).scalar()
    if value is None or not (0.0 < float(value) < 1.0):
        return FALLBACK_THRESHOLD
    return float(value)


def read_pairs(
    ws: Workspace, columns: list[str] | None = None, optional: tuple[str, ...] = ()
) -> pd.DataFrame:
    """pairs.parquet (``columns`` only, plus those of ``optional`` that exist)."""
    path = ws.snapshot("pairs")
    if not path.is_file():
        raise LinkageError("no pairwise predictions in this workspace yet; run `roshan link` first")
    try:
        if optional:
            import pyarrow.parquet as pq

            have = set(pq.read_schema(path).names)
            columns = list(columns or []) + [c for c in optional if c in have]
        frame = pd.read_parquet(path, columns=columns)
    except Exception as exc:  # pyarrow raises many types for damaged files
        raise LinkageError(f"cannot read {path.name}: {str(exc).splitlines()[0][:160]}") from exc
    needed = {"record_pk_l", "record_pk_r", "match_probability"}
    if not needed.issubset(frame.columns):
        raise LinkageError(f"{path.name} lacks columns {sorted(needed - set(frame.columns))}")
    return frame


def records_by_pk(ws: Workspace, pks: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Records (canonical fields + source name) keyed by record_pk, for display and export."""
    from roshan.canonical import FIELD_NAMES
    from roshan.store.models import Source

    wanted = sorted(set(int(p) for p in pks))
    out: dict[int, dict[str, Any]] = {}
    cols = [getattr(Record, f) for f in FIELD_NAMES]
    with reader(ws) as conn:
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            stmt = (
                select(Record.id, Source.name, Record.row_number, *cols)
                .join(Source, Source.id == Record.source_id)
                .where(Record.id.in_(chunk))
            )
            for row in conn.execute(stmt):
                rec = {"record_pk": int(row[0]), "source": row[1], "row_number": int(row[2])}
                rec.update(dict(zip(FIELD_NAMES, row[3:], strict=False)))
                out[int(row[0])] = rec
    return out
