"""The store's read queries (roshan.store.queries) and the link stage's decision lookups,
on a tiny SQLite workspace filled by hand: two sources, two imports, three records (one
rejected), one person linked to two records, a decision and some audit events."""

from __future__ import annotations

from typing import Any

import pytest

from roshan.link.review import decision_versions, decisions_touching, is_decided
from roshan.store.audit import record_event
from roshan.store.models import (
    EstimateRun,
    Import,
    LinkRun,
    Record,
    RecordLink,
    ReviewDecision,
    Source,
    Victim,
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
from roshan.store.workspace import Workspace


@pytest.fixture
def filled(sqlite_ws: Workspace) -> dict[str, Any]:
    ids: dict[str, Any] = {}
    with sqlite_ws.session() as sess:
        a = Source(name="Alpha", kind="ngo")
        b = Source(name="Beta", kind="media")
        sess.add_all([a, b])
        sess.flush()
        imp_a = Import(
            source_id=a.id,
            file_name="a.csv",
            sha256="a" * 64,
            size=10,
            encoding="utf-8",
            file_format="csv",
            roshan_version="t",
            actor="ana",
            rows_total=2,
            rows_accepted=1,
            rows_rejected=1,
        )
        imp_b = Import(
            source_id=b.id,
            file_name="b.csv",
            sha256="b" * 64,
            size=10,
            encoding="utf-8",
            file_format="csv",
            roshan_version="t",
            actor="bo",
            rows_total=1,
            rows_accepted=1,
            rows_rejected=0,
        )
        sess.add_all([imp_a, imp_b])
        sess.flush()
        r1 = Record(
            import_id=imp_a.id,
            row_number=1,
            source_id=a.id,
            status="accepted",
            full_name="Sara A",
            province="Tehran",
        )
        r2 = Record(
            import_id=imp_a.id,
            row_number=2,
            source_id=a.id,
            status="rejected",
            issues=[{"field": "date_of_death", "problem": "bad date"}],
        )
        r3 = Record(
            import_id=imp_b.id,
            row_number=1,
            source_id=b.id,
            status="accepted",
            full_name="Sara A.",
            city="Tehran",
        )
        sess.add_all([r1, r2, r3])
        sess.flush()
        run = LinkRun(engine="test", threshold=0.8, status="done")
        sess.add(run)
        sess.flush()
        v1 = Victim(
            uid="V-1",
            run_id=run.id,
            active=True,
            display_name="Sara A",
            date_of_death="2026-01-09",
            province="Tehran",
            province_code="THR",
        )
        v2 = Victim(
            uid="V-2",
            run_id=run.id,
            active=True,
            date_of_death=None,
            province=None,
            province_code=None,
        )
        v3 = Victim(
            uid="V-old",
            run_id=None,
            active=False,
            date_of_death="2026-01-09",
            province="Tehran",
            province_code="THR",
        )
        sess.add_all([v1, v2, v3])
        sess.flush()
        sess.add_all(
            [
                RecordLink(record_id=r3.id, victim_id=v1.id, run_id=run.id, match_probability=0.9),
                RecordLink(record_id=r1.id, victim_id=v1.id, run_id=run.id, match_probability=0.95),
            ]
        )
        sess.add(EstimateRun(method="lcmcr", result={"estimate": 2}, link_run_id=run.id))
        sess.add(
            ReviewDecision(
                record_a=r1.id, record_b=r3.id, decision="match", reviewer="rev", version=2
            )
        )
        record_event(sess, "rev", "victim.edit", "victim", "V-1", {"field": "city"})
        record_event(sess, "rev", "victim.note", "victim", "V-1", None)
        record_event(sess, "rev", "victim.edit", "victim", "V-2", None)
        sess.flush()
        ids.update(
            a=a.id,
            b=b.id,
            imp_a=imp_a.id,
            imp_b=imp_b.id,
            r1=r1.id,
            r2=r2.id,
            r3=r3.id,
            run=run.id,
            v1=v1.id,
        )
    return {"ws": sqlite_ws, **ids}


def test_imports_newest_first_with_source_and_rejected_rows(filled: dict[str, Any]) -> None:
    with filled["ws"].engine.connect() as conn:
        imports = recent_imports(conn)
        assert [i.id for i in imports] == [filled["imp_b"], filled["imp_a"]]
        assert imports[0].source == "Beta" and imports[1].file_name == "a.csv"
        assert (imports[1].rows_total, imports[1].rows_accepted, imports[1].rows_rejected) == (
            2,
            1,
            1,
        )
        assert imports[1].created_at is not None
        assert [i.id for i in recent_imports(conn, 1)] == [filled["imp_b"]]
        assert count_rejected_rows(conn, filled["imp_a"]) == 1
        assert count_rejected_rows(conn, filled["imp_b"]) == 0
        rows = rejected_rows_of(conn, filled["imp_a"])
        assert [(r.row_number, r.issues) for r in rows] == [
            (2, [{"field": "date_of_death", "problem": "bad date"}])
        ]
        assert rejected_rows_of(conn, filled["imp_a"], offset=1) == []


def test_counts_and_latest_ids(filled: dict[str, Any]) -> None:
    with filled["ws"].engine.connect() as conn:
        assert count_accepted_records(conn) == 2
        assert count_sources(conn) == 2
        assert sorted(source_names(conn)) == ["Alpha", "Beta"]
        ids = latest_ids(conn)
        assert ids.link_run == filled["run"] and ids.import_ == filled["imp_b"]
        assert ids.estimate_run is not None
        assert sorted(active_victims_by_date(conn), key=str) == [("2026-01-09", 1), (None, 1)]
        assert sorted(active_victims_by_province(conn), key=str) == [
            ("THR", "Tehran", 1),
            (None, None, 1),
        ]


def test_latest_ids_of_an_empty_workspace(tmp_path) -> None:
    ws = Workspace.init(tmp_path / "empty")
    try:
        with ws.engine.connect() as conn:
            assert tuple(latest_ids(conn)) == (None, None, None)
            assert count_accepted_records(conn) == 0 and count_sources(conn) == 0
            assert source_names(conn) == []
    finally:
        ws.close()


def test_audit_events_page_back_and_filter_by_prefix(filled: dict[str, Any]) -> None:
    with filled["ws"].engine.connect() as conn:
        total = count_audit_events(conn)
        assert total >= 4  # workspace.init and the three above
        events = recent_audit_events(conn, limit=2)
        assert [e.action for e in events] == ["victim.edit", "victim.note"]
        assert events[0].id > events[1].id
        older = recent_audit_events(conn, limit=100, before=events[1].id)
        assert all(e.id < events[1].id for e in older)
        edits = recent_audit_events(conn, action="victim.e")
        assert [e.object_id for e in edits] == ["V-2", "V-1"]
        assert edits[1].detail == {"field": "city"}
        # the prefix is literal: % and _ are not wildcards
        assert recent_audit_events(conn, action="victim_") == []
        assert recent_audit_events(conn, action="%") == []
        history = object_history(conn, "victim", "V-1")
        assert [h.action for h in history] == ["victim.edit", "victim.note"]
        assert history[0].actor == "rev" and history[0].at is not None


def test_victim_with_its_linked_records(filled: dict[str, Any]) -> None:
    with filled["ws"].engine.connect() as conn:
        assert victim_by_uid(conn, "nobody", ["display_name"]) is None
        v = victim_by_uid(conn, "V-1", ["display_name", "province"])
        assert v is not None
        assert v.values == {"display_name": "Sara A", "province": "Tehran"}
        assert (v.id, v.active, v.run_id) == (filled["v1"], True, filled["run"])
        recs = linked_records(conn, v.id)
        # by source name, then record id
        assert [(r.source, r.record_pk) for r in recs] == [
            ("Alpha", filled["r1"]),
            ("Beta", filled["r3"]),
        ]
        first = recs[0]
        assert (
            first.source_kind,
            first.import_id,
            first.file_name,
            first.imported_by,
            first.row_number,
            first.match_probability,
            first.link_run_id,
        ) == ("ngo", filled["imp_a"], "a.csv", "ana", 1, 0.95, filled["run"])
        assert first.fields["full_name"] == "Sara A" and first.fields["city"] is None
        assert recs[1].fields["city"] == "Tehran"
        assert linked_records(conn, 10_000) == []


def test_decision_lookups(filled: dict[str, Any]) -> None:
    r1, r2, r3 = filled["r1"], filled["r2"], filled["r3"]
    with filled["ws"].engine.connect() as conn:
        assert is_decided(conn, r1, r3) and is_decided(conn, r3, r1)
        assert not is_decided(conn, r1, r2)
        assert decision_versions(conn, [r1]) == {(r1, r3): (2, "match")}
        assert decision_versions(conn, [r3]) == {}  # stored smaller id first
        assert decision_versions(conn, []) == {}
        touching = decisions_touching(conn, [r3])
        assert [(d.record_a, d.record_b, d.decision, d.reviewer, d.version) for d in touching] == [
            (r1, r3, "match", "rev", 2)
        ]
        assert touching[0].decided_at is not None
        assert decisions_touching(conn, [r2]) == []
        assert decisions_touching(conn, []) == []
