"""Encoding detection: BOMs, UTF-16, Windows-1256, invalid and mixed bytes."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from roshan.errors import InputFileError
from roshan.ingest.encodings import detect_encoding

TEXT = "record_id,full_name,city\n1,محمدرضا حسینی,لردگان\n2,زهرا کریمی,آبدانان\n"
FA_ONLY = (
    "نام و نام خانوادگی,سن,تاریخ فوت,شهر\n"
    "حسین رضایی,۲۴,۱۴۰۴/۱۰/۱۸,تهران\nعلی احمدی,۳۰,۱۴۰۴/۱۰/۱۹,کرج\n"
)


def write(tmp_path: Path, data: bytes, name: str = "f.csv") -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("utf-16"), "utf-16"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),
        (TEXT.encode("utf-16-be"), "utf-16-be"),
        (TEXT.replace("ی", "ي").replace("ک", "ك").encode("windows-1256"), "windows-1256"),
        # Persian headers and Persian digits, no BOM: few NUL bytes (was "looks binary")
        (FA_ONLY.encode("utf-16-le"), "utf-16-le"),
        (FA_ONLY.encode("utf-16-be"), "utf-16-be"),
        (FA_ONLY.encode("utf-8"), "utf-8"),
    ],
    ids=[
        "utf8",
        "utf8-bom",
        "utf16-bom",
        "utf16le",
        "utf16be",
        "cp1256",
        "fa-16le",
        "fa-16be",
        "fa-8",
    ],
)
def test_detects(tmp_path: Path, data: bytes, expected: str) -> None:
    assert detect_encoding(write(tmp_path, data)).encoding == expected


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="empty"):
        detect_encoding(write(tmp_path, b""))


def test_invalid_bytes_refused_with_position(tmp_path: Path) -> None:
    data = b"record_id,full_name\n1,abc\n2,\xff\xfe\x80garbage\x81\xfc\n"
    with pytest.raises(InputFileError, match=r"invalid UTF-8 at byte \d+ \(line 3\)"):
        detect_encoding(write(tmp_path, data))


def test_mixed_utf8_and_cp1256_refused(tmp_path: Path) -> None:
    data = "full_name\nمحمد حسینی\n".encode() + "علي رضايي\n".encode("windows-1256")
    with pytest.raises(InputFileError, match="mixed or unknown encoding"):
        detect_encoding(write(tmp_path, data))


def test_binary_refused(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="binary"):
        detect_encoding(
            write(tmp_path, b"PK\x03\x04\x00\x00\x01\x00\x00\x00\x00\x02\x03\x00\x00\x00abc")
        )


def test_declared_encoding_verified(tmp_path: Path) -> None:
    p = write(tmp_path, TEXT.encode("utf-8"))
    assert detect_encoding(p, "utf8").reason == "declared"
    bad = write(tmp_path, b"a\n\xff\xff\n", "g.csv")
    with pytest.raises(InputFileError, match="not valid utf-8"):
        detect_encoding(bad, "utf-8")
    with pytest.raises(InputFileError, match="unsupported encoding"):
        detect_encoding(p, "klingon")
