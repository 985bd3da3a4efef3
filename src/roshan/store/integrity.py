"""Store consistency checks: the invariants a crash must never break.

Used by ``roshan status --check`` and by the crash-safety tests: every import
has exactly as many raw rows and records as it counted, every record has its
raw row, and the ledger has one leaf per raw row and intake report, numbered
without gaps. (Content tampering is the ledger's job: ``roshan ledger verify``.)

Linkage: every record link belongs to the latest *finished* run and points at an
active victim, that run's record count equals its links, and every active victim
has exactly as many links as records it claims (so none is empty). A ``link_runs``
row left "running" by a killed process is not an inconsistency (it is never read as
a result); opening the workspace marks it failed (roshan.store.runs). Estimates: every stored run holds a whole result document. Intake: every
report has its ledger leaf, and the record it was imported as.
"""

from __future__ import annotations

import json

from sqlalchemy import text

from roshan.store.workspace import Workspace

CHECKS: dict[str, str] = {
    "import row counts": """
        SELECT i.id FROM imports i
        LEFT JOIN (SELECT import_id, count(*) n FROM raw_rows GROUP BY import_id) r ON r.import_id = i.id
        WHERE coalesce(r.n, 0) <> i.rows_total""",
    "import record counts": """
        SELECT i.id FROM imports i
        LEFT JOIN (SELECT import_id, count(*) n,
                          sum(CASE WHEN status = 'accepted' THEN 1 ELSE 0 END) a
                   FROM records GROUP BY import_id) r ON r.import_id = i.id
        WHERE coalesce(r.n, 0) <> i.rows_total OR coalesce(r.a, 0) <> i.rows_accepted""",
    "records without a raw row": """
        SELECT rec.id FROM records rec
        LEFT JOIN raw_rows rr ON rr.import_id = rec.import_id AND rr.row_number = rec.row_number
        WHERE rr.id IS NULL""",
    "raw rows without a record": """
        SELECT rr.id FROM raw_rows rr
        LEFT JOIN records rec ON rr.import_id = rec.import_id AND rr.row_number = rec.row_number
        WHERE rec.id IS NULL""",
}

LINK_CHECKS: dict[str, str] = {
    "record links not from the latest finished link run": """
        SELECT l.record_id FROM record_links l
        WHERE l.run_id <> (SELECT max(id) FROM link_runs WHERE status = 'done')""",
    "record links to inactive or missing victims": """
        SELECT l.record_id FROM record_links l LEFT JOIN victims v ON v.id = l.victim_id
        WHERE v.id IS NULL OR NOT v.active""",
    "active victims whose record count differs from their links (empty victims included)": """
        SELECT v.id FROM victims v
        LEFT JOIN (SELECT victim_id, count(*) n FROM record_links GROUP BY victim_id) l
               ON l.victim_id = v.id
        WHERE v.active AND coalesce(l.n, 0) <> v.n_records""",
    "latest finished link run: record or victim count differs from the store": """
        SELECT r.id FROM link_runs r
        WHERE r.id = (SELECT max(id) FROM link_runs WHERE status = 'done')
          AND (r.n_records <> (SELECT count(*) FROM record_links)
               OR r.n_victims <> (SELECT count(*) FROM victims WHERE active))""",
    "record links to records that no longer exist": """
        SELECT l.record_id FROM record_links l LEFT JOIN records rec ON rec.id = l.record_id
        WHERE rec.id IS NULL""",
}

INTAKE_CHECKS: dict[str, str] = {
    "intake reports whose record is missing": """
        SELECT ir.report_id FROM intake_reports ir
        LEFT JOIN records rec ON rec.import_id = ir.import_id AND rec.record_id = ir.report_id
        WHERE ir.import_id IS NOT NULL AND rec.id IS NULL""",
    "intake reports without a ledger leaf": """
        SELECT ir.report_id FROM intake_reports ir
        LEFT JOIN ledger_leaves lf ON lf.kind = 'intake_report' AND lf.ref = ir.report_id
        WHERE lf.seq IS NULL""",
}


def check_store(ws: Workspace) -> list[str]:
    """Return a list of broken invariants (empty when the store is consistent)."""
    problems: list[str] = []
    with ws.engine.connect().execution_options(sqlite_deferred=True) as conn:  # a read
        for name, sql in {**CHECKS, **LINK_CHECKS, **INTAKE_CHECKS}.items():
            bad = conn.execute(text(sql + " LIMIT 5")).all()
            if bad:
                problems.append(f"{name}: {', '.join(str(r[0]) for r in bad)}")
        n_leaves, max_seq = conn.execute(text("SELECT count(*), max(seq) FROM ledger_leaves")).one()
        if n_leaves and max_seq != n_leaves - 1:
            problems.append(f"ledger: {n_leaves} leaves but last seq is {max_seq} (a gap)")
        raw_leaves = conn.execute(
            text("SELECT count(*) FROM ledger_leaves WHERE kind = 'raw_row'")
        ).scalar()
        raw_rows = conn.execute(text("SELECT count(*) FROM raw_rows")).scalar()
        if raw_leaves != raw_rows:
            problems.append(f"ledger: {raw_leaves} raw-row leaves for {raw_rows} raw rows")
        for run_id, result in conn.execute(text("SELECT id, result FROM estimate_runs")):
            doc = json.loads(result) if isinstance(result, str) else result
            if not isinstance(doc, dict) or "estimate" not in doc or "method" not in doc:
                problems.append(f"estimate run {run_id}: result document incomplete")
    problems += _link_snapshot_problems(ws)
    return problems


def _link_snapshot_problems(ws: Workspace) -> list[str]:
    """The victims snapshot (read by estimation) must match the store's latest finished run."""
    path = ws.snapshot("victims")
    if not path.is_file():
        return []
    import pyarrow.parquet as pq

    with ws.engine.connect().execution_options(sqlite_deferred=True) as conn:  # a read
        done = conn.execute(
            text("SELECT n_victims FROM link_runs WHERE status = 'done' ORDER BY id DESC LIMIT 1")
        ).scalar()
    if done is None:
        return ["link snapshot: victims.parquet exists but no link run finished"]
    try:
        rows = pq.read_metadata(path).num_rows
    except Exception:  # noqa: BLE001 - a torn or foreign file
        return ["link snapshot: victims.parquet is unreadable"]
    if rows != done:
        return [
            f"link snapshot: victims.parquet has {rows} victims, the latest finished run {done}"
        ]
    return []
