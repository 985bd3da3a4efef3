"""Exports from a linked SYNTHETIC workspace: redaction, formula injection, formats."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest
from report_fixtures import HOSTILE, PLANTED, PLANTED_SOURCE

from roshan.errors import RoshanError
from roshan.report.exports import FORMATS, WHATS, export, export_frame, write_frame


def _text_of(path: Path) -> str:
    """Everything a reader of the file could see, as text (cells of XLSX/Parquet included)."""
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(path)
        return "\n".join(
            str(c.value)
            for ws in wb.worksheets
            for row in ws.iter_rows()
            for c in row
            if c.value is not None
        )
    if path.suffix == ".parquet":
        frame = pd.read_parquet(path)
        return "\n".join(
            [
                *map(str, frame.columns),
                *(str(v) for col in frame.columns for v in frame[col].tolist()),
            ]
        )
    if path.suffix == ".json":  # decoded: escapes like \/ must not hide a leak
        return json.dumps(json.loads(path.read_text(encoding="utf-8")), ensure_ascii=False)
    return path.read_text(encoding="utf-8")


def _needles() -> list[str]:
    stems = [v for k, v in PLANTED.items() if k != "date_of_birth"]
    return [*stems, PLANTED["date_of_birth"], PLANTED_SOURCE, "SYNTHETIC-NGO", "SYNTHETIC-MEDIA"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_public_export_leaks_no_planted_value(report_workspaces, tmp_path: Path, fmt: str) -> None:
    ws = report_workspaces.ws
    # the planted values really are in the workspace (else this test proves nothing)
    full = _text_of(export(ws, "records", fmt, tmp_path / f"all.{fmt}"))
    for needle in _needles()[:-2]:
        assert needle in full, needle
    for what in WHATS:
        out = export(ws, what, fmt, tmp_path / f"{what}.{fmt}", redact="public")
        text = _text_of(out)
        for needle in _needles():
            assert needle not in text, (what, fmt, needle)
        assert "Plant" not in text  # no name fragment either (names dropped by default)
        assert (tmp_path / f"{what}.{fmt}.redaction.json").is_file()


def test_internal_drops_witness_keeps_names(report_workspaces, tmp_path: Path) -> None:
    frame, notes = export_frame(report_workspaces.ws, "records", redact="internal")
    assert not {"witness", "source_reference", "notes", "extra"} & set(frame.columns)
    assert PLANTED_SOURCE in set(frame["source"])
    assert frame["full_name"].astype(str).str.contains("Plantfullname").any()
    assert {"witness", "notes", "source_reference"} <= set(notes["dropped"])


def test_public_names_opt_in(report_workspaces) -> None:
    frame, notes = export_frame(report_workspaces.ws, "records", redact="public", public_names=True)
    assert frame["full_name"].astype(str).str.contains("Plantfullname").any()
    assert "witness" not in frame.columns and "record_id" not in frame.columns
    assert set(frame["source"]) <= {f"List {c}" for c in "ABCDEFGH"}
    assert notes["names_kept"] is True


def test_formula_injection_csv_round_trip(report_workspaces, tmp_path: Path) -> None:
    out = export(report_workspaces.ws, "records", "csv", tmp_path / "r.csv", redact="internal")
    with out.open(encoding="utf-8", newline="") as fh:
        cells = [c for row in csv.reader(fh) for c in row]
    hostile = [h.strip() for h in HOSTILE if h.strip()[:1] in "=+-@"]
    for h in hostile:
        assert "'" + h in cells, h
        assert h not in cells  # never the raw formula
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]


def test_formula_injection_xlsx_round_trip(report_workspaces, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = export(report_workspaces.ws, "records", "xlsx", tmp_path / "r.xlsx", redact="internal")
    wb = load_workbook(out)
    cells = [c for row in wb.active.iter_rows() for c in row if c.value is not None]
    assert not [c for c in cells if c.data_type == "f"]  # no formula cell at all
    values = [c.value for c in cells if isinstance(c.value, str)]
    for h in (x for x in HOSTILE if x[:1] in "=+-@"):
        assert "'" + h in values, h


def test_hostile_tab_and_cr_neutralised_in_files(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    frame = pd.DataFrame({"a": ["\tcmd", "\r=1", "=2", "fine"], "b": [1, 2, 3, 4]})
    c = write_frame(frame, "csv", tmp_path / "h.csv")
    with c.open(encoding="utf-8", newline="") as fh:
        back = [row[0] for row in csv.reader(fh)][1:]
    assert back == ["'\tcmd", "'\r=1", "'=2", "fine"]
    x = write_frame(frame, "xlsx", tmp_path / "h.xlsx")
    vals = [r[0].value for r in load_workbook(x).active.iter_rows(min_row=2)]
    # XML stores the CR as a line break; what matters is that every value starts with '
    assert [v.replace("\n", "\r") for v in vals] == ["'\tcmd", "'\r=1", "'=2", "fine"]


def test_links_csv_columns_unchanged(report_workspaces, tmp_path: Path) -> None:
    out = export(report_workspaces.ws, "links", "csv", tmp_path / "links.csv")
    header = out.read_text(encoding="utf-8").splitlines()[0]
    assert header == "source,record_id,victim_id,match_probability"
    frame = pd.read_csv(out)
    with report_workspaces.ws.engine.connect() as conn:
        n_links = int(pd.read_sql("select count(*) from record_links", conn).iloc[0, 0])
    assert len(frame) == n_links


def test_counts_export_reads_back_as_capture_counts(report_workspaces, tmp_path: Path) -> None:
    from roshan.estimate.counts import CaptureCounts
    from roshan.link.histories import capture_histories

    out = export(report_workspaces.ws, "counts", "csv", tmp_path / "counts.csv")
    cc = CaptureCounts.from_csv(out)
    assert int(cc.counts.sum()) == int(capture_histories(report_workspaces.ws)["count"].sum())
    pub = export(
        report_workspaces.ws, "counts", "csv", tmp_path / "pub.csv", redact="public", min_cell=5
    )
    pcc = CaptureCounts.from_csv(pub)
    assert all(x.startswith("List ") for x in pcc.lists)
    assert int(pcc.counts.min()) >= 5
    notes = json.loads((tmp_path / "pub.csv.redaction.json").read_text())
    assert notes["suppressed"] == int(((cc.counts > 0) & (cc.counts < 5)).sum())


def test_counts_by_stratum_and_estimates(report_workspaces, tmp_path: Path) -> None:
    frame, _ = export_frame(report_workspaces.ws, "counts", by=["period"])
    assert "period" in frame.columns and "count" in frame.columns
    est, notes = export_frame(report_workspaces.ws, "estimates", redact="public", min_cell=5)
    assert {"total"} <= set(est["stratum"])
    small = est[est["status"] == "suppressed"]
    assert small["observed"].isna().all() and small["estimate"].isna().all()
    assert notes["suppressed"] == len(small)
    full, _ = export_frame(report_workspaces.ws, "estimates")
    assert (full["observed"].dropna() < 5).sum() == len(small)


def test_bad_arguments(report_workspaces, tmp_path: Path) -> None:
    with pytest.raises(RoshanError):
        export(report_workspaces.ws, "secrets", "csv", tmp_path / "x.csv")
    with pytest.raises(RoshanError):
        export(report_workspaces.ws, "victims", "docx", tmp_path / "x.docx")
    with pytest.raises(RoshanError):
        export(report_workspaces.ws, "victims", "csv", tmp_path / "x.csv", by=["sex"])
    assert not (tmp_path / "x.csv").exists()
