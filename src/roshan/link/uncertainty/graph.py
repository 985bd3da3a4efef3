"""The linkage problem as a graph: the pair probabilities Splink saved, prepared for drawing
plausible clusterings (:mod:`roshan.link.uncertainty.samplers`).

:func:`build_graph` contracts the certain links (at or above the band's upper end, and
reviewers' must-links) into base components and keeps the uncertain edges between them,
with reviewers' cannot-links and the chaining guard as forbidden pairs;
:func:`constrained_components` is connected components that never join a forbidden pair
(repaired strongest edge first with :class:`roshan.unionfind.UnionFind`);
:func:`blocking_miss_rate` estimates from near-certain triangles how often a true pair
was never scored; :func:`threshold_labels` is the plug-in clustering of a graph.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from roshan.errors import LinkageError
from roshan.unionfind import UnionFind

#: Pairs at or above band[1] are always linked, below band[0] never; in between, sampled
#: (not the review queue's "uncertain" band, link.review.REVIEW_BAND).
DRAW_BAND: tuple[float, float] = (0.001, 0.999)
#: Scored pairs below this probability never end in one cluster within a draw (0 = off:
#: a true cluster often holds a pair that scores low on its own, e.g. one record without
#: a father's name, so a guard must be chosen per workspace).
DEFAULT_CHAIN_GUARD = 0.0


@dataclass
class LinkageGraph:
    """The linkage problem, prepared once for many draws.

    ``base`` maps each record (0..n-1) to a component of the certain structure
    (links at or above band[1] and reviewers' must-links). ``eu``/``ev``/``ep`` are
    the uncertain edges between base components with their probabilities;
    ``cu``/``cv`` the forbidden pairs (reviewers' cannot-links and scored pairs
    below the chain guard) between base components.
    """

    n_records: int
    base: np.ndarray
    n_base: int
    eu: np.ndarray
    ev: np.ndarray
    ep: np.ndarray
    cu: np.ndarray
    cv: np.ndarray
    warnings: list[str]
    ru: np.ndarray | None = None
    rv: np.ndarray | None = None
    lu: np.ndarray | None = None
    lv: np.ndarray | None = None
    #: (open, closed) counts of near-certain two-paths, see :func:`blocking_miss_rate`.
    miss_rate: tuple[int, int] | None = None

    def unscored_log_bf(
        self, *, floor: float = -12.0, ceiling: float = -1.0, default: float = -5.0
    ) -> float:
        """log P(a true pair has no saved score) − log P(a false pair has none) ≈ the log
        of the blocking miss rate (a false pair is nearly always unscored), estimated from
        near-certain triangles: the posterior mean of the log rate under a Jeffreys
        prior, ψ(k + ½) − ψ(n + 1) for k open of n (for k = 0 it keeps falling as n
        grows, where a plug-in (k + ½)/(n + 1) would stop at a fixed rate);
        ``default`` when no such triangles exist."""
        from scipy.special import digamma

        if self.miss_rate is None:
            return default
        n_open, n_paths = self.miss_rate
        if n_paths == 0:
            return default
        value = float(digamma(n_open + 0.5) - digamma(n_paths + 1.0))
        return float(min(max(value, floor), ceiling))


def _constrained_merge(
    nodes: np.ndarray, eu: np.ndarray, ev: np.ndarray, ew: np.ndarray, forbid: list[tuple[int, int]]
) -> dict[int, int]:
    """Union nodes along edges, strongest first, refusing a merge that would put a
    forbidden pair in one group. Returns node → representative."""
    node_list = [int(x) for x in nodes]
    uf: UnionFind[int] = UnionFind(node_list, kinds=("ban",))
    known = set(node_list)
    for a, b in forbid:
        if a in known and b in known:
            uf.add_forbidden("ban", a, b)
    for k in np.argsort(-ew, kind="stable"):
        a, b = int(eu[k]), int(ev[k])
        if uf.find(a) != uf.find(b) and uf.conflict(a, b) is None:
            uf.union(a, b)
    return {x: uf.find(x) for x in node_list}


def constrained_components(
    n: int, eu: np.ndarray, ev: np.ndarray, ew: np.ndarray, cu: np.ndarray, cv: np.ndarray
) -> np.ndarray:
    """Connected components of ``n`` nodes along edges (eu, ev) such that no pair
    (cu, cv) ends in one component. Components without a forbidden pair are plain
    connected components (fast, sparse); the others are rebuilt strongest edge first
    (weights ``ew``) refusing the merges that would join a forbidden pair.
    Returns a label per node (0..k-1, not necessarily contiguous after repairs)."""
    if len(eu):
        graph = sparse.coo_matrix((np.ones(len(eu), dtype=np.int8), (eu, ev)), shape=(n, n))
        _, labels = connected_components(graph, directed=False)
    else:
        labels = np.arange(n)
    labels = labels.astype(np.int64)
    if not len(cu):
        return labels
    bad = labels[cu] == labels[cv]
    if not bad.any():
        return labels
    bad_comps = np.unique(labels[cu[bad]])
    in_bad = np.isin(labels, bad_comps)
    nodes = np.flatnonzero(in_bad)
    emask = in_bad[eu] if len(eu) else np.zeros(0, dtype=bool)
    forbid = [(int(a), int(b)) for a, b in zip(cu, cv, strict=False) if in_bad[a]]
    rep = _constrained_merge(nodes, eu[emask], ev[emask], ew[emask], forbid)
    offset = int(labels.max()) + 1
    for node, r in rep.items():
        labels[node] = offset + r
    return labels


def blocking_miss_rate(
    n: int, left: np.ndarray, right: np.ndarray, prob: np.ndarray, *, sure: float = 0.99
) -> tuple[int, int] | None:
    """How often a true match has no saved score: of the two-paths i–j–k whose both
    edges are near-certain matches (p ≥ ``sure``) — so i and k are almost surely one
    person — the number whose closing pair i–k was never scored (blocking missed it, or
    it scored below the save threshold), and the number of such two-paths. This is
    the data's own estimate of P(unscored | match), which sets the Bayes factor the
    clustering sampler gives an unscored pair inside a cluster. ``None`` if no
    record has two near-certain partners."""
    strong = prob >= sure
    if n < 3 or strong.sum() < 2:
        return None
    su, sv, sp = left[strong], right[strong], prob[strong]
    a = sparse.coo_matrix(
        (np.ones(2 * len(su)), (np.r_[su, sv], np.r_[sv, su])), shape=(n, n)
    ).tocsr()
    a.sum_duplicates()
    a.data[:] = 1.0
    w = sparse.coo_matrix((np.r_[sp, sp], (np.r_[su, sv], np.r_[sv, su])), shape=(n, n)).tocsr()
    w.sum_duplicates()
    w.data = np.minimum(w.data, 1.0)
    paths = (a @ a).tocoo()
    both = (w @ w).tocoo()
    off = paths.row < paths.col  # each unordered pair (i, k) once
    rows, cols, cnt = paths.row[off], paths.col[off], paths.data[off]
    if not len(rows):
        return None
    # Two-paths with a false edge are open too; the model expects Σ(1 − p_ij·p_jk) of them.
    expected_false = float(cnt.sum() - both.data[both.row < both.col].sum())
    key = np.minimum(left, right).astype(np.int64) * n + np.maximum(left, right)
    key = np.unique(key)
    pk = np.minimum(rows, cols).astype(np.int64) * n + np.maximum(rows, cols)
    pos = np.clip(np.searchsorted(key, pk), 0, len(key) - 1)
    scored = key[pos] == pk
    # The excess over that expectation, less two standard deviations of the false-edge
    # count. One false edge j–k opens every two-path through it at once (deg j − 1 +
    # deg k − 1 of them), so that count varies as Σ p(1 − p)·(paths through the edge)²,
    # far more than a Poisson count. When the data cannot tell a small miss rate from
    # none, the estimate leans towards none.
    deg = np.asarray(a.sum(axis=1)).ravel()
    through = deg[su] + deg[sv] - 2.0
    var_false = float((np.minimum(sp, 1.0) * (1 - np.minimum(sp, 1.0)) * through**2).sum())
    n_open = max(float(cnt[~scored].sum()) - expected_false - 2.0 * math.sqrt(var_false), 0.0)
    return int(round(n_open)), int(cnt.sum())


def build_graph(
    record_pks: np.ndarray,
    pairs: pd.DataFrame,
    *,
    must_link: Sequence[tuple[int, int]] = (),
    cannot_link: Sequence[tuple[int, int]] = (),
    band: tuple[float, float] = DRAW_BAND,
    chain_guard: float = DEFAULT_CHAIN_GUARD,
    list_index: np.ndarray | None = None,
) -> LinkageGraph:
    """Prepare the draws: contract certain links, keep the uncertain edges and the bans.

    ``record_pks`` are all records that count (singletons included); ``pairs`` has
    record_pk_l, record_pk_r, match_probability. Pairs naming unknown records are
    dropped with a warning (a stale snapshot). With ``list_index`` (the list of each
    record, aligned with ``record_pks``) a draw keeps, for each record, at most one
    sampled link to any *other* list — the strongest — since a person appears once
    per list apart from duplicates, which their own within-list pairs link.
    """
    lo, hi = band
    if not (0.0 <= lo < hi <= 1.0):
        raise LinkageError(f"band must satisfy 0 <= low < high <= 1, got {band}")
    warnings: list[str] = []
    pks = np.asarray(record_pks, dtype=np.int64)
    order = np.argsort(pks)
    spks = pks[order]
    n = len(pks)

    def index_of(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        pos = np.searchsorted(spks, values)
        pos = np.clip(pos, 0, max(n - 1, 0))
        ok = (spks[pos] == values) if n else np.zeros(len(values), dtype=bool)
        return order[pos], ok

    l_idx, l_ok = index_of(pairs["record_pk_l"].to_numpy(dtype=np.int64))
    r_idx, r_ok = index_of(pairs["record_pk_r"].to_numpy(dtype=np.int64))
    p = pairs["match_probability"].to_numpy(dtype=float)
    ok = l_ok & r_ok & (l_idx != r_idx) & np.isfinite(p)
    if (~ok).sum():
        warnings.append(
            f"{int((~ok).sum())} scored pair(s) name records not in the workspace "
            "(or themselves) and were ignored; re-run `roshan link`"
        )
    l_idx, r_idx, p = l_idx[ok], r_idx[ok], p[ok]

    def pair_idx(pairs_: Sequence[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
        if not len(pairs_):
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        arr = np.asarray(pairs_, dtype=np.int64).reshape(-1, 2)
        a, oka = index_of(arr[:, 0])
        b, okb = index_of(arr[:, 1])
        keep = oka & okb & (a != b)
        return a[keep], b[keep]

    mu, mv = pair_idx(must_link)
    cu, cv = pair_idx(cannot_link)
    # Decided pairs override their scores.
    decided = set(zip(np.minimum(mu, mv).tolist(), np.maximum(mu, mv).tolist(), strict=False))
    decided |= set(zip(np.minimum(cu, cv).tolist(), np.maximum(cu, cv).tolist(), strict=False))
    if decided:
        keys = list(
            zip(np.minimum(l_idx, r_idx).tolist(), np.maximum(l_idx, r_idx).tolist(), strict=False)
        )
        undecided = np.array([k not in decided for k in keys], dtype=bool)
        l_idx, r_idx, p = l_idx[undecided], r_idx[undecided], p[undecided]
    miss_rate = blocking_miss_rate(n, l_idx, r_idx, p)
    certain = p >= hi
    guard = p < min(chain_guard, lo) if chain_guard > 0 else np.zeros(len(p), dtype=bool)
    uncertain = (p >= lo) & ~certain
    # Base structure: must-links (weight 2, merged first) and certain links.
    bu = np.concatenate([mu, l_idx[certain]])
    bv = np.concatenate([mv, r_idx[certain]])
    bw = np.concatenate([np.full(len(mu), 2.0), p[certain]])
    ban_u = np.concatenate([cu, l_idx[guard]])
    ban_v = np.concatenate([cv, r_idx[guard]])
    base = constrained_components(n, bu, bv, bw, ban_u, ban_v)
    # Relabel base components 0..B-1.
    _, base = np.unique(base, return_inverse=True)
    base = base.astype(np.int64)
    n_base = int(base.max()) + 1 if n else 0
    if len(mu):
        broken = int((base[mu] != base[mv]).sum())
        if broken:
            warnings.append(
                f"{broken} reviewer must-link pair(s) contradict cannot-link "
                "decisions and could not all be honoured; review them again"
            )
    ru, rv, ep = l_idx[uncertain], r_idx[uncertain], p[uncertain]
    eu, ev = base[ru], base[rv]
    inside = eu == ev
    eu, ev, ep, ru, rv = eu[~inside], ev[~inside], ep[~inside], ru[~inside], rv[~inside]
    bcu, bcv = base[ban_u], base[ban_v]
    keep = bcu != bcv
    graph = LinkageGraph(
        n_records=n,
        base=base,
        n_base=n_base,
        eu=eu,
        ev=ev,
        ep=ep,
        cu=bcu[keep],
        cv=bcv[keep],
        warnings=warnings,
        miss_rate=miss_rate,
    )
    if list_index is not None:
        li = np.asarray(list_index, dtype=np.int64)
        graph.ru, graph.rv, graph.lu, graph.lv = ru, rv, li[ru], li[rv]
    return graph


def threshold_labels(graph: LinkageGraph, threshold: float) -> np.ndarray:
    """The plug-in clustering: uncertain edges at or above ``threshold`` linked, with the
    same constraints (used when the workspace has no clusters.parquet)."""
    take = graph.ep >= threshold
    comp = constrained_components(
        graph.n_base, graph.eu[take], graph.ev[take], graph.ep[take], graph.cu, graph.cv
    )
    return comp[graph.base]
