"""Reports are encrypted at once; attachments are stripped, hashed and bomb-checked."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pyrage
import pytest
from PIL import Image

from roshan.errors import IntakeError
from roshan.intake import media, report
from roshan.intake.keys import OrgKeys

VICTIM = {
    "full_name": "SYNTHETIC Person-One",
    "father_name": "SYNTHETIC-Father",
    "city": "SYNTHETIC-City",
    "date_of_death": "1404/10/18",
}


def _decrypt(org: OrgKeys, path: Path) -> bytes:
    return pyrage.decrypt(path.read_bytes(), [org.identity])


def test_report_round_trip_nothing_readable_on_device(
    tmp_path: Path, org: OrgKeys, make_jpeg
) -> None:
    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(make_jpeg())
    outbox = tmp_path / "outbox"
    saved = report.save_report(
        outbox,
        org.identity.to_public(),
        VICTIM,
        circumstances="SYNTHETIC shot near the square",
        witness_contact="SYNTHETIC +98 900 000 0000",
        attachments=[photo],
        language="fa",
    )
    files = [p for p in outbox.rglob("*") if p.is_file()]
    assert len(files) == 3
    for p in files:  # no clear text anywhere in the outbox
        data = p.read_bytes()
        assert data.startswith(b"age-encryption.org/v1\n")
        for needle in (b"SYNTHETIC", "SYNTHETIC".encode("utf-16-le"), b"Exif"):
            assert needle not in data
        assert p.name == hashlib.sha256(data).hexdigest() + ".age"
    plain = _decrypt(org, outbox / "reports" / f"{saved.report_blob}.age")
    assert hashlib.sha256(plain).hexdigest() == saved.report_id
    doc = report.parse_report(plain)
    assert doc["victim"] == VICTIM and doc["language"] == "fa"
    assert "SYNTHETIC +98" not in plain.decode()  # witness is encrypted separately
    witness = _decrypt(org, outbox / "witness" / f"{saved.witness_blob}.age")
    assert b"SYNTHETIC +98 900" in witness
    (att,) = doc["attachments"]
    stored = _decrypt(org, outbox / "attachments" / f"{att['blob']}.age")
    assert hashlib.sha256(stored).hexdigest() == att["sha256"]
    assert att["original_sha256"] == hashlib.sha256(photo.read_bytes()).hexdigest()
    assert att["metadata_stripped"] and "EXIF/XMP" in att["removed"]
    assert b"SYNTHETIC-CAMERA" not in stored and b"Exif" not in stored
    # pixels untouched: lossless stripping
    with Image.open(io.BytesIO(stored)) as a, Image.open(photo) as b:
        assert a.tobytes() == b.tobytes()
        assert not a.getexif()


def test_keep_metadata_keeps_the_original(tmp_path: Path, org: OrgKeys, make_jpeg) -> None:
    photo = tmp_path / "p.jpg"
    photo.write_bytes(make_jpeg())
    saved = report.save_report(
        tmp_path / "o", org.identity.to_public(), VICTIM, attachments=[photo], keep_metadata=True
    )
    doc = report.parse_report(
        _decrypt(org, tmp_path / "o" / "reports" / f"{saved.report_blob}.age")
    )
    stored = _decrypt(org, tmp_path / "o" / "attachments" / f"{doc['attachments'][0]['blob']}.age")
    assert stored == photo.read_bytes()
    assert b"SYNTHETIC-CAMERA" in stored


def test_png_text_chunks_stripped() -> None:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Location", "SYNTHETIC 35.6N 51.4E")
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (1, 2, 3)).save(buf, "PNG", pnginfo=info)
    cleaned = media.clean_attachment(buf.getvalue())
    assert cleaned.metadata_stripped and "tEXt" in cleaned.removed
    assert b"SYNTHETIC" not in cleaned.data
    with Image.open(io.BytesIO(cleaned.data)) as im:
        assert im.size == (8, 8)


def test_image_decompression_bomb_refused(tmp_path: Path, org: OrgKeys, png_bomb) -> None:
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(png_bomb(60000, 60000))
    with pytest.raises(IntakeError, match="decompression bomb"):
        report.save_report(tmp_path / "o", org.identity.to_public(), VICTIM, attachments=[bomb])
    assert not any(p.is_file() for p in (tmp_path / "o").rglob("*"))


def test_zip_bomb_refused() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.txt", b"\0" * (20 * 1024 * 1024))
    with pytest.raises(IntakeError, match="decompression bomb"):
        media.clean_attachment(buf.getvalue())


def test_oversized_attachment_refused(
    tmp_path: Path, org: OrgKeys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report, "MAX_ATTACHMENT_BYTES", 1000)
    big = tmp_path / "video.mp4"
    big.write_bytes(b"\0\0\0\x18ftypmp42" + b"\0" * 2000)
    with pytest.raises(IntakeError, match="larger than"):
        report.save_report(tmp_path / "o", org.identity.to_public(), VICTIM, attachments=[big])


def test_unstrippable_types_warn(tmp_path: Path, org: OrgKeys) -> None:
    vid = tmp_path / "clip.mp4"
    vid.write_bytes(b"\0\0\0\x18ftypmp42" + b"\1" * 100)
    saved = report.save_report(tmp_path / "o", org.identity.to_public(), VICTIM, attachments=[vid])
    assert saved.warnings and "video/mp4" in saved.warnings[0]


@pytest.mark.parametrize("victim", [{"witness": "x"}, {"nickname": "x"}, {"city": 5}])
def test_bad_victim_fields_refused(tmp_path: Path, org: OrgKeys, victim: dict) -> None:
    with pytest.raises(IntakeError):
        report.save_report(tmp_path / "o", org.identity.to_public(), victim)


def test_parse_report_refuses_path_names() -> None:
    doc = {
        "format": report.REPORT_FORMAT,
        "victim": {},
        "attachments": [
            {"blob": "a" * 64, "sha256": "b" * 64, "size": 1, "name": "../../etc/passwd"}
        ],
    }
    with pytest.raises(IntakeError, match="path"):
        report.parse_report(report.canonical_json(doc))
    assert report.safe_display_name("../../x/..\\evil.jpg") == "evil.jpg"
