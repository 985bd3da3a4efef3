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


# --- A small, spec-following age *writer* for the passphrase (scrypt) recipient. ---
# Why: the binding calibrates scrypt's work factor to the machine's momentary speed
# (on a loaded laptop it picked 2^20, i.e. 1 GiB of memory and ~10 s per unlock).
# Writing the stanza ourselves fixes the cost; the output is ordinary age, readable
# by ``age -d`` and by pyrage.

SCRYPT_LOG_N = 17  # 128 MiB, ~0.3-1 s: the work factor roshan uses for key files
_CHUNK = 64 * 1024


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode().rstrip("=")


def _wrap_body(body: bytes) -> str:
    text = _b64(body)
    lines = [text[i : i + 64] for i in range(0, len(text), 64)]
    if not lines or len(lines[-1]) == 64:
        lines.append("")
    return "\n".join(lines)


def _payload(file_key: bytes, plaintext: bytes) -> bytes:
    import os

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    nonce = os.urandom(16)
    key = HKDF(hashes.SHA256(), 32, salt=nonce, info=b"payload").derive(file_key)
    aead = ChaCha20Poly1305(key)
    out = bytearray(nonce)
    n = max(1, -(-len(plaintext) // _CHUNK))
    for i in range(n):
        chunk = plaintext[i * _CHUNK : (i + 1) * _CHUNK]
        last = b"\x01" if i == n - 1 else b"\x00"
        out += aead.encrypt(i.to_bytes(11, "big") + last, chunk, None)
    return bytes(out)


def _finish(file_key: bytes, stanza_lines: str, plaintext: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes, hmac
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    header = f"{VERSION_LINE.decode()}\n{stanza_lines}\n---".encode()
    mac_key = HKDF(hashes.SHA256(), 32, salt=b"", info=b"header").derive(file_key)
    h = hmac.HMAC(mac_key, hashes.SHA256())
    h.update(header)
    return header + b" " + _b64(h.finalize()).encode() + b"\n" + _payload(file_key, plaintext)


def encrypt_passphrase(plaintext: bytes, passphrase: str, *, log_n: int = SCRYPT_LOG_N) -> bytes:
    """age-encrypt ``plaintext`` to a passphrase with a fixed scrypt work factor (2^log_n)."""
    import os

    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    file_key = os.urandom(16)
    salt = os.urandom(16)
    wrap = Scrypt(
        salt=b"age-encryption.org/v1/scrypt" + salt, length=32, n=2**log_n, r=8, p=1
    ).derive(passphrase.encode("utf-8"))
    body = ChaCha20Poly1305(wrap).encrypt(b"\x00" * 12, file_key, None)
    return _finish(file_key, f"-> scrypt {_b64(salt)} {log_n}\n{_wrap_body(body)}", plaintext)


def encrypt_x25519(plaintext: bytes, recipient_public: bytes) -> bytes:
    """age-encrypt to one raw X25519 public key (reference writer, used to test the JS form)."""
    import os

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    file_key = os.urandom(16)
    eph = X25519PrivateKey.generate()
    share = eph.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    secret = eph.exchange(X25519PublicKey.from_public_bytes(recipient_public))
    wrap = HKDF(
        hashes.SHA256(), 32, salt=share + recipient_public, info=b"age-encryption.org/v1/X25519"
    ).derive(secret)
    body = ChaCha20Poly1305(wrap).encrypt(b"\x00" * 12, file_key, None)
    return _finish(file_key, f"-> X25519 {_b64(share)}\n{_wrap_body(body)}", plaintext)


_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _bech32_polymod(values: list[int]) -> int:
    gen = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (top >> i) & 1 else 0
    return chk


def decode_recipient(text: str) -> bytes:
    """The raw 32-byte X25519 public key inside an ``age1...`` bech32 recipient."""
    s = text.strip().lower()
    hrp, _, data = s.rpartition("1")
    if hrp != "age" or len(data) < 6 or any(c not in _BECH32 for c in data):
        raise IntakeError("not an age X25519 recipient")
    values = [_BECH32.index(c) for c in data]
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    if _bech32_polymod(expanded + values) != 1:
        raise IntakeError("age recipient checksum is wrong")
    acc, bits, out = 0, 0, bytearray()
    for v in values[:-6]:
        acc = (acc << 5) | v
        bits += 5
        while bits >= 8:
            bits -= 8
            out.append((acc >> bits) & 0xFF)
    if len(out) != 32:
        raise IntakeError("age recipient has the wrong length")
    return bytes(out)
