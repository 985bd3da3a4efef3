"""What to put in front of a reviewer next: the review queue.

:func:`review_queue` lists, in order, the model-check pairs when the latest link run's
health check did not pass cleanly, the :func:`uncertain_pairs` (pairs whose match
probability is nearest the clustering threshold, in log-odds) and the suspicious
clusters (:mod:`roshan.link.review.suspicious`), leaving out pairs already decided.
The terminal review, the spreadsheet batches and the web app all use it.

The review queue is asked for by every reviewer, often; what it is built from changes
only when ``roshan link`` (or normalise) rewrites a snapshot. So the expensive part —
reading pairs.parquet / clusters.parquet and analysing every cluster — is computed once
per version of those files (keyed by path, inode, size and mtime/ctime in ns, plus the
threshold) and kept in this process (roshan.cache); what changes often (reviewers'
decisions and cannot-link rules) is applied to the cached result at query time, cheaply.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select

from roshan.cache import SingleFlight, file_key
from roshan.errors import LinkageError
from roshan.link.review.decisions import (
    DECISIONS_CACHE,
    DecidedPairs,
    decided_pairs,
    ordered_pairs,
)
from roshan.link.review.reading import current_threshold, read_pairs, reader
from roshan.link.review.suspicious import DATE_GAP_DAYS, SUSPICIOUS_CACHE, select_suspicious
from roshan.store.models import LinkRun
from roshan.store.workspace import Workspace

#: Band of match probabilities the review queue offers as "uncertain" (wider steps than
#: the linkage draws' band, link.uncertainty.graph.DRAW_BAND, which samples everything
#: not near-certain).
REVIEW_BAND: tuple[float, float] = (0.02, 0.98)


def _logit(p: np.ndarray | float) -> np.ndarray:
    q = np.clip(np.asarray(p, dtype=float), 1e-12, 1 - 1e-12)
    return np.log(q / (1 - q))


_UNCERTAIN_CACHE = SingleFlight()
_CHECK_CACHE = SingleFlight()


def clear_review_caches() -> None:
    """Forget cached queue analyses (they are also replaced whenever a snapshot changes)."""
    _UNCERTAIN_CACHE.clear()
    SUSPICIOUS_CACHE.clear()
    DECISIONS_CACHE.clear()
    _CHECK_CACHE.clear()


_UNCERTAIN_COLUMNS = ["record_pk_l", "record_pk_r", "match_probability", "match_weight", "distance"]


def _uncertain_ranked(ws: Workspace, t: float, band: tuple[float, float]) -> pd.DataFrame:
    """Every pair inside ``band``, deduplicated and ranked (cached per pairs.parquet)."""
    path = ws.snapshot("pairs")
    key = file_key(path)
    if key is None:
        raise LinkageError("no pairwise predictions in this workspace yet; run `roshan link` first")

    def compute() -> pd.DataFrame:
        pairs = read_pairs(
            ws, ["record_pk_l", "record_pk_r", "match_probability"], optional=("match_weight",)
        )
        lo, hi = band
        p = pairs["match_probability"].astype(float)
        pairs = pairs.loc[(p >= lo) & (p <= hi)]
        pk_l, pk_r = ordered_pairs(pairs["record_pk_l"], pairs["record_pk_r"])
        out = pd.DataFrame(
            {
                "record_pk_l": pk_l,
                "record_pk_r": pk_r,
                "match_probability": pairs["match_probability"].astype(float).to_numpy(),
            }
        )
        if "match_weight" in pairs.columns:
            out["match_weight"] = pairs["match_weight"].astype(float).to_numpy()
        else:
            out["match_weight"] = _logit(out["match_probability"].to_numpy()) / math.log(2)
        out["distance"] = np.abs(_logit(out["match_probability"].to_numpy()) - float(_logit(t)))
        out = out.drop_duplicates(["record_pk_l", "record_pk_r"])
        # A stable sort, so ranking first and leaving out decided pairs afterwards gives the
        # same order as leaving them out first.
        out = out.sort_values(["distance", "record_pk_l", "record_pk_r"], kind="mergesort")
        return out.reset_index(drop=True)

    slot = (str(path), float(t), (float(band[0]), float(band[1])))
    return _UNCERTAIN_CACHE.get((slot, key), compute)


def _uncertain(
    ws: Workspace,
    limit: int,
    threshold: float | None,
    band: tuple[float, float],
    decided: DecidedPairs | None,
) -> pd.DataFrame:
    if limit <= 0:
        return pd.DataFrame(columns=_UNCERTAIN_COLUMNS)
    t = current_threshold(ws) if threshold is None else float(threshold)
    ranked = _uncertain_ranked(ws, t, band)
    if decided is None:
        decided = decided_pairs(ws)
    if len(decided):
        # at most len(decided) of the first limit + len(decided) rows can be left out
        head = ranked.iloc[: limit + len(decided)]
        head = head.loc[
            ~decided.contains(head["record_pk_l"].to_numpy(), head["record_pk_r"].to_numpy())
        ]
    else:
        head = ranked
    return head.head(limit).reset_index(drop=True).copy()


def uncertain_pairs(
    ws: Workspace,
    limit: int = 50,
    *,
    threshold: float | None = None,
    band: tuple[float, float] = REVIEW_BAND,
) -> pd.DataFrame:
    """The ``limit`` most uncertain, not yet decided pairs from ``pairs.parquet``.

    Uncertainty is closeness to the clustering threshold in log-odds (match weight)
    terms, so 0.45 vs 0.55 around 0.5 rank alike and 0.999 is far from everything.
    Only pairs with a probability inside ``band`` are candidates. Returns columns
    record_pk_l < record_pk_r, match_probability, match_weight, distance (|logit p −
    logit threshold|, smaller = more uncertain), most uncertain first; ties broken by
    record ids so the order is reproducible. The ranking is computed once per version
    of pairs.parquet (and threshold) in this process; decided pairs are left out at
    each call.
    """
    return _uncertain(ws, limit, threshold, band, None)


IN_DOUBT = ("failed", "repaired")
"""Health verdicts under which the review queue starts with the model-check pairs."""


def latest_health(ws: Workspace) -> str | None:
    """The health verdict of the latest finished link run (None: not checked)."""
    stmt = (
        select(LinkRun.health_verdict)
        .where(LinkRun.status == "done")
        .order_by(LinkRun.id.desc())
        .limit(1)
    )
    with reader(ws) as conn:
        return conn.execute(stmt).scalar()


def _model_check_pairs(ws: Workspace, limit: int, decided: DecidedPairs) -> pd.DataFrame:
    """Undecided model-check pairs (at most ``limit``) when the model is in doubt."""
    cols = ["record_pk_l", "record_pk_r", "match_probability", "combination"]
    empty = pd.DataFrame({c: [] for c in cols})
    path = ws.snapshot("check_pairs")
    key = file_key(path)
    if limit <= 0 or key is None or latest_health(ws) not in IN_DOUBT:
        return empty
    ranked = _CHECK_CACHE.get((str(path), key), lambda: pd.read_parquet(path, columns=cols))
    if ranked.empty:
        return empty
    head = ranked.iloc[: limit + len(decided)]
    if len(decided):
        head = head.loc[
            ~decided.contains(
                head["record_pk_l"].astype("int64").to_numpy(),
                head["record_pk_r"].astype("int64").to_numpy(),
            )
        ]
    return head.head(limit).reset_index(drop=True)


def review_queue(ws: Workspace, limit: int = 50, cluster_limit: int = 20) -> list[dict[str, Any]]:
    """What to put in front of a reviewer: uncertain pairs, then suspicious clusters.

    When the latest link run's health verdict is ``failed`` or ``repaired``, the
    model-check pairs come first (kind "model_check", reason "model_check:fa-latin").
    Each item is a dict with kind ("model_check"/"uncertain_pair"/"suspicious_cluster"), record_a,
    record_b, match_probability (None when the pair was never scored), reason,
    cluster_id and cluster_size. A pair appears once even if it is both.
    """
    items: list[dict[str, Any]] = []
    seen: set[tuple[int, int]] = set()
    decisions = decided_pairs(ws)
    t = current_threshold(ws)
    # When the model's health check did not pass cleanly, the pairs that inform the
    # model most come first: sure matches it does not link, worst script combination
    # first (roshan.link.core.check_pairs). A confirmed match retrains m.
    checks = _model_check_pairs(ws, limit, decisions)
    for lo, hi, p, combo in checks.itertuples(index=False):
        key = (int(lo), int(hi))
        seen.add(key)
        items.append(
            {
                "kind": "model_check",
                "record_a": key[0],
                "record_b": key[1],
                "match_probability": float(p),
                "reason": f"model_check:{combo}",
                "cluster_id": None,
                "cluster_size": None,
            }
        )
    limit = max(0, limit - len(checks))
    pairs = _uncertain(ws, limit, t, REVIEW_BAND, decisions)
    for lo, hi, p in pairs[["record_pk_l", "record_pk_r", "match_probability"]].itertuples(
        index=False
    ):
        key = (int(lo), int(hi))
        seen.add(key)
        items.append(
            {
                "kind": "uncertain_pair",
                "record_a": key[0],
                "record_b": key[1],
                "match_probability": float(p),
                "reason": "near_threshold",
                "cluster_id": None,
                "cluster_size": None,
            }
        )
    clusters_path = ws.snapshot("clusters")
    if cluster_limit > 0 and clusters_path.is_file():
        sus, base = select_suspicious(ws, cluster_limit, t, DATE_GAP_DAYS, decisions)
        # every pair shown for a cluster lies inside it, so its score (if any) is in base
        for c in sus:
            key = (c.record_a, c.record_b)
            if key in seen:
                continue
            seen.add(key)
            items.append(
                {
                    "kind": "suspicious_cluster",
                    "record_a": key[0],
                    "record_b": key[1],
                    "match_probability": None if base is None else base.probability(*key),
                    "reason": ";".join(c.reasons),
                    "cluster_id": c.cluster_id,
                    "cluster_size": len(c.record_pks),
                }
            )
    return items


def warm_review_cache(ws: Workspace) -> bool:
    """Compute the review queue's analysis of the current snapshots now (``roshan serve``
    runs this in a background thread at start, so the first reviewer does not wait).
    Returns False, quietly, when there is nothing to analyse yet or it fails; a real
    request will then report the error."""
    try:
        review_queue(ws, limit=1, cluster_limit=1)
    except Exception:  # noqa: BLE001 - a warm-up must never stop the server
        return False
    return True
