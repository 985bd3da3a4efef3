"""Row checks ingest runs on every mapped row (minimal version; the normalise stage refines it).

``error`` rejects the row (kept in raw_rows with the reason); ``warning`` is stored
beside an accepted record. Messages never echo the values, which are personal data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from roshan.canonical import NAME_FIELDS


@dataclass(frozen=True)
class FieldIssue:
    """One problem with one field of one row."""

    field: str
    message: str
    severity: Literal["error", "warning"]


def check_fields(fields: Mapping[str, str | None]) -> list[FieldIssue]:
    """Return the issues of one mapped row; an ``error`` means the row can't be used."""
    issues: list[FieldIssue] = []
    if not any((fields.get(f) or "").strip() for f in NAME_FIELDS):
        issues.append(FieldIssue("full_name", "no name in any name field", "error"))
    return issues
