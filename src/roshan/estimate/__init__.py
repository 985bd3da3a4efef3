"""roshan.estimate: from capture-pattern counts to an estimate of the total.

Entry points:

- :class:`CaptureCounts` (input) and :class:`EstimateResult` (output);
- :func:`fit` — any method by name; :data:`METHODS`, :data:`DEFAULT_METHOD` and the
  stratum names :data:`STRATA`; :func:`fit_strata` — by stratum;
- on a workspace: :func:`estimate_workspace` (linkage uncertainty carried by default),
  :func:`latest_estimate`, :func:`linkage_health`;
- the keys of ``EstimateResult.diagnostics`` per method (:class:`LoglinearDiagnostics`,
  :class:`LcmcrDiagnostics`, :class:`DgaDiagnostics`, :class:`RecommendedDiagnostics`,
  :class:`StrataDiagnostics`, their shared parts :class:`LinkageDiagnostics`,
  :class:`LinkageHealthDiagnostics`, :class:`FederateDiagnostics`; :data:`Diagnostics`,
  :func:`diagnostics_of`).

Names load on first use (:mod:`roshan._lazy`): ``import roshan.estimate`` does not import
pandas or the numba kernels.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from roshan._lazy import lazy_exports

if TYPE_CHECKING:
    from roshan.estimate.counts import CaptureCounts
    from roshan.estimate.federated import (
        estimate_federated,
        file_sha256,
        read_sidecar,
        sidecar_path,
    )
    from roshan.estimate.method_diagnostics import (
        DgaDiagnostics,
        Diagnostics,
        FederateDiagnostics,
        LcmcrDiagnostics,
        LinkageDiagnostics,
        LinkageHealthDiagnostics,
        LoglinearDiagnostics,
        RecommendedDiagnostics,
        StrataDiagnostics,
        diagnostics_of,
    )
    from roshan.estimate.methods import DEFAULT_METHOD, METHODS, STRATA, fit
    from roshan.estimate.results import EstimateResult
    from roshan.estimate.strata import fit_strata
    from roshan.estimate.workspace import estimate_workspace, latest_estimate, linkage_health

__all__ = [
    "DEFAULT_METHOD",
    "METHODS",
    "STRATA",
    "CaptureCounts",
    "DgaDiagnostics",
    "Diagnostics",
    "EstimateResult",
    "FederateDiagnostics",
    "LcmcrDiagnostics",
    "LinkageDiagnostics",
    "LinkageHealthDiagnostics",
    "LoglinearDiagnostics",
    "RecommendedDiagnostics",
    "StrataDiagnostics",
    "diagnostics_of",
    "estimate_federated",
    "estimate_workspace",
    "file_sha256",
    "fit",
    "fit_strata",
    "latest_estimate",
    "linkage_health",
    "read_sidecar",
    "sidecar_path",
]

__getattr__, __dir__ = lazy_exports(__name__)
