"""Suspicious clusters: clusters that look wrong, and the pair to show a reviewer for each.

:func:`suspicious_clusters` ranks the clusters of clusters.parquet that join records
disagreeing on sex or date of death, are held together only by weak edges, carry a flag
of the linker or break a reviewer's cannot-link decision. The analysis of the clusters
(:mod:`roshan.link.review.analysis`) is computed once per version of the snapshots and
kept in this process (:mod:`roshan.cache`); reviewers' decisions are applied to it at
each call.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from roshan.cache import SingleFlight, file_key
from roshan.errors import LinkageError
from roshan.link.review.analysis import SuspiciousBase, compute_suspicious_base, read_clusters
from roshan.link.review.attributes import attributes_key
from roshan.link.review.decisions import DecidedPairs, decided_pairs
from roshan.link.review.reading import current_threshold
from roshan.store.workspace import Workspace

#: Dates of death further apart than this (in days) make a cluster suspicious.
DATE_GAP_DAYS = 7


@dataclass(frozen=True)
class SuspiciousCluster:
    """Why a cluster looks wrong, and the pair a reviewer should look at to settle it."""

    cluster_id: str
    record_pks: tuple[int, ...]
    reasons: tuple[str, ...]
    bottleneck_probability: float | None
    record_a: int
    record_b: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "cluster_id": self.cluster_id,
            "record_pks": list(self.record_pks),
            "n_records": len(self.record_pks),
            "reasons": list(self.reasons),
            "bottleneck_probability": self.bottleneck_probability,
            "record_a": self.record_a,
            "record_b": self.record_b,
        }


SUSPICIOUS_CACHE = SingleFlight()


def _suspicious_base(ws: Workspace, weak: float, date_gap_days: int) -> SuspiciousBase:
    path = ws.snapshot("clusters")
    slot = (str(path), float(weak), int(date_gap_days))
    version = (file_key(path), file_key(ws.snapshot("pairs")), attributes_key(ws))
    return SUSPICIOUS_CACHE.get(
        (slot, version), lambda: compute_suspicious_base(ws, path, weak, date_gap_days)
    )


def select_suspicious(
    ws: Workspace,
    limit: int,
    weak_probability: float | None,
    date_gap_days: int,
    decisions: DecidedPairs | None = None,
) -> tuple[list[SuspiciousCluster], SuspiciousBase | None]:
    path = ws.snapshot("clusters")
    if not path.is_file():
        raise LinkageError("no clusters in this workspace yet; run `roshan link` first")
    if limit <= 0:
        read_clusters(path)  # still refuse a clusters.parquet without the columns
        return [], None
    weak = current_threshold(ws) if weak_probability is None else float(weak_probability)
    base = _suspicious_base(ws, weak, date_gap_days)
    if base.n == 0:
        return [], base
    decided = decided_pairs(ws) if decisions is None else decisions
    # Cannot-link rules broken by a cluster: the smallest such pair is the one to show.
    violated = base.cannot_link_violations(decided)
    chosen: list[tuple[Any, int, tuple[str, ...], tuple[int, int]]] = []
    ranked = base.ranked
    if len(decided):  # leave out clusters whose pair to show was decided
        ranked = ranked[~decided.contains(base.show_a[ranked], base.show_b[ranked])]
    for c in ranked.tolist():
        if len(chosen) >= limit:
            break
        if c in violated:
            continue
        reasons = base.reasons(c)
        chosen.append((base.order_key(c, len(reasons)), c, reasons, base.show(c)))
    for c, pair in violated.items():
        reasons = base.reasons(c, violated=True)
        chosen.append((base.order_key(c, len(reasons)), c, reasons, pair))
    chosen.sort(key=lambda t: t[0])
    out = [
        SuspiciousCluster(
            cluster_id=str(base.cluster_ids[c]),
            record_pks=base.members(c),
            reasons=reasons,
            bottleneck_probability=round(float(base.bott[c]), 6),
            record_a=pair[0],
            record_b=pair[1],
        )
        for _, c, reasons, pair in chosen[:limit]
    ]
    return out, base


def suspicious_clusters(
    ws: Workspace,
    limit: int = 20,
    *,
    weak_probability: float | None = None,
    date_gap_days: int = DATE_GAP_DAYS,
) -> list[SuspiciousCluster]:
    """Clusters from ``clusters.parquet`` that look wrong, most suspicious first.

    Reasons: ``conflicting_sex`` (reported m and f), ``dates_far_apart`` (exact dates of
    death more than ``date_gap_days`` apart), ``weak_edges`` (the cluster is held
    together by an edge weaker than ``weak_probability``, default the current
    threshold, or by no scored edge at all), ``cannot_link_violated`` (contains a pair a
    reviewer said is not a match), and ``linker:<flag>`` for flags the linkage engine put
    in clusters.parquet (e.g. ``linker:chain_split``, ``linker:large_cluster``). For each,
    the pair to show a reviewer: the weakest
    holding edge, or for a conflict the disagreeing pair with the lowest probability.
    Clusters whose pair to show has already been decided are left out.

    The analysis of the clusters is vectorised and computed once per version of
    clusters.parquet, pairs.parquet and normalized.parquet (and threshold) in this
    process, at most one computation at a time per version; reviewers' decisions and
    cannot-link rules are applied to it at each call.
    """
    return select_suspicious(ws, limit, weak_probability, date_gap_days)[0]
