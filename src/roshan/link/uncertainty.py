"""Linkage uncertainty carried into the estimate of the total (multiple imputation of links).

Every published multiple-systems estimate we know of treats the linked list as
certain. It is not: a few percent of wrong links move the capture-pattern counts,
and so the total, by more than the interval that is printed beside it. roshan
treats the clustering as *missing data* and imputes it many times:

1. **Draw plausible clusterings.** By default a Gibbs sampler over partitions
   (:func:`gibbs_draws`) whose target is the posterior over clusterings: the pairs'
   likelihood ratios (Splink's Bayes factors) times a prior from the capture–recapture
   model itself (:func:`capture_merge_logit`: joining two people multiplies it by one
   over the number of people on no list), with the Bayes factor of an unscored pair
   estimated from the data (:func:`blocking_miss_rate`). Independent pair draws
   (:func:`draw_labels`, ``sampler="pairs"``) are kept for comparison. Pairs at or
   above ``band[1]`` are linked in every draw and contracted once, so a draw only
   touches the uncertain part. Reviewers' decisions are hard constraints: *match*
   pairs are always linked, *non-match* pairs never end in one cluster.
2. **Re-estimate on each draw** (the capture-pattern table of that clustering,
   fitted with the chosen method) and **pool** like multiple imputation
   (:func:`pool_results`): for Bayesian methods the posterior draws of N from each
   clustering are mixed in equal shares; for frequentist methods Rubin's rules are
   applied on the log scale.
3. **Decompose** the pooled uncertainty by the law of total variance: the
   between-clustering variance is what linkage adds; the within-clustering variance
   is the uncertainty about victims on no list. Both shares, the pooled interval,
   the plug-in interval (one clustering treated as certain) and the spread of the
   observed count are in ``EstimateResult.diagnostics["linkage"]``.

Why a posterior over clusterings rather than independent pair draws or a threshold
ensemble: docs/linkage-uncertainty.md (with the coverage study that checks it).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from scipy.stats import t as student_t

from roshan.errors import EstimationError, LinkageError

#: Pairs at or above band[1] are always linked, below band[0] never; in between, sampled.
DEFAULT_BAND: tuple[float, float] = (0.001, 0.999)
#: Scored pairs below this probability never end in one cluster within a draw (0 = off:
#: a true cluster often holds a pair that scores low on its own, e.g. one record without
#: a father's name, so a guard must be chosen per workspace).
DEFAULT_CHAIN_GUARD = 0.0
#: Posterior draws of N kept from each clustering when mixing Bayesian results.
DRAWS_PER_CLUSTERING = 1000


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


class _DSU:
    """Union-find over a small index set (used only to repair conflicting components)."""

    def __init__(self, nodes: Sequence[int]) -> None:
        self.parent = {int(x): int(x) for x in nodes}

    def find(self, x: int) -> int:
        p = self.parent
        while p[x] != x:
            p[x] = p[p[x]]
            x = p[x]
        return x


def _constrained_merge(nodes: np.ndarray, eu: np.ndarray, ev: np.ndarray, ew: np.ndarray,
                       forbid: list[tuple[int, int]]) -> dict[int, int]:
    """Union nodes along edges, strongest first, refusing a merge that would put a
    forbidden pair in one group. Returns node → representative."""
    dsu = _DSU(nodes.tolist())
    members: dict[int, set[int]] = {int(x): {int(x)} for x in nodes}
    bans: dict[int, set[int]] = {int(x): set() for x in nodes}
    for a, b in forbid:
        if a in bans and b in bans:
            bans[a].add(b)
            bans[b].add(a)
    order = np.argsort(-ew, kind="stable")
    for k in order:
        ra, rb = dsu.find(int(eu[k])), dsu.find(int(ev[k]))
        if ra == rb:
            continue
        banned_a = set().union(*(bans[m] for m in members[ra]))
        if banned_a & members[rb]:
            continue
        if len(members[ra]) < len(members[rb]):
            ra, rb = rb, ra
        dsu.parent[rb] = ra
        members[ra] |= members.pop(rb)
    return {int(x): dsu.find(int(x)) for x in nodes}


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
    if not len(idx) or graph.ru is None:
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
    internal: np.ndarray | None = None  # per base component: log BF inside it (entity score)
    csum: np.ndarray | None = None  # per cluster: log BF summed over its pairs (entity score)


#: How the Gibbs sampler scores a cluster (``score``): ``pairs`` multiplies the Bayes
#: factors of *all* its record pairs; ``entity`` (default) counts a cluster of k records
#: as k − 1 links, each weighed by the mean log Bayes factor of the cluster's pairs.
#: Pairwise Bayes factors inside one cluster are not independent evidence (a record
#: that matches two records of one person says the same thing twice), and under
#: ``pairs`` that double counting grows with the square of the cluster's size: where
#: many pairs score moderately (common names, no age or father's name), the chain
#: merged namesakes into ever larger clusters until it counted fewer people than the
#: largest list holds (bench/robustness, family ``hard``: 1,133 people per draw for
#: 2,089 listed and 2,597 linked). ``entity`` grows linearly in k, like the prior.
SCORES = ("entity", "pairs")
DEFAULT_SCORE = "entity"
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
    sums = (_entity_sums(indptr, nbr, wsum, csum, size, internal, label, unscored_log_bf)
            if score == "entity" else None)
    return GibbsState(indptr=indptr, nbr=nbr, weight=wsum, count=csum,
                      size=size, label=label, csize=csize, free=free_stack,
                      n_free=np.array([len(free)], dtype=np.int64),
                      logit_prior=float(logit_prior if merge_logit is None else merge_logit),
                      unscored_log_bf=float(unscored_log_bf), score=score,
                      internal=internal, csum=sums)


_SWEEP = None


def _sweep_kernel():
    global _SWEEP
    if _SWEEP is None:
        from numba import njit

        @njit(cache=False)
        def sweep(indptr, nbr, weight, count, size, label, csize, free, n_free, logit_prior,
                  u, rand, acc, accn, mark, touched):  # pragma: no cover - numba
            n = len(size)
            for a in range(n):
                if indptr[a] == indptr[a + 1]:
                    continue  # no uncertain neighbour: nothing can change
                sa = size[a]
                old = label[a]
                csize[old] -= sa
                if csize[old] == 0:
                    free[n_free[0]] = old
                    n_free[0] += 1
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
                best = 0.0  # log weight of "a cluster of its own"
                for k in range(nt):
                    cl = touched[k]
                    sc = logit_prior + acc[cl] + (sa * csize[cl] - accn[cl]) * u
                    acc[cl] = sc
                    if sc > best:
                        best = sc
                total = np.exp(0.0 - best)
                for k in range(nt):
                    total += np.exp(acc[touched[k]] - best)
                r = rand[a] * total
                choice = -1
                run = np.exp(0.0 - best)
                if r >= run:
                    for k in range(nt):
                        run += np.exp(acc[touched[k]] - best)
                        if r < run:
                            choice = touched[k]
                            break
                    if choice == -1:
                        choice = touched[nt - 1]
                if choice == -1:
                    n_free[0] -= 1
                    choice = free[n_free[0]]
                    csize[choice] = sa
                else:
                    csize[choice] += sa
                label[a] = choice
                for k in range(nt):
                    mark[touched[k]] = 0
            return 0

        _SWEEP = sweep
    return _SWEEP


_SWEEP_ENTITY = None


def _entity_kernel():
    """The sweep under ``score="entity"``: the same moves as :func:`_sweep_kernel`, with
    a cluster of k records and pair log-BF sum S worth g(S, k) = (k−1)·m + 2S/k."""
    global _SWEEP_ENTITY
    if _SWEEP_ENTITY is None:
        from numba import njit

        @njit(cache=False)
        def g(s, k, m):  # pragma: no cover - numba
            if k <= 1:
                return 0.0
            return (k - 1) * m + 2.0 * s / k

        @njit(cache=False)
        def sweep(indptr, nbr, weight, count, size, label, csize, free, n_free, logit_prior,
                  u, rand, acc, accn, mark, touched, internal, csum):  # pragma: no cover
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
                # take a out of its cluster: its pairs with the rest leave the sum
                if csize[old] == 0:
                    csum[old] = 0.0
                    free[n_free[0]] = old
                    n_free[0] += 1
                else:
                    x_old = (sa * csize[old]) * u
                    if mark[old] == 1:
                        x_old = acc[old] + (sa * csize[old] - accn[old]) * u
                    csum[old] -= ia + x_old
                ga = g(ia, sa, m)
                best = 0.0  # log weight of "a cluster of its own"
                for k in range(nt):
                    cl = touched[k]
                    # acc becomes the whole cross sum of a with cl (unscored pairs at u)
                    acc[cl] = acc[cl] + (sa * csize[cl] - accn[cl]) * u
                    kc = csize[cl]
                    sc = g(csum[cl] + ia + acc[cl], kc + sa, m) - g(csum[cl], kc, m) - ga
                    if sc > best:
                        best = sc
                total = np.exp(0.0 - best)
                for k in range(nt):
                    cl = touched[k]
                    kc = csize[cl]
                    sc = g(csum[cl] + ia + acc[cl], kc + sa, m) - g(csum[cl], kc, m) - ga
                    total += np.exp(sc - best)
                r = rand[a] * total
                choice = -1
                run = np.exp(0.0 - best)
                x_choice = 0.0
                if r >= run:
                    for k in range(nt):
                        cl = touched[k]
                        kc = csize[cl]
                        sc = g(csum[cl] + ia + acc[cl], kc + sa, m) - g(csum[cl], kc, m) - ga
                        run += np.exp(sc - best)
                        if r < run:
                            choice = cl
                            break
                    if choice == -1:
                        choice = touched[nt - 1]
                    x_choice = acc[choice]
                if choice == -1:
                    n_free[0] -= 1
                    choice = free[n_free[0]]
                    csize[choice] = sa
                    csum[choice] = ia
                else:
                    csize[choice] += sa
                    csum[choice] += ia + x_choice
                label[a] = choice
                for k in range(nt):
                    mark[touched[k]] = 0
            return 0

        _SWEEP_ENTITY = sweep
    return _SWEEP_ENTITY


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

    def run(k: int) -> None:
        if score == "entity":
            sweep = _entity_kernel()
            for _ in range(k):
                sweep(st.indptr, st.nbr, st.weight, st.count, st.size, st.label, st.csize,
                      st.free, st.n_free, st.logit_prior, st.unscored_log_bf, rng.random(n),
                      acc, accn, mark, touched, st.internal, st.csum)
            return
        sweep = _sweep_kernel()
        for _ in range(k):
            sweep(st.indptr, st.nbr, st.weight, st.count, st.size, st.label, st.csize, st.free,
                  st.n_free, st.logit_prior, st.unscored_log_bf, rng.random(n), acc, accn,
                  mark, touched)

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


def counts_from_labels(labels: np.ndarray, list_index: np.ndarray, lists: Sequence[str]):
    """Capture-pattern counts of a clustering: each cluster's set of lists → pattern."""
    from roshan.estimate.counts import CaptureCounts, all_patterns

    if len(lists) > 62:
        raise EstimationError("at most 62 lists are supported")
    bits = (np.int64(1) << list_index.astype(np.int64))
    _, lab = np.unique(labels, return_inverse=True)
    codes = np.zeros(int(lab.max()) + 1 if len(lab) else 0, dtype=np.int64)
    np.bitwise_or.at(codes, lab, bits)
    full = np.bincount(codes, minlength=1 << len(lists))[1:]
    present = np.flatnonzero(full)
    pats = all_patterns(len(lists))[present]
    return CaptureCounts(tuple(lists), pats, full[present].astype(np.int64))


def fit_counts(method: str, counts: Any, **opts: Any):
    """Fit one capture table with ``method`` (via roshan.estimate.methods.fit when present)."""
    try:
        from roshan.estimate.methods import fit
    except ImportError:
        fit = None
    if fit is not None:
        return fit(method, counts, **opts)
    if method == "dga":
        from roshan.estimate.dga import fit_dga

        return fit_dga(counts, **opts)
    if method == "lcmcr":
        from roshan.estimate.lcmcr import fit_lcmcr

        return fit_lcmcr(counts, **opts)
    raise EstimationError(f"method {method!r} is not available yet in this roshan build")


def _z(level: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(0.5 + level / 2))


def _log_within(res: Any) -> float | None:
    """The within-clustering variance of log N a result's interval implies (Rubin's u)."""
    if res is None or not res.estimate or not res.lower or not res.upper or res.lower <= 0:
        return None
    u = ((math.log(res.upper) - math.log(res.lower)) / (2 * _z(res.level or 0.95))) ** 2
    return u if u > 0 else None


#: Above this relative gap between the linked list's count of people and the median over
#: the plausible matchings, the pooled result warns that the documented count is uncertain.
OBSERVED_GAP_WARN = 0.05


def observed_gap(linked: int | None, observed: Sequence[int] | None) -> float | None:
    """How far the linker's count of people lies from the plausible matchings' median
    (relative: +0.2 = the linked list counts 20% more people). None without both."""
    if linked is None or observed is None or not len(observed):
        return None
    med = float(np.median(np.asarray(observed, dtype=float)))
    return float(linked) / med - 1.0 if med > 0 else None


def pool_results(results: Sequence[Any], *, level: float = 0.95, plugin: Any | None = None,
                 seed: int = 0, observed: Sequence[int] | None = None,
                 within_scale: float = 1.0, mc_variance: float | None = None) -> Any:
    """Pool per-clustering results into one :class:`EstimateResult` with a decomposition.

    Bayesian results (every one has ``draws``) are mixed: the same number of
    posterior draws from each clustering, summarised by the median and the
    equal-tailed interval. Otherwise Rubin's rules on log N with the Barnard–Rubin
    degrees of freedom. ``diagnostics["linkage"]`` gets the variance decomposition
    (``share_linkage`` + ``share_unlisted`` = 1), widths, and the plug-in result.

    ``within_scale`` multiplies the within-clustering variance of Rubin's rules (the
    ``calibrated`` refit). ``mc_variance`` (Bayesian results drawn by chains that carry
    over from one clustering to the next) is the Monte Carlo variance of one
    clustering's mean; it is taken off the between-clustering variance, and the
    within-clustering variance is then the rest of the mixture's variance.
    """
    from roshan.estimate.results import EstimateResult

    ok = [r for r in results if r is not None and r.estimate is not None
          and r.lower is not None and r.upper is not None]
    if not ok:
        raise EstimationError("no clustering draw could be estimated; see the plug-in estimate's "
                              "warnings")
    m = len(ok)
    bayes = all(r.draws is not None and len(r.draws) > 1 for r in ok)
    est_each = np.array([float(r.estimate) for r in ok])
    width_each = np.array([float(r.upper) - float(r.lower) for r in ok])
    info: dict[str, Any] = {"draws_used": m, "draws_failed": len(results) - m}
    if bayes:
        rng = np.random.default_rng(seed)
        k = min(DRAWS_PER_CLUSTERING, min(len(r.draws) for r in ok))
        parts = [rng.choice(np.asarray(r.draws, dtype=float), size=k, replace=False) for r in ok]
        mix = np.concatenate(parts)
        means = np.array([p_.mean() for p_ in parts])
        within = float(np.mean([p_.var(ddof=1) for p_ in parts]))
        between = float(means.var(ddof=1)) if m > 1 else 0.0
        total = within + between
        if mc_variance is not None:
            total = float(np.concatenate(parts).var(ddof=1))
            between = min(max(between - float(mc_variance), 0.0), total)
            within = total - between
        lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
        estimate = float(np.median(mix))
        lower, upper = (float(x) for x in np.quantile(mix, [lo_q, hi_q]))
        info.update({"pooling": "mixture of posterior draws", "within_variance": within,
                     "between_variance": between})
        draws = mix
    else:
        z = _z(level)
        q = np.log(est_each)
        lows = np.array([max(float(r.lower), 1e-9) for r in ok])
        highs = np.array([float(r.upper) for r in ok])
        u = ((np.log(highs) - np.log(lows)) / (2 * z)) ** 2 * float(within_scale)
        w = float(u.mean())
        b = float(q.var(ddof=1)) if m > 1 else 0.0
        tot = w + (1 + 1 / m) * b
        if b > 0 and m > 1:
            r_ = (1 + 1 / m) * b / max(w, 1e-300)
            df = (m - 1) * (1 + 1 / r_) ** 2
            tq = float(student_t.ppf(0.5 + level / 2, df))
        else:
            df, tq = math.inf, z
        qbar = float(q.mean())
        estimate = float(math.exp(qbar))
        lower, upper = math.exp(qbar - tq * math.sqrt(tot)), math.exp(qbar + tq * math.sqrt(tot))
        within, between, total = w, (1 + 1 / m) * b, tot
        info.update({"pooling": "Rubin's rules on log N", "within_variance_log": w,
                     "between_variance_log": b, "degrees_of_freedom": df})
        draws = None
    share_link = between / total if total > 0 else 0.0
    info.update({
        "share_linkage": share_link,
        "share_unlisted": 1.0 - share_link,
        "pooled": {"estimate": estimate, "lower": lower, "upper": upper},
        "width_pooled": upper - lower,
        "width_if_linkage_certain": float(np.mean(width_each)),
        "estimate_per_draw": {"min": float(est_each.min()), "median": float(np.median(est_each)),
                              "max": float(est_each.max())},
    })
    if observed is not None and len(observed):
        obs = np.asarray(observed)
        info["observed_per_draw"] = {"min": int(obs.min()), "median": float(np.median(obs)),
                                     "max": int(obs.max())}
    base = plugin if plugin is not None else ok[0]
    if plugin is not None:
        info["plugin"] = {"estimate": plugin.estimate, "lower": plugin.lower,
                          "upper": plugin.upper, "observed": plugin.observed}
    warnings = list(dict.fromkeys(w_ for r in ok for w_ in r.warnings))[:20]
    pct = 100 * share_link
    floor = float(np.median(observed)) if observed is not None and len(observed) else (
        plugin.observed if plugin is not None else None)
    if floor is not None and estimate < floor:
        warnings.append(f"the pooled estimate ({estimate:,.0f}) is below the number of people "
                        f"on the lists ({floor:,.0f}): the estimator is unstable on these "
                        "tables; do not publish this interval")
    gap = observed_gap(plugin.observed if plugin is not None else None, observed)
    if gap is not None:
        info["observed_gap"] = gap
        if abs(gap) > OBSERVED_GAP_WARN:
            obs = np.asarray(observed)
            more = "more" if gap > 0 else "fewer"
            warnings.append(
                f"the linked list counts {plugin.observed:,} people, {abs(gap):.0%} {more} than "
                f"the plausible matchings ({int(obs.min()):,}–{int(obs.max()):,}): many pairs "
                "sit near the threshold and the number of documented people is itself "
                "uncertain; review the pairs near the threshold (roshan review)")
    warnings.append(f"linkage uncertainty: {m} plausible clusterings pooled; {pct:.0f}% of the "
                    "variance comes from linkage, the rest from victims on no list")
    return EstimateResult(
        method=str(base.method), lists=list(base.lists),
        observed=int(base.observed), estimate=estimate, lower=lower, upper=upper, level=level,
        model=base.model, diagnostics={**(plugin.diagnostics if plugin is not None else {}),
                                       "linkage": info},
        warnings=warnings, strata=[], draws=draws)


SAMPLERS = ("gibbs", "pairs")
#: How the Gibbs sampler's per-merge prior is set: ``capture`` (default; from the
#: capture–recapture model, see :func:`capture_merge_logit`), ``moments`` (moment-matched
#: to the sum of pair probabilities, :func:`calibrate_merge`) or ``none`` (Splink's λ).
MERGE_PRIORS = ("mixed", "capture", "moments", "none")
#: The default merge prior (see :data:`MERGE_PRIORS` and :func:`estimate_from_graph`).
DEFAULT_MERGE_PRIOR = "mixed"


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


#: How each drawn clustering is estimated (``refit``): ``auto`` picks per method;
#: ``full`` fits the method afresh on every clustering (the original scheme);
#: ``chain`` (lcmcr, recommended) runs the latent-class chains on, from one clustering
#: to the next, so their burn-in is paid once (:class:`roshan.estimate.lcmcr.LcmcrChains`);
#: ``calibrated`` (log-linear with a bootstrap) fits each clustering without the
#: bootstrap and scales the within-clustering variance by the ratio the full fit shows
#: on the plug-in clustering.
REFITS = ("auto", "full", "chain", "calibrated")
#: Clusterings drawn by the default estimate on a workspace (``roshan estimate WS``).
DEFAULT_LINKAGE_DRAWS = 20
#: Burn-in sweeps of the clustering sampler when the latent-class chains carry over
#: (``refit="chain"``): the clusterings and N move together from the plug-in, and 20
#: sweeps left a visible trend in the first draws (docs/linkage-uncertainty.md).
CHAIN_BURNIN_SWEEPS = 60


def refit_mode(method: str, refit: str = "auto", *, stratified: bool = False,
               opts: dict[str, Any] | None = None) -> str:
    """The per-draw fitting scheme ``refit`` resolves to for ``method`` (see :data:`REFITS`)."""
    opts = opts or {}
    if refit not in REFITS:
        raise EstimationError(f"refit must be one of {', '.join(REFITS)}")
    if refit == "chain" and (method not in ("lcmcr", "recommended") or stratified):
        raise EstimationError("refit='chain' applies to lcmcr and recommended, without --by")
    if refit == "calibrated" and (method != "loglinear" or stratified):
        raise EstimationError("refit='calibrated' applies to loglinear, without --by")
    if refit == "calibrated" and (opts.get("bootstrap") == 0
                                  or (opts.get("bootstrap") is None
                                      and opts.get("terms") is not None)):
        return "full"  # nothing to calibrate: the fit has no bootstrap
    if refit != "auto":
        return refit
    if stratified:
        return "full"
    if method in ("lcmcr", "recommended"):
        return "chain"
    if method == "loglinear":
        # the bootstrap is what costs; a fit without it is cheap already
        boot = opts.get("bootstrap")
        no_boot = boot == 0 or (boot is None and opts.get("terms") is not None)
        return "full" if no_boot else "calibrated"
    return "full"


class _FullFits:
    """Fit the method afresh on every clustering (``refit="full"``; ``"calibrated"`` when
    ``cheap`` options are given: each clustering is fitted with them and the
    within-clustering variance scaled by the full/cheap ratio on the plug-in clustering)."""

    def __init__(self, method: str, fit_opts: dict[str, Any], seed: int,
                 strata_fit: Callable[..., Any] | None = None,
                 cheap: dict[str, Any] | None = None) -> None:
        self.method, self.fit_opts, self.seed, self.strata_fit = method, fit_opts, seed, strata_fit
        self.cheap = cheap
        self.within_scale = 1.0
        self.notes: dict[str, Any] = {}
        adapt_opts = dict(cheap if cheap is not None else fit_opts)
        if method == "dga":
            adapt_opts["n_draws"] = min(int(adapt_opts.get("n_draws", 500)), 500)
        elif method in ("lcmcr", "recommended"):  # a rough N is all the burn-in needs
            adapt_opts.update({"burnin": 2000, "samples": 200, "thin": 10, "chains": 2})
            if method == "recommended":
                adapt_opts["compare"] = ()
        elif method == "loglinear" and adapt_opts.get("terms") is None:
            adapt_opts["bootstrap"] = 0
        self.adapt_opts = adapt_opts

    def plugin(self, labels: np.ndarray, counts: Any) -> tuple[Any, Any]:
        total = _fit_seeded(self.method, counts, self.fit_opts, self.seed)
        plugin = total
        if self.strata_fit is not None:
            plugin = self.strata_fit(labels, self.method, self.fit_opts, self.seed)
        if self.cheap is not None:
            quick = _fit_seeded(self.method, counts, self.cheap, self.seed)
            u_full, u_quick = _log_within(total), _log_within(quick)
            if u_full and u_quick:
                self.within_scale = u_full / u_quick
            self.notes = {"within_scale": self.within_scale,
                          "per_draw_options": {k: v for k, v in self.cheap.items()
                                               if k not in self.fit_opts
                                               or self.fit_opts[k] != v}}
        return plugin, total

    def adapt(self, counts: Any, rng: np.random.Generator) -> float | None:
        try:
            r = _fit_seeded(self.method, counts, self.adapt_opts, self.seed)
        except EstimationError:
            return None
        return r.estimate

    def draw(self, labels: np.ndarray, counts: Any, d: int) -> Any:
        opts = self.cheap if self.cheap is not None else self.fit_opts
        try:
            if self.strata_fit is not None:
                return self.strata_fit(labels, self.method, opts, self.seed + 1 + d)
            return _fit_seeded(self.method, counts, opts, self.seed + 1 + d)
        except EstimationError:
            return None

    def finish(self, results: list[Any], observed: list[int], plugin: Any, level: float,
               last_counts: Any) -> Any:
        pooled = pool_results(results, level=level, plugin=plugin, seed=self.seed,
                              observed=observed, within_scale=self.within_scale)
        if self.strata_fit is not None:
            pooled.strata = pool_strata(results, list(getattr(self.strata_fit, "by", [])),
                                        level=level)
        info = pooled.diagnostics["linkage"]
        info["refit"] = "calibrated" if self.cheap is not None else "full"
        info.update(self.notes)
        if self.cheap is not None:
            info["width_if_linkage_certain"] *= math.sqrt(self.within_scale)
        return pooled


class _ChainFits:
    """lcmcr / recommended on every clustering with chains that carry over
    (``refit="chain"``): the chains burn in once on the plug-in clustering (whose own
    posterior, the plug-in diagnostic, is sampled there with a quarter of the draws),
    move with the clusterings of the sampler's burn-in (``burnin`` sweeps in all), then
    spend ``samples // n_draws`` draws per chain on each drawn clustering. The pooled
    posterior has as many draws as one ordinary fit; the sensitivity checks of
    ``recommended`` are fitted once, on the last drawn clustering, with at most two
    chains and half the draws."""

    def __init__(self, method: str, fit_opts: dict[str, Any], seed: int, n_draws: int,
                 adapt_steps: int, n_lists: int) -> None:
        from roshan.estimate.lcmcr import LcmcrChains
        from roshan.estimate.recommended import miss_neutral_b

        o = dict(fit_opts)
        self.method, self.seed = method, seed
        self.level = float(o.pop("level", 0.95))
        o.pop("seed", None)
        self.classes = int(o.pop("classes", 10))
        self.chains = int(o.pop("chains", 4))
        self.burnin = int(o.pop("burnin", 10_000))
        self.samples = int(o.pop("samples", 1_000))
        self.thin = int(o.pop("thin", 50))
        self.workers = o.pop("workers", None)
        if method == "recommended":
            self.compare = tuple(o.pop("compare", ("lcmcr",)))
            self.a_alpha = float(o.pop("a_alpha", 1.0))
            self.b_alpha = float(o.pop("b_alpha", 0.25))
            a_lam, b_lam = 1.0, miss_neutral_b(n_lists)
        else:
            self.compare = ()
            self.a_alpha = float(o.pop("a_alpha", 0.25))
            self.b_alpha = float(o.pop("b_alpha", 0.25))
            a_lam, b_lam = float(o.pop("a_lambda", 1.0)), float(o.pop("b_lambda", 1.0))
        if o:
            raise EstimationError(f"{method} with linkage draws: unsupported option(s) "
                                  f"{', '.join(sorted(o))}")
        if self.chains < 1 or self.samples < 1 or self.thin < 1 or self.burnin < 0:
            raise EstimationError(f"{method}: chains, samples and thin must be >= 1")
        self.priors = {"a_alpha": self.a_alpha, "b_alpha": self.b_alpha,
                       "a_lambda": a_lam, "b_lambda": b_lam}
        self.sampler = LcmcrChains(classes=self.classes, chains=self.chains, seed=seed,
                                   workers=self.workers, **self.priors)
        self.per_draw = max(1, self.samples // n_draws)
        self.plugin_samples = max(1, self.samples // 4)
        self.adapt_sweeps = max(1, self.burnin // max(adapt_steps, 1))
        self.traces: list[Any] = []

    def _settings(self) -> dict[str, Any]:
        return {"classes": self.classes, "burnin": self.burnin, "samples": self.samples,
                "thin": self.thin, "chains": self.chains, "seed": self.seed, **self.priors}

    def _result(self, counts: Any, d: Any) -> Any:
        from roshan.estimate.lcmcr import _summarise

        primary = _summarise(counts, d, level=self.level, method="lcmcr",
                             settings=self._settings())
        if self.method != "recommended":
            return primary
        from roshan.estimate.recommended import recommended_result

        return recommended_result(primary, [], classes=self.classes, a_alpha=self.a_alpha,
                                  b_alpha=self.b_alpha)

    def plugin(self, labels: np.ndarray, counts: Any) -> tuple[Any, Any]:
        d = self.sampler.run(counts.patterns, counts.counts, burnin=self.burnin,
                             samples=self.plugin_samples, thin=self.thin)
        res = self._result(counts, d)
        return res, res

    def adapt(self, counts: Any, rng: np.random.Generator) -> float | None:
        d = self.sampler.run(counts.patterns, counts.counts, burnin=self.adapt_sweeps - 1,
                             samples=1, thin=1)
        return float(d.n[int(rng.integers(self.chains)), -1])

    def draw(self, labels: np.ndarray, counts: Any, d: int) -> Any:
        from roshan.estimate.results import EstimateResult

        out = self.sampler.run(counts.patterns, counts.counts, burnin=0,
                               samples=self.per_draw, thin=self.thin)
        self.traces.append(out)
        flat = out.n.reshape(-1).astype(float)
        lo, hi = np.quantile(flat, [(1 - self.level) / 2, (1 + self.level) / 2])
        res = EstimateResult(method=self.method, lists=list(counts.lists),
                             observed=int(counts.observed), estimate=float(np.median(flat)),
                             lower=float(lo), upper=float(hi), level=self.level,
                             draws=flat)
        # the chains' current N (not a random kept draw): the next clustering sweeps are
        # the clustering step of one Gibbs sampler over (clustering, model, N)
        res.diagnostics["n_current"] = float(out.n[d % self.chains, -1])
        return res

    def finish(self, results: list[Any], observed: list[int], plugin: Any, level: float,
               last_counts: Any) -> Any:
        from roshan.estimate.lcmcr import LcmcrDraws, _summarise

        n = np.hstack([t.n for t in self.traces])
        d = LcmcrDraws(n=n, alpha=np.hstack([t.alpha for t in self.traces]),
                       k_star=np.hstack([t.k_star for t in self.traces]),
                       iterations=self.sampler.iterations,
                       sampling_seconds=self.sampler.sampling_seconds,
                       compile_seconds=self.sampler.compile_seconds, seeds=[self.seed])
        # All chains see the same clusterings, one after the other, and are independent
        # given them. So (1) the spread of the chains' means on one clustering measures the
        # Monte Carlo noise of that clustering's mean, which is taken off the
        # between-clustering variance; (2) convergence is judged on the traces less each
        # clustering's mean over the chains (what moves all chains together is the
        # clusterings, not a chain that has not mixed).
        seg = np.stack([t.n.mean(axis=1) for t in self.traces])  # clusterings x chains
        mc = (float(seg.var(axis=1, ddof=1).mean()) / self.chains if self.chains > 1
              else 0.0)
        pooled = pool_results(results, level=level, plugin=plugin, seed=self.seed,
                              observed=observed, mc_variance=mc)
        primary = _summarise(last_counts, d, level=level, method="lcmcr",
                             settings=self._settings())
        primary.observed = plugin.observed
        primary.lists = list(plugin.lists)
        _rediagnose(primary, np.hstack([t.n - t.n.mean() for t in self.traces]) + n.mean())
        if self.method == "recommended":
            from roshan.estimate.recommended import recommended_result, sensitivity_checks

            checks, failed = sensitivity_checks(
                last_counts, self.compare, seed=self.seed, classes=self.classes,
                burnin=self.burnin, samples=max(self.samples // 2, 1), thin=self.thin,
                chains=min(self.chains, 2), level=level, workers=self.workers)
            result = recommended_result(primary, checks, failed, classes=self.classes,
                                        a_alpha=self.a_alpha, b_alpha=self.b_alpha,
                                        checks_note="the last drawn clustering")
        else:
            result = primary
        info = pooled.diagnostics["linkage"]
        within = info.get("within_variance")
        if within is not None and within >= 0:  # per-clustering stretches are too short
            info["width_if_linkage_certain"] = 2 * _z(level) * math.sqrt(within)
        info.update({"refit": "chain", "chain_mc_variance": mc,
                     "draws_per_clustering": self.per_draw * self.chains,
                     "plugin_draws": self.plugin_samples * self.chains,
                     "plugin_fit": (f"the chains after their burn-in on the plug-in clustering, "
                                    f"{self.plugin_samples} draws per chain, no sensitivity "
                                    "check"),
                     "lcmcr_iterations": int(self.sampler.iterations)})
        result.diagnostics["linkage"] = info
        result.warnings = list(dict.fromkeys(
            result.warnings + [w for w in pooled.warnings
                               if w.startswith(("linkage uncertainty:", "the pooled estimate"))]))
        result.draws = pooled.draws if pooled.draws is not None else result.draws
        return result


def _rediagnose(res: Any, n: np.ndarray) -> None:
    """Set a chain result's R-hat / ESS (and their warnings) to the worse of the raw
    traces' (``rhat_raw`` / ``ess_raw``: what moves all chains together counts as
    autocorrelation) and those of ``n`` (chains x draws: the traces less the mean of all
    chains on each clustering, ``rhat_detrended`` / ``ess_detrended``: the subtracted mean
    also holds part of each chain's own wander). Neither is exact for chains that share
    their clusterings; the worse one is what the warnings use."""
    from roshan.estimate.diagnostics import ESS_WARN, RHAT_WARN, ess_bulk, rhat

    diag = res.diagnostics
    r_raw, e_raw = diag.get("rhat"), diag.get("ess")
    ok = n.shape[1] >= 4
    r_det = float(rhat(n)) if ok else float("nan")
    e_det = float(ess_bulk(n)) if ok else float("nan")
    rs = [x for x in (r_raw, r_det) if x is not None and np.isfinite(x)]
    es = [x for x in (e_raw, e_det) if x is not None and np.isfinite(x)]
    r = max(rs) if rs else float("nan")
    e = min(es) if es else float("nan")
    diag.update({"rhat": float(r), "ess": float(e), "rhat_raw": r_raw, "ess_raw": e_raw,
                 "rhat_detrended": r_det, "ess_detrended": e_det,
                 "convergence": "the worse of the raw traces and the traces less the mean "
                                "of all chains on each clustering"})
    res.warnings = [w for w in res.warnings
                    if not w.startswith(("chains disagree", "few effective draws"))]
    if np.isfinite(r) and r > RHAT_WARN:
        res.warnings.append(f"chains disagree (R-hat {r:.2f} > {RHAT_WARN}); run longer "
                            "(more samples/thin) before quoting this interval")
    if np.isfinite(e) and e < ESS_WARN:
        res.warnings.append(f"few effective draws (ESS {e:.0f} < {ESS_WARN:.0f}); the interval "
                            "ends are noisy, increase samples or thin")


def estimate_from_graph(graph: LinkageGraph, list_index: np.ndarray, lists: Sequence[str],
                        n_draws: int, method: str, /, *, plugin_labels: np.ndarray | None = None,
                        threshold: float = 0.5, seed: int = 0, level: float = 0.95,
                        sampler: str = "gibbs", logit_prior: float | None = None,
                        unscored_log_bf: float | None = None, sweeps_burnin: int | None = None,
                        sweeps_thin: int = 3, calibrate: bool | str = DEFAULT_MERGE_PRIOR,
                        temper: float = 1.0, refit: str = "auto", score: str = DEFAULT_SCORE,
                        on_progress: Callable[[int, int], None] | None = None,
                        strata_fit: Callable[..., Any] | None = None,
                        **opts: Any) -> Any:
    """The whole procedure on a prepared graph (workspace-free; used by tests and bench).

    ``strata_fit`` (labels, method, options, seed → stratified EstimateResult) replaces
    the overall fit of each clustering by a stratified one (``--by``); the pooled result
    then carries per-stratum pooled rows in ``strata``.

    ``sampler`` is ``"gibbs"`` (default; clustering posterior, see
    :func:`gibbs_sampler`) or ``"pairs"`` (independent pair draws, see
    :func:`draw_labels`; kept for comparison); ``sweeps_burnin`` / ``sweeps_thin`` are
    the clustering sampler's burn-in and thinning (sweeps; burn-in
    :data:`CHAIN_BURNIN_SWEEPS` with ``refit="chain"``, else 20). ``logit_prior`` is logit of
    the prior match probability the pairwise model used (default: −log of the number of
    records). ``refit`` says how each clustering is estimated (:data:`REFITS`).
    Remaining ``opts`` go to the estimator (for lcmcr and recommended, ``burnin``,
    ``samples``, ``thin``, ``chains`` are the latent-class sampler's).
    """
    if n_draws < 2:
        raise EstimationError("--linkage-draws must be at least 2")
    if sampler not in SAMPLERS:
        raise EstimationError(f"sampler must be one of {', '.join(SAMPLERS)}")
    if isinstance(calibrate, bool):
        calibrate = "moments" if calibrate else "none"
    if calibrate not in MERGE_PRIORS:
        raise EstimationError(f"merge prior must be one of {', '.join(MERGE_PRIORS)}")
    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    if plugin_labels is None:
        plugin_labels = threshold_labels(graph, threshold)
    if logit_prior is None:
        logit_prior = -math.log(max(graph.n_records, 2))
    if unscored_log_bf is None:
        unscored_log_bf = graph.unscored_log_bf()
    fit_opts = dict(opts)
    fit_opts.setdefault("level", level)
    mode = refit_mode(method, refit, stratified=strata_fit is not None, opts=fit_opts)
    if sweeps_burnin is None:
        sweeps_burnin = CHAIN_BURNIN_SWEEPS if mode == "chain" else 20
    adapt_every = 5
    adapt_steps = -(-sweeps_burnin // adapt_every)
    fitter: Any
    if mode == "chain":
        fitter = _ChainFits(method, fit_opts, seed, n_draws, adapt_steps, len(lists))
    elif mode == "calibrated":
        cheap = {**fit_opts, "bootstrap": 0}
        if fit_opts.get("interval") not in (None, "auto"):
            cheap["interval"] = "profile"  # the only interval a fit without bootstrap has
        fitter = _FullFits(method, fit_opts, seed, strata_fit, cheap=cheap)
    else:
        fitter = _FullFits(method, fit_opts, seed, strata_fit)
    plugin_counts = counts_from_labels(plugin_labels, list_index, lists)
    t_fit0 = time.perf_counter()
    plugin, plugin_total = fitter.plugin(plugin_labels, plugin_counts)
    t_plugin = time.perf_counter() - t_fit0
    merge_logit = None
    merge_ref: list[float] | None = None
    trace: list[float] = []
    t_adapt = [0.0]
    if sampler == "gibbs":
        adapt = None
        if calibrate in ("capture", "mixed"):
            merge_logit = capture_merge_logit(plugin_total.estimate, plugin_counts.observed)
            trace = [merge_logit]
            merge_ref = [merge_logit]

            def adapt(labels: np.ndarray) -> float:
                c = counts_from_labels(labels, list_index, lists)
                t_a = time.perf_counter()
                n_hat = fitter.adapt(c, rng)
                t_adapt[0] += time.perf_counter() - t_a
                if n_hat is None:
                    return trace[-1]
                trace.append(capture_merge_logit(n_hat, c.observed))
                merge_ref[0] = trace[-1]
                return trace[-1]
        elif calibrate == "moments":
            merge_logit = calibrate_merge(graph, rng, logit_prior=logit_prior,
                                          unscored_log_bf=unscored_log_bf, start=plugin_labels,
                                          temper=temper, score=score)
        draws_iter = gibbs_draws(graph, n_draws, rng, logit_prior=logit_prior,
                                 unscored_log_bf=unscored_log_bf, start=plugin_labels,
                                 burnin=sweeps_burnin, thin=sweeps_thin, merge_logit=merge_logit,
                                 temper=temper, adapt=adapt, adapt_every=adapt_every,
                                 merge_ref=merge_ref, score=score)
    else:
        draws_iter = (draw_labels(graph, rng) for _ in range(n_draws))
    results, observed = [], []
    t_draw = t_fit = 0.0
    counts = plugin_counts
    a = time.perf_counter()
    for d, labels in enumerate(draws_iter):
        counts = counts_from_labels(labels, list_index, lists)
        b = time.perf_counter()
        res = fitter.draw(labels, counts, d)
        t_draw += b - a
        a = time.perf_counter()
        t_fit += a - b
        results.append(res)
        observed.append(counts.observed)
        # Data augmentation: the next sweeps use a prior set from a draw of N given
        # this clustering, so the chain samples clusterings and N jointly.
        if merge_ref is not None and res is not None:
            n_star = res.diagnostics.get("n_current") if res.diagnostics else None
            if n_star is None:
                n_star = _n_draw(res, rng)
            if n_star is not None:
                merge_ref[0] = capture_merge_logit(n_star, counts.observed)
                if calibrate == "mixed":
                    w = (d + 1) / max(n_draws - 1, 1)
                    merge_ref[0] = (1 - w) * merge_ref[0] + w * logit_prior
        if on_progress:
            on_progress(d + 1, n_draws)
    b = time.perf_counter()
    pooled = fitter.finish(results, observed, plugin, level, counts)
    t_finish = time.perf_counter() - b
    info = pooled.diagnostics["linkage"]
    if sampler == "gibbs" and calibrate in ("capture", "mixed"):
        merge_logit = trace[-1]
        info["merge_logit_trace"] = [round(x, 4) for x in trace]
    info.update({
        "n_draws": n_draws, "method": method, "seed": seed, "sampler": sampler,
        "logit_prior": logit_prior, "unscored_log_bf": unscored_log_bf,
        "merge_logit": merge_logit, "merge_prior": calibrate if sampler == "gibbs" else None,
        "temper": temper, "score": score if sampler == "gibbs" else None,
        "burnin_sweeps": sweeps_burnin if sampler == "gibbs" else None,
        "thin_sweeps": sweeps_thin if sampler == "gibbs" else None,
        "uncertain_pairs": int(len(graph.ep)), "records": int(graph.n_records),
        "certain_components": int(graph.n_base),
        "seconds": {"total": time.perf_counter() - t0, "plugin": t_plugin,
                    "clusterings": t_draw - t_adapt[0], "burnin_fits": t_adapt[0],
                    "fits": t_fit, "pooling": t_finish},
    })
    pooled.warnings = list(dict.fromkeys(graph.warnings + pooled.warnings))
    return pooled


def _n_draw(res: Any, rng: np.random.Generator) -> float | None:
    """One draw of N from a fitted result: a posterior (or bootstrap) draw when it has
    them, else from a log-normal matching its interval."""
    if res.draws is not None and len(res.draws):
        return float(rng.choice(np.asarray(res.draws, dtype=float)))
    if res.estimate and res.lower and res.upper and res.lower > 0:
        sd = (math.log(res.upper) - math.log(res.lower)) / (2 * _z(res.level or 0.95))
        return float(math.exp(rng.normal(math.log(res.estimate), sd)))
    return None


def _fit_seeded(method: str, counts: Any, opts: dict[str, Any], seed: int) -> Any:
    o = dict(opts)
    if method in ("dga", "lcmcr", "recommended") and "seed" not in o:
        o["seed"] = int(seed)
    return fit_counts(method, counts, **o)


def workspace_inputs(ws: Any) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray | None, float]:
    """records (record_pk, source), pairs, plug-in labels aligned to records (or None) and
    the clustering threshold, read from a linked workspace."""

    from sqlalchemy import select

    from roshan.link.review import _read_pairs, current_threshold
    from roshan.store.models import Record, Source

    stmt = (select(Record.id.label("record_pk"), Source.name.label("source"))
            .join(Source, Source.id == Record.source_id).where(Record.status == "accepted")
            .order_by(Record.id))
    with ws.engine.connect() as conn:
        records = pd.DataFrame([tuple(r) for r in conn.execute(stmt)],
                               columns=["record_pk", "source"])
    if records.empty:
        raise LinkageError("the workspace has no accepted records")
    pairs = _read_pairs(ws, ["record_pk_l", "record_pk_r", "match_probability"])
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


def _model_lambda(ws: Any) -> float | None:
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


def _strata_fitter(ws: Any, records: pd.DataFrame, lists: Sequence[str], by: Sequence[str]):
    """A function labels → stratified EstimateResult, with each draw's victims' stratum
    values derived exactly as `roshan link` derives them (victims_frame: the mode over a
    cluster's records), so a record that moves between people moves its stratum too."""
    from roshan.estimate.strata import fit_strata
    from roshan.link.histories import histories_from_victims
    from roshan.link.victims import victims_frame

    path = Path(ws.snapshots_dir) / "normalized.parquet"
    if not path.is_file():
        raise LinkageError("no normalised snapshot in this workspace; run `roshan link` first")
    norm = pd.read_parquet(path)
    norm = records[["record_pk"]].merge(norm.drop(columns=["source"], errors="ignore"),
                                        on="record_pk", how="left")
    norm["source"] = records["source"].to_numpy()

    def fit(labels: np.ndarray, method: str, opts: dict[str, Any], seed: int) -> Any:
        assignment = pd.DataFrame({"record_pk": records["record_pk"].to_numpy(),
                                   "uid": np.asarray(labels, dtype=np.int64)})
        victims = victims_frame(norm, assignment)
        frame = histories_from_victims(victims, list(lists), list(by))
        return fit_strata(frame, list(by), method, **{**opts, "seed": seed})

    fit.by = list(by)  # type: ignore[attr-defined]
    return fit


def pool_strata(per_draw: Sequence[Any], by: Sequence[str], *, level: float = 0.95
                ) -> list[dict[str, Any]]:
    """Pool each stratum over the clusterings (Rubin's rules on log N), with the share of
    its variance that comes from linkage. A stratum missing or not estimable in a draw is
    pooled over the draws where it was estimated (``draws_used`` says how many)."""
    z = _z(level)
    groups: dict[tuple, list[dict[str, Any]]] = {}
    for res in per_draw:
        if res is None:
            continue
        for st in res.strata or []:
            groups.setdefault(tuple(st.get(b) for b in by), []).append(st)
    out = []
    for key, items in groups.items():
        ok = [s for s in items if s.get("estimate") and s.get("lower") and s.get("upper")
              and s["lower"] > 0]
        row: dict[str, Any] = {**dict(zip(by, key, strict=True)),
                               "observed": float(np.median([s["observed"] for s in items])),
                               "draws_used": len(ok), "estimate": None, "lower": None,
                               "upper": None, "share_linkage": None}
        if ok:
            q = np.log([float(s["estimate"]) for s in ok])
            u = ((np.log([float(s["upper"]) for s in ok])
                  - np.log([float(s["lower"]) for s in ok])) / (2 * z)) ** 2
            m = len(ok)
            w = float(u.mean())
            b = (1 + 1 / m) * float(q.var(ddof=1)) if m > 1 else 0.0
            tot = w + b
            qbar = float(q.mean())
            row.update({"estimate": math.exp(qbar), "lower": math.exp(qbar - z * math.sqrt(tot)),
                        "upper": math.exp(qbar + z * math.sqrt(tot)),
                        "share_linkage": b / tot if tot > 0 else 0.0})
        else:
            row["reason"] = "not estimable in any clustering"
        out.append(row)
    out.sort(key=lambda r: tuple(str(r[b]) for b in by))
    return out


def estimate_with_linkage_draws(ws: Any, n_draws: int, method: str, /, *, seed: int = 0,
                                by: Sequence[str] | None = None,
                                level: float = 0.95, band: tuple[float, float] = DEFAULT_BAND,
                                chain_guard: float = DEFAULT_CHAIN_GUARD,
                                sampler: str = "gibbs", refit: str = "auto",
                                on_progress: Callable[[int, int], None] | None = None,
                                **opts: Any) -> Any:
    """Estimate the total with linkage uncertainty propagated (see module docstring).

    Reads the accepted records, ``pairs.parquet`` and ``clusters.parquet`` (the plug-in
    clustering; else the threshold of the latest run) and the reviewers' constraints;
    draws ``n_draws`` clusterings, fits ``method`` on each (``opts`` are passed to the
    estimator, so ``n_draws=...`` among them is the estimator's own posterior draws — the
    first three parameters are positional-only) and pools. Returns an :class:`EstimateResult` whose
    ``diagnostics["linkage"]`` holds the decomposition and the plug-in result.
    """
    from roshan.link.review import load_constraints

    records, pairs, labels, threshold = workspace_inputs(ws)
    must, cannot = load_constraints(ws)
    if "logit_prior" not in opts:
        lam = _model_lambda(ws)
        if lam is not None:
            opts["logit_prior"] = math.log(lam / (1 - lam))
    lists = sorted(records["source"].unique().tolist())
    list_index = records["source"].map({s: i for i, s in enumerate(lists)}).to_numpy()
    graph = build_graph(records["record_pk"].to_numpy(), pairs, must_link=must,
                        cannot_link=cannot, band=band, chain_guard=chain_guard,
                        list_index=list_index)
    by = [b for b in (by or []) if b]
    fitter = _strata_fitter(ws, records, lists, by) if by else None
    result = estimate_from_graph(graph, list_index, lists, n_draws, method,
                                 plugin_labels=labels, threshold=threshold, seed=seed,
                                 level=level, on_progress=on_progress, sampler=sampler,
                                 refit=refit, strata_fit=fitter, **opts)
    info = result.diagnostics["linkage"]
    if by:
        info["by"] = list(by)
    info.update({"band": list(band), "chain_guard": chain_guard, "threshold": threshold,
                 "must_link": len(must), "cannot_link": len(cannot),
                 "plugin_clustering": "clusters.parquet" if labels is not None
                 else f"threshold {threshold}"})
    return result


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
