"""Strict parsing of the age v1 header (https://age-encryption.org/v1), before decryption.

Why: the binding reports a malformed header as a vague I/O error; parsing it
ourselves first lets roshan refuse a damaged or forged file with a clear message,
and lets tests check that files written by the HTML form's JavaScript are
well-formed age. Only the header is parsed; the payload is left to pyrage.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

from roshan.errors import IntakeError

VERSION_LINE = b"age-encryption.org/v1"
MAX_HEADER = 64 * 1024
MAX_STANZAS = 64
_ARG = re.compile(rb"^[\x21-\x7e]+$")
_B64 = re.compile(rb"^[A-Za-z0-9+/]*$")


@dataclass(frozen=True)
class Stanza:
    """One recipient stanza: type, arguments, and the decoded body."""

    type: str
    args: tuple[str, ...]
    body: bytes


@dataclass(frozen=True)
class AgeHeader:
    """A parsed age header; ``length`` is its size in bytes including the MAC line."""

    stanzas: tuple[Stanza, ...]
    mac: bytes
    length: int


def _b64_nopad(data: bytes) -> bytes:
    if not _B64.match(data) or len(data) % 4 == 1:
        raise ValueError("bad base64")
    decoded = base64.b64decode(data + b"=" * (-len(data) % 4))
    if base64.b64encode(decoded).rstrip(b"=") != data:  # canonical encoding only
        raise ValueError("non-canonical base64")
    return decoded


def parse_header(data: bytes, *, what: str = "file") -> AgeHeader:
    """Parse and validate the age header at the start of ``data``.

    Raises IntakeError("malformed age header ...") if anything deviates from the
    spec: wrong version line, stanza syntax, body line lengths, MAC encoding.
    Armored (PEM) input is refused: roshan always writes binary age.
    """
    def bad(reason: str) -> IntakeError:
        return IntakeError(f"{what}: malformed age header ({reason})")

    head = data[:MAX_HEADER]
    if head.startswith(b"-----BEGIN AGE ENCRYPTED FILE-----"):
        raise bad("armored age is not accepted here")
    lines = head.split(b"\n")
    if not lines or lines[0] != VERSION_LINE:
        raise bad("not an age v1 file")
    pos = len(lines[0]) + 1
    i = 1
    stanzas: list[Stanza] = []
    while True:
        if i >= len(lines) - 1:
            raise bad("header truncated")
        line = lines[i]
        if line.startswith(b"--- "):
            try:
                mac = _b64_nopad(line[4:])
            except ValueError:
                raise bad("MAC is not base64") from None
            if len(mac) != 32:
                raise bad("MAC has the wrong length")
            pos += len(line) + 1
            return AgeHeader(tuple(stanzas), mac, pos)
        if not line.startswith(b"-> "):
            raise bad("expected a recipient stanza")
        parts = line[3:].split(b" ")
        if not parts or not all(_ARG.match(p) for p in parts):
            raise bad("stanza arguments")
        pos += len(line) + 1
        i += 1
        body = b""
        while True:
            if i >= len(lines) - 1:
                raise bad("header truncated")
            bl = lines[i]
            if len(bl) > 64:
                raise bad("stanza body line too long")
            try:
                body += _b64_nopad(bl)
            except ValueError:
                raise bad("stanza body is not base64") from None
            pos += len(bl) + 1
            i += 1
            if len(bl) < 64:
                break
        stanzas.append(Stanza(parts[0].decode(), tuple(p.decode() for p in parts[1:]), body))
        if len(stanzas) > MAX_STANZAS:
            raise bad("too many stanzas")
