"""Schema of ``snapshots/normalized.parquet``, the normalise stage's output.

One row per accepted record. The linkage stage reads these columns by name;
``docs/normalization.md`` describes each. Originals stay in the store: every
column here is *beside* the source value, never instead of it.
"""

from __future__ import annotations

import pyarrow as pa

NORMALIZED_SCHEMA = pa.schema(
    [
        pa.field("record_pk", pa.int64(), nullable=False),
        pa.field("source", pa.string()),
        pa.field("source_kind", pa.string()),
        pa.field("record_id", pa.string()),
        pa.field("row_number", pa.int64()),
        # script-normalised text, original script, honorifics removed
        pa.field("full_name_norm", pa.string()),
        pa.field("given_norm", pa.string()),
        pa.field("family_norm", pa.string()),
        pa.field("father_norm", pa.string()),
        # cross-script keys (token keys space-separated; full_key sorted)
        pa.field("given_key", pa.string()),
        pa.field("family_key", pa.string()),
        pa.field("father_key", pa.string()),
        pa.field("full_key", pa.string()),
        # the other given name written in brackets («مهسا (ژینا)», "Hiwa (Khaled)")
        pa.field("alias_key", pa.string()),
        pa.field("name_tokens", pa.list_(pa.string())),
        # readable romanisation, lower-case ASCII
        pa.field("given_roman", pa.string()),
        pa.field("family_roman", pa.string()),
        pa.field("father_roman", pa.string()),
        pa.field("full_roman", pa.string()),
        pa.field("honorifics", pa.string()),
        pa.field("name_script", pa.string()),
        # what the name reading changed, space-separated (names.NAME_FLAGS), else null
        pa.field("name_flags", pa.string()),
        pa.field("sex", pa.string()),
        pa.field("sex_imputed", pa.bool_()),
        pa.field("age_min", pa.int32()),
        pa.field("age_max", pa.int32()),
        pa.field("dod", pa.date32()),
        pa.field("dod_last", pa.date32()),
        pa.field("dod_iso", pa.string()),
        pa.field("dod_precision", pa.string()),
        pa.field("dod_calendar", pa.string()),
        pa.field("dod_ambiguous", pa.bool_()),
        pa.field("dob_iso", pa.string()),
        pa.field("dob_year", pa.int32()),
        pa.field("city", pa.string()),
        pa.field("county", pa.string()),
        pa.field("province", pa.string()),
        pa.field("province_code", pa.string()),
        pa.field("place_confidence", pa.float32()),
        pa.field("place_unresolved", pa.bool_()),
        pa.field("cause_category", pa.string()),
        pa.field("body_withheld", pa.bool_()),
        # the date of burial, when known to the day (a cemetery register often gives
        # no date of death; linkage compares it with the other record's date of death)
        pa.field("burial", pa.date32()),
        # the national ID's ten digits (normalize.ids), and whether its check digit holds
        pa.field("national_id", pa.string()),
        pa.field("national_id_valid", pa.bool_()),
    ]
)

COLUMNS: tuple[str, ...] = tuple(NORMALIZED_SCHEMA.names)
