"""Numba Gibbs kernel for the LCMCR latent-class capture–recapture model.

This module holds only the numerical sampler; :mod:`roshan.estimate.lcmcr` wraps
it with input checks, multiple chains, diagnostics and the result object, and
documents the model and its full conditionals.

Why a kernel of our own: R's LCMCR samples class memberships person by person
(or cell by cell with GSL's multinomial), and our users run it on ordinary
laptops inside coverage studies and per-stratum loops. Everything here is
vectorised over *capture patterns*: each observed pattern's count is split over
the K classes with one multinomial draw (sequential conditional binomials that
stop as soon as the remaining count is zero; the pattern's class probabilities are
one product per class times one factor per list the pattern is on), the unobserved
count n0 is drawn from its negative-binomial full conditional and split over classes
the same way,
and Beta draws with a unit parameter use exact closed forms instead of two Gamma
draws (capture probabilities with no one or everyone of a class on the list, and the
stick-breaking weight of every empty class). The class-by-list sufficient statistics are accumulated while sampling,
so there is no separate tabulation pass.

Random numbers come from a xoshiro256+ generator whose state (four 64-bit words) each
chain carries with its other state arrays, seeded by splitmix64 from an integer the
caller derives with ``numpy.random.SeedSequence``; a chain is therefore reproducible
given its seed, whichever thread runs it. Gamma variates use Marsaglia & Tsang (2000),
with the ``U**(1/a)`` boost for shapes below one; log-Gamma draws are used where values
can underflow (stick-breaking weights with a tiny concentration); Beta variates with
both shapes above one use Cheng's BB; binomials use inversion (with a bound that skips
the power for near-certain outcomes) below a mean of 30 and BTPE above; Poisson variates
use PTRS (both as NumPy).

Speed: everything the sweep loop (:func:`_run_sweeps`) calls is compiled without
numba's reference counting (none of it allocates), and the smallest, most frequent
variates are inlined. A call that passes an array otherwise costs two atomic
reference-count updates: about 10% of a sweep before, 45% once every variate took the
generator array (docs/benchmarks.md, "Where a sweep's time goes"). Inlining the whole
sweep as well would gain about 10% more for three times the compile time.

If numba cannot write its on-disk cache (read-only install), the functions are
compiled without caching instead of failing.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
from numba import njit


def _njit(func: Callable[..., Any], **options: Any) -> Any:
    """``njit(cache=True, nogil=True, **options)``, falling back to an uncached ``njit`` when
    the cache dir is read-only."""
    try:
        return njit(cache=True, nogil=True, **options)(func)
    except Exception:  # noqa: BLE001  # pragma: no cover - depends on file-system permissions
        return njit(nogil=True, **options)(func)


def _jit(func: Callable[..., Any]) -> Any:
    """``njit(cache=True)`` (:func:`_njit`)."""
    return _njit(func)


def _jit_inline(func: Callable[..., Any]) -> Any:
    """:func:`_jit` with numba-level inlining into every caller, for the small variates
    drawn many times a sweep (the uniform, the Betas, the binomials and the multinomial
    that calls them). Their callers are compiled by :func:`_jit_no_refcount`."""
    return _njit(func, inline="always")


def _jit_no_refcount(func: Callable[..., Any]) -> Any:
    """:func:`_jit` without numba's reference counting (``_nrt=False``, the option numba
    uses for its own hot helpers; not in numba's stubs), for the functions a sweep runs,
    none of which allocates: each call that passes an array (the generator, the work
    arrays) would otherwise cost an atomic incref/decref pair. A function compiled so
    cannot create arrays; arrays passed in from Python or from reference-counted code are
    fine."""
    return _njit(func, _nrt=False)


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_TWO_M53 = 1.0 / 9007199254740992.0


@_jit
def _rng(seed: int) -> np.ndarray:
    """A chain's generator: the four 64-bit words of xoshiro256+ (Blackman & Vigna 2018),
    filled by splitmix64 from ``seed`` (as the authors recommend). The chain carries
    this array with its state, so its draws do not depend on which thread runs it."""
    st = np.empty(4, dtype=np.uint64)
    x = np.uint64(seed)
    for i in range(4):
        x = x + _GOLDEN
        z = x
        z = (z ^ (z >> np.uint64(30))) * _MIX1
        z = (z ^ (z >> np.uint64(27))) * _MIX2
        st[i] = z ^ (z >> np.uint64(31))
    if st[0] == 0 and st[1] == 0 and st[2] == 0 and st[3] == 0:  # pragma: no cover
        st[0] = _GOLDEN
    return st


@_jit_inline
def _total(counts: np.ndarray) -> int:
    """Sum of a 1-d integer array (the observed count n_obs of ``freq``, the unobserved
    n0 of ``count0``)."""
    out = 0
    for i in range(counts.shape[0]):
        out += counts[i]
    return out


@_jit_inline
def _u(rng: np.ndarray) -> float:
    """Uniform on [0, 1): the top 53 bits of the next xoshiro256+ output."""
    s0 = rng[0]
    s1 = rng[1]
    s2 = rng[2]
    s3 = rng[3]
    out = s0 + s3
    t = s1 << np.uint64(17)
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = (s3 << np.uint64(45)) | (s3 >> np.uint64(19))
    rng[0] = s0
    rng[1] = s1
    rng[2] = s2
    rng[3] = s3
    return float(out >> np.uint64(11)) * _TWO_M53


@_jit_inline
def _u_positive(rng: np.ndarray) -> float:
    """Uniform on (0, 1): :func:`_u`, drawn again while it is 0 (for a log or a power)."""
    u = _u(rng)
    while u == 0.0:
        u = _u(rng)
    return u


@_jit_inline
def _log_add(x: float, y: float) -> float:
    """log(exp(x) + exp(y)) without overflow or underflow."""
    if x > y:
        return x + math.log1p(math.exp(y - x))
    return y + math.log1p(math.exp(x - y))


@_jit_no_refcount
def _normal(rng: np.ndarray) -> float:
    """Standard normal variate, Marsaglia's polar method (exact; the pair's second value
    is not kept)."""
    while True:
        x = 2.0 * _u(rng) - 1.0
        y = 2.0 * _u(rng) - 1.0
        r2 = x * x + y * y
        if 0.0 < r2 < 1.0:
            return x * math.sqrt(-2.0 * math.log(r2) / r2)


@_jit_no_refcount
def _poisson(rng: np.ndarray, lam: float) -> int:
    """Poisson(lam) variate: NumPy's algorithms, multiplication of uniforms (Knuth) below
    10, Hörmann's (1993) transformed rejection PTRS above."""
    if lam <= 0.0:
        return 0
    if lam < 10.0:
        enlam = math.exp(-lam)
        x = 0
        prod = 1.0
        while True:
            prod *= _u(rng)
            if prod <= enlam:
                return x
            x += 1
    slam = math.sqrt(lam)
    loglam = math.log(lam)
    b = 0.931 + 2.53 * slam
    a = -0.059 + 0.02483 * b
    invalpha = 1.1239 + 1.1328 / (b - 3.4)
    vr = 0.9277 - 3.6224 / (b - 2.0)
    while True:
        u = _u(rng) - 0.5
        v = _u(rng)
        us = 0.5 - abs(u)
        k = int(math.floor((2.0 * a / us + b) * u + lam + 0.43))
        if us >= 0.07 and v <= vr:
            return k
        if k < 0 or (us < 0.013 and v > us):
            continue
        if math.log(v) + math.log(invalpha) - math.log(a / (us * us) + b) <= (
            -lam + k * loglam - math.lgamma(k + 1.0)
        ):
            return k


@_jit_no_refcount
def _btpe(rng: np.ndarray, n: int, r: float) -> int:
    """Binomial(n, r) variate for r <= 1/2 and n r > 30: Kachitvichyanukul & Schmeiser's
    (1988) BTPE, as NumPy's ``random_binomial_btpe`` (with NumPy 2.5's corrected
    Stirling terms in the final squeeze)."""
    q = 1.0 - r
    fm = n * r + r
    m = int(math.floor(fm))
    p1 = math.floor(2.195 * math.sqrt(n * r * q) - 4.6 * q) + 0.5
    xm = m + 0.5
    xl = xm - p1
    xr = xm + p1
    c = 0.134 + 20.5 / (15.3 + m)
    a = (fm - xl) / (fm - xl * r)
    laml = a * (1.0 + a / 2.0)
    a = (xr - fm) / (xr * q)
    lamr = a * (1.0 + a / 2.0)
    p2 = p1 * (1.0 + 2.0 * c)
    p3 = p2 + c / laml
    p4 = p3 + c / lamr
    nrq = n * r * q
    while True:
        u = _u(rng) * p4
        v = _u(rng)
        if u <= p1:  # triangular region: accept at once
            return int(math.floor(xm - p1 * v + u))
        if u <= p2:  # parallelograms
            x = xl + (u - p1) / c
            v = v * c + 1.0 - abs(m - x + 0.5) / p1
            if v > 1.0:
                continue
            y = int(math.floor(x))
        elif u <= p3:  # left exponential tail
            y = int(math.floor(xl + math.log(v) / laml))
            if y < 0 or v == 0.0:
                continue
            v = v * (u - p2) * laml
        else:  # right exponential tail
            y = int(math.floor(xr - math.log(v) / lamr))
            if y > n or v == 0.0:
                continue
            v = v * (u - p3) * lamr
        k = abs(y - m)
        if k <= 20 or k >= nrq / 2.0 - 1.0:
            # explicit evaluation of f(y) / f(m)
            s = r / q
            aa = s * (n + 1)
            f = 1.0
            if m < y:
                for i in range(m + 1, y + 1):
                    f = f * (aa / i - s)
            elif m > y:
                for i in range(y + 1, m + 1):
                    f = f / (aa / i - s)
            if v <= f:
                return y
            continue
        # squeezing on log f(y) / f(m)
        rho = (k / nrq) * ((k * (k / 3.0 + 0.625) + 0.16666666666666666) / nrq + 0.5)
        t = -k * k / (2.0 * nrq)
        big_a = math.log(v)
        if big_a < t - rho:
            return y
        if big_a > t + rho:
            continue
        x1 = y + 1.0
        f1 = m + 1.0
        z = n + 1.0 - m
        w = n - y + 1.0
        x2 = x1 * x1
        f2 = f1 * f1
        z2 = z * z
        w2 = w * w
        bound = (
            xm * math.log(f1 / x1)
            + (n - m + 0.5) * math.log(z / w)
            + (y - m) * math.log(w * r / (x1 * q))
            + (13860.0 - (462.0 - (132.0 - (99.0 - 140.0 / f2) / f2) / f2) / f2) / f1 / 166320.0
            + (13860.0 - (462.0 - (132.0 - (99.0 - 140.0 / z2) / z2) / z2) / z2) / z / 166320.0
            - (13860.0 - (462.0 - (132.0 - (99.0 - 140.0 / x2) / x2) / x2) / x2) / x1 / 166320.0
            - (13860.0 - (462.0 - (132.0 - (99.0 - 140.0 / w2) / w2) / w2) / w2) / w / 166320.0
        )
        if big_a <= bound:
            return y


@_jit_no_refcount
def _gamma(rng: np.ndarray, a: float) -> float:
    """Gamma(a, 1) variate, Marsaglia & Tsang; shapes < 1 by the U**(1/a) boost."""
    boost = 1.0
    if a < 1.0:
        boost = _u_positive(rng) ** (1.0 / a)
        a = a + 1.0
    d = a - 1.0 / 3.0
    c = 1.0 / math.sqrt(9.0 * d)
    while True:
        x = _normal(rng)
        v = 1.0 + c * x
        if v <= 0.0:
            continue
        v = v * v * v
        u = _u(rng)
        x2 = x * x
        if u < 1.0 - 0.0331 * x2 * x2:
            return d * v * boost
        if math.log(u) < 0.5 * x2 + d * (1.0 - v + math.log(v)):
            return d * v * boost


@_jit_no_refcount
def _log_gamma(rng: np.ndarray, a: float) -> float:
    """log of a Gamma(a, 1) variate, safe for tiny shapes (no underflow to log 0)."""
    if a < 1.0:
        u = _u_positive(rng)
        return math.log(_gamma(rng, a + 1.0)) + math.log(u) / a
    return math.log(_gamma(rng, a))


@_jit_inline
def _cheng_bb(rng: np.ndarray, a: float, b: float) -> float:
    """Cheng's (1978) algorithm BB for shapes 1 < a <= b (as R's ``rbeta``): returns v
    with w = a exp(v) and Beta(a, b) = w / (b + w). Exact rejection sampling, about
    two uniforms, a log and an exp a draw."""
    alpha = a + b
    beta = math.sqrt((alpha - 2.0) / (2.0 * a * b - alpha))
    gamma = a + 1.0 / beta
    while True:
        u1 = _u(rng)
        u2 = _u(rng)
        if u1 <= 0.0 or u1 >= 1.0 or u2 <= 0.0:
            continue
        v = beta * math.log(u1 / (1.0 - u1))
        w = a * math.exp(v) if v <= 709.0 else 1.7976931348623157e308
        z = u1 * u1 * u2
        r = gamma * v - 1.3862943611198906
        s = a + r - w
        if s + 2.6094379124341003 >= 5.0 * z:
            return v
        t = math.log(z)
        if s > t:
            return v
        if r + alpha * math.log(alpha / (b + w)) >= t:
            return v


@_jit_no_refcount
def _beta_cheng(rng: np.ndarray, a0: float, b0: float) -> float:
    """Beta(a0, b0) variate for a0, b0 > 1 by :func:`_cheng_bb` (instead of two Gamma
    variates)."""
    a = min(a0, b0)
    b = max(a0, b0)
    v = _cheng_bb(rng, a, b)
    w = a * math.exp(v) if v <= 709.0 else 1.7976931348623157e308
    if a == a0:
        return w / (b + w)
    return b / (b + w)


@_jit_no_refcount
def _log_beta_cheng(rng: np.ndarray, a0: float, b0: float) -> tuple[float, float]:
    """(log V, log(1 - V)) for V ~ Beta(a0, b0), a0, b0 > 1, by :func:`_cheng_bb`, in log
    space throughout (neither V nor 1 - V is formed, so neither underflows)."""
    a = min(a0, b0)
    b = max(a0, b0)
    v = _cheng_bb(rng, a, b)
    lw = math.log(a) + v  # log w
    lb = math.log(b)
    lsum = _log_add(lw, lb)
    if a == a0:
        return lw - lsum, lb - lsum
    return lb - lsum, lw - lsum


@_jit_inline
def _beta_int(rng: np.ndarray, a: int, b: int) -> float:
    """Beta(1 + a, 1 + b) variate for counts a, b >= 0, exact fast paths for a or b = 0."""
    if a == 0:
        u = _u(rng)
        if b == 0:
            return u
        # Beta(1, 1+b): 1 - U**(1/(1+b)), computed without cancellation
        return -math.expm1(math.log1p(-u) / (1.0 + b)) if u < 1.0 else 1.0
    if b == 0:
        u = _u(rng)
        return u ** (1.0 / (1.0 + a))
    return _beta_cheng(rng, 1.0 + a, 1.0 + b)


_N_RECIPROCALS = 256
_RECIPROCALS = np.array([0.0] + [1.0 / x for x in range(1, _N_RECIPROCALS)])
"""1/x for the inversion loop of :func:`_binomial` (whose bound, n r + 10 sqrt(n r + 1),
is below 90 when n r <= 30)."""


@_jit_inline
def _binomial(rng: np.ndarray, n: int, p: float) -> int:
    """Binomial(n, p) variate, exact. numba's BTPE when n min(p, 1-p) > 30; below that
    inversion, which first checks the bound (1-r)**n >= 1 - n r (r = min(p, 1-p)): a
    uniform below 1 - n r is a zero without any power, the common case when a class is
    nearly certain or nearly impossible for a pattern."""
    if p <= 0.0 or n <= 0:
        return 0
    if p >= 1.0:
        return n
    flipped = p > 0.5
    r = 1.0 - p if flipped else p
    nr = n * r
    if nr > 30.0:
        x = _btpe(rng, n, r)
        return n - x if flipped else x
    x = 0
    u = _u(rng)
    if u >= 1.0 - nr:
        q = 1.0 - r
        px = math.exp(n * math.log1p(-r))  # P(X = 0)
        s = r / q
        while u >= px:
            u -= px
            x += 1
            if x > n:  # rounding left u above the total mass: start again
                x = 0
                u = _u(rng)
                px = math.exp(n * math.log1p(-r))
                continue
            # 1/x from a table: no division on the loop's critical path
            px *= (n - x + 1) * s * (_RECIPROCALS[x] if x < _N_RECIPROCALS else 1.0 / x)
    return n - x if flipped else x


@_jit_inline
def _multinomial_into(
    rng: np.ndarray, n: int, probs: np.ndarray, total: float, out: np.ndarray
) -> None:
    """Split n over len(probs) cells with probabilities probs/total; write counts to out.

    Sequential conditional binomials (:func:`_binomial`), stopping once nothing is
    left; n == 1 is a single categorical draw.
    """
    k_max = probs.shape[0]
    for k in range(k_max):
        out[k] = 0
    if n <= 0:
        return
    if n == 1:
        u = _u(rng) * total
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
            x = _binomial(rng, remaining, p)
            out[k] = x
            remaining -= x
        mass -= probs[k]
    out[k_max - 1] = remaining


@_jit_no_refcount
def _stick_terms(count_k: np.ndarray, alpha: float, i: int, n_i: int, j: int, n_j: int) -> float:
    """The terms of the collapsed log posterior that the stick-breaking weights
    V_k ~ Beta(1, alpha) leave when integrated out, for class sizes ``count_k`` with
    classes i and j set to ``n_i`` and ``n_j`` (-1: no class)."""
    k_max = count_k.shape[0]
    out = 0.0
    rest = 0
    for k in range(k_max - 1, -1, -1):
        nk = n_i if k == i else (n_j if k == j else count_k[k])
        if k < k_max - 1:
            out += (
                math.lgamma(1.0 + nk)
                + math.lgamma(alpha + rest)
                - math.lgamma(1.0 + alpha + nk + rest)
            )
        rest += nk
    return out


@_jit_no_refcount
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
    big_n = n_obs + _total(count0)
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
    return out + _stick_terms(count_k, alpha, -1, 0, -1, 0)


_MOVE_SCALES = (0.1, 1.0, 4.0)
"""Step sizes of the collapsed n0 move, as multiples of the class's observed members."""


@_jit_no_refcount
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
    big_n = n_obs + _total(count0)
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


@_jit_no_refcount
def _collapsed_n0_moves(
    rng: np.ndarray,
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
        scale = _MOVE_SCALES[int(_u(rng) * 3.0) % 3] * obs_k
        step = int(math.floor(scale * _normal(rng) + 0.5))
        if step == 0 or count0[k] + step < 0:
            continue
        delta = _collapsed_delta(count0, count_k, ones, n_obs, alpha, a_lam, b_lam, k, step)
        if math.log(1.0 - _u(rng)) < delta:
            count0[k] += step
            count_k[k] += step
            accepted += 1
    return accepted


_NO_CAP = 1 << 62
"""No cap on the number unobserved (the ``n0_cap`` of :func:`_split_merge` in a sweep)."""
_SM_EM_STEPS = 6
"""EM iterations of the split–merge move's launch (:func:`_sm_launch`)."""
_SM_EPS = 1e-3
"""The launch's share of a cell for the second class is kept in [eps, 1 - eps], so every
split of a merged class can be proposed (and every merge can be reversed)."""


@_jit_no_refcount
def _sm_launch(
    rng: np.ndarray,
    patterns: np.ndarray,
    iw: np.ndarray,
    a_lam: float,
    b_lam: float,
    fw: np.ndarray,
) -> None:
    """The split proposal of :func:`_split_merge` for the members ``iw[0]`` of two classes
    together (``iw[0, m]`` of observed pattern m, the last cell those on no list): start from
    a random share of every cell for the second class, then :data:`_SM_EM_STEPS` EM steps
    of a two-class latent-class model with capture probabilities at their posterior means;
    the share of cell m for the second class ends in ``fw[0, m]``, within [eps, 1 - eps].

    It depends only on ``iw[0]`` and fresh uniforms, never on how it is split now,
    which is what makes it a valid auxiliary launch (Jain & Neal 2004)."""
    m_obs, n_lists = patterns.shape
    n_cells = m_obs + 1
    total = 0
    for m in range(n_cells):
        fw[0, m] = _u(rng)
        total += iw[0, m]
    for _ in range(_SM_EM_STEPS):
        n_a = 0.0
        n_b = 0.0
        for j in range(n_lists):
            fw[2, j] = 0.0
            fw[3, j] = 0.0
        for m in range(n_cells):
            c = iw[0, m]
            if c == 0:
                continue
            w_b = c * fw[0, m]
            w_a = c - w_b
            n_a += w_a
            n_b += w_b
            if m < m_obs:
                for j in range(n_lists):
                    if patterns[m, j] == 1:
                        fw[2, j] += w_a
                        fw[3, j] += w_b
        for j in range(n_lists):
            la = (a_lam + fw[2, j]) / (a_lam + b_lam + n_a)
            lb = (a_lam + fw[3, j]) / (a_lam + b_lam + n_b)
            fw[2, j] = math.log(la)
            fw[4, j] = math.log1p(-la)
            fw[3, j] = math.log(lb)
            fw[5, j] = math.log1p(-lb)
        d0 = math.log((n_a + 1.0) / (n_b + 1.0))
        for m in range(n_cells):
            d = d0  # log P(cell m, class a) - log P(cell m, class b)
            for j in range(n_lists):
                if m < m_obs and patterns[m, j] == 1:
                    d += fw[2, j] - fw[3, j]
                else:
                    d += fw[4, j] - fw[5, j]
            fw[0, m] = 1.0 / (1.0 + math.exp(d)) if d < 700.0 else 0.0
    for m in range(n_cells):
        fw[0, m] = min(max(fw[0, m], _SM_EPS), 1.0 - _SM_EPS)


@_jit_no_refcount
def _sm_log_q(iw: np.ndarray, row_b: int, fw: np.ndarray) -> float:
    """log probability that the launch (``fw[0]``, :func:`_sm_launch`) followed by a coin
    flip for which class is which proposes the split with ``iw[row_b]`` in one class and
    ``iw[0] - iw[row_b]`` in the other: log(q(x)/2 + q(iw[0] - x)/2), q a product of
    binomials. (Rows of ``iw`` are read in place: a function compiled without reference
    counting must not take array views.)"""
    coef = 0.0
    one = 0.0
    two = 0.0
    for m in range(iw.shape[1]):
        c = iw[0, m]
        if c == 0:
            continue
        t = iw[row_b, m]
        lp = math.log(fw[0, m])
        lq = math.log1p(-fw[0, m])
        coef += math.lgamma(c + 1.0) - math.lgamma(t + 1.0) - math.lgamma(c - t + 1.0)
        one += t * lp + (c - t) * lq
        two += (c - t) * lp + t * lq
    hi = max(one, two)
    return coef + hi + math.log(0.5 * (math.exp(one - hi) + math.exp(two - hi)))


@_jit_inline
def _sm_on_list(patterns: np.ndarray, iw: np.ndarray, row: int, j: int) -> int:
    """How many of the members ``iw[row]`` (by observed pattern) are on list j."""
    s = 0
    for m in range(patterns.shape[0]):
        if patterns[m, j] == 1:
            s += iw[row, m]
    return s


@_jit_no_refcount
def _sm_column(patterns: np.ndarray, iw: np.ndarray, row: int, a_lam: float, b_lam: float) -> float:
    """The terms of the collapsed log posterior (:func:`_collapsed_log_target`, extended to
    the observed allocation) that belong to one class with members ``iw[row]`` (by observed
    pattern, the last cell those on no list): -sum log col! and its capture probabilities
    integrated out, sum_j log B(a + s_j, b + n - s_j) up to a constant."""
    m_obs, n_lists = patterns.shape
    n = 0
    out = 0.0
    for m in range(m_obs + 1):
        n += iw[row, m]
        out -= math.lgamma(iw[row, m] + 1.0)
    out -= n_lists * math.lgamma(a_lam + b_lam + n)
    for j in range(n_lists):
        s = _sm_on_list(patterns, iw, row, j)
        out += math.lgamma(a_lam + s) + math.lgamma(b_lam + n - s)
    return out


@_jit_no_refcount
def _sm_sticks(
    count_k: np.ndarray, i: int, n_i: int, j: int, n_j: int, alpha: float, n0: int, n_obs: int
) -> float:
    """The terms of the collapsed log posterior that depend on the class sizes and N: the
    stick-breaking weights integrated out (:func:`_stick_terms`, class sizes ``count_k``
    with classes i, j set to ``n_i``, ``n_j``), the 1/N prior and N!."""
    big_n = n_obs + n0
    return _stick_terms(count_k, alpha, i, n_i, j, n_j) - math.log(big_n) + math.lgamma(big_n + 1.0)


@_jit_no_refcount
def _sm_terms(
    patterns: np.ndarray,
    iw: np.ndarray,
    count_k: np.ndarray,
    i: int,
    n_i: int,
    j: int,
    n_j: int,
    alpha: float,
    n0: int,
    n_obs: int,
    a_lam: float,
    b_lam: float,
) -> float:
    """The terms of the collapsed log posterior that a split–merge move of classes i and j
    changes: :func:`_sm_sticks` (their sizes ``n_i``, ``n_j``; ``n0`` unobserved) and
    :func:`_sm_column` of their members ``iw[1]`` and ``iw[2]``."""
    out = _sm_sticks(count_k, i, n_i, j, n_j, alpha, n0, n_obs)
    out += _sm_column(patterns, iw, 1, a_lam, b_lam)
    out += _sm_column(patterns, iw, 2, a_lam, b_lam)
    return out


@_jit_no_refcount
def _split_merge(
    rng: np.ndarray,
    patterns: np.ndarray,
    alloc: np.ndarray,
    count0: np.ndarray,
    count_k: np.ndarray,
    ones: np.ndarray,
    n_obs: int,
    alpha: float,
    a_lam: float,
    b_lam: float,
    fw: np.ndarray,
    iw: np.ndarray,
    n0_cap: int,
) -> int:
    """One split–merge Metropolis–Hastings move of whole latent classes, with lambda and
    the stick-breaking weights integrated out (a partially collapsed step, as
    :func:`_collapsed_n0_moves`: the caller draws lambda and the weights afresh).

    The state is the pattern-by-class split of the observed (``alloc``) and of the
    unobserved (``count0``), with ``count_k`` and ``ones`` kept consistent. Pick a class i
    uniformly among the occupied ones and j uniformly among the other K - 1. If j is
    occupied, propose to merge the two into i or j (a coin flip); if j is empty, propose to
    split i into i and j. With probability 1/2 the unobserved members of the pair change
    too, by round(sigma Z), sigma a random choice of :data:`_MOVE_SCALES` times the pair's
    observed members (symmetric), so a merge or split can move N with it. The split is
    drawn cell by cell, binomially, with shares from :func:`_sm_launch` run on the pair's
    members (with the split state's unobserved count); the reverse of a merge evaluates the
    same launch. Accepted with the exact Hastings ratio: collapsed posterior ratio, times
    the ratio of the probabilities of picking the pair (1/(occupied (K-1)) per occupied
    member of the pair), times 1/2 (which of the two labels a merge keeps) over the split's
    proposal probability (:func:`_sm_log_q`). ``n0_cap`` rejects proposals with more than
    that many unobserved (tests on a bounded state space; no cap in a sweep).

    Returns 1 for an accepted split, 2 for an accepted merge, 0 otherwise."""
    m_obs, n_lists = patterns.shape
    k_max = count_k.shape[0]
    if k_max < 2:
        return 0
    n_occ = 0
    for k in range(k_max):
        if count_k[k] > 0:
            n_occ += 1
    if n_occ == 0:
        return 0
    r = min(int(_u(rng) * n_occ), n_occ - 1)
    i = 0
    for k in range(k_max):
        if count_k[k] > 0:
            if r == 0:
                i = k
                break
            r -= 1
    j = min(int(_u(rng) * (k_max - 1)), k_max - 2)
    if j >= i:
        j += 1
    merge = count_k[j] > 0
    obs_union = 0
    for m in range(m_obs):
        c = alloc[m, i] + alloc[m, j]
        iw[0, m] = c
        obs_union += c
    n0 = _total(count0)
    delta = 0
    if _u(rng) < 0.5:
        scale = _MOVE_SCALES[int(_u(rng) * 3.0) % 3] * max(obs_union, 1)
        delta = int(math.floor(scale * _normal(rng) + 0.5))
    new_n0 = n0 + delta
    if new_n0 > n0_cap:
        return 0
    for m in range(m_obs):
        iw[1, m] = alloc[m, i]
        iw[2, m] = alloc[m, j]
    iw[1, m_obs] = count0[i]
    iw[2, m_obs] = count0[j]
    old_terms = _sm_terms(
        patterns, iw, count_k, i, count_k[i], j, count_k[j], alpha, n0, n_obs, a_lam, b_lam
    )
    if merge:
        iw[0, m_obs] = count0[i] + count0[j]  # the split state's unobserved
        merged0 = iw[0, m_obs] + delta
        if merged0 < 0:
            return 0
        _sm_launch(rng, patterns, iw, a_lam, b_lam, fw)
        log_q = _sm_log_q(iw, 2, fw)
        keep_i = _u(rng) < 0.5
        n_union = obs_union + merged0
        for m in range(m_obs):
            iw[1, m] = iw[0, m] if keep_i else 0
            iw[2, m] = 0 if keep_i else iw[0, m]
        iw[1, m_obs] = merged0 if keep_i else 0
        iw[2, m_obs] = 0 if keep_i else merged0
        n_i = n_union if keep_i else 0
        new_terms = _sm_terms(
            patterns, iw, count_k, i, n_i, j, n_union - n_i, alpha, new_n0, n_obs, a_lam, b_lam
        )
        # pair: 2 / (occ (K-1)) now, 1 / ((occ-1)(K-1)) after; label kept: 1/2
        log_ratio = (
            new_terms
            - old_terms
            - math.log(n_occ - 1.0)
            - math.log(2.0 / n_occ)
            + log_q
            - math.log(0.5)
        )
        accepted = 2
    else:
        split0 = count0[i] + delta
        if split0 < 0:
            return 0
        iw[0, m_obs] = split0
        _sm_launch(rng, patterns, iw, a_lam, b_lam, fw)
        swap = False
        n_a = 0
        n_b = 0
        for m in range(m_obs + 1):
            t = _binomial(rng, iw[0, m], fw[0, m])
            iw[2, m] = t
            iw[1, m] = iw[0, m] - t
        if _u(rng) < 0.5:
            swap = True
        for m in range(m_obs + 1):
            if swap:
                t = iw[2, m]
                iw[2, m] = iw[1, m]
                iw[1, m] = t
            n_a += iw[1, m]
            n_b += iw[2, m]
        if n_a == 0 or n_b == 0:
            return 0
        log_q = _sm_log_q(iw, 2, fw)
        new_terms = _sm_terms(
            patterns, iw, count_k, i, n_a, j, n_b, alpha, new_n0, n_obs, a_lam, b_lam
        )
        # pair: 1 / (occ (K-1)) now, 2 / ((occ+1)(K-1)) after; label kept by the merge: 1/2
        log_ratio = (
            new_terms
            - old_terms
            + math.log(2.0 / (n_occ + 1.0))
            + math.log(n_occ)
            + math.log(0.5)
            - log_q
        )
        accepted = 1
    if not math.log(1.0 - _u(rng)) < log_ratio:
        return 0
    for row in (1, 2):
        k = i if row == 1 else j
        n_k = 0
        for m in range(m_obs):
            alloc[m, k] = iw[row, m]
            n_k += iw[row, m]
        count0[k] = iw[row, m_obs]
        count_k[k] = n_k + iw[row, m_obs]
        for jj in range(n_lists):
            ones[jj, k] = _sm_on_list(patterns, iw, row, jj)
    return accepted


_NEGLIGIBLE = 1e-250
"""A class whose weight nu_k is below this is given probability zero for every pattern
(steps 1, 4 and 5), unless all of a pattern's probability is below :data:`_TINY_TOTAL`,
when every class is computed factor by factor. Its share of a pattern is then below
1e-50, far below what a double-precision draw resolves (the binomial of such a share
was already always zero: 1 - p rounds to 1); skipping it keeps the products out of the
subnormal range, where each multiplication costs about a hundred cycles."""
_TINY_TOTAL = 1e-200


@_jit_inline
def _pattern_class_prob(
    patterns: np.ndarray, m: int, lam: np.ndarray, nu: np.ndarray, k: int
) -> float:
    """P(pattern m, class k) = nu_k prod_j (lam_jk if on list j else 1 - lam_jk), factor by
    factor."""
    p = nu[k]
    for j in range(lam.shape[0]):
        if patterns[m, j] == 1:
            p *= lam[j, k]
        else:
            p *= 1.0 - lam[j, k]
    return p


@_jit_inline
def _unseen_class_prob(lam: np.ndarray, nu: np.ndarray, k: int) -> float:
    """P(on no list, class k) = nu_k prod_j (1 - lam_jk)."""
    p = nu[k]
    for j in range(lam.shape[0]):
        p *= 1.0 - lam[j, k]
    return p


@_jit_no_refcount
def _pattern_probs_direct(
    patterns: np.ndarray, m: int, lam: np.ndarray, nu: np.ndarray, probs: np.ndarray
) -> float:
    """P(pattern m, class k) into ``probs``, factor by factor, every class; their sum."""
    total = 0.0
    for k in range(nu.shape[0]):
        p = _pattern_class_prob(patterns, m, lam, nu, k)
        probs[k] = p
        total += p
    return total


@_jit_no_refcount
def _unseen_probs(lam: np.ndarray, nu: np.ndarray, probs: np.ndarray, cutoff: float) -> float:
    """P(on no list, class k) into ``probs``, zero for a class whose weight is below
    ``cutoff``; their sum."""
    total = 0.0
    for k in range(nu.shape[0]):
        if nu[k] < cutoff:
            probs[k] = 0.0
            continue
        p = _unseen_class_prob(lam, nu, k)
        probs[k] = p
        total += p
    return total


class _Scratch(NamedTuple):
    """The work arrays of a chain's sweeps (:func:`_scratch` makes them; :func:`_run_sweeps`
    and :func:`_split_observed` fill them), for K classes, J lists and m observed
    patterns."""

    probs: np.ndarray
    """K class probabilities of one pattern (float)."""
    draw: np.ndarray
    """K class counts of one pattern's multinomial draw."""
    ones: np.ndarray
    """J x K members of each class on each list (a sufficient statistic)."""
    count_k: np.ndarray
    """K members of each class, observed and unobserved (a sufficient statistic)."""
    pat_idx: np.ndarray
    """m x J: the lists each observed pattern is on, the first ``pat_len[m]`` of row m."""
    pat_len: np.ndarray
    """m: the number of lists each observed pattern is on."""
    base: np.ndarray
    """K: each class's probability of being on no list (float; -1: computed directly)."""
    ratio: np.ndarray
    """J x K: lam_jk / (1 - lam_jk) (float)."""
    alloc: np.ndarray
    """m x K: the pattern-by-class split of step 1 (for the split–merge move)."""
    fwork: np.ndarray
    """The split–merge move's float work array."""
    iwork: np.ndarray
    """The split–merge move's integer work array."""


@_jit_no_refcount
def _split_observed(
    rng: np.ndarray,
    patterns: np.ndarray,
    freq: np.ndarray,
    lam: np.ndarray,
    nu: np.ndarray,
    count0: np.ndarray,
    scratch: _Scratch,
) -> None:
    """Step 1, z | ·: split each observed pattern's count over the classes and accumulate
    the sufficient statistics ``count_k`` (with ``count0``) and ``ones``; the split itself
    (pattern by class) goes to ``alloc``, for the split–merge move (all four arrays of
    ``scratch``, :class:`_Scratch`, as its other work arrays).

    P(pattern, class k) = nu_k prod_j (1 - lam_jk) * prod_{j on the pattern} lam_jk /
    (1 - lam_jk): one product per class (``base``), then one factor (``ratio``) per list
    the pattern is on (``pat_idx``, ``pat_len``). A class whose base underflows, or with
    some lam_jk = 1, is computed factor by factor instead; a class of negligible weight
    (:data:`_NEGLIGIBLE`) gets probability zero."""
    probs, draw, base, ratio = scratch.probs, scratch.draw, scratch.base, scratch.ratio
    ones, count_k, alloc = scratch.ones, scratch.count_k, scratch.alloc
    pat_idx, pat_len = scratch.pat_idx, scratch.pat_len
    m_cells, n_lists = patterns.shape
    k_max = nu.shape[0]
    dropped = False
    n_direct = 0
    for k in range(k_max):
        count_k[k] = count0[k]
        for j in range(n_lists):
            ones[j, k] = 0
            ratio[j, k] = 0.0
        if nu[k] < _NEGLIGIBLE:
            base[k] = 0.0
            dropped = True
            continue
        b = nu[k]
        direct = False
        for j in range(n_lists):
            q = 1.0 - lam[j, k]
            b *= q
            if q > 0.0:
                ratio[j, k] = lam[j, k] / q
            else:
                direct = True
        if direct or not b > 1e-280:
            base[k] = -1.0
            n_direct += 1
        else:
            base[k] = b
    for m in range(m_cells):
        n_on = pat_len[m]
        # all classes at once, list by list (independent products, contiguous in k)
        for k in range(k_max):
            probs[k] = base[k]
        for t in range(n_on):
            j = pat_idx[m, t]
            for k in range(k_max):
                probs[k] *= ratio[j, k]
        if n_direct > 0:
            for k in range(k_max):
                if base[k] < 0.0:
                    probs[k] = _pattern_class_prob(patterns, m, lam, nu, k)
        total = 0.0
        for k in range(k_max):
            total += probs[k]
        if dropped and total < _TINY_TOTAL:
            total = _pattern_probs_direct(patterns, m, lam, nu, probs)
        _multinomial_into(rng, freq[m], probs, total, draw)
        for k in range(k_max):
            c = draw[k]
            alloc[m, k] = c
            if c > 0:
                count_k[k] += c
                for t in range(n_on):
                    ones[pat_idx[m, t], k] += c


@_jit_no_refcount
def _draw_lambda(
    rng: np.ndarray,
    lam: np.ndarray,
    ones: np.ndarray,
    count_k: np.ndarray,
    a_lam: float,
    b_lam: float,
) -> None:
    """Step 2, lambda | ·: list capture probabilities, Beta(a_lam + captured, b_lam + not
    captured)."""
    n_lists, k_max = lam.shape
    unit_prior = a_lam == 1.0 and b_lam == 1.0
    for j in range(n_lists):
        for k in range(k_max):
            a = ones[j, k]
            if unit_prior:
                lam[j, k] = _beta_int(rng, a, count_k[k] - a)
            else:
                g1 = _gamma(rng, a_lam + a)
                g2 = _gamma(rng, b_lam + (count_k[k] - a))
                x = g1 / (g1 + g2) if g1 + g2 > 0.0 else 0.5
                lam[j, k] = min(max(x, 1e-12), 1.0 - 1e-12)


@_jit_no_refcount
def _draw_sticks(
    rng: np.ndarray,
    nu: np.ndarray,
    log_nu: np.ndarray,
    count_k: np.ndarray,
    alpha: float,
    n_tot: int,
) -> None:
    """Step 3, nu | ·: stick-breaking weights, V_k ~ Beta(1 + n_k, alpha + sum_{l>k} n_l),
    in log space."""
    k_max = nu.shape[0]
    acc = 0
    log_rest = 0.0
    for k in range(k_max - 1):
        acc += count_k[k]
        b_stick = alpha + (n_tot - acc)
        if count_k[k] == 0:
            # empty class: V ~ Beta(1, b) exactly, 1 - V = U**(1/b); one uniform instead
            # of two Gamma variates (most of the K classes are empty)
            log1mv = math.log(_u_positive(rng)) / b_stick
            logv = math.log(-math.expm1(log1mv)) if log1mv < 0.0 else -745.0
        elif b_stick > 1.0:
            # both shapes above one: Cheng's BB in log space (one draw, not two log-Gammas)
            logv, log1mv = _log_beta_cheng(rng, 1.0 + count_k[k], b_stick)
        else:
            lg1 = _log_gamma(rng, 1.0 + count_k[k])
            lg2 = _log_gamma(rng, b_stick)
            lsum = _log_add(lg1, lg2)
            logv = lg1 - lsum
            log1mv = lg2 - lsum
        log_nu[k] = logv + log_rest
        log_rest += log1mv
        nu[k] = math.exp(log_nu[k])
    log_nu[k_max - 1] = log_rest
    nu[k_max - 1] = math.exp(log_rest)


@_jit_no_refcount
def _draw_n0(
    rng: np.ndarray, lam: np.ndarray, nu: np.ndarray, probs: np.ndarray, n_obs: int
) -> tuple[int, float]:
    """Step 4: probability of the all-zero pattern, class by class into ``probs`` (their
    sum p0), and n0 | · ~ NegBin(n_obs, 1 - p0) (failures): ``(n0, p0)``."""
    p0 = _unseen_probs(lam, nu, probs, _NEGLIGIBLE)  # as in _split_observed
    if p0 < _TINY_TOTAL:  # every class again, factor by factor
        p0 = _unseen_probs(lam, nu, probs, 0.0)
    if p0 <= 0.0:
        return 0, p0
    if p0 > 1.0 - 1e-12:
        p0 = 1.0 - 1e-12
    # NegBin(r, q) failures before r successes = Poisson(Gamma(r, (1-q)/q))
    lam_pois = _gamma(rng, float(n_obs)) * p0 / (1.0 - p0)
    return _poisson(rng, lam_pois), p0


@_jit_no_refcount
def _run_sweeps(
    patterns: np.ndarray,
    freq: np.ndarray,
    n_obs: int,
    chain: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    scratch: _Scratch,
    settings: tuple[float, float, float, float, bool, float],
    update_alpha: bool,
    sweeps: int,
) -> None:
    """``sweeps`` Gibbs sweeps, each in R LCMCR's order: z | ·, lambda | ·, nu | ·, n0 | ·,
    z0 | ·, alpha | · (alpha held when ``update_alpha`` is false). The loop and everything
    it calls run without reference counting (:func:`_jit_no_refcount`).

    ``chain`` is the chain's state ``(lam, nu, log_nu, count0, state, rng)``, updated in
    place (``state`` holds [alpha, n0] as floats), ``scratch`` the work arrays
    (:func:`_scratch`), ``settings`` the sampler's ``(a_alpha, b_alpha, a_lam, b_lam,
    n0_moves, split_merge)``, all as :func:`_advance` takes them. With ``n0_moves`` the
    collapsed moves of :func:`_collapsed_n0_moves` run between z | · and lambda | · (the
    posterior is unchanged; the chain crosses between values of N faster); ``split_merge``
    is the expected number of :func:`_split_merge` moves a sweep.
    """
    lam, nu, log_nu, count0, state, rng = chain
    a_alpha, b_alpha, a_lam, b_lam, n0_moves, split_merge = settings
    count_k, ones, probs = scratch.count_k, scratch.ones, scratch.probs
    k_max = nu.shape[0]
    for _ in range(sweeps):
        alpha = state[0]
        n0 = int(state[1])

        # 1. class counts of each observed pattern; accumulate sufficient statistics
        _split_observed(rng, patterns, freq, lam, nu, count0, scratch)

        # 1b. collapsed moves of the unobserved class sizes (lambda, nu integrated out)
        if n0_moves:
            _collapsed_n0_moves(rng, count0, count_k, ones, n_obs, alpha, a_lam, b_lam)
            n0 = _total(count0)

        # 1c. split–merge moves of whole classes (lambda, nu integrated out)
        if split_merge > 0.0:
            attempts = int(split_merge)
            frac = split_merge - attempts
            if frac > 0.0 and _u(rng) < frac:
                attempts += 1
            for _ in range(attempts):
                _split_merge(
                    rng,
                    patterns,
                    scratch.alloc,
                    count0,
                    count_k,
                    ones,
                    n_obs,
                    alpha,
                    a_lam,
                    b_lam,
                    scratch.fwork,
                    scratch.iwork,
                    _NO_CAP,
                )
            n0 = _total(count0)

        # 2. list capture probabilities
        _draw_lambda(rng, lam, ones, count_k, a_lam, b_lam)

        # 3. stick-breaking weights
        _draw_sticks(rng, nu, log_nu, count_k, alpha, n_obs + n0)

        # 4. n0 | · ~ NegBin
        n0, p0 = _draw_n0(rng, lam, nu, probs, n_obs)

        # 5. classes of the unobserved
        _multinomial_into(rng, n0, probs, p0, count0)

        # 6. concentration, alpha ~ Gamma(a_alpha + K - 1, rate b_alpha - log nu_K)
        if update_alpha:
            alpha = _gamma(rng, a_alpha + k_max - 1.0) / (b_alpha - log_nu[k_max - 1])
            if alpha < 1e-300:
                alpha = 1e-300
        state[0] = alpha
        state[1] = n0


@_jit
def _scratch(patterns: np.ndarray, k_max: int) -> _Scratch:
    """The work arrays of :func:`_run_sweeps` for ``patterns`` and ``k_max`` classes
    (:class:`_Scratch`), with the lists each observed pattern is on filled in."""
    m_cells, n_lists = patterns.shape
    pat_idx = np.zeros((m_cells, n_lists), dtype=np.int64)
    pat_len = np.zeros(m_cells, dtype=np.int64)
    for m in range(m_cells):
        for j in range(n_lists):
            if patterns[m, j] == 1:
                pat_idx[m, pat_len[m]] = j
                pat_len[m] += 1
    return _Scratch(
        np.empty(k_max),
        np.zeros(k_max, dtype=np.int64),
        np.zeros((n_lists, k_max), dtype=np.int64),
        np.zeros(k_max, dtype=np.int64),
        pat_idx,
        pat_len,
        np.empty(k_max),
        np.empty((n_lists, k_max)),
        np.zeros((m_cells, k_max), dtype=np.int64),
        np.zeros((6, max(m_cells + 1, n_lists))),
        np.zeros((3, m_cells + 1), dtype=np.int64),
    )


@_jit
def _advance(
    patterns: np.ndarray,
    freq: np.ndarray,
    chain: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    settings: tuple[float, float, float, float, bool, float],
    update_alpha: bool,
    burnin: int,
    samples: int,
    thin: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``burnin`` sweeps, then ``samples`` records every ``thin`` sweeps: traces of N, alpha
    and the number of occupied classes. ``chain`` is the chain's state
    ``(lam, nu, log_nu, count0, state, rng)`` as :func:`init_chain` returns it (updated in
    place), ``settings`` the sampler's ``(a_alpha, b_alpha, a_lam, b_lam, n0_moves,
    split_merge)``. ``update_alpha=False`` holds alpha (:func:`init_chain`'s warm-up)."""
    nu, state = chain[1], chain[4]
    k_max = nu.shape[0]
    n_obs = _total(freq)
    scratch = _scratch(patterns, k_max)
    count_k = scratch.count_k
    n_trace = np.empty(samples, dtype=np.int64)
    alpha_trace = np.empty(samples)
    kstar_trace = np.empty(samples, dtype=np.int64)
    for s in range(-1, samples):  # s = -1: the burn-in
        sweeps = burnin if s < 0 else thin
        _run_sweeps(patterns, freq, n_obs, chain, scratch, settings, update_alpha, sweeps)
        if s < 0:
            continue
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
    split_merge: float = 0.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run one chain; return traces (N, alpha, k_star) of length ``samples``.

    ``a_lam``, ``b_lam`` set the Beta prior of the list capture probabilities
    (R LCMCR: 1, 1). ``patterns`` is the m×J 0/1 matrix of observed capture patterns (no all-zero
    row), ``freq`` their counts. Initialisation follows R LCMCR: list
    probabilities at the marginal capture frequencies, four dominant classes,
    ``warmup`` sweeps with alpha held at 0.3/K, then classes re-ordered by
    decreasing weight before burn-in. ``disperse`` scales the starting list
    probabilities (1 = R's start; below 1 starts with many unobserved, above 1
    with few), so that several chains start from dispersed points. ``n0_moves`` and
    ``split_merge`` add the collapsed moves of :func:`_collapsed_n0_moves` and
    :func:`_split_merge` (expected attempts per sweep) to every sweep.
    """
    chain = init_chain(
        patterns,
        freq,
        k_max,
        a_alpha,
        b_alpha,
        seed,
        warmup,
        a_lam,
        b_lam,
        disperse,
        n0_moves,
        split_merge,
    )
    # as continue_chain(..., reseed=False)
    settings = (a_alpha, b_alpha, a_lam, b_lam, n0_moves, split_merge)
    return _advance(patterns, freq, chain, settings, True, burnin, samples, thin)


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
    split_merge: float = 0.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Initialise one chain as :func:`run_chain` does and return its state
    ``(lam, nu, log_nu, count0, state, rng)`` for :func:`continue_chain` (``rng``: the
    chain's generator, :func:`_rng`, seeded from ``seed``): R LCMCR's start (list
    probabilities at the marginal capture frequencies scaled by ``disperse``, four
    dominant classes), ``warmup`` sweeps with alpha held at 0.3/K, then the classes
    re-ordered by decreasing weight."""
    rng = _rng(seed)
    m_cells, n_lists = patterns.shape
    n_obs = _total(freq)
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
    settings = (a_alpha, b_alpha, a_lam, b_lam, n0_moves, split_merge)
    chain = (lam, nu, log_nu, count0, state, rng)
    _advance(patterns, freq, chain, settings, False, warmup, 0, 1)
    order = np.argsort(-nu, kind="mergesort")
    return (
        lam[:, order].copy(),
        nu[order].copy(),
        log_nu[order].copy(),
        count0[order].copy(),
        state,
        rng,
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
    rng: np.ndarray,
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
    split_merge: float = 0.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Continue a chain from its state (updated in place) on a capture table that may
    differ from the one it ran on before (warm start: the latent-class parameters carry
    over, the table's counts are read afresh every sweep). ``burnin`` sweeps, then
    ``samples`` records every ``thin`` sweeps; traces as in :func:`run_chain`. The
    chain's generator ``rng`` is re-seeded in place from ``seed`` first. ``reseed=False``
    keeps it as it is: :func:`init_chain` then ``continue_chain(..., reseed=False)``
    draws exactly what :func:`run_chain` draws, and leaves the state to extend. Either
    way a call is reproducible whichever thread runs it."""
    if reseed:
        rng[:] = _rng(seed)
    settings = (a_alpha, b_alpha, a_lam, b_lam, n0_moves, split_merge)
    return _advance(
        patterns, freq, (lam, nu, log_nu, count0, state, rng), settings, True, burnin, samples, thin
    )
