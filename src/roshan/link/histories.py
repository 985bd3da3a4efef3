"""Capture histories: which lists named each victim, counted by stratum.

This is the input of multiple-systems estimation. Each victim (from the latest
``roshan link``) gets one 0/1 indicator per source; victims are then counted by
capture pattern within strata. Stratum values come from the victim's best values:

* ``province`` — the province code (``IR-xx``), "unknown" when not resolved;
* ``period`` — ``before_blackout`` for deaths before 2026-01-08 (the start of the
  nationwide internet blackout), ``blackout`` from that day on, "unknown" without
  a date or when only a month is known and that month straddles the boundary
  (January 2026); pass ``period_kind="week"`` for ISO weeks (``2026-W02``) instead;
* ``sex`` — "m", "f" or "unknown";
* ``age_group`` — "0-17", "18-29", "30-44", "45-59", "60+" or "unknown".

Only observed patterns are returned (the all-zero pattern is never observed).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from roshan.errors import LinkageError
from roshan.store.workspace import Workspace

STRATA: tuple[str, ...] = ("province", "period", "sex", "age_group")
BLACKOUT_DATE = date(2026, 1, 8)
UNKNOWN = "unknown"
AGE_BINS = (0, 18, 30, 45, 60, 200)
AGE_LABELS = ("0-17", "18-29", "30-44", "45-59", "60+")


def period_of(iso: object, *, kind: str = "blackout") -> str:
    """Period label of an ISO date (``YYYY-MM-DD``; month-only dates count as their 1st)."""
    if iso is None or (isinstance(iso, float) and np.isnan(iso)) or not str(iso).strip():
        return UNKNOWN
    text = str(iso)
    try:
        parts = [int(p) for p in text[:10].split("-")]
        d = date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except (ValueError, IndexError):
        return UNKNOWN
    if len(parts) < 3:  # month or year only: unknown if the period straddles the boundary
        last = (
            date(parts[0], 12, 31)
            if len(parts) == 1
            else (date(parts[0] + (parts[1] == 12), parts[1] % 12 + 1, 1) - timedelta(days=1))
        )
        if kind == "week" or d < BLACKOUT_DATE <= last:
            return UNKNOWN
    if kind == "week":
        y, w, _ = d.isocalendar()
        return f"{y}-W{w:02d}"
    return "before_blackout" if d < BLACKOUT_DATE else "blackout"


def age_group_of(years: object) -> str:
    try:
        v = float(years)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return UNKNOWN
    if np.isnan(v):
        return UNKNOWN
    for lo, hi, label in zip(AGE_BINS[:-1], AGE_BINS[1:], AGE_LABELS, strict=True):
        if lo <= v < hi:
            return label
    return UNKNOWN


def histories_from_victims(
    victims: pd.DataFrame,
    sources: list[str],
    by: list[str] | None = None,
    *,
    period_kind: str = "blackout",
) -> pd.DataFrame:
    """Capture-history counts from a victims frame (uid, sources, strata fields)."""
    by = list(by or [])
    bad = [b for b in by if b not in STRATA]
    if bad:
        raise LinkageError(f"unknown stratum {', '.join(bad)}; choose from {', '.join(STRATA)}")
    frame = pd.DataFrame(index=victims.index)
    lists = victims["sources"].map(lambda s: set(s) if s is not None else set())
    for src in sources:
        frame[src] = lists.map(lambda s, src=src: int(src in s)).astype("int64")
    if "province" in by:
        col = "province_code" if "province_code" in victims.columns else "province"
        frame["province"] = victims[col].fillna(UNKNOWN).astype(str)
    if "period" in by:
        frame["period"] = victims["date_of_death"].map(lambda v: period_of(v, kind=period_kind))
    if "sex" in by:
        frame["sex"] = victims["sex"].where(victims["sex"].isin(["m", "f"]), UNKNOWN)
    if "age_group" in by:
        col = "age_years" if "age_years" in victims.columns else "age"
        frame["age_group"] = victims[col].map(age_group_of)
    keys = [*by, *sources]
    if frame.empty:
        return pd.DataFrame(columns=[*sources, *by, "count"])
    out = frame.groupby(keys, dropna=False).size().reset_index(name="count")
    out = out[[*sources, *by, "count"]]
    return out.sort_values([*by, *sources], ascending=True).reset_index(drop=True)


def capture_histories(
    ws: Workspace, by: list[str] | None = None, *, period_kind: str = "blackout"
) -> pd.DataFrame:
    """Capture-history counts of the latest linkage run of ``ws``.

    Columns: one 0/1 column per source name (sorted), the requested stratum columns
    among :data:`STRATA`, and ``count``. Raises LinkageError before any ``roshan link``.
    """
    path = ws.snapshot("victims")
    if not path.is_file():
        raise LinkageError("no linkage results in this workspace yet; run `roshan link` first")
    victims = pd.read_parquet(path)
    sources = sorted({s for lst in victims["sources"] for s in (lst if lst is not None else [])})
    return histories_from_victims(victims, sources, by, period_kind=period_kind)
