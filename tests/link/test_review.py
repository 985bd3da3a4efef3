"""Review decisions, constraints, and the choice of what to review (roshan.link.review)."""
# ruff: noqa: F811 - fixtures imported from test_review_fixtures are redefined as arguments

from __future__ import annotations

import pytest
from test_review_fixtures import (  # noqa: F401 - fixtures
    audit_details,
    record_pks,
    review_template,
    rws,
    set_fields,
    write_clusters,
    write_pairs,
)

from roshan.errors import LinkageError
from roshan.link import review as rv


@pytest.mark.parametrize(
    "word,expected",
    [
        ("match", "match"),
        ("MATCH ", "match"),
        ("y", "match"),
        ("yes", "match"),
        ("m", "match"),
        ("بله", "match"),
        ("non_match", "non_match"),
        ("non-match", "non_match"),
        ("n", "non_match"),
        ("no", "non_match"),
        ("خیر", "non_match"),
        ("unsure", "unsure"),
        ("?", "unsure"),
        ("u", "unsure"),
        ("نامطمئن", "unsure"),
        ("نامطمين", None),
        ("", None),
        ("   ", None),
        (None, None),
        (float("nan"), None),
    ],
)
def test_parse_decision(word, expected) -> None:
    if word == "نامطمين":  # a misspelling is an error, never silently a decision
        with pytest.raises(ValueError):
            rv.parse_decision(word)
        return
    assert rv.parse_decision(word) == expected


def test_parse_decision_tolerates_arabic_letters() -> None:
    # Arabic yeh (ي) typed by a keyboard set to Arabic instead of Persian.
    assert rv.parse_decision("نامطمئن".replace("ی", "ي")) == "unsure"


def test_parse_decision_rejects_unknown() -> None:
    with pytest.raises(ValueError, match="unknown decision"):
        rv.parse_decision("perhaps-not")


def test_record_decision_stores_ordered_pair_with_audit(rws) -> None:
    a, b = record_pks(rws)[:2]
    row = rv.record_decision(rws, b, a, "match", "reviewer-1", note="same father name")
    assert (row.record_a, row.record_b) == (a, b)
    assert row.decision == "match" and row.version == 1 and row.reviewer == "reviewer-1"
    assert row.decided_at is not None
    events = audit_details(rws, "review.decide")
    assert len(events) == 1
    ev = events[0]
    assert ev["object_id"] == f"{a}-{b}" and ev["actor"] == "reviewer-1"
    assert ev["detail"]["decision"] == "match" and ev["detail"]["version"] == 1
    assert "same father name" not in ev["json"]  # notes may hold names: never in the audit log
    assert ev["detail"]["has_note"] is True


def test_later_decision_updates_with_current_version(rws) -> None:
    a, b = record_pks(rws)[:2]
    rv.record_decision(rws, a, b, "match", "r1")
    row = rv.record_decision(rws, a, b, "non_match", "r2", expected_version=1)
    assert row.version == 2 and row.decision == "non_match" and row.reviewer == "r2"
    stored = rv.get_decision(rws, b, a)
    assert stored is not None and stored.version == 2 and stored.decision == "non_match"
    assert len(audit_details(rws, "review.decide")) == 2
    assert audit_details(rws, "review.decide")[1]["detail"]["previous"] == "match"


def test_stale_version_is_a_conflict_and_changes_nothing(rws) -> None:
    a, b = record_pks(rws)[:2]
    rv.record_decision(rws, a, b, "match", "r1")
    # Two reviewers read version 1; the first to save wins, the second gets a conflict.
    rv.record_decision(rws, a, b, "unsure", "r2", expected_version=1)
    with pytest.raises(rv.ReviewConflictError, match="changed by someone else"):
        rv.record_decision(rws, a, b, "non_match", "r3", expected_version=1)
    stored = rv.get_decision(rws, a, b)
    assert stored.decision == "unsure" and stored.version == 2 and stored.reviewer == "r2"
    assert len(audit_details(rws, "review.decide")) == 2


def test_expected_none_on_existing_pair_is_a_conflict(rws) -> None:
    a, b = record_pks(rws)[:2]
    rv.record_decision(rws, a, b, "match", "r1")
    with pytest.raises(rv.ReviewConflictError):
        rv.record_decision(rws, a, b, "non_match", "r2", expected_version=0)
    with pytest.raises(rv.ReviewConflictError):
        rv.record_decision(rws, a + 10**6, b, "non_match", "r2", expected_version=3)


def test_conflict_is_a_user_error() -> None:
    from roshan.errors import RoshanError

    assert issubclass(rv.ReviewConflictError, RoshanError)


@pytest.mark.parametrize(
    "args,msg",
    [
        ((10**9, None, "match", "r"), "unknown record"),
        ((None, None, "maybe-ish", "r"), "unknown decision"),
        ((None, None, "match", "  "), "reviewer"),
    ],
)
def test_bad_decisions_refused(rws, args, msg) -> None:
    a, b = record_pks(rws)[:2]
    ra = a if args[0] is None else args[0]
    with pytest.raises(LinkageError, match=msg):
        rv.record_decision(rws, ra, b, args[2], args[3])
    assert rv.decisions_frame(rws).empty


def test_self_pair_refused(rws) -> None:
    a = record_pks(rws)[0]
    with pytest.raises(LinkageError, match="itself"):
        rv.record_decision(rws, a, a, "match", "r")


def test_load_constraints_and_training_labels(rws) -> None:
    p = record_pks(rws)
    rv.record_decision(rws, p[3], p[1], "match", "r")
    rv.record_decision(rws, p[2], p[5], "non_match", "r")
    rv.record_decision(rws, p[0], p[4], "unsure", "r")
    rv.record_decision(rws, p[6], p[7], "non_match", "r")
    must, cannot = rv.load_constraints(rws)
    assert must == [(p[1], p[3])]
    assert cannot == [(p[2], p[5]), (p[6], p[7])]
    labels = rv.decisions_frame(rws)
    assert list(labels.columns) == [
        "record_a",
        "record_b",
        "decision",
        "reviewer",
        "decided_at",
        "version",
    ]
    assert len(labels) == 4 and set(labels["decision"]) == {"match", "non_match", "unsure"}
    assert (labels["record_a"] < labels["record_b"]).all()


def test_uncertain_pairs_ranked_by_distance_to_threshold(rws) -> None:
    p = record_pks(rws)
    write_pairs(
        rws,
        [
            (p[0], p[1], 0.999),
            (p[2], p[3], 0.52),
            (p[5], p[4], 0.40),
            (p[6], p[7], 0.70),
            (p[8], p[9], 0.01),
            (p[10], p[11], 0.48),
            (p[12], p[13], 0.5),
        ],
    )
    out = rv.uncertain_pairs(rws, limit=10, threshold=0.5)
    keys = list(zip(out["record_pk_l"], out["record_pk_r"], strict=False))
    # 0.5 exactly first; 0.52 and 0.48 tie in log-odds (ties by record ids); 0.999 and 0.01
    # are outside the default band.
    assert keys[0] == (p[12], p[13])
    assert set(keys[1:3]) == {(p[2], p[3]), (p[10], p[11])}
    assert keys[3:] == [(p[4], p[5]), (p[6], p[7])]  # stored smaller id first
    assert (p[0], p[1]) not in keys and (p[8], p[9]) not in keys
    assert out["distance"].is_monotonic_increasing
    assert list(out.columns) == [
        "record_pk_l",
        "record_pk_r",
        "match_probability",
        "match_weight",
        "distance",
    ]
    assert len(rv.uncertain_pairs(rws, limit=2, threshold=0.5)) == 2
    # Around a higher threshold, 0.70 becomes the most uncertain.
    hi = rv.uncertain_pairs(rws, limit=1, threshold=0.75)
    assert (hi.iloc[0]["record_pk_l"], hi.iloc[0]["record_pk_r"]) == (p[6], p[7])


def test_uncertain_pairs_excludes_decided(rws) -> None:
    p = record_pks(rws)
    write_pairs(rws, [(p[0], p[1], 0.5), (p[2], p[3], 0.45)])
    rv.record_decision(rws, p[1], p[0], "unsure", "r")
    out = rv.uncertain_pairs(rws, limit=10, threshold=0.5)
    assert list(zip(out["record_pk_l"], out["record_pk_r"], strict=False)) == [(p[2], p[3])]


def test_uncertain_pairs_uses_latest_link_run_threshold(rws) -> None:
    from roshan.store.models import LinkRun

    p = record_pks(rws)
    write_pairs(rws, [(p[0], p[1], 0.5), (p[2], p[3], 0.9)])
    with rws.session() as sess:
        sess.add(LinkRun(engine="duckdb", threshold=0.92, status="done"))
    assert rv.current_threshold(rws) == pytest.approx(0.92)
    out = rv.uncertain_pairs(rws, limit=1)
    assert (out.iloc[0]["record_pk_l"], out.iloc[0]["record_pk_r"]) == (p[2], p[3])


def test_uncertain_pairs_without_snapshot_is_a_clear_error(rws) -> None:
    with pytest.raises(LinkageError, match="run `roshan link` first"):
        rv.uncertain_pairs(rws)


def test_uncertain_pairs_damaged_snapshot(rws) -> None:
    (rws.snapshots_dir / "pairs.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(LinkageError, match="cannot read pairs.parquet"):
        rv.uncertain_pairs(rws)


def _cluster_setup(rws):
    p = record_pks(rws)
    for pk in p[:12]:
        set_fields(rws, pk, sex="male", date_of_death="2026-01-09")
    set_fields(rws, p[1], sex="زن")  # cluster A: conflicting sex
    set_fields(rws, p[5], date_of_death="2026-01-25")  # cluster B: dates 16 days apart
    clusters = {
        "A": [p[0], p[1], p[2]],
        "B": [p[3], p[4], p[5]],
        "C": [p[6], p[7], p[8]],  # weak: held together by a 0.3 edge
        "D": [p[9], p[10], p[11]],  # clean: strong edges, consistent values
    }
    write_pairs(
        rws,
        [
            (p[0], p[1], 0.95),
            (p[1], p[2], 0.9),
            (p[0], p[2], 0.97),
            (p[3], p[4], 0.99),
            (p[4], p[5], 0.93),
            (p[6], p[7], 0.99),
            (p[7], p[8], 0.30),
            (p[9], p[10], 0.99),
            (p[10], p[11], 0.98),
        ],
    )
    write_clusters(rws, clusters, singletons=p[12:20])
    return p


def test_suspicious_clusters_reasons_and_pairs(rws) -> None:
    p = _cluster_setup(rws)
    found = {c.cluster_id: c for c in rv.suspicious_clusters(rws, limit=10, weak_probability=0.5)}
    assert set(found) == {"A", "B", "C"}
    assert found["A"].reasons == ("conflicting_sex",)
    # the disagreeing pair with the lowest probability is the one to show
    assert (found["A"].record_a, found["A"].record_b) == (p[1], p[2])
    assert found["B"].reasons == ("dates_far_apart",)
    assert {found["B"].record_a, found["B"].record_b} == {p[3], p[5]}
    assert found["C"].reasons == ("weak_edges",)
    assert found["C"].bottleneck_probability == pytest.approx(0.30)
    assert (found["C"].record_a, found["C"].record_b) == (p[7], p[8])
    assert found["C"].to_dict()["n_records"] == 3


def test_suspicious_clusters_cannot_link_violation_and_decided_exclusion(rws) -> None:
    p = _cluster_setup(rws)
    rv.record_decision(rws, p[9], p[11], "non_match", "r")  # D now breaks a reviewer's rule
    rv.record_decision(rws, p[7], p[8], "match", "r")  # C's weak edge is settled
    found = {c.cluster_id: c for c in rv.suspicious_clusters(rws, limit=10, weak_probability=0.5)}
    assert "cannot_link_violated" in found["D"].reasons
    assert (found["D"].record_a, found["D"].record_b) == (p[9], p[11])
    assert "C" not in found
    assert len(rv.suspicious_clusters(rws, limit=1, weak_probability=0.5)) == 1


def test_unconnected_cluster_is_weak(rws) -> None:
    p = record_pks(rws)
    for pk in p[:3]:
        set_fields(rws, pk, sex=None, date_of_death=None)
    write_pairs(rws, [(p[0], p[1], 0.99)])
    write_clusters(rws, {"X": [p[0], p[1], p[2]]})
    (c,) = rv.suspicious_clusters(rws, weak_probability=0.5)
    assert c.reasons == ("weak_edges",) and c.bottleneck_probability == 0.0


def test_review_queue_pairs_then_clusters_without_duplicates(rws) -> None:
    p = _cluster_setup(rws)
    items = rv.review_queue(rws, limit=1, cluster_limit=10)
    kinds = [i["kind"] for i in items]
    assert kinds[:1] == ["uncertain_pair"]
    assert "suspicious_cluster" in kinds
    assert kinds == sorted(kinds, key=lambda k: k != "uncertain_pair")
    keys = [(i["record_a"], i["record_b"]) for i in items]
    assert len(keys) == len(set(keys))
    # p[7]-p[8] (0.30) is both uncertain and cluster C's weak edge: shown once, as a pair
    assert keys.count((p[7], p[8])) == 1
    sex_item = next(i for i in items if i["cluster_id"] == "A")
    assert sex_item["match_probability"] == pytest.approx(0.9)
    assert sex_item["cluster_size"] == 3


def test_clusters_missing_snapshot(rws) -> None:
    with pytest.raises(LinkageError, match="no clusters"):
        rv.suspicious_clusters(rws)


def test_concurrent_reviewers_one_wins_on_each_backend(any_ws) -> None:
    """Two reviewers who read the same version save at once: exactly one succeeds."""
    import threading

    from roshan.canonical import SourceKind
    from roshan.ingest.importer import ingest_records

    ingest_records(
        any_ws,
        [{"full_name": f"SYNTHETIC person {i}", "sex": "male"} for i in range(3)],
        source_name="SYNTHETIC-TEST",
        source_kind=SourceKind.OTHER,
        file_name="synthetic.json",
        sha256="0" * 64,
        size=1,
    )
    from roshan.store.records import records_frame

    a, b = (int(x) for x in records_frame(any_ws)["record_pk"][:2])
    rv.record_decision(any_ws, a, b, "unsure", "r0")
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def attempt(decision: str, who: str) -> None:
        barrier.wait()
        try:
            rv.record_decision(any_ws, a, b, decision, who, expected_version=1)
            outcomes.append("saved")
        except rv.ReviewConflictError:
            outcomes.append("conflict")

    threads = [
        threading.Thread(target=attempt, args=(d, w))
        for d, w in (("match", "r1"), ("non_match", "r2"))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["conflict", "saved"]
    stored = rv.get_decision(any_ws, a, b)
    assert stored.version == 2 and stored.decision in ("match", "non_match")


def test_linker_flags_make_a_cluster_suspicious(rws) -> None:
    import pandas as pd

    p = record_pks(rws)
    for pk in p[:4]:
        set_fields(rws, pk, sex="male", date_of_death=None)
    write_pairs(rws, [(p[0], p[1], 0.99), (p[2], p[3], 0.99)])
    frame = pd.DataFrame(
        {
            "record_pk": p[:4],
            "cluster_id": ["V-1", "V-1", "V-2", "V-2"],
            "flags": [["chain_split"], [], [], []],
        }
    )
    frame.to_parquet(rws.snapshots_dir / "clusters.parquet", index=False)
    found = rv.suspicious_clusters(rws, weak_probability=0.5)
    assert [(c.cluster_id, c.reasons) for c in found] == [("V-1", ("linker:chain_split",))]
