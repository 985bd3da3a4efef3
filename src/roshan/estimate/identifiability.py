"""Does a log-linear model give a meaningful estimate on this table?

Sparse capture data often make a log-linear estimate meaningless: the maximum
likelihood estimate (MLE) may not exist (some fitted cells are driven to zero,
parameters run off to infinity) or the parameters may not be identifiable (two
different parameter values fit equally well, so the unobserved cell is
arbitrary). Printing a number in either case is worse than printing nothing.

This module implements the two checks of Fienberg & Rinaldo (2012) as used by
Chan, Silverman & Vincent (2021) and the R packages SparseMSE /
MultipleSystemsEstimation, on the *extended* MLE:

1. every model parameter whose sufficient statistic is zero (e.g. an
   interaction between two lists that never overlap) is fixed at minus
   infinity, and every cell containing it is removed (its fitted value is 0);
2. on the remaining cells, the **existence** check is the linear program
   "maximise s subject to A x = t, x_i >= s": the MLE exists iff some strictly
   positive table has the same sufficient statistics t as the data (s > 0);
3. the **rank** check: the reduced design matrix must have full column rank.

The status codes follow SparseMSE's ``checkident``: 0 both checks pass, 1 the
MLE does not exist, 2 the parameters are not identifiable, 3 both fail.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

__all__ = [
    "STATUS_TEXT",
    "Reduced",
    "check_model",
    "fr_lp_exists",
    "master_design",
    "rank_deficient",
    "reduce_model",
    "superset_sums",
]

STATUS_TEXT = {
    0: "the maximum likelihood estimate exists and is identifiable",
    1: "the maximum likelihood estimate does not exist (Fienberg-Rinaldo linear program: "
    "no strictly positive table has the data's margins, so some fitted counts are zero "
    "and the unobserved count is not determined)",
    2: "the model parameters are not identifiable (the design matrix, after removing "
    "empty overlaps, is rank deficient: the unobserved count can take any value)",
    3: "the maximum likelihood estimate does not exist and the parameters are not identifiable",
}


@lru_cache(maxsize=16)
def master_design(n_lists: int) -> np.ndarray:
    """Inclusion matrix: rows = the ``2**J - 1`` observable cells in roshan's order
    (cell code ``k + 1``), columns = all ``2**J`` parameter masks (0 = intercept).

    Entry is 1 when the parameter's lists are a subset of the cell's lists, i.e.
    ``log mu_cell = sum of the parameters it contains`` (corner-point coding).
    """
    codes = np.arange(1, 2**n_lists, dtype=np.int64)
    masks = np.arange(0, 2**n_lists, dtype=np.int64)
    d = ((codes[:, None] & masks[None, :]) == masks[None, :]).astype(np.float64)
    d.setflags(write=False)
    return d


def superset_sums(y: np.ndarray, n_lists: int) -> np.ndarray:
    """For every mask t, the number of people on all of t's lists (``nstar[t]``).

    ``y`` is the full cell vector (length ``2**J - 1``); index 0 of the result is
    the total. These are the sufficient statistics of the corner-point model.
    """
    arr = np.zeros(2**n_lists, dtype=np.float64)
    arr[1:] = y
    masks = np.arange(2**n_lists)
    for j in range(n_lists):
        bit = 1 << j
        low = masks[(masks & bit) == 0]
        arr[low] += arr[low | bit]
    return arr


@dataclass(frozen=True)
class Reduced:
    """A model restricted to the face of the extended MLE.

    ``params`` are the parameter masks still estimated (intercept first);
    ``neginf`` the ones fixed at minus infinity; ``keep`` a boolean mask over the
    cells that remain; ``extra`` optional additional covariate columns (e.g. a
    heterogeneity term), already restricted to all cells.
    """

    params: tuple[int, ...]
    neginf: tuple[int, ...]
    keep: np.ndarray
    X: np.ndarray


_REDUCED_CACHE: dict[tuple, Reduced] = {}


def reduce_model(
    nstar: np.ndarray,
    n_lists: int,
    params: tuple[int, ...],
    extra: np.ndarray | None = None,
    cache_key: tuple | None = None,
) -> Reduced:
    """Fix parameters with zero sufficient statistic at minus infinity, drop their cells.

    The result depends only on the model and on which of its terms are empty, so
    with a ``cache_key`` naming the design (lists, extra covariate) it is cached
    across tables (bootstrap replicates refit the same models many times).
    """
    neginf = tuple(t for t in params if t != 0 and nstar[t] == 0)
    key = None
    if cache_key is not None:
        key = (cache_key, n_lists, params, neginf)
        hit = _REDUCED_CACHE.get(key)
        if hit is not None:
            return hit
    est = tuple(t for t in params if t == 0 or nstar[t] != 0)
    d = master_design(n_lists)
    if neginf:
        codes = np.arange(1, 2**n_lists, dtype=np.int64)
        drop = np.zeros(codes.shape[0], dtype=bool)
        for t in neginf:
            drop |= (codes & t) == t
        keep = ~drop
    else:
        keep = np.ones(2**n_lists - 1, dtype=bool)
    x = d[np.ix_(keep, np.asarray(est, dtype=np.int64))]
    if extra is not None:
        x = np.hstack([x, extra[keep]])
    x = np.ascontiguousarray(x)
    keep.setflags(write=False)
    red = Reduced(est, neginf, keep, x)
    if key is not None:
        if len(_REDUCED_CACHE) > 50_000:
            _REDUCED_CACHE.clear()
        _REDUCED_CACHE[key] = red
    return red


_RANK_CACHE: dict[tuple, bool] = {}


def rank_deficient(red: Reduced, cache_key: tuple | None = None) -> bool:
    """True when the reduced design matrix does not have full column rank."""
    if cache_key is not None:
        key = (cache_key, red.params, red.neginf)
        hit = _RANK_CACHE.get(key)
        if hit is not None:
            return hit
    x = red.X
    if x.shape[0] < x.shape[1]:
        out = True
    else:
        out = bool(np.linalg.matrix_rank(x) < x.shape[1])
    if cache_key is not None:
        if len(_RANK_CACHE) > 500_000:
            _RANK_CACHE.clear()
        _RANK_CACHE[key] = out
    return out


def fr_lp_exists(x: np.ndarray, y: np.ndarray) -> bool:
    """Fienberg-Rinaldo linear program on design ``x`` (cells x params) and counts ``y``.

    Maximise s subject to ``x.T @ z == x.T @ y``, ``z_i >= s``, ``z >= 0``. The
    MLE exists iff the optimum s is positive (a strictly positive table with the
    same sufficient statistics exists).
    """
    y = np.asarray(y, dtype=np.float64)
    if y.size == 0:
        return False
    if np.all(y > 0):
        return True
    from scipy.optimize import linprog  # imported here: most fits never need the LP

    m, p = x.shape
    t = x.T @ y
    scale = max(1.0, float(y.max()))
    c = np.zeros(m + 1)
    c[-1] = -1.0
    a_eq = np.hstack([x.T, np.zeros((p, 1))])
    a_ub = np.hstack([-np.eye(m), np.ones((m, 1))])
    res = linprog(
        c,
        A_ub=a_ub,
        b_ub=np.zeros(m),
        A_eq=a_eq,
        b_eq=t,
        bounds=[(0, None)] * m + [(0, scale)],
        method="highs",
    )
    if res.status != 0:
        return False
    return bool(-res.fun > 1e-7 * scale)


def check_model(
    y: np.ndarray,
    n_lists: int,
    params: tuple[int, ...],
    extra: np.ndarray | None = None,
) -> tuple[int, Reduced]:
    """Status code (0/1/2/3, see :data:`STATUS_TEXT`) of a model on full cell vector ``y``.

    ``params`` are parameter masks including 0 (intercept) and the main effects.
    """
    y = np.asarray(y, dtype=np.float64)
    nstar = superset_sums(y, n_lists)
    red = reduce_model(nstar, n_lists, params, extra)
    status = 0
    if rank_deficient(red):
        status |= 2
    if not fr_lp_exists(red.X, y[red.keep]):
        status |= 1
    return status, red
