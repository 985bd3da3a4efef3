"""Shared fixtures for intake tests. All people and reports here are SYNTHETIC."""

from __future__ import annotations

import io
import shutil
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from roshan.intake import keys as K
from roshan.intake import media

PASSPHRASE = "SYNTHETIC test passphrase"


@pytest.fixture(scope="session")
def keydir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One organisation key directory for the whole session (scrypt is slow by design)."""
    d = tmp_path_factory.mktemp("orgkeys") / "keys"
    K.init_keys(d, PASSPHRASE)
    return d


@pytest.fixture(scope="session")
def org(keydir: Path) -> K.OrgKeys:
    return K.unlock(keydir, PASSPHRASE)


@pytest.fixture(scope="session")
def other_org(tmp_path_factory: pytest.TempPathFactory) -> K.OrgKeys:
    d = tmp_path_factory.mktemp("otherkeys") / "keys"
    K.init_keys(d, PASSPHRASE)
    return K.unlock(d, PASSPHRASE)


@pytest.fixture
def passphrase() -> str:
    return PASSPHRASE


@pytest.fixture
def make_jpeg():
    return jpeg_with_exif


@pytest.fixture
def copy_keydir(keydir: Path, tmp_path: Path) -> Path:
    d = tmp_path / "keys"
    shutil.copytree(keydir, d)
    return d


def jpeg_with_exif(color: tuple[int, int, int] = (200, 10, 10)) -> bytes:
    """A small JPEG carrying EXIF camera make and GPS tags (SYNTHETIC)."""
    img = Image.new("RGB", (48, 32), color)
    exif = Image.Exif()
    exif[0x010F] = "SYNTHETIC-CAMERA-MAKE"
    exif[0x0110] = "SYNTHETIC-MODEL-XYZ"
    gps = {1: "N", 2: (35.0, 41.0, 0.0), 3: "E", 4: (51.0, 23.0, 0.0)}
    exif[0x8825] = gps
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif, quality=90)
    return buf.getvalue()


@pytest.fixture
def workspace(tmp_path: Path):
    from roshan.store.workspace import Workspace

    ws = Workspace.init(tmp_path / "ws")
    yield ws
    ws.close()


def _png_bomb(w: int, h: int) -> bytes:
    """A tiny PNG whose header declares w x h pixels (SYNTHETIC)."""
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    data = (
        media.PNG_SIG + struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    )
    idat = zlib.compress(b"\x00" * 1024)
    data += (
        struct.pack(">I", len(idat))
        + b"IDAT"
        + idat
        + struct.pack(">I", zlib.crc32(b"IDAT" + idat))
    )
    return data + struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND"))


@pytest.fixture
def png_bomb():
    return _png_bomb
