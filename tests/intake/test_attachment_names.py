"""Attachment file names never reach the workspace in clear (issue 16 item 12): the
witness's own file name (a date, a place, a person) stays inside the encrypted report;
the workspace keeps a neutral name from the content hash. Workspaces made before are
rewritten by migration 0004 and still verify. SYNTHETIC data only."""

from __future__ import annotations

import json
from pathlib import Path

import pyrage
from sqlalchemy import select, text

from roshan.intake import bundle as B
from roshan.intake import importer as I
from roshan.intake import ledger as L
from roshan.intake import report as R
from roshan.intake.keys import OrgKeys
from roshan.store.migrate import downgrade
from roshan.store.models import IntakeReport
from roshan.store.workspace import Workspace

NAME = "IMG_20260108_SYNTHETIC_Square_SYNTHETIC_Town_by_SYNTHETIC_Person.jpg"
STEM = NAME.rsplit(".", 1)[0]


def _import_one(tmp_path: Path, org: OrgKeys, ws: Workspace, make_jpeg) -> R.SavedReport:
    photo = tmp_path / NAME
    photo.write_bytes(make_jpeg())
    saved = R.save_report(
        tmp_path / "outbox",
        org.identity.to_public(),
        {"full_name": "SYNTHETIC Victim"},
        attachments=[photo],
    )
    b = B.pack_outbox(tmp_path / "outbox", tmp_path / "courier")
    I.import_bundles(ws, [b.path], [org.identity])
    return saved


def _workspace_bytes(ws: Workspace) -> bytes:
    """Every byte under the workspace folder: the database, its WAL, every blob."""
    return b"".join(p.read_bytes() for p in ws.root.rglob("*") if p.is_file())


def test_original_name_only_inside_the_encrypted_report(
    tmp_path: Path, org: OrgKeys, workspace, make_jpeg
) -> None:
    saved = _import_one(tmp_path, org, workspace, make_jpeg)
    with workspace.engine.connect() as c:
        atts = c.execute(select(IntakeReport.attachments)).scalar()
    sha = atts[0]["sha256"]
    assert atts[0]["name"] == f"attachment-{sha[:16]}"
    assert atts[0]["media_type"] == "image/jpeg"
    blob = _workspace_bytes(workspace)
    for needle in (STEM, "SYNTHETIC_Square", "by_SYNTHETIC_Person"):
        assert needle.encode() not in blob, needle
    # the name is kept, encrypted, in the report
    ct = L.blob_path(workspace, "reports", saved.report_blob).read_bytes()
    doc = R.parse_report(pyrage.decrypt(ct, [org.identity]))
    assert doc["attachments"][0]["name"] == NAME
    assert L.verify(workspace, [org.public]).ok


def test_existing_workspace_rewritten_and_still_verifies(
    tmp_path: Path, org: OrgKeys, workspace, make_jpeg
) -> None:
    _import_one(tmp_path, org, workspace, make_jpeg)
    L.checkpoint(workspace, org)
    # as an older roshan left it: the schema before 0004, the clear name stored
    downgrade(workspace.engine, "0003")
    with workspace.engine.begin() as c:
        atts = c.execute(text("SELECT attachments FROM intake_reports")).scalar()
        atts = json.loads(atts) if isinstance(atts, str) else atts
        c.execute(
            text("UPDATE intake_reports SET attachments = :a"),
            {"a": json.dumps([{**atts[0], "name": NAME}])},
        )
    root = workspace.root
    workspace.close()
    ws = Workspace.open(root)  # upgrades to head
    try:
        with ws.engine.connect() as c:
            got = c.execute(select(IntakeReport.attachments)).scalar()
        assert got[0]["name"] == f"attachment-{got[0]['sha256'][:16]}"
        assert NAME not in str(got)
        res = L.verify(ws, [org.public])
        assert res.ok, res.problems
    finally:
        ws.close()
    # once closed (the WAL checkpointed), the old bytes are gone from the files too
    assert STEM.encode() not in b"".join(
        p.read_bytes() for p in root.rglob("*") if p.is_file() and "blobs" not in p.parts
    )
