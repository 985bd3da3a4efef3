"""The normalise stage: records frame in, ``normalized.parquet`` out.

:func:`normalize_frame` is pure (records_frame shape in, normalised frame out)
and fast on millions of rows because casualty lists repeat themselves: the
same names, dates, ages and places recur across rows and sources. Each field
is normalised once per *distinct value* (``pandas.factorize``) and the results
are joined back with integer indexing — there is no per-row Python loop.

:func:`normalize_workspace` runs it on a workspace's accepted records and
writes ``snapshots/normalized.parquet`` atomically (temp file + rename).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from roshan.normalize.ages import parse_age
from roshan.normalize.causes import cause_category, yes_no
from roshan.normalize.dates import ColumnHint, DateResult, detect_column, parse_date
from roshan.normalize.names import PersonName, person_name
from roshan.normalize.places import resolve_place
from roshan.normalize.schema import COLUMNS, NORMALIZED_SCHEMA
from roshan.normalize.sex import resolve_sex
from roshan.normalize.variants import VariantTable, default_table, load_variants_file

VARIANTS_FILE = "variants.tsv"
"""Name of the workspace file of reviewer-confirmed name variants (name_a<TAB>name_b)."""


def _col(df: pd.DataFrame, name: str) -> pd.Series:
    if name in df.columns:
        return df[name]
    return pd.Series([None] * len(df), index=df.index, dtype=object)


def _distinct_apply(columns: Sequence[pd.Series], fn: Callable[..., Any]) -> tuple[list[Any], np.ndarray]:
    """Apply ``fn`` once per distinct tuple of values; return (results, row → result index)."""
    if len(columns) == 1:
        codes, uniques = pd.factorize(columns[0].astype(object), use_na_sentinel=False)
        results = [fn(_none(u)) for u in uniques]
        return results, codes
    frame = pd.DataFrame({i: c.astype(object).to_numpy() for i, c in enumerate(columns)})
    frame = frame.where(frame.notna(), None)
    # factorize each column, then the tuple of codes
    code_cols = []
    uniq_cols = []
    for i in range(len(columns)):
        c, u = pd.factorize(frame[i], use_na_sentinel=False)
        code_cols.append(c.astype(np.int64))
        uniq_cols.append(u)
    stacked = np.stack(code_cols, axis=1)
    uniq_rows, inverse = np.unique(stacked, axis=0, return_inverse=True)
    results = [fn(*(_none(uniq_cols[j][r[j]]) for j in range(len(columns)))) for r in uniq_rows]
    return results, inverse.reshape(-1)


def _none(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, float) and np.isnan(v):
        return None
    if v is pd.NA or v is pd.NaT:
        return None
    return v if isinstance(v, str) else str(v)


def _take(values: list[Any], idx: np.ndarray, dtype: Any = object) -> np.ndarray:
    arr = np.empty(len(values), dtype=dtype)
    for i, v in enumerate(values):
        arr[i] = v
    return arr[idx]


def normalize_frame(df: pd.DataFrame, variants: VariantTable | None = None) -> pd.DataFrame:
    """Normalise every field of a records frame (``records_frame`` shape); pure.

    Returns one row per input row with the columns of
    :data:`roshan.normalize.schema.NORMALIZED_SCHEMA`, in that order.
    ``variants`` is the name-variant table to use (default: the package's).
    """
    table = variants or default_table()
    n = len(df)
    out: dict[str, Any] = {}
    out["record_pk"] = (df["record_pk"].astype("int64").to_numpy() if "record_pk" in df
                        else np.arange(n, dtype="int64"))
    out["source"] = _col(df, "source").astype(object).to_numpy()
    out["source_kind"] = _col(df, "source_kind").astype(object).to_numpy()
    out["record_id"] = _col(df, "record_id").astype(object).to_numpy()
    rn = _col(df, "row_number")
    out["row_number"] = pd.array(pd.to_numeric(rn, errors="coerce"), dtype="Int64")

    # ---- names: once per distinct (full, given, family, father)
    def name_fn(full: str | None, given: str | None, family: str | None,
                father: str | None) -> PersonName:
        return person_name(full, given, family, father, table)

    names, nidx = _distinct_apply(
        [_col(df, "full_name"), _col(df, "given_name"), _col(df, "family_name"),
         _col(df, "father_name")], name_fn)

    def field(get: Callable[[PersonName], Any]) -> np.ndarray:
        return _take([get(p) for p in names], nidx)

    def nz(s: str) -> str | None:
        return s or None

    out["full_name_norm"] = field(lambda p: nz(p.full.norm))
    out["given_norm"] = field(lambda p: nz(p.given.norm))
    out["family_norm"] = field(lambda p: nz(p.family.norm))
    out["father_norm"] = field(lambda p: nz(p.father.norm))
    out["given_key"] = field(lambda p: nz(p.given.key))
    out["family_key"] = field(lambda p: nz(p.family.key))
    out["father_key"] = field(lambda p: nz(p.father.key))
    out["full_key"] = field(lambda p: nz(p.full_key))
    out["name_tokens"] = field(lambda p: p.name_tokens)
    out["given_roman"] = field(lambda p: nz(p.given.roman))
    out["family_roman"] = field(lambda p: nz(p.family.roman))
    out["father_roman"] = field(lambda p: nz(p.father.roman))
    out["full_roman"] = field(lambda p: nz(" ".join(x for x in (p.given.roman, p.family.roman) if x)
                                           or p.full.roman))
    out["honorifics"] = field(lambda p: p.honorifics)
    out["name_script"] = field(lambda p: p.script)

    # ---- sex: distinct (reported sex, first given key)
    first_given = pd.Series(field(lambda p: p.given.keys[0] if p.given.keys else None))
    sexes, sidx = _distinct_apply([_col(df, "sex"), first_given],
                                  lambda s, k: resolve_sex(s, [k] if k else []))
    out["sex"] = _take([s.value for s in sexes], sidx)
    out["sex_imputed"] = _take([s.imputed for s in sexes], sidx, bool)

    # ---- age
    ages, aidx = _distinct_apply([_col(df, "age")], parse_age)
    out["age_min"] = pd.array(_take([a.min for a in ages], aidx), dtype="Int32")
    out["age_max"] = pd.array(_take([a.max for a in ages], aidx), dtype="Int32")

    # ---- dates: calendar and day/month order detected per source column
    sources = _col(df, "source").astype(object).where(_col(df, "source").notna(), "")

    def dates_for(col: str) -> tuple[list[DateResult], np.ndarray]:
        values = _col(df, col)
        hints: dict[Any, ColumnHint] = {}
        pairs = pd.DataFrame({"s": sources.to_numpy(), "v": values.astype(object).to_numpy()})
        for src, grp in pairs.groupby("s", sort=False, dropna=False):
            hints[src] = detect_column(pd.unique(grp["v"].dropna()))
        return _distinct_apply([sources, values],
                               lambda s, v: parse_date(v, hints.get(s if s is not None else "")))

    dod, didx = dates_for("date_of_death")
    out["dod"] = _take([d.first for d in dod], didx)
    out["dod_last"] = _take([d.last for d in dod], didx)
    out["dod_iso"] = _take([d.iso for d in dod], didx)
    out["dod_precision"] = _take([d.precision for d in dod], didx)
    out["dod_calendar"] = _take([d.calendar for d in dod], didx)
    out["dod_ambiguous"] = _take([d.ambiguous for d in dod], didx, bool)
    dob, bidx = dates_for("date_of_birth")
    out["dob_iso"] = _take([d.iso for d in dob], bidx)
    out["dob_year"] = pd.array(_take([d.first.year if d.first else None for d in dob], bidx),
                               dtype="Int32")

    # ---- places
    places, pidx = _distinct_apply(
        [_col(df, "city"), _col(df, "county"), _col(df, "province"), _col(df, "place_of_death")],
        resolve_place)
    out["city"] = _take([p.city for p in places], pidx)
    out["county"] = _take([p.county for p in places], pidx)
    out["province"] = _take([p.province for p in places], pidx)
    out["province_code"] = _take([p.province_code for p in places], pidx)
    out["place_confidence"] = _take([p.confidence for p in places], pidx, np.float32)
    out["place_unresolved"] = _take([p.unresolved for p in places], pidx, bool)

    # ---- cause and body
    causes, cidx = _distinct_apply([_col(df, "cause_category"), _col(df, "cause_of_death")],
                                   cause_category)
    out["cause_category"] = _take(causes, cidx)
    bodies, bwidx = _distinct_apply([_col(df, "body_withheld")], yes_no)
    out["body_withheld"] = pd.array(_take(bodies, bwidx), dtype="boolean")

    frame = pd.DataFrame(out, index=pd.RangeIndex(n))
    return frame[list(COLUMNS)]


def to_arrow(frame: pd.DataFrame) -> pa.Table:
    """Convert a :func:`normalize_frame` result to an Arrow table with the documented schema."""
    return pa.Table.from_pandas(frame, schema=NORMALIZED_SCHEMA, preserve_index=False)


def write_parquet(frame: pd.DataFrame, path: Path) -> Path:
    """Write ``frame`` to ``path`` atomically (temp file in the same folder, then rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".normalized-", suffix=".parquet.tmp", dir=path.parent)
    os.close(fd)
    try:
        pq.write_table(to_arrow(frame), tmp, compression="zstd")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def workspace_variants(ws: Any) -> VariantTable:
    """The variant table for a workspace: package seeds + its ``variants.tsv``."""
    return load_variants_file(Path(ws.root) / VARIANTS_FILE)


def normalize_workspace(ws: Any) -> Path:
    """Normalise a workspace's accepted records into ``ws.snapshots_dir/normalized.parquet``."""
    from roshan.store.records import records_frame

    df = records_frame(ws, accepted_only=True)
    frame = normalize_frame(df, workspace_variants(ws))
    return write_parquet(frame, Path(ws.snapshots_dir) / "normalized.parquet")
