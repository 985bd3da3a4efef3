"""Store consistency checks: the invariants a crash must never break.

Used by ``roshan status --check`` and by the crash-safety tests: every import
has exactly as many raw rows and records as it counted, every record has its
raw row, and the ledger has one leaf per raw row and intake report, numbered
without gaps. (Content tampering is the ledger's job: ``roshan ledger verify``.)
"""

from __future__ import annotations

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


def check_store(ws: Workspace) -> list[str]:
    """Return a list of broken invariants (empty when the store is consistent)."""
    problems: list[str] = []
    with ws.engine.connect() as conn:
        for name, sql in CHECKS.items():
            bad = conn.execute(text(sql + " LIMIT 5")).all()
            if bad:
                problems.append(f"{name}: {', '.join(str(r[0]) for r in bad)}")
        n_leaves, max_seq = conn.execute(text("SELECT count(*), max(seq) FROM ledger_leaves")).one()
        if n_leaves and max_seq != n_leaves - 1:
            problems.append(f"ledger: {n_leaves} leaves but last seq is {max_seq} (a gap)")
        raw_leaves = conn.execute(text("SELECT count(*) FROM ledger_leaves WHERE kind = 'raw_row'")).scalar()
        raw_rows = conn.execute(text("SELECT count(*) FROM raw_rows")).scalar()
        if raw_leaves != raw_rows:
            problems.append(f"ledger: {raw_leaves} raw-row leaves for {raw_rows} raw rows")
    return problems
