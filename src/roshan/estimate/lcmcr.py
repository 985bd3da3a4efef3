r"""LCMCR: Bayesian non-parametric latent-class multiple-systems estimation.

This is the model of Manrique-Vallier (2016), "Bayesian population size
estimation using Dirichlet process mixtures", *Biometrics* 72(4):1246–1254, as
implemented in R's ``LCMCR`` package (the estimator HRDAG uses for casualty
counts), re-implemented with our own Gibbs sampler
(:mod:`roshan.estimate.lcmcr_kernel`). It lets capture probabilities differ
between unobserved groups of people (latent classes), which is how it absorbs
heterogeneity and list dependence that a single log-linear model would miss.

Model
-----
Each of the N people belongs to a latent class :math:`z_i \in \{1..K\}`; given
the class, being on list j is an independent Bernoulli(:math:`\lambda_{jk}`).

* class weights: truncated stick-breaking, :math:`V_k \sim \mathrm{Beta}(1, \alpha)`
  for k < K, :math:`V_K = 1`, :math:`\pi_k = V_k \prod_{l<k}(1 - V_l)`;
* concentration :math:`\alpha \sim \mathrm{Gamma}(a_\alpha, b_\alpha)` (shape, rate),
  default :math:`a_\alpha = b_\alpha = 0.25` as in R;
* :math:`\lambda_{jk} \sim \mathrm{Beta}(1, 1)`;
* :math:`p(N) \propto 1/N`.

Full conditionals (one Gibbs sweep, in R LCMCR's order)
--------------------------------------------------------
Write :math:`n` for the number observed, :math:`n_0` for the number unobserved,
:math:`x_m` for an observed capture pattern with count :math:`c_m`, and
:math:`q_k(x) = \pi_k \prod_j \lambda_{jk}^{x_j} (1-\lambda_{jk})^{1-x_j}`.

1. Class counts of each observed pattern, vectorised over patterns:
   :math:`(c_{m1},\dots,c_{mK}) \sim \mathrm{Multinomial}(c_m;\ q_k(x_m) / \sum_l q_l(x_m))`.
2. :math:`\lambda_{jk} \sim \mathrm{Beta}(1 + s_{jk},\ 1 + n_k - s_{jk})` where
   :math:`n_k = \sum_m c_{mk} + n_{0k}` counts class k including the unobserved and
   :math:`s_{jk} = \sum_m c_{mk} x_{mj}` those of them on list j.
3. :math:`V_k \sim \mathrm{Beta}(1 + n_k,\ \alpha + \sum_{l>k} n_l)`, k < K (drawn in
   log space through two log-Gamma variates, so tiny weights do not underflow).
4. With :math:`p_0 = \sum_k \pi_k \prod_j (1-\lambda_{jk})` the probability of being
   on no list, :math:`n_0 \sim \mathrm{NegBin}(n,\ 1 - p_0)` (number of failures
   before n successes), i.e. :math:`P(n_0) \propto \binom{n + n_0 - 1}{n_0}(1-p_0)^n p_0^{n_0}`.
   This is the full conditional under the 1/N prior (R: ``gsl_ran_negative_binomial(r, 1 - p0, n)``).
5. :math:`(n_{01},\dots,n_{0K}) \sim \mathrm{Multinomial}(n_0;\ q_k(0) / p_0)`.
6. :math:`\alpha \sim \mathrm{Gamma}(a_\alpha + K - 1,\ \text{rate } b_\alpha - \log \pi_K)`,
   where :math:`\log \pi_K = \sum_{k<K} \log(1 - V_k)`.

Initialisation as in R: :math:`\lambda_{jk}` at list j's observed share, four
dominant classes, 500 warm-up sweeps with :math:`\alpha = 0.3/K` fixed, classes
re-ordered by decreasing weight; then burn-in and thinned sampling.
The record of each kept sweep is :math:`N = n + n_0`.

These conditionals were checked line by line against ``NPLCM_CR_Basic_Freq.cpp``
of LCMCR 0.4.x (Manrique-Vallier), and the posteriors against reference runs of
R's LCMCR on published tables (see tests/estimate/test_lcmcr.py).

Defaults and why
----------------
``classes=10`` (R's default; the stick-breaking prior leaves unused classes
empty), ``burnin=10_000``, ``samples=1_000`` kept draws per chain, ``thin=50``,
``chains=4``: the N chain of this model is strongly autocorrelated (on the UK
slavery table the posterior is bimodal and a chain can sit in one mode for
thousands of sweeps), so we keep one sweep in 50 and run four chains so that
R-hat can see a stuck chain. At roughly 150,000–300,000 sweeps a second that is
240,000 sweeps, one to two seconds on a laptop core (chains run in parallel
threads when ``workers`` allows). The estimate is the posterior median of N
and the interval the equal-tailed ``level`` interval of the pooled draws.

Known weakness (kept on purpose, reported honestly): on populations with a
large, rarely-listed group the posterior puts too much mass on "few classes"
and intervals miss low (see :mod:`roshan.estimate.simstudy` and
docs/estimation.md). :func:`roshan.estimate.recommended.fit_recommended` is
the default that corrects for it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NamedTuple, TypeVar

import numpy as np

from roshan.errors import EstimationError
from roshan.estimate.counts import CaptureCounts, data_warnings
from roshan.estimate.diagnostics import ESS_WARN, RHAT_WARN, ess_bulk, ess_tail, rhat
from roshan.estimate.results import EstimateResult, median_interval

__all__ = [
    "fit_lcmcr",
    "sample_lcmcr",
    "extend_draws",
    "LcmcrChains",
    "LcmcrDraws",
    "WARMUP_SWEEPS",
    "DEFAULT_SEED",
    "DEFAULT_EXTENSIONS",
    "DEFAULT_EXTEND_RULE",
    "EXTEND_RULES",
    "R_N0_CAP",
    "MODE_RATIO_WARN",
    "start_scales",
    "chains_disagree",
    "resolve_seed",
    "kernel_seed",
]

WARMUP_SWEEPS = 500
"""Initial sweeps with alpha fixed, as in R LCMCR, before burn-in."""

# The sampler's defaults (see "Defaults and why" above), one place for every fit that
# runs these chains: fit_lcmcr, sample_lcmcr, fit_recommended and the linkage draws.
CLASSES = 10
BURNIN = 10_000
SAMPLES = 1_000
THIN = 50
CHAINS = 4
ALPHA_PRIOR = 0.25
"""R's LCMCR prior on the concentration alpha: Gamma(a_alpha, b_alpha) = (0.25, 0.25)."""

DEFAULT_SEED = 20260108
"""Seed used when none is given (``fit_lcmcr``, ``fit_recommended``, ``roshan estimate``):
the same command gives the same number. Recorded in every result's diagnostics with
``seed_source`` = ``"default"`` or ``"given"``."""

R_N0_CAP = 20
"""R's LCMCR redraws n0 whenever it exceeds 20 x the observed count. roshan does not
(the model as published has no cap, and a cap changes the posterior); it reports the
share of draws above the cap (``diagnostics["share_above_r_cap"]``) and warns."""

MODE_RATIO_WARN = 1.2
"""Largest/smallest chain median of N above which the chains are said to sit in
different modes (warned even when R-hat is below :data:`RHAT_WARN`)."""


DEFAULT_EXTENSIONS = 4
"""Rounds by which :func:`fit_lcmcr` runs its chains on, by default, while they disagree
(R-hat above :data:`RHAT_WARN` or medians :data:`MODE_RATIO_WARN` apart), by
:data:`DEFAULT_EXTEND_RULE` = ``"double"``: round r runs every chain on for as many sweeps
as it has run since burn-in (``samples * thin * 2**(r-1)``), so the run doubles, and keeps
that second half, thinned to ``samples`` draws (:func:`extend_draws`, :data:`EXTEND_RULES`).

Set from ``bench/estimate_lcmcr.py --mixing 40 --extend-rules
fixed:3,double:3,double:5,double-all:4,fixed-half:6`` (2026-12-06, seeds 1-40 on the UK
6-list table and its 5-list version, every rule on the same seeds; docs/benchmarks.md):
with 4 doubling rounds no seed of either table ended above R-hat 1.05 or NOT FINAL (max
R-hat 1.022 and 1.048; sd of the median 150 and 217; worst median 22,555 and 21,640),
where the rule before (``"fixed"``, 3 rounds of ``samples * thin`` sweeps, the last round's
draws kept) left 1 seed of each table NOT FINAL (R-hat 1.051 and 1.383), 3 doubling rounds
1 of each (1.069, 1.144), and 6 fixed rounds keeping the second half of all draws 1 and 2.
A 5th round was never used. Seeds 41-80 (``--first-seed 41``): 0 and 0 for the doubling
rule, 0 and 1 (R-hat 1.518) for the rule before. CPU for the 40 seeds: 72 s and 75 s against
56 s and 56 s with the rule before (1.3x); the worst seed 17.8 s against 4.4 s (6-list)
and 13.5 s against 3.4 s (5-list). At most
``16 * samples * thin`` sweeps a chain after the first run (13x a fit that agrees at once,
against 3.5x before), spent only on tables whose chains disagree; a table whose chains
agree at once gives exactly what it gave before."""


EXTEND_RULES = ("fixed", "fixed-half", "double", "double-all")
"""Ways :func:`fit_lcmcr` runs disagreeing chains on, round r = 1, 2, ... (S = ``samples``
draws ``thin`` sweeps apart, the sampling run after burn-in):

* ``"fixed"``: each round runs S more; only that round's ``samples`` draws are kept (the
  rule before the doubling; each round is a fresh window of the same length);
* ``"fixed-half"``: each round runs S more; the second half of all draws since burn-in
  is kept, so the kept window grows by S/2 a round;
* ``"double"`` (default): round r runs as long as the chain has run since burn-in
  (2^(r-1) S), so the run doubles (Stan's window doubling), and keeps that second half,
  thinned to ``samples`` draws (``thin`` * 2^(r-1) sweeps apart);
* ``"double-all"``: as ``"double"``, keeping every draw of that half (2^(r-1) ``samples``
  draws per chain, ``thin`` apart).

The first run is the same under every rule, so chains that agree at once give the same
result whatever the rule."""

DEFAULT_EXTEND_RULE = "double"
"""The rule :func:`fit_lcmcr` extends by (:data:`EXTEND_RULES`; see :data:`DEFAULT_EXTENSIONS`)."""


def _round_plan(rule: str, r: int, samples: int, thin: int) -> tuple[int, int, int]:
    """Draws, thinning and draws kept per chain for extension round ``r`` (1-based)."""
    if rule == "fixed":
        return samples, thin, samples
    if rule == "fixed-half":
        return samples, thin, (r + 1) * samples // 2
    grow = 2 ** (r - 1)
    if rule == "double":
        return samples, thin * grow, samples
    return samples * grow, thin, samples * grow


def start_scales(chains: int) -> list[float]:
    """Scale of each chain's starting list probabilities (dispersed starts).

    Chain 0 starts where R does (scale 1); the others alternate below and above:
    0.25, 2, 0.5, 4, 0.125, ... A scale below 1 starts with many people unobserved
    (a high N), above 1 with few (a low N), so R-hat can see chains that stay where
    they started."""
    base = [1.0, 0.25, 2.0, 0.5, 4.0, 0.125, 1.5, 0.75]
    return [base[c] if c < len(base) else 2.0 ** ((c % 7) - 3) for c in range(chains)]


class LcmcrDraws:
    """Raw output of :func:`sample_lcmcr`: per-chain traces and timing.

    ``n`` is a ``chains x samples`` int64 array of N, ``alpha`` and ``k_star``
    (number of occupied classes) the matching traces.
    """

    def __init__(
        self,
        n: np.ndarray,
        alpha: np.ndarray,
        k_star: np.ndarray,
        iterations: int,
        sampling_seconds: float,
        compile_seconds: float,
        seeds: list[int],
        states: list[tuple[np.ndarray, ...]] | None = None,
    ) -> None:
        self.n = n
        self.alpha = alpha
        self.k_star = k_star
        self.iterations = iterations
        self.sampling_seconds = sampling_seconds
        self.compile_seconds = compile_seconds
        self.seeds = seeds
        self.states = states
        """Each chain's final sampler state (for :func:`extend_draws`), when kept."""


def resolve_seed(seed: int | None) -> tuple[int, str]:
    """The seed to run with and where it came from: :data:`DEFAULT_SEED` and ``"default"``
    when none is given, else the given one and ``"given"`` (``diagnostics["seed_source"]``)."""
    return (DEFAULT_SEED, "default") if seed is None else (int(seed), "given")


def kernel_seed(entropy: int | Sequence[int] | np.random.SeedSequence) -> int:
    """The integer seed a kernel chain takes (:func:`~roshan.estimate.lcmcr_kernel.init_chain`,
    :func:`~roshan.estimate.lcmcr_kernel.continue_chain`): the first 32-bit word of
    ``numpy.random.SeedSequence(entropy)`` (of ``entropy`` itself when it is one)."""
    ss = entropy if isinstance(entropy, np.random.SeedSequence) else np.random.SeedSequence(entropy)
    return int(ss.generate_state(1, dtype=np.uint32)[0])


def _check_int(name: str, value: int, minimum: int) -> int:
    if isinstance(value, bool) or int(value) != value or value < minimum:
        raise EstimationError(f"lcmcr: {name} must be a whole number >= {minimum}, got {value!r}")
    return int(value)


def _check_sweeps(burnin: int, samples: int, thin: int) -> tuple[int, int, int]:
    """``burnin`` (0 or more), ``samples`` and ``thin`` (1 or more) as whole numbers."""
    return (
        _check_int("burnin", burnin, 0),
        _check_int("samples", samples, 1),
        _check_int("thin", thin, 1),
    )


_Out = TypeVar("_Out")


def _table(patterns: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The capture patterns and their counts as the kernel takes them (contiguous int64),
    checked: a non-empty m x J matrix, one count per row, someone observed."""
    pats = np.ascontiguousarray(np.asarray(patterns, dtype=np.int64))
    freq = np.ascontiguousarray(np.asarray(counts, dtype=np.int64))
    if pats.ndim != 2 or pats.shape[0] != freq.shape[0] or pats.shape[0] == 0:
        raise EstimationError("lcmcr: need a non-empty m x J pattern matrix with one count per row")
    if freq.sum() <= 0:
        raise EstimationError("lcmcr: no one observed")
    return pats, freq


class _Kernel(NamedTuple):
    """The settings every kernel call of a run takes (priors, collapsed moves), named and
    typed as :mod:`roshan.estimate.lcmcr_kernel` takes them, and its two calls: start a
    chain (:func:`~roshan.estimate.lcmcr_kernel.init_chain`) and run one on
    (:func:`~roshan.estimate.lcmcr_kernel.continue_chain`)."""

    a_alpha: float
    b_alpha: float
    a_lam: float
    b_lam: float
    n0_moves: bool
    split_merge: float

    @classmethod
    def of(
        cls,
        a_alpha: float,
        b_alpha: float,
        a_lambda: float,
        b_lambda: float,
        n0_moves: bool,
        split_merge: float = 0.0,
    ) -> _Kernel:
        """The settings in the types the kernel is compiled for (floats and a bool), checked:
        positive priors, ``split_merge`` between 0 and 100."""
        if not (a_alpha > 0 and b_alpha > 0):
            raise EstimationError("lcmcr: a_alpha and b_alpha must be positive")
        if not (a_lambda > 0 and b_lambda > 0):
            raise EstimationError("lcmcr: a_lambda and b_lambda must be positive")
        if not 0 <= split_merge <= 100:
            raise EstimationError(
                f"lcmcr: split_merge must be between 0 and 100, got {split_merge}"
            )
        return cls(
            float(a_alpha),
            float(b_alpha),
            float(a_lambda),
            float(b_lambda),
            bool(n0_moves),
            float(split_merge),
        )

    def start(
        self, pats: np.ndarray, freq: np.ndarray, classes: int, seed: int, scale: float
    ) -> tuple[np.ndarray, ...]:
        """A new chain's state after R's start and :data:`WARMUP_SWEEPS` warm-up sweeps."""
        from roshan.estimate.lcmcr_kernel import init_chain

        return init_chain(
            pats, freq, classes, seed=seed, warmup=WARMUP_SWEEPS, disperse=scale, **self._asdict()
        )

    def advance(
        self,
        pats: np.ndarray,
        freq: np.ndarray,
        state: tuple[np.ndarray, ...],
        *,
        burnin: int,
        samples: int,
        thin: int,
        seed: int,
        reseed: bool,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Run a chain on from ``state`` (updated in place): its traces of N, alpha and
        k_star. ``reseed=False`` keeps its generator (then ``seed`` is not used)."""
        from roshan.estimate.lcmcr_kernel import continue_chain

        return continue_chain(
            pats,
            freq,
            *state,
            burnin=burnin,
            samples=samples,
            thin=thin,
            seed=seed,
            reseed=reseed,
            **self._asdict(),
        )


def _n_workers(workers: int | None, chains: int) -> int:
    """Threads to run ``chains`` chains in: ``workers``, by default one a chain up to the
    CPU count, never more than the chains."""
    n_workers = workers if workers is not None else min(chains, os.cpu_count() or 1)
    return max(1, min(int(n_workers), chains))


def _run_chains(one: Callable[[int], _Out], chains: int, workers: int) -> tuple[list[_Out], float]:
    """``one(c)`` for every chain c, in ``workers`` threads (in this one when 1), and the
    seconds it took. Each chain has its own seed, so the threads change only which core
    runs it."""
    t0 = time.perf_counter()
    if workers == 1:
        outs = [one(c) for c in range(chains)]
    else:
        with ThreadPoolExecutor(max_workers=workers) as ex:
            outs = list(ex.map(one, range(chains)))
    return outs, time.perf_counter() - t0


def _traces(outs: Sequence[tuple[Any, ...]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The traces of N, alpha and k_star the chains returned (``outs[c][:3]``), one row a
    chain."""
    n, alpha, k_star = (np.vstack([o[i] for o in outs]) for i in range(3))
    return n, alpha, k_star


def _compile() -> float:
    """Compile (or load from cache) the kernel; return the seconds it took."""
    from roshan.estimate.lcmcr_kernel import run_chain

    t0 = time.perf_counter()
    pats = np.array([[1, 0], [0, 1], [1, 1]], dtype=np.int64)
    run_chain(
        pats, np.array([3, 3, 1], dtype=np.int64), 2, 0.25, 0.25, 1, 1, 1, 1, 1, 1.0, 1.0, 1.0
    )
    return time.perf_counter() - t0


def sample_lcmcr(
    patterns: np.ndarray,
    counts: np.ndarray,
    *,
    classes: int = CLASSES,
    burnin: int = BURNIN,
    samples: int = SAMPLES,
    thin: int = THIN,
    chains: int = CHAINS,
    seed: int | None = None,
    a_alpha: float = ALPHA_PRIOR,
    b_alpha: float = ALPHA_PRIOR,
    workers: int | None = None,
    a_lambda: float = 1.0,
    b_lambda: float = 1.0,
    n0_moves: bool = True,
    split_merge: float = 0.0,
) -> LcmcrDraws:
    """Run the LCMCR Gibbs sampler on plain arrays and return the raw traces.

    ``patterns``: m×J 0/1 observed capture patterns (no all-zero row);
    ``counts``: their counts. Chain c is seeded with the c-th child of
    ``numpy.random.SeedSequence(seed)`` and starts at scale ``start_scales(chains)[c]``
    (dispersed starts), so results are reproducible for a seed whatever ``workers``
    is (each chain has its own generator state; threads only change which core runs
    it). ``workers`` threads run chains in parallel
    (default: min(chains, CPU count)). ``a_lambda``, ``b_lambda``: Beta prior
    of the capture probabilities (R LCMCR: 1, 1). ``n0_moves`` adds, to every
    sweep, the collapsed Metropolis moves of the unobserved class sizes
    (:func:`roshan.estimate.lcmcr_kernel._collapsed_n0_moves`): same posterior, chains
    cross between values of N faster (docs/estimation.md); ``False`` is R's sampler.
    ``split_merge`` is the expected number of split–merge moves of whole classes per sweep
    (:func:`roshan.estimate.lcmcr_kernel._split_merge`; 0 = none): same posterior, chains
    can cross between modes that differ in how people are split over classes.
    """
    pats, freq = _table(patterns, counts)
    classes = _check_int("classes", classes, 1)
    burnin, samples, thin = _check_sweeps(burnin, samples, thin)
    chains = _check_int("chains", chains, 1)
    kernel = _Kernel.of(a_alpha, b_alpha, a_lambda, b_lambda, n0_moves, split_merge)
    seeds = [kernel_seed(c) for c in np.random.SeedSequence(seed).spawn(chains)]
    scales = start_scales(chains)
    compile_s = _compile()

    def one(c: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[np.ndarray, ...]]:
        # init_chain then continue_chain without re-seeding, in one thread, draws exactly
        # what run_chain draws (tests/estimate/test_lcmcr_extend.py) and keeps the state.
        st = kernel.start(pats, freq, classes, seeds[c], scales[c])
        out = kernel.advance(
            pats, freq, st, burnin=burnin, samples=samples, thin=thin, seed=0, reseed=False
        )
        return (*out, st)

    outs, elapsed = _run_chains(one, chains, _n_workers(workers, chains))
    iterations = chains * (WARMUP_SWEEPS + burnin + samples * thin)
    return LcmcrDraws(
        *_traces(outs),
        iterations=iterations,
        sampling_seconds=elapsed,
        compile_seconds=compile_s,
        seeds=seeds,
        states=[o[3] for o in outs],
    )


def extend_draws(
    patterns: np.ndarray,
    counts: np.ndarray,
    d: LcmcrDraws,
    *,
    samples: int,
    thin: int,
    seed: int,
    round_no: int,
    a_alpha: float = 0.25,
    b_alpha: float = 0.25,
    a_lambda: float = 1.0,
    b_lambda: float = 1.0,
    n0_moves: bool = True,
    workers: int | None = None,
    split_merge: float = 0.0,
    keep: int | None = None,
) -> LcmcrDraws:
    """Run every chain of ``d`` on for ``samples`` more draws (``thin`` sweeps apart) and
    keep the last ``keep`` of each chain's draws (default: the second half of the draws,
    at least ``samples``).

    The rule of adaptive run lengths (as in Stan's warm-up doubling): what a chain did
    before it agreed with the others is treated as burn-in. Chain c's extension number
    ``round_no`` is seeded with ``SeedSequence([seed, c, round_no])``, so a seed still
    gives one result whatever ``workers`` is.
    """
    if d.states is None:
        raise EstimationError("lcmcr: these draws kept no sampler state to extend")
    pats, freq = _table(patterns, counts)
    chains = d.n.shape[0]
    seeds = [kernel_seed([seed, c, round_no]) for c in range(chains)]
    states = d.states
    kernel = _Kernel.of(a_alpha, b_alpha, a_lambda, b_lambda, n0_moves, split_merge)

    def one(c: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return kernel.advance(
            pats, freq, states[c], burnin=0, samples=samples, thin=thin, seed=seeds[c], reseed=True
        )

    outs, elapsed = _run_chains(one, chains, _n_workers(workers, chains))
    n, alpha, k_star = (
        np.hstack([old, new])
        for old, new in zip((d.n, d.alpha, d.k_star), _traces(outs), strict=True)
    )
    keep = max(samples, n.shape[1] // 2) if keep is None else min(int(keep), n.shape[1])
    return LcmcrDraws(
        n=n[:, -keep:],
        alpha=alpha[:, -keep:],
        k_star=k_star[:, -keep:],
        iterations=d.iterations + chains * samples * thin,
        sampling_seconds=d.sampling_seconds + elapsed,
        compile_seconds=d.compile_seconds,
        seeds=d.seeds,
        states=states,
    )


class LcmcrChains:
    """LCMCR chains that carry their state from one capture table to the next.

    Used to fit many nearly identical tables in a row (the capture tables of
    drawn clusterings, :mod:`roshan.estimate.linkage`): the first :meth:`run`
    initialises every chain as :func:`sample_lcmcr` does (R's start, warm-up,
    ``burnin`` sweeps); later calls continue each chain from where it stopped, on
    the new table, so the expensive burn-in is paid once instead of once per
    table. Chain c's call number t is seeded with a child of
    ``SeedSequence([seed, c, t])``, so results are reproducible for a seed
    whatever ``workers`` is. Priors as in :func:`sample_lcmcr`.
    """

    def __init__(
        self,
        *,
        classes: int = 10,
        chains: int = 4,
        seed: int = 0,
        a_alpha: float = 0.25,
        b_alpha: float = 0.25,
        a_lambda: float = 1.0,
        b_lambda: float = 1.0,
        workers: int | None = None,
        n0_moves: bool = True,
    ) -> None:
        self.classes = _check_int("classes", classes, 1)
        self.chains = _check_int("chains", chains, 1)
        self.kernel = _Kernel.of(a_alpha, b_alpha, a_lambda, b_lambda, n0_moves)
        self.seed = int(seed)
        self.workers = _n_workers(workers, self.chains)
        self.states: list[tuple[np.ndarray, ...]] | None = None
        self.calls = 0
        self.iterations = 0
        self.sampling_seconds = 0.0
        self.compile_seconds = _compile()

    def _seed(self, chain: int) -> int:
        return kernel_seed([self.seed, chain, self.calls])

    def run(
        self, patterns: np.ndarray, counts: np.ndarray, *, burnin: int, samples: int, thin: int
    ) -> LcmcrDraws:
        """``burnin`` sweeps then ``samples`` draws every ``thin`` sweeps on this table, in
        every chain (after :data:`WARMUP_SWEEPS` more on the first call)."""
        pats, freq = _table(patterns, counts)
        burnin, samples, thin = _check_sweeps(burnin, samples, thin)
        seeds = [self._seed(c) for c in range(self.chains)]
        scales = start_scales(self.chains)
        first = self.states is None

        def one(c: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple]:
            if first:
                st = self.kernel.start(pats, freq, self.classes, seeds[c], scales[c])
            else:
                st = self.states[c]  # type: ignore[index]
            out = self.kernel.advance(
                pats,
                freq,
                st,
                burnin=burnin,
                samples=samples,
                thin=thin,
                seed=seeds[c] ^ 0x5EED,
                reseed=True,
            )
            return (*out, st)

        outs, elapsed = _run_chains(one, self.chains, self.workers)
        self.states = [o[3] for o in outs]
        self.calls += 1
        its = self.chains * ((WARMUP_SWEEPS if first else 0) + burnin + samples * thin)
        self.iterations += its
        self.sampling_seconds += elapsed
        return LcmcrDraws(
            *_traces(outs),
            iterations=its,
            sampling_seconds=elapsed,
            compile_seconds=0.0,
            seeds=seeds,
        )


def fit_lcmcr(
    counts: CaptureCounts,
    *,
    classes: int = CLASSES,
    burnin: int = BURNIN,
    samples: int = SAMPLES,
    thin: int = THIN,
    chains: int = CHAINS,
    seed: int | None = None,
    a_alpha: float = ALPHA_PRIOR,
    b_alpha: float = ALPHA_PRIOR,
    level: float = 0.95,
    workers: int | None = None,
    a_lambda: float = 1.0,
    b_lambda: float = 1.0,
    n0_moves: bool = True,
    extend: int = DEFAULT_EXTENSIONS,
    split_merge: float = 0.0,
    extend_rule: str = DEFAULT_EXTEND_RULE,
) -> EstimateResult:
    """Fit the LCMCR model (Manrique-Vallier 2016) and summarise the posterior of N.

    ``estimate`` is the posterior median of N, ``lower``/``upper`` the
    equal-tailed ``level`` interval of the draws pooled over chains, ``draws``
    those pooled draws. ``diagnostics`` holds ``iterations`` (Gibbs sweeps run,
    all chains, warm-up and burn-in included), ``sampling_seconds`` (compile
    time excluded; it is in ``compile_seconds``), ``rhat``, ``ess`` (bulk),
    ``ess_tail``, ``chains``, the settings (``seed``: :data:`DEFAULT_SEED` unless
    given, ``seed_source`` says which), posterior mean, the median number of
    occupied classes, ``chain_medians``, ``converged`` and ``trace`` (N per chain,
    kept draws). Warnings flag chains that disagree (R-hat above 1.05 or chain
    medians more than :data:`MODE_RATIO_WARN` apart: "not final"), ESS below 100,
    draws above R's n0 cap and data problems. See the module
    docstring for the model and for why the defaults are what they are.
    ``a_lambda``/``b_lambda`` change the Beta prior of the capture
    probabilities (R's LCMCR: 1, 1, kept as the default here so that ``lcmcr``
    stays faithful; :mod:`roshan.estimate.recommended` uses another).
    While the chains disagree, they are run on for up to ``extend`` more rounds
    (:data:`DEFAULT_EXTENSIONS`, :func:`extend_draws`) by ``extend_rule``
    (:data:`EXTEND_RULES`; by default each round doubles the run and keeps its second
    half); ``diagnostics["extensions"]`` says how many were used. A result still "not
    final" after them says so.
    ``split_merge``: expected split–merge moves of whole classes per sweep (0 = none;
    :func:`sample_lcmcr`).
    """
    if not (0 < level < 1):
        raise EstimationError(f"lcmcr: level must be between 0 and 1, got {level}")
    if not np.any(np.asarray(counts.patterns).sum(axis=1) >= 2):
        raise EstimationError(
            "lcmcr: no one is on more than one list, so the data carry no information on how "
            "many are on none; any number printed would come from the prior alone"
        )
    seed, seed_source = resolve_seed(seed)
    # the same sampler for the first run and every extension round
    sampler: dict[str, Any] = dict(
        a_alpha=a_alpha,
        b_alpha=b_alpha,
        a_lambda=a_lambda,
        b_lambda=b_lambda,
        n0_moves=n0_moves,
        split_merge=split_merge,
        workers=workers,
    )
    d = sample_lcmcr(
        counts.patterns,
        counts.counts,
        classes=classes,
        burnin=burnin,
        samples=samples,
        thin=thin,
        chains=chains,
        seed=seed,
        **sampler,
    )
    extend = _check_int("extend", extend, 0)
    if extend_rule not in EXTEND_RULES:
        raise EstimationError(
            f"lcmcr: extend_rule must be one of {', '.join(EXTEND_RULES)}, got {extend_rule!r}"
        )
    used = 0
    while used < extend and chains_disagree(d.n):
        used += 1
        r_samples, r_thin, r_keep = _round_plan(extend_rule, used, samples, thin)
        d = extend_draws(
            counts.patterns,
            counts.counts,
            d,
            samples=r_samples,
            thin=r_thin,
            seed=seed,
            round_no=used,
            keep=r_keep,
            **sampler,
        )
    return summarise_draws(
        counts,
        d,
        level=level,
        method="lcmcr",
        settings={
            "extensions": used,
            "extend_max": extend,
            "extend_rule": extend_rule,
            "classes": classes,
            "burnin": burnin,
            "samples": samples,
            "thin": thin,
            "chains": chains,
            "seed": seed,
            "seed_source": seed_source,
            "a_alpha": a_alpha,
            "b_alpha": b_alpha,
            "a_lambda": a_lambda,
            "b_lambda": b_lambda,
            "n0_moves": n0_moves,
            "start_scales": start_scales(chains),
        },
    )


class _Agreement(NamedTuple):
    """How far the chains of N agree, as the "NOT FINAL" rule reads it."""

    rhat: float
    """R-hat of N (nan with fewer than 4 draws a chain)."""
    medians: list[float]
    """Each chain's median of N."""
    rhat_high: bool
    """R-hat above :data:`RHAT_WARN`."""
    modes_apart: bool
    """Largest chain median more than :data:`MODE_RATIO_WARN` times the smallest."""

    @property
    def disagree(self) -> bool:
        return self.rhat_high or self.modes_apart


def _agreement(n: np.ndarray) -> _Agreement:
    """:class:`_Agreement` of the chains of N (``chains x draws``)."""
    r = float(rhat(n)) if n.shape[1] >= 4 else float("nan")
    meds = [float(v) for v in np.median(n, axis=1)]
    spread = max(meds) / min(meds) if len(meds) > 1 and min(meds) > 0 else 1.0
    return _Agreement(r, meds, bool(np.isfinite(r) and r > RHAT_WARN), spread > MODE_RATIO_WARN)


def chains_disagree(n: np.ndarray) -> bool:
    """Whether the chains of N (``chains x draws``) disagree: R-hat above :data:`RHAT_WARN`
    or chain medians more than :data:`MODE_RATIO_WARN` apart (the "NOT FINAL" rule)."""
    return _agreement(n).disagree


def summarise_draws(
    counts: CaptureCounts, d: LcmcrDraws, *, level: float, method: str, settings: dict
) -> EstimateResult:
    pooled = d.n.reshape(-1)
    est, lo, hi = median_interval(pooled, level)
    agree = _agreement(d.n)
    r, chain_medians, disagree = agree.rhat, agree.medians, agree.disagree
    e = ess_bulk(d.n) if d.n.shape[1] >= 4 else float("nan")
    et = ess_tail(d.n) if d.n.shape[1] >= 4 else float("nan")
    warnings = list(data_warnings(counts))
    if disagree:
        why = []
        if agree.rhat_high:
            why.append(f"R-hat {r:.2f} > {RHAT_WARN}")
        if agree.modes_apart:
            why.append(
                f"chain medians range {min(chain_medians):,.0f} to {max(chain_medians):,.0f}"
            )
        ext = settings.get("extensions")
        if ext:
            why.append(f"after {ext} extra round{'s' if ext != 1 else ''} of sampling")
        warnings.append(
            f"NOT FINAL: the {d.n.shape[0]} chains disagree ({'; '.join(why)}), so they have "
            "not all found the same part of the posterior (it may have several modes); do not "
            "quote this number or interval. Run more iterations (--burnin, --samples, --thin) "
            "or more --chains until R-hat is at most 1.05"
        )
    if np.isfinite(e) and e < ESS_WARN:
        warnings.append(
            f"few effective draws (ESS {e:.0f} < {ESS_WARN:.0f}); the interval ends are noisy, "
            "increase samples or thin"
        )
    n_obs = int(counts.observed)
    above_cap = float(np.mean(pooled - n_obs > R_N0_CAP * n_obs)) if n_obs > 0 else 0.0
    if above_cap > 0:
        warnings.append(
            f"{above_cap:.1%} of the posterior draws have more than {R_N0_CAP} unobserved "
            "people per observed one (R's LCMCR would redraw these; roshan keeps them): the "
            "data say little about how many no list saw"
        )
    rate = d.iterations / d.sampling_seconds if d.sampling_seconds > 0 else float("nan")
    diagnostics = {
        **settings,
        "iterations": int(d.iterations),
        "sampling_seconds": float(d.sampling_seconds),
        "compile_seconds": float(d.compile_seconds),
        "iterations_per_second": float(rate),
        "rhat": float(r),
        "ess": float(e),
        "ess_tail": float(et),
        "chain_medians": chain_medians,
        "converged": not disagree,
        "final": not disagree,
        "share_above_r_cap": above_cap,
        "posterior_mean": float(pooled.mean()),
        "posterior_sd": float(pooled.std(ddof=1)) if pooled.size > 1 else 0.0,
        "occupied_classes_median": float(np.median(d.k_star)),
        "alpha_median": float(np.median(d.alpha)),
        "chain_seeds": list(d.seeds),
        "trace": d.n.tolist(),
    }
    model = {
        "name": "LCMCR latent-class model (Manrique-Vallier 2016)",
        "classes": settings.get("classes"),
        "prior": f"stick-breaking, alpha ~ Gamma({settings.get('a_alpha')}, "
        f"{settings.get('b_alpha')}); lambda ~ Beta({settings.get('a_lambda', 1.0):.3g}, "
        f"{settings.get('b_lambda', 1.0):.3g}); p(N) ~ 1/N",
    }
    return EstimateResult(
        method=method,
        lists=list(counts.lists),
        observed=counts.observed,
        estimate=est,
        lower=lo,
        upper=hi,
        level=level,
        model=model,
        diagnostics=diagnostics,
        warnings=warnings,
        draws=pooled.astype(np.int64),
    )
