"""Summary of a ``normalized.parquet``: what share of each field was understood.

Used by ``roshan normalize workspace`` and the benchmark. Shares are over all
records; sample rows show only normalised columns (keys, romanisations,
dates, places), never witness or source fields.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

SAMPLE_COLUMNS = (
    "record_pk",
    "source",
    "full_roman",
    "full_key",
    "sex",
    "age_min",
    "age_max",
    "dod_iso",
    "dod_precision",
    "city",
    "province_code",
    "cause_category",
)


def summarize_frame(frame: pd.DataFrame) -> dict[str, Any]:
    """Shares of records with each normalised field filled or flagged."""
    n = max(len(frame), 1)

    def share(mask: Any) -> float:
        return float(mask.sum()) / n

    flags = (
        frame["name_flags"].fillna("")
        if "name_flags" in frame
        else pd.Series("", index=frame.index)
    )
    return {
        "with_name_key": share(frame["full_key"].notna()),
        "names_swapped_back": share(flags.str.contains("given_family_swapped")),
        "father_from_full_name": share(flags.str.contains("father_from_full_name")),
        "father_from_notes": share(flags.str.contains("father_from_notes")),
        "name_script_fa": share(frame["name_script"] == "fa"),
        "name_script_latin": share(frame["name_script"] == "latin"),
        "sex_known": share(frame["sex"].notna()),
        "sex_imputed": share(frame["sex_imputed"].astype(bool)),
        "with_age": share(frame["age_min"].notna()),
        "dod_day": share(frame["dod_precision"] == "day"),
        "dod_month": share(frame["dod_precision"] == "month"),
        "dod_year": share(frame["dod_precision"] == "year"),
        "dod_ambiguous": share(frame["dod_ambiguous"].astype(bool)),
        "dod_jalali": share(frame["dod_calendar"] == "jalali"),
        "with_province": share(frame["province_code"].notna()),
        "place_unresolved": share(frame["place_unresolved"].astype(bool)),
        "distinct_full_keys": int(frame["full_key"].nunique()),
        **_register_fields(frame, share),
    }


def _register_fields(frame: pd.DataFrame, share: Any) -> dict[str, float]:
    """National IDs given, and failing their check digit (a typo, or not an Iranian
    national ID); burial days standing in for a missing date of death."""
    if "national_id" not in frame or "burial" not in frame:  # a snapshot from before
        return {}
    valid = frame["national_id_valid"].astype("boolean")
    return {
        "with_national_id": share(frame["national_id"].notna()),
        "national_id_check_digit_fails": share(valid.eq(False).fillna(False)),
        "burial_without_dod_day": share(
            frame["burial"].notna() & (frame["dod_precision"] != "day")
        ),
    }


def summarize(path: Path, samples: int = 5) -> dict[str, Any]:
    """Read a normalized.parquet and summarise it, with ``samples`` example rows."""
    frame = pq.read_table(path).to_pandas()
    rows = []
    if samples and len(frame):
        pick = frame.sample(n=min(samples, len(frame)), random_state=0)
        for _, r in pick[list(SAMPLE_COLUMNS)].iterrows():
            rows.append(
                {
                    c: (None if pd.isna(r[c]) else (r[c].item() if hasattr(r[c], "item") else r[c]))
                    for c in SAMPLE_COLUMNS
                }
            )
    return {
        "path": str(path),
        "records": len(frame),
        "summary": summarize_frame(frame),
        "samples": rows,
    }
