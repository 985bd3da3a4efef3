"""Attachment safety: metadata stripping, media sniffing and decompression-bomb checks.

Why: a photo's EXIF block can hold GPS coordinates, the camera's serial number and
the time it was taken — enough to find the witness. roshan removes those blocks
*losslessly* (the image pixels are not re-encoded, so the picture keeps its
evidential value) unless the witness explicitly chooses to keep them.

Stripped: JPEG APP1 (EXIF, XMP), APP12, APP13 (IPTC/Photoshop) and COM segments;
PNG eXIf, tEXt, zTXt, iTXt and tIME chunks; MP4/MOV ``udta`` and ``meta`` boxes
(where phones put GPS position — ``©xyz``, ``com.apple.quicktime.location`` — and
the camera make and model), which are turned into ``free`` boxes of the same
size with zeroed content, so no offset in the file moves and the video plays as
before. Other types (PDF, office documents, WebM) cannot be stripped here; they
are flagged ``metadata_stripped=False`` so the form can warn the witness.

Decompression bombs: images whose declared pixel count exceeds ``MAX_PIXELS``
and zip-based documents (docx/odt/xlsx/zip) whose uncompressed size or
compression ratio is absurd are refused before anything else reads them.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

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
        brand = head[8:12]
        if brand in (b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1", b"hevc", b"hevx"):
            return "image/heic"  # HEIF: its top-level meta box IS the image index
        if brand in (b"avif", b"avis"):
            return "image/avif"
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
    except Exception:  # noqa: BLE001 - Pillow raises many types on a partial header
        return  # not an image Pillow understands from this header: nothing to check
    if w * h > MAX_PIXELS:
        raise IntakeError(
            f"{what}: image declares {w}x{h} pixels (limit {MAX_PIXELS:,}); "
            "refused as a possible decompression bomb"
        )


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
        raise IntakeError(
            f"{what}: archive expands to {total:,} bytes from {packed:,}; "
            "refused as a possible decompression bomb"
        )


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
        (seglen,) = struct.unpack(">H", data[i : i + 2])
        seg = data[i : i + seglen]
        if len(seg) != seglen or seglen < 2:
            raise IntakeError("attachment: truncated JPEG")
        if marker in _JPEG_DROP:
            removed.append({0xE1: "EXIF/XMP", 0xEC: "APP12", 0xED: "IPTC", 0xFE: "comment"}[marker])
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
        (length,) = struct.unpack(">I", data[i : i + 4])
        ctype = data[i + 4 : i + 8]
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


# ---- MP4 / QuickTime (ISO BMFF) ------------------------------------------------------
_MP4_CONTAINERS = {
    b"moov",
    b"trak",
    b"mdia",
    b"minf",
    b"edts",
    b"dinf",
    b"stbl",
    b"mvex",
    b"moof",
    b"traf",
}
_MP4_DROP = {b"udta", b"meta"}
_MAX_BOXES = 100_000


def mp4_patch_plan(read_at: Callable[[int, int], bytes], size: int) -> list[tuple[int, int]]:
    """(offset, length) of every ``udta``/``meta`` box inside ``moov``, from box headers.

    Only the movie box is touched: a top-level ``meta`` (as in HEIF images) is
    structural and is never blanked.

    ``read_at(offset, n)`` reads bytes; only headers are read, so this is cheap for a
    video of any size. Raises IntakeError on a malformed box structure.
    """
    plan: list[tuple[int, int]] = []
    count = 0

    def walk(start: int, end: int, depth: int, in_moov: bool) -> None:
        nonlocal count
        pos = start
        while pos + 8 <= end:
            count += 1
            if count > _MAX_BOXES or depth > 16:
                raise IntakeError("attachment: MP4 box structure too deep or too large")
            head = read_at(pos, 16)
            (box_size,) = struct.unpack(">I", head[:4])
            btype = head[4:8]
            hdr = 8
            if box_size == 1:
                if len(head) < 16:
                    raise IntakeError("attachment: truncated MP4")
                (box_size,) = struct.unpack(">Q", head[8:16])
                hdr = 16
            elif box_size == 0:
                box_size = end - pos
            if box_size < hdr or pos + box_size > end:
                raise IntakeError("attachment: malformed MP4 box")
            if in_moov and btype in _MP4_DROP:
                plan.append((pos, box_size))
            elif btype == b"moov" or (in_moov and btype in _MP4_CONTAINERS):
                walk(pos + hdr, pos + box_size, depth + 1, True)
            pos += box_size

    walk(0, size, 0, False)
    return plan


def _free_box_bytes(offset: int, length: int, read_at: Callable[[int, int], bytes]) -> bytes:
    """The replacement for a dropped box: same size header, type ``free``, zero content."""
    head = read_at(offset, 16)
    hdr = 16 if struct.unpack(">I", head[:4])[0] == 1 else 8
    return head[:4] + b"free" + head[8:hdr] + b"\x00" * (length - hdr)


def strip_mp4(data: bytes) -> tuple[bytes, list[str]]:
    """Blank the metadata boxes of an in-memory MP4 (see module doc)."""

    def read_at(o: int, n: int) -> bytes:
        return data[o : o + n]

    plan = mp4_patch_plan(read_at, len(data))
    out = bytearray(data)
    removed = []
    for off, length in plan:
        removed.append(data[off + 4 : off + 8].decode("latin-1"))
        out[off : off + length] = _free_box_bytes(off, length, read_at)
    return bytes(out), removed


class PatchedReader:
    """Reads a file as if the MP4 metadata boxes in ``plan`` were blanked (streaming).

    Why: a long video cannot be held in memory, and writing a cleaned copy in
    clear to disk is exactly what must not happen on a field device.
    """

    def __init__(self, fh: BinaryIO, plan: list[tuple[int, int]]) -> None:
        self.fh = fh
        self.plan = plan
        self.pos = 0
        self._cache: dict[int, bytes] = {}

    def _replacement(self, off: int, length: int) -> bytes:
        if off not in self._cache:
            here = self.fh.tell()

            def read_at(o: int, n: int) -> bytes:
                self.fh.seek(o)
                return self.fh.read(n)

            head = _free_box_bytes(off, min(length, 16), read_at)[:16]
            self.fh.seek(here)
            self._cache[off] = head
        return self._cache[off]

    def read(self, n: int = -1) -> bytes:
        buf = bytearray(self.fh.read(n) if n is not None and n >= 0 else self.fh.read())
        start, end = self.pos, self.pos + len(buf)
        for off, length in self.plan:
            if off < end and off + length > start:
                repl_head = self._replacement(off, length)
                lo, hi = max(off, start), min(off + length, end)
                seg = bytearray(hi - lo)
                h0 = lo - off
                if h0 < len(repl_head):
                    k = min(len(repl_head) - h0, hi - lo)
                    seg[:k] = repl_head[h0 : h0 + k]
                buf[lo - start : hi - start] = seg
        self.pos = end
        return bytes(buf)


def clean_attachment(
    data: bytes, *, keep_metadata: bool = False, what: str = "attachment"
) -> Cleaned:
    """Bomb-check an attachment and, unless ``keep_metadata``, strip what can be stripped."""
    media_type = sniff(data[:64])
    if media_type.startswith("image/"):
        check_image_bomb(data[: 1024 * 1024], what=what)
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
    if media_type == "video/mp4":
        try:
            cleaned, removed = strip_mp4(data)
        except IntakeError:  # unusual structure: keep it, unstripped (the witness is warned)
            return Cleaned(data, media_type, False, ())
        return Cleaned(cleaned, media_type, True, tuple(removed))
    return Cleaned(data, media_type, False, ())
