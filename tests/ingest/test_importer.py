"""Ingest end to end on both backends: provenance, idempotence, atomicity, bad rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from roshan.canonical import SourceKind
from roshan.errors import InputFileError, MappingError
from roshan.ingest.importer import ingest_file, ingest_records
from roshan.store.ledger_data import leaf_hash, raw_row_leaf_data
from roshan.store.models import Import, LedgerLeaf, RawRow, Record
from roshan.store.records import records_frame
from roshan.store.status import workspace_status
from roshan.store.workspace import Workspace

CSV = (
    "record_id,full_name,date_of_death,province,notes\n"
    'A1,محمدرضا حسینی,1404/10/18,Tehran,"two\nlines"\n'
    "A2,Mohammad Reza Hosseini,2026-01-08,Fars,\n"
    "A3,,2026-01-09,Fars,no name here\n"
    "A4,Zahra Karimi,2026-01-10,Fars,x,EXTRA\n"
)


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return p


def counts(ws: Workspace) -> dict[str, int]:
    s = workspace_status(ws)
    return {k: s[k] for k in ("sources", "imports", "raw_rows", "records", "rejected")}


def test_ingest_csv_keeps_every_row_with_provenance(any_ws: Workspace, tmp_path: Path) -> None:
    f = write(tmp_path, "SYNTHETIC-list.csv", CSV)
    res = ingest_file(any_ws, f, source_name="NGO A", source_kind=SourceKind.NGO_LIST)
    assert (res.rows_total, res.rows_accepted, res.rows_rejected) == (4, 2, 2)
    assert {(i.row, i.field) for i in res.issues} == {(3, "full_name"), (4, "*")}
    assert counts(any_ws) == {
        "sources": 1,
        "imports": 1,
        "raw_rows": 4,
        "records": 4,
        "rejected": 2,
    }
    with any_ws.engine.connect() as conn:
        cells = conn.execute(select(RawRow.cells).where(RawRow.row_number == 1)).scalar()
        assert cells["notes"] == "two\nlines"  # quoted newline kept verbatim
        ragged = conn.execute(select(RawRow.cells).where(RawRow.row_number == 4)).scalar()
        assert ragged["_extra_1"] == "EXTRA"  # nothing lost
        imp = conn.execute(select(Import)).first()
        assert imp.sha256 and imp.encoding == "utf-8" and imp.rows_rejected == 2
    frame = records_frame(any_ws)
    assert list(frame["record_id"]) == ["A1", "A2"]
    assert frame.loc[0, "full_name"] == "محمدرضا حسینی"
    assert frame.loc[0, "notes"] == "two\nlines"


def test_reingest_same_bytes_is_noop(any_ws: Workspace, tmp_path: Path) -> None:
    f = write(tmp_path, "a.csv", CSV)
    ingest_file(any_ws, f, source_name="NGO A")
    before = counts(any_ws)
    again = ingest_file(any_ws, f, source_name="NGO A")
    assert again.already_imported and again.import_id is not None
    assert counts(any_ws) == before


def test_ledger_leaf_per_raw_row(any_ws: Workspace, tmp_path: Path) -> None:
    f = write(tmp_path, "a.csv", CSV)
    res = ingest_file(any_ws, f, source_name="NGO A")
    ingest_file(any_ws, write(tmp_path, "b.csv", "full_name\nx\ny\n"), source_name="B")
    with any_ws.engine.connect() as conn:
        seqs = [r[0] for r in conn.execute(select(LedgerLeaf.seq).order_by(LedgerLeaf.seq))]
        assert seqs == list(range(6))
        row1 = conn.execute(
            select(RawRow.cells).where(RawRow.row_number == 1, RawRow.import_id == res.import_id)
        ).scalar()
        h = conn.execute(select(LedgerLeaf.leaf_hash).where(LedgerLeaf.seq == 0)).scalar()
    assert bytes(h) == leaf_hash(raw_row_leaf_data(res.sha256, 1, row1))


def test_strict_refuses_whole_file_and_store_unchanged(any_ws: Workspace, tmp_path: Path) -> None:
    before = counts(any_ws)
    with pytest.raises(InputFileError, match=r"row 3, field 'full_name'.*--strict"):
        ingest_file(any_ws, write(tmp_path, "a.csv", CSV), source_name="NGO A", strict=True)
    assert counts(any_ws) == before


def test_failure_mid_file_rolls_back(any_ws: Workspace, tmp_path: Path) -> None:
    # Valid rows, then a malformed JSON line: nothing of the file may remain.
    lines = [json.dumps({"full_name": f"person {i}"}) for i in range(12_000)] + ["{broken"]
    f = write(tmp_path, "big.jsonl", "\n".join(lines) + "\n")
    before = counts(any_ws)
    with pytest.raises(InputFileError, match="row 12001"):
        ingest_file(any_ws, f, source_name="S")
    assert counts(any_ws) == before
    with any_ws.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(LedgerLeaf)).scalar() == 0


def test_mapping_persian_headers(any_ws: Workspace, tmp_path: Path) -> None:
    f = write(
        tmp_path,
        "fa.csv",
        "ردیف,نام,نام خانوادگی,تاریخ درگذشت,استان\n1,علی,رضایی,۱۸ دی ۱۴۰۴,تهران\n",
    )
    m = write(
        tmp_path,
        "m.toml",
        '[columns]\n"ردیف" = "record_id"\n"نام" = "given_name"\n'
        '"نام خانوادگی" = "family_name"\n"تاریخ درگذشت" = "date_of_death"\n"استان" = "province"\n',
    )
    res = ingest_file(any_ws, f, source_name="S", mapping_path=m)
    assert res.rows_accepted == 1 and not res.unmapped_columns
    rec = records_frame(any_ws).iloc[0]
    assert (rec["given_name"], rec["family_name"], rec["date_of_death"]) == (
        "علی",
        "رضایی",
        "۱۸ دی ۱۴۰۴",
    )


def test_yaml_mapping(sqlite_ws: Workspace, tmp_path: Path) -> None:
    f = write(tmp_path, "a.csv", "Name,Where\nAli,Shiraz\n")
    m = write(tmp_path, "m.yaml", "columns:\n  Name: full_name\n  Where: city\n")
    ingest_file(sqlite_ws, f, source_name="S", mapping_path=m)
    assert records_frame(sqlite_ws).iloc[0]["city"] == "Shiraz"


def test_unmapped_columns_kept_as_extra(sqlite_ws: Workspace, tmp_path: Path) -> None:
    f = write(tmp_path, "a.csv", "full_name,shoe size\nAli,42\n")
    res = ingest_file(sqlite_ws, f, source_name="S")
    assert res.unmapped_columns == ["shoe size"]
    with sqlite_ws.engine.connect() as conn:
        assert conn.execute(select(Record.extra)).scalar() == {"shoe size": "42"}


def test_ingest_records_for_intake(any_ws: Workspace) -> None:
    res = ingest_records(
        any_ws,
        [{"record_id": "r1", "full_name": "Ali"}, {"full_name": None}],
        source_name="field",
        source_kind=SourceKind.FIELD_INTAKE,
        file_name="bundle-1",
        sha256="f" * 64,
        size=10,
    )
    assert (res.rows_accepted, res.rows_rejected) == (1, 1)
    again = ingest_records(
        any_ws,
        [{"full_name": "Ali"}],
        source_name="field",
        source_kind=SourceKind.FIELD_INTAKE,
        file_name="bundle-1",
        sha256="f" * 64,
        size=10,
    )
    assert again.already_imported


def test_audit_has_no_personal_data(any_ws: Workspace, tmp_path: Path) -> None:
    ingest_file(any_ws, write(tmp_path, "a.csv", CSV), source_name="NGO A")
    with any_ws.engine.connect() as conn:
        dump = json.dumps(
            [list(r) for r in conn.execute(text("select action, detail from audit_events"))],
            ensure_ascii=False,
            default=str,
        )
    assert "import.create" in dump
    for name in ("حسینی", "Hosseini", "Karimi", "two"):
        assert name not in dump


def test_mapping_errors(sqlite_ws: Workspace, tmp_path: Path) -> None:
    f = write(tmp_path, "a.csv", "Name,City\nAli,Shiraz\n")
    missing = write(tmp_path, "m1.toml", '[columns]\n"Nom" = "full_name"\n')
    with pytest.raises(MappingError, match="column 'Nom', which the file does not have"):
        ingest_file(sqlite_ws, f, source_name="S", mapping_path=missing)
    unknown = write(tmp_path, "m2.toml", '[columns]\n"Name" = "nickname"\n')
    with pytest.raises(MappingError, match="unknown canonical field 'nickname'"):
        ingest_file(sqlite_ws, f, source_name="S", mapping_path=unknown)
    nofile = tmp_path / "none.toml"
    with pytest.raises(MappingError, match="not found"):
        ingest_file(sqlite_ws, f, source_name="S", mapping_path=nofile)
    bad = write(tmp_path, "m3.toml", "[columns\n")
    with pytest.raises(MappingError, match="not valid TOML"):
        ingest_file(sqlite_ws, f, source_name="S", mapping_path=bad)
    noname = write(tmp_path, "b.csv", "Who,City\nAli,Shiraz\n")
    with pytest.raises(MappingError, match="no column maps to a name field"):
        ingest_file(sqlite_ws, noname, source_name="S")
    assert workspace_status(sqlite_ws)["imports"] == 0
