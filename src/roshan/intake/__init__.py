"""roshan.intake: safe field intake through a blackout.

Modules (one idea each):

* ``keys``      organisation age recipient + Ed25519 signing key; reporter keys
* ``agefmt``    strict age header parsing; small age writers (scrypt, X25519)
* ``media``     metadata stripping (JPEG, PNG, MP4) and decompression-bomb checks
* ``report``    a witness report, encrypted to the organisation when saved
* ``form``      the offline terminal form (Persian / English)
* ``html_form`` the offline single-file HTML form (in-browser age encryption)
* ``bundle``    content-addressed bundles of encrypted blobs (optionally signed)
* ``chunks``    size-limited, resumable, any-order chunks of a bundle
* ``inspect``   key-less integrity check of bundles and chunks
* ``importer``  verify, decrypt, de-duplicate and ingest bundles into a workspace
* ``merkle``    RFC 9162 Merkle tree hashing, proofs and their verification
* ``ledger``    the workspace ledger: tree heads, signed checkpoints, verification

Entry points (in ``__all__``):

- keys: :func:`init_keys`, :func:`unlock`, :func:`load_public`, :func:`load_recipient`,
  :func:`load_identity_file`, :func:`encode_signing_public`, :func:`verify_signature`;
  reporter keys :func:`init_reporter`, :func:`load_reporter_key`, :func:`load_reporters`;
  the key files' names (:data:`RECIPIENT_FILE`, :data:`SIGNING_PUB_FILE`, :data:`QR_PNG`,
  :data:`QR_SVG`, :data:`REPORTER_PUB_FILE`, :data:`REPORTERS_DIR`);
- in the field: :func:`run_form` / :func:`answers_from_json` (:data:`FORM_TEXTS` is the
  form's wording, ``roshan.intake.form.TEXTS``), :func:`save_report`,
  :func:`render_form`, :func:`pack_outbox`, :func:`split_bundle`;
- at the organisation: :func:`check_files`, :func:`open_bundle`, :class:`Spool`,
  :func:`import_bundles`, :func:`read_witness_contact`;
- the ledger: :func:`tree_head`, :func:`checkpoint`, :func:`parse_checkpoint`,
  :func:`checkpoint_body`, :func:`verify_ledger` (``roshan.intake.ledger.verify``),
  :func:`prove_inclusion`, :func:`check_inclusion`.

Names load on first use (:mod:`roshan._lazy`): ``import roshan.intake`` is cheap.
See docs/intake.md and docs/threat-model.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from roshan._lazy import lazy_exports

if TYPE_CHECKING:
    from roshan.intake.bundle import open_bundle, pack_outbox
    from roshan.intake.chunks import Spool, split_bundle
    from roshan.intake.form import TEXTS as FORM_TEXTS
    from roshan.intake.form import answers_from_json, run_form
    from roshan.intake.html_form import render_form
    from roshan.intake.importer import import_bundles, read_witness_contact
    from roshan.intake.inspect import check_files
    from roshan.intake.keys import (
        QR_PNG,
        QR_SVG,
        RECIPIENT_FILE,
        REPORTER_PUB_FILE,
        REPORTERS_DIR,
        SIGNING_PUB_FILE,
        encode_signing_public,
        init_keys,
        init_reporter,
        load_identity_file,
        load_public,
        load_recipient,
        load_reporter_key,
        load_reporters,
        unlock,
        verify_signature,
    )
    from roshan.intake.ledger import (
        check_inclusion,
        checkpoint,
        checkpoint_body,
        parse_checkpoint,
        prove_inclusion,
        tree_head,
    )
    from roshan.intake.ledger import verify as verify_ledger
    from roshan.intake.report import save_report

__all__ = [
    "FORM_TEXTS",
    "QR_PNG",
    "QR_SVG",
    "RECIPIENT_FILE",
    "REPORTERS_DIR",
    "REPORTER_PUB_FILE",
    "SIGNING_PUB_FILE",
    "Spool",
    "answers_from_json",
    "check_files",
    "check_inclusion",
    "checkpoint",
    "checkpoint_body",
    "encode_signing_public",
    "import_bundles",
    "init_keys",
    "init_reporter",
    "load_identity_file",
    "load_public",
    "load_recipient",
    "load_reporter_key",
    "load_reporters",
    "open_bundle",
    "pack_outbox",
    "parse_checkpoint",
    "prove_inclusion",
    "read_witness_contact",
    "render_form",
    "run_form",
    "save_report",
    "split_bundle",
    "tree_head",
    "unlock",
    "verify_ledger",
    "verify_signature",
]

__getattr__, __dir__ = lazy_exports(__name__)
