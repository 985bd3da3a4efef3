"""A field report: what one witness saw, encrypted to the organisation the moment it is saved.

Why this shape: the victim is described in roshan's canonical fields so an
imported report is just one more source row; the witness's own contact details
are encrypted as a *separate* age blob so that analysts who open reports never
see who the witness is (the importer stores that blob without decrypting it);
attachments are separate blobs so a bundle can carry them independently and the
report can name each one by its SHA-256.

On a field device (the "outbox") nothing readable is ever written: the report
JSON, the witness contact and every attachment exist in clear only in memory
(attachments: in the witness's own file) and go to disk as age ciphertext named
by the ciphertext's SHA-256::

    outbox/reports/<sha256>.age      report JSON (format roshan-intake-report/1)
    outbox/witness/<sha256>.age      witness contact JSON
    outbox/attachments/<sha256>.age  attachment bytes (metadata stripped unless kept)

The report id is the SHA-256 of the report's plaintext JSON bytes; two couriers
carrying the same report therefore carry the same id, whatever its ciphertext.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import secrets
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyrage
from pyrage import x25519

from roshan import __version__
from roshan.canonical import FIELD_NAMES
from roshan.errors import IntakeError
from roshan.files import file_sha256
from roshan.intake.media import clean_attachment, sniff

REPORT_FORMAT = "roshan-intake-report/1"
WITNESS_FORMAT = "roshan-intake-witness/1"
KINDS = ("reports", "witness", "attachments")
MAX_FIELD_CHARS = 4000
MAX_TEXT_CHARS = 100_000
MAX_ATTACHMENT_BYTES = 512 * 1024 * 1024
MAX_IN_MEMORY = 64 * 1024 * 1024
MAX_ATTACHMENTS = 50
LANGUAGES = ("fa", "en")
VICTIM_FIELDS = tuple(f for f in FIELD_NAMES if f not in ("record_id", "witness"))
_NAME_BAD = re.compile(r"[\x00-\x1f\x7f/\\:]")


@dataclass(frozen=True)
class SavedReport:
    """What ``save_report`` wrote: the report id and the blob file names (no content)."""

    report_id: str
    report_blob: str
    witness_blob: str | None
    attachment_blobs: tuple[str, ...] = field(default_factory=tuple)
    warnings: tuple[str, ...] = field(default_factory=tuple)


def safe_display_name(name: str) -> str:
    """A file's base name reduced to something harmless to show (never used as a path)."""
    base = re.split(r"[/\\]", name)[-1]
    base = unicodedata.normalize("NFC", base)
    base = _NAME_BAD.sub("_", base).strip(". ")
    return base[:120] or "attachment"


def validate_victim(victim: Mapping[str, Any]) -> dict[str, str]:
    """Check victim fields are canonical names with short string values; drop empties."""
    out: dict[str, str] = {}
    for key, value in victim.items():
        if key == "witness":
            raise IntakeError(
                "victim field 'witness' is not allowed: put the witness's contact "
                "in witness_contact, which is encrypted separately"
            )
        if key not in VICTIM_FIELDS:
            raise IntakeError(
                f"unknown victim field {key!r} (expected one of roshan's canonical fields)"
            )
        if value is None:
            continue
        if not isinstance(value, str):
            raise IntakeError(f"victim field {key!r} must be text")
        value = value.strip()
        if len(value) > MAX_FIELD_CHARS:
            raise IntakeError(f"victim field {key!r} is longer than {MAX_FIELD_CHARS} characters")
        if value:
            out[key] = value
    return out


def canonical_json(obj: Any) -> bytes:
    """Deterministic JSON bytes (sorted keys, UTF-8, no spaces) used for hashing."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _atomic_blob(outbox: Path, kind: str, ciphertext_path: Path) -> str:
    """Rename a finished ciphertext file to ``<kind>/<sha256>.age``; return its sha256."""
    digest, _ = file_sha256(ciphertext_path)
    os.replace(ciphertext_path, outbox / kind / f"{digest}.age")
    return digest


def _encrypt_bytes_to(
    outbox: Path, kind: str, data: bytes, recipients: Sequence[x25519.Recipient]
) -> str:
    tmp = outbox / kind / f".tmp-{secrets.token_hex(8)}"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            pyrage.encrypt_io(io.BytesIO(data), fh, list(recipients))
        return _atomic_blob(outbox, kind, tmp)
    finally:
        if tmp.exists():
            tmp.unlink()


class _HashingReader:
    """Hashes and counts the bytes that pass through ``read`` (the stored plaintext)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.h = hashlib.sha256()
        self.n = 0

    def read(self, n: int = -1) -> bytes:
        buf: bytes = self.inner.read(n)
        self.h.update(buf)
        self.n += len(buf)
        return buf


def _encrypt_file_to(
    outbox: Path, src: Path, recipients: Sequence[x25519.Recipient], *, strip_mp4: bool = False
) -> tuple[str, str, int, list[str] | None]:
    """Stream-encrypt a large file: (blob, sha256 of stored bytes, size, removed boxes).

    ``removed`` is None when stripping was asked for but the MP4 could not be parsed.
    """
    from roshan.intake.media import PatchedReader, mp4_patch_plan

    tmp = outbox / "attachments" / f".tmp-{secrets.token_hex(8)}"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh, open(src, "rb") as inp:
            removed: list[str] = []
            source: Any = inp
            stripped = strip_mp4
            if strip_mp4:

                def read_at(o: int, n: int) -> bytes:
                    inp.seek(o)
                    return inp.read(n)

                try:
                    plan = mp4_patch_plan(read_at, os.fstat(inp.fileno()).st_size)
                except IntakeError:  # unusual structure: stored unstripped, witness warned
                    plan = []
                    stripped = False
                for off, _len in plan:
                    removed.append(read_at(off + 4, 4).decode("latin-1"))
                inp.seek(0)
                source = PatchedReader(inp, plan)
            hr = _HashingReader(source)
            pyrage.encrypt_io(hr, fh, list(recipients))
        return (
            _atomic_blob(outbox, "attachments", tmp),
            hr.h.hexdigest(),
            hr.n,
            removed if stripped else None,
        )
    finally:
        if tmp.exists():
            tmp.unlink()


def ensure_outbox(outbox: Path) -> Path:
    """Create the outbox folders (mode 0700) if needed."""
    outbox = Path(outbox)
    for kind in KINDS:
        (outbox / kind).mkdir(parents=True, exist_ok=True, mode=0o700)
    return outbox


def save_report(
    outbox: Path,
    recipient: x25519.Recipient,
    victim: Mapping[str, Any],
    *,
    circumstances: str = "",
    witness_contact: Mapping[str, Any] | str | None = None,
    attachments: Sequence[Path] = (),
    keep_metadata: bool = False,
    language: str = "en",
    client: str | None = None,
) -> SavedReport:
    """Validate, clean and encrypt one report (with its attachments) into ``outbox``.

    Nothing is written in clear. Attachments are bomb-checked and, unless
    ``keep_metadata``, stripped of location/camera metadata before encryption;
    the SHA-256 of both the original and the stored version are recorded.
    Raises IntakeError on invalid input, before anything is written.
    """
    victim_clean = validate_victim(victim)
    if language not in LANGUAGES:
        raise IntakeError(f"language must be one of {', '.join(LANGUAGES)}")
    if len(circumstances) > MAX_TEXT_CHARS:
        raise IntakeError("circumstances text is too long")
    if not victim_clean and not circumstances.strip():
        raise IntakeError("empty report: give at least one victim field or the circumstances")
    if len(attachments) > MAX_ATTACHMENTS:
        raise IntakeError(f"too many attachments (limit {MAX_ATTACHMENTS})")
    prepared: list[tuple[Path, str, int]] = []
    for path in attachments:
        path = Path(path)
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise IntakeError(f"cannot read attachment {path.name}: {exc.strerror}") from exc
        if size > MAX_ATTACHMENT_BYTES:
            raise IntakeError(
                f"attachment {path.name} is larger than {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB"
            )
        prepared.append((path, safe_display_name(path.name), size))
    outbox = ensure_outbox(outbox)
    recipients = [recipient]
    att_entries: list[dict[str, Any]] = []
    blobs: list[str] = []
    warnings: list[str] = []
    for path, name, size in prepared:
        with open(path, "rb") as fh:
            head = fh.read(64)
        media_type = sniff(head)
        if size <= MAX_IN_MEMORY:
            data = path.read_bytes()
            original_sha = hashlib.sha256(data).hexdigest()
            cleaned = clean_attachment(data, keep_metadata=keep_metadata, what=f"attachment {name}")
            blob = _encrypt_bytes_to(outbox, "attachments", cleaned.data, recipients)
            entry = {
                "sha256": hashlib.sha256(cleaned.data).hexdigest(),
                "size": len(cleaned.data),
                "original_sha256": original_sha,
                "media_type": cleaned.media_type,
                "metadata_stripped": cleaned.metadata_stripped,
                "removed": list(cleaned.removed),
            }
            stripped = cleaned.metadata_stripped
        else:
            if media_type.startswith("image/"):
                raise IntakeError(
                    f"attachment {name}: image larger than "
                    f"{MAX_IN_MEMORY // (1024 * 1024)} MB refused"
                )
            original_sha, _ = file_sha256(path)
            strip = media_type == "video/mp4" and not keep_metadata
            blob, sha, real, removed = _encrypt_file_to(outbox, path, recipients, strip_mp4=strip)
            stripped = strip and removed is not None
            entry = {
                "sha256": sha,
                "size": real,
                "original_sha256": original_sha,
                "media_type": media_type,
                "metadata_stripped": stripped,
                "removed": removed or [],
            }
        if not stripped and not keep_metadata:
            warnings.append(
                f"{name}: metadata of {media_type} files cannot be stripped; "
                "it may reveal place, time or device"
            )
        entry["name"] = name
        entry["blob"] = blob
        att_entries.append(entry)
        blobs.append(blob)
    witness_blob = None
    witness_entry = None
    if witness_contact:
        contact = (
            {"contact": witness_contact}
            if isinstance(witness_contact, str)
            else dict(witness_contact)
        )
        w_plain = canonical_json(
            {"format": WITNESS_FORMAT, "nonce": secrets.token_hex(16), **contact}
        )
        witness_blob = _encrypt_bytes_to(outbox, "witness", w_plain, recipients)
        witness_entry = {"blob": witness_blob}
    report = {
        "format": REPORT_FORMAT,
        "nonce": secrets.token_hex(16),
        "created_at": datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "language": language,
        "client": client or f"roshan-cli/{__version__}",
        "victim": victim_clean,
        "circumstances": circumstances.strip(),
        "witness": witness_entry,
        "attachments": att_entries,
        "keep_metadata": keep_metadata,
    }
    plain = canonical_json(report)
    report_id = hashlib.sha256(plain).hexdigest()
    report_blob = _encrypt_bytes_to(outbox, "reports", plain, recipients)
    return SavedReport(report_id, report_blob, witness_blob, tuple(blobs), tuple(warnings))


def parse_report(plain: bytes, *, what: str = "report") -> dict[str, Any]:
    """Parse and validate decrypted report JSON (from roshan or the HTML form).

    Checks the format tag, victim fields, attachment entries (hex digests, sizes,
    harmless names). Raises IntakeError naming only ``what``, never the content.
    """
    if len(plain) > 4 * MAX_TEXT_CHARS + 64 * MAX_FIELD_CHARS:
        raise IntakeError(f"{what}: report is too large")
    try:
        doc = json.loads(plain.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IntakeError(f"{what}: decrypted report is not valid JSON") from exc
    if not isinstance(doc, dict) or doc.get("format") != REPORT_FORMAT:
        raise IntakeError(f"{what}: not a {REPORT_FORMAT} document")
    if not isinstance(doc.get("victim"), dict):
        raise IntakeError(f"{what}: victim must be an object")
    doc["victim"] = validate_victim(doc["victim"])
    if not isinstance(doc.get("circumstances", ""), str):
        raise IntakeError(f"{what}: circumstances must be text")
    atts = doc.get("attachments") or []
    if not isinstance(atts, list) or len(atts) > MAX_ATTACHMENTS:
        raise IntakeError(f"{what}: bad attachments list")
    for a in atts:
        if not isinstance(a, dict):
            raise IntakeError(f"{what}: bad attachment entry")
        for key in ("blob", "sha256"):
            if not _is_hex64(a.get(key)):
                raise IntakeError(f"{what}: attachment {key} is not a SHA-256 hex digest")
        if not isinstance(a.get("size"), int) or not 0 <= a["size"] <= MAX_ATTACHMENT_BYTES:
            raise IntakeError(f"{what}: attachment size missing or over the limit")
        name = a.get("name", "attachment")
        if not isinstance(name, str) or _NAME_BAD.search(name) or name in ("", ".", ".."):
            raise IntakeError(f"{what}: attachment name contains a path or control characters")
    w = doc.get("witness")
    if w is not None and (not isinstance(w, dict) or not _is_hex64(w.get("blob"))):
        raise IntakeError(f"{what}: bad witness entry")
    return doc


def _is_hex64(value: Any) -> bool:
    return isinstance(value, str) and re.fullmatch(r"[0-9a-f]{64}", value) is not None
