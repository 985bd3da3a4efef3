"""The workspace ledger: signed checkpoints, and detection of altered or removed rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from roshan.canonical import SourceKind
from roshan.intake import bundle as B
from roshan.intake import importer as I
from roshan.intake import ledger as L
from roshan.intake import merkle
from roshan.intake import report as R
from roshan.intake.keys import OrgKeys


def _drop_triggers(ws) -> None:
    """Simulate an insider with direct database access: remove the append-only triggers."""
    with ws.engine.begin() as c:
        for t in ("raw_rows", "ledger_leaves", "audit_events"):
            for v in ("update", "delete"):
                c.exec_driver_sql(f"DROP TRIGGER IF EXISTS {t}_no_{v}")


@pytest.fixture
def filled(tmp_path: Path, org: OrgKeys, workspace, make_jpeg):
    from roshan.ingest.importer import ingest_records

    ingest_records(
        workspace,
        [{"full_name": f"SYNTHETIC List Person {i}", "city": "SYNTHETIC"} for i in range(5)],
        source_name="SYNTHETIC NGO",
        source_kind=SourceKind.NGO_LIST,
        file_name="list.csv",
        sha256="ab" * 32,
        size=100,
    )
    photo = tmp_path / "p.jpg"
    photo.write_bytes(make_jpeg())
    for i in range(3):
        R.save_report(
            tmp_path / "o",
            org.identity.to_public(),
            {"full_name": f"SYNTHETIC Field Person {i}"},
            attachments=[photo] if i == 0 else [],
        )
    b = B.pack_outbox(tmp_path / "o", tmp_path / "b")
    I.import_bundles(workspace, [b.path], [org.identity])
    return workspace


def test_checkpoint_and_verify_clean(filled, org: OrgKeys) -> None:
    ws = filled
    head = L.tree_head(ws)
    assert head.tree_size == 5 + 3 + 3  # 5 list rows, 3 report rows, 3 report leaves
    cp, path = L.checkpoint(ws, org)
    text_ = path.read_text("utf-8")
    assert "SYNTHETIC" not in text_  # a published root reveals no names
    parsed = L.parse_checkpoint(text_)
    assert parsed.root_hash == head.root_hash and parsed.tree_size == head.tree_size
    res = L.verify(ws, [org.public], checkpoints=[parsed])
    assert res.ok, res.problems
    assert res.raw_rows == 8 and res.intake_reports == 3
    # the store's copy, the file and the published copy are one checkpoint (issue 16)
    assert res.checkpoints_checked == 1


def test_inclusion_of_every_leaf_under_checkpoint(filled, org: OrgKeys) -> None:
    cp, _ = L.checkpoint(filled, org)
    leaves = L.leaf_hashes(filled)
    for i, h in enumerate(leaves):
        proof = merkle.inclusion_proof(i, leaves)
        assert merkle.verify_inclusion(i, cp.tree_size, h, proof, cp.root_hash)


def test_later_imports_stay_consistent(filled, org: OrgKeys, tmp_path: Path) -> None:
    cp1, _ = L.checkpoint(filled, org)
    R.save_report(tmp_path / "o2", org.identity.to_public(), {"full_name": "SYNTHETIC Late"})
    b = B.pack_outbox(tmp_path / "o2", tmp_path / "b2")
    I.import_bundles(filled, [b.path], [org.identity])
    cp2, _ = L.checkpoint(filled, org)
    assert cp2.tree_size == cp1.tree_size + 2
    leaves = L.leaf_hashes(filled)
    proof = merkle.consistency_proof(cp1.tree_size, leaves)
    assert merkle.verify_consistency(
        cp1.tree_size, cp2.tree_size, cp1.root_hash, cp2.root_hash, proof
    )
    assert L.verify(filled, [org.public]).ok


def test_altered_raw_row_detected(filled, org: OrgKeys) -> None:
    L.checkpoint(filled, org)
    _drop_triggers(filled)
    with filled.engine.begin() as c:
        c.execute(
            text("UPDATE raw_rows SET cells = :v WHERE id = 2"),
            {"v": '{"city":"SYNTHETIC","full_name":"SYNTHETIC Edited"}'},
        )
    res = L.verify(filled, [org.public])
    assert not res.ok
    assert any("altered" in p for p in res.problems)


def test_altered_row_and_rehashed_leaf_breaks_checkpoint(filled, org: OrgKeys) -> None:
    """An insider who also recomputes the leaf hash is caught by the signed root."""
    from roshan.store.ledger_data import raw_row_leaf_data

    L.checkpoint(filled, org)
    _drop_triggers(filled)
    cells = {"city": "SYNTHETIC", "full_name": "SYNTHETIC Edited"}
    with filled.engine.begin() as c:
        imp_sha, rn = c.execute(
            text(
                "SELECT imports.sha256, raw_rows.row_number FROM raw_rows JOIN imports "
                "ON imports.id = raw_rows.import_id WHERE raw_rows.id = 2"
            )
        ).one()
        c.execute(
            text("UPDATE raw_rows SET cells = :v WHERE id = 2"),
            {"v": '{"city":"SYNTHETIC","full_name":"SYNTHETIC Edited"}'},
        )
        c.execute(
            text("UPDATE ledger_leaves SET leaf_hash = :h WHERE ref = :r"),
            {
                "h": merkle.leaf_hash(raw_row_leaf_data(imp_sha, rn, cells)),
                "r": L.raw_row_ref(imp_sha, rn),
            },
        )
    res = L.verify(filled, [org.public])
    assert not res.ok
    assert any("root does not match" in p for p in res.problems)


def test_removed_row_detected(filled, org: OrgKeys) -> None:
    L.checkpoint(filled, org)
    _drop_triggers(filled)
    with filled.engine.begin() as c:
        c.execute(text("DELETE FROM records WHERE id = 3"))
        c.execute(text("DELETE FROM raw_rows WHERE id = 3"))
    res = L.verify(filled, [org.public])
    assert any("content was removed" in p for p in res.problems)


def test_removed_row_and_leaf_detected(filled, org: OrgKeys) -> None:
    L.checkpoint(filled, org)
    _drop_triggers(filled)
    with filled.engine.begin() as c:
        c.execute(text("DELETE FROM records WHERE id = 5"))
        c.execute(text("DELETE FROM raw_rows WHERE id = 5"))
        last = c.execute(text("SELECT max(seq) FROM ledger_leaves")).scalar()
        ref = c.execute(text("SELECT ref FROM ledger_leaves WHERE seq = 4")).scalar()
        assert ref.endswith(":5")
        # close the gap so the seq order looks intact
        c.execute(text("DELETE FROM ledger_leaves WHERE seq = 4"))
        for s in range(5, last + 1):
            c.execute(
                text("UPDATE ledger_leaves SET seq = :a WHERE seq = :b"), {"a": s - 1, "b": s}
            )
    res = L.verify(filled, [org.public])
    assert not res.ok
    assert any("leaves removed" in p or "root does not match" in p for p in res.problems)


def test_altered_intake_blob_and_report_row_detected(filled, org: OrgKeys) -> None:
    L.checkpoint(filled, org)
    blob = next((filled.root / "intake" / "blobs" / "attachments").glob("*.age"))
    data = bytearray(blob.read_bytes())
    data[-1] ^= 1
    blob.write_bytes(bytes(data))
    res = L.verify(filled, [org.public])
    assert any("attachment" in p and "altered" in p for p in res.problems)
    assert L.verify(filled, [org.public], check_blobs=False).ok
    with filled.engine.begin() as c:
        c.execute(text("DELETE FROM intake_reports WHERE rowid = 1"))
    res = L.verify(filled, [org.public], check_blobs=False)
    assert any("content was removed" in p for p in res.problems)


def test_unknown_signing_key(filled, org: OrgKeys, other_org: OrgKeys) -> None:
    L.checkpoint(filled, other_org)
    res = L.verify(filled, [org.public])
    assert any("unknown key" in p for p in res.problems)
    assert L.verify(filled, [org.public, other_org.public]).ok


def test_forged_checkpoint_signature(filled, org: OrgKeys) -> None:
    cp, path = L.checkpoint(filled, org)
    forged = L.Checkpoint(cp.origin, cp.tree_size, b"\x01" * 32, cp.key_id, cp.signature)
    res = L.verify(filled, [org.public], checkpoints=[forged])
    assert any("bad signature" in p for p in res.problems)


def test_inclusion_proof_for_a_report_against_published_checkpoint(
    filled, org: OrgKeys, tmp_path: Path
) -> None:
    from sqlalchemy import select

    from roshan.store.models import IntakeReport

    cp, path = L.checkpoint(filled, org)
    published = L.parse_checkpoint(path.read_text())
    with filled.engine.connect() as c:
        rid = c.execute(select(IntakeReport.report_id)).scalars().first()
    proof = L.prove_inclusion(filled, rid, cp.tree_size)
    assert proof["kind"] == "intake_report" and "SYNTHETIC" not in str(proof)
    assert L.check_inclusion(proof, published)
    bad = {**proof, "leaf_hash": "00" * 32}
    assert not L.check_inclusion(bad, published)
    assert not L.check_inclusion({**proof, "leaf_index": (proof["leaf_index"] + 1) % 11}, published)
    with pytest.raises(Exception, match="no ledger leaf"):
        L.prove_inclusion(filled, "f" * 64)


def test_import_checkpoint_verify_on_each_backend(any_ws, org: OrgKeys, tmp_path: Path) -> None:
    """The same flow on SQLite and PostgreSQL, including detection of a removed row."""
    ws = any_ws
    for i in range(3):
        R.save_report(
            tmp_path / "o", org.identity.to_public(), {"full_name": f"SYNTHETIC Backend Person {i}"}
        )
    b = B.pack_outbox(tmp_path / "o", tmp_path / "b")
    assert I.import_bundles(ws, [b.path], [org.identity]).reports_new == 3
    cp, _ = L.checkpoint(ws, org)
    assert cp.tree_size == 6
    assert L.verify(ws, [org.public]).ok
    with ws.engine.begin() as c:
        if ws.engine.dialect.name == "postgresql":
            c.exec_driver_sql("DROP TRIGGER IF EXISTS raw_rows_append_only ON raw_rows")
        else:
            c.exec_driver_sql("DROP TRIGGER IF EXISTS raw_rows_no_delete")
        rid = c.execute(text("SELECT min(id) FROM raw_rows")).scalar()
        c.execute(
            text(
                "DELETE FROM records WHERE import_id = (SELECT import_id FROM raw_rows "
                "WHERE id = :i) AND row_number = (SELECT row_number FROM raw_rows "
                "WHERE id = :i)"
            ),
            {"i": rid},
        )
        c.execute(text("DELETE FROM raw_rows WHERE id = :i"), {"i": rid})
    res = L.verify(ws, [org.public])
    assert any("content was removed" in p for p in res.problems)


def test_checkpoint_deleted_from_database_still_caught(filled, org: OrgKeys) -> None:
    L.checkpoint(filled, org)
    with filled.engine.begin() as c:
        c.execute(text("DELETE FROM ledger_checkpoints"))
    res = L.verify(filled, [org.public])
    assert any("no matching checkpoint in the store" in p for p in res.problems)
    # and an edit made afterwards is still caught by the file's signed root
    _drop_triggers(filled)
    with filled.engine.begin() as c:
        c.execute(
            text("DELETE FROM ledger_leaves WHERE seq = (SELECT max(seq) FROM ledger_leaves)")
        )
    res = L.verify(filled, [org.public])
    assert any("leaves removed" in p or "root does not match" in p for p in res.problems)
