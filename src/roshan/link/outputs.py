"""Tables other stages read after linkage: links and victims, from the store.

``links_frame`` is what ``roshan export --what links`` writes: one row per linked
record with the source's name, the source's own record id (its ``record_id``
column when the file had one, else the row number), the victim id and the match
probability (the record's strongest link inside its victim; empty for a victim
known from one record only).
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from roshan.errors import LinkageError
from roshan.store.models import VICTIM_FIELDS, Record, RecordLink, Source, Victim
from roshan.store.workspace import Workspace

LINK_COLUMNS: tuple[str, ...] = ("source", "record_id", "victim_id", "match_probability")


def links_frame(ws: Workspace) -> pd.DataFrame:
    """source, record_id, victim_id, match_probability — one row per linked record."""
    stmt = (
        select(
            Source.name,
            Record.record_id,
            Record.row_number,
            Victim.uid,
            RecordLink.match_probability,
            Record.id,
        )
        .join(Record, Record.id == RecordLink.record_id)
        .join(Source, Source.id == Record.source_id)
        .join(Victim, Victim.id == RecordLink.victim_id)
        .order_by(Source.name, Record.id)
    )
    with ws.engine.connect() as conn:
        rows = conn.execute(stmt).all()
    if not rows:
        raise LinkageError("no linkage results in this workspace yet; run `roshan link` first")
    df = pd.DataFrame(
        [tuple(r) for r in rows],
        columns=["source", "rid", "row_number", "victim_id", "match_probability", "record_pk"],
    )
    rid = df["rid"].astype(object)
    has = rid.notna() & (rid.astype(str).str.strip() != "")
    df["record_id"] = rid.where(has, df["row_number"].astype(str)).astype(str)
    return df[list(LINK_COLUMNS)].reset_index(drop=True)


def victims_table(ws: Workspace, *, active_only: bool = True) -> pd.DataFrame:
    """The Victim rows of the store as a frame (best values, sources, flags)."""
    stmt = select(Victim).order_by(Victim.uid)
    if active_only:
        stmt = stmt.where(Victim.active.is_(True))
    cols = ["uid", *VICTIM_FIELDS, "active"]
    with ws.session() as sess:
        rows = [[getattr(v, c) for c in cols] for v in sess.scalars(stmt)]
    return pd.DataFrame(rows, columns=cols)
