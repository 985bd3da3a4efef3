"""One door to every estimation method: ``fit(method, counts, **options)``.

Methods are looked up by name so the CLI, the strata code and the web app do
not need to know which module implements what. Bayesian methods live in
modules written separately (``lcmcr``, ``dga``, ``recommended``); they are
imported only when asked for, and a clear error says so if one is not there.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from roshan.errors import EstimationError

if TYPE_CHECKING:
    # types only: importing this module (for METHODS and DEFAULT_METHOD, as the CLI does
    # when it starts) must not load pandas (counts) or numpy (results)
    from roshan.estimate.counts import CaptureCounts
    from roshan.estimate.results import EstimateResult

__all__ = ["DEFAULT_METHOD", "METHODS", "STRATA", "fit", "method_function"]

#: Method names accepted by :func:`fit` (and ``roshan estimate --method``).
METHODS: tuple[str, ...] = ("loglinear", "lcmcr", "dga", "recommended")
#: Default method of ``roshan estimate``, of web estimate jobs and of the report.
#: The single place it is defined: the CLI, the web app, the report and the docs
#: read it (tests/web/test_issue15.py checks that they agree).
DEFAULT_METHOD = "recommended"
#: Columns a workspace estimate can be stratified by (``--by``, the web form, the report).
STRATA: tuple[str, ...] = ("province", "period", "sex", "age_group")

_IMPLEMENTATIONS = {
    "loglinear": ("roshan.estimate.loglinear", "fit_loglinear"),
    "lcmcr": ("roshan.estimate.lcmcr", "fit_lcmcr"),
    "dga": ("roshan.estimate.dga", "fit_dga"),
    "recommended": ("roshan.estimate.recommended", "fit_recommended"),
}


def method_function(method: str) -> Callable[..., EstimateResult]:
    """The function implementing ``method`` (imported lazily)."""
    if method not in _IMPLEMENTATIONS:
        raise EstimationError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    module, name = _IMPLEMENTATIONS[method]
    if importlib.util.find_spec(module) is None:
        raise EstimationError(
            f"method {method!r} is not available in this build of roshan ({module} is missing)"
        )
    mod = importlib.import_module(module)
    func = getattr(mod, name, None)
    if func is None:
        raise EstimationError(f"method {method!r} is not available yet ({module}.{name} missing)")
    return func


def fit(method: str, counts: CaptureCounts, **options: Any) -> EstimateResult:
    """Estimate the total with ``method`` on ``counts``.

    ``options`` go to the method's own function (see :mod:`roshan.estimate.loglinear`
    and the other method modules); options set to ``None`` are dropped so that
    the method's defaults apply.
    """
    func = method_function(method)
    opts = {k: v for k, v in options.items() if v is not None}
    try:
        return func(counts, **opts)
    except TypeError as exc:
        if "unexpected keyword argument" in str(exc):
            raise EstimationError(f"method {method!r}: {exc}") from None
        raise
