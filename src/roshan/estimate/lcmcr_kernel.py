"""Numba Gibbs kernel for the LCMCR latent-class capture–recapture model.

This module holds only the numerical sampler; :mod:`roshan.estimate.lcmcr` wraps
it with input checks, multiple chains, diagnostics and the result object, and
documents the model and its full conditionals.

Why a kernel of our own: R's LCMCR samples class memberships person by person
(or cell by cell with GSL's multinomial), and our users run it on ordinary
laptops inside coverage studies and per-stratum loops. Everything here is
vectorised over *capture patterns*: each observed pattern's count is split over
the K classes with one multinomial draw (sequential conditional binomials that
stop as soon as the remaining count is zero), the unobserved count n0 is drawn
from its negative-binomial full conditional and split over classes the same way,
and Beta draws with a unit parameter use exact closed forms instead of two Gamma
draws (capture probabilities with no one or everyone of a class on the list, and the
stick-breaking weight of every empty class). The class-by-list sufficient statistics are accumulated while sampling,
so there is no separate tabulation pass.

Random numbers come from numba's own per-thread Mersenne Twister, seeded at the
start of every chain from an integer the caller derives with
``numpy.random.SeedSequence``; a chain is therefore reproducible given its seed
(and the numba version). Gamma variates use Marsaglia & Tsang (2000), with the
``U**(1/a)`` boost for shapes below one; log-Gamma draws are used where values
can underflow (stick-breaking weights with a tiny concentration).

If numba cannot write its on-disk cache (read-only install), the functions are
compiled without caching instead of failing.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numba import njit


def _jit(func: Callable[..., Any]) -> Any:
    """``njit(cache=True)``, falling back to an uncached ``njit`` when the cache dir is read-only."""
    try:
        return njit(cache=True, nogil=True)(func)
    except Exception:  # noqa: BLE001  # pragma: no cover - depends on file-system permissions
        return njit(nogil=True)(func)


@_jit
def _seed(seed: int) -> None:
    np.random.seed(seed)


@_jit
def _gamma(a: float) -> float:
    """Gamma(a, 1) variate, Marsaglia & Tsang; shapes < 1 by the U**(1/a) boost."""
    boost = 1.0
    if a < 1.0:
        u = np.random.random()
        while u == 0.0:
            u = np.random.random()
        boost = u ** (1.0 / a)
        a = a + 1.0
    d = a - 1.0 / 3.0
    c = 1.0 / math.sqrt(9.0 * d)
    while True:
        x = np.random.standard_normal()
        v = 1.0 + c * x
        if v <= 0.0:
            continue
        v = v * v * v
        u = np.random.random()
        x2 = x * x
        if u < 1.0 - 0.0331 * x2 * x2:
            return d * v * boost
        if math.log(u) < 0.5 * x2 + d * (1.0 - v + math.log(v)):
            return d * v * boost


@_jit
def _log_gamma(a: float) -> float:
    """log of a Gamma(a, 1) variate, safe for tiny shapes (no underflow to log 0)."""
    if a < 1.0:
        u = np.random.random()
        while u == 0.0:
            u = np.random.random()
        return math.log(_gamma(a + 1.0)) + math.log(u) / a
    return math.log(_gamma(a))


@_jit
def _beta_cheng(a0: float, b0: float) -> float:
    """Beta(a0, b0) variate for a0, b0 > 1 by Cheng's (1978) algorithm BB (as R's
    ``rbeta``): exact rejection sampling, about two uniforms and three logs a draw
    instead of two Gamma variates."""
    a = min(a0, b0)
    b = max(a0, b0)
    alpha = a + b
    beta = math.sqrt((alpha - 2.0) / (2.0 * a * b - alpha))
    gamma = a + 1.0 / beta
    while True:
        u1 = np.random.random()
        u2 = np.random.random()
        if u1 <= 0.0 or u1 >= 1.0 or u2 <= 0.0:
            continue
        v = beta * math.log(u1 / (1.0 - u1))
        w = a * math.exp(v) if v <= 709.0 else 1.7976931348623157e308
        z = u1 * u1 * u2
        r = gamma * v - 1.3862943611198906
        s = a + r - w
        if s + 2.6094379124341003 >= 5.0 * z:
            break
        t = math.log(z)
        if s > t:
            break
        if r + alpha * math.log(alpha / (b + w)) >= t:
            break
    if a == a0:
        return w / (b + w)
    return b / (b + w)


@_jit
def _beta_int(a: int, b: int) -> float:
    """Beta(1 + a, 1 + b) variate for counts a, b >= 0, exact fast paths for a or b = 0."""
    if a == 0:
        u = np.random.random()
        if b == 0:
            return u
        # Beta(1, 1+b): 1 - U**(1/(1+b)), computed without cancellation
        return -math.expm1(math.log1p(-u) / (1.0 + b)) if u < 1.0 else 1.0
    if b == 0:
        u = np.random.random()
        return u ** (1.0 / (1.0 + a))
    return _beta_cheng(1.0 + a, 1.0 + b)


@_jit
def _multinomial_into(n: int, probs: np.ndarray, total: float, out: np.ndarray) -> None:
    """Split n over len(probs) cells with probabilities probs/total; write counts to out.

    Sequential conditional binomials, stopping once nothing is left; n == 1 is a
    single categorical draw.
    """
    k_max = probs.shape[0]
    for k in range(k_max):
        out[k] = 0
    if n <= 0:
        return
    if n == 1:
        u = np.random.random() * total
        acc = 0.0
        for k in range(k_max):
            acc += probs[k]
            if u < acc:
                out[k] = 1
                return
        # rounding: put it in the last class with positive probability
        for k in range(k_max - 1, -1, -1):
            if probs[k] > 0.0:
                out[k] = 1
                return
        out[k_max - 1] = 1
        return
    remaining = n
    mass = total
    for k in range(k_max - 1):
        if remaining == 0:
            return
        p = probs[k] / mass if mass > 0.0 else 0.0
        if p >= 1.0:
            out[k] = remaining
            return
        if p > 0.0:
            x = np.random.binomial(remaining, p)
            out[k] = x
            remaining -= x
        mass -= probs[k]
    out[k_max - 1] = remaining


@_jit
def _collapsed_log_target(
    count0: np.ndarray,
    count_k: np.ndarray,
    ones: np.ndarray,
    n_obs: int,
    alpha: float,
    a_lam: float,
    b_lam: float,
) -> float:
    """log p(class sizes of the unobserved | observed allocations, alpha), with the list
    probabilities lambda and the stick-breaking weights integrated out, up to a constant.

    ``count_k`` = observed + unobserved members of each class (consistent with
    ``count0``), ``ones`` = members on each list (unobserved ones are on none)."""
    n_lists, k_max = ones.shape
    n0 = 0
    for k in range(k_max):
        n0 += count0[k]
    big_n = n_obs + n0
    # 1/N prior and the multinomial coefficient N! / prod count0_k! (observed part fixed)
    out = -math.log(big_n) + math.lgamma(big_n + 1.0)
    for k in range(k_max):
        out -= math.lgamma(count0[k] + 1.0)
    # lambda_jk ~ Beta(a, b) integrated out
    for k in range(k_max):
        nk = count_k[k]
        out -= n_lists * math.lgamma(a_lam + b_lam + nk)
        for j in range(n_lists):
            out += math.lgamma(b_lam + nk - ones[j, k])
    # stick-breaking V_k ~ Beta(1, alpha) integrated out (terms that depend on count0)
    rest = 0
    for k in range(k_max - 1, -1, -1):
        if k < k_max - 1:
            nk = count_k[k]
            out += (
                math.lgamma(1.0 + nk)
                + math.lgamma(alpha + rest)
                - math.lgamma(1.0 + alpha + nk + rest)
            )
        rest += count_k[k]
    return out


_MOVE_SCALES = (0.1, 1.0, 4.0)
"""Step sizes of the collapsed n0 move, as multiples of the class's observed members."""


@_jit
def _collapsed_delta(
    count0: np.ndarray,
    count_k: np.ndarray,
    ones: np.ndarray,
    n_obs: int,
    alpha: float,
    a_lam: float,
    b_lam: float,
    k: int,
    step: int,
) -> float:
    """Change of :func:`_collapsed_log_target` when ``count0[k]`` (and ``count_k[k]``) grow
    by ``step``; only the terms that change are evaluated."""
    n_lists, k_max = ones.shape
    n0 = 0
    for i in range(k_max):
        n0 += count0[i]
    big_n = n_obs + n0
    new_n = big_n + step
    out = (
        math.log(big_n)
        - math.log(new_n)
        + math.lgamma(new_n + 1.0)
        - math.lgamma(big_n + 1.0)
        - math.lgamma(count0[k] + step + 1.0)
        + math.lgamma(count0[k] + 1.0)
    )
    nk = count_k[k]
    nk2 = nk + step
    out -= n_lists * (math.lgamma(a_lam + b_lam + nk2) - math.lgamma(a_lam + b_lam + nk))
    for j in range(n_lists):
        out += math.lgamma(b_lam + nk2 - ones[j, k]) - math.lgamma(b_lam + nk - ones[j, k])
    # tails T_l = sum_{i>l} n_i; class k's own stick and the sticks of classes l < k
    tail = 0
    for i in range(k + 1, k_max):
        tail += count_k[i]
    if k < k_max - 1:
        out += (
            math.lgamma(1.0 + nk2)
            - math.lgamma(1.0 + nk)
            - math.lgamma(1.0 + alpha + nk2 + tail)
            + math.lgamma(1.0 + alpha + nk + tail)
        )
    tail += nk
    for cls in range(k - 1, -1, -1):
        # here tail = T_cls (old); n_cls + T_cls is the old sum over i >= cls
        nl = count_k[cls]
        out += (
            math.lgamma(alpha + tail + step)
            - math.lgamma(alpha + tail)
            - math.lgamma(1.0 + alpha + nl + tail + step)
            + math.lgamma(1.0 + alpha + nl + tail)
        )
        tail += nl
    return out


@_jit
def _collapsed_n0_moves(
    count0: np.ndarray,
    count_k: np.ndarray,
    ones: np.ndarray,
    n_obs: int,
    alpha: float,
    a_lam: float,
    b_lam: float,
) -> int:
    """Metropolis moves on the number of unobserved people of each class, with lambda and
    the class weights integrated out (a partially collapsed Gibbs step: the caller then
    draws lambda and the weights afresh from their full conditionals, as every sweep does).

    The Gibbs sweep alone moves n0 and the capture probabilities of the big
    rarely-listed class only together, in small steps (the ridge of N against lambda);
    this move walks along that ridge in one step. For each class with observed members
    it proposes ``count0_k + round(sigma Z)``, sigma a random choice of
    :data:`_MOVE_SCALES` times the class's observed members (fixed during the move, so
    the proposal is symmetric), accepted with the Metropolis ratio of
    :func:`_collapsed_log_target`. Updates ``count0`` and ``count_k`` in place; returns
    the number of accepted moves."""
    n_lists, k_max = ones.shape
    accepted = 0
    for k in range(k_max):
        obs_k = count_k[k] - count0[k]
        if obs_k <= 0:
            continue
        scale = _MOVE_SCALES[int(np.random.random() * 3.0) % 3] * obs_k
        step = int(math.floor(scale * np.random.standard_normal() + 0.5))
        if step == 0 or count0[k] + step < 0:
            continue
        delta = _collapsed_delta(count0, count_k, ones, n_obs, alpha, a_lam, b_lam, k, step)
        if math.log(1.0 - np.random.random()) < delta:
            count0[k] += step
            count_k[k] += step
            accepted += 1
    return accepted


@_jit
def _sweep(
    patterns: np.ndarray,
    freq: np.ndarray,
    n_obs: int,
    lam: np.ndarray,
    nu: np.ndarray,
    log_nu: np.ndarray,
    count0: np.ndarray,
    state: np.ndarray,
    probs: np.ndarray,
    draw: np.ndarray,
    ones: np.ndarray,
    count_k: np.ndarray,
    a_alpha: float,
    b_alpha: float,
    a_lam: float,
    b_lam: float,
    update_alpha: bool,
    n0_moves: bool = False,
) -> None:
    """One Gibbs sweep, in R LCMCR's order: z | ·, lambda | ·, nu | ·, n0 | ·, z0 | ·, alpha | ·.

    ``state`` holds [alpha, n0] as floats and is updated in place. With ``n0_moves``
    the collapsed moves of :func:`_collapsed_n0_moves` run between z | · and
    lambda | · (the posterior is unchanged; the chain crosses between values of N faster).
    """
    m_cells, n_lists = patterns.shape
    k_max = nu.shape[0]
    alpha = state[0]
    n0 = int(state[1])

    # 1. class counts of each observed pattern; accumulate sufficient statistics
    for k in range(k_max):
        count_k[k] = count0[k]
        for j in range(n_lists):
            ones[j, k] = 0
    for m in range(m_cells):
        total = 0.0
        for k in range(k_max):
            p = nu[k]
            for j in range(n_lists):
                if patterns[m, j] == 1:
                    p *= lam[j, k]
                else:
                    p *= 1.0 - lam[j, k]
            probs[k] = p
            total += p
        _multinomial_into(freq[m], probs, total, draw)
        for k in range(k_max):
            c = draw[k]
            if c > 0:
                count_k[k] += c
                for j in range(n_lists):
                    if patterns[m, j] == 1:
                        ones[j, k] += c

    # 1b. collapsed moves of the unobserved class sizes (lambda, nu integrated out)
    if n0_moves:
        _collapsed_n0_moves(count0, count_k, ones, n_obs, alpha, a_lam, b_lam)
        n0 = 0
        for k in range(k_max):
            n0 += count0[k]

    # 2. list capture probabilities, Beta(a_lam + captured, b_lam + not captured)
    unit_prior = a_lam == 1.0 and b_lam == 1.0
    for j in range(n_lists):
        for k in range(k_max):
            a = ones[j, k]
            if unit_prior:
                lam[j, k] = _beta_int(a, count_k[k] - a)
            else:
                g1 = _gamma(a_lam + a)
                g2 = _gamma(b_lam + (count_k[k] - a))
                x = g1 / (g1 + g2) if g1 + g2 > 0.0 else 0.5
                lam[j, k] = min(max(x, 1e-12), 1.0 - 1e-12)

    # 3. stick-breaking weights, V_k ~ Beta(1 + n_k, alpha + sum_{l>k} n_l), in log space
    n_tot = n_obs + n0
    acc = 0
    log_rest = 0.0
    for k in range(k_max - 1):
        acc += count_k[k]
        if count_k[k] == 0:
            # empty class: V ~ Beta(1, b) exactly, 1 - V = U**(1/b); one uniform instead
            # of two Gamma variates (most of the K classes are empty)
            u = np.random.random()
            while u == 0.0:
                u = np.random.random()
            log1mv = math.log(u) / (alpha + (n_tot - acc))
            logv = math.log(-math.expm1(log1mv)) if log1mv < 0.0 else -745.0
            log_nu[k] = logv + log_rest
            log_rest += log1mv
            nu[k] = math.exp(log_nu[k])
            continue
        lg1 = _log_gamma(1.0 + count_k[k])
        lg2 = _log_gamma(alpha + (n_tot - acc))
        if lg1 > lg2:
            lsum = lg1 + math.log1p(math.exp(lg2 - lg1))
        else:
            lsum = lg2 + math.log1p(math.exp(lg1 - lg2))
        log_nu[k] = lg1 - lsum + log_rest
        log_rest += lg2 - lsum
        nu[k] = math.exp(log_nu[k])
    log_nu[k_max - 1] = log_rest
    nu[k_max - 1] = math.exp(log_rest)

    # 4. probability of the all-zero pattern and n0 | · ~ NegBin(n_obs, 1 - p0) (failures)
    p0 = 0.0
    for k in range(k_max):
        p = nu[k]
        for j in range(n_lists):
            p *= 1.0 - lam[j, k]
        probs[k] = p
        p0 += p
    if p0 <= 0.0:
        n0 = 0
    else:
        if p0 > 1.0 - 1e-12:
            p0 = 1.0 - 1e-12
        # NegBin(r, q) failures before r successes = Poisson(Gamma(r, (1-q)/q))
        lam_pois = _gamma(float(n_obs)) * p0 / (1.0 - p0)
        n0 = np.random.poisson(lam_pois)

    # 5. classes of the unobserved
    _multinomial_into(n0, probs, p0, count0)

    # 6. concentration, alpha ~ Gamma(a_alpha + K - 1, rate b_alpha - log nu_K)
    if update_alpha:
        alpha = _gamma(a_alpha + k_max - 1.0) / (b_alpha - log_nu[k_max - 1])
        if alpha < 1e-300:
            alpha = 1e-300
    state[0] = alpha
    state[1] = n0


@_jit
def _observed(freq: np.ndarray) -> int:
    n_obs = 0
    for m in range(freq.shape[0]):
        n_obs += freq[m]
    return n_obs


@_jit
def _scratch(n_lists: int, k_max: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The work arrays a run of :func:`_sweep` fills: ``(probs, draw, ones, count_k)``."""
    return (
        np.empty(k_max),
        np.zeros(k_max, dtype=np.int64),
        np.zeros((n_lists, k_max), dtype=np.int64),
        np.zeros(k_max, dtype=np.int64),
    )


@_jit
def _warm_start(
    patterns: np.ndarray,
    freq: np.ndarray,
    k_max: int,
    a_alpha: float,
    b_alpha: float,
    warmup: int,
    a_lam: float,
    b_lam: float,
    disperse: float,
    n0_moves: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """R LCMCR's start (list probabilities at the marginal capture frequencies scaled by
    ``disperse``, four dominant classes), ``warmup`` sweeps with alpha held at 0.3/K,
    then classes re-ordered by decreasing weight: ``(lam, nu, log_nu, count0, state)``.
    Draws from the thread's generator, which the caller has seeded."""
    m_cells, n_lists = patterns.shape
    n_obs = _observed(freq)
    lam = np.empty((n_lists, k_max))
    for j in range(n_lists):
        s = 0
        for m in range(m_cells):
            if patterns[m, j] == 1:
                s += freq[m]
        p = s / n_obs * disperse
        p = min(max(p, 1e-6), 1.0 - 1e-6)
        if disperse > 1.0:
            p = min(p, 0.95)
        for k in range(k_max):
            lam[j, k] = p
    nu = np.empty(k_max)
    if k_max > 4:
        for k in range(k_max):
            nu[k] = 0.225 if k < 4 else 0.1 / (k_max - 4)
    else:
        for k in range(k_max):
            nu[k] = 1.0 / k_max
    log_nu = np.log(nu)
    count0 = np.zeros(k_max, dtype=np.int64)
    state = np.array([0.3 / k_max, 0.0])
    probs, draw, ones, count_k = _scratch(n_lists, k_max)
    for _ in range(warmup):
        _sweep(
            patterns,
            freq,
            n_obs,
            lam,
            nu,
            log_nu,
            count0,
            state,
            probs,
            draw,
            ones,
            count_k,
            a_alpha,
            b_alpha,
            a_lam,
            b_lam,
            False,
            n0_moves,
        )
    order = np.argsort(-nu, kind="mergesort")
    return (
        lam[:, order].copy(),
        nu[order].copy(),
        log_nu[order].copy(),
        count0[order].copy(),
        state,
    )


@_jit
def _advance(
    patterns: np.ndarray,
    freq: np.ndarray,
    lam: np.ndarray,
    nu: np.ndarray,
    log_nu: np.ndarray,
    count0: np.ndarray,
    state: np.ndarray,
    a_alpha: float,
    b_alpha: float,
    burnin: int,
    samples: int,
    thin: int,
    a_lam: float,
    b_lam: float,
    n0_moves: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``burnin`` sweeps, then ``samples`` records every ``thin`` sweeps (state updated in
    place): traces of N, alpha and the number of occupied classes."""
    n_lists = patterns.shape[1]
    k_max = nu.shape[0]
    n_obs = _observed(freq)
    probs, draw, ones, count_k = _scratch(n_lists, k_max)
    for _ in range(burnin):
        _sweep(
            patterns,
            freq,
            n_obs,
            lam,
            nu,
            log_nu,
            count0,
            state,
            probs,
            draw,
            ones,
            count_k,
            a_alpha,
            b_alpha,
            a_lam,
            b_lam,
            True,
            n0_moves,
        )
    n_trace = np.empty(samples, dtype=np.int64)
    alpha_trace = np.empty(samples)
    kstar_trace = np.empty(samples, dtype=np.int64)
    for s in range(samples):
        for _ in range(thin):
            _sweep(
                patterns,
                freq,
                n_obs,
                lam,
                nu,
                log_nu,
                count0,
                state,
                probs,
                draw,
                ones,
                count_k,
                a_alpha,
                b_alpha,
                a_lam,
                b_lam,
                True,
                n0_moves,
            )
        n_trace[s] = n_obs + int(state[1])
        alpha_trace[s] = state[0]
        ks = 0
        for k in range(k_max):
            if count_k[k] > 0:
                ks += 1
        kstar_trace[s] = ks
    return n_trace, alpha_trace, kstar_trace


@_jit
def run_chain(
    patterns: np.ndarray,
    freq: np.ndarray,
    k_max: int,
    a_alpha: float,
    b_alpha: float,
    burnin: int,
    samples: int,
    thin: int,
    seed: int,
    warmup: int,
    a_lam: float = 1.0,
    b_lam: float = 1.0,
    disperse: float = 1.0,
    n0_moves: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run one chain; return traces (N, alpha, k_star) of length ``samples``.

    ``a_lam``, ``b_lam`` set the Beta prior of the list capture probabilities
    (R LCMCR: 1, 1). ``patterns`` is the m×J 0/1 matrix of observed capture patterns (no all-zero
    row), ``freq`` their counts. Initialisation follows R LCMCR: list
    probabilities at the marginal capture frequencies, four dominant classes,
    ``warmup`` sweeps with alpha held at 0.3/K, then classes re-ordered by
    decreasing weight before burn-in. ``disperse`` scales the starting list
    probabilities (1 = R's start; below 1 starts with many unobserved, above 1
    with few), so that several chains start from dispersed points.
    """
    _seed(seed)
    lam, nu, log_nu, count0, state = _warm_start(
        patterns, freq, k_max, a_alpha, b_alpha, warmup, a_lam, b_lam, disperse, n0_moves
    )
    return _advance(
        patterns,
        freq,
        lam,
        nu,
        log_nu,
        count0,
        state,
        a_alpha,
        b_alpha,
        burnin,
        samples,
        thin,
        a_lam,
        b_lam,
        n0_moves,
    )


@_jit
def init_chain(
    patterns: np.ndarray,
    freq: np.ndarray,
    k_max: int,
    a_alpha: float,
    b_alpha: float,
    seed: int,
    warmup: int,
    a_lam: float = 1.0,
    b_lam: float = 1.0,
    disperse: float = 1.0,
    n0_moves: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Initialise one chain as :func:`run_chain` does (R's start, ``warmup`` sweeps with
    alpha fixed, classes re-ordered by weight) and return its state
    ``(lam, nu, log_nu, count0, state)`` for :func:`continue_chain`."""
    _seed(seed)
    return _warm_start(
        patterns, freq, k_max, a_alpha, b_alpha, warmup, a_lam, b_lam, disperse, n0_moves
    )


@_jit
def continue_chain(
    patterns: np.ndarray,
    freq: np.ndarray,
    lam: np.ndarray,
    nu: np.ndarray,
    log_nu: np.ndarray,
    count0: np.ndarray,
    state: np.ndarray,
    a_alpha: float,
    b_alpha: float,
    burnin: int,
    samples: int,
    thin: int,
    seed: int,
    a_lam: float = 1.0,
    b_lam: float = 1.0,
    n0_moves: bool = False,
    reseed: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Continue a chain from its state (updated in place) on a capture table that may
    differ from the one it ran on before (warm start: the latent-class parameters carry
    over, the table's counts are read afresh every sweep). ``burnin`` sweeps, then
    ``samples`` records every ``thin`` sweeps; traces as in :func:`run_chain`. The
    thread's generator is re-seeded from ``seed`` first, so a call is reproducible
    whichever thread runs it. ``reseed=False`` keeps the thread's generator as it is:
    :func:`init_chain` then ``continue_chain(..., reseed=False)`` in the same thread
    draws exactly what :func:`run_chain` draws, and leaves the state to extend."""
    if reseed:
        _seed(seed)
    return _advance(
        patterns,
        freq,
        lam,
        nu,
        log_nu,
        count0,
        state,
        a_alpha,
        b_alpha,
        burnin,
        samples,
        thin,
        a_lam,
        b_lam,
        n0_moves,
    )
