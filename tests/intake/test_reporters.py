"""Optional reporter signatures on bundles: enrolled signers accepted, others refused."""

from __future__ import annotations

import base64
import json
import struct
from pathlib import Path

import pytest
from sqlalchemy import func, select

from roshan.errors import IntakeError
from roshan.intake import bundle as B
from roshan.intake import importer as I
from roshan.intake import keys as K
from roshan.intake import report as R
from roshan.intake.keys import OrgKeys
from roshan.store.models import AuditEvent, IntakeReport, Record


@pytest.fixture
def registry(tmp_path: Path) -> tuple[Path, Path]:
    """An org registry with one enrolled reporter; returns (registry, reporter dir)."""
    rep = tmp_path / "device"
    K.init_reporter(rep, "SYNTHETIC courier A")
    reg = tmp_path / "orgkeys" / K.REPORTERS_DIR
    reg.mkdir(parents=True)
    (reg / "a.pub").write_text((rep / K.REPORTER_PUB_FILE).read_text())
    return reg, rep


def _outbox(tmp: Path, org: OrgKeys, n: int = 2) -> Path:
    for i in range(n):
        R.save_report(tmp / "o", org.identity.to_public(), {"full_name": f"SYNTHETIC R{i}"})
    return tmp / "o"


def test_signed_bundle_from_enrolled_reporter(
    tmp_path: Path, org: OrgKeys, workspace, registry
) -> None:
    reg, rep = registry
    signer = K.load_reporter_key(rep)
    b = B.pack_outbox(_outbox(tmp_path, org), tmp_path / "b", signer=signer)
    assert B.open_bundle(b.path).signer == b.signer is not None
    trusted = K.load_reporters(reg)
    sm = I.import_bundles(
        workspace, [b.path], [org.identity], trusted_reporters=trusted, require_signed=True
    )
    assert sm.reports_new == 2
    kid = K.key_id(b.signer)
    with workspace.engine.connect() as c:
        ev = c.execute(
            select(AuditEvent.detail).where(AuditEvent.action == "intake.bundle")
        ).scalar()
        extras = [e for (e,) in c.execute(select(Record.__table__.c.extra))]
    assert ev["signer"] == kid and all(x["intake_signer"] == kid for x in extras)


def test_unknown_signer_refused(tmp_path: Path, org: OrgKeys, workspace, registry) -> None:
    reg, _ = registry
    stranger = tmp_path / "stranger"
    K.init_reporter(stranger)
    b = B.pack_outbox(_outbox(tmp_path, org), tmp_path / "b", signer=K.load_reporter_key(stranger))
    with pytest.raises(IntakeError, match="unknown key"):
        I.import_bundles(
            workspace, [b.path], [org.identity], trusted_reporters=K.load_reporters(reg)
        )
    with workspace.engine.connect() as c:
        assert c.execute(select(func.count()).select_from(IntakeReport)).scalar() == 0
    # without a registry the signature is checked but any signer is accepted (noted)
    sm = I.import_bundles(workspace, [b.path], [org.identity])
    assert sm.reports_new == 2 and any("no reporter registry" in n for n in sm.notes)


def test_unsigned_refused_when_required(tmp_path: Path, org: OrgKeys, workspace, registry) -> None:
    reg, _ = registry
    b = B.pack_outbox(_outbox(tmp_path, org), tmp_path / "b")
    assert b.signer is None
    with pytest.raises(IntakeError, match="not signed"):
        I.import_bundles(
            workspace,
            [b.path],
            [org.identity],
            trusted_reporters=K.load_reporters(reg),
            require_signed=True,
        )


def test_altered_signed_manifest_refused(tmp_path: Path, org: OrgKeys, registry) -> None:
    _, rep = registry
    b = B.pack_outbox(_outbox(tmp_path, org, 1), tmp_path / "b", signer=K.load_reporter_key(rep))
    data = b.path.read_bytes()
    (mlen,) = struct.unpack(">I", data[len(B.MAGIC) : len(B.MAGIC) + 4])
    man = json.loads(data[len(B.MAGIC) + 4 : len(B.MAGIC) + 4 + mlen])
    body = data[len(B.MAGIC) + 4 + mlen :]
    for change in ("created_at", "key"):
        m = json.loads(json.dumps(man))
        if change == "created_at":
            m["created_at"] = "2026-01-01T00:00:00Z"
        else:
            other = K.init_reporter(tmp_path / "x", "")
            m["signer"]["key"] = base64.b64encode(other.signing_public).decode()
        raw = json.dumps(m).encode()
        with pytest.raises(IntakeError, match="bad bundle signature"):
            B.parse_bundle_bytes(B.MAGIC + struct.pack(">I", len(raw)) + raw + body)
        (tmp_path / "x" / K.REPORTER_KEY_FILE).unlink(missing_ok=True)
        (tmp_path / "x" / K.REPORTER_PUB_FILE).unlink(missing_ok=True)


def test_reporter_key_files(tmp_path: Path) -> None:
    pub = K.init_reporter(tmp_path / "r", "SYNTHETIC label")
    assert (tmp_path / "r" / K.REPORTER_KEY_FILE).stat().st_mode & 0o077 == 0
    assert K.load_reporters(tmp_path / "r") == {pub.key_id: pub.signing_public}
    with pytest.raises(IntakeError, match="already holds"):
        K.init_reporter(tmp_path / "r")
    (tmp_path / "bad.key").write_text("nonsense")
    with pytest.raises(IntakeError, match="not a roshan reporter key"):
        K.load_reporter_key(tmp_path / "bad.key")
