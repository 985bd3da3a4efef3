"""Import field-intake bundles and chunks into a workspace: verify, decrypt, de-duplicate, ingest.

Order of work, chosen so that bad input leaves nothing behind:

1. read every input; chunks and bundles are verified (hashes, sizes, names)
   before anything is written;
2. verified chunks go to the workspace spool (``intake/spool``); a bundle whose
   chunks are all there is reassembled and checked against its id;
3. each complete bundle is refused if it was imported before (replay);
4. every report is decrypted in memory with the organisation key, validated,
   and identified by the SHA-256 of its plaintext — a report already in the
   store, or seen twice in this run, counts once;
5. every attachment of a new report is stream-decrypted (bounded memory) to
   check its size limit, its declared SHA-256 and decompression-bomb limits;
   its *ciphertext* is copied to the blob store ``intake/blobs`` meanwhile —
   the workspace keeps attachments encrypted; witness contacts are never
   decrypted here, only checked to be well-formed age;
6. only then: one ingest import (source kind ``field_intake``; each report one
   row whose ``record_id`` is the report id), then one transaction adding the
   ``IntakeReport`` rows, their ledger leaves and one audit event per bundle.

If step 6 is interrupted between its two transactions, running the same import
again completes it (the ingest import is idempotent on its content hash).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyrage
from pyrage import x25519
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from roshan.canonical import SourceKind
from roshan.errors import IntakeError
from roshan.intake import merkle
from roshan.intake.agefmt import parse_header
from roshan.intake.bundle import Bundle, BundleFile, EntryReader, open_bundle
from roshan.intake.chunks import ChunkHeader, Spool, SpoolStatus
from roshan.intake.inspect import checked_chunk, file_kind
from roshan.intake.keys import key_id
from roshan.intake.ledger import (
    INTAKE_KIND,
    WITNESS_KIND,
    blob_path,
    intake_report_leaf_data,
    next_seq,
    witness_leaf_data,
    witness_ref,
)
from roshan.intake.media import check_image_bomb
from roshan.intake.report import MAX_ATTACHMENT_BYTES, parse_report
from roshan.store.models import AuditEvent, IntakeReport, LedgerLeaf, utcnow
from roshan.store.workspace import Workspace

DEFAULT_SOURCE = "field intake"
MAX_REPORT_CIPHERTEXT = 8 * 1024 * 1024
BOMB_HEAD = 1024 * 1024


@dataclass
class ImportSummary:
    """What an intake import did (ids and counts only; never report content)."""

    bundles: list[dict[str, Any]] = field(default_factory=list)
    reports_new: int = 0
    reports_duplicate: int = 0
    attachments: int = 0
    attachment_bytes: int = 0
    import_id: int | None = None
    pending: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Bundles refused while the rest of the input was imported: {"bundle_id", "reason",
    # "replay"}; a replay (already imported) is harmless, anything else is a problem.
    refused: list[dict[str, Any]] = field(default_factory=list)

    @property
    def problems(self) -> list[dict[str, Any]]:
        """Refusals other than replays."""
        return [r for r in self.refused if not r.get("replay")]

    def to_dict(self) -> dict[str, Any]:
        return {
            "bundles": self.bundles,
            "reports_new": self.reports_new,
            "reports_duplicate": self.reports_duplicate,
            "attachments": self.attachments,
            "attachment_bytes": self.attachment_bytes,
            "import_id": self.import_id,
            "pending": self.pending,
            "refused": self.refused,
            "notes": self.notes,
        }


class _Tee:
    """A reader over a bundle entry that copies every byte read into ``out``."""

    def __init__(self, inner: EntryReader, out: Any) -> None:
        self.inner, self.out = inner, out

    def read(self, n: int = -1) -> bytes:
        buf = self.inner.read(n)
        self.out.write(buf)
        return buf


class _CheckSink:
    """Receives decrypted attachment bytes: hashes them, enforces the size cap, keeps the head."""

    def __init__(self, limit: int, what: str) -> None:
        self.h = hashlib.sha256()
        self.n = 0
        self.limit = limit
        self.head = bytearray()
        self.what = what

    def write(self, b: bytes) -> int:
        self.n += len(b)
        if self.n > self.limit:
            raise IntakeError(f"{self.what}: larger than the {self.limit:,}-byte limit")
        if len(self.head) < BOMB_HEAD:
            self.head += b[: BOMB_HEAD - len(self.head)]
        self.h.update(b)
        return len(b)


@dataclass
class _NewReport:
    report_id: str
    bundle_id: str
    payload_sha256: str
    doc: dict[str, Any]
    attachments: list[dict[str, Any]]
    signer: str | None = None


def _decrypt_error(exc: Exception, what: str) -> IntakeError:
    msg = str(exc)
    if isinstance(exc, IntakeError):
        return exc
    if "No matching keys" in msg:
        return IntakeError(
            f"{what}: encrypted for a different key — not this organisation's (wrong key?)"
        )
    return IntakeError(f"{what}: decryption failed (ciphertext damaged or truncated)")


def _classify(paths: Sequence[Path]) -> tuple[list[tuple[Path, ChunkHeader, int]], list[Bundle]]:
    chunks: list[tuple[Path, ChunkHeader, int]] = []
    bundles: list[Bundle] = []
    for p in paths:
        p = Path(p)
        kind, size = file_kind(p)
        if kind == "chunk":
            h, offset = checked_chunk(p, size)
            chunks.append((p, h, offset))
        elif kind == "bundle":
            bundles.append(open_bundle(p))
        else:
            raise IntakeError(f"{p.name}: not a roshan bundle or chunk")
    return chunks, bundles


def _already_imported_bundles(ws: Workspace, ids: Sequence[str]) -> set[str]:
    if not ids:
        return set()
    with ws.engine.connect() as conn:
        rows = conn.execute(
            select(AuditEvent.object_id).where(
                AuditEvent.action == "intake.bundle", AuditEvent.object_id.in_(list(ids))
            )
        )
        return {str(r[0]) for r in rows if r[0] is not None}


def _known_reports(ws: Workspace) -> set[str]:
    with ws.engine.connect() as conn:
        return {r[0] for r in conn.execute(select(IntakeReport.report_id))}


def import_bundles(
    ws: Workspace,
    paths: Sequence[Path],
    identities: Sequence[x25519.Identity],
    *,
    source_name: str = DEFAULT_SOURCE,
    actor: str = "intake",
    max_attachment_bytes: int = MAX_ATTACHMENT_BYTES,
    trusted_reporters: Mapping[str, bytes] | None = None,
    require_signed: bool = False,
    on_progress: Callable[[str, int, int], None] | None = None,
) -> ImportSummary:
    """Import bundles and/or chunks (any order, any mix) into ``ws``. See module doc.

    ``trusted_reporters`` (key id → Ed25519 public key, from
    ``keys.load_reporters``): a bundle signed by any other key is refused; with
    ``require_signed`` an unsigned bundle is refused too. Without a registry,
    signatures are still checked but any signer is accepted (and noted).

    Raises IntakeError — and writes nothing to the store — for a tampered or
    truncated chunk or bundle, a wrong key, a replayed bundle, an oversized or
    bomb attachment, a refused entry name, a malformed age header, a bad bundle
    signature or a signature from an unknown key.
    """
    from roshan.ingest.importer import ingest_records

    summary = ImportSummary()
    ids = list(identities)
    chunks, bundles = _classify(paths)
    spool = Spool(ws.root / "intake" / "spool")
    incoming = ws.root / "intake" / "incoming"
    # Replays: whatever belongs to a bundle imported before is refused (and dropped from
    # the spool); the rest of the input goes on.
    claimed = sorted({h.bundle_id for _, h, _ in chunks} | {b.bundle_id for b in bundles})
    replayed = _already_imported_bundles(ws, claimed)
    for bid in sorted(replayed):
        spool.discard(bid)
        (incoming / f"{bid}.rbundle").unlink(missing_ok=True)
        summary.refused.append(
            {
                "bundle_id": bid,
                "replay": True,
                "reason": f"bundle {bid} was already imported (replayed bundle)",
            }
        )
    whole = {b.bundle_id for b in bundles}
    touched: dict[str, set[str]] = {}
    for p, h, offset in chunks:
        if h.bundle_id in replayed or h.bundle_id in whole:
            continue  # refused above, or the whole bundle is given too
        spool.add(h, (p, offset), what=p.name)
        touched.setdefault(h.bundle_id, set()).add(h.sha256)
    bundles = [b for b in bundles if b.bundle_id not in replayed]
    assembled: list[str] = []
    for bid in sorted(touched):
        st: SpoolStatus = spool.status(bid)
        if st.complete:
            incoming.mkdir(parents=True, exist_ok=True)
            try:
                dest = spool.assemble(bid, incoming / f"{bid}.rbundle", prefer=touched[bid])
            except IntakeError as exc:
                summary.refused.append({"bundle_id": bid, "replay": False, "reason": str(exc)})
                continue
            bundles.append(open_bundle(dest))
            assembled.append(bid)
        else:
            summary.pending.append(
                {"bundle_id": bid, "chunks": st.count, "missing": [i + 1 for i in st.missing]}
            )
    if not bundles and summary.refused and not summary.pending:
        reasons = "; ".join(r["reason"] for r in summary.refused[:3])
        raise IntakeError(f"{reasons}; nothing was imported")
    # De-duplicate identical bundles given twice in this run.
    unique: dict[str, Bundle] = {}
    for b in bundles:
        if b.bundle_id in unique:
            summary.notes.append(f"bundle {b.bundle_id[:16]} given more than once; read once")
        unique.setdefault(b.bundle_id, b)
    for b in unique.values():
        name = b.path.name if b.path else b.bundle_id[:16]
        if b.signer is None:
            if require_signed:
                raise IntakeError(
                    f"{name}: bundle is not signed by a reporter (--require-signed); "
                    "nothing was imported"
                )
            continue
        kid = key_id(b.signer)
        if trusted_reporters is not None and trusted_reporters.get(kid) != b.signer:
            raise IntakeError(
                f"{name}: signed by an unknown key ({kid[:16]}), not an enrolled "
                "reporter; nothing was imported"
            )
        if trusted_reporters is None:
            summary.notes.append(
                f"bundle {b.bundle_id[:16]} is signed by {kid[:16]}; no "
                "reporter registry given, signer not checked against one"
            )
    known = _known_reports(ws)
    new: dict[str, _NewReport] = {}
    per_bundle: dict[str, dict[str, int]] = {}
    stage = ws.root / "intake" / "blobs" / f".stage-{secrets.token_hex(6)}"
    moved: list[Path] = []
    files: dict[str, BundleFile] = {}
    try:
        for kind in ("reports", "witness", "attachments"):
            (stage / kind).mkdir(parents=True, exist_ok=True)
        for b in unique.values():
            assert b.path is not None
            bf = files[b.bundle_id] = BundleFile(b.path)
            stats = {"reports": 0, "new": 0, "duplicate": 0}
            per_bundle[b.bundle_id] = stats
            for e in b.entries:
                if e.kind != "reports":
                    continue
                what = f"{b.path.name}: {e.name}"
                if e.size > MAX_REPORT_CIPHERTEXT:
                    raise IntakeError(f"{what}: report too large")
                ct = bf.read(e)
                parse_header(ct, what=what)
                try:
                    plain = pyrage.decrypt(ct, ids)
                except Exception as exc:
                    raise _decrypt_error(exc, what) from exc
                doc = parse_report(plain, what=what)
                rid = hashlib.sha256(plain).hexdigest()
                stats["reports"] += 1
                if rid in known or rid in new:
                    stats["duplicate"] += 1
                    summary.reports_duplicate += 1
                    continue
                stats["new"] += 1
                new[rid] = _NewReport(
                    rid, b.bundle_id, e.sha256, doc, [], key_id(b.signer) if b.signer else None
                )
                (stage / "reports" / f"{e.sha256}.age").write_bytes(ct)
        # Verify attachments by stream-decrypting them while copying their ciphertext.
        total_att = sum(len(r.doc.get("attachments") or []) for r in new.values())
        done = 0
        by_name = {bid: b.by_name() for bid, b in unique.items()}
        for r in new.values():
            b = unique[r.bundle_id]
            bf = files[r.bundle_id]
            assert b.path is not None
            entries = by_name[r.bundle_id]
            w = r.doc.get("witness")
            if w:
                name = f"witness/{w['blob']}.age"
                if name in entries:
                    wct = bf.read(entries[name])  # small; checked, never decrypted here
                    parse_header(wct, what=f"{b.path.name}: {name}")
                    (stage / "witness" / f"{w['blob']}.age").write_bytes(wct)
                elif not blob_path(ws, "witness", w["blob"]).exists():
                    raise IntakeError(
                        f"{b.path.name}: report {r.report_id[:16]} names a witness "
                        "blob the bundle does not carry"
                    )
            for a in r.doc.get("attachments") or []:
                name = f"attachments/{a['blob']}.age"
                what = f"{b.path.name}: {name}"
                if a["size"] > max_attachment_bytes:
                    raise IntakeError(
                        f"{what}: declared size {a['size']:,} bytes is over the "
                        f"{max_attachment_bytes:,}-byte limit"
                    )
                if name not in entries:
                    if blob_path(ws, "attachments", a["blob"]).exists():
                        r.attachments.append(_att_meta(a))
                        continue
                    raise IntakeError(f"{what}: attachment missing from the bundle")
                ae = entries[name]
                sink = _CheckSink(min(max_attachment_bytes, a["size"]), what)
                dest = stage / "attachments" / f"{ae.sha256}.age"
                parse_header(bf.reader(ae).read(64 * 1024), what=what)
                with open(dest, "wb") as out:
                    try:
                        pyrage.decrypt_io(_Tee(bf.reader(ae), out), sink, ids)
                    except Exception as exc:
                        raise _decrypt_error(exc, what) from exc
                if sink.n != a["size"] or sink.h.hexdigest() != a["sha256"]:
                    raise IntakeError(
                        f"{what}: decrypted content does not match the report's "
                        "SHA-256 (tampered or mixed up)"
                    )
                if bytes(sink.head[:3]) == b"\xff\xd8\xff" or bytes(sink.head[:4]) in (
                    b"\x89PNG",
                    b"GIF8",
                    b"RIFF",
                ):
                    check_image_bomb(bytes(sink.head), what=what)
                r.attachments.append(_att_meta(a))
                summary.attachments += 1
                summary.attachment_bytes += sink.n
                done += 1
                if on_progress:
                    on_progress("attachments", done, total_att)
        # Everything verified: move blobs into the content-addressed store.
        for kind in ("reports", "witness", "attachments"):
            blob_path(ws, kind, "x").parent.mkdir(parents=True, exist_ok=True)
            for p in (stage / kind).iterdir():
                target = blob_path(ws, kind, p.stem)
                if not target.exists():
                    os.replace(p, target)
                    moved.append(target)
        _commit(ws, summary, new, unique, per_bundle, source_name, actor, ingest_records)
    except BaseException:
        for t in moved:
            t.unlink(missing_ok=True)
        raise
    finally:
        for bf in files.values():
            bf.close()
        shutil.rmtree(stage, ignore_errors=True)
    for bid in assembled:
        spool.discard(bid)
    summary.reports_new = len(new)
    for bid, counts in per_bundle.items():
        summary.bundles.append({"bundle_id": bid, **counts})
    return summary


def neutral_attachment_name(sha256: str) -> str:
    """The name an attachment goes by in the workspace: from its content hash, with no
    extension. The witness's own file name (``IMG_20260108_Azadi_Sq_Tehran_by_Reza.jpg``:
    a date, a place, a person) stays only inside the encrypted report (issue 16 item 12);
    the media type is kept beside it."""
    return f"attachment-{str(sha256)[:16]}"


def _att_meta(a: dict[str, Any]) -> dict[str, Any]:
    meta = {
        k: a.get(k)
        for k in ("blob", "sha256", "size", "original_sha256", "media_type", "metadata_stripped")
    }
    meta["name"] = neutral_attachment_name(a.get("sha256") or a.get("blob") or "")
    return meta


def _row_for(r: _NewReport) -> dict[str, str | None]:
    """One ingest row per report: canonical fields, plus intake provenance as extra cells.

    ``full_name`` is always present (possibly empty) so a batch of nameless reports
    still maps; the ``intake_*`` cells land in the record's ``extra``.
    """
    row: dict[str, str | None] = {"record_id": r.report_id, "full_name": None}
    row.update(r.doc["victim"])
    row["source_reference"] = f"intake:{r.report_id}"
    circ = r.doc.get("circumstances") or ""
    if circ:
        row["notes"] = circ
    for key in ("created_at", "language", "client"):
        value = r.doc.get(key)
        row[f"intake_{key}"] = str(value)[:100] if value is not None else None
    row["intake_attachments"] = str(len(r.doc.get("attachments") or []))
    row["intake_signer"] = r.signer
    return row


def _already_ingested(ws: Workspace, report_ids: Sequence[str]) -> dict[str, int]:
    """Reports whose row reached ingest but whose IntakeReport did not (interrupted run)."""
    from roshan.store.models import Record, Source

    found: dict[str, int] = {}
    ids = list(report_ids)
    with ws.engine.connect() as conn:
        for i in range(0, len(ids), 500):
            rec = Record.__table__.c
            q = (
                select(rec.record_id, rec.import_id)
                .join(Source, Source.id == rec.source_id)
                .where(
                    Source.kind == SourceKind.FIELD_INTAKE.value,
                    rec.record_id.in_(ids[i : i + 500]),
                )
            )
            for rid, imp in conn.execute(q):
                found[str(rid)] = int(imp)
    return found


def _commit(
    ws: Workspace,
    summary: ImportSummary,
    new: dict[str, _NewReport],
    bundles: dict[str, Bundle],
    per_bundle: dict[str, dict[str, int]],
    source_name: str,
    actor: str,
    ingest_records: Callable[..., Any],
) -> None:
    import_id = None
    import_of: dict[str, int | None] = dict(_already_ingested(ws, list(new)))
    pending = sorted(
        (r for r in new.values() if r.report_id not in import_of), key=lambda r: r.report_id
    )
    if pending:
        digest = hashlib.sha256(
            b"roshan-intake-import/1\n" + "\n".join(r.report_id for r in pending).encode()
        ).hexdigest()
        result = ingest_records(
            ws,
            (_row_for(r) for r in pending),
            source_name=source_name,
            source_kind=SourceKind.FIELD_INTAKE,
            file_name=f"intake-{'+'.join(sorted(b[:12] for b in bundles))}",
            sha256=digest,
            size=sum(len(r.report_id) for r in pending),
            actor=actor,
        )
        import_id = result.import_id
        for r in pending:
            import_of[r.report_id] = import_id
    summary.import_id = import_id
    now = utcnow()
    try:
        _record_intake(ws, new, bundles, per_bundle, import_of, import_id, actor, now)
    except IntegrityError as exc:
        # Another import of the same bundle or reports committed first (two runs at once).
        raise IntakeError(
            "another import of the same reports finished first; run the import "
            "again to see what is left"
        ) from exc


def _record_intake(
    ws: Workspace,
    new: dict[str, _NewReport],
    bundles: dict[str, Bundle],
    per_bundle: dict[str, dict[str, int]],
    import_of: dict[str, int | None],
    import_id: int | None,
    actor: str,
    now: Any,
) -> None:
    """One transaction: IntakeReport rows, their ledger leaves, one audit event per bundle."""
    with ws.session() as sess:
        conn = sess.connection()
        seq = next_seq(conn)
        for r in sorted(new.values(), key=lambda r: r.report_id):
            sess.add(
                IntakeReport(
                    report_id=r.report_id,
                    bundle_id=r.bundle_id,
                    received_at=now,
                    import_id=import_of.get(r.report_id),
                    status="imported",
                    payload_sha256=r.payload_sha256,
                    attachments=r.attachments,
                )
            )
            data = intake_report_leaf_data(
                r.report_id, r.payload_sha256, r.bundle_id, r.attachments
            )
            sess.add(
                LedgerLeaf(
                    seq=seq,
                    leaf_hash=merkle.leaf_hash(data),
                    kind=INTAKE_KIND,
                    ref=r.report_id,
                    created_at=now,
                )
            )
            seq += 1
        # One leaf per witness-contact blob not already in the ledger, so `ledger verify`
        # can tell when one is deleted or swapped (its name is only in the encrypted report).
        wanted = sorted(
            {witness_ref(r.doc["witness"]["blob"]) for r in new.values() if r.doc.get("witness")}
        )
        have = (
            set(
                conn.execute(
                    select(LedgerLeaf.ref).where(
                        LedgerLeaf.kind == WITNESS_KIND, LedgerLeaf.ref.in_(wanted)
                    )
                ).scalars()
            )
            if wanted
            else set()
        )
        for ref in wanted:
            if ref in have:
                continue
            sha = ref.split(":", 1)[1]
            sess.add(
                LedgerLeaf(
                    seq=seq,
                    leaf_hash=merkle.leaf_hash(witness_leaf_data(sha)),
                    kind=WITNESS_KIND,
                    ref=ref,
                    created_at=now,
                )
            )
            seq += 1
        for bid, st in per_bundle.items():
            signer = bundles[bid].signer
            sess.add(
                AuditEvent(
                    at=now,
                    actor=actor,
                    action="intake.bundle",
                    object_type="bundle",
                    object_id=bid,
                    detail={
                        **st,
                        "entries": len(bundles[bid].entries),
                        "import_id": import_id,
                        "signer": key_id(signer) if signer else None,
                    },
                )
            )


def read_witness_contact(
    ws: Workspace, report_id: str, identities: Sequence[x25519.Identity], *, actor: str
) -> dict[str, Any]:
    """Decrypt one report's witness contact — a deliberate act, recorded in the audit log.

    Why a separate, audited step: imports never decrypt witness contacts, so the
    only way to see one is this call (or ``age -d`` by hand with the key). The
    audit event names who asked and for which report, never the contact.
    """
    from roshan.store.audit import record_event

    with ws.engine.connect() as conn:
        row = conn.execute(
            select(IntakeReport.payload_sha256).where(IntakeReport.report_id == report_id)
        ).first()
    if row is None:
        raise IntakeError(f"no intake report {report_id[:16]}")
    try:
        report_ct = blob_path(ws, "reports", str(row[0])).read_bytes()
    except OSError as exc:
        raise IntakeError(f"stored report {report_id[:16]} is missing") from exc
    try:
        doc = parse_report(pyrage.decrypt(report_ct, list(identities)))
    except IntakeError:
        raise
    except Exception as exc:
        raise _decrypt_error(exc, f"report {report_id[:16]}") from exc
    w = doc.get("witness")
    if not w:
        raise IntakeError(f"report {report_id[:16]} has no witness contact (anonymous)")
    path = blob_path(ws, "witness", w["blob"])
    try:
        plain = pyrage.decrypt(path.read_bytes(), list(identities))
    except OSError as exc:
        raise IntakeError(f"witness contact of report {report_id[:16]} is missing") from exc
    except Exception as exc:
        raise _decrypt_error(exc, f"witness contact of report {report_id[:16]}") from exc
    with ws.session() as sess:
        record_event(sess, actor, "intake.witness_read", "intake_report", report_id, {})
    import json

    contact: dict[str, Any] = json.loads(plain)
    contact.pop("nonce", None)
    return contact
