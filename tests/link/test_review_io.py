"""Review batches as CSV/XLSX: export, fill in a spreadsheet, import (roshan.link.review.io)."""
# ruff: noqa: F811 - fixtures imported from test_review_fixtures are redefined as arguments

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import typer
from test_review_fixtures import (  # noqa: F401 - fixtures
    audit_details,
    copy_workspace,
    record_pks,
    review_template,
    rws,
    set_fields,
    write_clusters,
    write_pairs,
)
from typer.testing import CliRunner

from roshan.errors import InputFileError, RoshanError, WorkspaceError
from roshan.link import review as rv
from roshan.link.review import io as rio


def _setup(ws) -> list[int]:
    p = record_pks(ws)
    write_pairs(ws, [(p[i], p[i + 1], 0.3 + 0.05 * (i // 2)) for i in range(0, 16, 2)])
    return p


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def test_csv_export_has_ids_in_every_row_and_no_sensitive_fields(rws, tmp_path) -> None:
    _setup(rws)
    out = rio.export_batch(rws, tmp_path / "batch.csv", limit=5, cluster_limit=0)
    assert out.rows == 5 and out.uncertain_pairs == 5
    raw = (tmp_path / "batch.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens Persian correctly
    rows = _read_csv(tmp_path / "batch.csv")
    assert len(rows) == 5
    assert list(rows[0]) == rio.batch_columns()
    assert all(r["workspace_id"] == rws.id and r["batch_id"] == out.batch_id for r in rows)
    assert all(r["decision"] == "" for r in rows)
    assert all(int(r["record_a"]) < int(r["record_b"]) for r in rows)
    assert all(r["version"] == "0" for r in rows)
    header = set(rows[0])
    assert not {"a_witness", "b_witness", "a_notes", "a_source_reference"} & header
    assert any(r["a_full_name"] or r["a_given_name"] for r in rows)
    probs = [float(r["match_probability"]) for r in rows]
    assert probs[0] == pytest.approx(0.5)  # nearest the 0.5 threshold first
    ev = audit_details(rws, "review.batch_export")
    assert ev and ev[0]["object_id"] == out.batch_id and ev[0]["detail"]["rows"] == 5


def test_round_trip_csv_with_all_decision_spellings(rws, tmp_path) -> None:
    _setup(rws)
    path = tmp_path / "batch.csv"
    rio.export_batch(rws, path, limit=8, cluster_limit=0)
    rows = _read_csv(path)
    words = ["match", "non_match", "unsure", "بله", "خیر", "نامطمئن", "y", ""]
    for r, w in zip(rows, words, strict=False):
        r["decision"] = w
    rows[0]["reviewer"] = "spreadsheet-reviewer"
    rows[1]["note"] = "different father"
    _write_csv(path, rows)
    res = rio.import_batch(rws, path, reviewer="cli-user")
    assert res.decided == {"match": 3, "non_match": 2, "unsure": 2}
    assert res.blank == 1 and res.unchanged == 0 and res.conflicts == []
    must, cannot = rv.load_constraints(rws)
    assert len(must) == 3 and len(cannot) == 2
    first = rv.get_decision(rws, int(rows[0]["record_a"]), int(rows[0]["record_b"]))
    assert first.reviewer == "spreadsheet-reviewer" and first.decision == "match"
    second = rv.get_decision(rws, int(rows[1]["record_a"]), int(rows[1]["record_b"]))
    assert second.reviewer == "cli-user" and second.note == "different father"
    # Importing the same file again changes nothing and reports no conflict.
    again = rio.import_batch(rws, path)
    assert again.unchanged == 7 and sum(again.decided.values()) == 0 and again.conflicts == []
    assert len(audit_details(rws, "review.decide")) == 7
    assert audit_details(rws, "review.batch_import")[0]["detail"]["decided"]["match"] == 3


def test_round_trip_xlsx(rws, tmp_path) -> None:
    from openpyxl import load_workbook

    _setup(rws)
    path = tmp_path / "batch.xlsx"
    out = rio.export_batch(rws, path, limit=4, cluster_limit=0)
    wb = load_workbook(path)
    assert wb.sheetnames == ["review", "about"]
    about = {r[0]: r[1] for r in wb["about"].iter_rows(values_only=True) if r and r[0]}
    assert about["workspace_id"] == rws.id and about["batch_id"] == out.batch_id
    sheet = wb["review"]
    header = [c.value for c in sheet[1]]
    dcol = header.index("decision") + 1
    assert sheet.data_validations.dataValidation  # dropdown on the decision column
    for r, word in zip(range(2, 6), ["بله", "n", "?", None], strict=False):
        sheet.cell(row=r, column=dcol).value = word
    wb.save(path)
    res = rio.import_batch(rws, path)
    assert res.decided == {"match": 1, "non_match": 1, "unsure": 1} and res.blank == 1
    assert res.batch_ids == [out.batch_id]


def test_file_from_another_workspace_is_refused(review_template, rws, tmp_path) -> None:
    _setup(rws)
    other = copy_workspace(review_template, tmp_path / "other")
    try:
        _setup(other)
        path = tmp_path / "other.csv"
        rio.export_batch(other, path, limit=3, cluster_limit=0)
        rows = _read_csv(path)
        for r in rows:
            r["decision"] = "match"
        _write_csv(path, rows)
        with pytest.raises(WorkspaceError, match="belongs to another workspace") as exc:
            rio.import_batch(rws, path)
        assert other.id in str(exc.value) and "nothing was imported" in str(exc.value)
        assert rv.decisions_frame(rws).empty
    finally:
        other.close()


def test_one_foreign_row_refuses_the_whole_file(rws, tmp_path) -> None:
    _setup(rws)
    path = tmp_path / "b.csv"
    rio.export_batch(rws, path, limit=3, cluster_limit=0)
    rows = _read_csv(path)
    for r in rows:
        r["decision"] = "n"
    rows[2]["workspace_id"] = "00000000-0000-0000-0000-000000000000"
    _write_csv(path, rows)
    with pytest.raises(WorkspaceError):
        rio.import_batch(rws, path)
    assert rv.decisions_frame(rws).empty


@pytest.mark.parametrize(
    "mutate,err,msg",
    [
        (lambda rows: rows[1].update(record_b="999999999"), InputFileError, "unknown record id"),
        (
            lambda rows: rows[1].update(decision="perhaps"),
            InputFileError,
            "row 2, field 'decision'",
        ),
        (lambda rows: rows[0].update(record_a="abc"), InputFileError, "not a whole number"),
        (lambda rows: rows[0].update(record_b=rows[0]["record_a"]), InputFileError, "same record"),
        (
            lambda rows: rows.append({**rows[0], "decision": "non_match"}),
            InputFileError,
            "decided differently",
        ),
    ],
)
def test_bad_batches_refused_whole(rws, tmp_path, mutate, err, msg) -> None:
    _setup(rws)
    path = tmp_path / "b.csv"
    rio.export_batch(rws, path, limit=3, cluster_limit=0)
    rows = _read_csv(path)
    for r in rows:
        r["decision"] = "match"
    mutate(rows)
    _write_csv(path, rows)
    with pytest.raises(err, match=msg):
        rio.import_batch(rws, path)
    assert rv.decisions_frame(rws).empty


def test_not_a_batch_file(rws, tmp_path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("full_name,sex\nSYNTHETIC A,male\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="not a roshan review batch"):
        rio.import_batch(rws, path)
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"PK\x03\x04 definitely not a workbook")
    with pytest.raises(InputFileError, match="XLSX"):
        rio.import_batch(rws, bad)
    with pytest.raises(InputFileError, match=".csv or .xlsx"):
        rio.import_batch(rws, tmp_path / "x.pdf")
    with pytest.raises(InputFileError, match="no such file"):
        rio.import_batch(rws, tmp_path / "missing.csv")


def test_concurrent_change_is_a_conflict_row_not_an_overwrite(rws, tmp_path) -> None:
    _setup(rws)
    path = tmp_path / "b.csv"
    rio.export_batch(rws, path, limit=3, cluster_limit=0)
    rows = _read_csv(path)
    # Someone decides row 1's pair in the terminal after the batch was exported.
    rv.record_decision(rws, int(rows[0]["record_a"]), int(rows[0]["record_b"]), "non_match", "t")
    for r in rows:
        r["decision"] = "match"
    _write_csv(path, rows)
    res = rio.import_batch(rws, path)
    assert res.conflicts == [1] and res.decided["match"] == 2
    kept = rv.get_decision(rws, int(rows[0]["record_a"]), int(rows[0]["record_b"]))
    assert kept.decision == "non_match" and kept.reviewer == "t"


def test_formula_injection_is_inert(rws, tmp_path) -> None:
    from openpyxl import load_workbook

    p = _setup(rws)
    set_fields(rws, p[14], full_name='=HYPERLINK("http://x","SYNTHETIC")')
    set_fields(rws, p[15], full_name="+SYNTHETIC")
    rio.export_batch(rws, tmp_path / "b.csv", limit=8, cluster_limit=0)
    rows = _read_csv(tmp_path / "b.csv")
    cells = [v for r in rows for k, v in r.items() if k.endswith("full_name")]
    assert '\'=HYPERLINK("http://x","SYNTHETIC")' in cells and "'+SYNTHETIC" in cells
    rio.export_batch(rws, tmp_path / "b.xlsx", limit=8, cluster_limit=0)
    sheet = load_workbook(tmp_path / "b.xlsx")["review"]
    texts = [
        c
        for row in sheet.iter_rows()
        for c in row
        if isinstance(c.value, str) and "HYPERLINK" in c.value
    ]
    assert texts and all(c.data_type == "s" for c in texts)


def test_export_includes_suspicious_clusters(rws, tmp_path) -> None:
    p = record_pks(rws)
    for pk in p[:3]:
        set_fields(rws, pk, sex="male", date_of_death=None)
    set_fields(rws, p[2], sex="female")
    write_pairs(rws, [(p[0], p[1], 0.99), (p[1], p[2], 0.97)])
    write_clusters(rws, {"V-1": p[:3]})
    out = rio.export_batch(rws, tmp_path / "b.csv", limit=0, cluster_limit=5)
    rows = _read_csv(tmp_path / "b.csv")
    assert out.suspicious_clusters == 1 and len(rows) == 1
    assert rows[0]["kind"] == "suspicious_cluster" and rows[0]["cluster_id"] == "V-1"
    assert rows[0]["reason"] == "conflicting_sex"
    # p0-p2 was never scored directly (joined only by chaining): the weakest evidence
    assert (int(rows[0]["record_a"]), int(rows[0]["record_b"])) == (p[0], p[2])
    assert {rows[0]["a_sex"], rows[0]["b_sex"]} == {"male", "female"}


def _app() -> typer.Typer:
    from roshan.cli.review import register

    app = typer.Typer()
    register(app)

    @app.callback()
    def _root() -> None:
        """test root (forces `review` to be a named subcommand)."""

    return app


def test_cli_batch_out_and_in(rws, tmp_path) -> None:
    import json

    _setup(rws)
    runner = CliRunner()
    path = tmp_path / "cli.csv"
    res = runner.invoke(
        _app(),
        [
            "review",
            str(rws.root),
            "--batch-out",
            str(path),
            "--limit",
            "3",
            "--clusters",
            "0",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    info = json.loads(res.stdout)
    assert info["rows"] == 3 and info["workspace_id"] == rws.id
    rows = _read_csv(path)
    for r, w in zip(rows, ["y", "n", "?"], strict=False):
        r["decision"] = w
    _write_csv(path, rows)
    res = runner.invoke(
        _app(),
        ["review", str(rws.root), "--batch-in", str(path), "--json", "--reviewer", "cli-reviewer"],
    )
    assert res.exit_code == 0, res.output
    got = json.loads(res.stdout)
    assert got["decided"] == {"match": 1, "non_match": 1, "unsure": 1} and got["conflicts"] == 0
    assert set(rv.decisions_frame(rws)["reviewer"]) == {"cli-reviewer"}


def test_cli_foreign_file_is_a_user_error_not_a_crash(review_template, rws, tmp_path) -> None:
    _setup(rws)
    other = copy_workspace(review_template, tmp_path / "other")
    _setup(other)
    path = tmp_path / "other.csv"
    rio.export_batch(other, path, limit=2, cluster_limit=0)
    other.close()
    res = CliRunner().invoke(_app(), ["review", str(rws.root), "--batch-in", str(path)])
    # The CLI door (roshan.cli.main.main) turns any RoshanError into one line and exit 2.
    assert isinstance(res.exception, RoshanError), res.exception
    assert "another workspace" in str(res.exception)
    assert "\n" not in str(res.exception)


def test_cli_refuses_both_directions(rws, tmp_path) -> None:
    res = CliRunner().invoke(
        _app(), ["review", str(rws.root), "--batch-in", "a.csv", "--batch-out", "b.csv"]
    )
    assert isinstance(res.exception, RoshanError) and "not both" in str(res.exception)
