"""Linkage uncertainty carried into the estimate of the total (multiple imputation of links).

Every published multiple-systems estimate we know of treats the linked list as
certain. It is not: a few percent of wrong links move the capture-pattern counts,
and so the total, by more than the interval that is printed beside it. roshan
treats the clustering as *missing data* and imputes it many times:

1. **Draw plausible clusterings** (:mod:`roshan.link.uncertainty`: a Gibbs sampler
   over partitions whose per-merge prior comes from the capture–recapture model and
   Splink's λ; reviewers' decisions are hard constraints).
2. **Re-estimate on each draw** (the capture-pattern table of that clustering,
   fitted with the chosen method) and **pool** like multiple imputation
   (:func:`pool_results`): for Bayesian methods the posterior draws of N from each
   clustering are mixed in equal shares; for frequentist methods Rubin's rules are
   applied on the log scale.
3. **Decompose** the pooled uncertainty by the law of total variance: the
   between-clustering variance is what linkage adds; the within-clustering variance
   is the uncertainty about victims on no list. Both shares, the pooled interval,
   the plug-in interval (one clustering treated as certain) and the spread of the
   observed count are in ``EstimateResult.diagnostics["linkage"]``.

:func:`estimate_with_linkage_draws` does it on a linked workspace (the default of
``roshan estimate WS``); :func:`estimate_from_graph` on a prepared graph.
docs/linkage-uncertainty.md has the method and the coverage studies.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypedDict, cast

import numpy as np
import pandas as pd
from scipy.stats import t as student_t

from roshan.errors import EstimationError, LinkageError
from roshan.estimate.results import normal_z
from roshan.link.uncertainty.graph import (
    DEFAULT_CHAIN_GUARD,
    DRAW_BAND,
    LinkageGraph,
    build_graph,
    threshold_labels,
)
from roshan.link.uncertainty.samplers import (
    MERGE_PRIORS,
    SAMPLERS,
    calibrate_merge,
    capture_merge_logit,
    draw_labels,
    gibbs_draws,
)
from roshan.link.uncertainty.workspace import model_lambda, workspace_inputs

if TYPE_CHECKING:
    from roshan.estimate.method_diagnostics import LinkageDiagnostics
    from roshan.estimate.results import EstimateResult
    from roshan.store.workspace import Workspace

__all__ = [
    "CHAIN_BURNIN_SWEEPS",
    "DEFAULT_LINKAGE_DRAWS",
    "COLLAPSE_GAP",
    "OBSERVED_GAP_WARN",
    "REFITS",
    "SCORE_MODES",
    "choose_score",
    "counts_from_labels",
    "estimate_from_graph",
    "estimate_with_linkage_draws",
    "fit_counts",
    "observed_gap",
    "pool_results",
    "pool_strata",
    "refit_mode",
]


#: Posterior draws of N kept from each clustering when mixing Bayesian results.
DRAWS_PER_CLUSTERING = 1000


def counts_from_labels(labels: np.ndarray, list_index: np.ndarray, lists: Sequence[str]):
    """Capture-pattern counts of a clustering: each cluster's set of lists → pattern."""
    from roshan.estimate.counts import CaptureCounts, all_patterns

    if len(lists) > 62:
        raise EstimationError("at most 62 lists are supported")
    bits = np.int64(1) << list_index.astype(np.int64)
    _, lab = np.unique(labels, return_inverse=True)
    codes = np.zeros(int(lab.max()) + 1 if len(lab) else 0, dtype=np.int64)
    np.bitwise_or.at(codes, lab, bits)
    full = np.bincount(codes, minlength=1 << len(lists))[1:]
    present = np.flatnonzero(full)
    pats = all_patterns(len(lists))[present]
    return CaptureCounts(tuple(lists), pats, full[present].astype(np.int64))


def fit_counts(method: str, counts: Any, **opts: Any):
    """Fit one capture table with ``method`` (via roshan.estimate.methods.fit when present)."""
    try:
        from roshan.estimate.methods import fit
    except ImportError:
        pass
    else:
        return fit(method, counts, **opts)
    if method == "dga":
        from roshan.estimate.dga import fit_dga

        return fit_dga(counts, **opts)
    if method == "lcmcr":
        from roshan.estimate.lcmcr import fit_lcmcr

        return fit_lcmcr(counts, **opts)
    raise EstimationError(f"method {method!r} is not available yet in this roshan build")


def _log_sd(res: Any) -> float | None:
    """The sd of log N a result's interval implies (normal on the log scale), or None
    without an estimate and a positive interval."""
    if res is None or not res.estimate or not res.lower or not res.upper or res.lower <= 0:
        return None
    return (math.log(res.upper) - math.log(res.lower)) / (2 * normal_z(res.level or 0.95))


def _log_within(res: Any) -> float | None:
    """The within-clustering variance of log N a result's interval implies (Rubin's u)."""
    sd = _log_sd(res)
    if sd is None:
        return None
    u = sd**2
    return u if u > 0 else None


#: Above this relative gap between the linked list's count of people and the median over
#: the plausible matchings, the pooled result warns that the documented count is uncertain.
#: On the 180-run outside sweep (docs/benchmarks.md) the gap was 0.12-0.23 on the families
#: whose records cannot tell namesakes apart (linked count 18-28% too high) and at most
#: 0.10 elsewhere (under the pairs score the draws count 3-7% fewer people than the linker
#: even where it is within 2% of the truth), so 0.10 flags the first and not the second.
OBSERVED_GAP_WARN = 0.10


def observed_gap(linked: int | None, observed: Sequence[int] | None) -> float | None:
    """How far the linker's count of people lies from the plausible matchings' median
    (relative: +0.2 = the linked list counts 20% more people). None without both."""
    if linked is None or observed is None or not len(observed):
        return None
    med = float(np.median(np.asarray(observed, dtype=float)))
    return float(linked) / med - 1.0 if med > 0 else None


def pool_results(
    results: Sequence[Any],
    *,
    level: float = 0.95,
    plugin: Any | None = None,
    seed: int = 0,
    observed: Sequence[int] | None = None,
    within_scale: float = 1.0,
    mc_variance: float | None = None,
) -> EstimateResult:
    """Pool per-clustering results into one :class:`EstimateResult` with a decomposition.

    Bayesian results (every one has ``draws``) are mixed: the same number of
    posterior draws from each clustering, summarised by the median and the
    equal-tailed interval. Otherwise Rubin's rules on log N with the Barnard–Rubin
    degrees of freedom. ``diagnostics["linkage"]`` gets the variance decomposition
    (``share_linkage`` + ``share_unlisted`` = 1), widths, and the plug-in result.

    ``within_scale`` multiplies the within-clustering variance of Rubin's rules (the
    ``calibrated`` refit). ``mc_variance`` (Bayesian results drawn by chains that carry
    over from one clustering to the next) is the Monte Carlo variance of one
    clustering's mean; it is taken off the between-clustering variance, and the
    within-clustering variance is then the rest of the mixture's variance.
    """
    from roshan.estimate.results import EstimateResult, median_interval

    ok = [
        r
        for r in results
        if r is not None and r.estimate is not None and r.lower is not None and r.upper is not None
    ]
    if not ok:
        raise EstimationError(
            "no clustering draw could be estimated; see the plug-in estimate's warnings"
        )
    m = len(ok)
    bayes = all(r.draws is not None and len(r.draws) > 1 for r in ok)
    est_each = np.array([float(r.estimate) for r in ok])
    width_each = np.array([float(r.upper) - float(r.lower) for r in ok])
    # LinkageDiagnostics once the updates below have filled it (mypy checks their keys)
    info = cast("LinkageDiagnostics", {"draws_used": m, "draws_failed": len(results) - m})
    if bayes:
        rng = np.random.default_rng(seed)
        k = min(DRAWS_PER_CLUSTERING, min(len(r.draws) for r in ok))
        parts = [rng.choice(np.asarray(r.draws, dtype=float), size=k, replace=False) for r in ok]
        mix = np.concatenate(parts)
        means = np.array([p_.mean() for p_ in parts])
        within = float(np.mean([p_.var(ddof=1) for p_ in parts]))
        between = float(means.var(ddof=1)) if m > 1 else 0.0
        total = within + between
        if mc_variance is not None:
            total = float(np.concatenate(parts).var(ddof=1))
            between = min(max(between - float(mc_variance), 0.0), total)
            within = total - between
        estimate, lower, upper = median_interval(mix, level)
        info.update(
            {
                "pooling": "mixture of posterior draws",
                "within_variance": within,
                "between_variance": between,
            }
        )
        draws = mix
    else:
        z = normal_z(level)
        q = np.log(est_each)
        lows = np.array([max(float(r.lower), 1e-9) for r in ok])
        highs = np.array([float(r.upper) for r in ok])
        u = ((np.log(highs) - np.log(lows)) / (2 * z)) ** 2 * float(within_scale)
        w = float(u.mean())
        b = float(q.var(ddof=1)) if m > 1 else 0.0
        tot = w + (1 + 1 / m) * b
        if b > 0 and m > 1:
            r_ = (1 + 1 / m) * b / max(w, 1e-300)
            df = (m - 1) * (1 + 1 / r_) ** 2
            tq = float(student_t.ppf(0.5 + level / 2, df))
        else:
            df, tq = math.inf, z
        qbar = float(q.mean())
        estimate = float(math.exp(qbar))
        lower, upper = math.exp(qbar - tq * math.sqrt(tot)), math.exp(qbar + tq * math.sqrt(tot))
        within, between, total = w, (1 + 1 / m) * b, tot
        info.update(
            {
                "pooling": "Rubin's rules on log N",
                "within_variance_log": w,
                "between_variance_log": b,
                "degrees_of_freedom": df,
            }
        )
        draws = None
    share_link = between / total if total > 0 else 0.0
    info.update(
        {
            "share_linkage": share_link,
            "share_unlisted": 1.0 - share_link,
            "pooled": {"estimate": estimate, "lower": lower, "upper": upper},
            "width_pooled": upper - lower,
            "width_if_linkage_certain": float(np.mean(width_each)),
            "estimate_per_draw": {
                "min": float(est_each.min()),
                "median": float(np.median(est_each)),
                "max": float(est_each.max()),
            },
        }
    )
    if observed is not None and len(observed):
        obs = np.asarray(observed)
        info["observed_per_draw"] = {
            "min": int(obs.min()),
            "median": float(np.median(obs)),
            "max": int(obs.max()),
        }
    base = plugin if plugin is not None else ok[0]
    if plugin is not None:
        info["plugin"] = {
            "estimate": plugin.estimate,
            "lower": plugin.lower,
            "upper": plugin.upper,
            "observed": plugin.observed,
        }
    warnings = list(dict.fromkeys(w_ for r in ok for w_ in r.warnings))[:20]
    pct = 100 * share_link
    floor = (
        float(np.median(observed))
        if observed is not None and len(observed)
        else (plugin.observed if plugin is not None else None)
    )
    if floor is not None and estimate < floor:
        warnings.append(
            f"the pooled estimate ({estimate:,.0f}) is below the number of people "
            f"on the lists ({floor:,.0f}): the estimator is unstable on these "
            "tables; do not publish this interval"
        )
    gap = observed_gap(plugin.observed if plugin is not None else None, observed)
    if gap is not None:
        info["observed_gap"] = gap
        # Read by EstimateResult.documented_range and the report's headline, which then
        # give the documented count (and so the number on no list) as a range.
        info["observed_uncertain"] = bool(abs(gap) > OBSERVED_GAP_WARN)
        if abs(gap) > OBSERVED_GAP_WARN and plugin is not None:  # (a gap needs the plug-in)
            obs = np.asarray(observed)
            more = "more" if gap > 0 else "fewer"
            warnings.append(
                f"the linked list counts {plugin.observed:,} people, {abs(gap):.0%} {more} than "
                f"the plausible matchings ({int(obs.min()):,}–{int(obs.max()):,}): many pairs "
                "sit near the threshold and the number of documented people is itself "
                "uncertain; review the pairs near the threshold (roshan review)"
            )
    warnings.append(
        f"linkage uncertainty: {m} plausible clusterings pooled; {pct:.0f}% of the "
        "variance comes from linkage, the rest from victims on no list"
    )
    return EstimateResult(
        method=str(base.method),
        lists=list(base.lists),
        observed=int(base.observed),
        estimate=estimate,
        lower=lower,
        upper=upper,
        level=level,
        model=base.model,
        diagnostics={**(plugin.diagnostics if plugin is not None else {}), "linkage": info},
        warnings=warnings,
        strata=[],
        draws=draws,
    )


#: How each drawn clustering is estimated (``refit``): ``auto`` picks per method;
#: ``full`` fits the method afresh on every clustering (the original scheme);
#: ``chain`` (lcmcr, recommended) runs the latent-class chains on, from one clustering
#: to the next, so their burn-in is paid once (:class:`roshan.estimate.lcmcr.LcmcrChains`);
#: ``calibrated`` (log-linear with a bootstrap) fits each clustering without the
#: bootstrap and scales the within-clustering variance by the ratio the full fit shows
#: on the plug-in clustering.
REFITS = ("auto", "full", "chain", "calibrated")
#: Clusterings drawn by the default estimate on a workspace (``roshan estimate WS``).
DEFAULT_LINKAGE_DRAWS = 20
#: Burn-in sweeps of the clustering sampler when the latent-class chains carry over
#: (``refit="chain"``): the clusterings and N move together from the plug-in, and 20
#: sweeps left a visible trend in the first draws (docs/linkage-uncertainty.md).
CHAIN_BURNIN_SWEEPS = 60


def refit_mode(
    method: str,
    refit: str = "auto",
    *,
    stratified: bool = False,
    opts: dict[str, Any] | None = None,
) -> str:
    """The per-draw fitting scheme ``refit`` resolves to for ``method`` (see :data:`REFITS`)."""
    opts = opts or {}
    if refit not in REFITS:
        raise EstimationError(f"refit must be one of {', '.join(REFITS)}")
    if refit == "chain" and (method not in ("lcmcr", "recommended") or stratified):
        raise EstimationError("refit='chain' applies to lcmcr and recommended, without --by")
    if refit == "calibrated" and (method != "loglinear" or stratified):
        raise EstimationError("refit='calibrated' applies to loglinear, without --by")
    if refit == "calibrated" and (
        opts.get("bootstrap") == 0
        or (opts.get("bootstrap") is None and opts.get("terms") is not None)
    ):
        return "full"  # nothing to calibrate: the fit has no bootstrap
    if refit != "auto":
        return refit
    if stratified:
        return "full"
    if method in ("lcmcr", "recommended"):
        return "chain"
    if method == "loglinear":
        # the bootstrap is what costs; a fit without it is cheap already
        boot = opts.get("bootstrap")
        no_boot = boot == 0 or (boot is None and opts.get("terms") is not None)
        return "full" if no_boot else "calibrated"
    return "full"


class _CalibrationNotes(TypedDict, total=False):
    """What the ``calibrated`` refit adds to ``diagnostics["linkage"]``."""

    within_scale: float
    per_draw_options: dict[str, Any]


class _FullFits:
    """Fit the method afresh on every clustering (``refit="full"``; ``"calibrated"`` when
    ``cheap`` options are given: each clustering is fitted with them and the
    within-clustering variance scaled by the full/cheap ratio on the plug-in clustering)."""

    def __init__(
        self,
        method: str,
        fit_opts: dict[str, Any],
        seed: int,
        strata_fit: Callable[..., Any] | None = None,
        cheap: dict[str, Any] | None = None,
    ) -> None:
        self.method, self.fit_opts, self.seed, self.strata_fit = method, fit_opts, seed, strata_fit
        self.cheap = cheap
        self.within_scale = 1.0
        self.notes: _CalibrationNotes = {}
        adapt_opts = dict(cheap if cheap is not None else fit_opts)
        if method == "dga":
            adapt_opts["n_draws"] = min(int(adapt_opts.get("n_draws", 500)), 500)
        elif method in ("lcmcr", "recommended"):  # a rough N is all the burn-in needs
            adapt_opts.update({"burnin": 2000, "samples": 200, "thin": 10, "chains": 2})
            if method == "recommended":
                adapt_opts["compare"] = ()
        elif method == "loglinear" and adapt_opts.get("terms") is None:
            adapt_opts["bootstrap"] = 0
        self.adapt_opts = adapt_opts

    def plugin(self, labels: np.ndarray, counts: Any) -> tuple[Any, Any]:
        total = _fit_seeded(self.method, counts, self.fit_opts, self.seed)
        plugin = total
        if self.strata_fit is not None:
            plugin = self.strata_fit(labels, self.method, self.fit_opts, self.seed)
        if self.cheap is not None:
            quick = _fit_seeded(self.method, counts, self.cheap, self.seed)
            u_full, u_quick = _log_within(total), _log_within(quick)
            if u_full and u_quick:
                self.within_scale = u_full / u_quick
            self.notes = {
                "within_scale": self.within_scale,
                "per_draw_options": {
                    k: v
                    for k, v in self.cheap.items()
                    if k not in self.fit_opts or self.fit_opts[k] != v
                },
            }
        return plugin, total

    def adapt(self, counts: Any, rng: np.random.Generator) -> float | None:
        try:
            r = _fit_seeded(self.method, counts, self.adapt_opts, self.seed)
        except EstimationError:
            return None
        return r.estimate

    def draw(self, labels: np.ndarray, counts: Any, d: int) -> Any:
        opts = self.cheap if self.cheap is not None else self.fit_opts
        try:
            if self.strata_fit is not None:
                return self.strata_fit(labels, self.method, opts, self.seed + 1 + d)
            return _fit_seeded(self.method, counts, opts, self.seed + 1 + d)
        except EstimationError:
            return None

    def finish(
        self, results: list[Any], observed: list[int], plugin: Any, level: float, last_counts: Any
    ) -> Any:
        pooled = pool_results(
            results,
            level=level,
            plugin=plugin,
            seed=self.seed,
            observed=observed,
            within_scale=self.within_scale,
        )
        if self.strata_fit is not None:
            pooled.strata = pool_strata(
                results, list(getattr(self.strata_fit, "by", [])), level=level
            )
        info: LinkageDiagnostics = pooled.diagnostics["linkage"]
        info["refit"] = "calibrated" if self.cheap is not None else "full"
        info.update(self.notes)
        if self.cheap is not None:
            info["width_if_linkage_certain"] *= math.sqrt(self.within_scale)
        return pooled


class _Priors(TypedDict):
    """The LCMCR prior parameters, as LcmcrChains takes them."""

    a_alpha: float
    b_alpha: float
    a_lambda: float
    b_lambda: float


class _ChainFits:
    """lcmcr / recommended on every clustering with chains that carry over
    (``refit="chain"``): the chains burn in once on the plug-in clustering (whose own
    posterior, the plug-in diagnostic, is sampled there with a quarter of the draws),
    move with the clusterings of the sampler's burn-in (``burnin`` sweeps in all), then
    spend ``samples // n_draws`` draws per chain on each drawn clustering. The pooled
    posterior has as many draws as one ordinary fit; the sensitivity checks of
    ``recommended`` are fitted once, on the last drawn clustering, with at most two
    chains and half the draws."""

    def __init__(
        self,
        method: str,
        fit_opts: dict[str, Any],
        seed: int,
        n_draws: int,
        adapt_steps: int,
        n_lists: int,
    ) -> None:
        from roshan.estimate import lcmcr
        from roshan.estimate.recommended import RECOMMENDED_A_ALPHA, miss_neutral_b

        o = dict(fit_opts)
        self.method, self.seed = method, seed
        self.level = float(o.pop("level", 0.95))
        o.pop("seed", None)
        self.classes = int(o.pop("classes", lcmcr.CLASSES))
        self.chains = int(o.pop("chains", lcmcr.CHAINS))
        self.burnin = int(o.pop("burnin", lcmcr.BURNIN))
        self.samples = int(o.pop("samples", lcmcr.SAMPLES))
        self.thin = int(o.pop("thin", lcmcr.THIN))
        self.workers = o.pop("workers", None)
        if method == "recommended":
            self.compare = tuple(o.pop("compare", ("lcmcr",)))
            self.a_alpha = float(o.pop("a_alpha", RECOMMENDED_A_ALPHA))
            self.b_alpha = float(o.pop("b_alpha", lcmcr.ALPHA_PRIOR))
            a_lam, b_lam = 1.0, miss_neutral_b(n_lists)
        else:
            self.compare = ()
            self.a_alpha = float(o.pop("a_alpha", lcmcr.ALPHA_PRIOR))
            self.b_alpha = float(o.pop("b_alpha", lcmcr.ALPHA_PRIOR))
            a_lam, b_lam = float(o.pop("a_lambda", 1.0)), float(o.pop("b_lambda", 1.0))
        if o:
            raise EstimationError(
                f"{method} with linkage draws: unsupported option(s) {', '.join(sorted(o))}"
            )
        if self.chains < 1 or self.samples < 1 or self.thin < 1 or self.burnin < 0:
            raise EstimationError(f"{method}: chains, samples and thin must be >= 1")
        self.priors: _Priors = {
            "a_alpha": self.a_alpha,
            "b_alpha": self.b_alpha,
            "a_lambda": a_lam,
            "b_lambda": b_lam,
        }
        self.sampler = lcmcr.LcmcrChains(
            classes=self.classes, chains=self.chains, seed=seed, workers=self.workers, **self.priors
        )
        self.per_draw = max(1, self.samples // n_draws)
        self.plugin_samples = max(1, self.samples // 4)
        self.adapt_sweeps = max(1, self.burnin // max(adapt_steps, 1))
        self.traces: list[Any] = []

    def _settings(self) -> dict[str, Any]:
        return {
            "classes": self.classes,
            "burnin": self.burnin,
            "samples": self.samples,
            "thin": self.thin,
            "chains": self.chains,
            "seed": self.seed,
            **self.priors,
        }

    def _result(self, counts: Any, d: Any) -> Any:
        from roshan.estimate.lcmcr import summarise_draws

        primary = summarise_draws(
            counts, d, level=self.level, method="lcmcr", settings=self._settings()
        )
        if self.method != "recommended":
            return primary
        from roshan.estimate.recommended import recommended_result

        return recommended_result(
            primary, [], classes=self.classes, a_alpha=self.a_alpha, b_alpha=self.b_alpha
        )

    def plugin(self, labels: np.ndarray, counts: Any) -> tuple[Any, Any]:
        d = self.sampler.run(
            counts.patterns,
            counts.counts,
            burnin=self.burnin,
            samples=self.plugin_samples,
            thin=self.thin,
        )
        res = self._result(counts, d)
        return res, res

    def adapt(self, counts: Any, rng: np.random.Generator) -> float | None:
        d = self.sampler.run(
            counts.patterns, counts.counts, burnin=self.adapt_sweeps - 1, samples=1, thin=1
        )
        return float(d.n[int(rng.integers(self.chains)), -1])

    def draw(self, labels: np.ndarray, counts: Any, d: int) -> Any:
        from roshan.estimate.results import EstimateResult

        out = self.sampler.run(
            counts.patterns, counts.counts, burnin=0, samples=self.per_draw, thin=self.thin
        )
        self.traces.append(out)
        flat = out.n.reshape(-1).astype(float)
        lo, hi = np.quantile(flat, [(1 - self.level) / 2, (1 + self.level) / 2])
        res = EstimateResult(
            method=self.method,
            lists=list(counts.lists),
            observed=int(counts.observed),
            estimate=float(np.median(flat)),
            lower=float(lo),
            upper=float(hi),
            level=self.level,
            draws=flat,
        )
        # the chains' current N (not a random kept draw): the next clustering sweeps are
        # the clustering step of one Gibbs sampler over (clustering, model, N)
        res.diagnostics["n_current"] = float(out.n[d % self.chains, -1])
        return res

    def finish(
        self, results: list[Any], observed: list[int], plugin: Any, level: float, last_counts: Any
    ) -> Any:
        from roshan.estimate.lcmcr import LcmcrDraws, summarise_draws

        n = np.hstack([t.n for t in self.traces])
        d = LcmcrDraws(
            n=n,
            alpha=np.hstack([t.alpha for t in self.traces]),
            k_star=np.hstack([t.k_star for t in self.traces]),
            iterations=self.sampler.iterations,
            sampling_seconds=self.sampler.sampling_seconds,
            compile_seconds=self.sampler.compile_seconds,
            seeds=[self.seed],
        )
        # All chains see the same clusterings, one after the other, and are independent
        # given them. So (1) the spread of the chains' means on one clustering measures the
        # Monte Carlo noise of that clustering's mean, which is taken off the
        # between-clustering variance; (2) convergence is judged on the traces less each
        # clustering's mean over the chains (what moves all chains together is the
        # clusterings, not a chain that has not mixed).
        seg = np.stack([t.n.mean(axis=1) for t in self.traces])  # clusterings x chains
        mc = float(seg.var(axis=1, ddof=1).mean()) / self.chains if self.chains > 1 else 0.0
        pooled = pool_results(
            results, level=level, plugin=plugin, seed=self.seed, observed=observed, mc_variance=mc
        )
        primary = summarise_draws(
            last_counts, d, level=level, method="lcmcr", settings=self._settings()
        )
        primary.observed = plugin.observed
        primary.lists = list(plugin.lists)
        _rediagnose(primary, np.hstack([t.n - t.n.mean() for t in self.traces]) + n.mean())
        if self.method == "recommended":
            from roshan.estimate.recommended import recommended_result, sensitivity_checks

            checks, failed = sensitivity_checks(
                last_counts,
                self.compare,
                seed=self.seed,
                classes=self.classes,
                burnin=self.burnin,
                samples=max(self.samples // 2, 1),
                thin=self.thin,
                chains=min(self.chains, 2),
                level=level,
                workers=self.workers,
            )
            result = recommended_result(
                primary,
                checks,
                failed,
                classes=self.classes,
                a_alpha=self.a_alpha,
                b_alpha=self.b_alpha,
                checks_note="the last drawn clustering",
            )
        else:
            result = primary
        info: LinkageDiagnostics = pooled.diagnostics["linkage"]
        within = info.get("within_variance")
        if within is not None and within >= 0:  # per-clustering stretches are too short
            info["width_if_linkage_certain"] = 2 * normal_z(level) * math.sqrt(within)
        info.update(
            {
                "refit": "chain",
                "chain_mc_variance": mc,
                "draws_per_clustering": self.per_draw * self.chains,
                "plugin_draws": self.plugin_samples * self.chains,
                "plugin_fit": (
                    f"the chains after their burn-in on the plug-in clustering, "
                    f"{self.plugin_samples} draws per chain, no sensitivity "
                    "check"
                ),
                "lcmcr_iterations": int(self.sampler.iterations),
            }
        )
        result.diagnostics["linkage"] = info
        result.warnings = list(
            dict.fromkeys(
                result.warnings
                + [
                    w
                    for w in pooled.warnings
                    if w.startswith(("linkage uncertainty:", "the pooled estimate"))
                ]
            )
        )
        result.draws = pooled.draws if pooled.draws is not None else result.draws
        return result


def _rediagnose(res: Any, n: np.ndarray) -> None:
    """Set a chain result's R-hat / ESS (and their warnings) to the worse of the raw
    traces' (``rhat_raw`` / ``ess_raw``: what moves all chains together counts as
    autocorrelation) and those of ``n`` (chains x draws: the traces less the mean of all
    chains on each clustering, ``rhat_detrended`` / ``ess_detrended``: the subtracted mean
    also holds part of each chain's own wander). Neither is exact for chains that share
    their clusterings; the worse one is what the warnings use."""
    from roshan.estimate.diagnostics import ESS_WARN, RHAT_WARN, ess_bulk, rhat

    diag = res.diagnostics
    r_raw, e_raw = diag.get("rhat"), diag.get("ess")
    ok = n.shape[1] >= 4
    r_det = float(rhat(n)) if ok else float("nan")
    e_det = float(ess_bulk(n)) if ok else float("nan")
    rs = [x for x in (r_raw, r_det) if x is not None and np.isfinite(x)]
    es = [x for x in (e_raw, e_det) if x is not None and np.isfinite(x)]
    r = max(rs) if rs else float("nan")
    e = min(es) if es else float("nan")
    diag.update(
        {
            "rhat": float(r),
            "ess": float(e),
            "rhat_raw": r_raw,
            "ess_raw": e_raw,
            "rhat_detrended": r_det,
            "ess_detrended": e_det,
            "convergence": "the worse of the raw traces and the traces less the mean "
            "of all chains on each clustering",
        }
    )
    res.warnings = [
        w for w in res.warnings if not w.startswith(("chains disagree", "few effective draws"))
    ]
    if np.isfinite(r) and r > RHAT_WARN:
        res.warnings.append(
            f"chains disagree (R-hat {r:.2f} > {RHAT_WARN}); run longer "
            "(more samples/thin) before quoting this interval"
        )
    if np.isfinite(e) and e < ESS_WARN:
        res.warnings.append(
            f"few effective draws (ESS {e:.0f} < {ESS_WARN:.0f}); the interval "
            "ends are noisy, increase samples or thin"
        )


#: Cluster scores the estimate accepts: ``auto`` (default) picks ``pairs`` unless its
#: chain collapses (:func:`choose_score`), else the scores of :data:`SCORES`.
SCORE_MODES = ("auto", "pairs", "entity")
#: ``auto`` switches to the entity score when a short chain under the pairs score counts
#: more than this share fewer people than the linker's clustering.
COLLAPSE_GAP = 0.10
#: Sweeps of that short chain.
PILOT_SWEEPS = 20


def choose_score(
    graph: LinkageGraph,
    plugin_labels: np.ndarray,
    plugin_people: int,
    merge_logit: float,
    *,
    logit_prior: float,
    unscored_log_bf: float,
    rng: np.random.Generator,
    temper: float = 1.0,
) -> tuple[str, dict[str, Any]]:
    """The cluster score for this graph (``score="auto"``) and why.

    The product of every pair's Bayes factor (``pairs``) is exact when pair scores are
    independent evidence, and on roshan's simulator at 100,000 records it is what
    covers the truth. Where many pairs score moderately because records share a common
    name and little else, the product counts one shared name once per pair and the chain
    merges namesakes without end: on the outside ``hard`` family it counted 1,133 people
    for 2,089 listed and 2,597 linked. So a short chain (:data:`PILOT_SWEEPS` sweeps
    from the linker's clustering, the capture-model prior at the plug-in estimate) runs
    under ``pairs``; if it ends more than :data:`COLLAPSE_GAP` below the linker's count
    of people, the pair scores are not independent evidence here and the ``entity``
    score (with the ``mixed`` merge prior) is used instead."""
    labels = next(
        gibbs_draws(
            graph,
            1,
            rng,
            logit_prior=logit_prior,
            unscored_log_bf=unscored_log_bf,
            start=plugin_labels,
            burnin=PILOT_SWEEPS - 1,
            thin=1,
            merge_logit=merge_logit,
            temper=temper,
            score="pairs",
        )
    )
    people = int(len(np.unique(labels)))
    gap = 1.0 - people / max(int(plugin_people), 1)
    chosen = "entity" if gap > COLLAPSE_GAP else "pairs"
    return chosen, {
        "pilot_people": people,
        "linked_people": int(plugin_people),
        "gap": round(gap, 4),
        "threshold": COLLAPSE_GAP,
        "chosen": chosen,
    }


def estimate_from_graph(
    graph: LinkageGraph,
    list_index: np.ndarray,
    lists: Sequence[str],
    n_draws: int,
    method: str,
    /,
    *,
    plugin_labels: np.ndarray | None = None,
    threshold: float = 0.5,
    seed: int = 0,
    level: float = 0.95,
    sampler: str = "gibbs",
    logit_prior: float | None = None,
    unscored_log_bf: float | None = None,
    sweeps_burnin: int | None = None,
    sweeps_thin: int = 3,
    calibrate: bool | str | None = None,
    temper: float = 1.0,
    refit: str = "auto",
    score: str = "auto",
    on_progress: Callable[[int, int], None] | None = None,
    strata_fit: Callable[..., Any] | None = None,
    **opts: Any,
) -> Any:
    """The whole procedure on a prepared graph (workspace-free; used by tests and bench).

    ``strata_fit`` (labels, method, options, seed → stratified EstimateResult) replaces
    the overall fit of each clustering by a stratified one (``--by``); the pooled result
    then carries per-stratum pooled rows in ``strata``.

    ``sampler`` is ``"gibbs"`` (default; clustering posterior, see
    :func:`gibbs_sampler`) or ``"pairs"`` (independent pair draws, see
    :func:`draw_labels`; kept for comparison); ``sweeps_burnin`` / ``sweeps_thin`` are
    the clustering sampler's burn-in and thinning (sweeps; burn-in
    :data:`CHAIN_BURNIN_SWEEPS` with ``refit="chain"``, else 20). ``logit_prior`` is logit of
    the prior match probability the pairwise model used (default: −log of the number of
    records). ``refit`` says how each clustering is estimated (:data:`REFITS`).
    Remaining ``opts`` go to the estimator (for lcmcr and recommended, ``burnin``,
    ``samples``, ``thin``, ``chains`` are the latent-class sampler's).
    """
    if n_draws < 2:
        raise EstimationError("--linkage-draws must be at least 2")
    if sampler not in SAMPLERS:
        raise EstimationError(f"sampler must be one of {', '.join(SAMPLERS)}")
    if isinstance(calibrate, bool):
        calibrate = "moments" if calibrate else "none"
    if score not in SCORE_MODES:
        raise EstimationError(f"score must be one of {', '.join(SCORE_MODES)}")
    if calibrate is not None and calibrate not in MERGE_PRIORS:
        raise EstimationError(f"merge prior must be one of {', '.join(MERGE_PRIORS)}")
    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    if plugin_labels is None:
        plugin_labels = threshold_labels(graph, threshold)
    if logit_prior is None:
        logit_prior = -math.log(max(graph.n_records, 2))
    if unscored_log_bf is None:
        unscored_log_bf = graph.unscored_log_bf()
    fit_opts = dict(opts)
    fit_opts.setdefault("level", level)
    mode = refit_mode(method, refit, stratified=strata_fit is not None, opts=fit_opts)
    if sweeps_burnin is None:
        sweeps_burnin = CHAIN_BURNIN_SWEEPS if mode == "chain" else 20
    adapt_every = 5
    adapt_steps = -(-sweeps_burnin // adapt_every)
    fitter: Any
    if mode == "chain":
        fitter = _ChainFits(method, fit_opts, seed, n_draws, adapt_steps, len(lists))
    elif mode == "calibrated":
        cheap = {**fit_opts, "bootstrap": 0}
        if fit_opts.get("interval") not in (None, "auto"):
            cheap["interval"] = "profile"  # the only interval a fit without bootstrap has
        fitter = _FullFits(method, fit_opts, seed, strata_fit, cheap=cheap)
    else:
        fitter = _FullFits(method, fit_opts, seed, strata_fit)
    plugin_counts = counts_from_labels(plugin_labels, list_index, lists)
    t_fit0 = time.perf_counter()
    plugin, plugin_total = fitter.plugin(plugin_labels, plugin_counts)
    t_plugin = time.perf_counter() - t_fit0
    merge_logit = None
    merge_ref: list[float] | None = None
    trace: list[float] = []
    t_adapt = [0.0]
    choice: dict[str, Any] | None = None
    if sampler == "gibbs" and score == "auto":
        score, choice = choose_score(
            graph,
            plugin_labels,
            plugin_counts.observed,
            capture_merge_logit(plugin_total.estimate, plugin_counts.observed),
            logit_prior=logit_prior,
            unscored_log_bf=unscored_log_bf,
            rng=rng,
            temper=temper,
        )
        if calibrate is None:
            calibrate = "mixed" if score == "entity" else "capture"
    if score == "auto":
        score = "pairs"
    if calibrate is None:
        calibrate = "capture"
    if sampler == "gibbs":
        adapt = None
        if calibrate in ("capture", "mixed"):
            merge_logit = capture_merge_logit(plugin_total.estimate, plugin_counts.observed)
            trace = [merge_logit]
            merge_ref = [merge_logit]

            def adapt(labels: np.ndarray) -> float:
                c = counts_from_labels(labels, list_index, lists)
                t_a = time.perf_counter()
                n_hat = fitter.adapt(c, rng)
                t_adapt[0] += time.perf_counter() - t_a
                if n_hat is None:
                    return trace[-1]
                trace.append(capture_merge_logit(n_hat, c.observed))
                merge_ref[0] = trace[-1]
                return trace[-1]
        elif calibrate == "moments":
            merge_logit = calibrate_merge(
                graph,
                rng,
                logit_prior=logit_prior,
                unscored_log_bf=unscored_log_bf,
                start=plugin_labels,
                temper=temper,
                score=score,
            )
        draws_iter = gibbs_draws(
            graph,
            n_draws,
            rng,
            logit_prior=logit_prior,
            unscored_log_bf=unscored_log_bf,
            start=plugin_labels,
            burnin=sweeps_burnin,
            thin=sweeps_thin,
            merge_logit=merge_logit,
            temper=temper,
            adapt=adapt,
            adapt_every=adapt_every,
            merge_ref=merge_ref,
            score=score,
        )
    else:
        draws_iter = (draw_labels(graph, rng) for _ in range(n_draws))
    results, observed = [], []
    t_draw = t_fit = 0.0
    counts = plugin_counts
    a = time.perf_counter()
    for d, labels in enumerate(draws_iter):
        counts = counts_from_labels(labels, list_index, lists)
        b = time.perf_counter()
        res = fitter.draw(labels, counts, d)
        t_draw += b - a
        a = time.perf_counter()
        t_fit += a - b
        results.append(res)
        observed.append(counts.observed)
        # Data augmentation: the next sweeps use a prior set from a draw of N given
        # this clustering, so the chain samples clusterings and N jointly.
        if merge_ref is not None and res is not None:
            n_star = res.diagnostics.get("n_current") if res.diagnostics else None
            if n_star is None:
                n_star = _n_draw(res, rng)
            if n_star is not None:
                merge_ref[0] = capture_merge_logit(n_star, counts.observed)
                if calibrate == "mixed":
                    w = (d + 1) / max(n_draws - 1, 1)
                    merge_ref[0] = (1 - w) * merge_ref[0] + w * logit_prior
        if on_progress:
            on_progress(d + 1, n_draws)
    b = time.perf_counter()
    pooled = fitter.finish(results, observed, plugin, level, counts)
    t_finish = time.perf_counter() - b
    info: LinkageDiagnostics = pooled.diagnostics["linkage"]
    if sampler == "gibbs" and calibrate in ("capture", "mixed"):
        merge_logit = trace[-1]
        info["merge_logit_trace"] = [round(x, 4) for x in trace]
    info.update(
        {
            "n_draws": n_draws,
            "method": method,
            "seed": seed,
            "sampler": sampler,
            "logit_prior": logit_prior,
            "unscored_log_bf": unscored_log_bf,
            "merge_logit": merge_logit,
            "merge_prior": calibrate if sampler == "gibbs" else None,
            "temper": temper,
            "score": score if sampler == "gibbs" else None,
            "score_choice": choice,
            "burnin_sweeps": sweeps_burnin if sampler == "gibbs" else None,
            "thin_sweeps": sweeps_thin if sampler == "gibbs" else None,
            "uncertain_pairs": int(len(graph.ep)),
            "records": int(graph.n_records),
            "certain_components": int(graph.n_base),
            "seconds": {
                "total": time.perf_counter() - t0,
                "plugin": t_plugin,
                "clusterings": t_draw - t_adapt[0],
                "burnin_fits": t_adapt[0],
                "fits": t_fit,
                "pooling": t_finish,
            },
        }
    )
    pooled.warnings = list(dict.fromkeys(graph.warnings + pooled.warnings))
    return pooled


def _n_draw(res: Any, rng: np.random.Generator) -> float | None:
    """One draw of N from a fitted result: a posterior (or bootstrap) draw when it has
    them, else from a log-normal matching its interval."""
    if res.draws is not None and len(res.draws):
        return float(rng.choice(np.asarray(res.draws, dtype=float)))
    sd = _log_sd(res)
    if sd is None:
        return None
    return float(math.exp(rng.normal(math.log(res.estimate), sd)))


def _fit_seeded(method: str, counts: Any, opts: dict[str, Any], seed: int) -> Any:
    o = dict(opts)
    if method in ("dga", "lcmcr", "recommended") and "seed" not in o:
        o["seed"] = int(seed)
    return fit_counts(method, counts, **o)


def _strata_fitter(ws: Workspace, records: pd.DataFrame, lists: Sequence[str], by: Sequence[str]):
    """A function labels → stratified EstimateResult, with each draw's victims' stratum
    values derived exactly as `roshan link` derives them (victims_frame: the mode over a
    cluster's records), so a record that moves between people moves its stratum too."""
    from roshan.estimate.strata import fit_strata
    from roshan.link.histories import histories_from_victims
    from roshan.link.victims import victims_frame

    path = ws.snapshot("normalized")
    if not path.is_file():
        raise LinkageError("no normalised snapshot in this workspace; run `roshan link` first")
    norm = pd.read_parquet(path)
    norm = records[["record_pk"]].merge(
        norm.drop(columns=["source"], errors="ignore"), on="record_pk", how="left"
    )
    norm["source"] = records["source"].to_numpy()

    def fit(labels: np.ndarray, method: str, opts: dict[str, Any], seed: int) -> Any:
        assignment = pd.DataFrame(
            {
                "record_pk": records["record_pk"].to_numpy(),
                "uid": np.asarray(labels, dtype=np.int64),
            }
        )
        victims = victims_frame(norm, assignment)
        frame = histories_from_victims(victims, list(lists), list(by))
        return fit_strata(frame, list(by), method, **{**opts, "seed": seed})

    fit.by = list(by)  # type: ignore[attr-defined]
    return fit


def pool_strata(
    per_draw: Sequence[Any], by: Sequence[str], *, level: float = 0.95
) -> list[dict[str, Any]]:
    """Pool each stratum over the clusterings (Rubin's rules on log N), with the share of
    its variance that comes from linkage. A stratum missing or not estimable in a draw is
    pooled over the draws where it was estimated (``draws_used`` says how many)."""
    z = normal_z(level)
    groups: dict[tuple, list[dict[str, Any]]] = {}
    for res in per_draw:
        if res is None:
            continue
        for st in res.strata or []:
            groups.setdefault(tuple(st.get(b) for b in by), []).append(st)
    out = []
    for key, items in groups.items():
        ok = [
            s
            for s in items
            if s.get("estimate") and s.get("lower") and s.get("upper") and s["lower"] > 0
        ]
        row: dict[str, Any] = {
            **dict(zip(by, key, strict=True)),
            "observed": float(np.median([s["observed"] for s in items])),
            "draws_used": len(ok),
            "estimate": None,
            "lower": None,
            "upper": None,
            "share_linkage": None,
        }
        if ok:
            q = np.log([float(s["estimate"]) for s in ok])
            u = (
                (np.log([float(s["upper"]) for s in ok]) - np.log([float(s["lower"]) for s in ok]))
                / (2 * z)
            ) ** 2
            m = len(ok)
            w = float(u.mean())
            b = (1 + 1 / m) * float(q.var(ddof=1)) if m > 1 else 0.0
            tot = w + b
            qbar = float(q.mean())
            row.update(
                {
                    "estimate": math.exp(qbar),
                    "lower": math.exp(qbar - z * math.sqrt(tot)),
                    "upper": math.exp(qbar + z * math.sqrt(tot)),
                    "share_linkage": b / tot if tot > 0 else 0.0,
                }
            )
        else:
            row["reason"] = "not estimable in any clustering"
        out.append(row)
    out.sort(key=lambda r: tuple(str(r[b]) for b in by))
    return out


def estimate_with_linkage_draws(
    ws: Workspace,
    n_draws: int,
    method: str,
    /,
    *,
    seed: int = 0,
    by: Sequence[str] | None = None,
    level: float = 0.95,
    band: tuple[float, float] = DRAW_BAND,
    chain_guard: float = DEFAULT_CHAIN_GUARD,
    sampler: str = "gibbs",
    refit: str = "auto",
    on_progress: Callable[[int, int], None] | None = None,
    **opts: Any,
) -> Any:
    """Estimate the total with linkage uncertainty propagated (see module docstring).

    Reads the accepted records, ``pairs.parquet`` and ``clusters.parquet`` (the plug-in
    clustering; else the threshold of the latest run) and the reviewers' constraints;
    draws ``n_draws`` clusterings, fits ``method`` on each (``opts`` are passed to the
    estimator, so ``n_draws=...`` among them is the estimator's own posterior draws — the
    first three parameters are positional-only) and pools. Returns an :class:`EstimateResult` whose
    ``diagnostics["linkage"]`` holds the decomposition and the plug-in result.
    """
    from roshan.link.review import load_constraints

    records, pairs, labels, threshold = workspace_inputs(ws)
    must, cannot = load_constraints(ws)
    if "logit_prior" not in opts:
        lam = model_lambda(ws)
        if lam is not None:
            opts["logit_prior"] = math.log(lam / (1 - lam))
    lists = sorted(records["source"].unique().tolist())
    list_index = records["source"].map({s: i for i, s in enumerate(lists)}).to_numpy()
    graph = build_graph(
        records["record_pk"].to_numpy(),
        pairs,
        must_link=must,
        cannot_link=cannot,
        band=band,
        chain_guard=chain_guard,
        list_index=list_index,
    )
    by = [b for b in (by or []) if b]
    fitter = _strata_fitter(ws, records, lists, by) if by else None
    result = estimate_from_graph(
        graph,
        list_index,
        lists,
        n_draws,
        method,
        plugin_labels=labels,
        threshold=threshold,
        seed=seed,
        level=level,
        on_progress=on_progress,
        sampler=sampler,
        refit=refit,
        strata_fit=fitter,
        **opts,
    )
    info: LinkageDiagnostics = result.diagnostics["linkage"]
    if by:
        info["by"] = list(by)
    info.update(
        {
            "band": list(band),
            "chain_guard": chain_guard,
            "threshold": threshold,
            "must_link": len(must),
            "cannot_link": len(cannot),
            "plugin_clustering": ws.snapshot("clusters").name
            if labels is not None
            else f"threshold {threshold}",
        }
    )
    return result
