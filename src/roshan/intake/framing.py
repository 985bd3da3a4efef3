"""The frame both intake file formats open with: magic, u32 header length, header.

What: :func:`frame` writes ``magic + u32 big-endian length + header``;
:func:`frame_length` reads and bounds the length from the first
``len(magic) + 4`` bytes; :func:`read_frame` returns the header bytes and where
the rest begins. Problems raise :class:`~roshan.errors.IntakeError` with the
messages the caller gives (:class:`FrameErrors`), so each format keeps its own
wording.

Why: bundles (:mod:`roshan.intake.bundle`, manifest) and chunks
(:mod:`roshan.intake.chunks`, chunk header) share this layout; one reader
applies the same checks (magic, truncation, size bound before reading) to
both, since both are parsed from untrusted files.
"""

from __future__ import annotations

import struct
from typing import NamedTuple

from roshan.errors import IntakeError

__all__ = ["FrameErrors", "frame", "frame_length", "read_frame"]

_LEN = struct.Struct(">I")


class FrameErrors(NamedTuple):
    """The messages of the three ways a frame can be refused."""

    bad_magic: str
    truncated: str
    too_large: str


def frame(magic: bytes, header: bytes) -> bytes:
    """``magic``, the length of ``header`` as u32 big-endian, then ``header``."""
    return magic + _LEN.pack(len(header)) + header


def frame_length(data: bytes, magic: bytes, limit: int, errors: FrameErrors) -> int:
    """The header length stated after ``magic`` at the start of ``data`` (at most ``limit``)."""
    if not data.startswith(magic):
        raise IntakeError(errors.bad_magic)
    if len(data) < len(magic) + _LEN.size:
        raise IntakeError(errors.truncated)
    (n,) = _LEN.unpack_from(data, len(magic))
    if n > limit:
        raise IntakeError(errors.too_large)
    return int(n)


def read_frame(data: bytes, magic: bytes, limit: int, errors: FrameErrors) -> tuple[bytes, int]:
    """The header framed at the start of ``data`` and the offset of the bytes after it."""
    n = frame_length(data, magic, limit, errors)
    start = len(magic) + _LEN.size
    raw = data[start : start + n]
    if len(raw) != n:
        raise IntakeError(errors.truncated)
    return raw, start + n
