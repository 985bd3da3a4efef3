"""Plausible clusterings of the records: the linkage side of linkage uncertainty.

A linked list is one clustering of records into people; the pairwise model says how
sure each link is. This module turns the saved pair probabilities into a graph
(:func:`build_graph`: certain links contracted, reviewers' decisions as hard
constraints) and draws plausible clusterings from it:

* by default a Gibbs sampler over partitions (:func:`gibbs_draws`) whose target is the
  posterior over clusterings: the pairs' likelihood ratios (Splink's Bayes factors),
  a cluster scored as one person (``score="entity"``, :data:`SCORES`), a per-merge prior
  (:func:`capture_merge_logit`, :data:`MERGE_PRIORS`), and the Bayes factor of an unscored
  pair estimated from the data (:func:`blocking_miss_rate`);
* independent pair draws (:func:`draw_labels`, ``sampler="pairs"``), kept for comparison.

Re-estimating the total on each clustering and pooling is estimation, and lives in
:mod:`roshan.estimate.linkage`. Why a posterior over clusterings rather than
independent pair draws or a threshold ensemble: docs/linkage-uncertainty.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from roshan.errors import LinkageError
from roshan.unionfind import UnionFind

#: Pairs at or above band[1] are always linked, below band[0] never; in between, sampled.
DEFAULT_BAND: tuple[float, float] = (0.001, 0.999)
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

    def unscored_log_bf(self, *, floor: float = -12.0, ceiling: float = -1.0,
                        default: float = -5.0) -> float:
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


def _constrained_merge(nodes: np.ndarray, eu: np.ndarray, ev: np.ndarray, ew: np.ndarray,
                       forbid: list[tuple[int, int]]) -> dict[int, int]:
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


def constrained_components(n: int, eu: np.ndarray, ev: np.ndarray, ew: np.ndarray,
                           cu: np.ndarray, cv: np.ndarray) -> np.ndarray:
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


def blocking_miss_rate(n: int, left: np.ndarray, right: np.ndarray, prob: np.ndarray, *,
                       sure: float = 0.99) -> tuple[int, int] | None:
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
    a = sparse.coo_matrix((np.ones(2 * len(su)), (np.r_[su, sv], np.r_[sv, su])),
                          shape=(n, n)).tocsr()
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
    var_false = float((np.minimum(sp, 1.0) * (1 - np.minimum(sp, 1.0)) * through ** 2).sum())
    n_open = max(float(cnt[~scored].sum()) - expected_false - 2.0 * math.sqrt(var_false), 0.0)
    return int(round(n_open)), int(cnt.sum())


def build_graph(record_pks: np.ndarray, pairs: pd.DataFrame, *,
                must_link: Sequence[tuple[int, int]] = (),
                cannot_link: Sequence[tuple[int, int]] = (),
                band: tuple[float, float] = DEFAULT_BAND,
                chain_guard: float = DEFAULT_CHAIN_GUARD,
                list_index: np.ndarray | None = None) -> LinkageGraph:
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
        warnings.append(f"{int((~ok).sum())} scored pair(s) name records not in the workspace "
                        "(or themselves) and were ignored; re-run `roshan link`")
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
        keys = list(zip(np.minimum(l_idx, r_idx).tolist(), np.maximum(l_idx, r_idx).tolist(), strict=False))
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
            warnings.append(f"{broken} reviewer must-link pair(s) contradict cannot-link "
                            "decisions and could not all be honoured; review them again")
    ru, rv, ep = l_idx[uncertain], r_idx[uncertain], p[uncertain]
    eu, ev = base[ru], base[rv]
    inside = eu == ev
    eu, ev, ep, ru, rv = eu[~inside], ev[~inside], ep[~inside], ru[~inside], rv[~inside]
    bcu, bcv = base[ban_u], base[ban_v]
    keep = bcu != bcv
    graph = LinkageGraph(n_records=n, base=base, n_base=n_base, eu=eu, ev=ev, ep=ep,
                         cu=bcu[keep], cv=bcv[keep], warnings=warnings, miss_rate=miss_rate)
    if list_index is not None:
        li = np.asarray(list_index, dtype=np.int64)
        graph.ru, graph.rv, graph.lu, graph.lv = ru, rv, li[ru], li[rv]
    return graph


def _one_per_list(graph: LinkageGraph, take: np.ndarray) -> np.ndarray:
    """Of the sampled cross-list links, keep for each record at most one per other list
    (the most probable); within-list links (duplicates) are untouched."""
    idx = np.flatnonzero(take)
    if (not len(idx) or graph.ru is None or graph.rv is None or graph.lu is None
            or graph.lv is None):  # set together in build_graph when lists are known
        return take
    ru, rv, lu, lv, p = (graph.ru[idx], graph.rv[idx], graph.lu[idx], graph.lv[idx],
                         graph.ep[idx])
    cross = lu != lv
    n_l = int(max(lu.max(), lv.max())) + 1
    keep = np.ones(len(idx), dtype=bool)
    for rec, other in ((ru, lv), (rv, lu)):
        key = rec * n_l + other
        order = np.lexsort((-p, key))
        first = np.r_[True, key[order][1:] != key[order][:-1]]
        best = np.zeros(len(idx), dtype=bool)
        best[order[first]] = True
        keep &= best | ~cross
    out = np.zeros_like(take)
    out[idx[keep]] = True
    return out


def draw_labels(graph: LinkageGraph, rng: np.random.Generator) -> np.ndarray:
    """One plausible clustering: a cluster label for every record."""
    take = rng.random(len(graph.ep)) < graph.ep
    take = _one_per_list(graph, take)
    comp = constrained_components(graph.n_base, graph.eu[take], graph.ev[take], graph.ep[take],
                                  graph.cu, graph.cv)
    return comp[graph.base]


@dataclass
class GibbsState:
    """A Gibbs sampler over clusterings of the base components (see :func:`gibbs_sampler`)."""

    indptr: np.ndarray
    nbr: np.ndarray
    weight: np.ndarray
    count: np.ndarray
    size: np.ndarray
    label: np.ndarray
    csize: np.ndarray
    free: np.ndarray
    n_free: np.ndarray
    logit_prior: float
    unscored_log_bf: float
    score: str = "pairs"
    internal: np.ndarray | None = None  # per base component: log BF summed inside it
    csum: np.ndarray | None = None  # per cluster: log BF summed over its pairs


#: How the Gibbs sampler scores a cluster (``score``): ``pairs`` multiplies the Bayes
#: factors of *all* its record pairs; ``entity`` counts a cluster of k records
#: as k − 1 links, each weighed by the mean log Bayes factor of the cluster's pairs.
#: Pairwise Bayes factors inside one cluster are not independent evidence (a record
#: that matches two records of one person says the same thing twice), and under
#: ``pairs`` that double counting grows with the square of the cluster's size: where
#: many pairs score moderately (common names, no age or father's name), the chain
#: merged namesakes into ever larger clusters until it counted fewer people than the
#: largest list holds (bench/robustness, family ``hard``: 1,133 people per draw for
#: 2,089 listed and 2,597 linked). ``entity`` grows linearly in k, like the prior, but
#: discards evidence where pair scores are close to independent (roshan's simulator at
#: 100,000 records: its draws counted 2.6% more people than were listed, and the
#: estimate missed). The estimate picks one per graph (roshan.estimate.linkage.choose_score).
SCORES = ("pairs", "entity")
#: The sampler's own default; the estimate picks per graph (roshan.estimate.linkage.choose_score).
DEFAULT_SCORE = "pairs"
#: log Bayes factor assumed for a pair inside a certain (contracted) component.
_CERTAIN_LOGIT = math.log(0.999 / 0.001)


def _entity_sums(indptr: np.ndarray, nbr: np.ndarray, weight: np.ndarray, count: np.ndarray,
                 size: np.ndarray, internal: np.ndarray, label: np.ndarray,
                 unscored: float) -> np.ndarray:
    """Per cluster of ``label``, the log Bayes factors summed over all its record pairs."""
    n = len(size)
    src = np.repeat(np.arange(n), np.diff(indptr))
    same = label[src] == label[nbr]
    w = np.bincount(label[src[same]], weights=weight[same], minlength=n) / 2
    c = np.bincount(label[src[same]], weights=count[same], minlength=n) / 2
    k = np.bincount(label, weights=size, minlength=n)
    inner_pairs = np.bincount(label, weights=size * (size - 1) / 2, minlength=n)
    inner = np.bincount(label, weights=internal, minlength=n)
    open_pairs = k * (k - 1) / 2 - inner_pairs - c
    return w + inner + open_pairs * unscored


def gibbs_sampler(graph: LinkageGraph, *, logit_prior: float, unscored_log_bf: float = -5.0,
                  start: np.ndarray | None = None,
                  merge_logit: float | None = None, temper: float = 1.0,
                  score: str = DEFAULT_SCORE) -> GibbsState:
    """Prepare a Gibbs sampler whose target is the clustering posterior

    P(C) ∝ (π/(1−π))^(n−K) · Π_{pairs i~j in one cluster} BF_ij,

    where K is the number of clusters, π the prior match probability the pairwise
    model used (``logit_prior`` = logit π), BF_ij = odds(p_ij)/odds(π) the Bayes
    factor of a scored pair, and ``unscored_log_bf`` the log Bayes factor assumed
    for a pair the blocking never compared. Unlike independent pair draws, a merge
    is weighed on *all* pairs it would create, so a weak link between two
    well-supported clusters is rarely taken (no chaining), and a record rarely
    joins two records of one list. ``start`` (labels of records) seeds the chain,
    e.g. the plug-in clustering.

    That is ``score="pairs"``. The default ``score="entity"`` replaces the product over
    a cluster's pairs by its geometric mean raised to k − 1 (see :data:`SCORES`):
    P(C) ∝ Π_clusters exp((k−1)·(logit π_merge + 2·S/(k(k−1)))), S the cluster's
    summed log Bayes factors, so each record adds one link's worth of evidence.
    """
    if score not in SCORES:
        raise LinkageError(f"score must be one of {', '.join(SCORES)}")
    n = graph.n_base
    size = np.bincount(graph.base, minlength=n).astype(np.int64)
    lbf = temper * (np.log(graph.ep / (1 - graph.ep)) - logit_prior)
    u = np.r_[graph.eu, graph.cu]
    v = np.r_[graph.ev, graph.cv]
    w = np.r_[lbf, np.full(len(graph.cu), -1e9)]
    c = np.r_[np.ones(len(graph.eu), np.int64), np.zeros(len(graph.cu), np.int64)]
    a, b = np.r_[u, v], np.r_[v, u]
    w, c = np.r_[w, w], np.r_[c, c]
    key = a * max(n, 1) + b
    uk, inv = np.unique(key, return_inverse=True)
    wsum = np.bincount(inv, weights=w, minlength=len(uk))
    csum = np.bincount(inv, weights=c, minlength=len(uk)).astype(np.int64)
    src, dst = uk // max(n, 1), uk % max(n, 1)
    indptr = np.r_[0, np.cumsum(np.bincount(src, minlength=n))].astype(np.int64)
    if start is None:
        label = np.arange(n, dtype=np.int64)
    else:
        node_label = np.full(n, -1, dtype=np.int64)
        node_label[graph.base] = np.asarray(start, dtype=np.int64)
        _, label = np.unique(node_label, return_inverse=True)
        label = label.astype(np.int64)
    csize = np.bincount(label, weights=size, minlength=n).astype(np.int64)
    free = np.flatnonzero(csize == 0).astype(np.int64)
    free_stack = np.zeros(n, dtype=np.int64)
    free_stack[:len(free)] = free
    nbr = dst.astype(np.int64)
    internal = (size * (size - 1) / 2) * temper * (_CERTAIN_LOGIT - logit_prior)
    sums = _entity_sums(indptr, nbr, wsum, csum, size, internal, label, unscored_log_bf)
    return GibbsState(indptr=indptr, nbr=nbr, weight=wsum, count=csum,
                      size=size, label=label, csize=csize, free=free_stack,
                      n_free=np.array([len(free)], dtype=np.int64),
                      logit_prior=float(logit_prior if merge_logit is None else merge_logit),
                      unscored_log_bf=float(unscored_log_bf), score=score,
                      internal=internal, csum=sums)


_SWEEP = None


def _sweep_kernel():
    """One Gibbs sweep over the base components (numba; O(edges)).

    Each component ``a`` leaves its cluster and joins one of its neighbours' clusters,
    or a cluster of its own, with the exact conditional probability. A cluster of k
    records whose pairs' log Bayes factors sum to S is worth g(S, k) = (k−1)·m + S with
    ``entity=0`` (every pair counts) and (k−1)·m + 2S/k with ``entity=1`` (k−1 links at
    the mean pair; :data:`SCORES`); m is the per-merge log prior, an unscored pair
    counts ``u``. ``csum`` keeps S per cluster, ``internal`` per component."""
    global _SWEEP
    if _SWEEP is None:
        from numba import njit

        @njit(cache=False)
        def g(s, k, m, entity):  # pragma: no cover - numba
            if k <= 1:
                return 0.0
            if entity:
                return (k - 1) * m + 2.0 * s / k
            return (k - 1) * m + s

        @njit(cache=False)
        def sweep(indptr, nbr, weight, count, size, label, csize, free, n_free, logit_prior,
                  u, rand, acc, accn, mark, touched, internal, csum, score,
                  entity):  # pragma: no cover - numba
            n = len(size)
            m = logit_prior
            for a in range(n):
                if indptr[a] == indptr[a + 1]:
                    continue  # no uncertain neighbour: nothing can change
                sa = size[a]
                ia = internal[a]
                old = label[a]
                csize[old] -= sa
                nt = 0
                for e in range(indptr[a], indptr[a + 1]):
                    cl = label[nbr[e]]
                    if mark[cl] == 0:
                        mark[cl] = 1
                        acc[cl] = 0.0
                        accn[cl] = 0
                        touched[nt] = cl
                        nt += 1
                    acc[cl] += weight[e]
                    accn[cl] += count[e]
                # a leaves its cluster: its pairs with the rest leave the cluster's sum
                if csize[old] == 0:
                    csum[old] = 0.0
                    free[n_free[0]] = old
                    n_free[0] += 1
                else:
                    x_old = (sa * csize[old]) * u
                    if mark[old] == 1:
                        x_old = acc[old] + (sa * csize[old] - accn[old]) * u
                    csum[old] -= ia + x_old
                ga = g(ia, sa, m, entity)
                best = 0.0  # log weight of "a cluster of its own"
                for k in range(nt):
                    cl = touched[k]
                    # acc becomes the whole cross sum of a with cl (unscored pairs at u)
                    acc[cl] = acc[cl] + (sa * csize[cl] - accn[cl]) * u
                    kc = csize[cl]
                    score[k] = (g(csum[cl] + ia + acc[cl], kc + sa, m, entity)
                                - g(csum[cl], kc, m, entity) - ga)
                    if score[k] > best:
                        best = score[k]
                total = np.exp(0.0 - best)
                for k in range(nt):
                    total += np.exp(score[k] - best)
                r = rand[a] * total
                choice = -1
                run = np.exp(0.0 - best)
                if r >= run:
                    for k in range(nt):
                        run += np.exp(score[k] - best)
                        if r < run:
                            choice = touched[k]
                            break
                    if choice == -1:
                        choice = touched[nt - 1]
                if choice == -1:
                    n_free[0] -= 1
                    choice = free[n_free[0]]
                    csize[choice] = sa
                    csum[choice] = ia
                else:
                    csize[choice] += sa
                    csum[choice] += ia + acc[choice]
                label[a] = choice
                for k in range(nt):
                    mark[touched[k]] = 0
            return 0

        _SWEEP = sweep
    return _SWEEP


def gibbs_draws(graph: LinkageGraph, n_draws: int, rng: np.random.Generator, *,
                logit_prior: float, unscored_log_bf: float = -5.0,
                start: np.ndarray | None = None, burnin: int = 20, thin: int = 3,
                merge_logit: float | None = None, temper: float = 1.0,
                adapt: Callable[[np.ndarray], float] | None = None, adapt_every: int = 5,
                merge_ref: list[float] | None = None, score: str = DEFAULT_SCORE):
    """Yield ``n_draws`` clusterings (labels per record) from the Gibbs sampler.

    ``adapt`` (labels → merge logit), if given, is called every ``adapt_every`` sweeps
    of the burn-in and its value becomes the merge prior from then on (used to keep
    the capture-model prior consistent with the clustering it produces)."""
    st = gibbs_sampler(graph, logit_prior=logit_prior, unscored_log_bf=unscored_log_bf,
                       start=start, merge_logit=merge_logit, temper=temper, score=score)
    n = graph.n_base
    acc = np.zeros(n, dtype=np.float64)
    accn = np.zeros(n, dtype=np.int64)
    mark = np.zeros(n, dtype=np.int8)
    touched = np.zeros(n, dtype=np.int64)

    scratch = np.zeros(n, dtype=np.float64)
    sweep = _sweep_kernel()
    entity = 1 if score == "entity" else 0

    def run(k: int) -> None:
        for _ in range(k):
            sweep(st.indptr, st.nbr, st.weight, st.count, st.size, st.label, st.csize, st.free,
                  st.n_free, st.logit_prior, st.unscored_log_bf, rng.random(n), acc, accn,
                  mark, touched, st.internal, st.csum, scratch, entity)

    if adapt is None:
        run(burnin)
    else:
        done = 0
        while done < burnin:
            step = min(adapt_every, burnin - done)
            run(step)
            done += step
            st.logit_prior = float(adapt(st.label[graph.base]))
    for _ in range(n_draws):
        if merge_ref:
            st.logit_prior = float(merge_ref[0])
        run(thin)
        yield st.label[graph.base].copy()


def calibrate_merge(graph: LinkageGraph, rng: np.random.Generator, *, logit_prior: float,
                    unscored_log_bf: float = -5.0, start: np.ndarray | None = None,
                    iterations: int = 8, sweeps: int = 6, temper: float = 1.0,
                    score: str = DEFAULT_SCORE) -> float:
    """The merge prior (logit) at which the sampler links, on average, as many uncertain
    pairs as the pairwise model expects (the sum of their probabilities).

    The pairwise probabilities are calibrated marginally, but a clustering sees
    more: a weak pair between two well-supported clusters, or to a second record of
    a list already matched, is nearly always rejected. Without this moment match the
    sampler would reject such pairs *and* keep linking clean pairs at their marginal
    rate, and so under-link on the whole. Bisection over a wide bracket; each step
    runs a short chain from ``start``.
    """
    if not len(graph.ep):
        return logit_prior
    target = float(graph.ep.sum())
    lo, hi = logit_prior - 4.0, logit_prior + 12.0
    for _ in range(iterations):
        mid = (lo + hi) / 2
        linked = []
        for labels in gibbs_draws(graph, sweeps, rng, logit_prior=logit_prior,
                                  unscored_log_bf=unscored_log_bf, start=start,
                                  burnin=sweeps, thin=1, merge_logit=mid, temper=temper,
                                  score=score):
            node = np.empty(graph.n_base, dtype=np.int64)
            node[graph.base] = labels
            linked.append(float((node[graph.eu] == node[graph.ev]).sum()))
        if np.mean(linked) < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def threshold_labels(graph: LinkageGraph, threshold: float) -> np.ndarray:
    """The plug-in clustering: uncertain edges at or above ``threshold`` linked, with the
    same constraints (used when the workspace has no clusters.parquet)."""
    take = graph.ep >= threshold
    comp = constrained_components(graph.n_base, graph.eu[take], graph.ev[take], graph.ep[take],
                                  graph.cu, graph.cv)
    return comp[graph.base]


SAMPLERS = ("gibbs", "pairs")
#: How the Gibbs sampler's per-merge prior is set: ``capture`` (from the capture–recapture
#: model, see :func:`capture_merge_logit`), ``mixed`` (moved draw by draw from the
#: capture model's to Splink's λ), ``moments`` (moment-matched to the sum of pair
#: probabilities, :func:`calibrate_merge`) or ``none`` (Splink's λ). The estimate's
#: default is ``capture`` with the ``pairs`` score and ``mixed`` with ``entity``
#: (roshan.estimate.linkage.choose_score).
MERGE_PRIORS = ("capture", "mixed", "moments", "none")


def capture_merge_logit(n_hat: float, observed: int) -> float:
    """The per-merge prior of a clustering under the capture–recapture model itself.

    If N people are each on list k independently, the probability of a partition of
    the records into K people is proportional to N!/(N−K)! — the terms of the list
    inclusion probabilities cancel — so joining two clusters of disjoint lists
    multiplies the prior by 1/(N−K+1): one over the number of people on no list.
    With the record-pair likelihood ratios (Splink's Bayes factors, which already
    include blocking) this gives the exact posterior over clusterings given N. N is
    unknown: :func:`estimate_from_graph` sets it from the method's fit during burn-in,
    then from a draw of N given each drawn clustering (data augmentation).
    Under list dependence the exact prior also carries the interaction odds ratio of
    the two patterns; roshan leaves that out (docs/linkage-uncertainty.md).
    """
    unlisted = float(n_hat) - float(observed)
    if not math.isfinite(unlisted):
        unlisted = float(observed)
    return -math.log(max(unlisted, 1.0) + 1.0)


def workspace_inputs(ws: Any) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray | None, float]:
    """records (record_pk, source), pairs, plug-in labels aligned to records (or None) and
    the clustering threshold, read from a linked workspace."""

    from sqlalchemy import select

    from roshan.link.review import current_threshold, read_pairs
    from roshan.store.models import Record, Source

    stmt = (select(Record.id.label("record_pk"), Source.name.label("source"))
            .join(Source, Source.id == Record.source_id).where(Record.status == "accepted")
            .order_by(Record.id))
    with ws.engine.connect() as conn:
        records = pd.DataFrame([tuple(r) for r in conn.execute(stmt)],
                               columns=["record_pk", "source"])
    if records.empty:
        raise LinkageError("the workspace has no accepted records")
    pairs = read_pairs(ws, ["record_pk_l", "record_pk_r", "match_probability"])
    labels = None
    cpath = Path(ws.snapshots_dir) / "clusters.parquet"
    if cpath.is_file():
        clusters = pd.read_parquet(cpath)
        cid = next((c for c in ("cluster_id", "victim_uid", "victim_id", "uid")
                    if c in clusters.columns), None)
        if cid is not None and "record_pk" in clusters.columns:
            m = records[["record_pk"]].merge(clusters[["record_pk", cid]], on="record_pk",
                                             how="left")
            lab = m[cid].astype(object)
            missing = lab.isna()
            lab[missing] = [f"__single_{pk}" for pk in m.loc[missing, "record_pk"]]
            labels = pd.factorize(lab)[0].astype(np.int64)
    return records, pairs, labels, current_threshold(ws)


def model_lambda(ws: Any) -> float | None:
    """Splink's prior match probability (λ) from the workspace's saved model, if any."""
    import json

    for path in sorted(Path(ws.models_dir).glob("*.json")):
        try:
            value = json.loads(path.read_text(encoding="utf-8")).get(
                "probability_two_random_records_match")
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(value, (int, float)) and 0 < value < 1:
            return float(value)
    return None


@dataclass
class SyntheticLinkage:
    """A SYNTHETIC linkage problem with known truth, for coverage studies and tests.

    ``records``: list index and true person of each record; ``pairs``: candidate pairs
    with calibrated match probabilities; ``n_true``: the true total.
    """

    list_index: np.ndarray
    person: np.ndarray
    pairs: pd.DataFrame
    lists: list[str]
    n_true: int
    logit_prior: float

    @property
    def record_pks(self) -> np.ndarray:
        return np.arange(1, len(self.person) + 1, dtype=np.int64)


def synthetic_problem(rng: np.random.Generator, *, population: int = 1000,
                      capture: Sequence[float] = (0.35, 0.4, 0.3, 0.45), decoys: float = 2.0,
                      separation: float = 2.0, hard_share: float = 0.0,
                      hard_factor: float = 0.3) -> SyntheticLinkage:
    """Draw a SYNTHETIC population, its lists, and noisy but calibrated pair scores.

    Each person is on list j with probability ``capture[j]`` independently (so the
    log-linear independence model and dga are right when linkage is perfect). Every
    pair of records of one person is a candidate pair; so are about ``decoys`` random
    cross-list pairs per record. A pair's score is Normal(+separation, 1) for a true
    match and Normal(−separation, 1) otherwise, and its match probability is the exact
    posterior given the score — calibrated, as a well-trained Fellegi–Sunter model
    aims to be. Larger ``separation`` = cleaner linkage. ``hard_share`` of the people
    (the first ones) are hard to list: their capture probabilities are multiplied by
    ``hard_factor`` (heterogeneous capture, where log-linear independence and dga miss
    low and ``recommended`` is meant to cover).
    """
    caps = np.asarray(capture, dtype=float)
    j = len(caps)
    if hard_share > 0:
        hard = np.arange(population) < int(round(hard_share * population))
        p_on = np.where(hard[:, None], caps * hard_factor, caps)
    else:
        p_on = caps
    on = rng.random((population, j)) < p_on
    person, lst = np.nonzero(on)
    n_rec = len(person)
    rec = np.arange(n_rec)
    # true pairs: all record pairs sharing a person (records are sorted by person)
    starts = np.flatnonzero(np.r_[True, person[1:] != person[:-1]])
    ends = np.r_[starts[1:], n_rec]
    tl, tr = [], []
    for s_, e_ in zip(starts, ends, strict=False):
        for a in range(s_, e_):
            for b in range(a + 1, e_):
                tl.append(a)
                tr.append(b)
    tl_a, tr_a = np.asarray(tl, dtype=np.int64), np.asarray(tr, dtype=np.int64)
    n_dec = int(round(decoys * n_rec))
    dl = rng.integers(0, n_rec, n_dec)
    dr = rng.integers(0, n_rec, n_dec)
    keep = (person[dl] != person[dr]) & (lst[dl] != lst[dr])
    dl, dr = dl[keep], dr[keep]
    dkey = np.unique(np.minimum(dl, dr) * n_rec + np.maximum(dl, dr))
    dl, dr = dkey // n_rec, dkey % n_rec
    left = np.r_[tl_a, dl]
    right = np.r_[tr_a, dr]
    truth = np.r_[np.ones(len(tl_a), bool), np.zeros(len(dl), bool)]
    score = rng.normal(np.where(truth, separation, -separation), 1.0)
    prior = truth.mean() if len(truth) else 0.5
    logit = 2 * separation * score + math.log(prior / (1 - prior))
    prob = 1 / (1 + np.exp(-logit))
    # The prior a Fellegi-Sunter model reports (Splink's λ): two random records that could
    # be compared match. Only pairs across lists can be candidates here, so λ is taken over
    # those; then odds(p)/odds(λ) is the exact likelihood ratio of a candidate pair, blocking
    # included (a decoy is a cross-list non-match pair chosen with probability q, and
    # odds(prior among candidates)/odds(λ) = 1/q).
    per_list = np.bincount(lst, minlength=j).astype(float)
    cross_pairs = (float(n_rec) ** 2 - float((per_list ** 2).sum())) / 2
    lam = min(max(len(tl_a), 1) / max(cross_pairs, 1.0), 0.5)
    pairs = pd.DataFrame({"record_pk_l": rec[left] + 1, "record_pk_r": rec[right] + 1,
                          "match_probability": prob, "is_match": truth})
    return SyntheticLinkage(list_index=lst.astype(np.int64), person=person.astype(np.int64),
                            pairs=pairs, lists=[f"SYNTHETIC-L{k + 1}" for k in range(j)],
                            n_true=population, logit_prior=math.log(lam / (1 - lam)))
