"""Redaction rules for exports: what each level keeps, and how spreadsheet cells are made safe.

Levels (documented in docs/reporting.md):

* ``none`` — everything as stored (for the team's own backups and analysis).
* ``internal`` — for partner organisations under a data-sharing agreement: drops
  every field that can identify a source's witness or informant
  (:data:`roshan.canonical.SENSITIVE_FIELDS`: ``source_reference``, ``witness``,
  ``notes``), the victim's national ID (``national_id``) and the raw ``extra``
  columns; keeps source names and record ids.
* ``public`` — for publication: ``internal`` plus source names replaced by
  ``List A``, ``List B``, … (in the workspace's source order), source record ids,
  row numbers and store keys dropped (links get a meaningless sequence number
  instead), free text dropped (``cause_of_death``; ``notes`` already gone),
  place and burial detail dropped (``place_of_death``, ``burial_place``), date of
  birth dropped, and aggregate cells with fewer than ``min_cell`` people
  suppressed. Victims' names (``full_name``, ``given_name``, ``family_name``,
  ``father_name``, and the victim's ``display_name``/``romanized``) are dropped
  by default too: naming the dead is an editorial decision an organisation
  takes on purpose, so it is opt-in (``public_names=True``, ``--names keep``).

Formula injection: a CSV or XLSX cell that starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return is run as a formula by spreadsheet programs;
:func:`neutralise` prefixes such text with an apostrophe so it stays text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from roshan.canonical import NAME_FIELDS, SENSITIVE_FIELDS

__all__ = [
    "LEVELS",
    "RedactionRule",
    "rule_for",
    "list_label",
    "neutralise",
    "neutralise_frame",
    "FORMULA_PREFIXES",
]

LEVELS: tuple[str, ...] = ("none", "internal", "public")
#: First characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection).
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
#: Characters XLSX (XML 1.0) cannot hold; removed from cells.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

#: Victim-name columns dropped by ``public`` unless names are kept on purpose.
VICTIM_NAME_COLUMNS: frozenset[str] = frozenset(
    {*NAME_FIELDS, "father_name", "display_name", "romanized", "name_key"}
)
#: A state identifier of the victim (the national ID, کد ملی): it serves linkage in the
#: team's own store and leaves it only at level ``none`` (a partner under agreement
#: links by names; a published or shared number exposes the family to the state).
VICTIM_ID_COLUMNS: frozenset[str] = frozenset({"national_id"})
#: Identifiers of a source's own records and of the store.
RECORD_ID_COLUMNS: frozenset[str] = frozenset(
    {"record_id", "row_number", "record_pk", "import_id", "extra"}
)
#: Free text and fine place detail dropped from public exports.
PUBLIC_DETAIL_COLUMNS: frozenset[str] = frozenset(
    {"cause_of_death", "place_of_death", "burial_place", "date_of_birth"}
)


@dataclass(frozen=True)
class RedactionRule:
    """What an export at one level drops or replaces."""

    level: str
    drop: frozenset[str]
    anonymise_sources: bool
    min_cell: int
    keep_names: bool

    def apply(self, frame: pd.DataFrame, labels: dict[str, str] | None = None) -> pd.DataFrame:
        """Drop this level's columns and replace source names with labels (a new frame)."""
        out = frame.drop(columns=[c for c in frame.columns if c in self.drop])
        if self.anonymise_sources and labels:
            for col in ("source", "sources"):
                if col in out.columns:
                    out[col] = out[col].map(lambda v: _relabel(v, labels))
        return out


def _relabel(value: Any, labels: dict[str, str]) -> Any:
    if isinstance(value, str):
        return labels.get(value, "List ?")
    if isinstance(value, (list, tuple)) or hasattr(value, "tolist"):
        seq = value.tolist() if hasattr(value, "tolist") else value
        return [labels.get(str(v), "List ?") for v in seq]
    return value


def rule_for(level: str, *, min_cell: int = 5, public_names: bool = False) -> RedactionRule:
    """The :class:`RedactionRule` of ``level`` (``none``, ``internal`` or ``public``)."""
    from roshan.errors import RoshanError

    if level not in LEVELS:
        raise RoshanError(f"unknown redaction level {level!r}; choose one of {', '.join(LEVELS)}")
    if min_cell < 0:
        raise RoshanError("--min-cell must be 0 or more")
    if level == "none":
        return RedactionRule("none", frozenset(), False, 0, True)
    if level == "internal":
        drop_internal = frozenset({*SENSITIVE_FIELDS, *VICTIM_ID_COLUMNS, "extra"})
        return RedactionRule("internal", drop_internal, False, 0, True)
    drop = {
        *SENSITIVE_FIELDS,
        *VICTIM_ID_COLUMNS,
        *RECORD_ID_COLUMNS,
        *PUBLIC_DETAIL_COLUMNS,
        "source_kind_detail",
    }
    if not public_names:
        drop |= VICTIM_NAME_COLUMNS
    return RedactionRule("public", frozenset(drop), True, int(min_cell), public_names)


def list_label(i: int) -> str:
    """``List A`` … ``List Z``, then ``List AA``, ``List AB``, … for the ``i``-th source (from 0)."""
    letters = ""
    n = i
    while True:
        letters = chr(ord("A") + n % 26) + letters
        n = n // 26 - 1
        if n < 0:
            break
    return f"List {letters}"


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula, prefixed with ``'``; XML-illegal chars removed.

    Non-text values are returned unchanged.
    """
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_PREFIXES):
        value = "'" + value
    return _ILLEGAL_XML.sub("", value)


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell and column name neutralised."""
    out = frame.copy()
    out.columns = [neutralise(str(c)) for c in out.columns]
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    return out
