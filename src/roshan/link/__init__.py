"""roshan.link: records of many lists into victims (Splink), and the clerical review.

Entry points:

- :func:`link_workspace` — the stage on a workspace (train, score pairs, cluster, write
  victims), seeded by :data:`DEFAULT_SEED`, returning a :class:`LinkSummary`;
  :func:`latest_link_health` — how the last run went;
- :func:`capture_histories` — which lists documented each victim (optionally by stratum),
  the input of :mod:`roshan.estimate`;
- review: :func:`review_queue` (uncertain pairs and suspicious clusters),
  :func:`records_by_pk`, :func:`decide_in_session` with :data:`DECISIONS`, the stored
  decisions (:func:`is_decided`, :func:`decision_versions`, :func:`decisions_touching`),
  :class:`ReviewConflictError`, :func:`warm_review_cache`; offline batches with
  :func:`export_batch` / :func:`import_batch`; the terminal reviewer
  :func:`run_interactive` and what it returns, :class:`SessionSummary`.

Names load on first use (:mod:`roshan._lazy`): ``import roshan.link`` does not import
splink or duckdb (``roshan --help`` stays fast; tests/architecture checks it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from roshan._lazy import lazy_exports

if TYPE_CHECKING:
    from roshan.link.histories import capture_histories
    from roshan.link.pipeline import (
        DEFAULT_SEED,
        LinkSummary,
        latest_link_health,
        link_workspace,
    )
    from roshan.link.review import (
        DECISIONS,
        ReviewConflictError,
        SessionSummary,
        decide_in_session,
        decision_versions,
        decisions_touching,
        export_batch,
        import_batch,
        is_decided,
        records_by_pk,
        review_queue,
        run_interactive,
        warm_review_cache,
    )

__all__ = [
    "DECISIONS",
    "DEFAULT_SEED",
    "LinkSummary",
    "ReviewConflictError",
    "SessionSummary",
    "capture_histories",
    "decide_in_session",
    "decision_versions",
    "decisions_touching",
    "export_batch",
    "import_batch",
    "is_decided",
    "latest_link_health",
    "link_workspace",
    "records_by_pk",
    "review_queue",
    "run_interactive",
    "warm_review_cache",
]

__getattr__, __dir__ = lazy_exports(__name__)
