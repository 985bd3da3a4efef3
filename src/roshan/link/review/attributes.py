"""What the suspicious-cluster analysis knows of each record: sex ("m"/"f") and an exact
date of death, from the normalise stage's snapshot or else the raw records, and a key
that changes whenever they may have changed.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import select

from roshan.cache import file_key
from roshan.link.review.reading import reader
from roshan.store.models import Record
from roshan.store.workspace import Workspace


def _sex_code(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    s = str(value).strip().lower()
    if s in ("m", "male", "man", "مرد", "مذکر", "آقا", "پسر"):
        return "m"
    if s in ("f", "female", "woman", "زن", "مونث", "مؤنث", "خانم", "دختر"):
        return "f"
    return None


def _sex_codes(values: pd.Series) -> pd.Series:
    """:func:`_sex_code` of each value, computed once per distinct value."""
    uniq = pd.unique(values.to_numpy(dtype=object))
    table = {v: _sex_code(v) for v in uniq if not (isinstance(v, float) and math.isnan(v))}
    return values.map(
        lambda v: table.get(v) if not (isinstance(v, float) and math.isnan(v)) else None
    )


def _normalized_path(ws: Workspace) -> Path:
    return ws.snapshot("normalized")


def cluster_attributes(ws: Workspace, pks: list[int]) -> pd.DataFrame:
    """sex ("m"/"f"/None) and date of death (date or None) per record_pk.

    Uses the normalise stage's snapshot when present (parsed Jalali/Gregorian dates);
    otherwise reads raw records and understands only sex words and ISO dates.
    """
    norm = _normalized_path(ws)
    if norm.is_file():
        try:
            import pyarrow.parquet as pq

            have = set(pq.read_schema(norm).names)
            cols = [
                c for c in ("record_pk", "sex", "sex_imputed", "dod", "dod_precision") if c in have
            ]
            frame = pd.read_parquet(norm, columns=cols)
            frame = frame.loc[frame["record_pk"].isin(pks)].copy()
            if "sex_imputed" in frame.columns:
                frame.loc[frame["sex_imputed"].fillna(False).astype(bool), "sex"] = None
            if "dod_precision" in frame.columns and "dod" in frame.columns:
                frame.loc[frame["dod_precision"] != "day", "dod"] = None
            frame["sex"] = _sex_codes(
                frame.get("sex", pd.Series(None, index=frame.index, dtype=object))
            )
            frame["dod"] = pd.to_datetime(
                frame.get("dod", pd.Series(None, index=frame.index)), errors="coerce"
            )
            return frame[["record_pk", "sex", "dod"]].set_index("record_pk")
        except Exception:  # noqa: BLE001 - fall back to raw records
            pass
    rows: list[Any] = []
    wanted = list(pks)
    with reader(ws) as conn:
        for i in range(0, len(wanted), 20_000):
            stmt = select(Record.id, Record.sex, Record.date_of_death).where(
                Record.id.in_(wanted[i : i + 20_000])
            )
            rows.extend(conn.execute(stmt).all())
    frame = pd.DataFrame([tuple(r) for r in rows], columns=["record_pk", "sex", "dod"])
    frame["sex"] = _sex_codes(frame["sex"])
    frame["dod"] = pd.to_datetime(frame["dod"], format="%Y-%m-%d", errors="coerce")
    return frame.set_index("record_pk")


def attributes_key(ws: Workspace) -> tuple[Any, ...]:
    """What the cluster attributes depend on: normalized.parquet, else the records."""
    key = file_key(_normalized_path(ws))
    if key is not None:
        return key
    with reader(ws) as conn:
        from sqlalchemy import func

        n, top = conn.execute(select(func.count(Record.id), func.max(Record.id))).one()
    return ("records", int(n or 0), int(top or 0))
