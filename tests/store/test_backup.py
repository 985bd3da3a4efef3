"""Backup and restore: encrypted, consistent while in use, restorable on either backend, ledger intact."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from pyrage import x25519

from roshan.ingest.importer import ingest_file
from roshan.store.backup import BackupError, backup, restore
from roshan.store.records import records_frame
from roshan.store.status import workspace_status
from roshan.store.workspace import Workspace


def _fill(ws: Workspace, tmp_path: Path, n_files: int = 2, rows: int = 50) -> None:
    for i in range(n_files):
        f = tmp_path / f"SYNTHETIC-{i}.csv"
        f.write_text(
            "full_name,city\n" + "".join(f"person {i}-{j},شیراز\n" for j in range(rows)),
            encoding="utf-8",
        )
        ingest_file(ws, f, source_name=f"S{i}")


def _counts(ws: Workspace) -> dict[str, int]:
    s = workspace_status(ws)
    return {k: s[k] for k in ("sources", "imports", "raw_rows", "records", "rejected")}


@pytest.fixture
def identity() -> x25519.Identity:
    return x25519.Identity.generate()


def test_round_trip_and_ledger_verifies(any_ws: Workspace, tmp_path: Path, identity) -> None:
    from roshan.intake.ledger import verify

    _fill(any_ws, tmp_path)
    (any_ws.root / "models").mkdir(exist_ok=True)
    (any_ws.root / "models" / "model.json").write_text('{"synthetic": true}', encoding="utf-8")
    out = tmp_path / "b.roshan.age"
    info = backup(any_ws, out, [str(identity.to_public())])
    assert info.tables["raw_rows"] == 100 and info.files == 1
    assert b"person 0-1" not in out.read_bytes()  # encrypted
    restored = restore(out, tmp_path / "restored", [identity])
    try:
        assert restored.id == any_ws.id
        assert _counts(restored) == _counts(any_ws)
        a, b = records_frame(any_ws), records_frame(restored)
        assert a.equals(b)
        assert (restored.root / "models" / "model.json").read_text() == '{"synthetic": true}'
        result = verify(restored, check_blobs=False)
        assert result.ok, result.problems
        # New rows after restore continue the ids without collision.
        (tmp_path / "more").mkdir()
        _fill(restored, tmp_path / "more", n_files=1, rows=3)
        assert workspace_status(restored)["raw_rows"] == 103
    finally:
        restored.close()


@pytest.mark.postgres
def test_sqlite_backup_restores_onto_postgres(
    sqlite_ws: Workspace, tmp_path: Path, pg_url: str, identity
) -> None:
    _fill(sqlite_ws, tmp_path)
    out = tmp_path / "b.age"
    backup(sqlite_ws, out, [str(identity.to_public())])
    restored = restore(out, tmp_path / "pg", [identity], db_url=pg_url)
    try:
        assert restored.engine.url.get_backend_name() == "postgresql"
        assert _counts(restored) == _counts(sqlite_ws)
        (tmp_path / "x").mkdir()
        _fill(restored, tmp_path / "x", n_files=1, rows=2)  # sequences were reset
        assert workspace_status(restored)["raw_rows"] == 102
    finally:
        restored.close()


def test_wrong_key_and_tampering_refused(sqlite_ws: Workspace, tmp_path: Path, identity) -> None:
    _fill(sqlite_ws, tmp_path, n_files=1)
    out = tmp_path / "b.age"
    backup(sqlite_ws, out, [str(identity.to_public())])
    with pytest.raises(BackupError, match="cannot decrypt"):
        restore(out, tmp_path / "r1", [x25519.Identity.generate()])
    data = bytearray(out.read_bytes())
    data[len(data) // 2] ^= 0xFF
    bad = tmp_path / "bad.age"
    bad.write_bytes(bytes(data))
    with pytest.raises(BackupError):
        restore(bad, tmp_path / "r2", [identity])
    assert not (tmp_path / "r2" / "roshan.toml").exists()
    with pytest.raises(BackupError, match="recipient"):
        backup(sqlite_ws, tmp_path / "c.age", ["not-a-key"])


def test_backup_while_writing_is_consistent(sqlite_ws: Workspace, tmp_path: Path, identity) -> None:
    """A writer ingests during the backup: the snapshot has whole imports only."""
    _fill(sqlite_ws, tmp_path, n_files=1, rows=2000)
    stop = threading.Event()
    writer_dir = tmp_path / "w"
    writer_dir.mkdir()

    def writer() -> None:
        i = 0
        while not stop.is_set() and i < 30:
            f = writer_dir / f"SYNTHETIC-w{i}.csv"
            f.write_text(
                "full_name\n" + "".join(f"w{i}-{j}\n" for j in range(300)), encoding="utf-8"
            )
            ingest_file(sqlite_ws, f, source_name="writer")
            i += 1

    t = threading.Thread(target=writer)
    t.start()
    try:
        outs = []
        for k in range(3):
            out = tmp_path / f"b{k}.age"
            backup(sqlite_ws, out, [str(identity.to_public())])
            outs.append(out)
    finally:
        stop.set()
        t.join()
    for k, out in enumerate(outs):
        r = restore(out, tmp_path / f"r{k}", [identity])
        c = _counts(r)
        assert c["raw_rows"] == c["records"]
        assert (c["raw_rows"] - 2000) % 300 == 0  # never half an import
        r.close()


def test_cli_backup_restore(sqlite_ws: Workspace, tmp_path: Path, identity) -> None:
    from typer.testing import CliRunner

    from roshan.cli.main import app

    _fill(sqlite_ws, tmp_path, n_files=1)
    idf = tmp_path / "id.txt"
    idf.write_text(str(identity) + "\n", encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(
        app,
        [
            "backup",
            str(sqlite_ws.root),
            str(tmp_path / "b.age"),
            "--recipient",
            str(identity.to_public()),
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["tables"]["records"] == 50
    res = runner.invoke(
        app,
        ["restore", str(tmp_path / "b.age"), str(tmp_path / "r"), "--identity", str(idf), "--json"],
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["workspace_id"] == sqlite_ws.id
