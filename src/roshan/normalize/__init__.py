"""roshan.normalize: raw field values to comparable ones (names, dates, ages, places).

Entry points:

- :func:`normalize_workspace` — the stage on a workspace: accepted records in,
  ``snapshots/normalized.parquet`` out; :func:`normalize_frame` on a frame;
  :func:`summarize` — what a snapshot holds;
- one parser per field, each returning a result object: :func:`normalize_name`
  (:class:`NameResult`), :func:`parse_date` with an optional :class:`ColumnHint`
  (:class:`DateResult`), :func:`parse_age` (:class:`AgeResult`), :func:`normalize_place`
  (:class:`PlaceResult`), :func:`place_of_list` (a whole list's place, as ``roshan ingest
  --place`` gives it; it names no city or province when roshan does not know it) and
  :func:`province_of`;
- :func:`dot_skeleton` — a name key with the letters that differ only by their dots in
  Persian script made one (the linkage stage compares and blocks on it).

Names load on first use (:mod:`roshan._lazy`): ``import roshan.normalize`` is cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from roshan._lazy import lazy_exports

if TYPE_CHECKING:
    from roshan.normalize.ages import AgeResult, parse_age
    from roshan.normalize.dates import ColumnHint, DateResult, parse_date
    from roshan.normalize.keys import dot_skeleton
    from roshan.normalize.names import NameResult, normalize_name
    from roshan.normalize.places import PlaceResult, normalize_place, place_of_list, province_of
    from roshan.normalize.snapshot import normalize_frame, normalize_workspace
    from roshan.normalize.summary import summarize

__all__ = [
    "AgeResult",
    "ColumnHint",
    "DateResult",
    "NameResult",
    "PlaceResult",
    "dot_skeleton",
    "normalize_frame",
    "normalize_name",
    "normalize_place",
    "normalize_workspace",
    "parse_age",
    "parse_date",
    "place_of_list",
    "province_of",
    "summarize",
]

__getattr__, __dir__ = lazy_exports(__name__)
