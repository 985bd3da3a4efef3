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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from splink import Linker

from roshan.errors import LinkageError
from roshan.link.blocking import BlockingReport, add_blocking_keys, default_block_cap
from roshan.link.cluster import Clustering, cluster_pairs
from roshan.link.consistency import choose_by_list_excess
from roshan.link.engine import ENGINES, open_backend
from roshan.link.health import Check, HealthReport, anchor_score, links_vs_prior_check
from roshan.link.predict import guard_kept_pairs, guard_pairs, score_kept_pairs
from roshan.link.prior import calibrate_prior, reweight
from roshan.link.settings import PAIRS_FLOOR, ModelSpec
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
    health: HealthReport = field(default_factory=HealthReport)
    check_pairs: pd.DataFrame | None = None


def _large_cluster_size(prepared: pd.DataFrame) -> int:
    n_sources = prepared["source"].nunique() if "source" in prepared.columns else 1
    return max(2 * int(n_sources), 6)


def transplant_parameters(target: dict[str, Any], source: dict[str, Any]) -> dict[str, Any]:
    """``target`` settings (any SQL dialect) with λ, m and u copied from ``source``.

    Both must come from the same :class:`ModelSpec`, so comparisons and levels line up.
    """
    target["probability_two_random_records_match"] = source["probability_two_random_records_match"]
    if len(target["comparisons"]) != len(source["comparisons"]):
        raise LinkageError("internal: model and settings have different comparisons")
    for tc, sc in zip(target["comparisons"], source["comparisons"], strict=True):
        for tl, sl in zip(tc["comparison_levels"], sc["comparison_levels"], strict=True):
            for key in ("m_probability", "u_probability"):
                if key in sl:
                    tl[key] = sl[key]
    return target


def link_prepared(
    prepared: pd.DataFrame,
    spec: ModelSpec,
    *,
    engine: str = "duckdb",
    spark_master: str | None = None,
    threshold: float | None = None,
    seed: int = 42,
    must_link: Iterable[tuple[int, int]] = (),
    cannot_link: Iterable[tuple[int, int]] = (),
    labels: pd.DataFrame | None = None,
    models_dir: Path | None = None,
    block_cap: int | None = None,
    on_progress: ProgressFn | None = None,
    u_sample_rows: int = U_SAMPLE_ROWS,
    em_max_pairs: float = EM_MAX_PAIRS,
    threads: int | None = None,
    starts: tuple[str, ...] | None = None,
) -> CoreResult:
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
        tkw: dict[str, Any] = dict(
            seed=seed,
            labels=labels,
            u_sample_rows=u_sample_rows,
            em_max_pairs=em_max_pairs,
            threshold=thr,
        )
        linker, training = train(train_backend, sdf, prepared, spec, starts=starts, **tkw)
        health = HealthReport(model_used=training.chosen_start)
        health.attempts.append(_attempt(training))
        if not all(c.ok for c in training.checks) and spec.sure_m_rules:
            # A failed check: retrain with the fallback (m from sure matches, no EM).
            linker2, training2 = train(train_backend, sdf, prepared, spec, fallback=True, **tkw)
            health.attempts.append(_attempt(training2))
            if all(c.ok for c in training2.checks) or anchor_score(training2.checks) > anchor_score(
                training.checks
            ):
                training2.notes.append(
                    "the EM model failed its health check ("
                    + ", ".join(c.name for c in training.checks if not c.ok)
                    + "); the fallback model is used"
                )
                training2.starts = training.starts + training2.starts
                linker, training = linker2, training2
                health.model_used = training.chosen_start
            health.verdict = "repaired" if all(c.ok for c in training.checks) else "failed"
        health.checks = list(training.checks)
        health.repairs = list(training.repairs)
        model = linker.misc.save_model_to_json()
        timings["train"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        progress("predict", 2, len(STEPS))
        psdf = sdf
        if engine != "duckdb":
            pred_backend = open_backend(
                engine,
                spark_master=spark_master,
                threads=threads,
                expected_pairs=blocking.total_pairs,
            )
            psdf = pred_backend.register(prepared, "records")
            linker = _engine_linker(psdf, spec, model)

        def applied(m: dict[str, Any]) -> Linker:
            """A linker with the parameters ``m`` in the engine that scores the pairs."""
            if engine == "duckdb":
                return Linker(sdf, m, log_level=None)
            return _engine_linker(psdf, spec, m)

        # Chunks bound DuckDB's memory. Spark spills by itself, and chunking there
        # would re-run blocking per chunk and write every chunk's scores twice.
        chunks = 1 if engine == "spark" else max(1, -(-blocking.total_pairs // PAIRS_PER_CHUNK))
        pairs, kept = score_kept_pairs(linker, engine, chunks=chunks)
        # λ from the deterministic rules counts namesakes as matches; re-estimate it
        # from the scored pairs (roshan.link.prior) and re-weight them exactly.
        lam_rules = float(model["probability_two_random_records_match"])
        lam = calibrate_prior(pairs["match_weight"].to_numpy(), lam_rules, len(prepared))
        pairs = reweight(pairs, lam_rules, lam)
        alt = training.alternative
        if alt is not None and health.verdict == "ok":
            # Is the EM model over-confident where the sure-match model is not? Lists
            # name a person once (roshan.link.consistency).
            fitted = {**model, "probability_two_random_records_match": lam}
            switch, figures = choose_by_list_excess(pairs, fitted, alt.model, len(prepared))
            first_model = training.chosen_start
            if switch:
                training = _switched(training, alt, figures)
                health.model_used = training.chosen_start
                health.attempts.append(_attempt(training))
                health.checks = list(training.checks)
                health.repairs = list(training.repairs)
                model = alt.model
                linker = applied(model)
                pairs, kept = score_kept_pairs(linker, engine, chunks=chunks)
                lam_rules = float(model["probability_two_random_records_match"])
                lam = calibrate_prior(pairs["match_weight"].to_numpy(), lam_rules, len(prepared))
                pairs = reweight(pairs, lam_rules, lam)
            if figures:
                health.checks.append(_list_check(figures, first_model))
        pairs = pairs[pairs["match_probability"] >= PAIRS_FLOOR].reset_index(drop=True)
        model["probability_two_random_records_match"] = lam
        training.prior = {"rules": lam_rules, "calibrated": lam}
        linker = applied(model)
        files = save_model(linker, models_dir) if models_dir is not None else {}
        timings["predict"] = time.perf_counter() - t0
        prior_check = links_vs_prior_check(
            lam_rules, lam, len(prepared), int((pairs["match_probability"] >= thr).sum())
        )
        health.checks.append(prior_check)
        if not prior_check.ok and health.verdict != "failed":
            health.verdict = "failed"

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
            comps = multi[["record_pk", "cluster"]].reset_index(drop=True)
            gp = pd.concat(
                [
                    guard_pairs(linker, engine, pred_backend, kept, spec, comps, threshold=thr),
                    guard_kept_pairs(pairs, comps, spec, thr),
                ],
                ignore_index=True,
            )
            guard = list(zip(gp["record_pk_l"].tolist(), gp["record_pk_r"].tolist(), strict=True))
        clustering = cluster_pairs(
            ids,
            pairs,
            thr,
            must_link=must,
            cannot_link=cannot,
            guard_pairs=guard,
            large_cluster=_large_cluster_size(prepared),
        )
        timings["cluster"] = time.perf_counter() - t0
        progress("cluster", 4, len(STEPS))
    finally:
        if pred_backend is not train_backend:
            pred_backend.close()
        train_backend.close()
    check = check_pairs(training.anchors, pairs, thr, spec.group_column)
    health.review_pairs = int(len(check))
    warnings = list(blocking.warnings) + list(training.warnings)
    if health.verdict == "failed":
        warnings.insert(0, health.message())
    return CoreResult(
        pairs=pairs,
        clustering=clustering,
        training=training,
        blocking=blocking,
        model=model,
        threshold=thr,
        timings=timings,
        model_files=files,
        warnings=warnings,
        health=health,
        check_pairs=check,
    )


CHECK_PAIRS_LIMIT = 2000
"""At most this many model-check pairs are kept for review."""


def check_pairs(
    anchors: Any, pairs: pd.DataFrame, threshold: float, group: str | None
) -> pd.DataFrame:
    """Sure matches the final model does not link: what review should settle first.

    A human verdict on a pair the rules call sure and the model rejects tells directly
    which of the two is wrong, and a confirmed match retrains m (docs/linkage.md,
    "Review that repairs the model"). Ranked so the script combination the model links
    worst comes first, then by probability nearest the threshold (log-odds). Columns:
    record_pk_l, record_pk_r, match_probability (0 when below the kept floor),
    combination, rank.
    """
    cols = ["record_pk_l", "record_pk_r", "match_probability", "combination"]
    if anchors is None or anchors.sure.empty:
        return pd.DataFrame({c: [] for c in cols})
    sure = anchors.sure.rename(columns={"unique_id_l": "record_pk_l", "unique_id_r": "record_pk_r"})
    scored = sure.merge(
        pairs[["record_pk_l", "record_pk_r", "match_probability"]],
        on=["record_pk_l", "record_pk_r"],
        how="left",
    )
    scored["match_probability"] = scored["match_probability"].fillna(0.0)
    if group and f"{group}_l" in scored.columns:
        a = scored[f"{group}_l"].fillna("unknown").astype(str)
        b = scored[f"{group}_r"].fillna("unknown").astype(str)
        scored["combination"] = np.where(a <= b, a + "-" + b, b + "-" + a)
    else:
        scored["combination"] = "all"
    rate = (scored["match_probability"] >= threshold).groupby(scored["combination"]).mean()
    out = scored[scored["match_probability"] < threshold].copy()
    p = out["match_probability"].clip(1e-6, 1 - 1e-6).to_numpy()
    out["_dist"] = np.abs(np.log(p / (1 - p)) - np.log(threshold / (1 - threshold)))
    out["_rate"] = out["combination"].map(rate)
    out = out.sort_values(["_rate", "_dist", "record_pk_l", "record_pk_r"], kind="mergesort")
    return out[cols].head(CHECK_PAIRS_LIMIT).reset_index(drop=True)


def _engine_linker(sdf: Any, spec: ModelSpec, model: dict[str, Any]) -> Linker:
    """A linker in ``sdf``'s engine with ``model``'s parameters: the saved SQL is
    DuckDB's dialect, so the settings are rebuilt from the spec in the target dialect
    and the trained parameters copied across."""
    target = Linker(sdf, spec.settings(), log_level=None).misc.save_model_to_json()
    return Linker(sdf, transplant_parameters(target, model), log_level=None)


def _list_check(figures: dict[str, Any], first: str) -> Check:
    """The list-excess comparison as a health figure (informational: it chooses a model,
    it does not fail one)."""
    here, there = figures["model"]["excess"], figures["sure_match_model"]["excess"]
    used = "sure-matches" if figures["switched"] else first
    detail = (
        f"list excess (expected matches that lists naming a person once rule out): "
        f"{first} {here:.3f}, sure-matches {there:.3f}; {used} is used"
    )
    return Check("one_entry_per_list", True, detail, figures, judged=False)


def _switched(training: TrainingReport, alt: Any, figures: dict[str, Any]) -> TrainingReport:
    """The training report of the sure-match model chosen over ``training``'s."""
    out = replace(
        training,
        chosen_start=alt.name,
        em_passes=[],
        repairs=list(alt.repairs),
        checks=list(alt.checks),
        notes=list(training.notes)
        + [
            f"the {training.chosen_start} model was over-confident (list excess "
            f"{figures['model']['excess']:.3f} against {figures['sure_match_model']['excess']:.3f}): "
            "m from leave-one-out sure matches is used (roshan.link.consistency)"
        ],
        alternative=None,
    )
    out.starts = list(training.starts) + [
        {"start": alt.name, "ok": alt.ok, "score": round(alt.score, 4), "failed": []}
    ]
    return out


def _attempt(training: TrainingReport) -> dict[str, Any]:
    return {
        "model": training.chosen_start,
        "ok": all(c.ok for c in training.checks),
        "failed": [c.name for c in training.checks if not c.ok],
        "starts": [{k: v for k, v in s.items() if k != "em_passes"} for s in training.starts],
    }
