"""MCMC convergence diagnostics: R-hat and effective sample size.

Every sampler in roshan reports these so that a user can tell a converged
posterior from a stuck chain before quoting a number. We follow Vehtari,
Gelman, Simpson, Carpenter & Bürkner (2021), "Rank-normalization, folding, and
localization: an improved R-hat for assessing convergence of MCMC", Bayesian
Analysis 16(2): chains are split in halves, draws are rank-normalised (robust to
heavy tails such as the right tail of a posterior of N), R-hat is the larger of
the bulk and the folded (tail) value, and ESS uses Geyer's initial monotone
sequence on the multi-chain autocorrelation. A common rule: R-hat < 1.01 and
bulk ESS > 400 before trusting an interval; roshan warns above R-hat 1.05 or
below ESS 100 (coarser because users run few chains on laptops).

Input everywhere is a 2-D array ``chains x draws``.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import ndtri
from scipy.stats import rankdata

__all__ = ["rhat", "ess_bulk", "ess_tail", "autocorrelation", "RHAT_WARN", "ESS_WARN"]

RHAT_WARN = 1.05
"""R-hat above which roshan warns that chains disagree."""

ESS_WARN = 100.0
"""Bulk effective sample size below which roshan warns that the interval is noisy."""


def _as_chains(draws: np.ndarray) -> np.ndarray:
    x = np.asarray(draws, dtype=float)
    if x.ndim == 1:
        x = x[None, :]
    if x.ndim != 2:
        raise ValueError("draws must be a 2-D array (chains x draws)")
    return x


def _split(x: np.ndarray) -> np.ndarray:
    n = x.shape[1]
    half = n // 2
    if half < 2:
        return x
    return np.vstack([x[:, :half], x[:, n - half :]])


def _rank_normalise(x: np.ndarray) -> np.ndarray:
    r = rankdata(x, method="average").reshape(x.shape)
    return ndtri((r - 0.375) / (x.size + 0.25))


def _basic_rhat(x: np.ndarray) -> float:
    m, n = x.shape
    if m < 2 or n < 2:
        return float("nan")
    chain_means = x.mean(axis=1)
    w = x.var(axis=1, ddof=1).mean()
    b = n * chain_means.var(ddof=1)
    if w <= 0:
        return 1.0 if b <= 0 else float("inf")
    var_plus = (n - 1) / n * w + b / n
    return float(math.sqrt(var_plus / w))


def rhat(draws: np.ndarray) -> float:
    """Rank-normalised split R-hat (max of bulk and folded), Vehtari et al. (2021).

    Needs at least 4 draws per chain; with a single chain it compares its halves.
    Returns 1.0 for constant draws and nan when there are too few draws.
    """
    x = _as_chains(draws)
    if x.shape[1] < 4:
        return float("nan")
    if np.all(x == x.flat[0]):
        return 1.0
    xs = _split(x)
    bulk = _basic_rhat(_rank_normalise(xs))
    folded = np.abs(xs - np.median(xs))
    tail = _basic_rhat(_rank_normalise(folded))
    return float(np.nanmax([bulk, tail]))


def autocorrelation(x: np.ndarray) -> np.ndarray:
    """Autocorrelation of a 1-D series at lags 0..n-1 (FFT, biased estimator)."""
    x = np.asarray(x, dtype=float)
    n = x.size
    xc = x - x.mean()
    size = 1 << (2 * n - 1).bit_length()
    f = np.fft.rfft(xc, size)
    ac = np.fft.irfft(f * np.conj(f), size)[:n]
    if ac[0] <= 0:
        out = np.zeros(n)
        out[0] = 1.0
        return out
    return ac / ac[0]


def _ess(x: np.ndarray) -> float:
    m, n = x.shape
    if n < 4:
        return float("nan")
    if np.all(x == x.flat[0]):
        return float(m * n)
    acov = np.vstack([autocorrelation(c) * c.var() for c in x])  # biased autocovariances
    chain_mean = x.mean(axis=1)
    mean_var = acov[:, 0].mean() * n / (n - 1)
    var_plus = mean_var * (n - 1) / n
    if m > 1:
        var_plus += chain_mean.var(ddof=1)
    if var_plus <= 0:
        return float(m * n)
    rho = 1.0 - (mean_var - acov.mean(axis=0)) / var_plus
    rho[0] = 1.0
    # Geyer initial positive sequence on pairs, then made monotone
    t = 0
    pair_sums = []
    while t + 1 < n:
        s = rho[t] + rho[t + 1]
        if s < 0:
            break
        pair_sums.append(s)
        t += 2
    if not pair_sums:
        return float(m * n)
    ps = np.minimum.accumulate(np.array(pair_sums))
    tau = -1.0 + 2.0 * ps.sum()
    tau = max(tau, 1.0 / math.log10(m * n + 10))
    return float(m * n / tau)


def ess_bulk(draws: np.ndarray) -> float:
    """Bulk effective sample size: ESS of the rank-normalised split chains."""
    x = _as_chains(draws)
    return _ess(_rank_normalise(_split(x)))


def ess_tail(draws: np.ndarray, prob: float = 0.05) -> float:
    """Tail ESS: the smaller ESS of the indicators for the prob and 1-prob quantiles."""
    x = _split(_as_chains(draws))
    out = []
    for q in (prob, 1 - prob):
        ind = (x <= np.quantile(x, q)).astype(float)
        out.append(_ess(ind))
    return float(np.nanmin(out))
