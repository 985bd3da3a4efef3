"""Score candidate pairs with the trained model and keep what later stages need.

Splink's ``predict`` scores every pair produced by the blocking passes. Pairs at
or above :data:`~roshan.link.settings.PAIRS_FLOOR` are returned (and saved as
``pairs.parquet``: the review queue picks uncertain pairs from it and linkage
uncertainty samples clusterings from it). The chaining guard also needs pairs that
*clearly disagree* (very low probability and a hard disagreement such as a
different sex); those come from :func:`disagreeing_pairs`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from splink import Linker

from roshan.link.settings import PAIRS_FLOOR, ModelSpec

CHAIN_LOW = 0.01
"""A scored pair below this probability with a hard disagreement must not share a cluster."""


def _rename(df: pd.DataFrame) -> pd.DataFrame:
    df = df.rename(columns={"unique_id_l": "record_pk_l", "unique_id_r": "record_pk_r"})
    keep = ["record_pk_l", "record_pk_r", "match_probability", "match_weight"]
    keep += [c for c in df.columns if c.startswith("gamma_")]
    keep += [c for c in ("source_l", "source_r") if c in df.columns]
    out = df[keep].copy()
    out["record_pk_l"] = out["record_pk_l"].astype("int64")
    out["record_pk_r"] = out["record_pk_r"].astype("int64")
    out["match_probability"] = out["match_probability"].astype("float64")
    out["match_weight"] = out["match_weight"].astype("float64")
    for c in out.columns:
        if c.startswith("gamma_"):
            out[c] = out[c].astype("int8")
    # canonical orientation: smaller record_pk on the left, deterministic order
    swap = out["record_pk_l"] > out["record_pk_r"]
    if swap.any():
        a = out.loc[swap, "record_pk_l"].copy()
        out.loc[swap, "record_pk_l"] = out.loc[swap, "record_pk_r"]
        out.loc[swap, "record_pk_r"] = a
        if "source_l" in out.columns:
            s = out.loc[swap, "source_l"].copy()
            out.loc[swap, "source_l"] = out.loc[swap, "source_r"]
            out.loc[swap, "source_r"] = s
    return out.sort_values(["record_pk_l", "record_pk_r"]).reset_index(drop=True)


def predict_pairs(linker: Linker, *, floor: float = PAIRS_FLOOR) -> tuple[pd.DataFrame, Any]:
    """Scored pairs with probability ≥ ``floor`` (pandas) and the full Splink table."""
    scored = linker.inference.predict(warning_mode="never")
    cols = ["unique_id_l", "unique_id_r", "match_probability", "match_weight"]
    names = [c.unquote().name if hasattr(c, "unquote") else str(c) for c in scored.columns]
    names = [n.strip('"`') for n in names]
    cols += [n for n in names if n.startswith("gamma_")]
    cols += [n for n in ("source_l", "source_r") if n in names]
    sql = (f"select {', '.join(cols)} from {scored.physical_name} "
           f"where match_probability >= {float(floor)!r}")
    kept = linker.misc.query_sql(sql, output_type="pandas")
    return _rename(kept), scored


def disagreeing_pairs(linker: Linker, scored: Any, spec: ModelSpec, components: Any,
                      low: float = CHAIN_LOW) -> pd.DataFrame:
    """Scored pairs below ``low`` whose comparison vector shows a hard disagreement.

    ``components`` is a registered table (record_pk, cluster) of the records in
    multi-record clusters: only pairs inside one cluster can be chaining errors, so
    only those are fetched (keeps this cheap on millions of records).
    """
    if not spec.disagreement:
        return pd.DataFrame({"record_pk_l": [], "record_pk_r": []}, dtype="int64")
    conds = []
    for col, levels in spec.disagreement.items():
        conds.append(f"{col} in ({', '.join(str(int(v)) for v in levels)})")
    comp = components.physical_name
    sql = (f"select p.unique_id_l, p.unique_id_r from {scored.physical_name} p "
           f"join {comp} a on p.unique_id_l = a.record_pk "
           f"join {comp} b on p.unique_id_r = b.record_pk "
           f"where a.cluster = b.cluster and p.match_probability < {float(low)!r} "
           f"and ({' or '.join(conds)})")
    df = linker.misc.query_sql(sql, output_type="pandas")
    df = df.rename(columns={"unique_id_l": "record_pk_l", "unique_id_r": "record_pk_r"})
    return df.astype("int64")
