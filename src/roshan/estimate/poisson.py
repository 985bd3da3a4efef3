"""Poisson log-linear models on a capture-pattern table: specification and fitting.

A model is a hierarchical set of interaction terms between lists (every
subset of a term is also in the model; main effects always are), optionally
with a heterogeneity covariate in the number of lists a person is on
(Rcapture's Darroch / Poisson / Gamma "Mh" terms). It is fitted by Poisson
regression on all ``2**J - 1`` observable cells, zeros included, in
corner-point coding: ``log mu_cell`` is the sum of the parameters whose lists
the cell contains, so the unobserved cell's mean is ``exp(intercept)`` and
N̂ = observed + exp(intercept).

Fitting is IRLS in numpy (tiny dense systems), warm-startable from a
neighbouring model's coefficients, because model search and the bootstrap fit
thousands of models. Parameters whose sufficient statistic is zero are put at
minus infinity and their cells dropped (extended MLE, see
:mod:`roshan.estimate.identifiability`); a model whose MLE does not exist or is
not identifiable gets a non-zero ``status`` and no estimate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
from numba import njit
from scipy.special import gammaln, xlogy

from roshan.errors import EstimationError
from roshan.estimate.counts import CaptureCounts
from roshan.estimate.identifiability import (
    STATUS_TEXT,
    fr_lp_exists,
    rank_deficient,
    reduce_model,
    superset_sums,
)

__all__ = [
    "HETEROGENEITY",
    "Model",
    "ModelFit",
    "Table",
    "fit_model",
    "profile_interval",
]

#: Heterogeneity covariates f(k) of the number k of lists a person is on
#: (Rivest & Baillargeon's Rcapture); all are 0 at k = 0.
HETEROGENEITY = {
    "darroch": lambda k: k.astype(float) ** 2 / 2.0,
    "poisson2": lambda k: 2.0 ** k.astype(float) - 1.0,
    "gamma3.5": lambda k: -np.log(3.5 + k.astype(float)) + math.log(3.5),
}


def _popcount(x: int) -> int:
    return bin(x).count("1")


def _closure(terms: set[int]) -> set[int]:
    """Add every subset (of size >= 2) of every term: the hierarchical closure."""
    out = set()
    for t in terms:
        bits = [1 << j for j in range(t.bit_length()) if t >> j & 1]
        for r in range(2, len(bits) + 1):
            for combo in combinations(bits, r):
                out.add(sum(combo))
    return out


@dataclass(frozen=True)
class Model:
    """A hierarchical log-linear model: interaction terms (list bitmasks, size >= 2).

    ``terms`` is always stored hierarchically closed and sorted; main effects and
    the intercept are implicit. ``heterogeneity`` names an optional covariate of
    the number of captures (see :data:`HETEROGENEITY`).
    """

    terms: tuple[int, ...] = ()
    heterogeneity: str | None = None

    @classmethod
    def of(cls, terms, heterogeneity: str | None = None) -> Model:
        """Build from any iterable of masks, closing it hierarchically."""
        ts = {int(t) for t in terms}
        if any(_popcount(t) < 2 for t in ts):
            raise EstimationError("interaction terms must involve at least two lists")
        if heterogeneity is not None and heterogeneity not in HETEROGENEITY:
            raise EstimationError(
                f"unknown heterogeneity {heterogeneity!r}; use one of {sorted(HETEROGENEITY)}"
            )
        return cls(tuple(sorted(_closure(ts), key=lambda t: (_popcount(t), t))), heterogeneity)

    @classmethod
    def parse(
        cls, text: str, lists: tuple[str, ...] | list[str], heterogeneity: str | None = None
    ) -> Model:
        """Parse ``"A:B,A:C"`` (list names joined by ``:``, terms by ``,`` or ``+``)."""
        names = list(lists)
        masks = []
        for raw in text.replace("+", ",").split(","):
            raw = raw.strip()
            if not raw:
                continue
            mask = 0
            for part in raw.split(":"):
                part = part.strip()
                if part not in names:
                    raise EstimationError(
                        f"term {raw!r}: {part!r} is not a list; lists are {', '.join(names)}"
                    )
                mask |= 1 << names.index(part)
            if _popcount(mask) < 2:
                raise EstimationError(f"term {raw!r} must join at least two different lists")
            if _popcount(mask) == len(names):
                raise EstimationError(
                    f"term {raw!r} joins all {len(names)} lists: it is confounded with the "
                    "unobserved count and can never be estimated"
                )
            masks.append(mask)
        return cls.of(masks, heterogeneity)

    @property
    def order(self) -> int:
        """Highest interaction order (1 = independence)."""
        return max((_popcount(t) for t in self.terms), default=1)

    def params(self, n_lists: int) -> tuple[int, ...]:
        """Parameter masks: intercept 0, main effects, then the interaction terms."""
        return (0,) + tuple(1 << j for j in range(n_lists)) + self.terms

    def generators(self) -> tuple[int, ...]:
        """The maximal terms (those not contained in another term)."""
        ts = self.terms
        return tuple(t for t in ts if not any(u != t and (u & t) == t for u in ts))

    def label(self, lists) -> str:
        """Readable formula, e.g. ``A + B + C + A:B + B:C [+ h(darroch)]``."""
        names = list(lists)
        parts = list(names)
        for t in self.terms:
            parts.append(":".join(names[j] for j in range(len(names)) if t >> j & 1))
        if self.heterogeneity:
            parts.append(f"h({self.heterogeneity})")
        return " + ".join(parts)

    def hierarchy(self, n_lists: int) -> str:
        """MultipleSystemsEstimation notation, e.g. ``[12,23]`` (lists numbered from 1)."""
        gens = self.generators()
        covered = 0
        for g in gens:
            covered |= g
        items = [g for g in gens] + [1 << j for j in range(n_lists) if not covered >> j & 1]
        items.sort(key=lambda t: (-_popcount(t), [j for j in range(n_lists) if t >> j & 1]))
        return (
            "["
            + ",".join("".join(str(j + 1) for j in range(n_lists) if t >> j & 1) for t in items)
            + "]"
        )

    def term_names(self, lists) -> list[str]:
        """Interaction terms as ``A:B`` strings."""
        names = list(lists)
        return [":".join(names[j] for j in range(len(names)) if t >> j & 1) for t in self.terms]


class Table:
    """A capture table prepared for repeated fitting: cell counts and margins.

    ``y`` is the full cell vector in roshan's fixed pattern order. Build one per
    data set (or bootstrap replicate) and fit many models on it.
    """

    def __init__(self, y: np.ndarray, n_lists: int) -> None:
        self.n_lists = int(n_lists)
        self.y = np.asarray(y, dtype=np.float64)
        if self.y.shape != (2**self.n_lists - 1,):
            raise ValueError("y must have 2**n_lists - 1 cells")
        self.n = float(self.y.sum())
        self.nstar = superset_sums(self.y, self.n_lists)
        codes = np.arange(1, 2**self.n_lists, dtype=np.int64)
        self.captures = np.array([_popcount(int(c)) for c in codes], dtype=np.int64)
        self.lgam = gammaln(self.y + 1.0)  # log(y!) per cell, for log-likelihoods

    @classmethod
    def from_counts(cls, counts: CaptureCounts) -> Table:
        """Table of a :class:`CaptureCounts`."""
        return cls(counts.full_table()[1], counts.n_lists)

    def het_column(self, kind: str) -> np.ndarray:
        """The heterogeneity covariate for every observable cell (a column vector)."""
        return HETEROGENEITY[kind](self.captures)[:, None]


@dataclass
class ModelFit:
    """The fit of one model on one table.

    ``status`` is 0 when the estimate is meaningful, otherwise the code from
    :mod:`roshan.estimate.identifiability` (1 MLE does not exist, 2 not
    identifiable, 3 both) or 4 when IRLS did not converge; ``reason`` says why.
    ``coef`` maps parameter masks (and ``"h"`` for heterogeneity) to estimates;
    masks fixed at minus infinity map to ``-inf``.
    """

    model: Model
    status: int
    reason: str | None = None
    estimate: float | None = None
    loglik: float = float("nan")
    aic: float = float("inf")
    bic: float = float("inf")
    n_params: int = 0
    coef: dict = field(default_factory=dict)
    fitted: np.ndarray | None = None
    neginf: tuple[int, ...] = ()
    iterations: int = 0

    @property
    def ok(self) -> bool:
        """True when the fit gives a meaningful estimate."""
        return self.status == 0

    def criterion(self, name: str) -> float:
        """``aic`` or ``bic``; infinite for a failed fit (so searches skip it)."""
        if not self.ok:
            return float("inf")
        return self.aic if name == "aic" else self.bic


@njit(cache=True)
def _predict(x, beta, offset, eta, mu):  # pragma: no cover
    """The linear predictor of ``beta`` (clipped to +-700) into ``eta``, its fitted means
    into ``mu``."""
    m, p = x.shape
    for i in range(m):
        e = offset[i]
        for k in range(p):
            e += x[i, k] * beta[k]
        eta[i] = min(max(e, -700.0), 700.0)
        mu[i] = math.exp(eta[i])


@njit(cache=True)
def _irls_kernel(x, y, beta, use_start, offset, maxit, tol, diverge_exit):  # pragma: no cover
    m, p = x.shape
    eta = np.empty(m)
    mu = np.empty(m)
    if use_start:
        _predict(x, beta, offset, eta, mu)
    else:
        for i in range(m):
            mu[i] = y[i] + 0.1
            eta[i] = math.log(mu[i])
    dev_old = np.inf
    first = not use_start
    xtwx = np.empty((p, p))
    xtwz = np.empty(p)
    for it in range(1, maxit + 1):
        xtwx[:, :] = 0.0
        xtwz[:] = 0.0
        for i in range(m):
            w = mu[i]
            z = eta[i] - offset[i] + (y[i] - mu[i]) / mu[i]
            for k in range(p):
                xk = x[i, k] * w
                if xk != 0.0:
                    xtwz[k] += xk * z
                    for q in range(p):
                        xtwx[k, q] += xk * x[i, q]
        ok = True
        for v in xtwz:
            if not np.isfinite(v):
                ok = False
        if not ok:
            return beta, mu, 0, it
        try:
            new = np.linalg.solve(xtwx, xtwz)
        except Exception:  # noqa: BLE001 - numba catches only Exception; singular X'WX
            return beta, mu, 0, it
        step = 0.0
        for k in range(p):
            d = abs(new[k] - beta[k])
            if d > step or not np.isfinite(d):
                step = d
        if first:
            step = np.inf
            first = False
        beta = new
        _predict(x, beta, offset, eta, mu)
        dev = 0.0
        mu_min = np.inf
        for i in range(m):
            if mu[i] < mu_min:
                mu_min = mu[i]
            if y[i] > 0:
                dev += y[i] * math.log(y[i] / max(mu[i], 1e-300))
            dev -= y[i] - mu[i]
        dev *= 2.0
        rel = abs(dev - dev_old) / (abs(dev) + 0.1)
        if rel < tol and step < 1e-6:
            return beta, mu, 1, it
        if diverge_exit and it >= 12 and step > 0.5 and rel < 1e-8 and mu_min < 1e-8:
            return beta, mu, -1, it
        dev_old = dev
    return beta, mu, 0, maxit


def _irls(
    x: np.ndarray,
    y: np.ndarray,
    beta: np.ndarray | None,
    offset: np.ndarray | float = 0.0,
    maxit: int = 60,
    tol: float = 1e-10,
    diverge_exit: bool = False,
) -> tuple[np.ndarray, np.ndarray, bool, int]:
    """Poisson IRLS (canonical log link). Returns beta, fitted mu, converged, iterations.

    Converged means the deviance has settled *and* the last Newton step moved no
    coefficient by more than 1e-6. When the MLE does not exist the deviance
    settles but the steps stay near 1 (some fitted cells shrink geometrically
    towards 0), so a converged fit is a certificate that a finite MLE exists.
    With ``diverge_exit`` that signature stops the loop early and the returned
    iteration count is negative. The loop is compiled with numba (many small fits).
    """
    x = np.ascontiguousarray(x, dtype=np.float64)
    y = np.ascontiguousarray(y, dtype=np.float64)
    off = np.broadcast_to(np.asarray(offset, dtype=np.float64), y.shape).copy()
    use = beta is not None
    b0 = np.ascontiguousarray(beta, dtype=np.float64) if use else np.zeros(x.shape[1])
    b, mu, code, its = _irls_kernel(x, y, b0, use, off, maxit, tol, diverge_exit)
    return b, mu, code == 1, (-its if code == -1 else its)


def fit_model(
    table: Table, model: Model, start: dict | None = None, check: bool = True, exact: bool = True
) -> ModelFit:
    """Fit ``model`` to ``table`` by Poisson maximum likelihood on the extended-MLE face.

    ``start`` (a previous fit's ``coef``) warm-starts IRLS. With ``check`` the
    Fienberg-Rinaldo and rank checks are applied: the LP runs only when IRLS
    cannot certify existence itself (a converged fit, coefficients settled, is a
    finite maximiser: a strictly positive table with the data's margins).
    With ``exact=False`` (used inside model searches, where only "usable or
    not" matters) a fit showing the divergence signature of a missing MLE is
    declared failing without the LP, and rank-deficient models skip the LP.
    """
    j = table.n_lists
    params = model.params(j)
    extra = table.het_column(model.heterogeneity) if model.heterogeneity else None
    red = reduce_model(table.nstar, j, params, extra, cache_key=(model.heterogeneity,))
    npars_total = len(params) + (1 if extra is not None else 0)
    y = table.y[red.keep]
    cache_key = (j, model.heterogeneity)
    status = 0
    if rank_deficient(red, cache_key):
        status |= 2
        if check and exact and not fr_lp_exists(red.X, y):
            status |= 1
        return ModelFit(model, status, STATUS_TEXT[status], n_params=npars_total, neginf=red.neginf)
    beta0 = None
    if start:
        keys = list(red.params) + (["h"] if extra is not None else [])
        beta0 = np.array([start.get(k, 0.0) for k in keys], dtype=np.float64)
        if not np.all(np.isfinite(beta0)):
            beta0 = None
    beta, mu, conv, its = _irls(red.X, y, beta0, diverge_exit=not exact)
    if not conv and its > 0 and beta0 is not None:
        beta, mu, conv, its = _irls(red.X, y, None, diverge_exit=not exact)
    certified = conv and mu.size > 0 and bool(np.all(mu > 0))
    diverged = its < 0
    its = abs(its)
    if check and not certified and (diverged or not fr_lp_exists(red.X, y)):
        status = 1
        return ModelFit(
            model,
            status,
            STATUS_TEXT[status],
            n_params=npars_total,
            neginf=red.neginf,
            iterations=its,
        )
    if not conv or not np.all(np.isfinite(beta)):
        return ModelFit(
            model,
            4,
            "the Poisson fit did not converge",
            n_params=npars_total,
            neginf=red.neginf,
            iterations=its,
        )
    ll = float(np.sum(xlogy(y, mu) - mu)) - float(table.lgam[red.keep].sum())
    coef: dict = {p: float(b) for p, b in zip(red.params, beta[: len(red.params)], strict=True)}
    if extra is not None:
        coef["h"] = float(beta[-1])
    for p in red.neginf:
        coef[p] = float("-inf")
    unobs = math.exp(min(coef[0], 700.0))
    fitted = np.zeros(table.y.shape[0])
    fitted[red.keep] = mu
    n_bic = table.n if table.n > 0 else 1.0
    return ModelFit(
        model,
        0,
        None,
        estimate=table.n + unobs,
        loglik=ll,
        aic=2.0 * npars_total - 2.0 * ll,
        bic=npars_total * math.log(n_bic) - 2.0 * ll,
        n_params=npars_total,
        coef=coef,
        fitted=fitted,
        neginf=red.neginf,
        iterations=its,
    )


def profile_interval(
    table: Table, fit: ModelFit, level: float = 0.95, max_factor: float = 1000.0
) -> tuple[float | None, float | None]:
    """Profile-likelihood interval for N under a fixed model (Cormack 1992, as in Rcapture).

    For each candidate N the unobserved cell gets count N - n and the model is
    refitted on the complete table; the multinomial profile log-likelihood is
    ``log N!/(N-n)! + sum n_w log(mu_w / N)`` (up to a constant). The interval is
    every N whose profile is within ``chi2_1(level)/2`` of the maximum. ``upper``
    is ``None`` when the profile does not drop enough below ``max_factor * N̂``.
    """
    from scipy.optimize import brentq, minimize_scalar
    from scipy.special import ndtri

    if not fit.ok or fit.estimate is None:
        return None, None
    j = table.n_lists
    params = fit.model.params(j)
    extra = table.het_column(fit.model.heterogeneity) if fit.model.heterogeneity else None
    red = reduce_model(table.nstar, j, params, extra)
    x = np.vstack([red.X, np.eye(1, red.X.shape[1])])  # unobserved cell: intercept only
    y_obs = table.y[red.keep]
    n = table.n
    keys = list(red.params) + (["h"] if extra is not None else [])
    state = {"beta": np.array([fit.coef[k] for k in keys])}

    def prof(big_n: float) -> float:
        n0 = max(big_n - n, 0.0)
        yy = np.append(y_obs, n0)
        beta, mu, conv, _ = _irls(x, yy, state["beta"])
        if not conv:
            beta, mu, conv, _ = _irls(x, yy, None)
        state["beta"] = beta
        return float(gammaln(big_n + 1.0) - gammaln(n0 + 1.0) + np.sum(xlogy(yy, mu / big_n)))

    crit = float(ndtri((1.0 + level) / 2.0)) ** 2 / 2.0  # chi2_1 quantile / 2
    nhat = float(fit.estimate)
    hi_lim = max(nhat * max_factor, n + 10.0)
    opt = minimize_scalar(
        lambda v: -prof(v),
        bounds=(n, max(nhat * 3.0, n + 5.0)),
        method="bounded",
        options={"xatol": 1e-6 * nhat},
    )
    n_star, lmax = float(opt.x), -float(opt.fun)
    lmax = max(lmax, prof(nhat))
    g = lambda v: lmax - prof(v) - crit  # noqa: E731
    lower: float | None
    if g(n) <= 0:
        lower = n
    else:
        lower = brentq(g, n, max(n_star, n + 1e-9), xtol=1e-6)
    upper: float | None = None
    hi = max(n_star, nhat) * 1.5 + 1.0
    prev = max(n_star, nhat)
    while hi <= hi_lim:
        if g(hi) > 0:
            upper = brentq(g, prev, hi, xtol=1e-6)
            break
        prev, hi = hi, hi * 2.0
    return lower, upper
