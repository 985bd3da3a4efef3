"""Size-limited chunks of a bundle, for poor links: resumable and accepted in any order.

Why: a satellite window may carry 2 MB before it drops; a courier may bring half
the pieces today and the rest next week. Each chunk says which bundle it belongs
to, where its bytes go and their SHA-256, so chunks can arrive in any order,
twice, or from different routes; the receiver keeps verified chunks in a spool
until the bundle is whole and its own SHA-256 (the bundle id) checks out.

Chunk layout::

    b"ROSHAN-CHUNK\\x00v1\\n"     magic, 16 bytes
    u32 header length
    header: UTF-8 JSON {"bundle_id", "index", "count", "offset", "length",
                        "bundle_size", "sha256"}
    payload (length bytes), nothing after
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from roshan.errors import IntakeError
from roshan.intake.framing import FrameErrors, frame, read_frame

MAGIC = b"ROSHAN-CHUNK\x00v1\n"
MAX_HEADER = 4096
MAX_CHUNKS = 100_000
MIN_CHUNK_SIZE = 1024
_HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class ChunkHeader:
    """Where a chunk's payload belongs in its bundle."""

    bundle_id: str
    index: int
    count: int
    offset: int
    length: int
    bundle_size: int
    sha256: str


def is_chunk(head: bytes) -> bool:
    """Does this file start like a chunk?"""
    return head.startswith(MAGIC)


def encode_chunk(h: ChunkHeader, payload: bytes) -> bytes:
    """Serialise one chunk."""
    header = json.dumps(h.__dict__, separators=(",", ":")).encode()
    return frame(MAGIC, header) + payload


def parse_chunk_header(data: bytes, *, what: str = "chunk") -> tuple[ChunkHeader, int]:
    """Parse and sanity-check a chunk's header from its first bytes: (header, payload offset)."""
    raw, payload_at = read_frame(data, MAGIC, MAX_HEADER, FrameErrors(
        f"{what}: not a roshan chunk", f"{what}: truncated chunk",
        f"{what}: chunk header too large"))
    try:
        d = json.loads(raw.decode("utf-8"))
        h = ChunkHeader(**{k: d[k] for k in ChunkHeader.__dataclass_fields__})
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError):
        raise IntakeError(f"{what}: malformed chunk header") from None
    ints = (h.index, h.count, h.offset, h.length, h.bundle_size)
    if not all(type(v) is int and v >= 0 for v in ints):
        raise IntakeError(f"{what}: malformed chunk header")
    if not (isinstance(h.bundle_id, str) and _HEX64.fullmatch(h.bundle_id)
            and isinstance(h.sha256, str) and _HEX64.fullmatch(h.sha256)):
        raise IntakeError(f"{what}: malformed chunk header")
    if not (0 < h.count <= MAX_CHUNKS and h.index < h.count
            and h.offset + h.length <= h.bundle_size):
        raise IntakeError(f"{what}: chunk position out of range")
    return h, payload_at


def parse_chunk(data: bytes, *, what: str = "chunk") -> tuple[ChunkHeader, bytes]:
    """Parse and verify one chunk held in memory (header sanity and payload SHA-256)."""
    h, off = parse_chunk_header(data, what=what)
    payload = data[off:]
    if len(payload) < h.length:
        raise IntakeError(f"{what}: truncated chunk ({len(payload)} of {h.length} payload bytes)")
    if len(payload) > h.length:
        raise IntakeError(f"{what}: unexpected bytes after the chunk payload")
    if hashlib.sha256(payload).hexdigest() != h.sha256:
        raise IntakeError(f"{what}: chunk payload does not match its hash (tampered)")
    return h, payload


def verify_chunk_file(path: Path, *, what: str | None = None) -> tuple[ChunkHeader, int]:
    """Verify a chunk file streaming (bounded memory): (header, payload offset in the file)."""
    path = Path(path)
    what = what or path.name
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            h, off = parse_chunk_header(fh.read(len(MAGIC) + 4 + MAX_HEADER), what=what)
            if size - off != h.length:
                raise IntakeError(f"{what}: truncated chunk ({size - off} of {h.length} payload "
                                  "bytes)" if size - off < h.length else
                                  f"{what}: unexpected bytes after the chunk payload")
            fh.seek(off)
            digest = hashlib.sha256()
            while buf := fh.read(1 << 20):
                digest.update(buf)
    except OSError as exc:
        raise IntakeError(f"{what}: cannot read ({exc.strerror})") from exc
    if digest.hexdigest() != h.sha256:
        raise IntakeError(f"{what}: chunk payload does not match its hash (tampered)")
    return h, off


def split_bundle(bundle_path: Path, out_dir: Path, chunk_size: int) -> list[Path]:
    """Split a bundle file into chunks of at most ``chunk_size`` payload bytes."""
    if chunk_size < MIN_CHUNK_SIZE:
        raise IntakeError(f"chunk size must be at least {MIN_CHUNK_SIZE} bytes")
    bundle_path = Path(bundle_path)
    size = bundle_path.stat().st_size
    h = hashlib.sha256()
    with open(bundle_path, "rb") as fh:
        for buf in iter(lambda: fh.read(1 << 20), b""):
            h.update(buf)
    bundle_id = h.hexdigest()
    count = max(1, -(-size // chunk_size))
    if count > MAX_CHUNKS:
        raise IntakeError("chunk size too small: more than 100000 chunks")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    with open(bundle_path, "rb") as fh:
        for i in range(count):
            payload = fh.read(chunk_size)
            hdr = ChunkHeader(bundle_id, i, count, i * chunk_size, len(payload), size,
                              hashlib.sha256(payload).hexdigest())
            p = out_dir / f"{bundle_id[:16]}.{i + 1:05d}-of-{count:05d}.rchunk"
            p.write_bytes(encode_chunk(hdr, payload))
            paths.append(p)
    return paths


@dataclass(frozen=True)
class SpoolStatus:
    """How far a bundle's reassembly has come."""

    bundle_id: str
    count: int
    have: tuple[int, ...]

    @property
    def missing(self) -> tuple[int, ...]:
        """Zero-based indexes of chunks still to come."""
        got = set(self.have)
        return tuple(i for i in range(self.count) if i not in got)

    @property
    def complete(self) -> bool:
        """True when every chunk has arrived."""
        return len(self.have) == self.count


class Spool:
    """A directory of verified chunks awaiting their siblings (survives restarts).

    ``<root>/<bundle_id>/meta.json`` fixes count and size from the first chunk;
    ``<root>/<bundle_id>/<index>.part`` holds each verified payload.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def add(self, h: ChunkHeader, payload: bytes | tuple[Path, int], *,
            what: str = "chunk") -> SpoolStatus:
        """Store a verified chunk; a duplicate is ignored, a conflicting one refused.

        ``payload`` is the bytes, or ``(file, offset)`` of an already verified chunk
        file to copy from in pieces (bounded memory).
        """
        d = self.root / h.bundle_id
        d.mkdir(parents=True, exist_ok=True, mode=0o700)
        meta = d / "meta.json"
        if meta.exists():
            m = json.loads(meta.read_text())
            if m["count"] != h.count or m["bundle_size"] != h.bundle_size:
                raise IntakeError(f"{what}: disagrees with earlier chunks of the same bundle")
        else:
            _atomic_write(meta, json.dumps({"count": h.count,
                                            "bundle_size": h.bundle_size}).encode())
        part = d / f"{h.index}.part"
        hdr_file = d / f"{h.index}.json"
        if part.exists() and hdr_file.exists():
            if json.loads(hdr_file.read_text()).get("sha256") != h.sha256:
                raise IntakeError(f"{what}: conflicts with a different chunk {h.index + 1} "
                                  "already received for this bundle")
        else:
            if isinstance(payload, tuple):
                src, off = payload
                tmp = part.with_name(f".{part.name}.{secrets.token_hex(4)}")
                with open(src, "rb") as inp, open(tmp, "wb") as out:
                    inp.seek(off)
                    while buf := inp.read(1 << 20):
                        out.write(buf)
                os.replace(tmp, part)
            else:
                _atomic_write(part, payload)
            _atomic_write(hdr_file, json.dumps(h.__dict__).encode())
        return self.status(h.bundle_id)

    def status(self, bundle_id: str) -> SpoolStatus:
        """Which chunks of ``bundle_id`` are here."""
        d = self.root / bundle_id
        m = json.loads((d / "meta.json").read_text())
        have = sorted(int(p.stem) for p in d.glob("*.part"))
        return SpoolStatus(bundle_id, m["count"], tuple(have))

    def pending(self) -> list[SpoolStatus]:
        """Every bundle still waiting for chunks."""
        if not self.root.is_dir():
            return []
        return [self.status(d.name) for d in sorted(self.root.iterdir())
                if (d / "meta.json").exists()]

    def assemble(self, bundle_id: str, dest: Path) -> Path:
        """Join a complete bundle's chunks into ``dest`` and check the bundle id."""
        st = self.status(bundle_id)
        if not st.complete:
            raise IntakeError(f"bundle {bundle_id[:16]}… is missing chunks "
                              f"{', '.join(str(i + 1) for i in st.missing)} of {st.count}")
        d = self.root / bundle_id
        m = json.loads((d / "meta.json").read_text())
        tmp = Path(dest).with_name(f".assemble-{secrets.token_hex(6)}")
        h = hashlib.sha256()
        pos = 0
        try:
            with open(tmp, "wb") as out:
                for i in range(st.count):
                    hdr = json.loads((d / f"{i}.json").read_text())
                    if hdr["offset"] != pos:
                        raise IntakeError(f"bundle {bundle_id[:16]}…: chunks do not tile the "
                                          "bundle (gap or overlap)")
                    with open(d / f"{i}.part", "rb") as part_fh:
                        while data := part_fh.read(1 << 20):
                            h.update(data)
                            out.write(data)
                            pos += len(data)
            if pos != m["bundle_size"] or h.hexdigest() != bundle_id:
                # One of the (individually valid) chunks is forged; we cannot tell which,
                # so drop them all rather than block the bundle forever.
                self.discard(bundle_id)
                raise IntakeError(f"bundle {bundle_id[:16]}…: reassembled bytes do not match the "
                                  "bundle id (tampered or mixed chunks); its spooled chunks were "
                                  "discarded — deliver them again")
            os.replace(tmp, dest)
        finally:
            if tmp.exists():
                tmp.unlink()
        return Path(dest)

    def discard(self, bundle_id: str) -> None:
        """Remove a bundle's spooled chunks (after a successful import)."""
        d = self.root / bundle_id
        if d.is_dir():
            for p in d.iterdir():
                p.unlink()
            d.rmdir()


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    tmp.write_bytes(data)
    os.replace(tmp, path)
