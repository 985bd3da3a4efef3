"""roshan.estimate stage: from capture-pattern counts to an estimate of the total.

Entry points: :class:`~roshan.estimate.counts.CaptureCounts` (input),
:func:`~roshan.estimate.methods.fit` (any method by name),
:func:`~roshan.estimate.strata.fit_strata` (by stratum),
:class:`~roshan.estimate.results.EstimateResult` (output). Submodules are
imported on demand so that ``import roshan.estimate`` stays cheap.
"""
