"""Content-addressed bundles: many encrypted blobs in one file a courier can carry.

Why: during a blackout reports leave by USB stick, satellite link or hand; a
bundle gathers an outbox's ciphertext blobs into one file whose name is its own
SHA-256, so the receiver can tell at once whether it is whole, whether it was
already imported, and whether two couriers carried the same thing.

Layout (all integers big-endian)::

    b"ROSHAN-BUNDLE\\x00v1\\n"           magic, 17 bytes
    u32 manifest length
    manifest: UTF-8 JSON {"format": "roshan-bundle/1", "created_at": ...,
                          "entries": [{"name": "reports/<sha256>.age", "size": n}, ...]}
    the entries' bytes, concatenated in manifest order, nothing after

A bundle may be signed by a field reporter's Ed25519 key (``roshan keys
reporter-init``): the manifest then also holds ``"signer": {"key": <base64 public
key>, "sig": <base64 signature>}`` over ``SIGNATURE_CONTEXT`` + the canonical JSON of
``{"format", "created_at", "entries"}`` — entry names carry the content hashes, so
the signature covers every byte. Parsing checks the signature; whether the key is
*trusted* is the importer's decision.

Entry names are strictly ``(reports|witness|attachments)/<64 hex>.age`` where the
hex is the SHA-256 of the entry's bytes; anything else (``..``, absolute paths,
backslashes, unknown folders) is refused, so names can never steer a write. The
bundle id is the SHA-256 of the whole file. Parsing never trusts a size before
checking it against the file, and never reads an entry whole into memory.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from roshan.errors import IntakeError
from roshan.intake.framing import FrameErrors, frame, frame_length, read_frame
from roshan.intake.keys import verify_signature
from roshan.intake.report import KINDS, canonical_json

MAGIC = b"ROSHAN-BUNDLE\x00v1\n"
FORMAT = "roshan-bundle/1"
MAX_MANIFEST = 32 * 1024 * 1024
MAX_ENTRIES = 200_000
MAX_ENTRY_SIZE = 2 * 1024 * 1024 * 1024
ENTRY_NAME = re.compile(r"(reports|witness|attachments)/([0-9a-f]{64})\.age")
READ_CHUNK = 1 << 20
SIGNATURE_CONTEXT = b"roshan-bundle-signature/1\n"


@dataclass(frozen=True)
class BundleEntry:
    """One blob inside a bundle: its name, kind, content hash, size and byte offset."""

    name: str
    kind: str
    sha256: str
    size: int
    offset: int


@dataclass(frozen=True)
class Bundle:
    """A parsed (and, from ``open_bundle``, fully verified) bundle file."""

    path: Path | None
    bundle_id: str
    created_at: str
    entries: tuple[BundleEntry, ...]
    size: int
    signer: bytes | None = None

    def by_name(self) -> dict[str, BundleEntry]:
        """Entries keyed by name."""
        return {e.name: e for e in self.entries}


@dataclass(frozen=True)
class Manifest:
    """A parsed bundle header: creation time, (name, size) items, header length, signer."""

    created_at: str
    items: list[tuple[str, int]]
    header_len: int
    signer: bytes | None


def signed_message(created_at: str, items: Sequence[tuple[str, int]]) -> bytes:
    """The bytes a bundle signature covers."""
    return SIGNATURE_CONTEXT + canonical_json(
        {
            "format": FORMAT,
            "created_at": created_at,
            "entries": [{"name": n, "size": s} for n, s in items],
        }
    )


def _frame_errors(what: str) -> FrameErrors:
    return FrameErrors(
        f"{what}: not a roshan bundle (bad magic)",
        f"{what}: truncated bundle header",
        f"{what}: manifest too large",
    )


def parse_manifest(data: bytes, *, what: str = "bundle") -> Manifest:
    """Parse the bundle prefix in ``data`` (which must hold the whole header).

    Checks the format, every entry name and size, and — if the bundle is signed —
    the signature. Every problem is an IntakeError.
    """
    raw, header_len = read_frame(data, MAGIC, MAX_MANIFEST, _frame_errors(what))
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise IntakeError(f"{what}: manifest is not valid JSON") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise IntakeError(f"{what}: manifest is not {FORMAT}")
    entries = doc.get("entries")
    created = doc.get("created_at", "")
    if not isinstance(entries, list) or not isinstance(created, str):
        raise IntakeError(f"{what}: manifest entries missing")
    if len(entries) > MAX_ENTRIES:
        raise IntakeError(f"{what}: too many entries")
    out: list[tuple[str, int]] = []
    seen: set[str] = set()
    for e in entries:
        if not isinstance(e, dict):
            raise IntakeError(f"{what}: bad manifest entry")
        name, size = e.get("name"), e.get("size")
        if not isinstance(name, str) or not ENTRY_NAME.fullmatch(name):
            # the name is attacker-controlled: show only harmless characters
            shown = (
                re.sub(r"[^A-Za-z0-9._/\\-]", "?", name[:120])
                if isinstance(name, str)
                else "<invalid>"
            )
            raise IntakeError(
                f"{what}: refused entry name {shown!r} (only "
                "reports|witness|attachments/<sha256>.age are allowed)"
            )
        if type(size) is not int or not 0 <= size <= MAX_ENTRY_SIZE:
            raise IntakeError(f"{what}: bad size for entry {name}")
        if name in seen:
            raise IntakeError(f"{what}: duplicate entry {name}")
        seen.add(name)
        out.append((name, size))
    signer = None
    if "signer" in doc:
        sg = doc["signer"]
        try:
            key = base64.b64decode(sg["key"], validate=True)
            sig = base64.b64decode(sg["sig"], validate=True)
        except (TypeError, KeyError, ValueError):
            raise IntakeError(f"{what}: malformed bundle signature") from None
        if len(key) != 32 or len(sig) != 64:
            raise IntakeError(f"{what}: malformed bundle signature")
        if not verify_signature(key, signed_message(created, out), sig):
            raise IntakeError(f"{what}: bad bundle signature (manifest altered or forged)")
        signer = key
    return Manifest(created, out, header_len, signer)


def _entries_with_offsets(
    items: Sequence[tuple[str, int]], header_len: int
) -> tuple[BundleEntry, ...]:
    entries = []
    off = header_len
    for name, size in items:
        m = ENTRY_NAME.fullmatch(name)
        assert m is not None
        entries.append(BundleEntry(name, m.group(1), m.group(2), size, off))
        off += size
    return tuple(entries)


def parse_bundle_bytes(data: bytes, *, what: str = "bundle") -> Bundle:
    """Parse and fully verify a bundle held in memory (tests, fuzzing, small bundles)."""
    man = parse_manifest(data, what=what)
    hlen = man.header_len
    entries = _entries_with_offsets(man.items, hlen)
    expected = hlen + sum(e.size for e in entries)
    if len(data) < expected:
        raise IntakeError(f"{what}: truncated ({len(data)} of {expected} bytes)")
    if len(data) > expected:
        raise IntakeError(f"{what}: unexpected bytes after the last entry")
    for e in entries:
        if hashlib.sha256(data[e.offset : e.offset + e.size]).hexdigest() != e.sha256:
            raise IntakeError(f"{what}: entry {e.name} does not match its hash (tampered)")
    return Bundle(
        None, hashlib.sha256(data).hexdigest(), man.created_at, entries, len(data), man.signer
    )


def _read_header(fh: BinaryIO, what: str) -> tuple[Manifest, bytes]:
    prefix = fh.read(len(MAGIC) + 4)
    mlen = frame_length(prefix, MAGIC, MAX_MANIFEST, _frame_errors(what))
    head = prefix + fh.read(mlen)
    return parse_manifest(head, what=what), head


def open_bundle(path: Path, *, what: str | None = None) -> Bundle:
    """Open a bundle file and verify it completely, streaming (bounded memory).

    Checks the header, that the file is exactly as long as the manifest says
    (truncation and appended bytes are refused) and every entry's SHA-256.
    """
    path = Path(path)
    what = what or path.name
    try:
        size = path.stat().st_size
        fh = open(path, "rb")
    except OSError as exc:
        raise IntakeError(f"{what}: cannot read ({exc.strerror})") from exc
    with fh:
        man, head = _read_header(fh, what)
        entries = _entries_with_offsets(man.items, man.header_len)
        expected = man.header_len + sum(e.size for e in entries)
        if size < expected:
            raise IntakeError(f"{what}: truncated ({size} of {expected} bytes)")
        if size > expected:
            raise IntakeError(f"{what}: unexpected bytes after the last entry")
        whole = hashlib.sha256(head)
        for e in entries:
            h = hashlib.sha256()
            for buf in _pieces(fh, e.size, f"{what}: truncated inside entry {e.name}"):
                h.update(buf)
                whole.update(buf)
            if h.hexdigest() != e.sha256:
                raise IntakeError(f"{what}: entry {e.name} does not match its hash (tampered)")
    return Bundle(path, whole.hexdigest(), man.created_at, entries, size, man.signer)


def iter_entry(path: Path, entry: BundleEntry, chunk: int = READ_CHUNK) -> Iterator[bytes]:
    """Yield an entry's bytes in pieces (for streaming decryption)."""
    with open(path, "rb") as fh:
        fh.seek(entry.offset)
        yield from _pieces(
            fh, entry.size, f"{path.name}: truncated inside entry {entry.name}", chunk
        )


def _pieces(fh: BinaryIO, size: int, truncated: str, chunk: int = READ_CHUNK) -> Iterator[bytes]:
    """The next ``size`` bytes of ``fh`` in pieces of at most ``chunk``; an
    :class:`IntakeError` saying ``truncated`` when the file ends first."""
    left = size
    while left:
        buf = fh.read(min(chunk, left))
        if not buf:
            raise IntakeError(truncated)
        yield buf
        left -= len(buf)


def read_entry(path: Path, entry: BundleEntry) -> bytes:
    """An entry's bytes, whole (for small entries such as reports)."""
    return b"".join(iter_entry(path, entry))


class BundleFile:
    """One open bundle file shared by many entry reads (``os.pread``: no seeks, no reopen).

    Why: an import touches tens of thousands of entries; opening the file for each
    one cost more than decrypting them.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.fd = os.open(self.path, os.O_RDONLY)

    def read(self, entry: BundleEntry) -> bytes:
        """An entry's bytes, whole (for small entries such as reports)."""
        data = os.pread(self.fd, entry.size, entry.offset)
        if len(data) != entry.size:
            raise IntakeError(f"{self.path.name}: truncated inside entry {entry.name}")
        return data

    def reader(self, entry: BundleEntry) -> EntryReader:
        """A file-like reader over one entry."""
        return EntryReader(self, entry)

    def close(self) -> None:
        os.close(self.fd)

    def __enter__(self) -> BundleFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class EntryReader:
    """A file-like ``read()`` over one entry of a bundle file (for pyrage.decrypt_io)."""

    def __init__(self, source: Path | BundleFile, entry: BundleEntry) -> None:
        self._own = not isinstance(source, BundleFile)
        self._bf = BundleFile(source) if not isinstance(source, BundleFile) else source
        self._pos = entry.offset
        self._left = entry.size

    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0 or n > self._left:
            n = self._left
        buf = os.pread(self._bf.fd, n, self._pos)
        self._pos += len(buf)
        self._left -= len(buf)
        return buf

    def readinto(self, b: bytearray | memoryview) -> int:
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if self._own:
            self._bf.close()

    def __enter__(self) -> EntryReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def outbox_blobs(outbox: Path) -> list[tuple[str, Path]]:
    """The (entry name, file) pairs of every finished blob in a field outbox."""
    outbox = Path(outbox)
    found: list[tuple[str, Path]] = []
    for kind in KINDS:
        folder = outbox / kind
        if not folder.is_dir():
            continue
        for p in sorted(folder.iterdir()):
            name = f"{kind}/{p.name}"
            if ENTRY_NAME.fullmatch(name):
                found.append((name, p))
    return found


def write_bundle(
    blobs: Sequence[tuple[str, Path]], dest_dir: Path, *, signer: Ed25519PrivateKey | None = None
) -> Bundle:
    """Write a bundle of the given (name, file) blobs into ``dest_dir`` as ``<id>.rbundle``.

    Names are checked, each file is hashed while copied (a blob whose content no
    longer matches its name is refused), and the file is renamed to its own
    SHA-256 only once complete.
    """
    if not blobs:
        raise IntakeError("nothing to pack: the outbox has no reports")
    items = []
    for name, path in blobs:
        if not ENTRY_NAME.fullmatch(name):
            raise IntakeError(f"refused entry name {name!r}")
        items.append((name, Path(path).stat().st_size))
    created = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    doc: dict[str, object] = {
        "format": FORMAT,
        "created_at": created,
        "entries": [{"name": n, "size": s} for n, s in items],
    }
    signer_pub = None
    if signer is not None:
        signer_pub = signer.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        doc["signer"] = {
            "key": base64.b64encode(signer_pub).decode(),
            "sig": base64.b64encode(signer.sign(signed_message(created, items))).decode(),
        }
    manifest = json.dumps(doc, separators=(",", ":")).encode()
    head = frame(MAGIC, manifest)
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    tmp = dest_dir / f".bundle-tmp-{secrets.token_hex(8)}"
    whole = hashlib.sha256(head)
    try:
        with open(tmp, "wb") as out:
            out.write(head)
            off = len(head)
            entries = []
            for (name, path), (_, size) in zip(blobs, items, strict=True):
                h = hashlib.sha256()
                n = 0
                with open(path, "rb") as fh:
                    while buf := fh.read(READ_CHUNK):
                        h.update(buf)
                        whole.update(buf)
                        out.write(buf)
                        n += len(buf)
                m = ENTRY_NAME.fullmatch(name)
                assert m is not None
                if n != size or h.hexdigest() != m.group(2):
                    raise IntakeError(f"outbox blob {name} does not match its name (damaged)")
                entries.append(BundleEntry(name, m.group(1), m.group(2), size, off))
                off += size
        bundle_id = whole.hexdigest()
        final = dest_dir / f"{bundle_id}.rbundle"
        os.replace(tmp, final)
    finally:
        if tmp.exists():
            tmp.unlink()
    return Bundle(final, bundle_id, created, tuple(entries), off, signer_pub)


def pack_outbox(
    outbox: Path,
    dest_dir: Path,
    *,
    remove_packed: bool = False,
    signer: Ed25519PrivateKey | None = None,
) -> Bundle:
    """Bundle every blob in ``outbox`` (signed if ``signer``); optionally delete packed blobs."""
    blobs = outbox_blobs(outbox)
    bundle = write_bundle(blobs, dest_dir, signer=signer)
    if remove_packed:
        for _, p in blobs:
            p.unlink()
    return bundle
