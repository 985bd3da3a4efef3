"""Size-limited chunks of a bundle, for poor links: resumable and accepted in any order.

Why: a satellite window may carry 2 MB before it drops; a courier may bring half
the pieces today and the rest next week. Each chunk says which bundle it belongs
to and where its bytes go, so chunks can arrive in any order, twice, or from
different routes; the receiver keeps verified chunks in a spool until the bundle
is whole and its own SHA-256 (the bundle id) checks out.

Chunk layout (v2, written since issue 16)::

    b"ROSHAN-CHUNK\\x00v2\\n"     magic, 16 bytes
    u32 header length
    header: UTF-8 JSON {"bundle_id", "index", "count", "offset", "length",
                        "bundle_size", "stride", "sha256"}
    payload (length bytes), nothing after

``stride`` is the payload size of every chunk but the last, so chunk ``index``
starts at ``index * stride``: a header that does not fit that layout is refused
before anything is spooled. ``sha256`` covers the header as well as the payload:
SHA-256 of ``b"roshan-chunk/2\\n"`` + the canonical JSON of the other header fields
+ ``b"\\n"`` + the payload, so an edited ``bundle_id`` or ``offset`` is caught as
tampering. A forger who recomputes that hash still cannot make a set of chunks
join into bytes whose SHA-256 is the bundle id; the spool keeps every version of a
chunk it is given (a few per position), so junk that arrived first never blocks the
genuine chunks: whichever complete set joins to the bundle id wins.

v1 chunks (magic ``...v1``, no ``stride``, ``sha256`` of the payload only) are
still read; their layout is checked the same way, the stride inferred.

``--chunk-size`` caps the chunk *file*, header included (:func:`split_bundle`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from roshan.errors import IntakeError
from roshan.files import file_sha256
from roshan.intake.framing import FrameErrors, frame, read_frame

MAGIC = b"ROSHAN-CHUNK\x00v2\n"
MAGIC_V1 = b"ROSHAN-CHUNK\x00v1\n"
BINDING_CONTEXT = b"roshan-chunk/2\n"
MAX_HEADER = 4096
MAX_CHUNKS = 100_000
MIN_CHUNK_SIZE = 1024
# Versions of one chunk position the spool keeps (the newest win a place): enough for
# junk and the genuine chunk to coexist, bounded so a flood cannot fill the disk.
MAX_VERSIONS = 4
# Combinations of versions tried when joining a bundle whose positions have several.
MAX_JOIN_TRIES = 8
_HEX64 = re.compile(r"[0-9a-f]{64}")
_FIELDS = ("bundle_id", "index", "count", "offset", "length", "bundle_size")


@dataclass(frozen=True)
class ChunkHeader:
    """Where a chunk's payload belongs in its bundle (``stride``: see the module doc)."""

    bundle_id: str
    index: int
    count: int
    offset: int
    length: int
    bundle_size: int
    sha256: str
    stride: int = 0
    version: int = 2

    def fields(self) -> dict[str, Any]:
        """The header as written in the chunk file (without ``version``)."""
        d = {k: getattr(self, k) for k in _FIELDS}
        if self.version >= 2:
            d["stride"] = self.stride
        d["sha256"] = self.sha256
        return d

    @property
    def key(self) -> tuple[int, int, int]:
        """The bundle layout this chunk claims: (count, bundle size, stride)."""
        return self.count, self.bundle_size, self.stride


def is_chunk(head: bytes) -> bool:
    """Does this file start like a chunk (any version)?"""
    return head.startswith(MAGIC) or head.startswith(MAGIC_V1)


def _binding_prefix(h: ChunkHeader) -> bytes:
    body = {k: getattr(h, k) for k in _FIELDS}
    body["stride"] = h.stride
    return (
        BINDING_CONTEXT + json.dumps(body, sort_keys=True, separators=(",", ":")).encode() + b"\n"
    )


def chunk_hasher(h: ChunkHeader) -> Any:
    """A SHA-256 ready for the payload: for v2 it already holds the header binding."""
    digest = hashlib.sha256()
    if h.version >= 2:
        digest.update(_binding_prefix(h))
    return digest


def rehash(h: ChunkHeader, payload: bytes) -> ChunkHeader:
    """``h`` with the ``sha256`` its fields and ``payload`` give (what a writer stores)."""
    digest = chunk_hasher(h)
    digest.update(payload)
    return replace(h, sha256=digest.hexdigest())


def encode_chunk(h: ChunkHeader, payload: bytes) -> bytes:
    """Serialise one chunk."""
    header = json.dumps(h.fields(), separators=(",", ":")).encode()
    return frame(MAGIC if h.version >= 2 else MAGIC_V1, header) + payload


def check_layout(h: ChunkHeader, *, what: str = "chunk") -> ChunkHeader:
    """Refuse a header that cannot be chunk ``index`` of a bundle cut into equal strides.

    Returns the header with ``stride`` filled in (inferred for v1 chunks).
    """
    bad = IntakeError(
        f"{what}: chunk position does not fit its bundle (chunk {h.index + 1} of "
        f"{h.count} at byte {h.offset}, {h.length} bytes, of a "
        f"{h.bundle_size}-byte bundle)"
    )
    stride = h.stride
    if h.version < 2:
        if h.count == 1:
            stride = h.length
        elif h.index < h.count - 1:
            stride = h.length
        elif h.index > 0 and h.offset % h.index == 0:
            stride = h.offset // h.index
        else:
            raise bad
    if stride <= 0 or h.bundle_size <= 0 or h.length <= 0:
        raise bad
    if h.count != -(-h.bundle_size // stride) or h.offset != h.index * stride:
        raise bad
    if h.length != min(stride, h.bundle_size - h.offset):
        raise bad
    return replace(h, stride=stride)


def parse_chunk_header(data: bytes, *, what: str = "chunk") -> tuple[ChunkHeader, int]:
    """Parse and sanity-check a chunk's header from its first bytes: (header, payload offset)."""
    version = 1 if data.startswith(MAGIC_V1) else 2
    raw, payload_at = read_frame(
        data,
        MAGIC_V1 if version == 1 else MAGIC,
        MAX_HEADER,
        FrameErrors(
            f"{what}: not a roshan chunk",
            f"{what}: truncated chunk",
            f"{what}: chunk header too large",
        ),
    )
    names = (*_FIELDS, "sha256") + (("stride",) if version >= 2 else ())
    try:
        d = json.loads(raw.decode("utf-8"))
        h = ChunkHeader(**{k: d[k] for k in names}, version=version)
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, RecursionError):
        raise IntakeError(f"{what}: malformed chunk header") from None
    ints = (h.index, h.count, h.offset, h.length, h.bundle_size, h.stride)
    if not all(type(v) is int and v >= 0 for v in ints):
        raise IntakeError(f"{what}: malformed chunk header")
    if not (
        isinstance(h.bundle_id, str)
        and _HEX64.fullmatch(h.bundle_id)
        and isinstance(h.sha256, str)
        and _HEX64.fullmatch(h.sha256)
    ):
        raise IntakeError(f"{what}: malformed chunk header")
    if not (
        0 < h.count <= MAX_CHUNKS and h.index < h.count and h.offset + h.length <= h.bundle_size
    ):
        raise IntakeError(f"{what}: chunk position out of range")
    return check_layout(h, what=what), payload_at


def _tampered(what: str, h: ChunkHeader) -> IntakeError:
    part = "header or payload" if h.version >= 2 else "payload"
    return IntakeError(f"{what}: chunk {part} does not match its hash (tampered)")


def parse_chunk(data: bytes, *, what: str = "chunk") -> tuple[ChunkHeader, bytes]:
    """Parse and verify one chunk held in memory (layout, and the hash over header and payload)."""
    h, off = parse_chunk_header(data, what=what)
    payload = data[off:]
    if len(payload) < h.length:
        raise IntakeError(f"{what}: truncated chunk ({len(payload)} of {h.length} payload bytes)")
    if len(payload) > h.length:
        raise IntakeError(f"{what}: unexpected bytes after the chunk payload")
    digest = chunk_hasher(h)
    digest.update(payload)
    if digest.hexdigest() != h.sha256:
        raise _tampered(what, h)
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
                raise IntakeError(
                    f"{what}: truncated chunk ({size - off} of {h.length} payload bytes)"
                    if size - off < h.length
                    else f"{what}: unexpected bytes after the chunk payload"
                )
            fh.seek(off)
            digest = chunk_hasher(h)
            while buf := fh.read(1 << 20):
                digest.update(buf)
    except OSError as exc:
        raise IntakeError(f"{what}: cannot read ({exc.strerror})") from exc
    if digest.hexdigest() != h.sha256:
        raise _tampered(what, h)
    return h, off


def header_overhead(bundle_size: int) -> int:
    """Bytes a chunk file of a ``bundle_size``-byte bundle spends beyond its payload, at most."""
    n = bundle_size
    widest = ChunkHeader("0" * 64, n, n, n, n, n, "0" * 64, stride=n)
    return len(encode_chunk(widest, b""))


def split_bundle(bundle_path: Path, out_dir: Path, chunk_size: int) -> list[Path]:
    """Split a bundle file into chunk files of at most ``chunk_size`` bytes, headers included."""
    if chunk_size < MIN_CHUNK_SIZE:
        raise IntakeError(f"chunk size must be at least {MIN_CHUNK_SIZE} bytes")
    bundle_path = Path(bundle_path)
    size = bundle_path.stat().st_size
    bundle_id, _ = file_sha256(bundle_path)
    stride = chunk_size - header_overhead(size)
    count = max(1, -(-size // stride))
    if count > MAX_CHUNKS:
        raise IntakeError("chunk size too small: more than 100000 chunks")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    with open(bundle_path, "rb") as fh:
        for i in range(count):
            payload = fh.read(stride)
            hdr = rehash(
                ChunkHeader(bundle_id, i, count, i * stride, len(payload), size, "", stride=stride),
                payload,
            )
            data = encode_chunk(hdr, payload)
            assert len(data) <= chunk_size
            p = out_dir / f"{bundle_id[:16]}.{i + 1:05d}-of-{count:05d}.rchunk"
            p.write_bytes(data)
            paths.append(p)
    return paths


@dataclass(frozen=True)
class SpoolStatus:
    """How far a bundle's reassembly has come (for its most advanced layout)."""

    bundle_id: str
    count: int
    have: tuple[int, ...]
    versions: int = 0  # chunks kept beyond one per position (other versions or layouts)

    @property
    def missing(self) -> tuple[int, ...]:
        """Zero-based indexes of chunks still to come."""
        got = set(self.have)
        return tuple(i for i in range(self.count) if i not in got)

    @property
    def complete(self) -> bool:
        """True when every chunk has arrived."""
        return len(self.have) == self.count


@dataclass(frozen=True)
class _Held:
    """One spooled chunk: its header, its payload file, when it arrived."""

    header: ChunkHeader
    part: Path
    meta: Path
    arrived: int


class Spool:
    """A directory of verified chunks awaiting their siblings (survives restarts).

    ``<root>/<bundle_id>/<index>.<sha256>.part`` holds a verified payload and
    ``<index>.<sha256>.json`` its header (written last: a chunk counts once its
    header is there). Several versions of one position may be kept (see the module
    doc). Spools written before issue 16 (``<index>.part`` and ``meta.json``) are read.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    # -- reading -----------------------------------------------------------------
    def held(self, bundle_id: str) -> list[_Held]:
        """Every chunk kept for ``bundle_id``, oldest first."""
        d = self.root / bundle_id
        out: list[_Held] = []
        if not d.is_dir():
            return out
        for meta in d.glob("*.json"):
            if meta.name == "meta.json" or meta.name.startswith("."):
                continue
            part = meta.with_suffix(".part")
            try:
                doc = json.loads(meta.read_text())
                version = int(doc.get("version", 1 if "stride" not in doc else 2))
                h = ChunkHeader(
                    **{k: doc[k] for k in (*_FIELDS, "sha256")},
                    stride=int(doc.get("stride", 0)),
                    version=version,
                )
                h = check_layout(h)
                arrived = int(doc.get("arrived") or meta.stat().st_mtime_ns)
            except (OSError, ValueError, KeyError, TypeError, IntakeError):
                continue  # a damaged spool file is ignored; its chunk can be delivered again
            if h.bundle_id != bundle_id or not part.exists():
                continue
            out.append(_Held(h, part, meta, arrived))
        out.sort(key=lambda c: (c.arrived, c.meta.name))
        return out

    def status(self, bundle_id: str) -> SpoolStatus:
        """Which chunks of ``bundle_id`` are here (the layout with most positions wins)."""
        held = self.held(bundle_id)
        if not held:
            return SpoolStatus(bundle_id, 0, ())

        def rank(cs: list[_Held]) -> tuple[bool, int, int]:
            positions = len({c.header.index for c in cs})
            return positions == cs[0].header.count, positions, cs[-1].arrived

        best = max(_layouts(held).values(), key=rank)
        have = tuple(sorted({c.header.index for c in best}))
        return SpoolStatus(bundle_id, best[0].header.count, have, len(held) - len(have))

    def pending(self) -> list[SpoolStatus]:
        """Every bundle still waiting in the spool."""
        if not self.root.is_dir():
            return []
        out = []
        for d in sorted(self.root.iterdir()):
            if d.is_dir() and _HEX64.fullmatch(d.name):
                st = self.status(d.name)
                if st.count:
                    out.append(st)
        return out

    # -- writing -----------------------------------------------------------------
    def add(
        self, h: ChunkHeader, payload: bytes | tuple[Path, int], *, what: str = "chunk"
    ) -> SpoolStatus:
        """Keep a verified chunk; a duplicate is ignored.

        A chunk that differs from one already kept for the same position is kept
        *beside* it (the join decides which is genuine); beyond ``MAX_VERSIONS`` per
        position the oldest other version is dropped. ``payload`` is the bytes, or
        ``(file, offset)`` of an already verified chunk file to copy from in pieces.
        """
        h = check_layout(h, what=what)
        d = self.root / h.bundle_id
        d.mkdir(parents=True, exist_ok=True, mode=0o700)
        stem = f"{h.index}.{h.sha256}"
        part, meta = d / f"{stem}.part", d / f"{stem}.json"
        if not (part.exists() and meta.exists()):
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
            doc = {
                **h.fields(),
                "stride": h.stride,
                "version": h.version,
                "arrived": time.time_ns(),
            }
            _atomic_write(meta, json.dumps(doc).encode())
            same_place = [c for c in self.held(h.bundle_id) if c.header.index == h.index]
            for old in same_place[: max(0, len(same_place) - MAX_VERSIONS)]:
                if old.meta != meta:
                    _drop(old)
        return self.status(h.bundle_id)

    def assemble(self, bundle_id: str, dest: Path, prefer: Iterable[str] = ()) -> Path:
        """Join a complete set of ``bundle_id``'s chunks into ``dest``; check the bundle id.

        Tries the chunks whose ``sha256`` is in ``prefer`` first (those of the current
        import), then the newest, then the oldest version of each position (the caller
        discards the spool folder once the bundle is imported). A set with one version
        per position that
        does not join to the bundle id is forged or mixed: it is dropped so an honest
        delivery is not blocked, and IntakeError says so.
        """
        held = self.held(bundle_id)
        st = self.status(bundle_id)
        complete = [
            cs
            for cs in _layouts(held).values()
            if len({c.header.index for c in cs}) == cs[0].header.count
        ]
        if not complete:
            missing = ", ".join(str(i + 1) for i in st.missing)
            raise IntakeError(
                f"bundle {bundle_id}: missing chunks {missing} of {st.count}"
                if st.count
                else f"bundle {bundle_id}: no chunks spooled"
            )
        preferred = set(prefer)
        tmp = Path(dest).with_name(f".assemble-{secrets.token_hex(6)}")
        ambiguous = False
        try:
            for cs in sorted(complete, key=lambda cs: -max(c.arrived for c in cs)):
                by_index: dict[int, list[_Held]] = {}
                for c in cs:
                    by_index.setdefault(c.header.index, []).append(c)
                ambiguous |= any(len(v) > 1 for v in by_index.values())
                for combo in _combinations(by_index, preferred):
                    if _join(combo, bundle_id, cs[0].header.bundle_size, tmp):
                        os.replace(tmp, dest)
                        return Path(dest)
            if not ambiguous:
                for cs in complete:
                    for c in cs:
                        _drop(c)
                raise IntakeError(
                    f"bundle {bundle_id}: reassembled bytes do not match the "
                    "bundle id (tampered or mixed chunks); its spooled chunks were "
                    "discarded — deliver them again"
                )
            raise IntakeError(
                f"bundle {bundle_id}: no set of the chunks received joins into "
                "the bundle (some are forged or from another bundle); deliver "
                "the complete set of chunks again"
            )
        finally:
            tmp.unlink(missing_ok=True)

    def discard(self, bundle_id: str) -> None:
        """Remove a bundle's spooled chunks (after a successful import, or on request)."""
        d = self.root / bundle_id
        if d.is_dir():
            for p in d.iterdir():
                p.unlink()
            d.rmdir()


def _layouts(held: list[_Held]) -> dict[tuple[int, int, int], list[_Held]]:
    groups: dict[tuple[int, int, int], list[_Held]] = {}
    for c in held:
        groups.setdefault(c.header.key, []).append(c)
    return groups


def _combinations(by_index: dict[int, list[_Held]], preferred: set[str]) -> Iterator[list[_Held]]:
    """A few orderings of the versions of each position, most plausible first."""
    seen: set[tuple[str, ...]] = set()
    orders = [
        lambda v: (
            [c for c in reversed(v) if c.header.sha256 in preferred]
            + [c for c in reversed(v) if c.header.sha256 not in preferred]
        ),
        lambda v: list(reversed(v)),  # newest first
        lambda v: list(v),  # oldest first
    ]
    tried = 0
    for order in orders:
        combo = [order(by_index[i])[0] for i in sorted(by_index)]
        key = tuple(c.header.sha256 for c in combo)
        if key in seen:
            continue
        seen.add(key)
        tried += 1
        yield combo
    # Then swap one position at a time away from the newest set.
    newest = {i: list(reversed(v)) for i, v in by_index.items()}
    for i, versions in sorted(newest.items()):
        for alt in versions[1:]:
            if tried >= MAX_JOIN_TRIES:
                return
            combo = [alt if j == i else newest[j][0] for j in sorted(newest)]
            key = tuple(c.header.sha256 for c in combo)
            if key not in seen:
                seen.add(key)
                tried += 1
                yield combo


def _join(combo: list[_Held], bundle_id: str, size: int, tmp: Path) -> bool:
    h = hashlib.sha256()
    pos = 0
    with open(tmp, "wb") as out:
        for c in combo:
            if c.header.offset != pos:
                return False
            with open(c.part, "rb") as fh:
                while data := fh.read(1 << 20):
                    h.update(data)
                    out.write(data)
                    pos += len(data)
    return pos == size and h.hexdigest() == bundle_id


def _drop(c: _Held) -> None:
    c.meta.unlink(missing_ok=True)
    c.part.unlink(missing_ok=True)
    try:
        c.part.parent.rmdir()  # only when it was the last
    except OSError:
        pass


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def join_files(chunks: list[tuple[Path, ChunkHeader, int]]) -> str | None:
    """For chunk files already verified one by one and covering every position of one
    layout: the SHA-256 of the bundle they join into (None if they do not tile it).
    Used by ``intake check`` to say whether a full set would import."""
    pos = 0
    h = hashlib.sha256()
    for path, hdr, off in sorted(chunks, key=lambda t: t[1].index):
        if hdr.offset != pos:
            return None
        with open(path, "rb") as fh:
            fh.seek(off)
            while buf := fh.read(1 << 20):
                h.update(buf)
                pos += len(buf)
    return h.hexdigest()


__all__ = [
    "MAGIC",
    "MAGIC_V1",
    "ChunkHeader",
    "Spool",
    "SpoolStatus",
    "check_layout",
    "encode_chunk",
    "header_overhead",
    "is_chunk",
    "join_files",
    "parse_chunk",
    "parse_chunk_header",
    "rehash",
    "split_bundle",
    "verify_chunk_file",
]
