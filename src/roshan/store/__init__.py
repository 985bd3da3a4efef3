"""roshan.store: the workspace and its database, the bottom layer every stage writes to.

A workspace is a folder with ``roshan.toml`` and the store it points to (SQLite in the
folder, or PostgreSQL for a team server); the tables are SQLAlchemy models, migrated by
Alembic.

Entry points:

- :class:`Workspace` (``Workspace.init`` / ``Workspace.open``), :func:`actor_name`;
- the table models (:class:`Source`, :class:`Import`, :class:`Record`, :class:`Victim`,
  :class:`LinkRun`, :class:`ReviewDecision`, :class:`User`, ...), :data:`VICTIM_FIELDS`
  (a victim's stored values) and :func:`utcnow`;
- :func:`record_event` — one row of the audit log;
- :func:`workspace_status`, :func:`check_store`, :func:`reap_dead_link_runs`;
- read queries for the pages that show the store (``roshan.store.queries``, each on the
  caller's connection): :func:`recent_imports`, :func:`rejected_rows_of`,
  :func:`recent_audit_events`, :func:`victim_by_uid`, :func:`linked_records`, the counts
  and :func:`latest_ids`;
- :func:`backup_workspace` / :func:`restore_workspace` (``roshan.store.backup.backup``
  and ``.restore``), :func:`expected_size`, :class:`BackupError`.

Names load on first use (:mod:`roshan._lazy`): ``import roshan.store`` is cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from roshan._lazy import lazy_exports

if TYPE_CHECKING:
    from roshan.store.audit import record_event
    from roshan.store.backup import BackupError, expected_size
    from roshan.store.backup import backup as backup_workspace
    from roshan.store.backup import restore as restore_workspace
    from roshan.store.integrity import check_store
    from roshan.store.models import (
        VICTIM_FIELDS,
        ApiToken,
        AuditEvent,
        EstimateRun,
        Import,
        IntakeReport,
        Job,
        LinkRun,
        RawRow,
        Record,
        RecordLink,
        ReviewDecision,
        Source,
        User,
        Victim,
        WebSession,
        utcnow,
    )
    from roshan.store.queries import (
        active_victims_by_date,
        active_victims_by_province,
        count_accepted_records,
        count_audit_events,
        count_rejected_rows,
        count_sources,
        latest_ids,
        linked_records,
        object_history,
        recent_audit_events,
        recent_imports,
        rejected_rows_of,
        source_names,
        victim_by_uid,
    )
    from roshan.store.runs import reap_dead_link_runs
    from roshan.store.status import workspace_status
    from roshan.store.workspace import SNAPSHOT_FILES, SnapshotName, Workspace, actor_name

__all__ = [
    "SNAPSHOT_FILES",
    "VICTIM_FIELDS",
    "SnapshotName",
    "ApiToken",
    "AuditEvent",
    "BackupError",
    "EstimateRun",
    "Import",
    "IntakeReport",
    "Job",
    "LinkRun",
    "RawRow",
    "Record",
    "RecordLink",
    "ReviewDecision",
    "Source",
    "User",
    "Victim",
    "WebSession",
    "Workspace",
    "active_victims_by_date",
    "active_victims_by_province",
    "actor_name",
    "backup_workspace",
    "check_store",
    "count_accepted_records",
    "count_audit_events",
    "count_rejected_rows",
    "count_sources",
    "expected_size",
    "latest_ids",
    "linked_records",
    "object_history",
    "reap_dead_link_runs",
    "recent_audit_events",
    "recent_imports",
    "record_event",
    "rejected_rows_of",
    "restore_workspace",
    "source_names",
    "utcnow",
    "victim_by_uid",
    "workspace_status",
]

__getattr__, __dir__ = lazy_exports(__name__)
