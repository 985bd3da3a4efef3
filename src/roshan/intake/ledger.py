"""The workspace's tamper-evident ledger: RFC 9162 tree heads, signed checkpoints, verification.

Every raw row (appended by ingest) and every intake report (appended by the
intake importer) has one leaf in ``ledger_leaves``, in ``seq`` order. This module

* computes the tree head (RFC 9162 MTH over the leaf hashes, ``roshan.intake.merkle``);
* signs it with the organisation's Ed25519 key (``checkpoint``) and stores it as a
  ``LedgerCheckpoint``, also writing a publishable text file that holds only the
  workspace id, tree size, root hash and signature — no names, no content;
* verifies (``verify``) that every leaf still matches the store's *current*
  content, that no content exists without its leaf and no leaf without its
  content, that every checkpoint's root is the root of the first ``tree_size``
  leaves, that checkpoints are consistent (RFC 9162 consistency proofs) and that
  each signature is by a known key.

Why: an insider or an intruder who edits or deletes a row must also rewrite the
leaves, which changes every later root and breaks the signed checkpoints that
were published or handed to partners.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection

from roshan.errors import IntakeError
from roshan.files import file_sha256
from roshan.intake import merkle
from roshan.intake.keys import OrgKeys, PublicKeys, key_id, sign, verify_signature
from roshan.store.ledger_data import canonical_json, raw_row_leaf_data
from roshan.store.models import (
    Import,
    IntakeReport,
    LedgerCheckpoint,
    LedgerLeaf,
    RawRow,
    utcnow,
)
from roshan.store.workspace import Workspace

CHECKPOINT_HEADER = "roshan-ledger-checkpoint/v1"
INTAKE_KIND = "intake_report"
RAW_KIND = "raw_row"
# One leaf per stored witness-contact blob (since issue 16): the blob's name is its
# SHA-256 and lives only inside the encrypted report, so without a leaf a deleted or
# swapped witness blob could not be noticed without the organisation key.
WITNESS_KIND = "intake_witness"
WITNESS_REF = "witness:"


def witness_leaf_data(blob_sha256: str) -> bytes:
    """Leaf input for one witness-contact blob: its content hash only."""
    return canonical_json({"blob": blob_sha256, "kind": WITNESS_KIND}).encode("utf-8")


def witness_ref(blob_sha256: str) -> str:
    """The ``ref`` of a witness blob's leaf."""
    return f"{WITNESS_REF}{blob_sha256}"


def intake_report_leaf_data(
    report_id: str,
    payload_sha256: str,
    bundle_id: str | None,
    attachments: Sequence[Mapping[str, Any]] | None,
) -> bytes:
    """Leaf input for one intake report: its id, its stored ciphertext's hash and its blobs.

    Only hashes go in, so the leaf (like every leaf) reveals nothing by itself.
    """
    blobs = sorted((a.get("blob", ""), a.get("sha256", "")) for a in attachments or [])
    return canonical_json(
        {
            "kind": INTAKE_KIND,
            "report": report_id,
            "payload": payload_sha256,
            "bundle": bundle_id,
            "attachments": [list(b) for b in blobs],
        }
    ).encode("utf-8")


def raw_row_ref(import_sha256: str, row_number: int) -> str:
    """The ``ref`` ingest writes for a raw row's leaf."""
    return f"{import_sha256[:16]}:{row_number}"


def next_seq(conn: Connection) -> int:
    """The seq the next appended leaf gets (locks the table on PostgreSQL)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("LOCK TABLE ledger_leaves IN EXCLUSIVE MODE"))
    last = conn.execute(select(func.max(LedgerLeaf.seq))).scalar()
    return 0 if last is None else int(last) + 1


def leaf_hashes(ws: Workspace, size: int | None = None) -> list[bytes]:
    """The ledger's leaf hashes in seq order (the first ``size`` if given)."""
    out: list[bytes] = []
    for i, (seq, h, _kind, _ref) in enumerate(_read_leaves(ws)):
        if size is not None and seq >= size:
            break
        if seq != i:
            raise IntakeError(
                f"ledger has a gap at leaf {i}: a leaf was removed (see `roshan ledger verify`)"
            )
        if _hash_problem(h):
            raise IntakeError(
                f"ledger leaf {seq} does not hold a hash: it was altered (see "
                "`roshan ledger verify`)"
            )
        out.append(h)
    return out


@dataclass(frozen=True)
class TreeHead:
    """A tree size and its root hash."""

    tree_size: int
    root_hash: bytes

    def to_dict(self) -> dict[str, Any]:
        return {"tree_size": self.tree_size, "root_hash": self.root_hash.hex()}


def tree_head(ws: Workspace) -> TreeHead:
    """The current tree head of the workspace ledger."""
    leaves = leaf_hashes(ws)
    return TreeHead(len(leaves), merkle.root_hash(leaves))


def checkpoint_body(origin: str, tree_size: int, root: bytes) -> bytes:
    """The exact bytes a checkpoint signature covers (a C2SP-style note body)."""
    return (
        f"{CHECKPOINT_HEADER}\n{origin}\n{tree_size}\n{base64.b64encode(root).decode()}\n"
    ).encode()


def format_checkpoint(origin: str, tree_size: int, root: bytes, kid: str, signature: bytes) -> str:
    """The publishable checkpoint text: body, blank line, one signature line."""
    return (
        checkpoint_body(origin, tree_size, root).decode()
        + "\n"
        + f"— {kid} {base64.b64encode(signature).decode()}\n"
    )


@dataclass(frozen=True)
class Checkpoint:
    """A parsed signed checkpoint."""

    origin: str
    tree_size: int
    root_hash: bytes
    key_id: str
    signature: bytes


def parse_checkpoint(text_: str) -> Checkpoint:
    """Parse a checkpoint file written by ``format_checkpoint``; IntakeError if malformed."""
    try:
        body, sig_part = text_.split("\n\n", 1)
        lines = body.split("\n")
        if lines[0] != CHECKPOINT_HEADER or len(lines) != 4:
            raise ValueError
        size = int(lines[2])
        root = base64.b64decode(lines[3], validate=True)
        dash, kid, sig_b64 = sig_part.strip().split(" ")
        if dash != "—" or len(root) != 32 or size < 0:
            raise ValueError
        sig = base64.b64decode(sig_b64, validate=True)
    except ValueError:
        raise IntakeError("malformed checkpoint file") from None
    return Checkpoint(lines[1], size, root, kid, sig)


def checkpoint(
    ws: Workspace, keys: OrgKeys, *, out_dir: Path | None = None
) -> tuple[Checkpoint, Path]:
    """Sign the current tree head, store it and write ``ledger/checkpoint-<size>.txt``."""
    head = tree_head(ws)
    body = checkpoint_body(ws.id, head.tree_size, head.root_hash)
    sig = sign(keys, body)
    kid = keys.public.key_id
    with ws.session() as sess:
        sess.add(
            LedgerCheckpoint(
                tree_size=head.tree_size,
                root_hash=head.root_hash,
                signature=sig,
                key_id=kid,
                created_at=utcnow(),
            )
        )
        from roshan.store.audit import record_event

        record_event(
            sess,
            "ledger",
            "ledger.checkpoint",
            "ledger",
            head.tree_size,
            {"root": head.root_hash.hex(), "key_id": kid},
        )
    out_dir = Path(out_dir) if out_dir else ws.root / "ledger"
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"checkpoint-{head.tree_size}.txt"
    path.write_text(format_checkpoint(ws.id, head.tree_size, head.root_hash, kid, sig), "utf-8")
    return Checkpoint(ws.id, head.tree_size, head.root_hash, kid, sig), path


@dataclass
class VerifyResult:
    """Outcome of ``verify``: ok, counts and a list of problems (refs only, no content)."""

    tree_size: int = 0
    root_hash: str = ""
    leaves_checked: int = 0
    raw_rows: int = 0
    intake_reports: int = 0
    blobs_checked: int = 0
    checkpoints_checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "tree_size": self.tree_size,
            "root_hash": self.root_hash,
            "leaves_checked": self.leaves_checked,
            "raw_rows": self.raw_rows,
            "intake_reports": self.intake_reports,
            "blobs_checked": self.blobs_checked,
            "checkpoints_checked": self.checkpoints_checked,
            "problems": self.problems[:200],
            "problems_total": len(self.problems),
        }


def blob_path(ws: Workspace, kind: str, sha256: str) -> Path:
    """Where the intake blob store keeps a ciphertext blob."""
    return ws.root / "intake" / "blobs" / kind / f"{sha256}.age"


def _file_sha256(path: Path) -> str | None:
    """The file's SHA-256 (hex), or None when it cannot be read."""
    try:
        return file_sha256(path)[0]
    except OSError:
        return None


def _expected_leaves(ws: Workspace, res: VerifyResult, check_blobs: bool) -> dict[str, bytes]:
    """Recompute every leaf hash the store's current content implies, keyed by ref."""
    expected: dict[str, bytes] = {}
    with ws.engine.connect() as conn:
        q = (
            select(Import.sha256, RawRow.row_number, RawRow.cells)
            .join(Import, Import.id == RawRow.import_id)
            .execution_options(yield_per=5000)
        )
        for sha, row_number, cells in conn.execute(q):
            ref = raw_row_ref(sha, row_number)
            expected[ref] = merkle.leaf_hash(raw_row_leaf_data(sha, row_number, cells))
            res.raw_rows += 1
        q2 = select(
            IntakeReport.report_id,
            IntakeReport.payload_sha256,
            IntakeReport.bundle_id,
            IntakeReport.attachments,
        )
        for report_id, payload, bundle_id, atts in conn.execute(q2):
            res.intake_reports += 1
            if check_blobs:
                got = _file_sha256(blob_path(ws, "reports", payload or ""))
                res.blobs_checked += 1
                if got is None:
                    res.problems.append(f"intake report {report_id[:16]}: stored report is missing")
                payload = got or payload
                for a in atts or []:
                    res.blobs_checked += 1
                    got_a = _file_sha256(blob_path(ws, "attachments", a.get("blob", "")))
                    if got_a != a.get("blob"):
                        res.problems.append(
                            f"intake report {report_id[:16]}: attachment "
                            f"{str(a.get('blob'))[:16]} missing or altered"
                        )
            expected[report_id] = merkle.leaf_hash(
                intake_report_leaf_data(report_id, payload or "", bundle_id, atts)
            )
    return expected


def _read_leaves(ws: Workspace) -> list[tuple[int, Any, str, str]]:
    """Every ledger row as stored: (seq, leaf hash as read, kind, ref).

    On SQLite a column's type is only advisory: someone editing the file can put text
    where the hash belongs. The columns are read as bytes there and decoded leniently,
    so such an edit is listed as a problem, not a decoding error.
    """
    rows: list[tuple[int, Any, str, str]] = []
    with ws.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            q = text(
                "SELECT seq, typeof(leaf_hash), CAST(leaf_hash AS BLOB), "
                "CAST(kind AS BLOB), CAST(ref AS BLOB) FROM ledger_leaves ORDER BY seq"
            )
            for seq, typ, h, kind, ref in conn.execute(q):
                h = bytes(h) if typ == "blob" and h is not None else (typ, h)
                rows.append((int(seq), h, _text(kind), _text(ref)))
        else:
            stmt = (
                select(LedgerLeaf.seq, LedgerLeaf.leaf_hash, LedgerLeaf.kind, LedgerLeaf.ref)
                .order_by(LedgerLeaf.seq)
                .execution_options(yield_per=5000)
            )
            for seq, h, kind, ref in conn.execute(stmt):
                rows.append((int(seq), bytes(h) if h is not None else None, kind or "", ref or ""))
    return rows


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("utf-8", errors="replace")
    return str(value)


def _hash_problem(h: Any) -> str | None:
    """Why a stored leaf hash is not a 32-byte hash, or None if it is one."""
    if isinstance(h, bytes) and len(h) == 32:
        return None
    if isinstance(h, bytes):
        return f"{len(h)} bytes instead of 32"
    if h is None or (isinstance(h, tuple) and h[0] == "null"):
        return "empty"
    return f"{h[0] if isinstance(h, tuple) else type(h).__name__} instead of a binary hash"


def _check_witness_blob(
    ws: Workspace, sha: str, check_blobs: bool, res: VerifyResult
) -> str | None:
    """Problem with the stored witness blob a witness leaf names, or None."""
    path = blob_path(ws, "witness", sha)
    if not check_blobs:
        return None if path.is_file() else "stored witness contact is missing"
    res.blobs_checked += 1
    got = _file_sha256(path)
    if got is None:
        return "stored witness contact is missing"
    if got != sha:
        return "stored witness contact was altered"
    return None


def verify(
    ws: Workspace,
    known_keys: Iterable[PublicKeys] = (),
    *,
    checkpoints: Iterable[Checkpoint] = (),
    check_blobs: bool = True,
    checkpoint_files: bool = True,
) -> VerifyResult:
    """Prove the store matches its ledger and its signed checkpoints (see module doc).

    ``known_keys``: the organisation public keys whose signatures are accepted;
    a checkpoint signed by any other key is a problem. ``checkpoints``: extra
    checkpoints (e.g. a published file) checked alongside those in the store.
    ``checkpoint_files``: also check the ``WS/ledger/checkpoint-*.txt`` files, so a
    checkpoint deleted from the database (that table is not append-only) still counts.
    ``check_blobs``: re-hash the stored report, attachment and witness blobs.
    Returns a VerifyResult; ``ok`` is False if anything was altered or removed. Every
    problem is listed once, by leaf and reference, never content.
    """
    res = VerifyResult()
    keys = {k.key_id: k for k in known_keys}
    expected = _expected_leaves(ws, res, check_blobs)
    rows = _read_leaves(ws)
    leaves: list[bytes] = []
    seen: set[str] = set()
    missing_seqs: list[int] = []
    want: bytes | None  # the leaf hash the stored content should have; None: content gone
    for seq, h, kind, ref in rows:
        while len(leaves) + len(missing_seqs) < seq:  # a hole in the numbering
            missing_seqs.append(len(leaves) + len(missing_seqs))
        bad_hash = _hash_problem(h)
        if bad_hash:
            res.problems.append(
                f"leaf {seq} ({kind} {ref[:24]}): stored hash is {bad_hash} (altered)"
            )
            h = hashlib.sha256(repr(h).encode()).digest()  # keeps later leaves in place
        leaves.append(h)
        if kind == WITNESS_KIND and ref.startswith(WITNESS_REF):
            sha = ref[len(WITNESS_REF) :]
            want = merkle.leaf_hash(witness_leaf_data(sha))
            problem = _check_witness_blob(ws, sha, check_blobs, res)
            if problem:
                res.problems.append(f"leaf {seq} ({kind} {sha[:16]}): {problem}")
        else:
            want = expected.get(ref)
        if want is None:
            res.problems.append(f"leaf {seq} ({kind} {ref[:24]}): its content was removed")
        elif want != h and not bad_hash:
            res.problems.append(f"leaf {seq} ({kind} {ref[:24]}): content was altered")
        if ref in seen:
            res.problems.append(f"leaf {seq}: {ref[:24]} appears twice")
        seen.add(ref)
    for seq in missing_seqs[:50]:
        res.problems.append(f"ledger leaf {seq} is missing (removed)")
    if len(missing_seqs) > 50:
        res.problems.append(f"... and {len(missing_seqs) - 50} more leaves missing")
    if missing_seqs:
        # The tree is over positions: with holes, the positions after the first hole
        # cannot be checked against signed roots. Keep only the unbroken prefix.
        leaves = leaves[: missing_seqs[0]]
    with ws.engine.connect() as conn:
        stored = [
            Checkpoint(
                ws.id,
                int(c.tree_size),
                bytes(c.root_hash),
                c.key_id or "",
                bytes(c.signature or b""),
            )
            for c in conn.execute(select(LedgerCheckpoint).order_by(LedgerCheckpoint.id))
        ]
    missing_leaf = set(expected) - seen
    for ref in sorted(missing_leaf)[:50]:
        res.problems.append(f"{ref[:24]}: stored content has no ledger leaf")
    if len(missing_leaf) > 50:
        res.problems.append(f"... and {len(missing_leaf) - 50} more without a leaf")
    res.leaves_checked = len(rows)
    res.tree_size = len(rows)
    res.root_hash = merkle.root_hash(leaves).hex() if not missing_seqs else ""
    from_files: list[tuple[Checkpoint, str]] = []
    if checkpoint_files and (ws.root / "ledger").is_dir():
        for f in sorted((ws.root / "ledger").glob("checkpoint-*.txt")):
            try:
                from_files.append((parse_checkpoint(f.read_text("utf-8")), f.name))
            except (IntakeError, OSError, UnicodeDecodeError):
                res.problems.append(f"{f.name}: unreadable or malformed checkpoint file")
    stored_keys = {(c.tree_size, c.root_hash, c.signature) for c in stored}
    for c, name in from_files:
        if (c.tree_size, c.root_hash, c.signature) not in stored_keys:
            res.problems.append(
                f"{name}: checkpoint for size {c.tree_size} has no matching "
                "checkpoint in the store (removed from the database?)"
            )
    # One check per distinct checkpoint, saying where each copy of it was found.
    found: dict[tuple[str, int, bytes, str, bytes], tuple[Checkpoint, list[str]]] = {}
    for cp, where in [
        *((c, "in the store") for c in stored),
        *((c, name) for c, name in from_files),
        *((c, "given with --checkpoint") for c in checkpoints),
    ]:
        key = (cp.origin, cp.tree_size, cp.root_hash, cp.key_id, cp.signature)
        found.setdefault(key, (cp, []))[1].append(where)
    all_cps = sorted(found.values(), key=lambda t: t[0].tree_size)
    prev: Checkpoint | None = None
    for cp, places in all_cps:
        res.checkpoints_checked += 1
        label = f"checkpoint at size {cp.tree_size} ({', '.join(dict.fromkeys(places))})"
        signer = keys.get(cp.key_id)
        if signer is None or key_id(signer.signing_public) != cp.key_id:
            res.problems.append(f"{label}: signed by an unknown key ({cp.key_id[:16]})")
        elif not verify_signature(
            signer.signing_public,
            checkpoint_body(cp.origin, cp.tree_size, cp.root_hash),
            cp.signature,
        ):
            res.problems.append(f"{label}: bad signature")
        if cp.origin != ws.id:
            res.problems.append(f"{label}: belongs to another workspace")
            continue
        holes = [s for s in missing_seqs if s < cp.tree_size]
        if holes:
            res.problems.append(
                f"{label}: leaf {', '.join(map(str, holes[:10]))}"
                f"{' …' if len(holes) > 10 else ''} of its tree "
                f"{'is' if len(holes) == 1 else 'are'} missing (leaves removed)"
            )
            continue
        if cp.tree_size > len(rows):
            res.problems.append(
                f"{label}: the ledger now has {len(rows)} leaves, "
                f"{cp.tree_size - len(rows)} fewer than were signed "
                "(leaves removed)"
            )
            continue
        if merkle.root_hash(leaves[: cp.tree_size]) != cp.root_hash:
            res.problems.append(
                f"{label}: root does not match the current leaves "
                "(rows altered or removed since it was signed)"
            )
        if prev is not None and prev.tree_size <= cp.tree_size:
            proof = merkle.consistency_proof(prev.tree_size, leaves[: cp.tree_size])
            if not merkle.verify_consistency(
                prev.tree_size, cp.tree_size, prev.root_hash, cp.root_hash, proof
            ):
                res.problems.append(
                    f"{label}: not consistent with checkpoint at size {prev.tree_size}"
                )
        prev = cp
    if check_blobs:
        _check_unledgered_witness_blobs(ws, seen, res)
    return res


def _check_unledgered_witness_blobs(ws: Workspace, seen: set[str], res: VerifyResult) -> None:
    """Witness blobs stored before witness leaves existed: each must still hash to its
    name (a content-addressed store); one that does not was altered."""
    folder = ws.root / "intake" / "blobs" / "witness"
    if not folder.is_dir():
        return
    for p in sorted(folder.glob("*.age")):
        if witness_ref(p.stem) in seen:
            continue
        res.blobs_checked += 1
        if _file_sha256(p) != p.stem:
            res.problems.append(
                f"witness blob {p.stem[:16]}: altered (its content no longer matches its name)"
            )


def prove_inclusion(ws: Workspace, ref: str, tree_size: int | None = None) -> dict[str, Any]:
    """An RFC 9162 inclusion proof that the leaf for ``ref`` is in the tree of ``tree_size``.

    ``ref`` is a report id or a raw row ref (``<import sha256[:16]>:<row>``). The
    proof holds hashes only, so it can be handed to a third party together with a
    published checkpoint of the same size (``check_inclusion``).
    """
    leaves = leaf_hashes(ws)
    size = len(leaves) if tree_size is None else tree_size
    if not 0 < size <= len(leaves):
        raise IntakeError(f"tree size must be between 1 and {len(leaves)}")
    with ws.engine.connect() as conn:
        row = conn.execute(
            select(LedgerLeaf.seq, LedgerLeaf.kind).where(LedgerLeaf.ref == ref)
        ).first()
    if row is None:
        raise IntakeError(f"no ledger leaf for {ref[:24]!r}")
    seq, kind = int(row[0]), row[1]
    if seq >= size:
        raise IntakeError(f"leaf {seq} was appended after a tree of size {size}")
    proof = merkle.inclusion_proof(seq, leaves[:size])
    return {
        "format": "roshan-inclusion-proof/1",
        "origin": ws.id,
        "ref": ref,
        "kind": kind,
        "leaf_index": seq,
        "tree_size": size,
        "leaf_hash": leaves[seq].hex(),
        "proof": [p.hex() for p in proof],
        "root_hash": merkle.root_hash(leaves[:size]).hex(),
    }


def check_inclusion(proof: Mapping[str, Any], cp: Checkpoint) -> bool:
    """Does ``proof`` (from ``prove_inclusion``) show its leaf under checkpoint ``cp``?

    The caller must have checked ``cp``'s signature (``verify_signature``).
    """
    try:
        if proof.get("format") != "roshan-inclusion-proof/1":
            return False
        if int(proof["tree_size"]) != cp.tree_size or proof.get("origin") != cp.origin:
            return False
        return merkle.verify_inclusion(
            int(proof["leaf_index"]),
            cp.tree_size,
            bytes.fromhex(proof["leaf_hash"]),
            [bytes.fromhex(p) for p in proof["proof"]],
            cp.root_hash,
        )
    except (KeyError, TypeError, ValueError):
        return False
