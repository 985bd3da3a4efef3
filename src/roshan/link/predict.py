"""Score candidate pairs with the trained model and keep what later stages need.

* :func:`score_kept_pairs` runs Splink's ``predict`` over every pair produced by the
  blocking passes, keeping only pairs at or above
  :data:`~roshan.link.settings.PAIRS_FLOOR` (the filter runs inside the engine, so
  the millions of hopeless pairs are never materialised). These are saved as
  ``pairs.parquet``: the review queue picks uncertain pairs from it and linkage
  uncertainty samples clusterings from it.
* :func:`guard_pairs` scores, after a first clustering, *every* pair of records
  inside each multi-record cluster that was not already kept — including pairs no
  blocking pass compared — and returns those that *clearly disagree* (probability
  below :data:`CHAIN_LOW` and a hard disagreement such as a different sex). The
  chaining guard in :mod:`roshan.link.cluster` keeps them apart.

Results are read back through DuckDB whatever engine scored them: on Spark the
(small) result is written once to Parquet in a scratch folder, so nothing is
recomputed and nothing large passes through the Spark driver.
"""

from __future__ import annotations

import shutil
import tempfile
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
from splink import Linker

from roshan.link.engine import Backend
from roshan.link.settings import PAIRS_FLOOR, ModelSpec
from roshan.link.splink_adapter import (
    db_api_of,
    duckdb_connection,
    prob_to_match_weight,
    score_labelled_pairs,
    score_missing_cluster_edges,
)

CHAIN_LOW = 0.01
"""A pair inside a cluster below this probability with a hard disagreement is split."""

_KEEP = ("unique_id_l", "unique_id_r", "match_probability", "match_weight", "source_l", "source_r")


def _column_names(sdf: Any) -> list[str]:
    names = [c.unquote().name if hasattr(c, "unquote") else str(c) for c in sdf.columns]
    return [n.strip('"`') for n in names]


def _read(
    linker: Linker, engine: str, sdf: Any, columns: list[str], where: str = ""
) -> pd.DataFrame:
    """Selected columns of a Splink table as pandas, read through DuckDB."""
    sql = f"select {', '.join(columns)} from {{t}} {where}"
    if engine == "duckdb":
        return duckdb_connection(linker).execute(sql.format(t=sdf.physical_name)).df()
    scratch = Path(tempfile.mkdtemp(prefix="roshan-scored-"))
    try:
        narrow = linker.misc.query_sql(sql.format(t=sdf.physical_name), output_type="splink_df")
        narrow.to_parquet(str(scratch / "t"), overwrite=True)
        glob = str(scratch / "t" / "*.parquet").replace("'", "''")
        with duckdb.connect(":memory:") as con:
            return con.execute(f"select * from read_parquet('{glob}')").df()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _spark_floor(linker: Linker, engine: str, weight: float) -> AbstractContextManager[Any]:
    """On Spark, keep only scores ≥ ``weight`` when Splink writes them; else nothing."""
    if engine != "spark":
        return nullcontext()
    from roshan.link.spark_api import floor_predictions

    return floor_predictions(db_api_of(linker), weight)


def _rename(df: pd.DataFrame) -> pd.DataFrame:
    out = df.rename(columns={"unique_id_l": "record_pk_l", "unique_id_r": "record_pk_r"})
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
        for a, b in (("record_pk_l", "record_pk_r"), ("source_l", "source_r")):
            if a in out.columns:
                tmp = out.loc[swap, a].copy()
                out.loc[swap, a] = out.loc[swap, b]
                out.loc[swap, b] = tmp
    return out.sort_values(["record_pk_l", "record_pk_r"]).reset_index(drop=True)


def score_kept_pairs(
    linker: Linker, engine: str, *, floor: float = PAIRS_FLOOR, chunks: int = 1
) -> tuple[pd.DataFrame, Any]:
    """Scored pairs with probability ≥ ``floor`` (pandas, pairs.parquet shape) and the
    Splink table holding them. ``chunks`` > 1 splits the left side of the blocking
    join (Splink's chunked predict) to bound memory on very large data."""
    # On Spark the floor is not handed to Splink's predict: there the optimiser
    # pushes the filter on the match weight down through the projections and inlines
    # every comparison into it, so each expensive level (Levenshtein, array
    # intersection) ran about 13 times per pair (80 ``levenshtein`` calls in the
    # optimised plan for 6 in the SQL). The floor is applied instead to the finished
    # scores, just before Splink writes them (roshan.link.spark_api), and again here:
    # the same test Splink applies inside predict, weight >= the floor's weight.
    inner = None if engine == "spark" else floor
    weight = prob_to_match_weight(float(floor))
    with _spark_floor(linker, engine, weight):
        if chunks > 1:
            kept = linker.inference.predict(
                threshold_match_probability=inner,
                num_chunks_left=int(chunks),
                num_chunks_right=1,
                warning_mode="never",
            )
        else:
            kept = linker.inference.predict(threshold_match_probability=inner, warning_mode="never")
    if inner is None:
        kept = linker.misc.query_sql(
            f"select * from {kept.physical_name} where match_weight >= {weight!r}",
            output_type="splink_df",
        )
    names = _column_names(kept)
    cols = [n for n in names if n in _KEEP or n.startswith("gamma_")]
    return _rename(_read(linker, engine, kept, cols)), kept


def guard_pairs(
    linker: Linker,
    engine: str,
    backend: Backend,
    kept: Any,
    spec: ModelSpec,
    components: pd.DataFrame,
    *,
    low: float = CHAIN_LOW,
    threshold: float | None = None,
) -> pd.DataFrame:
    """Pairs inside one cluster of ``components`` (record_pk, cluster) that clearly disagree.

    Every within-cluster pair not already in ``kept`` is scored with the model
    (Splink's missing-cluster-edges scoring), so pairs that no blocking pass compared
    are checked too.
    """
    empty = pd.DataFrame(
        {"record_pk_l": pd.Series([], dtype="int64"), "record_pk_r": pd.Series([], dtype="int64")}
    )
    rules = _guard_rules(spec, low, threshold)
    if not rules or components.empty:
        return empty
    table = pd.DataFrame(
        {
            "unique_id": components["record_pk"].astype("int64").to_numpy(),
            "cluster_id": components["cluster"].astype("int64").to_numpy(),
        }
    )
    clusters = backend.register(table, "clusters")
    missing = score_missing_cluster_edges(linker, clusters, kept)
    names = _column_names(missing)
    conds = [
        f"(match_probability < {below!r} and {col} in ({', '.join(str(int(v)) for v in levels)}))"
        for col, levels, below in rules
        if col in names
    ]
    if not conds:
        return empty
    df = _read(
        linker, engine, missing, ["unique_id_l", "unique_id_r"], f"where {' or '.join(conds)}"
    )
    df = df.rename(columns={"unique_id_l": "record_pk_l", "unique_id_r": "record_pk_r"})
    return df.astype("int64")


def _guard_rules(
    spec: ModelSpec,
    low: float,
    threshold: float | None = None,
) -> list[tuple[str, tuple[int, ...], float]]:
    """(column, levels, probability below which the pair is split) for every rule; a
    rule's bound of None is the clustering ``threshold`` (the spec's when not given)."""
    thr = spec.threshold if threshold is None else float(threshold)
    rules = [
        (col, tuple(int(v) for v in levels), float(low))
        for col, levels in spec.disagreement.items()
    ]
    return rules + [
        (c, tuple(int(v) for v in lv), thr if b is None else float(b))
        for c, lv, b in spec.guard_rules
    ]


def guard_kept_pairs(
    pairs: pd.DataFrame, components: pd.DataFrame, spec: ModelSpec, threshold: float | None = None
) -> pd.DataFrame:
    """Scored pairs (``pairs.parquet`` shape) inside one cluster that a guard rule splits.

    :func:`guard_pairs` scores the within-cluster pairs that were *not* kept; rules whose
    probability bound is above the floor of the kept pairs can also hold for kept ones.
    """
    cluster = components.set_index("record_pk")["cluster"]
    cl_l = cluster.reindex(pairs["record_pk_l"].to_numpy()).to_numpy()
    cl_r = cluster.reindex(pairs["record_pk_r"].to_numpy()).to_numpy()
    inside = (cl_l == cl_r) & ~pd.isna(cl_l)
    hit = np.zeros(len(pairs), dtype=bool)
    p = pairs["match_probability"].to_numpy(dtype="float64")
    for col, levels, below in _guard_rules(spec, 0.0, threshold)[len(spec.disagreement) :]:
        if col in pairs.columns:
            hit |= (p < below) & pairs[col].isin(levels).to_numpy()
    out = pairs.loc[inside & hit, ["record_pk_l", "record_pk_r"]]
    return out.astype("int64").reset_index(drop=True)


def score_listed_pairs(linker: Linker, backend: Backend, pairs: pd.DataFrame) -> pd.DataFrame:
    """Match probability and comparison levels of the given pairs, whatever blocking says.

    ``pairs`` has ``unique_id_l``, ``unique_id_r``; the result has those two columns,
    ``match_probability`` and the ``gamma_*`` levels, one row per pair. Pairs are
    scored by the linker's current model (Splink's labelled-pairs scoring), so sure
    pairs can be checked under any candidate model, also pairs a model scores below
    the floor of :func:`score_kept_pairs`. DuckDB backends only (training runs there).
    """
    cols = ["unique_id_l", "unique_id_r", "match_probability"]
    if pairs.empty:
        return pd.DataFrame(
            {
                c: pd.Series([], dtype="float64" if c == "match_probability" else "int64")
                for c in cols
            }
        )
    table = pd.DataFrame(
        {
            "unique_id_l": pairs["unique_id_l"].astype("int64").to_numpy(),
            "unique_id_r": pairs["unique_id_r"].astype("int64").to_numpy(),
            "clerical_match_score": 1.0,
        }
    )
    sdf = backend.register(table, "listed_pairs")
    scored = score_labelled_pairs(linker, sdf.physical_name)
    names = _column_names(scored)
    keep = cols + [n for n in names if n.startswith("gamma_")]
    out = (
        duckdb_connection(linker)
        .execute(f"select {', '.join(keep)} from {scored.physical_name}")
        .df()
    )
    scored.drop_table_from_database_and_remove_from_cache()
    sdf.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)
    out["unique_id_l"] = out["unique_id_l"].astype("int64")
    out["unique_id_r"] = out["unique_id_r"].astype("int64")
    return out
