"""The keys of ``EstimateResult.diagnostics``, typed per method (issue 19 item 5).

Each method writes its own diagnostics; these :class:`~typing.TypedDict` say which keys
(``NotRequired`` ones only under some options) and what they hold, so that code reading
them is checked by mypy instead of indexing a free dict by string:

- :class:`LoglinearDiagnostics` (``fit_loglinear``), :class:`LcmcrDiagnostics`
  (``fit_lcmcr``), :class:`DgaDiagnostics` (``fit_dga``), :class:`RecommendedDiagnostics`
  (``fit_recommended``) and :class:`StrataDiagnostics` (``fit_strata``);
- the parts any of them may carry (:class:`SharedDiagnostics`): ``linkage`` when pooled
  over drawn clusterings (:class:`LinkageDiagnostics`, ``roshan.estimate.linkage``),
  ``linkage_health`` on a workspace (:class:`LinkageHealthDiagnostics`) and ``federate``
  on privately computed counts (:class:`FederateDiagnostics`).

The warnings are not in the diagnostics: they are ``EstimateResult.warnings``, a list of
sentences. The dicts stay dicts at run time (the ``--json`` document is unchanged);
:func:`diagnostics_of` gives a result's diagnostics with its method's type, and
tests/estimate/test_method_diagnostics.py runs every method and checks that the keys it
writes are exactly the keys declared here.
"""

# No ``from __future__ import annotations``: TypedDict reads NotRequired[...] from the
# evaluated annotations (Python 3.11 counts a string "NotRequired[...]" as required).
from typing import TYPE_CHECKING, Any, NotRequired, TypedDict, cast

if TYPE_CHECKING:
    from roshan.estimate.results import EstimateResult

__all__ = [
    "DIAGNOSTICS_TYPES",
    "DgaDiagnostics",
    "Diagnostics",
    "FederateDiagnostics",
    "LcmcrDiagnostics",
    "LinkageDiagnostics",
    "LinkageHealthDiagnostics",
    "LoglinearDiagnostics",
    "RecommendedDiagnostics",
    "SharedDiagnostics",
    "StrataDiagnostics",
    "diagnostics_of",
]


# --- the shared parts ---------------------------------------------------------------------


class Interval(TypedDict):
    """An estimate and its interval."""

    estimate: float | None
    lower: float | None
    upper: float | None


class PluginResult(Interval):
    """The estimate on the linker's own clustering (the plug-in), as a diagnostic."""

    observed: int


class Spread(TypedDict):
    """Smallest, median and largest value over the drawn clusterings."""

    min: float
    median: float
    max: float


class LinkageSeconds(TypedDict):
    """Where the time of an estimate over drawn clusterings went, in seconds."""

    total: float
    plugin: float
    clusterings: float
    burnin_fits: float
    fits: float
    pooling: float


class LinkageDiagnostics(TypedDict):
    """``diagnostics["linkage"]``: an estimate pooled over drawn clusterings of the records
    (``roshan.estimate.linkage.pool_results``, ``estimate_from_graph``,
    ``estimate_with_linkage_draws``; ``estimate_federated`` over drawn private matchings).
    """

    draws_used: int
    draws_failed: int
    #: "mixture of posterior draws" (Bayesian methods) or "Rubin's rules on log N".
    pooling: str
    share_linkage: float
    share_unlisted: float
    pooled: Interval
    width_pooled: float
    width_if_linkage_certain: float
    estimate_per_draw: Spread
    # mixture of posterior draws
    within_variance: NotRequired[float]
    between_variance: NotRequired[float]
    # Rubin's rules
    within_variance_log: NotRequired[float]
    between_variance_log: NotRequired[float]
    degrees_of_freedom: NotRequired[float]
    # with the counts of each drawn clustering / the plug-in result
    observed_per_draw: NotRequired[Spread]
    plugin: NotRequired[PluginResult]
    observed_gap: NotRequired[float]
    #: read by ``EstimateResult.documented_range`` and the report's headline
    observed_uncertain: NotRequired[bool]
    # how each clustering was fitted: "full", "calibrated" or "chain"
    refit: NotRequired[str]
    within_scale: NotRequired[float]
    per_draw_options: NotRequired[dict[str, Any]]
    chain_mc_variance: NotRequired[float]
    draws_per_clustering: NotRequired[int]
    plugin_draws: NotRequired[int]
    plugin_fit: NotRequired[str]
    lcmcr_iterations: NotRequired[int]
    # the clustering sampler (estimate_from_graph)
    n_draws: NotRequired[int]
    method: NotRequired[str]
    seed: NotRequired[int | None]
    sampler: NotRequired[str]
    logit_prior: NotRequired[float | None]
    unscored_log_bf: NotRequired[float | None]
    merge_logit: NotRequired[float | None]
    merge_logit_trace: NotRequired[list[float]]
    merge_prior: NotRequired[str | None]
    temper: NotRequired[float]
    score: NotRequired[str | None]
    score_choice: NotRequired[Any]
    burnin_sweeps: NotRequired[int | None]
    thin_sweeps: NotRequired[int | None]
    uncertain_pairs: NotRequired[int]
    records: NotRequired[int]
    certain_components: NotRequired[int]
    seconds: NotRequired[LinkageSeconds]
    # on a workspace (estimate_with_linkage_draws)
    by: NotRequired[list[str]]
    band: NotRequired[list[float]]
    chain_guard: NotRequired[float]
    threshold: NotRequired[float | None]
    must_link: NotRequired[int]
    cannot_link: NotRequired[int]
    plugin_clustering: NotRequired[str]
    # over drawn private matchings (estimate_federated)
    kind: NotRequired[str]


class LinkageHealthDiagnostics(TypedDict):
    """``diagnostics["linkage_health"]``: the latest link run's health check
    (``roshan.estimate.workspace.linkage_health``), on a workspace estimate."""

    #: "ok", "repaired", "failed", or None for a run from before the check existed
    verdict: str | None
    failed: list[str]
    review_pairs: int
    message: str | None
    run_id: int | None
    #: the estimate was made although the check failed (--accept-linkage-risk)
    risk_accepted: bool


class FederateLinkageError(TypedDict):
    """How the private matching's error was drawn, and whether it was pooled."""

    method: str
    n_draws: int
    accept_probability: list[dict[str, Any]]
    accept_cap: float
    draws_pooled: int
    accounted: bool
    #: without drawn matchings: the relative sd the interval was widened by
    #: (estimate.federated.matching_rsd of the estimate), the factor of its
    #: sd = factor × √N̂ (MATCHING_SD_FACTOR) and the interval before
    widened_rsd: NotRequired[float]
    widened_sd_factor: NotRequired[float]
    interval_before_widening: NotRequired[list[float]]


class FederateDiagnostics(TypedDict):
    """``diagnostics["federate"]``: the provenance of privately computed counts
    (``roshan federate count``'s COUNTS.federate.json, without its drawn tables;
    ``roshan.estimate.federated.provenance_summary``). Organisations only, no victim."""

    version: int
    computed_privately: bool
    how: str
    protocol: int
    session_id: str
    session_created_at: str | None
    counted_at: str
    parties: list[dict[str, str]]
    coordinator: dict[str, str]
    victims_per_party: dict[str, int] | None
    #: "scored" (protocol 2: a pair's modelled probability ≥ accept) or "threshold"
    match_rule: NotRequired[str]
    accept: NotRequired[float | None]
    min_shared: NotRequired[int | None]
    #: links joined strongest first, no victim with two rows of one party (protocol 3)
    one_per_victim: NotRequired[bool]
    threshold: int
    unique_threshold: int | None
    max_df: int
    tokens_per_victim: int
    strata_proposed: list[str]
    strata_revealed: list[str]
    observed: int | None
    counts_file: str
    counts_sha256: str
    linkage_error: FederateLinkageError


class SharedDiagnostics(TypedDict, total=False):
    """The parts any method's diagnostics may carry, set by the code around the fit."""

    linkage: LinkageDiagnostics
    linkage_health: LinkageHealthDiagnostics
    federate: FederateDiagnostics


# --- per method ---------------------------------------------------------------------------


class LoglinearTopModel(TypedDict):
    """One of the best models of a log-linear search, by the criterion."""

    hierarchy: str
    formula: str
    estimate: float | None
    #: the criterion's value, under its name (aic or bic)
    aic: NotRequired[float]
    bic: NotRequired[float]


class LoglinearDiagnostics(SharedDiagnostics):
    """``fit_loglinear`` (``roshan.estimate.loglinear``)."""

    #: "fixed", "exhaustive", "downhill" or "stepwise"
    procedure: str
    #: "aic" or "bic" for an exhaustive or downhill search, else None
    criterion: str | None
    unobserved: float
    status: str
    #: what the interval is, or None without one
    interval: str | None
    # a searched model
    models_considered: NotRequired[int]
    models_failing_checks: NotRequired[int]
    search_path: NotRequired[list[dict[str, Any]]]
    pthresh: NotRequired[float]
    top_models: NotRequired[list[LoglinearTopModel]]
    # a bootstrap interval
    bootstrap_ntop: NotRequired[int]
    bootstrap: NotRequired[int]
    bootstrap_failed: NotRequired[int]
    acceleration: NotRequired[float]
    seed: NotRequired[int | None]


class LcmcrDiagnostics(SharedDiagnostics):
    """``fit_lcmcr`` (``roshan.estimate.lcmcr.summarise_draws``): the sampler's settings,
    its convergence and a summary of the posterior."""

    classes: int
    burnin: int
    samples: int
    thin: int
    chains: int
    seed: int
    a_alpha: float
    b_alpha: float
    a_lambda: float
    b_lambda: float
    iterations: int
    sampling_seconds: float
    compile_seconds: float
    iterations_per_second: float
    rhat: float
    ess: float
    ess_tail: float
    chain_medians: list[float]
    converged: bool
    #: False: the chains disagree and the result is "NOT FINAL"
    final: bool
    share_above_r_cap: float
    posterior_mean: float
    posterior_sd: float
    occupied_classes_median: float
    alpha_median: float
    chain_seeds: list[int]
    #: N per chain, the kept draws
    trace: list[list[float]]
    # set by fit_lcmcr (not by chains run on over drawn clusterings)
    extensions: NotRequired[int]
    extend_max: NotRequired[int]
    #: lcmcr.EXTEND_RULES: how the rounds grow ("double": each doubles the run)
    extend_rule: NotRequired[str]
    #: "default" or "given"
    seed_source: NotRequired[str]
    n0_moves: NotRequired[bool]
    start_scales: NotRequired[list[float]]
    # chains run on over drawn clusterings (refit "chain"): R-hat and ESS are the worse of
    # the raw traces' and the detrended ones'
    rhat_raw: NotRequired[float | None]
    ess_raw: NotRequired[float | None]
    rhat_detrended: NotRequired[float]
    ess_detrended: NotRequired[float]
    convergence: NotRequired[str]


class RecommendedComponent(TypedDict):
    """The primary posterior or one sensitivity check of ``recommended``."""

    method: str
    #: "primary" or "sensitivity check"
    role: str
    estimate: float | None
    lower: float | None
    upper: float | None
    prior: NotRequired[str]
    #: what a check was fitted on when that is not the primary's own table
    fitted_on: NotRequired[str]


class RecommendedDiagnostics(LcmcrDiagnostics):
    """``fit_recommended`` (``roshan.estimate.recommended``): the primary LCMCR sampler's
    diagnostics plus the components."""

    components: list[RecommendedComponent]
    b_lambda: float


class PosteriorCurve(TypedDict):
    """The averaged posterior of N in at most 300 bins."""

    n: list[float]
    density: list[float]
    #: "linear" or "log" (geometric bins)
    scale: str


class DgaGrid(TypedDict):
    """The Nmissing grid's cap and how much of the posterior lies near it."""

    grid_cap_missing: int
    #: the grid chosen automatically (no n_max, no n_missing)
    mass_in_last_decade_before_cap: NotRequired[float]
    #: the grid given (n_max or n_missing)
    mass_in_last_5pct_of_grid: NotRequired[float]


class DgaDiagnostics(SharedDiagnostics):
    """``fit_dga`` (``roshan.estimate.dga``)."""

    interval: str
    posterior_median: float
    posterior_mean: float
    bayes_estimate: float
    posterior_mode: float
    top_model_mode: float
    top_model_weight: float
    saturated_weight: float
    include_saturated: bool
    n_graphs: int
    effective_graphs: float
    delta: float
    prior: str
    prior_description: str
    grid_min_missing: int
    grid_max_missing: int
    grid_step: int
    grid_points: int
    grid_cap_missing: int
    posterior_curve: PosteriorCurve
    n_draws: int
    #: the grid chosen automatically (no n_max, no n_missing)
    mass_in_last_decade_before_cap: NotRequired[float]
    #: the grid given (n_max or n_missing)
    mass_in_last_5pct_of_grid: NotRequired[float]


class StrataDiagnostics(SharedDiagnostics):
    """``fit_strata`` (``roshan.estimate.strata``): a method within strata, summed."""

    interval: str | None
    n_strata: int
    n_not_estimable: int
    combined_draws: int | None


#: Any method's diagnostics.
Diagnostics = (
    LoglinearDiagnostics
    | LcmcrDiagnostics
    | DgaDiagnostics
    | RecommendedDiagnostics
    | StrataDiagnostics
)

#: The diagnostics type of each method of ``roshan.estimate.METHODS``.
DIAGNOSTICS_TYPES: dict[str, type] = {
    "loglinear": LoglinearDiagnostics,
    "lcmcr": LcmcrDiagnostics,
    "dga": DgaDiagnostics,
    "recommended": RecommendedDiagnostics,
}


def diagnostics_of(result: "EstimateResult") -> Diagnostics:
    """``result.diagnostics`` typed for mypy: narrow it by ``result.method`` (or a key)
    before reading a method's own keys. The same dict, not a copy."""
    return cast("Diagnostics", result.diagnostics)
