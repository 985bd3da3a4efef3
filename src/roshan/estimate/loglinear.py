"""The ``loglinear`` method: Poisson log-linear multiple-systems estimation.

:func:`fit_loglinear` is the front door. Either fit one given model
(``terms="A:B,A:C"``; ``""`` for independence) or choose one by AIC/BIC
(exhaustive search up to 5 lists, downhill beyond) or by the stepwise p-value
procedure. The chosen model must pass the existence/identifiability checks;
otherwise :class:`~roshan.errors.EstimationError` says why instead of a number.

Intervals: for a fixed model, the profile-likelihood interval (Cormack 1992);
when a model is *searched*, by default a bootstrap of 500 replicates repeats the
whole procedure, search included, and gives a BCa interval (Silverman, Chan &
Vincent 2024). ``bootstrap=0`` (or ``interval="profile"``) gives the cheap profile
interval of the selected model instead, labelled as ignoring model-selection
uncertainty.

Numerics live in :mod:`~roshan.estimate.poisson`, checks in
:mod:`~roshan.estimate.identifiability`, searches in
:mod:`~roshan.estimate.modelsearch`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from roshan.errors import EstimationError
from roshan.estimate.bootstrap import run_bootstrap
from roshan.estimate.counts import CaptureCounts, data_warnings
from roshan.estimate.identifiability import STATUS_TEXT
from roshan.estimate.modelsearch import SearchResult, search
from roshan.estimate.poisson import Model, ModelFit, Table, fit_model, profile_interval
from roshan.estimate.results import EstimateResult

__all__ = ["DEFAULT_BOOTSTRAP", "SEARCHES", "fit_loglinear", "model_description"]

SEARCHES = ("auto", "exhaustive", "downhill", "stepwise")
#: Bootstrap replicates used by default when a model is searched (not fixed).
DEFAULT_BOOTSTRAP = 500


def model_description(fit: ModelFit, lists: tuple[str, ...]) -> dict:
    """JSON-safe description of a fitted model for :attr:`EstimateResult.model`."""
    j = len(lists)
    names = list(lists)
    neginf = [":".join(names[i] for i in range(j) if t >> i & 1) for t in fit.neginf]
    return {
        "formula": fit.model.label(lists),
        "hierarchy": fit.model.hierarchy(j),
        "terms": fit.model.term_names(lists),
        "heterogeneity": fit.model.heterogeneity,
        "aic": fit.aic,
        "bic": fit.bic,
        "loglik": fit.loglik,
        "n_params": fit.n_params,
        "zero_overlap_terms": neginf,
    }


def _choose(
    table: Table,
    terms: Model | None,
    search_name: str,
    criterion: str,
    max_order: int | None,
    pthresh: float,
    heterogeneity: str | None,
    models: list[Model] | None = None,
    hints: dict[Model, dict] | None = None,
) -> tuple[ModelFit | None, SearchResult | None]:
    if terms is not None:
        return fit_model(table, terms, (hints or {}).get(terms), exact=False), None
    res = search(table, search_name, criterion, max_order, pthresh, heterogeneity, models, hints)
    return res.best, res


def fit_loglinear(
    counts: CaptureCounts,
    terms: str | Model | None = None,
    *,
    criterion: str = "bic",
    max_order: int | None = None,
    search: str = "auto",
    pthresh: float = 0.02,
    heterogeneity: str | None = None,
    bootstrap: int | None = None,
    level: float = 0.95,
    seed: int | None = 1234,
    interval: str = "auto",
    ntop: int = 100,
    progress: Callable[[int], None] | None = None,
) -> EstimateResult:
    """Log-linear estimate of the total, with interval, model and warnings.

    Parameters
    ----------
    terms
        A fixed model: ``"A:B,A:C"`` (hierarchically closed), ``""`` for
        independence, or a :class:`Model`. ``None`` searches.
    criterion, max_order, search, pthresh
        Search settings: ``criterion`` "aic"/"bic"; ``max_order`` the highest
        interaction order (default J-1); ``search`` "auto" (exhaustive up to 5
        lists, else downhill), "exhaustive", "downhill" or "stepwise" (p-value
        threshold ``pthresh``, pairs only unless ``max_order`` says otherwise).
    heterogeneity
        Add an Rcapture-style heterogeneity covariate: "darroch", "poisson2",
        "gamma3.5".
    bootstrap, level, seed, interval
        ``bootstrap`` replicates; ``None`` means :data:`DEFAULT_BOOTSTRAP` when a
        model is searched and 0 for a fixed model. ``interval`` "auto" (BCa when
        bootstrapping, otherwise profile), "profile", "bca", "percentile",
        "none". In an exhaustive search over more than ``ntop`` models the
        bootstrap re-selects among the ``ntop`` best original-data models
        (Silverman, Chan & Vincent 2024).
    """
    if not 0.5 <= level < 1.0:
        raise EstimationError(f"level must be between 0.5 and 1, got {level}")
    if interval not in ("auto", "profile", "bca", "percentile", "none"):
        raise EstimationError(f"unknown interval {interval!r}")
    if bootstrap is None:
        searching = terms is None
        bootstrap = (
            DEFAULT_BOOTSTRAP if searching and interval in ("auto", "bca", "percentile") else 0
        )
    if bootstrap < 0:
        raise EstimationError("bootstrap must be >= 0")
    if criterion not in ("aic", "bic"):
        raise EstimationError(f"unknown criterion {criterion!r}; use aic or bic")
    if search not in SEARCHES:
        raise EstimationError(f"unknown search {search!r}; use one of {', '.join(SEARCHES)}")
    lists = counts.lists
    if max_order is not None and max_order < 1:
        raise EstimationError("max-order must be at least 1")
    table = Table.from_counts(counts)
    fixed: Model | None
    if isinstance(terms, Model):
        fixed = terms
    elif terms is not None:
        fixed = Model.parse(terms, lists, heterogeneity)
    else:
        fixed = None
    warnings = data_warnings(counts)

    fit: ModelFit | None
    sres: SearchResult | None
    if fixed is not None:
        fit = fit_model(table, fixed, exact=True)
        if not fit.ok:
            raise EstimationError(
                f"model {fixed.label(lists)} cannot be estimated on these data: {fit.reason}"
            )
        sres = None
        procedure = "fixed"
    else:
        fit, sres = _choose(table, None, search, criterion, max_order, pthresh, heterogeneity)
        if fit is None or not fit.ok:
            raise EstimationError(
                "no log-linear model passes the existence and identifiability checks on these "
                f"data ({sres.considered if sres else 0} models tried); the lists overlap too "
                "little for a log-linear estimate"
            )
        procedure = sres.procedure if sres is not None else search
    assert fit is not None and fit.estimate is not None
    estimate = float(fit.estimate)

    diagnostics: dict = {
        "procedure": procedure,
        "criterion": criterion if procedure in ("exhaustive", "downhill") else None,
        "unobserved": estimate - table.n,
        "status": STATUS_TEXT[0],
    }
    if sres is not None:
        diagnostics.update(
            models_considered=sres.considered,
            models_failing_checks=sres.failed,
            search_path=sres.trace,
        )
        if procedure == "stepwise":
            diagnostics["pthresh"] = pthresh
        else:
            # the runners-up: if several models are about as good but disagree, say so
            usable = sorted(
                (f for f in sres.fits.values() if f.ok), key=lambda f: f.criterion(criterion)
            )
            diagnostics["top_models"] = [
                {
                    "hierarchy": f.model.hierarchy(len(lists)),
                    "formula": f.model.label(lists),
                    criterion: f.criterion(criterion),
                    "estimate": f.estimate,
                }
                for f in usable[:5]
            ]

    kind = interval
    if kind == "auto":
        kind = "bca" if bootstrap > 0 else "profile"
    lower = upper = None
    draws = None
    if kind == "profile":
        lower, upper = profile_interval(table, fit, level)
        diagnostics["interval"] = "profile-likelihood interval"
        if sres is not None and sres.considered - sres.failed > 1:
            warnings.append(
                "the profile-likelihood interval treats the selected model as if it had been "
                "known in advance; it ignores model-selection uncertainty (use --bootstrap)"
            )
        if upper is None:
            warnings.append("the profile likelihood does not fall enough: no finite upper limit")
    elif kind in ("bca", "percentile"):
        if bootstrap < 2:
            raise EstimationError(f"a {kind} interval needs --bootstrap of at least 2")
        boot_models = None
        if fixed is None and procedure == "exhaustive" and sres is not None:
            if sres.considered > ntop:
                boot_models = [f.model for f in sres.ranked[:ntop]]
                diagnostics["bootstrap_ntop"] = len(boot_models)

        hints = sres.hints() if sres is not None else {fit.model: fit.coef}

        def estimator(t: Table) -> float:
            f, _ = _choose(
                t,
                fixed,
                procedure if fixed is None else "auto",
                criterion,
                max_order,
                pthresh,
                heterogeneity,
                boot_models,
                hints,
            )
            if f is None or not f.ok or f.estimate is None:
                return float("nan")
            return float(f.estimate)

        br = run_bootstrap(table, estimate, estimator, bootstrap, level, seed, kind, progress)
        lower, upper, draws = br.lower, br.upper, br.draws
        diagnostics.update(
            interval=f"{br.method} bootstrap interval"
            + (" repeating the model search" if fixed is None else ""),
            bootstrap=bootstrap,
            bootstrap_failed=br.n_failed,
            acceleration=br.accel,
            seed=seed,
        )
        if br.method != kind:
            warnings.append(
                "BCa correction undefined (all replicates on one side); percentile interval used"
            )
        if br.n_failed:
            warnings.append(
                f"{br.n_failed} of {bootstrap} bootstrap replicates had no usable "
                "model and were left out of the interval"
            )
    else:
        diagnostics["interval"] = None

    if estimate > 10 * table.n:
        warnings.append(
            f"the estimate is {estimate / table.n:.0f} times the number observed: the lists "
            "capture only a small, possibly unrepresentative part of the population"
        )
    if fit.model.heterogeneity and fit.coef.get("h", 0.0) < 0:
        warnings.append(
            "the heterogeneity coefficient is negative (people on more lists less likely than "
            "chance); Rcapture would drop the heterogeneity term in this case"
        )
    if fit.neginf:
        warnings.append(
            "some interactions are fixed at minus infinity because the lists involved never "
            "overlap (" + ", ".join(model_description(fit, lists)["zero_overlap_terms"]) + ")"
        )
    return EstimateResult(
        method="loglinear",
        lists=list(lists),
        observed=counts.observed,
        estimate=estimate,
        lower=lower,
        upper=upper,
        level=level,
        model=model_description(fit, lists),
        diagnostics=diagnostics,
        warnings=warnings,
        strata=[],
        draws=None if draws is None else np.asarray(draws, dtype=float),
    )
