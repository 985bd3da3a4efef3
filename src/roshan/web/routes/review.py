"""The review queue: uncertain pairs and suspicious clusters, decided side by side.

The queue and the decisions are those of :mod:`roshan.link.review` (the terminal
review and spreadsheet round-trip use the same functions). Each decision carries
the version the reviewer saw (0 = no decision yet); if another reviewer decided
the pair in between, the store refuses the write (optimistic locking) and the
reviewer sees the other decision instead of silently overwriting it.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Form, Query, Request
from pydantic import BaseModel, Field

from roshan.canonical import FIELD_NAMES
from roshan.errors import LinkageError, RoshanError
from roshan.store import Workspace, record_event
from roshan.web.auth import CurrentUser
from roshan.web.db import reader
from roshan.web.routes.common import ID_MAX, CanReview, redirect, render

router = APIRouter()


def queue(ws: Workspace, limit: int = 20) -> list[dict[str, Any]]:
    """Queue items with both records and the current decision version of each pair."""
    from roshan.link import decision_versions, records_by_pk, review_queue

    try:
        items = review_queue(ws, limit=limit, cluster_limit=max(1, limit // 2))
    except (LinkageError, FileNotFoundError):
        return []
    items = items[:limit]
    pks = {i["record_a"] for i in items} | {i["record_b"] for i in items}
    recs = records_by_pk(ws, pks) if pks else {}
    versions: dict[tuple[int, int], tuple[int, str | None]] = {}
    if items:
        # Queue pairs are stored smaller id first, like decisions: look them up by record_a
        # (the leading column of the pair's unique index) instead of scanning all decisions.
        firsts = sorted({min(i["record_a"], i["record_b"]) for i in items})
        with reader(ws) as conn:
            versions.update(decision_versions(conn, firsts))
    out = []
    for item in items:
        key = (item["record_a"], item["record_b"])
        version, current = versions.get(key, (0, None))
        out.append(
            {
                **item,
                "version": version,
                "current_decision": current,
                "a": recs.get(key[0]),
                "b": recs.get(key[1]),
            }
        )
    return out


#: How far down the queue a decided pair may be and still count as "from the queue".
QUEUE_DEPTH = 1000


def in_queue(ws: Workspace, record_a: int, record_b: int) -> bool:
    """True when the pair is in the review queue, or was decided before (a correction)."""
    from roshan.link import is_decided, review_queue

    a, b = sorted((int(record_a), int(record_b)))
    with reader(ws) as conn:
        decided = is_decided(conn, a, b)
    if decided:
        return True
    try:
        items = review_queue(ws, limit=QUEUE_DEPTH, cluster_limit=QUEUE_DEPTH // 2)
    except (LinkageError, FileNotFoundError):
        return False
    return any(sorted((i["record_a"], i["record_b"])) == [a, b] for i in items)


def decide(
    ws: Workspace,
    user: CurrentUser,
    record_a: int,
    record_b: int,
    decision: str,
    expected_version: int,
    note: str | None = None,
    *,
    via: str = "api",
) -> dict[str, Any]:
    """Store a decision with optimistic locking (ReviewConflictError → HTTP 409).

    ``via`` says where it was made ("web" page or "api") in the audit log. A pair that
    is not in the review queue (and was never decided) may still be decided — a
    reviewer may spot a pair elsewhere — but the audit log then says so with a
    ``review.outside_queue`` event beside the decision.
    """
    from roshan.link import DECISIONS, decide_in_session

    if decision not in DECISIONS:
        raise RoshanError(f"decision must be one of {', '.join(DECISIONS)}")
    queued = in_queue(ws, record_a, record_b)
    with ws.session() as sess:
        row = decide_in_session(
            sess,
            record_a,
            record_b,
            decision,
            user.actor,
            expected_version=expected_version,
            note=note or None,
            via=via,
        )
        if not queued:
            record_event(
                sess,
                user.actor,
                "review.outside_queue",
                "record_pair",
                f"{row.record_a}-{row.record_b}",
                {"via": via},
            )
        sess.flush()
        out = {
            "record_a": row.record_a,
            "record_b": row.record_b,
            "decision": row.decision,
            "version": row.version,
            "reviewer": row.reviewer,
            "in_queue": queued,
        }
    return out


@router.get("/review", include_in_schema=False)
def review_page(
    request: Request,
    user: CanReview,
    skip: int = Query(0, ge=0, le=1000),
    status: Literal["saved", "conflict"] | None = Query(None),
) -> Any:
    items = queue(request.app.state.ws, limit=20)
    item = items[skip] if 0 <= skip < len(items) else None
    fields = [
        f for f in FIELD_NAMES if item and ((item["a"] or {}).get(f) or (item["b"] or {}).get(f))
    ]
    return render(
        request,
        "review.html",
        {"item": item, "fields": fields, "remaining": len(items), "skip": skip, "status": status},
    )


@router.post("/review/decide", include_in_schema=False)
def review_submit(
    request: Request,
    user: CanReview,
    record_a: int = Form(..., ge=1, le=ID_MAX),
    record_b: int = Form(..., ge=1, le=ID_MAX),
    decision: str = Form(...),
    expected_version: int = Form(0, ge=0, le=ID_MAX),
    skip: int = Form(0, ge=0, le=1000),
) -> Any:
    from roshan.link import ReviewConflictError

    try:
        decide(
            request.app.state.ws, user, record_a, record_b, decision, expected_version, via="web"
        )
    except ReviewConflictError:
        return redirect(f"/review?status=conflict&skip={skip}")
    return redirect(f"/review?status=saved&skip={skip}")


class DecisionIn(BaseModel):
    record_a: int = Field(..., ge=1, le=ID_MAX)
    record_b: int = Field(..., ge=1, le=ID_MAX)
    decision: Literal["match", "non_match", "unsure"]
    expected_version: int = Field(
        0, ge=0, le=ID_MAX, description="The version you read (0 = none yet)."
    )
    note: str | None = Field(None, max_length=2000)


@router.get("/api/review/queue", tags=["review"])
def api_queue(
    request: Request,
    user: CanReview,
    limit: int = Query(20, ge=1, le=200),
) -> dict[str, Any]:
    """What to review next: pairs with both records and the decision version to send back."""
    items = queue(request.app.state.ws, limit)
    return {"count": len(items), "items": items}


@router.post("/api/review/decisions", tags=["review"])
def api_decide(request: Request, body: DecisionIn, user: CanReview) -> dict[str, Any]:
    """Decide a pair. 409 when someone else changed it since you read ``expected_version``."""
    return decide(
        request.app.state.ws,
        user,
        body.record_a,
        body.record_b,
        body.decision,
        body.expected_version,
        body.note,
    )
