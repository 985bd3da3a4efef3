"""The magic + u32 length + header frame shared by bundles and chunks (roshan.intake.framing)."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from roshan.errors import IntakeError
from roshan.intake import bundle as B
from roshan.intake import chunks as C
from roshan.intake.framing import FrameErrors, frame, read_frame

ERR = FrameErrors("x: bad magic", "x: truncated", "x: too large")


def test_frame_round_trip_and_offset() -> None:
    data = frame(b"MAGIC\n", b'{"a":1}') + b"payload"
    assert data[:10] == b"MAGIC\n" + struct.pack(">I", 7)
    raw, end = read_frame(data, b"MAGIC\n", 100, ERR)
    assert raw == b'{"a":1}' and data[end:] == b"payload"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"OTHER\n\x00\x00\x00\x01{", "x: bad magic"),
        (b"MAGI", "x: bad magic"),
        (b"MAGIC\n\x00\x00", "x: truncated"),
        (b"MAGIC\n" + struct.pack(">I", 101) + b"{}", "x: too large"),
        (b"MAGIC\n" + struct.pack(">I", 5) + b"{}", "x: truncated"),
    ],
)
def test_frame_refusals(data: bytes, message: str) -> None:
    with pytest.raises(IntakeError, match=f"^{message}$"):
        read_frame(data, b"MAGIC\n", 100, ERR)


def test_each_format_keeps_its_own_messages(tmp_path: Path) -> None:
    too_big_manifest = B.MAGIC + struct.pack(">I", B.MAX_MANIFEST + 1)
    cases = [
        (lambda: B.parse_manifest(b"PK\x03\x04", what="b"), "b: not a roshan bundle (bad magic)"),
        (lambda: B.parse_manifest(B.MAGIC + b"\x00", what="b"), "b: truncated bundle header"),
        (lambda: B.parse_manifest(too_big_manifest, what="b"), "b: manifest too large"),
        (
            lambda: B.parse_manifest(B.MAGIC + struct.pack(">I", 9) + b"{}", what="b"),
            "b: truncated bundle header",
        ),
        (lambda: C.parse_chunk_header(b"PK\x03\x04", what="c"), "c: not a roshan chunk"),
        (lambda: C.parse_chunk_header(C.MAGIC + b"\x00", what="c"), "c: truncated chunk"),
        (
            lambda: C.parse_chunk_header(C.MAGIC + struct.pack(">I", C.MAX_HEADER + 1), what="c"),
            "c: chunk header too large",
        ),
    ]
    for call, message in cases:
        with pytest.raises(IntakeError) as err:
            call()
        assert str(err.value) == message
    big = tmp_path / "big.roshan"
    big.write_bytes(too_big_manifest + b"\x00" * 64)
    with pytest.raises(IntakeError, match="manifest too large"):
        B.open_bundle(big)


def test_file_kind_and_chunk_size_bound(tmp_path: Path) -> None:
    from roshan.intake.inspect import MAX_CHUNK_FILE, checked_chunk, file_kind

    for name, data, kind in [
        ("b", B.MAGIC + b"\x00" * 8, "bundle"),
        ("c", C.MAGIC + b"\x00" * 8, "chunk"),
        ("u", b"PK\x03\x04", "unknown"),
        ("e", b"", "unknown"),
    ]:
        (tmp_path / name).write_bytes(data)
        assert file_kind(tmp_path / name) == (kind, len(data))
    with pytest.raises(IntakeError, match="^nope: cannot read"):
        file_kind(tmp_path / "nope")
    with pytest.raises(IntakeError, match="^c: chunk file too large$"):
        checked_chunk(tmp_path / "c", MAX_CHUNK_FILE + 1)
    with pytest.raises(IntakeError, match="^c: malformed chunk header$"):  # empty header
        checked_chunk(tmp_path / "c", 24)
