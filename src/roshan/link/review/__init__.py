"""roshan.link.review: the clerical review of uncertain matches.

- :mod:`~roshan.link.review.decisions` — the decisions reviewers store on pairs of
  records (``match`` / ``non_match`` / ``unsure``), with optimistic locking
  (:class:`ReviewConflictError`) and an audit event each; as constraints
  (:func:`load_constraints`) and training labels (:func:`decisions_frame`) of the next
  linkage run;
- :mod:`~roshan.link.review.queue` — what to review next (:func:`review_queue`):
  model-check pairs, :func:`uncertain_pairs`, then suspicious clusters;
- :mod:`~roshan.link.review.suspicious` — clusters that look wrong
  (:func:`suspicious_clusters`), from the analysis in
  :mod:`~roshan.link.review.analysis` and :mod:`~roshan.link.review.attributes`;
- :mod:`~roshan.link.review.reading` — the latest run's threshold, pairs.parquet and the
  records to show;
- :mod:`~roshan.link.review.io` — review batches as CSV/XLSX spreadsheets
  (:func:`export_batch` / :func:`import_batch`);
- :mod:`~roshan.link.review.tui` — the terminal reviewer (:func:`run_interactive`).

The CLI and the web app use these through :mod:`roshan.link`. Names load on first use
(:mod:`roshan._lazy`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from roshan._lazy import lazy_exports

if TYPE_CHECKING:
    from roshan.link.review.decisions import (
        DECISIONS,
        MATCH,
        NON_MATCH,
        UNSURE,
        DecisionEntry,
        ReviewConflictError,
        decide_in_session,
        decision_versions,
        decisions_frame,
        decisions_touching,
        get_decision,
        is_decided,
        load_constraints,
        ordered_pair,
        parse_decision,
        record_decision,
    )
    from roshan.link.review.io import (
        BatchExport,
        BatchImport,
        batch_columns,
        export_batch,
        import_batch,
        read_batch,
    )
    from roshan.link.review.queue import (
        IN_DOUBT,
        REVIEW_BAND,
        clear_review_caches,
        latest_health,
        review_queue,
        uncertain_pairs,
        warm_review_cache,
    )
    from roshan.link.review.reading import (
        FALLBACK_THRESHOLD,
        current_threshold,
        read_pairs,
        records_by_pk,
    )
    from roshan.link.review.suspicious import DATE_GAP_DAYS, SuspiciousCluster, suspicious_clusters
    from roshan.link.review.tui import SessionSummary, run_interactive

__all__ = [
    "DATE_GAP_DAYS",
    "DECISIONS",
    "REVIEW_BAND",
    "FALLBACK_THRESHOLD",
    "IN_DOUBT",
    "MATCH",
    "NON_MATCH",
    "UNSURE",
    "BatchExport",
    "BatchImport",
    "DecisionEntry",
    "ReviewConflictError",
    "SessionSummary",
    "SuspiciousCluster",
    "batch_columns",
    "clear_review_caches",
    "current_threshold",
    "decide_in_session",
    "decision_versions",
    "decisions_frame",
    "decisions_touching",
    "export_batch",
    "get_decision",
    "import_batch",
    "is_decided",
    "latest_health",
    "load_constraints",
    "ordered_pair",
    "parse_decision",
    "read_batch",
    "read_pairs",
    "record_decision",
    "records_by_pk",
    "review_queue",
    "run_interactive",
    "suspicious_clusters",
    "uncertain_pairs",
    "warm_review_cache",
]

__getattr__, __dir__ = lazy_exports(__name__)
