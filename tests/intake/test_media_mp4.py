"""MP4/MOV metadata boxes are blanked in place (in memory and streaming). SYNTHETIC files."""

from __future__ import annotations

import hashlib
import io
import struct
from pathlib import Path

import pyrage
import pytest

from roshan.intake import media, report
from roshan.intake.keys import OrgKeys

GPS = b"+35.6892+051.3890/"


def box(kind: bytes, payload: bytes, large: bool = False) -> bytes:
    if large:
        return struct.pack(">I", 1) + kind + struct.pack(">Q", 16 + len(payload)) + payload
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def synthetic_mp4(mdat_size: int = 5000) -> bytes:
    """ftyp, moov{mvhd, udta{©xyz GPS, ©mak}, trak{tkhd, meta{...}}}, mdat (SYNTHETIC)."""
    udta = box(
        b"udta",
        box(b"\xa9xyz", b"\x00\x12\x15\xc7" + GPS) + box(b"\xa9mak", b"SYNTHETIC-PHONE-MAKER"),
    )
    meta = box(
        b"meta",
        b"\x00" * 4 + box(b"keys", b"com.apple.quicktime.location.ISO6709") + box(b"ilst", GPS),
        large=True,
    )
    trak = box(b"trak", box(b"tkhd", b"\x00" * 84) + meta)
    moov = box(b"moov", box(b"mvhd", b"\x00" * 100) + udta + trak)
    mdat = box(b"mdat", bytes(range(256)) * (mdat_size // 256))
    return box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2mp41") + moov + mdat


def top_boxes(data: bytes) -> list[bytes]:
    out, pos = [], 0
    while pos < len(data):
        size, kind = struct.unpack(">I4s", data[pos : pos + 8])
        if size == 1:
            size = struct.unpack(">Q", data[pos + 8 : pos + 16])[0]
        out.append(kind)
        pos += size
    return out


def test_strip_mp4_in_memory() -> None:
    data = synthetic_mp4()
    cleaned = media.clean_attachment(data)
    assert cleaned.media_type == "video/mp4" and cleaned.metadata_stripped
    assert sorted(cleaned.removed) == ["meta", "udta"]
    out = cleaned.data
    assert len(out) == len(data) and GPS not in out and b"SYNTHETIC-PHONE" not in out
    assert top_boxes(out) == [b"ftyp", b"moov", b"mdat"]
    assert out.count(b"free") == 2
    mdat_at = data.index(b"mdat") - 4
    assert out[mdat_at:] == data[mdat_at:]  # media data and every offset unchanged
    assert media.clean_attachment(data, keep_metadata=True).data == data


def test_malformed_mp4_kept_unstripped_with_warning(tmp_path: Path, org: OrgKeys) -> None:
    bad = synthetic_mp4()[:-10] + struct.pack(">I", 999_999) + b"junk"
    assert not media.clean_attachment(bad).metadata_stripped
    p = tmp_path / "odd.mp4"
    p.write_bytes(bad)
    saved = report.save_report(
        tmp_path / "o", org.identity.to_public(), {"city": "SYNTHETIC"}, attachments=[p]
    )
    assert saved.warnings


def test_streaming_strip_matches_in_memory(
    tmp_path: Path, org: OrgKeys, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = synthetic_mp4(300_000)
    p = tmp_path / "clip.mov"
    p.write_bytes(data)
    monkeypatch.setattr(report, "MAX_IN_MEMORY", 1000)  # force the streaming path
    saved = report.save_report(
        tmp_path / "o", org.identity.to_public(), {"city": "SYNTHETIC"}, attachments=[p]
    )
    assert not saved.warnings
    doc = report.parse_report(
        pyrage.decrypt(
            (tmp_path / "o" / "reports" / f"{saved.report_blob}.age").read_bytes(), [org.identity]
        )
    )
    (att,) = doc["attachments"]
    stored = pyrage.decrypt(
        (tmp_path / "o" / "attachments" / f"{att['blob']}.age").read_bytes(), [org.identity]
    )
    assert stored == media.strip_mp4(data)[0]
    assert att["metadata_stripped"] and sorted(att["removed"]) == ["meta", "udta"]
    assert att["sha256"] == hashlib.sha256(stored).hexdigest()
    assert att["original_sha256"] == hashlib.sha256(data).hexdigest()


def test_patched_reader_any_read_sizes() -> None:
    data = synthetic_mp4(20_000)
    plan = media.mp4_patch_plan(lambda o, n: data[o : o + n], len(data))
    want = media.strip_mp4(data)[0]
    for step in (1, 7, 64, 1000, 1 << 20):
        r = media.PatchedReader(io.BytesIO(data), plan)
        got = b"".join(iter(lambda r=r, step=step: r.read(step), b""))
        assert got == want


def test_heif_photo_is_never_blanked() -> None:
    """HEIC photos start like MP4, but their top-level meta box is the image itself."""
    heic = (
        box(b"ftyp", b"heic\x00\x00\x00\x00mif1heic")
        + box(b"meta", b"\x00" * 4 + box(b"iinf", b"SYNTHETIC item info"))
        + box(b"mdat", b"\x01" * 300)
    )
    assert media.sniff(heic[:64]) == "image/heic"
    cleaned = media.clean_attachment(heic)
    assert cleaned.data == heic and not cleaned.metadata_stripped
    # even an MP4 with a top-level meta keeps it: only boxes inside moov are blanked
    mp4 = synthetic_mp4() + box(b"meta", b"SYNTHETIC top-level")
    assert media.strip_mp4(mp4)[0].endswith(box(b"meta", b"SYNTHETIC top-level"))
