"""Bootstrap intervals that repeat the whole estimation, model selection included.

An interval computed for the model that happened to be chosen ignores the
uncertainty of choosing it; Silverman, Chan & Vincent (2024) show this can be
badly too narrow on sparse tables. Here each bootstrap replicate resamples the
observed people (multinomial on the observed capture patterns, total fixed),
re-runs the *same* procedure (search included) and records N̂. The interval is
the bias-corrected and accelerated (BCa) percentile interval, acceleration from
a delete-one jackknife over people (as MultipleSystemsEstimation does), or the
plain percentile interval.

Everything takes an ``estimator(table) -> float`` callable so the same code
serves fixed models, searches and (later) other methods.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr, ndtri

from roshan.estimate.poisson import Table

__all__ = [
    "BootstrapResult",
    "bca_interval",
    "bootstrap_estimates",
    "jackknife_acceleration",
    "percentile_interval",
    "run_bootstrap",
]

Estimator = Callable[[Table], float]


def _safe(estimator: Estimator, table: Table) -> float:
    try:
        v = estimator(table)
    except Exception:  # noqa: BLE001 - a replicate with no usable model must not kill the run
        return float("nan")
    return float("nan") if v is None else float(v)


def bootstrap_estimates(
    y: np.ndarray,
    n_lists: int,
    estimator: Estimator,
    n_boot: int,
    seed: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> np.ndarray:
    """N̂ on ``n_boot`` multinomial resamples of the cell vector ``y`` (NaN = no estimate)."""
    y = np.asarray(y, dtype=np.float64)
    n = int(round(y.sum()))
    rng = np.random.default_rng(seed)
    reps = rng.multinomial(n, y / y.sum(), size=n_boot)
    out = np.empty(n_boot)
    for b in range(n_boot):
        out[b] = _safe(estimator, Table(reps[b].astype(np.float64), n_lists))
        if progress is not None:
            progress(b + 1)
    return out


def jackknife_acceleration(y: np.ndarray, n_lists: int, estimator: Estimator) -> float:
    """BCa acceleration from deleting one person at a time (one fit per non-empty cell).

    Each distinct observed pattern is reduced by one; the jackknife residuals are
    weighted by how many people share the pattern.
    """
    y = np.asarray(y, dtype=np.float64)
    idx = np.flatnonzero(y > 0)
    jack = np.empty(idx.size)
    for k, i in enumerate(idx):
        yy = y.copy()
        yy[i] -= 1.0
        jack[k] = _safe(estimator, Table(yy, n_lists))
    w = y[idx]
    ok = np.isfinite(jack)
    if ok.sum() < 2:
        return 0.0
    w, jack = w[ok], jack[ok]
    jr = np.sum(w * jack) / np.sum(w) - jack
    den = 6.0 * np.sum(w * jr**2) ** 1.5
    return float(np.sum(w * jr**3) / den) if den > 0 else 0.0


def percentile_interval(boot: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """Plain percentile interval of the finite bootstrap estimates."""
    b = boot[np.isfinite(boot)]
    a = (1.0 - level) / 2.0
    lo, hi = np.quantile(b, [a, 1.0 - a], method="median_unbiased")
    return float(lo), float(hi)


def bca_interval(
    boot: np.ndarray, estimate: float, accel: float, level: float = 0.95
) -> tuple[float, float] | None:
    """BCa interval (Efron 1987; DiCiccio & Efron 1996), quantiles of R's type 8.

    Returns ``None`` when the bias correction is infinite (every replicate on one
    side of the estimate); callers then fall back to percentiles.
    """
    b = boot[np.isfinite(boot)]
    if b.size < 2:
        return None
    p0 = float(np.mean(b < estimate))
    if p0 <= 0.0 or p0 >= 1.0:
        return None
    z0 = ndtri(p0)
    a = (1.0 - level) / 2.0
    za = ndtri(np.array([a, 1.0 - a]))
    za0 = za + z0
    zq = ndtr(z0 + za0 / (1.0 - accel * za0))
    lo, hi = np.quantile(b, zq, method="median_unbiased")
    return float(lo), float(hi)


@dataclass
class BootstrapResult:
    """Replicate estimates and the interval drawn from them."""

    draws: np.ndarray
    lower: float | None
    upper: float | None
    method: str
    accel: float | None
    n_failed: int


def run_bootstrap(
    table: Table,
    estimate: float,
    estimator: Estimator,
    n_boot: int,
    level: float = 0.95,
    seed: int | None = None,
    interval: str = "bca",
    progress: Callable[[int], None] | None = None,
) -> BootstrapResult:
    """Bootstrap ``estimator`` on ``table`` and summarise as a BCa or percentile interval."""
    draws = bootstrap_estimates(table.y, table.n_lists, estimator, n_boot, seed, progress)
    n_failed = int((~np.isfinite(draws)).sum())
    if n_boot - n_failed < 2:
        return BootstrapResult(draws, None, None, interval, None, n_failed)
    accel = None
    method = interval
    ci = None
    if interval == "bca":
        accel = jackknife_acceleration(table.y, table.n_lists, estimator)
        ci = bca_interval(draws, estimate, accel, level)
        if ci is None:
            method = "percentile"
    if ci is None:
        ci = percentile_interval(draws, level)
    return BootstrapResult(draws, ci[0], ci[1], method, accel, n_failed)
