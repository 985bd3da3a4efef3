"""Attachment safety: metadata stripping, media sniffing and decompression-bomb checks.

Why: a photo's EXIF block can hold GPS coordinates, the camera's serial number and
the time it was taken — enough to find the witness. roshan removes those blocks
*losslessly* (the image pixels are not re-encoded, so the picture keeps its
evidential value) unless the witness explicitly chooses to keep them.

Stripped: JPEG APP1 (EXIF, XMP), APP12, APP13 (IPTC/Photoshop) and COM segments;
PNG eXIf, tEXt, zTXt, iTXt and tIME chunks. Other types (video, PDF, office
documents) cannot be stripped here; they are flagged ``metadata_stripped=False``
so the form can warn the witness.

Decompression bombs: images whose declared pixel count exceeds ``MAX_PIXELS``
and zip-based documents (docx/odt/xlsx/zip) whose uncompressed size or
compression ratio is absurd are refused before anything else reads them.
"""

from __future__ import annotations

import io
import struct
import zipfile
from dataclasses import dataclass

from roshan.errors import IntakeError

MAX_PIXELS = 100_000_000  # 100 megapixels: beyond any phone camera
MAX_ZIP_UNCOMPRESSED = 512 * 1024 * 1024
MAX_ZIP_RATIO = 200
MAX_ZIP_MEMBERS = 10_000
_JPEG_DROP = {0xE1, 0xEC, 0xED, 0xFE}  # APP1, APP12, APP13, COM
_PNG_DROP = {b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"}
PNG_SIG = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Cleaned:
    """Result of cleaning one attachment."""

    data: bytes
    media_type: str
    metadata_stripped: bool
    removed: tuple[str, ...]


def sniff(head: bytes) -> str:
    """Media type from magic bytes (never from the file name the witness chose)."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(PNG_SIG):
        return "image/png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp":
        return "video/mp4"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"PK\x03\x04"):
        return "application/zip"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm"
    return "application/octet-stream"


def check_image_bomb(head: bytes, *, what: str = "attachment") -> None:
    """Refuse an image whose header declares more than MAX_PIXELS pixels.

    Reads only the header (Pillow's lazy open), so a bomb is refused without
    being decoded. ``head`` may be just the first few hundred kilobytes.
    """
    from PIL import Image

    try:
        with Image.open(io.BytesIO(head)) as im:
            w, h = im.size
    except Image.DecompressionBombError as exc:
        raise IntakeError(f"{what}: image is a decompression bomb (too many pixels)") from exc
    except Exception:
        return  # not an image Pillow understands from this header: nothing to check
    if w * h > MAX_PIXELS:
        raise IntakeError(
            f"{what}: image declares {w}x{h} pixels (limit {MAX_PIXELS:,}); "
            "refused as a possible decompression bomb")


def check_zip_bomb(data: bytes, *, what: str = "attachment") -> None:
    """Refuse a zip container whose members would expand absurdly."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise IntakeError(f"{what}: archive has too many members ({len(infos)})")
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if total > MAX_ZIP_UNCOMPRESSED or total / packed > MAX_ZIP_RATIO:
        raise IntakeError(f"{what}: archive expands to {total:,} bytes from {packed:,}; "
                          "refused as a possible decompression bomb")


def strip_jpeg(data: bytes) -> tuple[bytes, list[str]]:
    """Drop metadata segments from a JPEG without touching the entropy-coded image."""
    if not data.startswith(b"\xff\xd8"):
        raise IntakeError("not a JPEG")
    out = bytearray(b"\xff\xd8")
    removed: list[str] = []
    i = 2
    n = len(data)
    while i < n:
        if data[i] != 0xFF:
            raise IntakeError("attachment: corrupt JPEG (marker expected)")
        while i < n and data[i] == 0xFF:  # fill bytes
            i += 1
        if i >= n:
            break
        marker = data[i]
        i += 1
        if marker == 0xDA or marker == 0xD9:  # start of scan / end: copy the rest
            out += bytes([0xFF, marker]) + data[i:]
            return bytes(out), removed
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            out += bytes([0xFF, marker])
            continue
        if i + 2 > n:
            raise IntakeError("attachment: truncated JPEG")
        (seglen,) = struct.unpack(">H", data[i:i + 2])
        seg = data[i:i + seglen]
        if len(seg) != seglen or seglen < 2:
            raise IntakeError("attachment: truncated JPEG")
        if marker in _JPEG_DROP:
            removed.append({0xE1: "EXIF/XMP", 0xEC: "APP12", 0xED: "IPTC",
                            0xFE: "comment"}[marker])
        else:
            out += bytes([0xFF, marker]) + seg
        i += seglen
    return bytes(out), removed


def strip_png(data: bytes) -> tuple[bytes, list[str]]:
    """Drop text, time and EXIF chunks from a PNG (pixel data untouched)."""
    if not data.startswith(PNG_SIG):
        raise IntakeError("not a PNG")
    out = bytearray(PNG_SIG)
    removed: list[str] = []
    i = len(PNG_SIG)
    while i + 8 <= len(data):
        (length,) = struct.unpack(">I", data[i:i + 4])
        ctype = data[i + 4:i + 8]
        end = i + 12 + length
        if end > len(data):
            raise IntakeError("attachment: truncated PNG")
        if ctype in _PNG_DROP:
            removed.append(ctype.decode("latin-1"))
        else:
            out += data[i:end]
        i = end
        if ctype == b"IEND":
            break
    return bytes(out), removed


def clean_attachment(data: bytes, *, keep_metadata: bool = False,
                     what: str = "attachment") -> Cleaned:
    """Bomb-check an attachment and, unless ``keep_metadata``, strip what can be stripped."""
    media_type = sniff(data[:64])
    if media_type.startswith("image/"):
        check_image_bomb(data[:1024 * 1024], what=what)
    if media_type == "application/zip":
        check_zip_bomb(data, what=what)
    if keep_metadata:
        return Cleaned(data, media_type, False, ())
    if media_type == "image/jpeg":
        cleaned, removed = strip_jpeg(data)
        return Cleaned(cleaned, media_type, True, tuple(removed))
    if media_type == "image/png":
        cleaned, removed = strip_png(data)
        return Cleaned(cleaned, media_type, True, tuple(removed))
    return Cleaned(data, media_type, False, ())
