"""Detect and verify a file's text encoding; never guess silently.

Persian lists arrive as UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode
text") and Windows-1256 (the Arabic code page of older Persian spreadsheets).
Detection order: BOM → UTF-16 without BOM (NUL pattern) → strict UTF-8 over the
whole file → Windows-1256 only if the decoded text is plausibly Persian/Arabic.
Anything else is refused with the reason.
"""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from roshan.errors import InputFileError

SUPPORTED = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "windows-1256")
_CHUNK = 1 << 20
# Share of non-ASCII characters that must be Arabic-script letters (or Persian
# punctuation) for a non-UTF-8 file to be accepted as Windows-1256. Mojibake of
# UTF-8 read as cp1256 is full of symbols (³ ¯ ¨ ...), which this rejects.
CP1256_MIN_ARABIC_SHARE = 0.85


@dataclass(frozen=True)
class Detected:
    """The encoding roshan will read a file with, and why."""

    encoding: str
    reason: str


def _is_arabic_script(ch: str) -> bool:
    o = ord(ch)
    return (
        (0x0600 <= o <= 0x06FF)
        or (0xFB50 <= o <= 0xFDFF)
        or (0xFE70 <= o <= 0xFEFF)
        or ch in "\u200c\u200d\u00a0«»"
    )


def _first_error(path: Path, encoding: str) -> tuple[int, int, UnicodeError, bool] | None:
    """Where a strict decode of the whole file first fails: ``(byte offset, line, the
    codec's error, whether at the end)``, or None when it decodes. A codec error that is
    not about particular bytes (the utf-16 codec without a byte-order mark) is raised."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    offset = 0
    lines = 1
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                pos = exc.start
                return offset + pos, lines + chunk[:pos].count(b"\n"), exc, False
            offset += len(chunk)
            lines += chunk.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeError as exc:
            return offset, lines, exc, True
    return None


def _plausible_cp1256(path: Path) -> tuple[bool, float]:
    arabic = other = 0
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            text = chunk.decode("windows-1256", errors="replace")
            for ch in text:
                if ord(ch) < 128:
                    continue
                if _is_arabic_script(ch):
                    arabic += 1
                elif ch == "\ufffd" or unicodedata.category(ch)[0] in "CS":
                    other += 3  # undefined bytes and symbols weigh heavily against
                else:
                    other += 1
    total = arabic + other
    share = arabic / total if total else 0.0
    return total > 0 and share >= CP1256_MIN_ARABIC_SHARE, share


def detect_encoding(path: Path, declared: str | None = None) -> Detected:
    """Decide how to decode ``path``; raise InputFileError if it can't be decoded reliably."""
    if declared:
        enc = declared.lower().replace("_", "-")
        aliases = {"cp1256": "windows-1256", "utf8": "utf-8", "utf16": "utf-16"}
        enc = aliases.get(enc, enc)
        if enc not in SUPPORTED:
            raise InputFileError(
                f"unsupported encoding {declared!r}; use one of {', '.join(SUPPORTED)}",
                file=path.name,
            )
        if enc == "utf-16":
            return _declared_utf16(path)
        _verify(path, enc)
        return Detected(enc, "declared")
    with path.open("rb") as fh:
        head = fh.read(4096)
    if not head:
        raise InputFileError("the file is empty", file=path.name)
    if head.startswith(codecs.BOM_UTF8):
        _verify(path, "utf-8-sig")
        return Detected("utf-8-sig", "UTF-8 byte-order mark")
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        _verify(path, "utf-16")
        return Detected("utf-16", "UTF-16 byte-order mark")
    order = _utf16_order(head)
    if order == "utf-16-le":
        _verify(path, "utf-16-le")
        return Detected("utf-16-le", "UTF-16 little-endian pattern without BOM")
    if order == "utf-16-be":
        _verify(path, "utf-16-be")
        return Detected("utf-16-be", "UTF-16 big-endian pattern without BOM")
    if b"\x00" in head:
        raise InputFileError(
            "the file contains NUL bytes; it looks binary, not a text list", file=path.name
        )
    bad = _first_error(path, "utf-8")
    if bad is None:
        return Detected("utf-8", "valid UTF-8")
    ok, share = _plausible_cp1256(path)
    if ok:
        return Detected(
            "windows-1256", f"not UTF-8; {share:.0%} of non-ASCII text is Arabic script"
        )
    offset, line, _exc, _at_end = bad
    raise InputFileError(
        f"cannot determine the encoding: invalid UTF-8 at byte {offset} (line {line}) and not "
        f"plausible Windows-1256 either (mixed or unknown encoding). Re-save the file as UTF-8, "
        f"or pass --encoding if you know it",
        file=path.name,
    )


def _utf16_order(head: bytes) -> str | None:
    """``utf-16-le``/``utf-16-be`` when the first bytes show the NUL pattern of mostly
    ASCII/Latin text in that byte order, else None."""
    even_nuls = head[0::2].count(0)
    odd_nuls = head[1::2].count(0)
    half = max(1, len(head) // 2)
    if odd_nuls / half > 0.3 and even_nuls == 0:
        return "utf-16-le"
    if even_nuls / half > 0.3 and odd_nuls == 0:
        return "utf-16-be"
    # Persian text: few NULs (only the ASCII commas, digits and line ends have one), but
    # nearly every high byte is 0x06 (Arabic script), 0x00, 0x20 (ZWNJ) or 0xFB/0xFE
    # (presentation forms); no single-byte encoding looks like that.
    if odd_nuls and _persian_high_bytes(head[1::2]) and even_nuls / half < 0.02:
        return "utf-16-le"
    if even_nuls and _persian_high_bytes(head[0::2]) and odd_nuls / half < 0.02:
        return "utf-16-be"
    return None


_UTF16_PERSIAN_HIGH = frozenset((0x00, 0x06, 0x20, 0xFB, 0xFE))


def _persian_high_bytes(high: bytes) -> bool:
    """Whether the high bytes of UTF-16 code units are those of Persian text (mostly
    0x06, with 0x00 for ASCII punctuation), in at least 95 % of them and with 0x06 in a
    quarter."""
    if len(high) < 8:
        return False
    known = sum(1 for b in high if b in _UTF16_PERSIAN_HIGH)
    return known >= 0.95 * len(high) and high.count(0x06) >= 0.25 * len(high)


def _declared_utf16(path: Path) -> Detected:
    """``--encoding utf-16``: the byte-order mark says which UTF-16; without one, the NUL
    pattern may, and otherwise the user must say utf-16-le or utf-16-be."""
    with path.open("rb") as fh:
        head = fh.read(4096)
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        _verify(path, "utf-16")
        return Detected("utf-16", "declared")
    order = _utf16_order(head)
    if order is None:
        raise InputFileError(
            "declared UTF-16 but the file has no byte-order mark and its byte order cannot be "
            "told from its first bytes; pass --encoding utf-16-le or --encoding utf-16-be",
            file=path.name,
        )
    _verify(path, order)
    return Detected(
        order, f"declared UTF-16 without a byte-order mark; {order[-2:]} by its NUL pattern"
    )


def _verify(path: Path, encoding: str) -> None:
    """Decode the whole file strictly; report the first bad position."""
    try:
        bad = _first_error(path, encoding)
    except UnicodeError as exc:  # e.g. the utf-16 codec without a byte-order mark
        raise InputFileError(f"not valid {encoding}: {exc}", file=path.name) from exc
    if bad is not None:
        offset, _line, error, at_end = bad
        what = "truncated at the end" if at_end else f"bad bytes at offset {offset}"
        raise InputFileError(f"not valid {encoding}: {what}", file=path.name) from error
