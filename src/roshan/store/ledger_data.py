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
    """Leaf input for one raw row: which import, which row, and its cells verbatim.

    Equal to ``canonical_json({"cells": cells, "import": sha, "kind": "raw_row", "row": n})``.
    """
    return raw_row_leaf_data_from_json(import_sha256, row_number, canonical_json(cells))


def raw_row_leaf_data_from_json(import_sha256: str, row_number: int, cells_json: str) -> bytes:
    """The same bytes as :func:`raw_row_leaf_data`, from the cells' canonical JSON.

    Ingest already serialises the cells once for ``raw_rows``; building the leaf
    around that text (keys in sorted order) avoids a second serialisation per row.
    """
    return (
        f'{{"cells":{cells_json},"import":{json.dumps(import_sha256)},'
        f'"kind":"raw_row","row":{int(row_number)}}}'
    ).encode()


def leaf_hash(data: bytes) -> bytes:
    """RFC 9162 leaf hash: SHA-256(0x00 || data)."""
    return hashlib.sha256(LEAF_PREFIX + data).digest()
