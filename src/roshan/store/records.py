"""Read records out of the store for later stages, as one DataFrame."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
from sqlalchemy import select

from roshan.canonical import FIELD_NAMES
from roshan.store.models import Import, Record, Source
from roshan.store.workspace import Workspace


def records_frame(
    ws: Workspace, accepted_only: bool = True, *, with_extra: bool = False
) -> pd.DataFrame:
    """All records with provenance: record_pk, import_id, source, source_kind, row_number, status,
    and every canonical field (strings or None), ordered by record_pk. ``with_extra``:
    also ``extra``, the unmapped cells of each row (header → value, or None), and
    ``list_place``, the place given for the whole list at ingest (``--place``), and
    ``list_dates``, what the import's mapping and headers state about its dates (see
    :func:`list_dates`)."""
    cols = [getattr(Record, f) for f in FIELD_NAMES]
    if with_extra:
        cols += [Record.extra, Import.mapping.label("import_mapping")]
    stmt = (
        select(
            Record.id.label("record_pk"),
            Record.import_id,
            Source.name.label("source"),
            Source.kind.label("source_kind"),
            Record.row_number,
            Record.status,
            *cols,
        )
        .join(Source, Source.id == Record.source_id)
        .join(Import, Import.id == Record.import_id)
        .order_by(Record.id)
    )
    if accepted_only:
        stmt = stmt.where(Record.status == "accepted")
    with ws.engine.connect() as conn:
        frame = pd.read_sql(stmt, conn)
    for f in FIELD_NAMES:
        frame[f] = frame[f].astype(object).where(frame[f].notna(), None)
    if with_extra:
        mappings = frame.pop("import_mapping")
        frame["list_place"] = mappings.map(_list_place)
        first = dict(zip(frame["import_id"], mappings, strict=True))  # one per import
        stated = {i: list_dates(m) for i, m in first.items()}
        frame["list_dates"] = frame["import_id"].map(stated)
    return frame


def list_dates(mapping: Any) -> str | None:
    """What an import's mapping says of its dates, as canonical JSON text (one value
    per import, cheap to group by): the ``calendar`` and ``date_format`` options of a
    mapping file and the header of each date column (``{"calendar": "jalali",
    "headers": {"date_of_death": "Date (dd/mm/yyyy)"}}``); None when it says nothing.
    roshan.normalize reads it (dates.hint_from_text)."""
    m = json_object(mapping)
    options = m.get("options") or {}
    out: dict[str, Any] = {
        k: str(options[k]) for k in ("calendar", "date_format") if options.get(k)
    }
    resolved = m.get("resolved") or {}
    headers = {f: h for h, f in resolved.items() if isinstance(f, str) and f.startswith("date_")}
    if headers:
        out["headers"] = headers
    return json.dumps(out, sort_keys=True, ensure_ascii=False) if out else None


def json_object(value: Any) -> dict[str, Any]:
    """A JSON column's object (``Record.extra``, ``Import.mapping``) as a dict: as the
    driver hands it back, or decoded from text (some databases return JSON as text);
    empty for anything else."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    return value if isinstance(value, dict) else {}


def _list_place(mapping: Any) -> str | None:
    """The ``place`` option of an import's mapping (``roshan ingest --place``), if any."""
    place = (json_object(mapping).get("options") or {}).get("place")
    return str(place) if place else None
