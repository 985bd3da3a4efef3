"""Estimate from a linked workspace and keep the result in the store.

This is the one function the CLI, the demo, the report and the web app call to
estimate from a workspace: it reads the capture histories linkage wrote, fits
(overall or by stratum), and stores the ``EstimateResult`` document as an
``EstimateRun`` with an audit event, so reports show exactly what was estimated.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import select

from roshan.errors import EstimationError, LinkageError
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


def estimate_workspace(ws: Workspace, *, method: str = DEFAULT_METHOD,
                       by: list[str] | None = None, store: bool = True,
                       **options: Any) -> EstimateResult:
    """Fit ``method`` to the workspace's capture histories; store the result unless told not to."""
    by = [b for b in (by or []) if b]
    frame = workspace_histories(ws, by)
    if by:
        result = fit_strata(frame, by, method, **options)
    else:
        result = fit(method, CaptureCounts.from_frame(frame), **options)
    if store:
        save_estimate(ws, result, method=method, by=by, settings=options)
    return result


def save_estimate(ws: Workspace, result: EstimateResult, *, method: str, by: list[str],
                  settings: dict[str, Any]) -> int:
    """Store an estimate (as its JSON document) and audit it; returns the run id."""
    with ws.session() as sess:
        link_run = sess.execute(select(LinkRun.id).where(LinkRun.status == "done")
                                .order_by(LinkRun.id.desc())).scalar()
        run = EstimateRun(method=method, by=list(by or []),
                          settings={k: v for k, v in settings.items() if _jsonable(v)},
                          result=result.to_dict(), link_run_id=link_run, actor=actor_name())
        sess.add(run)
        sess.flush()
        record_event(sess, actor_name(), "estimate.create", "estimate_run", run.id,
                     {"method": method, "by": by, "estimate": result.estimate})
        return int(run.id)


def latest_estimate(ws: Workspace, *, by: list[str] | None = None) -> dict[str, Any] | None:
    """The most recent stored estimate document (overall when ``by`` is None), or None."""
    with ws.engine.connect() as conn:
        rows = conn.execute(select(EstimateRun.by, EstimateRun.result)
                            .order_by(EstimateRun.id.desc())).all()
    for run_by, doc in rows:
        if (run_by or []) == (by or []):
            return doc
    return None


def _jsonable(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool, type(None), list, dict))


__all__ = ["EstimationError", "estimate_workspace", "latest_estimate", "save_estimate",
           "workspace_histories"]
