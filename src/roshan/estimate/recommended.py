r"""The estimate roshan recommends by default: LCMCR with miss-neutral priors.

Why not plain LCMCR
-------------------
In simulated populations where a large group of people is hard to list (the
issue's two-class scenario: 60% with capture probability 0.25-0.5 per list, 40%
with 0.08-0.2, 4-5 lists), R's LCMCR and our faithful ``lcmcr`` cover the true
total far less often than their 95% claim, and every miss is an underestimate
(docs/estimation.md, bench/estimate_coverage.py). The cause is the prior on
the capture probabilities, not the sampler: with
:math:`\lambda_{jk} \sim \mathrm{Beta}(1,1)` on each of J lists, the prior
probability that a latent class is missed by *every* list,
:math:`\prod_j (1-\lambda_{jk})`, has mean :math:`2^{-J}` (6% with 4 lists, 3%
with 5). A priori the model is nearly sure that almost everyone is on some
list; the data say little about a hard-to-list group (its members are mostly
unobserved, by definition), so the posterior inherits that optimism. Fixing the
number of classes at the true two does not help, while the two-class
maximum-likelihood fit was not systematically low in our checks (erratic, though).

The recommended priors
----------------------
We keep the LCMCR model, its sampler and the 1/N prior, and change two priors.
First, :math:`\lambda_{jk} \sim \mathrm{Beta}(1, b_J)` with

.. math:: b_J = 1 / (2^{1/J} - 1),

chosen so that :math:`E[1-\lambda_{jk}] = 2^{-1/J}` and hence the prior mean
probability of a class being missed by all J lists is exactly 1/2: neutral
about how many people no list saw, instead of sure that there are few.
(:math:`b_3 = 3.85`, :math:`b_4 = 5.29`, :math:`b_5 = 6.73`, :math:`b_8 = 11.1`.)
The density stays finite at :math:`\lambda = 0` (unlike a Beta(a<1, 1) prior,
which we also tried: it reaches the coverage too but lets single lists "never
capture" a class and roughly triples interval widths even on easy data). For
classes with many observed members the prior is swamped by the data; it only
matters where the data are silent, which is exactly the hard-to-list group.

Second, the concentration of the class weights:
:math:`\alpha \sim \mathrm{Gamma}(1, 0.25)` (an exponential with mean 4)
instead of R's Gamma(0.25, 0.25). R's prior has mean 1 but piles up at zero:
25% of its mass lies below 0.01 and 37% below 0.05, where the stick-breaking
prior puts practically everyone in one class, i.e. assumes equal
catchability, the very assumption a latent-class model exists to relax. The
exponential prior has no pile-up at zero (0.25% below 0.01). With the
miss-neutral capture prior alone the two-class coverage was 0.85-0.88 (design
runs and the first full study); with both changes it passed 0.90 on design
populations (seed 777) before the held-out study of
bench/estimate_coverage.py (seed 2026) was run.

What it costs: intervals are about twice as wide as ``lcmcr``'s, on the
two-class scenario (where ``lcmcr``'s are too narrow to be true) and also on
independent, equally catchable lists (where the extra classes the prior allows
cannot be ruled out by the data); the relative widths stay modest there
(about +-9% of N at N = 2,000). The coverage study reports coverage and width
side by side; we did not widen intervals by any fixed factor.

What it combines
----------------
The primary posterior (estimate = median of N, equal-tailed interval, draws)
is the miss-neutral LCMCR. As a sensitivity check it also fits the faithful
``lcmcr`` (R's prior) and, on request, ``dga``; their figures are reported in
``model["components"]`` and a warning is added when they disagree with the
primary interval, so a reader sees how much the answer leans on the prior.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from roshan.errors import EstimationError, RoshanError
from roshan.estimate.counts import CaptureCounts
from roshan.estimate.lcmcr import (
    ALPHA_PRIOR,
    BURNIN,
    CHAINS,
    CLASSES,
    SAMPLES,
    THIN,
    fit_lcmcr,
    kernel_seed,
    resolve_seed,
)
from roshan.estimate.method_diagnostics import (
    LcmcrDiagnostics,
    RecommendedComponent,
    RecommendedDiagnostics,
)
from roshan.estimate.results import EstimateResult, format_count

__all__ = ["fit_recommended", "miss_neutral_b", "recommended_result", "sensitivity_checks"]

RECOMMENDED_A_ALPHA = 1.0
"""The miss-neutral concentration prior's shape a_alpha (its b_alpha is R's, 0.25): see
the module docstring."""


def miss_neutral_b(n_lists: int) -> float:
    """b_J such that Beta(1, b_J) capture probabilities give mean miss-by-all-lists = 1/2."""
    if n_lists < 1:
        raise EstimationError("need at least one list")
    return 1.0 / (2.0 ** (1.0 / n_lists) - 1.0)


def _check_compare(compare: Sequence[str]) -> None:
    unknown = [c for c in compare if c not in ("lcmcr", "dga")]
    if unknown:
        raise EstimationError(
            f"recommended: unknown comparison method(s) {', '.join(map(repr, unknown))}; "
            "use 'lcmcr' and/or 'dga'"
        )


def fit_recommended(
    counts: CaptureCounts,
    *,
    classes: int = CLASSES,
    burnin: int = BURNIN,
    samples: int = SAMPLES,
    thin: int = THIN,
    chains: int = CHAINS,
    seed: int | None = None,
    level: float = 0.95,
    workers: int | None = None,
    a_alpha: float = RECOMMENDED_A_ALPHA,
    b_alpha: float = ALPHA_PRIOR,
    compare: Sequence[str] = ("lcmcr",),
) -> EstimateResult[RecommendedDiagnostics]:
    """roshan's default estimate: LCMCR with miss-neutral priors, plus sensitivity checks.

    Sampler options are those of :func:`roshan.estimate.lcmcr.fit_lcmcr` (same
    defaults), except the concentration prior: ``a_alpha=1.0, b_alpha=0.25``
    (see the module docstring); the ``lcmcr`` check always uses R's priors. ``compare`` names methods fitted only to check the primary
    answer: ``"lcmcr"`` (R's default prior) and/or ``"dga"`` (3 to 5 lists);
    pass ``()`` to skip them (the coverage study does, to save time). The result
    has ``method="recommended"``, ``model`` naming the prior and the components,
    ``diagnostics`` of the primary sampler plus ``components``, and warnings when
    a component's interval does not overlap the primary interval's central part.
    ``seed=None`` means :data:`roshan.estimate.lcmcr.DEFAULT_SEED` (recorded in
    ``diagnostics["seed"]`` with ``seed_source``); the checks use a child of it.
    """
    _check_compare(compare)
    seed, seed_source = resolve_seed(seed)
    b = miss_neutral_b(counts.n_lists)
    opts: dict[str, Any] = dict(
        classes=classes,
        burnin=burnin,
        samples=samples,
        thin=thin,
        chains=chains,
        level=level,
        workers=workers,
        a_alpha=a_alpha,
        b_alpha=b_alpha,
    )
    primary: EstimateResult[LcmcrDiagnostics] = fit_lcmcr(
        counts, seed=seed, a_lambda=1.0, b_lambda=b, **opts
    )
    primary.diagnostics["seed_source"] = seed_source
    checks, failed = sensitivity_checks(counts, compare, seed=seed, **opts)
    return recommended_result(
        primary, checks, failed, classes=classes, a_alpha=a_alpha, b_alpha=b_alpha
    )


def sensitivity_checks(
    counts: CaptureCounts, compare: Sequence[str], *, seed: int, **opts: Any
) -> tuple[list[tuple[str, EstimateResult]], list[str]]:
    """Fit the comparison methods of :func:`fit_recommended` on ``counts``: a list of
    (label, result) and a warning for each check that could not run. ``opts`` are the
    LCMCR sampler options (``level`` among them); the ``lcmcr`` check uses R's priors."""
    _check_compare(compare)
    level = opts.get("level", 0.95)
    child = kernel_seed([seed, 1])
    out: list[tuple[str, EstimateResult]] = []
    failed: list[str] = []
    for name in compare:
        comp: EstimateResult | None = None
        label = name
        try:
            if name == "lcmcr":
                comp = fit_lcmcr(
                    counts, seed=child, **{**opts, "a_alpha": ALPHA_PRIOR, "b_alpha": ALPHA_PRIOR}
                )
                label = "lcmcr, R's default prior"
            elif name == "dga":
                if not 3 <= counts.n_lists <= 5:
                    continue
                from roshan.estimate.dga import fit_dga  # lazy: optional component

                comp = fit_dga(counts, level=level, seed=child)
                label = "dga (decomposable graphical models)"
        except RoshanError as exc:  # a failed check must not sink the main estimate
            failed.append(f"sensitivity check {name} could not run: {exc}")
            continue
        if comp is None or comp.estimate is None:
            continue
        out.append((label, comp))
    return out, failed


def recommended_result(
    primary: EstimateResult[LcmcrDiagnostics],
    checks: Sequence[tuple[str, EstimateResult]],
    failed: Sequence[str] = (),
    *,
    classes: int = CLASSES,
    a_alpha: float = RECOMMENDED_A_ALPHA,
    b_alpha: float = ALPHA_PRIOR,
    checks_note: str | None = None,
) -> EstimateResult[RecommendedDiagnostics]:
    """The ``recommended`` result from the primary (miss-neutral LCMCR) posterior and the
    sensitivity checks: estimate, interval and draws of the primary, the checks in
    ``model["components"]``, a warning where a check disagrees. ``checks_note`` says what
    the checks were fitted on when that is not the primary's own table."""
    b = miss_neutral_b(len(primary.lists))
    level = primary.level
    components: list[RecommendedComponent] = [
        {
            "method": "lcmcr, miss-neutral priors",
            "role": "primary",
            "estimate": primary.estimate,
            "lower": primary.lower,
            "upper": primary.upper,
            "prior": f"lambda ~ Beta(1, {b:.3g})",
        }
    ]
    warnings = list(primary.warnings) + list(failed)
    for label, comp in checks:
        row: RecommendedComponent = {
            "method": label,
            "role": "sensitivity check",
            "estimate": comp.estimate,
            "lower": comp.lower,
            "upper": comp.upper,
        }
        if checks_note:
            row["fitted_on"] = checks_note
        components.append(row)
        warnings.extend(_disagreement(primary, comp, label))

    # the primary sampler's diagnostics, then the components (b_lambda keeps its place)
    diagnostics: RecommendedDiagnostics = {
        **primary.diagnostics,
        "components": components,
        "b_lambda": b,
    }
    model = {
        "name": "LCMCR with miss-neutral priors (roshan recommended)",
        "classes": classes,
        "prior": (
            f"lambda ~ Beta(1, {b:.3g}) so that a class's prior mean chance of being on "
            f"no list is 1/2; alpha ~ Gamma({a_alpha}, {b_alpha}); p(N) ~ 1/N"
        ),
        "combined": "estimate and interval from the primary posterior; other components are "
        "sensitivity checks reported beside it",
        "components": components,
    }
    return EstimateResult(
        method="recommended",
        lists=list(primary.lists),
        observed=primary.observed,
        estimate=primary.estimate,
        lower=primary.lower,
        upper=primary.upper,
        level=level,
        model=model,
        diagnostics=diagnostics,
        warnings=warnings,
        draws=primary.draws,
    )


def _disagreement(primary: EstimateResult, comp: EstimateResult, label: str) -> list[str]:
    """Warnings when a comparison interval misses the primary estimate, or vice versa."""
    assert primary.estimate is not None and primary.lower is not None
    assert primary.upper is not None
    lo, hi = comp.lower, comp.upper
    if lo is None or hi is None or comp.estimate is None:
        return []
    out = []
    if hi < primary.estimate:
        out.append(
            f"components disagree: {label} gives {format_count(comp.estimate)} "
            f"[{format_count(lo)}, {format_count(hi)}], below the recommended estimate "
            f"{format_count(primary.estimate)}; the data cannot rule out a hard-to-list group, "
            "and methods that assume everyone is fairly likely to be listed come out lower"
        )
    elif lo > primary.estimate:
        out.append(
            f"components disagree: {label} gives {format_count(comp.estimate)} "
            f"[{format_count(lo)}, {format_count(hi)}], above the recommended estimate "
            f"{format_count(primary.estimate)}; check list dependence and the linkage"
        )
    elif not (primary.lower <= comp.estimate <= primary.upper):
        out.append(
            f"components disagree: {label}'s estimate {format_count(comp.estimate)} lies "
            f"outside the recommended interval [{format_count(primary.lower)}, {format_count(primary.upper)}]"
        )
    return out
