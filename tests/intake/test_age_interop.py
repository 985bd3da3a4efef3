"""Interoperability with the reference Debian `age` tool, both directions."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from roshan.intake import agefmt
from roshan.intake import bundle as B
from roshan.intake import importer as I
from roshan.intake import report as R
from roshan.intake.keys import OrgKeys, load_identity_file
from roshan.store.models import Record

AGE = shutil.which("age")
AGE_KEYGEN = shutil.which("age-keygen")
pytestmark = pytest.mark.skipif(
    AGE is None or AGE_KEYGEN is None,
    reason="Debian `age` tool not installed (apt-get install -y age); interop not tested",
)


def test_age_decrypts_what_roshan_encrypts(tmp_path: Path, org: OrgKeys, make_jpeg) -> None:
    ident = tmp_path / "id.txt"
    ident.write_text(str(org.identity) + "\n")
    photo = tmp_path / "p.jpg"
    photo.write_bytes(make_jpeg())
    s = R.save_report(
        tmp_path / "o",
        org.identity.to_public(),
        {"full_name": "SYNTHETIC A"},
        witness_contact="SYNTHETIC w",
        attachments=[photo],
    )
    rep = subprocess.run(
        [AGE, "-d", "-i", str(ident), str(tmp_path / "o" / "reports" / f"{s.report_blob}.age")],
        capture_output=True,
        check=True,
    ).stdout
    assert hashlib.sha256(rep).hexdigest() == s.report_id
    assert json.loads(rep)["victim"]["full_name"] == "SYNTHETIC A"
    att = subprocess.run(
        [
            AGE,
            "-d",
            "-i",
            str(ident),
            str(tmp_path / "o" / "attachments" / f"{s.attachment_blobs[0]}.age"),
        ],
        capture_output=True,
        check=True,
    ).stdout
    assert hashlib.sha256(att).hexdigest() == json.loads(rep)["attachments"][0]["sha256"]
    # roshan's own reference writers produce age that `age` reads too
    for blob in (
        agefmt.encrypt_x25519(
            b"SYNTHETIC ref", agefmt.decode_recipient(str(org.identity.to_public()))
        ),
    ):
        f = tmp_path / "ref.age"
        f.write_bytes(blob)
        out = subprocess.run(
            [AGE, "-d", "-i", str(ident), str(f)], capture_output=True, check=True
        ).stdout
        assert out == b"SYNTHETIC ref"


def test_roshan_imports_what_age_encrypts(tmp_path: Path, workspace) -> None:
    ident = tmp_path / "key.txt"
    subprocess.run([AGE_KEYGEN, "-o", str(ident)], check=True, capture_output=True)
    recipient = next(
        ln.split(": ")[1] for ln in ident.read_text().splitlines() if ln.startswith("# public key")
    )
    attachment = b"%PDF-1.4 SYNTHETIC document" + bytes(range(256)) * 300  # > one age chunk
    outbox = tmp_path / "o"
    for k in R.KINDS:
        (outbox / k).mkdir(parents=True)

    def age_encrypt(data: bytes, kind: str) -> str:
        ct = subprocess.run(
            [AGE, "-r", recipient], input=data, capture_output=True, check=True
        ).stdout
        sha = hashlib.sha256(ct).hexdigest()
        (outbox / kind / f"{sha}.age").write_bytes(ct)
        return sha

    blob = age_encrypt(attachment, "attachments")
    doc = {
        "format": R.REPORT_FORMAT,
        "nonce": "00" * 16,
        "created_at": "2026-01-09T10:00:00Z",
        "language": "en",
        "client": "age-cli-test",
        "victim": {"full_name": "SYNTHETIC Age"},
        "circumstances": "",
        "witness": None,
        "keep_metadata": False,
        "attachments": [
            {
                "blob": blob,
                "sha256": hashlib.sha256(attachment).hexdigest(),
                "size": len(attachment),
                "original_sha256": hashlib.sha256(attachment).hexdigest(),
                "media_type": "application/pdf",
                "metadata_stripped": False,
                "name": "doc.pdf",
            }
        ],
    }
    plain = R.canonical_json(doc)
    age_encrypt(plain, "reports")
    b = B.pack_outbox(outbox, tmp_path / "b")
    sm = I.import_bundles(workspace, [b.path], [load_identity_file(ident)])
    assert sm.reports_new == 1 and sm.attachment_bytes == len(attachment)
    with workspace.engine.connect() as c:
        assert c.execute(select(Record.record_id)).scalar() == hashlib.sha256(plain).hexdigest()


def test_age_opens_the_passphrase_encrypted_key_file(tmp_path: Path) -> None:
    """`age -d` (passphrase typed on its terminal) reads roshan's scrypt-encrypted files."""
    import os
    import pty
    import time

    f = tmp_path / "k.age"
    f.write_bytes(agefmt.encrypt_passphrase(b"SYNTHETIC secret\n", "SYNTHETIC pass phrase"))
    out_file = tmp_path / "k.out"
    pid, fd = pty.fork()
    if pid == 0:  # child: age asks for the passphrase on its terminal
        os.execvp(AGE, [AGE, "-d", "-o", str(out_file), str(f)])
    seen, sent, start = b"", False, time.time()
    while time.time() - start < 60:
        try:
            data = os.read(fd, 1024)
        except OSError:
            break
        seen += data
        if b"passphrase" in seen.lower() and not sent:
            os.write(fd, b"SYNTHETIC pass phrase\n")
            sent = True
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    assert status == 0 and out_file.read_bytes() == b"SYNTHETIC secret\n"
