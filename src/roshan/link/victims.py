"""Victims: stable ids across runs, and the best value of each field per person.

**Stable ids.** A victim id (``V-000123``) names a person, not a run. After each
run every new cluster is matched to the previous run's victims by the records they
share: the pair with the most shared records is matched first (ties: smaller id,
then smaller cluster), each old id is used at most once, and a cluster sharing no
record with an unused old id gets a new number (numbers are never reused). So
adding a list leaves untouched victims with their ids, a victim who gains records
keeps its id, a merge keeps the id of the larger part, and a split keeps the id on
the larger part.

**Best values.** For each field the most frequent non-missing value among the
person's records; dates prefer records known to the day; sex prefers values the
source stated over imputed ones; body withheld is true if any record says so.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

UID_PREFIX = "V-"
_UID_RE = re.compile(r"^V-(\d+)$")


def uid_number(uid: str) -> int | None:
    """The number in a victim id, or None if it is not one."""
    m = _UID_RE.match(uid or "")
    return int(m.group(1)) if m else None


def format_uid(n: int) -> str:
    return f"{UID_PREFIX}{n:06d}"


def assign_uids(
    labels: pd.DataFrame, previous: Mapping[int, str], known_uids: set[str] | None = None
) -> dict[int, str]:
    """A victim id for each cluster label.

    ``labels``: record_pk, cluster. ``previous``: record_pk → victim id from the last
    run. ``known_uids``: every id ever issued (new numbers start above them).
    """
    known = set(known_uids or ()) | set(previous.values())
    prev = pd.Series(previous, dtype=object)
    lab = labels[["record_pk", "cluster"]].copy()
    lab["old"] = lab["record_pk"].map(prev)
    shared = lab.dropna(subset=["old"]).groupby(["cluster", "old"]).size().reset_index(name="n")
    shared = shared.sort_values(["n", "old", "cluster"], ascending=[False, True, True])
    out: dict[int, str] = {}
    used: set[str] = set()
    for cluster, old, _n in shared.itertuples(index=False):
        if cluster in out or old in used:
            continue
        out[int(cluster)] = str(old)
        used.add(str(old))
    nums = [uid_number(u) for u in known]
    nxt = max([n for n in nums if n is not None], default=0) + 1
    for cluster in sorted(set(lab["cluster"].astype("int64").tolist()) - set(out)):
        out[int(cluster)] = format_uid(nxt)
        nxt += 1
    return out


def _mode(df: pd.DataFrame, col: str, *, prefer: pd.Series | None = None) -> pd.Series:
    """Most frequent non-null ``col`` per uid (ties: smallest value); prefer rows first."""
    sub = df[["uid", col]].copy()
    sub = sub[sub[col].notna()]
    if prefer is not None:
        sub["_pref"] = prefer.loc[sub.index].astype(bool).astype(int)
    else:
        sub["_pref"] = 0
    sub[col] = sub[col].astype(str)
    counts = sub.groupby(["uid", col]).agg(n=("_pref", "size"), pref=("_pref", "max")).reset_index()
    counts = counts.sort_values(["uid", "pref", "n", col], ascending=[True, False, False, True])
    return counts.drop_duplicates("uid").set_index("uid")[col]


def _sorted_sources(df: pd.DataFrame) -> pd.Series:
    """Per uid, the sorted list of distinct source names (vectorised: one Python
    call per group was most of this step's time at a million records)."""
    pairs = pd.DataFrame(
        {"uid": df["uid"].to_numpy(), "source": df["source"].astype(str).to_numpy()}
    )
    pairs = pairs.drop_duplicates().sort_values(["uid", "source"], kind="stable")
    uids, starts = np.unique(pairs["uid"].to_numpy(), return_index=True)
    lists = [a.tolist() for a in np.split(pairs["source"].to_numpy(), starts[1:])]
    return pd.Series(lists, index=uids, dtype=object)


def _age_text(amin: float, amax: float) -> str | None:
    if np.isnan(amin) and np.isnan(amax):
        return None
    lo, hi = int(round(amin)), int(round(amax))
    return str(lo) if lo == hi else f"{lo}-{hi}"


def victims_frame(normalized: pd.DataFrame, assignment: pd.DataFrame) -> pd.DataFrame:
    """One row per victim with best values, sources and record count.

    ``assignment``: record_pk, uid. ``normalized``: the normalised snapshot.
    """
    df = normalized.merge(assignment[["record_pk", "uid"]], on="record_pk", how="inner")
    df = df.reset_index(drop=True)
    g = df.groupby("uid")
    out = pd.DataFrame(index=pd.Index(sorted(df["uid"].unique()), name="uid"))
    out["n_records"] = g.size()
    out["sources"] = _sorted_sources(df).reindex(out.index)
    name_col = "full_name_norm" if "full_name_norm" in df.columns else "full_roman"
    out["display_name"] = _mode(df, name_col)
    out["romanized"] = _mode(df, "full_roman")
    out["name_key"] = _mode(df, "full_key")
    imputed = (
        df["sex_imputed"].fillna(False).astype(bool)
        if "sex_imputed" in df.columns
        else pd.Series(False, index=df.index)
    )
    out["sex"] = _mode(df, "sex", prefer=~imputed)
    amin = pd.to_numeric(df["age_min"], errors="coerce")
    amax = pd.to_numeric(df["age_max"], errors="coerce")
    ages = pd.DataFrame({"uid": df["uid"], "amin": amin, "amax": amax}).groupby("uid").median()
    out["age"] = [
        _age_text(a, b)
        for a, b in zip(
            ages.reindex(out.index)["amin"].to_numpy(),
            ages.reindex(out.index)["amax"].to_numpy(),
            strict=True,
        )
    ]
    iso = df["dod_iso"] if "dod_iso" in df.columns else pd.Series(None, index=df.index)
    prec = df["dod_precision"].astype(object)
    rank = prec.map({"day": 3, "month": 2, "year": 1}).fillna(0)
    dd = pd.DataFrame({"uid": df["uid"], "iso": iso, "rank": rank})
    dd = dd[dd["iso"].notna()]
    counts = dd.groupby(["uid", "rank", "iso"]).size().reset_index(name="n")
    counts = counts.sort_values(["uid", "rank", "n", "iso"], ascending=[True, False, False, True])
    out["date_of_death"] = counts.drop_duplicates("uid").set_index("uid")["iso"]
    for col in ("province", "province_code", "city"):
        out[col] = _mode(df, col) if col in df.columns else None
    if "cause_category" in df.columns:
        known_cause = df["cause_category"].notna() & (df["cause_category"] != "unknown")
        out["cause_category"] = _mode(df, "cause_category", prefer=known_cause)
    else:
        out["cause_category"] = None
    if "body_withheld" in df.columns:
        bw = df["body_withheld"].astype(object)
        bw = bw.where(pd.notna(bw), None).map(lambda v: None if v is None else bool(v))
        tmp = pd.DataFrame({"uid": df["uid"], "bw": bw}).dropna()
        tmp["bw"] = tmp["bw"].astype(bool)
        out["body_withheld"] = tmp.groupby("uid")["bw"].any().astype(object) if len(tmp) else None
    else:
        out["body_withheld"] = None
    out = out.astype(object).where(out.notna(), None)
    return out.reset_index()
