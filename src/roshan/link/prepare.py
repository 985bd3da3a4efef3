"""Turn the normalised records snapshot into the table Splink compares.

The normalise stage gives one row per record with names in three forms (the
normalised text, a cross-script phonetic key, a romanisation), a parsed date of
death with its precision, an age range and a resolved place. Splink needs a few
more columns that are easier and more portable (DuckDB *and* Spark SQL) to compute
once here than inside every comparison:

* ``unique_id`` — the store's ``record_pk``;
* ``dod_day`` — days since 1970-01-01 when the date is known to the day (else
  null), so the date levels are plain integer arithmetic in any SQL dialect;
  ``dod_month`` (``YYYY-MM``) when known at least to the month;
* ``burial_day`` — the date of burial as a day number, like ``dod_day`` (a cemetery
  register that gives no date of death);
* ``age_mid`` — the middle of the age range;
* ``given_tokens`` — the cross-script keys of each part of a compound given name
  (Mohammad Reza → [mhmd, rza]) for the token-overlap level;
* ``given_father_key`` / ``father_family_key`` — the given (family) key joined to the
  father's key, for the "split differently" levels: a full name written without
  «فرزند»/"son of" is ambiguous («محمد حسین مرادی» is Mohammad Hossein Moradi, or
  Mohammad son of Hossein Moradi; "Zahra Ali Karimi" is Zahra daughter of Ali
  Karimi, or Zahra Ali-Karimi), so two records of one person can have the same
  tokens cut in different places; ``family_last`` — the last part of the family key
  (the blocking pass that finds such pairs);
* ``given_skel`` / ``family_skel`` / ``full_skel`` — the key with letters that differ
  only by their dots in Persian script made one (:func:`roshan.normalize.dot_skeleton`):
  مخمدی and محمدی, پهرامیان and بهرامیان (``full_skel``: each token of ``full_key``,
  sorted again);
* blocking keys ``blk_*`` (see :mod:`roshan.link.blocking`).

Missing inputs are a :class:`~roshan.errors.LinkageError`, never a crash.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from roshan.errors import LinkageError
from roshan.normalize import dot_skeleton

#: The name columns, in each of their forms (normalised, key, romanised).
NAME_COLUMNS: tuple[str, ...] = (
    "given_norm",
    "family_norm",
    "father_norm",
    "given_key",
    "family_key",
    "father_key",
    "full_key",
    "given_roman",
    "family_roman",
    "father_roman",
    "full_roman",
)

# Columns the roshan model reads from the normalised snapshot. A column missing
# entirely is a user-visible error (the snapshot is from an older roshan or was
# edited by hand); a column present but all-null is allowed and warned about.
REQUIRED_COLUMNS: tuple[str, ...] = (
    "record_pk",
    "source",
    *NAME_COLUMNS,
    "sex",
    "age_min",
    "age_max",
    "dod",
    "dod_precision",
    "city",
    "county",
    "province_code",
)

STRING_COLUMNS: tuple[str, ...] = (
    "source",
    *NAME_COLUMNS,
    "full_name_norm",
    "sex",
    "city",
    "county",
    "province",
    "province_code",
    "dod_precision",
    "name_script",
    "alias_key",  # optional: a snapshot from before it has none
    "national_id",  # optional, as alias_key
)

_EPOCH = np.datetime64("1970-01-01", "D")


def check_columns(frame: pd.DataFrame, required: Sequence[str] = REQUIRED_COLUMNS) -> None:
    """Raise LinkageError naming every required column that is absent."""
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise LinkageError(
            "the normalised records lack column(s) "
            + ", ".join(missing)
            + "; re-run `roshan normalize` with this version of roshan"
        )


def _blank_to_null(s: pd.Series) -> pd.Series:
    s = s.astype(object)
    s = s.where(s.notna(), None)
    return s.map(lambda v: None if v is None or (isinstance(v, str) and not v.strip()) else str(v))


def _day_numbers(dod: pd.Series) -> pd.Series:
    """Days since 1970-01-01 for each date (pandas NA where missing)."""
    ts = pd.to_datetime(dod, errors="coerce")
    days = (ts.values.astype("datetime64[D]") - _EPOCH).astype("int64")
    out = pd.Series(days, index=dod.index, dtype="Int64")
    return out.where(ts.notna(), pd.NA)


def _given_tokens(key: str | None) -> list[str] | None:
    if not key:
        return None
    toks = [t for t in key.split() if t]
    return toks or None


def prepare_frame(normalized: pd.DataFrame) -> pd.DataFrame:
    """The Splink input table for the roshan model, one row per record.

    Raises LinkageError when there are no records or a required column is absent.
    """
    check_columns(normalized)
    if len(normalized) == 0:
        raise LinkageError("there are no records to link; ingest and normalise some lists first")
    df = pd.DataFrame({"unique_id": normalized["record_pk"].astype("int64").values})
    for c in STRING_COLUMNS:
        if c in normalized.columns:
            df[c] = _blank_to_null(normalized[c]).values
        else:
            df[c] = None
    if df["unique_id"].duplicated().any():
        raise LinkageError("record_pk is not unique in the normalised records")
    prec = df["dod_precision"]
    day = _day_numbers(normalized["dod"]).values
    df["dod_day"] = pd.array(day, dtype="Int64")
    df.loc[(prec != "day").values, "dod_day"] = pd.NA
    ts = pd.to_datetime(normalized["dod"], errors="coerce")
    month = ts.dt.strftime("%Y-%m")
    month = month.where(ts.notna() & prec.isin(["day", "month"]).values, None)
    df["dod_month"] = month.astype(object).where(month.notna(), None).values
    df["dod_week"] = pd.array((df["dod_day"] // 7).values, dtype="Int64")
    if "burial" in normalized.columns:
        df["burial_day"] = pd.array(_day_numbers(normalized["burial"]).values, dtype="Int64")
    else:
        df["burial_day"] = pd.array([pd.NA] * len(df), dtype="Int64")
    amin = pd.to_numeric(normalized["age_min"], errors="coerce").astype("float64").to_numpy()
    amax = pd.to_numeric(normalized["age_max"], errors="coerce").astype("float64").to_numpy()
    amin = np.where(np.isnan(amin), amax, amin)
    amax = np.where(np.isnan(amax), amin, amax)
    df["age_min"] = amin
    df["age_max"] = amax
    df["age_mid"] = (amin + amax) / 2.0
    band = np.floor(df["age_mid"].values / 10.0)
    df["age_band"] = pd.array(np.where(np.isnan(band), np.nan, band), dtype="Float64").astype(
        "Int64"
    )
    df["given_tokens"] = df["given_key"].map(_given_tokens)
    df["given_father_key"] = _joined(df["given_key"], df["father_key"])
    df["father_family_key"] = _joined(df["father_key"], df["family_key"], need_second=True)
    df["family_last"] = df["family_key"].map(_last_token)
    df["alias_block"] = _alias_block(df)
    df["given_skel"] = df["given_key"].map(dot_skeleton)
    df["family_skel"] = df["family_key"].map(dot_skeleton)
    df["full_skel"] = df["full_key"].map(_sorted_skeleton)
    return df


def _sorted_skeleton(key: str | None) -> str | None:
    """The dot skeleton of each token of ``full_key``, sorted again (a dot slip can move
    a token in the sort)."""
    if not isinstance(key, str) or not key.strip():
        return None
    return " ".join(sorted(str(dot_skeleton(t)) for t in key.split()))


def _alias_block(df: pd.DataFrame) -> np.ndarray:
    """The given-name part of the blocking pass for other names: a record's bracketed
    other name (``alias_key``); for a record without one, its given name where some
    record of the same family name has that as its other name; else None. So «هیوا
    (خالد) رسولی» and «خالد رسولی» share a block, and records with no other name are
    not compared again (the names pass did that)."""
    alias, given, family = df["alias_key"], df["given_key"], df["family_key"]
    has = alias.notna() & family.notna()
    if not has.any():
        return np.full(len(df), None, dtype=object)
    wanted = pd.MultiIndex.from_arrays([family[has], alias[has]])
    hit = ~has & given.notna() & pd.MultiIndex.from_arrays([family, given]).isin(wanted)
    out = given.where(hit, None).astype(object)
    out[has] = alias[has]
    return out.to_numpy(dtype=object)


def _joined(first: pd.Series, second: pd.Series, *, need_second: bool = False) -> np.ndarray:
    """``first second`` (space-joined keys); ``first`` alone where ``second`` is null.

    With ``need_second`` the roles swap: null where ``second`` (the part that must be
    there) is null, ``second`` alone where ``first`` is null.
    """
    a = first.to_numpy(dtype=object)
    b = second.to_numpy(dtype=object)
    out = np.empty(len(a), dtype=object)
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        x = x if isinstance(x, str) and x else None
        y = y if isinstance(y, str) and y else None
        if need_second:
            out[i] = None if y is None else (y if x is None else f"{x} {y}")
        else:
            out[i] = None if x is None else (x if y is None else f"{x} {y}")
    return out


def _last_token(key: str | None) -> str | None:
    if not isinstance(key, str) or not key.strip():
        return None
    return key.split()[-1]


def empty_field_warnings(prepared: pd.DataFrame) -> list[str]:
    """Plain-language warnings for comparison fields that are empty in every record."""
    out = []
    checks = {
        "family name": "family_key",
        "given name": "given_key",
        "father's name": "father_key",
        "date of death": "dod_month",
        "age": "age_mid",
        "place": "province_code",
        "sex": "sex",
    }
    for label, col in checks.items():
        if prepared[col].isna().all():
            out.append(f"{label} is missing in every record; it cannot help linkage")
    return out
