"""From scored pairs to clusters (one cluster = one person), with constraints.

Plain connected components at a threshold "chain": A~B and B~C put A and C together
even when A and C clearly disagree (different sex, deaths weeks apart). roshan
therefore clusters by *constrained Kruskal*: edges are taken strongest first
(review must-links before everything), and an edge is skipped when it would put a
cannot-link pair in one cluster. Without constraints this is exactly connected
components at the threshold; with constraints it splits a chained cluster along
its weakest edges. Cannot-link pairs come from review decisions ("not a match")
and from the chaining guard (scored pairs with a hard disagreement and a very low
probability). Clusters split by the guard are flagged ``chain_split``; when review decisions
contradict each other (must-links that would join a cannot-link pair) the refused
must-link's clusters are flagged ``review_conflict``; clusters larger than twice
the number of lists are flagged ``large_cluster`` — so a person can look at them.

The result is deterministic: ties are broken by record_pk.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from roshan.unionfind import UnionFind

FLAG_CHAIN_SPLIT = "chain_split"
FLAG_REVIEW_CONFLICT = "review_conflict"
FLAG_LARGE = "large_cluster"
FLAG_WEAK = "weak_link"


@dataclass
class Clustering:
    """Cluster label (smallest record_pk in the cluster) per record, and flags per cluster."""

    labels: pd.DataFrame  # record_pk, cluster, match_probability
    flags: dict[int, list[str]] = field(default_factory=dict)
    n_skipped_edges: int = 0

    @property
    def n_clusters(self) -> int:
        return int(self.labels["cluster"].nunique())

    def groups(self) -> list[list[int]]:
        """Record pks of each cluster, sorted, clusters sorted by their label."""
        g = self.labels.groupby("cluster")["record_pk"].apply(lambda s: sorted(int(x) for x in s))
        return [g[k] for k in sorted(g.index)]


def cluster_pairs(
    record_pks: Iterable[int],
    pairs: pd.DataFrame,
    threshold: float,
    *,
    must_link: Iterable[tuple[int, int]] = (),
    cannot_link: Iterable[tuple[int, int]] = (),
    guard_pairs: Iterable[tuple[int, int]] = (),
    large_cluster: int | None = None,
) -> Clustering:
    """Cluster records: pairs ≥ threshold joined strongest first, subject to constraints.

    ``pairs`` needs record_pk_l, record_pk_r, match_probability. ``must_link`` pairs
    are joined first; ``cannot_link`` (review) and ``guard_pairs`` (chaining guard)
    never end in one cluster. Pairs naming unknown records are ignored.
    """
    ids = np.unique(np.asarray(list(record_pks), dtype="int64"))
    known = set(ids.tolist())
    # Constraint kinds in the order conflict() reports them: a reviewer's "different
    # people" first, then the chaining guard.
    uf: UnionFind[int] = UnionFind(ids.tolist(), kinds=("review", "guard"))
    review_cannot = {(min(a, b), max(a, b)) for a, b in cannot_link if a in known and b in known}
    guard = {(min(a, b), max(a, b)) for a, b in guard_pairs if a in known and b in known}
    for a, b in review_cannot:
        uf.add_forbidden("review", a, b)

    flags: dict[int, set[str]] = {}
    skipped_guard: list[tuple[int, int]] = []  # edges refused by the chaining guard
    skipped_must: list[tuple[int, int]] = []  # must-links refused by a cannot-link
    n_skipped = 0

    def try_join(a: int, b: int, *, must: bool) -> bool:
        nonlocal n_skipped
        if uf.find(a) == uf.find(b):
            return True
        kind = uf.conflict(a, b)
        if kind is not None:
            n_skipped += 1
            if must:
                skipped_must.append((a, b))
            elif kind == "guard":
                skipped_guard.append((a, b))
            return False
        uf.union(a, b)
        return True

    for a, b in sorted(
        {(min(a, b), max(a, b)) for a, b in must_link if a in known and b in known and a != b}
    ):
        try_join(a, b, must=True)
    # The guard applies after reviewers' must-links: it never splits what a person joined.
    for a, b in guard:
        uf.add_forbidden("guard", a, b)

    best: dict[int, float] = {}  # record -> strongest pair that joined it
    if len(pairs):
        strong = pairs[pairs["match_probability"] >= threshold]
        strong = strong[strong["record_pk_l"].isin(known) & strong["record_pk_r"].isin(known)]
        order = np.lexsort(
            (
                strong["record_pk_r"].to_numpy(),
                strong["record_pk_l"].to_numpy(),
                -strong["match_probability"].to_numpy(),
            )
        )
        la = strong["record_pk_l"].to_numpy()[order]
        lb = strong["record_pk_r"].to_numpy()[order]
        lp = strong["match_probability"].to_numpy()[order]
        for a, b, p in zip(la.tolist(), lb.tolist(), lp.tolist(), strict=True):
            if try_join(a, b, must=False):
                if p > best.get(a, -1.0):
                    best[a] = p
                if p > best.get(b, -1.0):
                    best[b] = p

    roots = {int(i): uf.find(int(i)) for i in ids}
    label_of_root: dict[int, int] = {}
    for i in ids.tolist():  # ids sorted: first member seen is the smallest
        label_of_root.setdefault(roots[i], i)
    labels = pd.DataFrame(
        {"record_pk": ids, "cluster": [label_of_root[roots[int(i)]] for i in ids]}
    )
    labels["match_probability"] = [best.get(int(i), np.nan) for i in ids]

    for a, b in skipped_guard:
        for x in (a, b):
            flags.setdefault(label_of_root[roots[x]], set()).add(FLAG_CHAIN_SPLIT)
    for a, b in skipped_must:
        for x in (a, b):
            flags.setdefault(label_of_root[roots[x]], set()).add(FLAG_REVIEW_CONFLICT)
    sizes = labels["cluster"].value_counts()
    if large_cluster:
        for lab, n in sizes.items():
            if n > large_cluster:
                flags.setdefault(int(lab), set()).add(FLAG_LARGE)
    return Clustering(
        labels=labels, flags={k: sorted(v) for k, v in flags.items()}, n_skipped_edges=n_skipped
    )
