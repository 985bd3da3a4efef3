"""Drawing plausible clusterings from a linkage graph (:mod:`roshan.link.uncertainty.graph`).

* by default a Gibbs sampler over partitions (:func:`gibbs_draws`, its numba sweep
  :func:`_sweep_kernel`) whose target is the posterior over clusterings: the pairs'
  likelihood ratios (Splink's Bayes factors), a cluster scored as one person
  (``score="entity"``, :data:`SCORES`), a per-merge prior (:func:`capture_merge_logit`,
  :data:`MERGE_PRIORS`, or moment-matched by :func:`calibrate_merge`), and the Bayes
  factor of an unscored pair estimated from the data
  (:meth:`~roshan.link.uncertainty.graph.LinkageGraph.unscored_log_bf`);
* independent pair draws (:func:`draw_labels`, ``sampler="pairs"``), kept for comparison.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from roshan.errors import LinkageError
from roshan.link.uncertainty.graph import LinkageGraph, constrained_components


def _one_per_list(graph: LinkageGraph, take: np.ndarray) -> np.ndarray:
    """Of the sampled cross-list links, keep for each record at most one per other list
    (the most probable); within-list links (duplicates) are untouched."""
    idx = np.flatnonzero(take)
    if (
        not len(idx) or graph.ru is None or graph.rv is None or graph.lu is None or graph.lv is None
    ):  # set together in build_graph when lists are known
        return take
    ru, rv, lu, lv, p = (graph.ru[idx], graph.rv[idx], graph.lu[idx], graph.lv[idx], graph.ep[idx])
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
    comp = constrained_components(
        graph.n_base, graph.eu[take], graph.ev[take], graph.ep[take], graph.cu, graph.cv
    )
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


def _entity_sums(
    indptr: np.ndarray,
    nbr: np.ndarray,
    weight: np.ndarray,
    count: np.ndarray,
    size: np.ndarray,
    internal: np.ndarray,
    label: np.ndarray,
    unscored: float,
) -> np.ndarray:
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


def gibbs_sampler(
    graph: LinkageGraph,
    *,
    logit_prior: float,
    unscored_log_bf: float = -5.0,
    start: np.ndarray | None = None,
    merge_logit: float | None = None,
    temper: float = 1.0,
    score: str = DEFAULT_SCORE,
) -> GibbsState:
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
    free_stack[: len(free)] = free
    nbr = dst.astype(np.int64)
    internal = (size * (size - 1) / 2) * temper * (_CERTAIN_LOGIT - logit_prior)
    sums = _entity_sums(indptr, nbr, wsum, csum, size, internal, label, unscored_log_bf)
    return GibbsState(
        indptr=indptr,
        nbr=nbr,
        weight=wsum,
        count=csum,
        size=size,
        label=label,
        csize=csize,
        free=free_stack,
        n_free=np.array([len(free)], dtype=np.int64),
        logit_prior=float(logit_prior if merge_logit is None else merge_logit),
        unscored_log_bf=float(unscored_log_bf),
        score=score,
        internal=internal,
        csum=sums,
    )


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
        def sweep(
            indptr,
            nbr,
            weight,
            count,
            size,
            label,
            csize,
            free,
            n_free,
            logit_prior,
            u,
            rand,
            acc,
            accn,
            mark,
            touched,
            internal,
            csum,
            score,
            entity,
        ):  # pragma: no cover - numba
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
                    score[k] = (
                        g(csum[cl] + ia + acc[cl], kc + sa, m, entity)
                        - g(csum[cl], kc, m, entity)
                        - ga
                    )
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


def gibbs_draws(
    graph: LinkageGraph,
    n_draws: int,
    rng: np.random.Generator,
    *,
    logit_prior: float,
    unscored_log_bf: float = -5.0,
    start: np.ndarray | None = None,
    burnin: int = 20,
    thin: int = 3,
    merge_logit: float | None = None,
    temper: float = 1.0,
    adapt: Callable[[np.ndarray], float] | None = None,
    adapt_every: int = 5,
    merge_ref: list[float] | None = None,
    score: str = DEFAULT_SCORE,
):
    """Yield ``n_draws`` clusterings (labels per record) from the Gibbs sampler.

    ``adapt`` (labels → merge logit), if given, is called every ``adapt_every`` sweeps
    of the burn-in and its value becomes the merge prior from then on (used to keep
    the capture-model prior consistent with the clustering it produces)."""
    st = gibbs_sampler(
        graph,
        logit_prior=logit_prior,
        unscored_log_bf=unscored_log_bf,
        start=start,
        merge_logit=merge_logit,
        temper=temper,
        score=score,
    )
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
            sweep(
                st.indptr,
                st.nbr,
                st.weight,
                st.count,
                st.size,
                st.label,
                st.csize,
                st.free,
                st.n_free,
                st.logit_prior,
                st.unscored_log_bf,
                rng.random(n),
                acc,
                accn,
                mark,
                touched,
                st.internal,
                st.csum,
                scratch,
                entity,
            )

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


def calibrate_merge(
    graph: LinkageGraph,
    rng: np.random.Generator,
    *,
    logit_prior: float,
    unscored_log_bf: float = -5.0,
    start: np.ndarray | None = None,
    iterations: int = 8,
    sweeps: int = 6,
    temper: float = 1.0,
    score: str = DEFAULT_SCORE,
) -> float:
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
        for labels in gibbs_draws(
            graph,
            sweeps,
            rng,
            logit_prior=logit_prior,
            unscored_log_bf=unscored_log_bf,
            start=start,
            burnin=sweeps,
            thin=1,
            merge_logit=mid,
            temper=temper,
            score=score,
        ):
            node = np.empty(graph.n_base, dtype=np.int64)
            node[graph.base] = labels
            linked.append(float((node[graph.eu] == node[graph.ev]).sum()))
        if np.mean(linked) < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


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
