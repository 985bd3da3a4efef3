"""normalize_frame (pure), the parquet snapshot (schema, atomic write) and a real workspace run."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from roshan.canonical import FIELD_NAMES, CauseOfDeath, SourceKind
from roshan.normalize.schema import COLUMNS, NORMALIZED_SCHEMA
from roshan.normalize.snapshot import normalize_frame, write_parquet

# SYNTHETIC records (names are common given/family names, no real persons).
ROWS = [
    {"full_name": "محمدرضا حسینی", "date_of_death": "۱۸ دی ۱۴۰۴", "age": "۲۳", "city": "لردگان"},
    {
        "given_name": "Mohammad Reza",
        "family_name": "Hosseini",
        "date_of_death": "2026-01-08",
        "age": "23 years",
        "city": "Lordjan",
        "sex": "male",
        "body_withheld": "yes",
        "cause_of_death": "gunshot to the chest",
        "record_id": "A-7",
    },
    {
        "full_name": "Seyyed Ali Mousavi",
        "date_of_death": "08/01/2026",
        "age": "about 30",
        "city": "Nowhere-ville",
        "sex": "?",
    },
    {
        "full_name": "Zahra Rezaei",
        "date_of_death": "Dey 1404",
        "age": "teenager",
        "province": "Ilam",
        "cause_category": "pellets",
        "date_of_birth": "1385",
    },
    {},
]


def records(rows: list[dict] = ROWS) -> pd.DataFrame:
    out = []
    for i, r in enumerate(rows):
        rec = {f: None for f in FIELD_NAMES}
        rec.update(r)
        rec.update(
            record_pk=i + 1,
            import_id=1,
            source="list-a" if i < 2 else "list-b",
            source_kind="ngo_list",
            row_number=i + 2,
        )
        out.append(rec)
    return pd.DataFrame(out)


def test_columns_and_schema() -> None:
    out = normalize_frame(records())
    assert list(out.columns) == list(COLUMNS) == NORMALIZED_SCHEMA.names
    assert len(out) == len(ROWS)
    assert out["record_pk"].tolist() == [1, 2, 3, 4, 5]


def test_values() -> None:
    out = normalize_frame(records()).set_index("record_pk")
    a, b, c, d, e = (out.loc[i] for i in range(1, 6))
    # same victim, two scripts
    assert a.full_key == b.full_key and a.given_key == b.given_key == "mhmd rzA"
    assert a.family_key == b.family_key and a.name_tokens == ["mhmd", "rzA", "hsYnY"]
    assert a.given_norm == "محمدرضا" and b.given_norm == "mohammad reza"
    assert a.name_script == "fa" and b.name_script == "latin"
    assert a.dod_iso == b.dod_iso == "2026-01-08" and a.dod_calendar == "jalali"
    assert str(a.dod) == "2026-01-08"
    assert a.age_min == a.age_max == b.age_min == 23
    assert a.city == b.city == "Lordegan" and a.province_code == "IR-14"
    assert a.sex == "m" and bool(a.sex_imputed) and b.sex == "m" and not bool(b.sex_imputed)
    assert b.record_id == "A-7" and bool(b.body_withheld) is True
    assert b.cause_category == CauseOfDeath.LIVE_AMMUNITION.value
    # honorific moved, ambiguous date flagged, unknown place kept and flagged
    assert c.honorifics == "seyyed" and c.given_norm == "ali" and c.family_norm == "mousavi"
    assert bool(c.dod_ambiguous) and c.dod_precision == "year" and c.dod_iso == "2026"
    assert (c.age_min, c.age_max) == (27, 33)
    assert bool(c.place_unresolved) and c.city == "nowhere ville" and c.place_confidence == 0
    # partial Jalali date, category kept, province only, imputed female
    assert d.dod_iso == "1404-10" and d.dod_precision == "month" and str(d.dod) == "2025-12-22"
    assert d.cause_category == "pellets" and d.province == "Ilam" and d.city is None
    assert d.sex == "f" and bool(d.sex_imputed) and d.dob_year == 2006
    # empty record
    assert e.full_key is None and e.sex is None and e.cause_category == "unknown"


def test_column_hint_resolves_two_digit_years_per_source() -> None:
    rows = [
        {"full_name": "x", "date_of_death": "1404/10/18"},
        {"full_name": "y", "date_of_death": "1404/10/20"},
        {"full_name": "z", "date_of_death": "04/10/18"},
    ]
    df = records(rows)
    df["source"] = "one-source"
    out = normalize_frame(df)
    assert out["dod_iso"].tolist() == ["2026-01-08", "2026-01-10", "2026-01-08"]


def test_pure_and_repeatable() -> None:
    df = records()
    before = df.copy()
    one, two = normalize_frame(df), normalize_frame(df)
    pd.testing.assert_frame_equal(df, before)
    pd.testing.assert_frame_equal(one, two)


def test_parquet_atomic_write(tmp_path: Path) -> None:
    out = normalize_frame(records())
    path = write_parquet(out, tmp_path / "snap" / "normalized.parquet")
    table = pq.read_table(path)
    assert table.schema.equals(NORMALIZED_SCHEMA, check_metadata=False)
    assert table.num_rows == len(ROWS)
    assert [p.name for p in path.parent.iterdir()] == ["normalized.parquet"]  # no temp left


def test_normalize_workspace(sqlite_ws) -> None:
    pytest.importorskip("roshan.ingest.importer")
    from roshan.ingest.importer import ingest_records
    from roshan.normalize.snapshot import VARIANTS_FILE, normalize_workspace
    from roshan.normalize.variants import add_confirmed_variant

    rows = [{k: v for k, v in r.items()} for r in ROWS if r]
    ingest_records(
        sqlite_ws,
        rows,
        source_name="list-a",
        source_kind=SourceKind.NGO_LIST,
        file_name="a.csv",
        sha256="0" * 64,
        size=1,
    )
    # a reviewer confirmed that these two spellings are one name (workspace file)
    add_confirmed_variant("Rezaei", "Rezvani", path=Path(sqlite_ws.root) / VARIANTS_FILE)
    path = normalize_workspace(sqlite_ws)
    assert path == Path(sqlite_ws.snapshots_dir) / "normalized.parquet"
    frame = pq.read_table(path).to_pandas()
    assert len(frame) == 4
    assert set(frame["full_key"].dropna()) >= {"hsYnY mhmd rzA"}


@pytest.mark.slow
def test_parallel_name_path_matches_serial(monkeypatch: pytest.MonkeyPatch) -> None:
    import roshan.normalize.snapshot as snap

    df = records(ROWS * 3)
    serial = normalize_frame(df)
    monkeypatch.setattr(snap, "PARALLEL_MIN_VALUES", 1)
    monkeypatch.setenv("ROSHAN_WORKERS", "2")
    parallel = normalize_frame(df)
    pd.testing.assert_frame_equal(serial, parallel)


def test_persian_names_romanised_like_the_latin_records_of_the_same_run() -> None:
    rows = [
        {"given_name": "Kheirollah", "family_name": "Lordeganipour"},
        {"given_name": "خیرالله", "family_name": "لردگانی‌پور"},
    ]
    out = normalize_frame(records(rows))
    assert out.loc[0, "family_key"] == out.loc[1, "family_key"]
    assert out.loc[1, "family_roman"] == "lordegani pour"  # seen in the Latin record
    alone = normalize_frame(records(rows[1:]))
    assert alone.loc[0, "family_roman"] != "lordegani pour"  # guessed without it
