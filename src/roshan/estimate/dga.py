"""Bayesian model averaging over decomposable graphical models (Madigan & York 1997).

What: for 3 to 5 lists, every decomposable graphical model of list dependence
(:mod:`roshan.estimate.dga_graphs`) is given a hyper-Dirichlet prior on its cell
probabilities, a prior on the population size N, and the joint posterior of
(graph, N) is computed exactly on a grid of values for the number of people on
no list. The averaged posterior of N is summarised by its median, a credible
interval, the mean, the Bayes estimate under relative squared error loss and the
mode.

Why: it reproduces R's ``dga`` package (Johndrow, Lum & Ball; the method HRDAG
uses for casualty counts) so that roshan's numbers can be checked against it:

* ``MakeCompMatrix``/``CompLogML``: for every subset S of lists, the log
  marginal likelihood of the S-marginal table under a Dirichlet with parameter
  ``delta * 2**(p - |S|)`` per cell, where the all-absent cell of that marginal
  also holds the ``Nmissing`` unobserved people;
* a graph's log marginal likelihood = sum over cliques - sum over separators
  (plus one Dirichlet normalising term per clique-minus-separator);
* plus the multinomial coefficient, the log prior on N and, optionally, log prior
  model weights; normalised jointly over graphs and the grid.

Everything is vectorised over the Nmissing grid: only the all-absent cell of
each marginal depends on Nmissing, so each graph's log posterior is a fixed
linear combination (its clique/separator incidence row) of 2**p - 1 grid
vectors, evaluated chunk by chunk to bound memory.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from scipy.special import gammaln, logsumexp

from roshan.errors import EstimationError
from roshan.estimate.counts import CaptureCounts
from roshan.estimate.dga_graphs import MAX_LISTS, MIN_LISTS, DecomposableGraph, decomposable_graphs
from roshan.estimate.method_diagnostics import DgaDiagnostics, DgaGrid, PosteriorCurve
from roshan.estimate.results import EstimateResult

__all__ = [
    "study_methods",
    "DgaPosterior",
    "dga_posterior",
    "fit_dga",
    "negative_binomial_log_prior",
    "PRIORS",
]

LogPrior = Callable[[np.ndarray], np.ndarray]
"""A log prior on the total population size: takes an array of N, returns log p(N)."""

PRIORS = ("default", "uniform")
"""Named priors on N: ``default`` is dga's ``-log(N)`` (p(N) ∝ 1/N); ``uniform`` is flat."""

_CHUNK_CELLS = 4_000_000  # graphs x grid values evaluated at once (~32 MB of float64)


def negative_binomial_log_prior(a: float, b: float) -> LogPrior:
    """The negative-binomial-shaped log prior on N used in dga's tests and examples.

    ``log p(N) = N log b - (N + a) log(1 + b) + lgamma(N + a) - lgamma(N + 1) - lgamma(a)``,
    i.e. a negative binomial with size ``a`` and mean ``a * b``; Madigan & York's
    spina bifida example uses ``a = 13.14, b = 55.17``.
    """
    if a <= 0 or b <= 0:
        raise EstimationError("negative-binomial prior needs a > 0 and b > 0")

    def log_prior(n: np.ndarray) -> np.ndarray:
        n = np.asarray(n, dtype=float)
        return (
            n * math.log(b) - (n + a) * math.log1p(b) + gammaln(n + a) - gammaln(n + 1) - gammaln(a)
        )

    return log_prior


def _full_table(counts: CaptureCounts) -> np.ndarray:
    """Counts of the 2**p cells, cell code = sum of 2**j over lists j; cell 0 (nobody) = 0."""
    _, full = counts.full_table()
    return np.concatenate([[0], np.asarray(full, dtype=np.int64)])


def _subset_terms(y: np.ndarray, p: int, delta: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per subset mask S = 1..2**p-1: constant part, zero-cell offset and Dirichlet parameter.

    The log marginal likelihood of the S-marginal (dga's ``CompLogML``) is
    ``lgamma(Nmissing + d0[S] + a[S]) + const[S]`` where ``d0[S]`` counts observed
    people on none of the lists in S and ``a[S] = delta * 2**(p - |S|)``.
    Returned arrays are indexed by mask (index 0 unused).
    """
    n_cells = 1 << p
    codes = np.arange(n_cells)
    const = np.zeros(n_cells)
    d0 = np.zeros(n_cells)
    alpha = np.zeros(n_cells)
    for s in range(1, n_cells):
        size = bin(s).count("1")
        a = delta * 2.0 ** (p - size)
        marg = np.bincount(codes & s, weights=y, minlength=n_cells)
        present = np.unique(codes & s)  # the 2**|S| cells of the marginal
        others = present[present != 0]
        const[s] = float(np.sum(gammaln(marg[others] + a))) - len(present) * float(gammaln(a))
        d0[s] = marg[0]
        alpha[s] = a
    return const, d0, alpha


@lru_cache(maxsize=8)
def _incidence(p: int) -> tuple[np.ndarray, np.ndarray]:
    """Graph x subset coefficients (+1 per clique, -1 per separator) and clique-minus-separator counts.

    Rows follow :func:`decomposable_graphs` order; cached per ``p`` (read-only).
    """
    graphs = decomposable_graphs(p)
    inc = np.zeros((len(graphs), 1 << p))
    for i, g in enumerate(graphs):
        for m in g.clique_masks:
            inc[i, m] += 1.0
        for m in g.separator_masks:
            inc[i, m] -= 1.0
    nsub = np.array([len(g.cliques) - len(g.separators) for g in graphs], dtype=float)
    inc = np.ascontiguousarray(inc[:, 1:])
    inc.setflags(write=False)
    nsub.setflags(write=False)
    return inc, nsub


def _lse_rows_cols(block: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row and column log-sum-exp of ``block`` with a single ``exp`` (block is overwritten).

    Rows or columns whose sum underflows relative to the block maximum are
    recomputed exactly, so tiny model weights keep their precision.
    """
    m = float(block.max())
    if not np.isfinite(m):  # the prior rules out this whole chunk
        return np.full(block.shape[0], -np.inf), np.full(block.shape[1], -np.inf)
    block -= m  # now <= 0
    e = np.exp(block)
    rs = e.sum(axis=1)
    cs = e.sum(axis=0)
    with np.errstate(divide="ignore"):
        row = np.log(rs) + m
        col = np.log(cs) + m
    bad_r = rs < 1e-250
    bad_c = cs < 1e-250
    if bad_r.any():
        row[bad_r] = logsumexp(block[bad_r], axis=1) + m
    if bad_c.any():
        col[bad_c] = logsumexp(block[:, bad_c], axis=0) + m
    return row, col


@dataclass
class DgaPosterior:
    """The joint posterior over (graph, Nmissing) in compact form.

    ``n_missing`` is the grid; ``widths[k]`` is how many consecutive integers
    grid point ``k`` stands for (all 1 for an ordinary grid; larger in the
    geometric tail of an automatic grid, where the point's mass is its
    probability times its width). ``log_post_n`` is the log averaged posterior
    mass of each grid point (normalised); ``log_model`` the log posterior
    probability of each graph; ``log_joint_top`` the joint log posterior rows of
    the ``top`` graphs, in decreasing order of posterior probability
    (``top_index`` gives their index in ``graphs``). ``observed`` is the number
    of people seen on some list.
    """

    graphs: tuple[DecomposableGraph, ...]
    observed: int
    n_missing: np.ndarray
    widths: np.ndarray
    log_post_n: np.ndarray
    log_model: np.ndarray
    top_index: np.ndarray
    log_joint_top: np.ndarray

    @property
    def n_total(self) -> np.ndarray:
        """Grid of total population sizes N = observed + Nmissing."""
        return self.observed + self.n_missing

    @property
    def post_n(self) -> np.ndarray:
        """Averaged posterior mass of the grid points (sums to 1)."""
        return np.exp(self.log_post_n)

    @property
    def model_weights(self) -> np.ndarray:
        """Posterior probability of each graph (sums to 1)."""
        return np.exp(self.log_model)


def dga_posterior(
    table: np.ndarray,
    n_missing: np.ndarray,
    *,
    delta: float | None = None,
    log_prior: LogPrior | None = None,
    log_model_prior: Sequence[float] | np.ndarray | None = None,
    top: int = 10,
    widths: np.ndarray | None = None,
) -> DgaPosterior:
    """Posterior over (graph, Nmissing) for a full ``2**p`` table (numpy-level core).

    ``table[c]`` is the count of capture pattern with code ``c`` (list ``j`` on
    bit ``j``); ``table[0]`` is ignored (set to 0, as dga does). ``delta`` is the
    hyper-Dirichlet parameter per cell (``None``: ``2**-p``). ``n_missing`` is
    the grid of candidate numbers of unobserved people; ``log_prior`` maps the
    total N to its log prior (default ``-log N``). ``widths`` (default all 1)
    says how many integers each grid point stands for; its log is added to the
    point's log posterior. With unit widths this is exactly dga's ``bma.cr``,
    with the result kept as marginals rather than the full graphs x grid matrix.
    """
    y = np.asarray(table, dtype=float).copy()
    n_cells = y.shape[0]
    p = int(round(math.log2(n_cells)))
    if 1 << p != n_cells:
        raise EstimationError("the table must have 2**p cells")
    if not MIN_LISTS <= p <= MAX_LISTS:
        raise EstimationError(f"dga handles 3 to 5 lists, got {p}")
    if delta is None:
        delta = 2.0**-p
    if not (delta > 0 and math.isfinite(delta)):
        raise EstimationError(f"delta must be a positive number, got {delta}")
    y[0] = 0.0
    n_obs = float(y.sum())
    grid = np.asarray(n_missing, dtype=float)
    if grid.ndim != 1 or grid.size == 0 or np.any(grid < 0):
        raise EstimationError("the Nmissing grid must be a non-empty vector of values >= 0")
    graphs = decomposable_graphs(p)

    const, d0, alpha = _subset_terms(y, p, delta)
    inc, nsub = _incidence(p)
    base = inc @ const[1:]  # per graph, grid-independent part

    a_all = delta * n_cells
    denom = gammaln(a_all) - gammaln(grid + n_obs + a_all)
    multicoef = gammaln(grid + n_obs + 1) - float(np.sum(gammaln(y[1:] + 1))) - gammaln(grid + 1)
    lp = (
        (-np.log(grid + n_obs)) if log_prior is None else np.asarray(log_prior(grid + n_obs), float)
    )
    if lp.shape != grid.shape:
        raise EstimationError("log_prior must return one value per grid point")
    if np.any(np.isnan(lp)) or np.any(lp == np.inf):
        raise EstimationError("log_prior returned NaN or +inf; it must give log p(N) <= finite")
    common = multicoef + lp
    if widths is None:
        wid = np.ones(grid.size, dtype=np.int64)
    else:
        wid = np.asarray(widths, dtype=np.int64)
        if wid.shape != grid.shape or np.any(wid < 1):
            raise EstimationError("widths must be one positive integer per grid point")
        common = common + np.log(wid)
    if log_model_prior is not None:
        lmp = np.asarray(log_model_prior, dtype=float)
        if lmp.shape != (len(graphs),):
            raise EstimationError(
                f"log_model_prior must have one value per graph ({len(graphs)} for {p} lists)"
            )
        base = base + lmp

    # One matrix product gives every graph's log posterior on a chunk of the grid:
    # [incidence | nsub | 1 | base] @ [lgamma(Nmissing + d0 + a) ; denom ; common ; 1]
    n_graphs = len(graphs)
    coef = np.hstack([inc, nsub[:, None], np.ones((n_graphs, 1)), base[:, None]])

    def rows_for(g: np.ndarray, sl: slice) -> np.ndarray:
        f = np.empty((coef.shape[1], g.size))
        f[:-3] = gammaln(g[None, :] + d0[1:, None] + alpha[1:, None])
        f[-3] = denom[sl]
        f[-2] = common[sl]
        f[-1] = 1.0
        return f

    chunk = max(1, _CHUNK_CELLS // n_graphs)
    row_parts = []
    col_lse = np.empty(grid.size)
    for start in range(0, grid.size, chunk):
        sl = slice(start, start + chunk)
        block = coef @ rows_for(grid[sl], sl)
        r, c = _lse_rows_cols(block)
        row_parts.append(r)
        col_lse[sl] = c
    total = logsumexp(col_lse)
    if not np.isfinite(total):
        raise EstimationError("the dga posterior is not finite on this grid (check the prior)")
    log_post_n = col_lse - total
    log_model = logsumexp(np.stack(row_parts, axis=1), axis=1) - total

    order = np.argsort(-log_model, kind="stable")[: max(1, min(top, n_graphs))]
    order = order[np.isfinite(log_model[order])]  # graphs ruled out by the prior are not "top"
    joint_top = coef[order] @ rows_for(grid, slice(None))
    joint_top -= total
    return DgaPosterior(
        graphs=graphs,
        observed=int(round(n_obs)),
        n_missing=np.asarray(n_missing).astype(np.int64)
        if np.all(grid == np.round(grid))
        else grid,
        widths=wid,
        log_post_n=log_post_n,
        log_model=log_model,
        top_index=order,
        log_joint_top=joint_top,
    )


# ---------------------------------------------------------------------- summaries


def _quantile(n: np.ndarray, w: np.ndarray, widths: np.ndarray, q: float) -> float:
    """dga's ``posteriorQuantiles``: the first grid value whose cumulative mass exceeds q.

    A grid point standing for several integers (``widths > 1``) is split
    linearly, so the geometric tail of an automatic grid gives sensible values.
    """
    cs = np.cumsum(w) / np.sum(w)
    k = min(int(np.searchsorted(cs, q, side="right")), n.size - 1)
    if widths[k] <= 1:
        return float(n[k])
    before = cs[k - 1] if k else 0.0
    frac = (q - before) / max(cs[k] - before, 1e-300)
    return float(n[k] + math.floor(min(max(frac, 0.0), 1.0) * (widths[k] - 1)))


def _summaries(n: np.ndarray, w: np.ndarray, widths: np.ndarray, level: float) -> dict[str, float]:
    """Median, interval, mean, Bayes estimate (relative squared error) and mode of N."""
    w = w / np.sum(w)
    tail = (1.0 - level) / 2.0
    mid = n + (widths - 1) / 2.0  # centre of the integers a grid point stands for
    return {
        "median": _quantile(n, w, widths, 0.5),
        "lower": _quantile(n, w, widths, tail),
        "upper": _quantile(n, w, widths, 1.0 - tail),
        "mean": float(np.sum(w * mid)),
        # Madigan & York's estimator under loss ((N - Nhat)/N)^2: E[1/N] / E[1/N^2]
        "bayes_estimate": float(np.sum(w / mid) / np.sum(w / mid**2)),
        "mode": float(n[int(np.argmax(w / widths))]),
    }


def _default_seed(table: np.ndarray, delta: float) -> int:
    """A reproducible seed derived from the table (different tables get different draws)."""
    h = hashlib.sha256(np.asarray(table, dtype=np.int64).tobytes() + repr(delta).encode())
    return int.from_bytes(h.digest()[:8], "little")


def _choose_grid(
    y: np.ndarray,
    *,
    delta: float,
    log_prior: LogPrior | None,
    log_model_prior: np.ndarray | None,
    n_max: int | None,
    max_grid: int,
) -> tuple[np.ndarray, np.ndarray, list[str], DgaGrid]:
    """Pick the Nmissing grid and the widths of its points.

    With ``n_max`` given: every integer 0..n_max (evenly thinned to ``max_grid``
    points if longer). Otherwise a coarse pass (every integer below 1,000, then
    600 geometric steps up to a cap of ``max(10**6, 1000 * observed)``) locates
    the posterior; the final grid has every integer from the 1e-10 quantile to
    the 1 - 1e-4 quantile (at most ``max_grid`` of them), then 400 geometric
    steps up to the cap, so heavy right tails (the saturated model's posterior
    decays only like a power of N) are kept rather than cut off while the
    median and interval are computed on every integer.
    """
    n_obs = int(y.sum())
    warnings: list[str] = []
    if n_max is not None:
        if n_max < 1:
            raise EstimationError("n_max must be at least 1")
        step = max(1, math.ceil((n_max + 1) / max_grid))
        grid = np.arange(0, n_max + 1, step, dtype=np.int64)
        widths = np.minimum(step, n_max + 1 - grid)
        return grid, widths, warnings, {"grid_cap_missing": int(n_max)}

    cap = int(max(10**6, 1000 * n_obs))

    def with_widths(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        pts = np.unique(points.astype(np.int64))
        return pts, np.diff(np.append(pts, cap + 1))

    coarse, cw = with_widths(np.concatenate([np.arange(0, 1000), np.geomspace(1000, cap, 600)]))
    post = dga_posterior(
        y,
        coarse,
        delta=delta,
        log_prior=log_prior,
        log_model_prior=log_model_prior,
        top=1,
        widths=cw,
    ).post_n
    cs = np.cumsum(post)
    lo_i = int(np.searchsorted(cs, 1e-10, side="right"))
    hi_i = int(np.searchsorted(cs, 1.0 - 1e-4, side="right"))
    lo = int(coarse[max(lo_i - 1, 0)])
    hi = int(min(cap, coarse[min(hi_i, coarse.size - 1)] + cw[min(hi_i, coarse.size - 1)]))
    hi = min(hi, lo + max_grid - 1)
    fine = np.arange(lo, hi + 1, dtype=np.int64)
    tail = np.geomspace(hi + 1, cap, 400) if hi + 1 <= cap else np.zeros(0)
    grid, widths = with_widths(np.concatenate([fine, tail]))
    # mass in the last decade below the cap: a sign the truncation matters
    last_decade = float(post[coarse >= cap / 10].sum())
    info: DgaGrid = {"grid_cap_missing": cap, "mass_in_last_decade_before_cap": last_decade}
    if last_decade > 1e-3:
        warnings.append(
            f"the posterior of N has a heavy right tail: {last_decade:.1%} of it lies between "
            f"{cap // 10 + n_obs:,} and {cap + n_obs:,} people, where the grid stops; the upper "
            "bound and the mean are truncated there and not reliable. The lists overlap too "
            "little for this prior (try a smaller delta or more lists)."
        )
    return grid, widths, warnings, info


def _overlap_warnings(y: np.ndarray, p: int, lists: Sequence[str]) -> list[str]:
    """Plain-language warnings when lists barely overlap (the estimate then leans on the prior)."""
    out = []
    codes = np.arange(y.size)
    for a in range(p):
        for b in range(a + 1, p):
            both = y[(codes >> a & 1) & (codes >> b & 1) == 1].sum()
            if both == 0:
                out.append(
                    f"lists {lists[a]} and {lists[b]} share nobody; models linking them rest on "
                    "the prior alone"
                )
    if y[1:].sum() < 20:
        out.append(
            f"only {int(y[1:].sum())} people observed; the posterior is dominated by the prior"
        )
    return out


def fit_dga(
    counts: CaptureCounts,
    *,
    delta: float | None = None,
    prior: str = "default",
    log_prior: LogPrior | None = None,
    n_max: int | None = None,
    level: float = 0.95,
    n_missing: Sequence[int] | np.ndarray | None = None,
    log_model_prior: Sequence[float] | np.ndarray | None = None,
    include_saturated: bool = True,
    top: int = 10,
    n_draws: int = 4000,
    seed: int | None = None,
    max_grid: int = 50_000,
) -> EstimateResult[DgaDiagnostics]:
    """Estimate the total number of people by dga-style decomposable graph averaging.

    ``delta`` is the hyper-Dirichlet parameter per cell of the full table;
    ``None`` (default) means ``2**-p``, dga's suggested default (one prior
    observation spread over the whole table). Madigan & York's 3-list example
    uses ``delta = 1``, but on sparse 4- and 5-list tables ``delta = 1`` puts a
    whole prior person in every empty cell, favours the saturated model and pulls
    N down to barely above the observed count (see docs/estimation.md). ``prior`` names the prior on N
    (``"default"``: p(N) ∝ 1/N as in dga; ``"uniform"``); ``log_prior`` overrides
    it with any function of the total N (e.g. :func:`negative_binomial_log_prior`).
    The Nmissing grid is ``n_missing`` if given (dga's ``Nmissing``), else
    0..``n_max``, else chosen automatically to cover the posterior.
    ``log_model_prior`` gives log prior weights per graph in
    :func:`~roshan.estimate.dga_graphs.decomposable_graphs` order (default: equal).
    ``include_saturated=False`` drops the complete graph (all lists jointly
    dependent), under which the data say nothing about the unobserved: its
    share of the posterior of N is set by ``delta`` and the prior alone. dga
    includes it (the default here too, for comparability); a warning says when
    it carries real weight.

    Returns an :class:`EstimateResult` with ``estimate`` = posterior median of N,
    ``lower``/``upper`` the equal-tailed credible interval at ``level``;
    ``model`` names the averaging and lists the ``top`` graphs with posterior
    probability and per-graph summaries; ``diagnostics`` has the posterior mean,
    Bayes estimate (Madigan & York's, relative squared error loss), mode, the
    top graph's mode, grid and prior settings, and a compact posterior curve;
    ``draws`` are ``n_draws`` samples of N from the averaged posterior
    (reproducible: ``seed`` defaults to a hash of the table, so different strata
    get independent draws).
    """
    if not isinstance(counts, CaptureCounts):
        raise EstimationError("fit_dga needs a CaptureCounts table")
    p = counts.n_lists
    if not MIN_LISTS <= p <= MAX_LISTS:
        raise EstimationError(
            f"dga averages over decomposable graphs for 3 to 5 lists; this table has {p}. "
            + (
                "Use the log-linear method for 2 lists."
                if p < MIN_LISTS
                else "Merge lists (CaptureCounts.merge_lists) or use lcmcr."
            )
        )
    if not 0.0 < level < 1.0:
        raise EstimationError(f"level must be between 0 and 1, got {level}")
    if prior not in PRIORS and log_prior is None:
        raise EstimationError(f"unknown prior {prior!r}; choose one of {', '.join(PRIORS)}")
    if log_prior is None and prior == "uniform":

        def log_prior(n: np.ndarray) -> np.ndarray:
            return np.zeros_like(np.asarray(n, dtype=float))

    if n_draws < 0:
        raise EstimationError("n_draws must be >= 0")

    if delta is None:
        delta = 2.0**-p
    y = _full_table(counts)
    n_obs = int(y.sum())
    if n_obs == 0:
        raise EstimationError("no one observed on any list; nothing to estimate")
    lmp = None if log_model_prior is None else np.asarray(log_model_prior, dtype=float)
    n_graphs = len(decomposable_graphs(p))
    if lmp is not None and lmp.shape != (n_graphs,):
        raise EstimationError(
            f"log_model_prior must have one value per graph ({n_graphs} for {p} lists)"
        )
    if not include_saturated:
        # the complete graph is last in decomposable_graphs order
        lmp = np.zeros(n_graphs) if lmp is None else lmp.copy()
        lmp[-1] = -np.inf

    warnings = _overlap_warnings(y, p, counts.lists)
    if n_missing is not None:
        grid = np.asarray(n_missing)
        if grid.ndim != 1 or grid.size == 0:
            raise EstimationError("n_missing must be a non-empty list of values")
        if np.any(np.diff(grid) <= 0):
            raise EstimationError("n_missing must be increasing")
        widths = np.ones(grid.size, dtype=np.int64)  # as dga: each value stands for itself
        grid_info: DgaGrid = {"grid_cap_missing": int(grid[-1])}
    else:
        grid, widths, gw, grid_info = _choose_grid(
            y,
            delta=delta,
            log_prior=log_prior,
            log_model_prior=lmp,
            n_max=n_max,
            max_grid=max_grid,
        )
        warnings.extend(gw)

    post = dga_posterior(
        y, grid, delta=delta, log_prior=log_prior, log_model_prior=lmp, top=top, widths=widths
    )
    n_tot = post.n_total.astype(float)
    w = post.post_n
    s = _summaries(n_tot, w, post.widths, level)

    if n_missing is not None or n_max is not None:
        upper_mass = float(w[int(0.95 * w.size) :].sum())
        grid_info["mass_in_last_5pct_of_grid"] = upper_mass
        if upper_mass > 1e-3:
            warnings.append(
                f"{upper_mass:.1%} of the posterior lies at the top of the Nmissing grid "
                f"(up to {int(n_tot[-1]):,} people); widen the grid (n_max) - the upper bound "
                "is cut off"
            )

    weights = post.model_weights
    sat_w = float(weights[-1])
    if sat_w > 0.05:
        warnings.append(
            f"the saturated model (every list dependent on every other) has posterior "
            f"probability {sat_w:.0%}; under it the data say nothing about the people on no "
            "list, so that share of the result is set by delta and the prior on N alone (with "
            "a small delta it piles up at the observed count). Treat the estimate as "
            "unreliable and compare include_saturated=False and other methods."
        )
    top_models: list[dict[str, Any]] = []
    for rank, gi in enumerate(post.top_index):
        g = post.graphs[int(gi)]
        lrow = post.log_joint_top[rank]
        row = np.exp(lrow - logsumexp(lrow))  # normalised within the graph
        ms = _summaries(n_tot, row, post.widths, level)
        top_models.append(
            {
                "graph": g.label(counts.lists),
                "edges": g.edge_labels(counts.lists),
                "cliques": [[counts.lists[v] for v in c] for c in g.cliques],
                "separators": [[counts.lists[v] for v in c] for c in g.separators],
                "index": int(gi),
                "weight": float(weights[gi]),
                "median": ms["median"],
                "lower": ms["lower"],
                "upper": ms["upper"],
                "bayes_estimate": ms["bayes_estimate"],
                "mode": ms["mode"],
            }
        )
    best = top_models[0]

    draws = None
    if n_draws:
        rng = np.random.default_rng(_default_seed(y, delta) if seed is None else seed)
        idx = rng.choice(w.size, size=n_draws, p=w / w.sum())
        draws = post.n_total[idx].astype(np.int64)
        draws = draws + rng.integers(0, post.widths[idx])  # uniform within a wide point

    prior_name = "custom" if log_prior is not None and prior not in ("uniform",) else prior
    if prior_name == "default":
        prior_text = "p(N) proportional to 1/N"
    elif prior_name == "uniform":
        prior_text = "p(N) flat on the grid"
    else:
        prior_text = "user-supplied log prior on N"

    diagnostics: DgaDiagnostics = {
        "interval": "credible interval",
        "posterior_median": s["median"],
        "posterior_mean": s["mean"],
        "bayes_estimate": s["bayes_estimate"],
        "posterior_mode": s["mode"],
        "top_model_mode": best["mode"],
        "top_model_weight": best["weight"],
        "saturated_weight": sat_w,
        "include_saturated": bool(include_saturated),
        "n_graphs": len(post.graphs),
        "effective_graphs": float(1.0 / np.sum(weights**2)),
        "delta": float(delta),
        "prior": prior_name,
        "prior_description": prior_text,
        "grid_min_missing": int(post.n_missing[0]),
        "grid_max_missing": int(post.n_missing[-1]),
        "grid_step": int(post.widths[0]),  # spacing of the bulk of the grid
        "grid_points": int(post.n_missing.size),
        **grid_info,
        "posterior_curve": _compact_curve(n_tot, w, post.widths),
        "n_draws": int(n_draws),
    }
    model = {
        "name": (
            f"average over {len(post.graphs)} decomposable graphs "
            f"(top: {best['graph']}, posterior probability {best['weight']:.2f})"
        ),
        "delta": float(delta),
        "prior": prior_name,
        "top": top_models,
    }
    return EstimateResult(
        method="dga",
        lists=list(counts.lists),
        observed=n_obs,
        estimate=s["median"],
        lower=s["lower"],
        upper=s["upper"],
        level=level,
        model=model,
        diagnostics=diagnostics,
        warnings=warnings,
        draws=draws,
    )


def _compact_curve(
    n: np.ndarray, w: np.ndarray, widths: np.ndarray, max_points: int = 300
) -> PosteriorCurve:
    """The averaged posterior of N as at most ``max_points`` bins, for JSON and plots.

    Covers the 0.05% to 99.95% quantiles. Bins are even, or geometric when that
    range spans more than a factor of 20 (``"scale": "log"``: a spike at the
    observed count and a long tail both stay visible). Each bin's ``density`` is
    its posterior mass divided by its width (probability per person), computed
    from the cumulative distribution so no mass is lost between sample points.
    """
    cdf = np.cumsum(w) / np.sum(w)
    right = n + widths  # grid point k stands for [n_k, n_k + width_k)
    lo = float(n[min(int(np.searchsorted(cdf, 0.0005, side="right")), n.size - 1)])
    hi = float(right[min(int(np.searchsorted(cdf, 0.9995, side="right")), n.size - 1)])
    hi = max(hi, lo + 1.0)
    xs = np.concatenate([[float(n[0])], right.astype(float)])
    ys = np.concatenate([[0.0], cdf])
    log = hi / max(lo, 1.0) > 20.0
    k = int(min(max_points, max(1, round(hi - lo))))
    edges = np.geomspace(max(lo, 1.0), hi, k + 1) if log else np.linspace(lo, hi, k + 1)
    mass = np.diff(np.interp(edges, xs, ys))
    width = np.diff(edges)
    mids = np.sqrt(edges[:-1] * edges[1:]) if log else (edges[:-1] + edges[1:]) / 2
    return {
        "n": [float(x) for x in mids],
        "density": [float(x) for x in mass / width],
        "scale": "log" if log else "linear",
    }


def study_methods(
    **fit_kwargs: object,
) -> dict[str, Callable[[CaptureCounts, int], EstimateResult]]:
    """``{"dga": fn}`` for :func:`roshan.estimate.simstudy.run_study` (``fn(counts, seed)``).

    ``fit_kwargs`` go to :func:`fit_dga` (e.g. ``delta=1.0``); draws are skipped
    (``n_draws=0``) since a coverage study only needs the interval.
    """
    kw = {"n_draws": 0, **fit_kwargs}

    def dga(counts: CaptureCounts, seed: int) -> EstimateResult:
        return fit_dga(counts, seed=seed, **kw)  # type: ignore[arg-type]

    return {"dga": dga}
