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

See docs/intake.md and docs/threat-model.md.
"""
