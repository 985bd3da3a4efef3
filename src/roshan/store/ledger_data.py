"""The bytes each ledger leaf commits to (RFC 9162 leaf input), defined in one place.

Ingest appends a leaf for every raw row in the import's transaction; the ledger
verifier recomputes these bytes from the store to prove nothing changed. The
encoding is canonical JSON (sorted keys, no spaces, UTF-8), so the same content
always gives the same leaf. Leaf data holds row content, so only hashes of it
are ever published.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

LEAF_PREFIX = b"\x00"  # RFC 9162 §2.1.1: MTH({d0}) = SHA-256(0x00 || d0)


def canonical_json(obj: Any) -> str:
    """Deterministic JSON text: sorted keys, compact separators, non-ASCII kept."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def raw_row_leaf_data(import_sha256: str, row_number: int, cells: Mapping[str, Any]) -> bytes:
    """Leaf input for one raw row: which import, which row, and its cells verbatim."""
    return canonical_json({"kind": "raw_row", "import": import_sha256, "row": row_number,
                           "cells": cells}).encode("utf-8")


def leaf_hash(data: bytes) -> bytes:
    """RFC 9162 leaf hash: SHA-256(0x00 || data)."""
    return hashlib.sha256(LEAF_PREFIX + data).digest()
