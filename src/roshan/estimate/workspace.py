"""Estimate from a linked workspace and keep the result in the store.

This is the one function the CLI, the demo, the report and the web app call to
estimate from a workspace: it reads the capture histories linkage wrote, fits
(overall or by stratum), and stores the ``EstimateResult`` document as an
``EstimateRun`` with an audit event, so reports show exactly what was estimated.

The overall estimate carries linkage uncertainty by default: it is pooled over
:data:`~roshan.estimate.linkage.DEFAULT_LINKAGE_DRAWS` plausible clusterings of the
records (docs/linkage-uncertainty.md), and the estimate on the linker's one
clustering (the *plug-in*) is kept beside it in ``diagnostics["linkage"]["plugin"]``
as a diagnostic. ``linkage_draws=0`` asks for the plug-in estimate alone.
Stratified estimates (``by``) stay plug-in unless ``linkage_draws`` is given: each
clustering is then fitted afresh per stratum, which is slow.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
from sqlalchemy import select

from roshan.errors import EstimationError, LinkageError, LinkageRiskError
from roshan.estimate.counts import CaptureCounts
from roshan.estimate.methods import DEFAULT_METHOD, fit
from roshan.estimate.results import EstimateResult
from roshan.estimate.strata import fit_strata
from roshan.store.audit import record_event
from roshan.store.models import EstimateRun, LinkRun
from roshan.store.workspace import Workspace, actor_name


def workspace_histories(ws: Workspace, by: list[str] | None = None) -> pd.DataFrame:
    """Capture histories of the linked victims (pooled over strata when ``by`` is empty)."""
    from roshan.link.histories import capture_histories

    frame = capture_histories(ws, by or None)
    if frame.empty:
        raise LinkageError("the workspace has no linked victims yet; run `roshan link` first")
    if not by:
        keys = [c for c in frame.columns if c != "count"]
        frame = frame.groupby(keys, as_index=False)["count"].sum()
    return frame


def estimate_workspace(
    ws: Workspace,
    *,
    method: str = DEFAULT_METHOD,
    by: list[str] | None = None,
    store: bool = True,
    linkage_draws: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    accept_linkage_risk: bool = False,
    **options: Any,
) -> EstimateResult:
    """Fit ``method`` to the workspace; store the result unless told not to.

    ``linkage_draws``: ``None`` (default) pools
    :data:`~roshan.estimate.linkage.DEFAULT_LINKAGE_DRAWS` drawn clusterings for an
    overall estimate (plug-in for ``by``; plug-in with a warning when the workspace has
    no pairwise scores to draw from); ``0`` the plug-in estimate on the linker's
    clustering; ``N >= 2`` N clusterings. ``on_progress(done, total)`` follows the draws.

    When the latest link run failed its health check (:func:`linkage_health`), the
    estimate is refused with :class:`~roshan.errors.LinkageRiskError` unless
    ``accept_linkage_risk``; the verdict, and whether the risk was accepted, are kept in
    ``diagnostics["linkage_health"]`` and the stored settings, so the report can say so.
    """
    from roshan.estimate.linkage import DEFAULT_LINKAGE_DRAWS

    health = linkage_health(ws)
    if health["verdict"] == "failed" and not accept_linkage_risk:
        raise LinkageRiskError(refusal_message(health))
    health["risk_accepted"] = bool(health["verdict"] == "failed" and accept_linkage_risk)
    by = [b for b in (by or []) if b]
    n = linkage_draws
    note = None
    if n is None:
        n = 0 if by else DEFAULT_LINKAGE_DRAWS
        if n and (reason := _no_linkage_inputs(ws)):
            n, note = (
                0,
                (
                    "linkage uncertainty is not included: "
                    + reason
                    + "; this is the estimate on the linker's one clustering"
                ),
            )
    if n == 1 or (n is not None and n < 0):
        raise EstimationError("linkage draws must be 0 (plug-in) or at least 2")
    if n:
        from roshan.estimate.linkage import estimate_with_linkage_draws

        workspace_histories(ws, [])  # the same "link first" error as a plug-in estimate
        result = estimate_with_linkage_draws(
            ws, n, method, by=by, on_progress=on_progress, **options
        )
        settings = linkage_settings(result, n, options)
    else:
        frame = workspace_histories(ws, by)
        if by:
            result = fit_strata(frame, by, method, **options)
        else:
            result = fit(method, CaptureCounts.from_frame(frame), **options)
        settings = {**options, "linkage_draws": 0}
        if note:
            result.warnings.append(note)
    result.diagnostics["linkage_health"] = health
    if health["risk_accepted"]:
        result.warnings.insert(
            0,
            "the linkage failed its health check and the risk was "
            "accepted (--accept-linkage-risk): " + health_summary(health),
        )
        settings = {**settings, "accept_linkage_risk": True}
    if store:
        save_estimate(ws, result, method=method, by=by, settings=settings)
    return result


def linkage_health(ws: Workspace) -> dict[str, Any]:
    """The latest link run's health verdict (:func:`roshan.link.pipeline.latest_link_health`)
    as a plain dict: ``verdict`` (``ok``, ``repaired``, ``failed``, or ``None`` for a run
    from before the check existed), ``failed`` (check names), ``review_pairs``,
    ``message``, ``run_id``."""
    from roshan.link.pipeline import latest_link_health

    got = latest_link_health(ws)
    if got is None:
        return {"verdict": None, "failed": [], "review_pairs": 0, "message": None, "run_id": None}
    return dict(got)


def health_summary(health: dict[str, Any]) -> str:
    """One line: which checks failed and how many pairs wait for review."""
    failed = ", ".join(health.get("failed") or []) or "unnamed checks"
    return (
        f"failed checks: {failed}; {health.get('review_pairs') or 0:,} pairs to review "
        f"(link run {health.get('run_id')})"
    )


def refusal_message(health: dict[str, Any]) -> str:
    """Why an estimate is refused on a linkage that failed its health check."""
    return (
        "the linkage is not trustworthy: its health check failed ("
        + health_summary(health)
        + "). Review those pairs (`roshan review WS`) and run "
        "`roshan link WS` again; to estimate anyway, pass --accept-linkage-risk (the "
        "result and the report will say the risk was accepted)"
    )


def _no_linkage_inputs(ws: Workspace) -> str | None:
    """Why linkage draws cannot be made on this workspace (None when they can)."""

    if not ws.snapshot("pairs").is_file():
        return "the workspace has no pairwise match scores (snapshots/pairs.parquet)"
    return None


def linkage_settings(result: EstimateResult, n: int, options: dict[str, Any]) -> dict[str, Any]:
    """Settings stored with a pooled run: the estimator's options, N, sampler, refit."""
    info = (result.diagnostics or {}).get("linkage") or {}
    settings = {**options, "linkage_draws": n}
    for key in ("sampler", "merge_prior", "refit"):
        if isinstance(info.get(key), str):
            settings[key] = info[key]
    return settings


def save_estimate(
    ws: Workspace, result: EstimateResult, *, method: str, by: list[str], settings: dict[str, Any]
) -> int:
    """Store an estimate (as its JSON document) and audit it; returns the run id."""
    with ws.session() as sess:
        link_run = sess.execute(
            select(LinkRun.id).where(LinkRun.status == "done").order_by(LinkRun.id.desc())
        ).scalar()
        run = EstimateRun(
            method=method,
            by=list(by or []),
            settings={k: v for k, v in settings.items() if _jsonable(v)},
            result=result.to_dict(),
            link_run_id=link_run,
            actor=actor_name(),
        )
        sess.add(run)
        sess.flush()
        record_event(
            sess,
            actor_name(),
            "estimate.create",
            "estimate_run",
            run.id,
            {"method": method, "by": by, "estimate": result.estimate},
        )
        return int(run.id)


def latest_estimate(ws: Workspace, *, by: list[str] | None = None) -> dict[str, Any] | None:
    """The most recent stored estimate document (overall when ``by`` is None), or None."""
    with ws.engine.connect() as conn:
        rows = conn.execute(
            select(EstimateRun.by, EstimateRun.result).order_by(EstimateRun.id.desc())
        ).all()
    for run_by, doc in rows:
        if (run_by or []) == (by or []):
            return doc
    return None


def _jsonable(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool, type(None), list, dict))


__all__ = [
    "EstimationError",
    "LinkageRiskError",
    "estimate_workspace",
    "health_summary",
    "latest_estimate",
    "linkage_health",
    "linkage_settings",
    "refusal_message",
    "save_estimate",
    "workspace_histories",
]
