"""Importing bundles into a workspace: provenance, de-duplication, and every refusal."""

from __future__ import annotations

import hashlib
import json
import shutil
import struct
from pathlib import Path

import pytest
from sqlalchemy import func, select

from roshan.errors import IntakeError
from roshan.intake import bundle as B
from roshan.intake import chunks as C
from roshan.intake import importer as I
from roshan.intake import report as R
from roshan.intake.keys import OrgKeys
from roshan.intake.ledger import blob_path
from roshan.store.models import (
    AuditEvent,
    Import,
    IntakeReport,
    LedgerLeaf,
    RawRow,
    Record,
    Source,
)


def _report(outbox: Path, org: OrgKeys, i: int, attachments: list[Path] = ()) -> R.SavedReport:
    return R.save_report(
        outbox,
        org.identity.to_public(),
        {"full_name": f"SYNTHETIC Victim {i}", "city": "SYNTHETIC-City", "age": str(20 + i)},
        circumstances=f"SYNTHETIC account {i}",
        witness_contact=f"SYNTHETIC witness {i}",
        attachments=attachments,
    )


def _counts(ws) -> dict[str, int]:
    with ws.engine.connect() as c:
        return {
            m.__name__: c.execute(select(func.count()).select_from(m)).scalar()
            for m in (Import, RawRow, Record, IntakeReport, LedgerLeaf)
        }


@pytest.fixture
def photo(tmp_path: Path, make_jpeg) -> Path:
    p = tmp_path / "photo.jpg"
    p.write_bytes(make_jpeg())
    return p


def test_import_provenance_and_dedup(tmp_path: Path, org: OrgKeys, workspace, photo: Path) -> None:
    outbox = tmp_path / "outbox"
    s1 = _report(outbox, org, 1, [photo])
    s2 = _report(outbox, org, 2)
    b1 = B.pack_outbox(outbox, tmp_path / "courier1")
    # a second courier carries report 2 again plus a new report 3
    s3 = _report(outbox, org, 3)
    b2 = B.pack_outbox(outbox, tmp_path / "courier2")
    assert b1.bundle_id != b2.bundle_id
    sm = I.import_bundles(workspace, [b1.path, b2.path], [org.identity])
    assert sm.reports_new == 3 and sm.reports_duplicate == 2  # 1 and 2 carried twice
    assert sm.attachments == 1
    with workspace.engine.connect() as c:
        src = c.execute(select(Source.kind, Source.name)).one()
        assert src == ("field_intake", "field intake")
        ids = {r[0] for r in c.execute(select(Record.record_id))}
        assert ids == {s1.report_id, s2.report_id, s3.report_id}
        rows = list(c.execute(select(IntakeReport)))
        assert {r.report_id for r in rows} == ids
        r1 = c.execute(select(IntakeReport).where(IntakeReport.report_id == s1.report_id)).one()
        assert r1.attachments[0]["blob"] == s1.attachment_blobs[0]
        kinds = [k for (k,) in c.execute(select(LedgerLeaf.kind).order_by(LedgerLeaf.seq))]
        assert kinds.count("raw_row") == 3 and kinds.count("intake_report") == 3
        events = (
            c.execute(select(AuditEvent.object_id).where(AuditEvent.action == "intake.bundle"))
            .scalars()
            .all()
        )
        assert set(events) == {b1.bundle_id, b2.bundle_id}
        # witness contacts never enter the database in clear
        dump = json.dumps([list(map(str, r)) for r in c.execute(select(RawRow.cells))])
        assert "SYNTHETIC witness" not in dump
    # blobs are kept encrypted in the workspace
    wb = blob_path(workspace, "witness", s1.witness_blob)
    assert wb.read_bytes().startswith(b"age-encryption.org/v1")
    assert blob_path(workspace, "attachments", s1.attachment_blobs[0]).exists()
    # a third bundle with only known reports adds nothing but is recorded
    before = _counts(workspace)
    b3 = B.write_bundle(
        [(f"reports/{s2.report_blob}.age", outbox / "reports" / f"{s2.report_blob}.age")],
        tmp_path / "courier3",
    )
    sm3 = I.import_bundles(workspace, [b3.path], [org.identity])
    assert sm3.reports_new == 0 and sm3.reports_duplicate == 1
    assert _counts(workspace) == before


def _refused(ws, paths, ids, match: str) -> None:
    before = _counts(ws)
    with pytest.raises(IntakeError, match=match):
        I.import_bundles(ws, paths, ids)
    assert _counts(ws) == before


def test_replayed_bundle_refused(tmp_path: Path, org: OrgKeys, workspace) -> None:
    _report(tmp_path / "o", org, 1)
    b = B.pack_outbox(tmp_path / "o", tmp_path / "b")
    I.import_bundles(workspace, [b.path], [org.identity])
    _refused(workspace, [b.path], [org.identity], "already imported")


def test_wrong_key_refused(tmp_path: Path, org: OrgKeys, other_org: OrgKeys, workspace) -> None:
    _report(tmp_path / "o", org, 1)
    b = B.pack_outbox(tmp_path / "o", tmp_path / "b")
    _refused(workspace, [b.path], [other_org.identity], "different key")
    assert not list((workspace.root / "intake" / "blobs").rglob("*.age"))


def test_chunks_any_order_then_tampered_chunk(
    tmp_path: Path, org: OrgKeys, workspace, photo: Path
) -> None:
    _report(tmp_path / "o", org, 1, [photo])
    _report(tmp_path / "o", org, 2)
    b = B.pack_outbox(tmp_path / "o", tmp_path / "b")
    parts = C.split_bundle(b.path, tmp_path / "c", 1024)
    assert len(parts) >= 3
    # tampered chunk: refused, nothing spooled or imported
    bad = tmp_path / "bad.rchunk"
    data = bytearray(parts[0].read_bytes())
    data[-1] ^= 1
    bad.write_bytes(bytes(data))
    _refused(workspace, [parts[1], bad], [org.identity], "tampered")
    assert C.Spool(workspace.root / "intake" / "spool").pending() == []
    # truncated chunk
    trunc = tmp_path / "trunc.rchunk"
    trunc.write_bytes(parts[0].read_bytes()[:-7])
    _refused(workspace, [trunc], [org.identity], "truncated")
    # first delivery: some chunks, reversed order → pending
    sm = I.import_bundles(workspace, parts[:0:-1], [org.identity])
    assert sm.reports_new == 0 and sm.pending[0]["missing"] == [1]
    # second delivery completes it (plus a duplicate chunk from another courier)
    sm = I.import_bundles(workspace, [parts[0], parts[1]], [org.identity])
    assert sm.reports_new == 2 and not sm.pending
    assert C.Spool(workspace.root / "intake" / "spool").pending() == []


def test_malformed_age_header_refused(tmp_path: Path, org: OrgKeys, workspace) -> None:
    junk = b"age-encryption.org/v1\n-> X25519 !!!notbase64\n--- xx\n" + b"\0" * 40
    name = f"reports/{hashlib.sha256(junk).hexdigest()}.age"
    d = tmp_path / "o" / "reports"
    d.mkdir(parents=True)
    (d / name.split("/")[1]).write_bytes(junk)
    b = B.pack_outbox(tmp_path / "o", tmp_path / "b")
    _refused(workspace, [b.path], [org.identity], "malformed age header")


def test_path_traversal_bundle_refused(tmp_path: Path, org: OrgKeys, workspace) -> None:
    man = json.dumps(
        {
            "format": B.FORMAT,
            "created_at": "",
            "entries": [{"name": "../../../../tmp/evil.age", "size": 1}],
        }
    ).encode()
    p = tmp_path / "evil.rbundle"
    p.write_bytes(B.MAGIC + struct.pack(">I", len(man)) + man + b"x")
    _refused(workspace, [p], [org.identity], "refused entry name")
    assert not Path("/tmp/evil.age").exists()


def test_oversized_attachment_refused_at_import(tmp_path: Path, org: OrgKeys, workspace) -> None:
    doc = tmp_path / "doc.pdf"
    doc.write_bytes(b"%PDF-1.4 SYNTHETIC" + b"\0" * 5000)
    _report(tmp_path / "o", org, 1, [doc])
    b = B.pack_outbox(tmp_path / "o", tmp_path / "b")
    before = _counts(workspace)
    with pytest.raises(IntakeError, match="limit"):
        I.import_bundles(workspace, [b.path], [org.identity], max_attachment_bytes=1000)
    assert _counts(workspace) == before


def test_attachment_swapped_for_another_refused(
    tmp_path: Path, org: OrgKeys, workspace, photo: Path
) -> None:
    """A bundle whose attachment blob was replaced by another valid ciphertext is refused."""
    s = _report(tmp_path / "o", org, 1, [photo])
    other = R._encrypt_bytes_to(
        tmp_path / "o", "attachments", b"SYNTHETIC other bytes", [org.identity.to_public()]
    )
    real = tmp_path / "o" / "attachments" / f"{s.attachment_blobs[0]}.age"
    shutil.copy(tmp_path / "o" / "attachments" / f"{other}.age", tmp_path / "other.age")
    real.unlink()
    # name the foreign ciphertext as if it were the reported attachment
    blobs = [(n, p) for n, p in B.outbox_blobs(tmp_path / "o") if "attachments" not in n]
    forged = tmp_path / "forged"
    forged.mkdir()
    data = (tmp_path / "other.age").read_bytes()
    man = json.dumps(
        {
            "format": B.FORMAT,
            "created_at": "",
            "entries": [
                *({"name": n, "size": p.stat().st_size} for n, p in blobs),
                {"name": f"attachments/{s.attachment_blobs[0]}.age", "size": len(data)},
            ],
        }
    ).encode()
    raw = (
        B.MAGIC
        + struct.pack(">I", len(man))
        + man
        + b"".join(p.read_bytes() for _, p in blobs)
        + data
    )
    fp = forged / "f.rbundle"
    fp.write_bytes(raw)
    with pytest.raises(IntakeError, match="does not match its hash"):
        I.import_bundles(workspace, [fp], [org.identity])


def test_bomb_attachment_refused_at_import(
    tmp_path: Path, org: OrgKeys, workspace, monkeypatch: pytest.MonkeyPatch, png_bomb
) -> None:
    """An image bomb that slipped past a modified field client is refused on import."""
    from roshan.intake import media

    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(png_bomb(60000, 60000))
    with monkeypatch.context() as m:  # a field client without the check
        m.setattr(media, "check_image_bomb", lambda *a, **k: None)
        _report(tmp_path / "o", org, 1, [bomb])
    b = B.pack_outbox(tmp_path / "o", tmp_path / "b")
    _refused(workspace, [b.path], [org.identity], "decompression bomb")


def test_not_a_bundle(tmp_path: Path, org: OrgKeys, workspace) -> None:
    p = tmp_path / "x.bin"
    p.write_bytes(b"hello")
    _refused(workspace, [p], [org.identity], "not a roshan bundle or chunk")


def test_witness_contact_read_is_audited(
    tmp_path: Path, org: OrgKeys, other_org: OrgKeys, workspace
) -> None:
    s = _report(tmp_path / "o", org, 7)
    anon = R.save_report(tmp_path / "o", org.identity.to_public(), {"full_name": "SYNTHETIC Anon"})
    b = B.pack_outbox(tmp_path / "o", tmp_path / "b")
    I.import_bundles(workspace, [b.path], [org.identity])
    contact = I.read_witness_contact(workspace, s.report_id, [org.identity], actor="tester")
    assert contact["contact"] == "SYNTHETIC witness 7"
    with workspace.engine.connect() as c:
        ev = c.execute(select(AuditEvent).where(AuditEvent.action == "intake.witness_read")).one()
        assert ev.actor == "tester" and ev.object_id == s.report_id
        assert "SYNTHETIC" not in json.dumps(ev.detail)
    with pytest.raises(IntakeError, match="anonymous"):
        I.read_witness_contact(workspace, anon.report_id, [org.identity], actor="tester")
    with pytest.raises(IntakeError, match="different key"):
        I.read_witness_contact(workspace, s.report_id, [other_org.identity], actor="tester")


def _fuzz_setup(tmp: Path, org: OrgKeys, make_jpeg) -> tuple[bytes, Path, set[str]]:
    from roshan.store.workspace import Workspace

    photo = tmp / "p.jpg"
    photo.write_bytes(make_jpeg())
    ids = {_report(tmp / "o", org, i, [photo] if i == 0 else []).report_id for i in range(2)}
    b = B.pack_outbox(tmp / "o", tmp / "b")
    template = tmp / "template-ws"
    Workspace.init(template).close()
    return b.path.read_bytes(), template, ids


def test_fuzz_import_of_mutated_bundles(tmp_path: Path, org: OrgKeys, make_jpeg) -> None:
    """Flipped bytes or truncation anywhere in a real bundle: refused cleanly, or identical."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from roshan.store.workspace import Workspace

    data, template, ids = _fuzz_setup(tmp_path, org, make_jpeg)
    counter = iter(range(10_000))

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        st.lists(
            st.tuples(st.integers(0, len(data) - 1), st.integers(1, 255)), min_size=1, max_size=3
        ),
        st.booleans(),
    )
    def check(flips: list[tuple[int, int]], truncate: bool) -> None:
        blob = bytearray(data)
        for pos, x in flips:
            blob[pos] ^= x
        if truncate:
            blob = blob[: flips[0][0]]
        n = next(counter)
        wsdir = tmp_path / f"ws{n}"
        shutil.copytree(template, wsdir)
        p = tmp_path / f"m{n}.rbundle"
        p.write_bytes(bytes(blob))
        ws = Workspace.open(wsdir)
        try:
            before = _counts(ws)
            try:
                sm = I.import_bundles(ws, [p], [org.identity])
            except IntakeError:
                assert _counts(ws) == before
                assert not list((wsdir / "intake" / "blobs").rglob("*.age"))
                return
            # only harmless manifest changes can be accepted: same reports, same content
            with ws.engine.connect() as c:
                got = {r for (r,) in c.execute(select(IntakeReport.report_id))}
            assert got == ids and sm.reports_new == 2
        finally:
            ws.close()
            shutil.rmtree(wsdir)
            p.unlink()

    check()


def test_nameless_report_and_provenance_extras(tmp_path: Path, org: OrgKeys, workspace) -> None:
    s = R.save_report(
        tmp_path / "o",
        org.identity.to_public(),
        {"city": "SYNTHETIC-City"},
        circumstances="SYNTHETIC: a body seen, name unknown",
        language="fa",
    )
    b = B.pack_outbox(tmp_path / "o", tmp_path / "b")
    assert I.import_bundles(workspace, [b.path], [org.identity]).reports_new == 1
    with workspace.engine.connect() as c:
        rec = c.execute(select(Record.record_id, Record.city, Record.extra, Record.status)).one()
    assert rec.record_id == s.report_id and rec.city == "SYNTHETIC-City"
    assert rec.extra["intake_language"] == "fa"
    assert rec.extra["intake_client"].startswith("roshan-cli/")
    assert rec.extra["intake_created_at"].endswith("Z")


def test_interrupted_import_completes_on_retry(
    tmp_path: Path, org: OrgKeys, workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Crash between the ingest and the intake transaction: the next run finishes the job."""
    s1 = _report(tmp_path / "o", org, 1)
    b1 = B.pack_outbox(tmp_path / "o", tmp_path / "b1")
    real = I.next_seq

    def boom(conn):
        raise RuntimeError("SYNTHETIC crash")

    monkeypatch.setattr(I, "next_seq", boom)
    with pytest.raises(RuntimeError):
        I.import_bundles(workspace, [b1.path], [org.identity])
    monkeypatch.setattr(I, "next_seq", real)
    assert _counts(workspace)["RawRow"] == 1 and _counts(workspace)["IntakeReport"] == 0
    # a different bundle now carries the same report plus a new one
    s2 = _report(tmp_path / "o", org, 2)
    b2 = B.pack_outbox(tmp_path / "o", tmp_path / "b2")
    sm = I.import_bundles(workspace, [b2.path], [org.identity])
    assert sm.reports_new == 2
    c = _counts(workspace)
    # a leaf per raw row, per report and per witness-contact blob
    assert c["RawRow"] == 2 and c["IntakeReport"] == 2 and c["LedgerLeaf"] == 6
    from roshan.intake.ledger import verify

    assert verify(workspace, []).ok
    with workspace.engine.connect() as conn:
        imports = {
            r: i for r, i in conn.execute(select(IntakeReport.report_id, IntakeReport.import_id))
        }
    assert imports[s1.report_id] != imports[s2.report_id]


def test_replayed_chunks_refused_and_dropped_from_spool(
    tmp_path: Path, org: OrgKeys, workspace
) -> None:
    _report(tmp_path / "o", org, 1)
    b = B.pack_outbox(tmp_path / "o", tmp_path / "b")
    parts = C.split_bundle(b.path, tmp_path / "c", 1024)
    I.import_bundles(workspace, [b.path], [org.identity])
    _refused(workspace, parts, [org.identity], "already imported")
    spool = workspace.root / "intake" / "spool"
    assert not spool.exists() or not any(spool.iterdir())


def test_concurrent_import_race_is_a_clear_error(
    tmp_path: Path, org: OrgKeys, workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If another run records the same report first, the loser says so (no traceback)."""
    s = _report(tmp_path / "o", org, 1)
    b1 = B.pack_outbox(tmp_path / "o", tmp_path / "b1")
    rb = f"reports/{s.report_blob}.age"
    b2 = B.write_bundle([(rb, tmp_path / "o" / rb)], tmp_path / "b2")  # same report, other bundle
    assert b1.bundle_id != b2.bundle_id
    I.import_bundles(workspace, [b1.path], [org.identity])
    monkeypatch.setattr(I, "_known_reports", lambda ws: set())  # as if read before the commit
    before = _counts(workspace)
    with pytest.raises(IntakeError, match="finished first"):
        I.import_bundles(workspace, [b2.path], [org.identity])
    assert _counts(workspace) == before
