"""Link a normalised frame end to end, without a workspace: the engine-level core.

prepare → blocking keys (capped) → register with the engine → train → predict →
cluster (with review constraints and the chaining guard). The workspace pipeline
(:mod:`roshan.link.pipeline`) wraps this with the store; benchmarks and the FEBRL
check call it directly on any frame with a matching :class:`ModelSpec`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from splink import Linker

from roshan.errors import LinkageError
from roshan.link.blocking import BlockingReport, add_blocking_keys, default_block_cap
from roshan.link.cluster import Clustering, cluster_pairs
from roshan.link.engine import ENGINES, open_backend
from roshan.link.predict import guard_pairs, score_kept_pairs
from roshan.link.settings import ModelSpec
from roshan.link.train import EM_MAX_PAIRS, U_SAMPLE_ROWS, TrainingReport, save_model, train

log = logging.getLogger(__name__)

ProgressFn = Callable[[str, int, int], None]
PAIRS_PER_CHUNK = 40_000_000
"""Above this many candidate pairs, prediction runs in chunks (bounded memory)."""
GUARD_MAX_CLUSTER = 300
"""Clusters larger than this are not checked pair by pair by the chaining guard."""
STEPS = ("prepare", "train", "predict", "cluster")


@dataclass
class CoreResult:
    """Everything one linkage produced, before it is written anywhere."""

    pairs: pd.DataFrame
    clustering: Clustering
    training: TrainingReport
    blocking: BlockingReport
    model: dict[str, Any]
    threshold: float
    timings: dict[str, float] = field(default_factory=dict)
    model_files: dict[str, Path] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _large_cluster_size(prepared: pd.DataFrame) -> int:
    n_sources = prepared["source"].nunique() if "source" in prepared.columns else 1
    return max(2 * int(n_sources), 6)


def transplant_parameters(target: dict[str, Any], source: dict[str, Any]) -> dict[str, Any]:
    """``target`` settings (any SQL dialect) with λ, m and u copied from ``source``.

    Both must come from the same :class:`ModelSpec`, so comparisons and levels line up.
    """
    target["probability_two_random_records_match"] = \
        source["probability_two_random_records_match"]
    if len(target["comparisons"]) != len(source["comparisons"]):
        raise LinkageError("internal: model and settings have different comparisons")
    for tc, sc in zip(target["comparisons"], source["comparisons"], strict=True):
        for tl, sl in zip(tc["comparison_levels"], sc["comparison_levels"], strict=True):
            for key in ("m_probability", "u_probability"):
                if key in sl:
                    tl[key] = sl[key]
    return target


def link_prepared(prepared: pd.DataFrame, spec: ModelSpec, *, engine: str = "duckdb",
                  spark_master: str | None = None, threshold: float | None = None,
                  seed: int = 42, must_link: Iterable[tuple[int, int]] = (),
                  cannot_link: Iterable[tuple[int, int]] = (),
                  labels: pd.DataFrame | None = None, models_dir: Path | None = None,
                  block_cap: int | None = None, on_progress: ProgressFn | None = None,
                  u_sample_rows: int = U_SAMPLE_ROWS, em_max_pairs: float = EM_MAX_PAIRS,
                  threads: int | None = None) -> CoreResult:
    """Link a frame already prepared for ``spec`` (one row per record, ``unique_id``)."""
    if engine not in ENGINES:
        raise LinkageError(f"unknown linkage engine {engine!r}; choose one of {', '.join(ENGINES)}")
    thr = spec.threshold if threshold is None else float(threshold)
    if not 0.0 < thr < 1.0:
        raise LinkageError(f"threshold must be strictly between 0 and 1, got {thr}")
    if len(prepared) < 2:
        raise LinkageError(f"linkage needs at least 2 records, found {len(prepared)}")
    timings: dict[str, float] = {}
    progress = on_progress or (lambda step, done, total: None)

    t0 = time.perf_counter()
    progress("prepare", 0, len(STEPS))
    prepared = prepared.copy()
    cap = default_block_cap(len(prepared)) if block_cap is None else int(block_cap)
    blocking = add_blocking_keys(prepared, spec.passes, cap=cap)
    # Training always runs on embedded DuckDB: it works on samples (u) and blocked
    # subsets (EM), is fast there, and gives the same parameters whatever engine
    # scores the pairs. The engine asked for does the quadratic part: blocking and
    # scoring every candidate pair with the trained model.
    train_backend = open_backend("duckdb", threads=threads)
    pred_backend = train_backend
    try:
        sdf = train_backend.register(prepared, "records")
        timings["prepare"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        progress("train", 1, len(STEPS))
        linker, training = train(train_backend, sdf, prepared, spec, seed=seed, labels=labels,
                                 u_sample_rows=u_sample_rows, em_max_pairs=em_max_pairs)
        model = linker.misc.save_model_to_json()
        files = save_model(linker, models_dir) if models_dir is not None else {}
        timings["train"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        progress("predict", 2, len(STEPS))
        if engine != "duckdb":
            pred_backend = open_backend(engine, spark_master=spark_master, threads=threads,
                                        expected_pairs=blocking.total_pairs)
            psdf = pred_backend.register(prepared, "records")
            # The saved SQL is DuckDB's dialect; rebuild the settings in the target
            # dialect from the spec and copy the trained parameters across.
            target = Linker(psdf, spec.settings(), log_level=None).misc.save_model_to_json()
            linker = Linker(psdf, transplant_parameters(target, model), log_level=None)
        # Chunks bound DuckDB's memory. Spark spills by itself, and chunking there
        # would re-run blocking per chunk and write every chunk's scores twice.
        chunks = 1 if engine == "spark" else max(1, -(-blocking.total_pairs // PAIRS_PER_CHUNK))
        pairs, kept = score_kept_pairs(linker, engine, chunks=chunks)
        timings["predict"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        progress("cluster", 3, len(STEPS))
        must, cannot = list(must_link), list(cannot_link)
        ids = prepared["unique_id"].to_numpy()
        first = cluster_pairs(ids, pairs, thr, must_link=must, cannot_link=cannot)
        sizes = first.labels["cluster"].map(first.labels["cluster"].value_counts())
        # Every pair inside a cluster is scored by the guard; a pathological chain of
        # thousands of records would be quadratic, so those are only flagged (large).
        multi = first.labels[(sizes > 1) & (sizes <= GUARD_MAX_CLUSTER)]
        guard: list[tuple[int, int]] = []
        if len(multi):
            gp = guard_pairs(linker, engine, pred_backend, kept, spec,
                             multi[["record_pk", "cluster"]].reset_index(drop=True))
            guard = list(zip(gp["record_pk_l"].tolist(), gp["record_pk_r"].tolist(),
                             strict=True))
        clustering = cluster_pairs(ids, pairs, thr, must_link=must, cannot_link=cannot,
                                   guard_pairs=guard,
                                   large_cluster=_large_cluster_size(prepared))
        timings["cluster"] = time.perf_counter() - t0
        progress("cluster", 4, len(STEPS))
    finally:
        if pred_backend is not train_backend:
            pred_backend.close()
        train_backend.close()
    warnings = list(blocking.warnings) + list(training.warnings)
    return CoreResult(pairs=pairs, clustering=clustering, training=training, blocking=blocking,
                      model=model, threshold=thr, timings=timings, model_files=files,
                      warnings=warnings)
