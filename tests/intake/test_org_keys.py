"""Organisation keys: creation, encryption at rest, unlocking, public export."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from roshan.errors import IntakeError
from roshan.intake import keys as K

PASSPHRASE = "SYNTHETIC test passphrase"  # same as conftest


def test_key_directory_contents(keydir: Path, org: K.OrgKeys) -> None:
    for name in (
        K.RECIPIENT_FILE,
        K.SIGNING_PUB_FILE,
        K.PRIVATE_FILE,
        K.QR_PNG,
        K.QR_SVG,
        K.KEYINFO_FILE,
    ):
        assert (keydir / name).is_file(), name
    pub = K.load_public(keydir)
    assert pub.recipient.startswith("age1")
    assert pub == org.public
    # private keys are not readable at rest
    secret = str(org.identity)
    for p in keydir.iterdir():
        assert secret.encode() not in p.read_bytes()
    assert (keydir / K.PRIVATE_FILE).read_bytes().startswith(b"age-encryption.org/v1\n-> scrypt ")
    assert (keydir / K.PRIVATE_FILE).stat().st_mode & 0o077 == 0


def test_qr_code_is_an_image(keydir: Path) -> None:
    with Image.open(keydir / K.QR_PNG) as im:
        assert im.size[0] == im.size[1] and im.size[0] > 100
    assert b"<svg" in (keydir / K.QR_SVG).read_bytes()


def test_wrong_passphrase_refused(keydir: Path) -> None:
    with pytest.raises(IntakeError, match="wrong passphrase"):
        K.unlock(keydir, "not the SYNTHETIC passphrase")


def test_refuses_overwrite_and_short_passphrase(keydir: Path, tmp_path: Path) -> None:
    with pytest.raises(IntakeError, match="already holds"):
        K.init_keys(keydir, PASSPHRASE)
    with pytest.raises(IntakeError, match="too short"):
        K.init_keys(tmp_path / "k", "short")
    assert not (tmp_path / "k").exists()


def test_signatures(org: K.OrgKeys, other_org: K.OrgKeys) -> None:
    sig = K.sign(org, b"tree head")
    assert K.verify_signature(org.public.signing_public, b"tree head", sig)
    assert not K.verify_signature(org.public.signing_public, b"tree head!", sig)
    assert not K.verify_signature(other_org.public.signing_public, b"tree head", sig)


def test_recipient_parsing(keydir: Path, org: K.OrgKeys) -> None:
    assert str(K.load_recipient(keydir)) == org.public.recipient
    assert str(K.load_recipient(keydir / K.RECIPIENT_FILE)) == org.public.recipient
    assert str(K.load_recipient(org.public.recipient)) == org.public.recipient
    with pytest.raises(IntakeError, match="recipient"):
        K.load_recipient("age1notakey")
    with pytest.raises(IntakeError):
        K.decode_signing_public("roshan-ed25519 AAAA")


def test_auditor_needs_only_signing_pub(keydir: Path, org: K.OrgKeys, tmp_path: Path) -> None:
    lone = tmp_path / "org-signing.pub"
    lone.write_text((keydir / K.SIGNING_PUB_FILE).read_text())
    pub = K.load_public(lone)
    assert pub.key_id == org.public.key_id and pub.recipient == ""
    with pytest.raises(IntakeError, match="not a roshan key directory"):
        K.load_public(tmp_path / "missing")
