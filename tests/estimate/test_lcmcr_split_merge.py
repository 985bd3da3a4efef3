"""Issue 17: the split–merge move of latent classes (lcmcr_kernel._split_merge).

The move must leave the posterior exactly unchanged. Checked two ways: on a toy table
small enough to enumerate every state of the collapsed posterior, the move alone must
visit each state as often as its exact probability says (total variation 0.010 over 540
states in 3M moves; adding 0.1 to the log Hastings ratio of splits gives 0.022 and
fails); and the whole sampler with the move must give the posterior of the sampler
without it on a published table. When off it draws exactly what it drew before; a seed
still gives one result whatever the threads; and on the UK 5-list table it must let
chains cross between the modes the n0 move alone cannot.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pytest
from numba import njit
from scipy.special import betaln, gammaln

from roshan.estimate.counts import CaptureCounts
from roshan.estimate.lcmcr import fit_lcmcr, sample_lcmcr
from roshan.estimate.lcmcr_kernel import _rng, _split_merge

DATA = Path(__file__).parent / "data"

# the toy table: two lists, patterns 10, 01, 11 seen 2, 1, 1 times; K = 3 classes, at most
# CAP people on no list (the move rejects proposals above it: a bounded state space)
PATS = np.array([[1, 0], [0, 1], [1, 1]], dtype=np.int64)
FREQ = np.array([2, 1, 1], dtype=np.int64)
K = 3
CAP = 2
ALPHA, A_LAM, B_LAM = 0.7, 1.0, 1.5


def _log_post(alloc: np.ndarray, count0: np.ndarray) -> float:
    """The collapsed log posterior (lambda and the stick weights integrated out), written
    out with scipy's Beta functions: p(N) ~ 1/N, N! / prod of cell factorials, Beta-binomial
    capture probabilities, stick-breaking with concentration ALPHA."""
    n_obs = int(FREQ.sum())
    big_n = n_obs + int(count0.sum())
    nk = alloc.sum(axis=0) + count0
    out = -math.log(big_n) + gammaln(big_n + 1) - gammaln(alloc + 1).sum()
    out -= gammaln(count0 + 1).sum()
    s = PATS.T @ alloc  # on list j in class k
    out += betaln(A_LAM + s, B_LAM + nk[None, :] - s).sum()
    for k in range(K - 1):
        out += betaln(1 + nk[k], ALPHA + nk[k + 1 :].sum())
    return float(out)


def _compositions(total: int, parts: int):
    for cut in itertools.combinations(range(total + parts - 1), parts - 1):
        edges = (-1, *cut, total + parts - 1)
        yield tuple(edges[i + 1] - edges[i] - 1 for i in range(parts))


def _code(alloc: np.ndarray, count0: np.ndarray) -> int:
    code = 0
    for m in range(alloc.shape[0]):
        for k in range(K):
            code = code * (FREQ[m] + 1) + int(alloc[m, k])
    for k in range(K):
        code = code * (CAP + 1) + int(count0[k])
    return code


@njit
def _walk(alloc, count0, moves, seed, visits, freq, cap, alpha, a_lam, b_lam, pats):
    rng = _rng(seed)
    m_obs, k_max = alloc.shape
    n_lists = pats.shape[1]
    count_k = np.zeros(k_max, dtype=np.int64)
    ones = np.zeros((n_lists, k_max), dtype=np.int64)
    for k in range(k_max):
        count_k[k] = count0[k]
        for m in range(m_obs):
            count_k[k] += alloc[m, k]
            for j in range(n_lists):
                ones[j, k] += alloc[m, k] * pats[m, j]
    fw = np.zeros((6, max(m_obs + 1, n_lists)))
    iw = np.zeros((3, m_obs + 1), dtype=np.int64)
    n_obs = 0
    for m in range(m_obs):
        n_obs += freq[m]
    acc = np.zeros(3, dtype=np.int64)
    for _ in range(moves):
        acc[
            _split_merge(
                rng, pats, alloc, count0, count_k, ones, n_obs, alpha, a_lam, b_lam, fw, iw, cap
            )
        ] += 1
        code = 0
        for m in range(m_obs):
            for k in range(k_max):
                code = code * (freq[m] + 1) + alloc[m, k]
        for k in range(k_max):
            code = code * (cap + 1) + count0[k]
        visits[code] += 1
        # the move keeps its bookkeeping consistent
        for k in range(k_max):
            tot = count0[k]
            for m in range(m_obs):
                tot += alloc[m, k]
            if tot != count_k[k]:
                acc[0] = -1
    return acc


def _exact():
    states, logp = [], []
    per_cell = [list(_compositions(int(c), K)) for c in FREQ]
    zeros = [c for t in range(CAP + 1) for c in _compositions(t, K)]
    for cells in itertools.product(*per_cell):
        alloc = np.array(cells, dtype=np.int64)
        for z in zeros:
            c0 = np.array(z, dtype=np.int64)
            states.append(_code(alloc, c0))
            logp.append(_log_post(alloc, c0))
    lp = np.array(logp)
    p = np.exp(lp - lp.max())
    return np.array(states), p / p.sum()


def test_split_merge_alone_visits_states_as_often_as_the_exact_posterior():
    """Detailed balance of the whole move (pair choice, launch, binomial split, coin flips,
    the change in N, the Hastings ratio) on a state space small enough to enumerate."""
    states, p = _exact()
    assert len(states) == 54 * 10
    size = int((FREQ + 1).prod() ** K * (CAP + 1) ** K)
    visits = np.zeros(size, dtype=np.int64)
    alloc = np.zeros((3, K), dtype=np.int64)
    alloc[:, 0] = FREQ
    count0 = np.zeros(K, dtype=np.int64)
    acc = _walk(alloc, count0, 3_000_000, 7, visits, FREQ, CAP, ALPHA, A_LAM, B_LAM, PATS)
    assert acc[0] >= 0 and acc[1] > 10_000 and acc[2] > 10_000  # splits and merges accepted
    got = visits[states] / visits.sum()
    assert visits.sum() == visits[states].sum()  # never outside the enumerated space
    tv = 0.5 * np.abs(got - p).sum()
    assert tv < 0.015, tv  # 0.010 measured; 0.022 with the ratio 10% off
    # marginals that a wrong factor would shift: number of occupied classes, N
    occ = {}
    n_un = {}
    for code, pe, pg in zip(states, p, got, strict=True):
        c0 = [(code // (CAP + 1) ** (K - 1 - k)) % (CAP + 1) for k in range(K)]
        rest = code // (CAP + 1) ** K
        digits = []
        for m in reversed(range(3)):
            for _ in range(K):
                digits.append(rest % (FREQ[m] + 1))
                rest //= FREQ[m] + 1
        alloc_s = np.array(digits[::-1]).reshape(3, K)
        nk = alloc_s.sum(axis=0) + np.array(c0)
        key = int((nk > 0).sum())
        occ[key] = occ.get(key, np.zeros(2)) + [pe, pg]
        n_un[sum(c0)] = n_un.get(sum(c0), np.zeros(2)) + [pe, pg]
    for table in (occ, n_un):
        for want, have in table.values():
            assert have == pytest.approx(want, abs=0.006)  # within 0.003 measured


def _load(name: str) -> CaptureCounts:
    return CaptureCounts.from_csv(DATA / f"{name}.csv")


def test_split_merge_keeps_the_posterior_on_western():
    """Western mixes well without the move: with one split–merge attempt a sweep the
    sampler must give the same posterior (KS on pooled, near-independent draws)."""
    from scipy.stats import ks_2samp

    counts = _load("western_5list")
    kw = dict(burnin=3_000, samples=1_500, thin=40, chains=2, seed=9)
    a = sample_lcmcr(counts.patterns, counts.counts, split_merge=1.0, **kw).n.reshape(-1)
    b = sample_lcmcr(counts.patterns, counts.counts, split_merge=0.0, **kw).n.reshape(-1)
    assert ks_2samp(a, b).pvalue > 0.001
    assert np.median(a) == pytest.approx(np.median(b), rel=0.05)
    for q in (0.1, 0.9):
        assert np.quantile(a, q) == pytest.approx(np.quantile(b, q), rel=0.08)


def test_split_merge_off_draws_what_it_drew_before_and_seed_reproduces():
    counts = _load("rome_hiv_4list")
    kw = dict(burnin=300, samples=50, thin=2, chains=2, seed=21)
    plain = sample_lcmcr(counts.patterns, counts.counts, **kw)
    off = sample_lcmcr(counts.patterns, counts.counts, split_merge=0.0, **kw)
    assert np.array_equal(plain.n, off.n)  # no extra random numbers when off
    one = sample_lcmcr(counts.patterns, counts.counts, split_merge=0.5, workers=1, **kw)
    two = sample_lcmcr(counts.patterns, counts.counts, split_merge=0.5, workers=2, **kw)
    assert np.array_equal(one.n, two.n)
    assert not np.array_equal(one.n, plain.n)  # the move ran


def test_split_merge_rejects_a_bad_rate():
    from roshan.errors import EstimationError

    counts = _load("western_5list")
    with pytest.raises(EstimationError, match="split_merge"):
        fit_lcmcr(counts, split_merge=-1, burnin=10, samples=5, thin=1, chains=1)


def test_split_merge_lets_uk_5list_chains_cross_between_modes():
    """UK 5-list (PF and NCA merged), seed 1, default settings without extension: with the
    n0 move alone one chain sits at N ~ 12,650 (GP-only people in a class of their own)
    while three are near 22,300 (R-hat 1.38); with split–merge moves all four agree."""
    uk = _load("uk_slavery_6list").merge_lists(["PF", "NCA"], "PF+NCA")
    without = fit_lcmcr(uk, seed=1, extend=0)
    assert without.diagnostics["rhat"] > 1.2 and min(without.diagnostics["chain_medians"]) < 15_000
    res = fit_lcmcr(uk, seed=1, extend=0, split_merge=0.5)
    d = res.diagnostics
    assert d["rhat"] <= 1.05 and min(d["chain_medians"]) > 18_000, d["chain_medians"]
