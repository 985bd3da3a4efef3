"""Background jobs (link, estimate) run in a worker thread, with progress in the ``jobs`` table.

A job row is written ``queued`` when a user starts it, ``running`` with a
progress fraction and a short message while it works, and ``done`` (with a
JSON result summary without names) or ``failed`` (with a one-line reason) at the
end. Pages poll the row, so progress survives reloads and is visible to the
whole team. Jobs left ``queued``/``running`` by a server that stopped are marked
``failed`` ("interrupted") when the app starts again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from roshan.errors import RoshanError
from roshan.estimate import DEFAULT_METHOD, METHODS, STRATA
from roshan.store import Job, Workspace, record_event, utcnow
from roshan.web.db import reader

log = logging.getLogger("roshan.web.jobs")

JOB_KINDS: tuple[str, ...] = ("link", "estimate")
#: The method list, default and strata are defined once, in roshan.estimate.methods.
ESTIMATE_METHODS: tuple[str, ...] = METHODS

Progress = Callable[[float, str], None]


def _run_link(ws: Workspace, params: dict[str, Any], report: Progress) -> dict[str, Any]:
    from roshan.link import link_workspace

    def on_progress(stage: str, done: int, total: int) -> None:
        frac = (done / total) if total else 0.0
        report(0.05 + 0.9 * min(max(frac, 0.0), 1.0), stage)

    report(0.02, "normalise")
    summary = link_workspace(ws, on_progress=on_progress)
    d = summary.to_dict()
    keep = (
        "run_id",
        "n_records",
        "n_sources",
        "n_pairs",
        "n_victims",
        "n_linked_victims",
        "n_new_victims",
        "n_retired_victims",
        "n_flagged_clusters",
        "warnings",
    )
    return {k: d.get(k) for k in keep}


def _run_estimate(ws: Workspace, params: dict[str, Any], report: Progress) -> dict[str, Any]:
    from roshan.estimate import estimate_workspace

    method = params.get("method") or DEFAULT_METHOD
    by = [b for b in params.get("by") or [] if b]
    options = {k: v for k, v in (params.get("options") or {}).items()}
    report(0.1, f"fitting {method}")
    result = estimate_workspace(
        ws,
        method=method,
        by=by,
        accept_linkage_risk=bool(params.get("accept_linkage_risk")),
        **options,
    )
    doc = result.to_dict()
    return {k: doc.get(k) for k in ("method", "observed", "estimate", "lower", "upper")}


RUNNERS: dict[str, Callable[[Workspace, dict[str, Any], Progress], dict[str, Any]]] = {
    "link": _run_link,
    "estimate": _run_estimate,
}


def validate_params(kind: str, params: dict[str, Any] | None) -> dict[str, Any]:
    """Checked, JSON-ready parameters for a job of ``kind`` (RoshanError when invalid)."""
    params = dict(params or {})
    if kind not in JOB_KINDS:
        raise RoshanError(f"unknown job kind {kind!r}; choose one of {', '.join(JOB_KINDS)}")
    if kind == "link":
        return {}
    method = params.get("method") or DEFAULT_METHOD
    if method not in ESTIMATE_METHODS:
        raise RoshanError(f"unknown method {method!r}; choose one of {', '.join(ESTIMATE_METHODS)}")
    by = params.get("by") or []
    if isinstance(by, str):
        by = [b.strip() for b in by.split(",") if b.strip()]
    bad = [b for b in by if b not in STRATA]
    if bad:
        raise RoshanError(f"cannot stratify by {', '.join(bad)}; choose from {', '.join(STRATA)}")
    options: dict[str, Any] = {}
    raw = params.get("options") or {}
    if "bootstrap" in raw:
        options["bootstrap"] = max(0, min(int(raw["bootstrap"]), 2000))
    out: dict[str, Any] = {"method": method, "by": by, "options": options}
    if params.get("accept_linkage_risk") in (True, "1", "on", "true"):
        # estimate although the latest linkage failed its health check (issue 18); kept in
        # the job's parameters and the estimate's settings, and said by the report
        out["accept_linkage_risk"] = True
    return out


class JobRunner:
    """Starts jobs in a small thread pool and records their progress in the store."""

    def __init__(self, ws: Workspace, workers: int = 1) -> None:
        self.ws = ws
        self._pool = ThreadPoolExecutor(
            max_workers=max(1, workers), thread_name_prefix="roshan-job"
        )
        self._lock = threading.Lock()
        self.mark_interrupted()

    def mark_interrupted(self) -> int:
        """Mark jobs a previous server left unfinished as failed; returns how many."""
        with self.ws.session() as sess:
            res = sess.execute(
                update(Job)
                .where(Job.status.in_(("queued", "running")))
                .values(
                    status="failed", message="interrupted (server stopped)", finished_at=utcnow()
                )
            )
            return int(getattr(res, "rowcount", 0) or 0)

    def start(self, kind: str, params: dict[str, Any] | None, actor: str) -> int:
        """Queue a job; returns its id. Parameters are validated first."""
        clean = validate_params(kind, params)
        with self.ws.session() as sess:
            job = Job(kind=kind, status="queued", progress=0.0, params=clean, created_by=actor)
            sess.add(job)
            sess.flush()
            job_id = int(job.id)
            record_event(sess, actor, "job.start", "job", job_id, {"kind": kind, "params": clean})
        self._pool.submit(self._run, job_id, kind, clean, actor)
        return job_id

    def _set(self, job_id: int, **values: Any) -> None:
        with self.ws.session() as sess:
            sess.execute(update(Job).where(Job.id == job_id).values(**values))

    def _run(self, job_id: int, kind: str, params: dict[str, Any], actor: str) -> None:
        self._set(job_id, status="running", started_at=utcnow(), progress=0.01)

        def report(fraction: float, message: str) -> None:
            self._set(job_id, progress=round(float(fraction), 4), message=str(message)[:200])

        try:
            result = RUNNERS[kind](self.ws, params, report)
        except RoshanError as exc:
            self._finish(job_id, "failed", str(exc).splitlines()[0][:300], None, actor, kind)
        except Exception as exc:  # a job must never take the server down
            log.exception("job %s (%s) crashed", job_id, kind)
            self._finish(
                job_id, "failed", f"internal error: {type(exc).__name__}", None, actor, kind
            )
        else:
            self._finish(job_id, "done", "finished", result, actor, kind)

    def _finish(
        self,
        job_id: int,
        status: str,
        message: str,
        result: dict[str, Any] | None,
        actor: str,
        kind: str,
    ) -> None:
        with self.ws.session() as sess:
            sess.execute(
                update(Job)
                .where(Job.id == job_id)
                .values(
                    status=status,
                    message=message,
                    result=result,
                    finished_at=utcnow(),
                    progress=1.0 if status == "done" else Job.progress,
                )
            )
            record_event(sess, actor, f"job.{status}", "job", job_id, {"kind": kind})

    def wait(self, job_id: int, timeout: float = 120.0) -> dict[str, Any]:
        """Block until the job finishes (tests and scripts); returns its row as a dict."""
        import time

        deadline = time.monotonic() + timeout
        while True:
            row = job_dict(self.ws, job_id)
            if row and row["status"] in ("done", "failed"):
                return row
            if time.monotonic() > deadline:
                raise TimeoutError(f"job {job_id} still {row and row['status']}")
            time.sleep(0.2)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def job_dict(ws: Workspace, job_id: int) -> dict[str, Any] | None:
    """One job as a JSON-ready dict, or None."""
    with reader(ws) as conn:
        row = conn.execute(select(*Job.__table__.c).where(Job.id == job_id)).first()
    return None if row is None else _as_dict(row)


def _as_dict(job: Any) -> dict[str, Any]:
    """A ``jobs`` row by column name, its times as ISO 8601."""
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in job._mapping.items()}


def list_jobs(ws: Workspace, limit: int = 50) -> list[dict[str, Any]]:
    """The most recent jobs, newest first."""
    with reader(ws) as conn:
        rows = conn.execute(select(*Job.__table__.c).order_by(Job.id.desc()).limit(limit)).all()
    return [_as_dict(r) for r in rows]
