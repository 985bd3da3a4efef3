"""Link and estimate runs as background jobs, with progress pages that poll the store."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Form, Request
from pydantic import BaseModel, Field

from roshan.estimate import DEFAULT_METHOD, METHODS, STRATA
from roshan.web.auth import CurrentUser
from roshan.web.jobs import job_dict, list_jobs
from roshan.web.routes.common import CanRunJobs, CanViewAggregates, PathId, found, redirect, render

router = APIRouter()


def _start(request: Request, user: CurrentUser, kind: str, params: dict[str, Any]) -> int:
    from roshan.web.routes.dashboard import forget_cache

    forget_cache()
    return request.app.state.jobs.start(kind, params, user.actor)


@router.get("/jobs", include_in_schema=False)
def jobs_page(request: Request, user: CanViewAggregates) -> Any:
    from roshan.estimate import linkage_health

    return render(
        request,
        "jobs.html",
        {
            "jobs": list_jobs(request.app.state.ws),
            "methods": METHODS,
            "default_method": DEFAULT_METHOD,
            "strata": STRATA,
            "link_health": linkage_health(request.app.state.ws),
        },
    )


@router.post("/jobs", include_in_schema=False)
def jobs_submit(
    request: Request,
    user: CanRunJobs,
    kind: str = Form(...),
    method: str = Form(DEFAULT_METHOD),
    by: str = Form(""),
    accept_linkage_risk: str = Form(""),
) -> Any:
    params: dict[str, Any] = {"method": method, "by": by} if kind == "estimate" else {}
    if kind == "estimate" and accept_linkage_risk:
        params["accept_linkage_risk"] = accept_linkage_risk
    job_id = _start(request, user, kind, params)
    return redirect(f"/jobs/{job_id}")


@router.get("/jobs/{job_id}", include_in_schema=False)
def job_page(request: Request, job_id: PathId, user: CanViewAggregates) -> Any:
    job = found(job_dict(request.app.state.ws, job_id), "job")
    return render(request, "job.html", {"job": job})


class JobIn(BaseModel):
    kind: Literal["link", "estimate"]
    method: Literal[METHODS] = DEFAULT_METHOD  # type: ignore[valid-type]
    by: list[Literal[STRATA]] = Field(default_factory=list)  # type: ignore[valid-type]
    bootstrap: int | None = Field(None, ge=0, le=2000)
    #: estimate even though the latest linkage failed its health check (refused otherwise)
    accept_linkage_risk: bool = False


@router.get("/api/jobs", tags=["jobs"])
def api_jobs(request: Request, user: CanViewAggregates) -> list[dict[str, Any]]:
    """Recent jobs (newest first) with status and progress."""
    return list_jobs(request.app.state.ws)


@router.post("/api/jobs", status_code=202, tags=["jobs"])
def api_start(request: Request, body: JobIn, user: CanRunJobs) -> dict[str, Any]:
    """Start a link or estimate run in the background; poll ``/api/jobs/{id}``."""
    params: dict[str, Any] = {}
    if body.kind == "estimate":
        params = {"method": body.method, "by": list(body.by)}
        if body.bootstrap is not None:
            params["options"] = {"bootstrap": body.bootstrap}
        if body.accept_linkage_risk:
            params["accept_linkage_risk"] = True
    job_id = _start(request, user, body.kind, params)
    return job_dict(request.app.state.ws, job_id) or {"id": job_id}


@router.get("/api/jobs/{job_id}", tags=["jobs"])
def api_job(request: Request, job_id: PathId, user: CanViewAggregates) -> dict[str, Any]:
    """One job: status (queued, running, done, failed), progress 0–1, message, result."""
    return found(job_dict(request.app.state.ws, job_id), "job")
