"""`roshan backup` / `roshan restore` through the installed script (issue 16 items 3, 16,
17): compressed before encryption with its size said, progress on stderr only, a line
when it waits for a running import, and a scripted restore with --keys that reads the
passphrase like every other command. SYNTHETIC data only."""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from pyrage import x25519

from roshan.ingest.importer import ingest_file
from roshan.store.backup import restore
from roshan.store.workspace import Workspace

SCRIPT = Path(sys.executable).parent / "roshan"
PASSPHRASE = "SYNTHETIC backup passphrase"


def run(
    *args: object, env: dict[str, str] | None = None, stdin: str | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    exe = str(SCRIPT) if SCRIPT.exists() else shutil.which("roshan")
    assert exe
    full = {**os.environ, "COLUMNS": "80", **(env or {})}
    full.pop(
        "ROSHAN_KEY_PASSPHRASE", None
    ) if env is None or "ROSHAN_KEY_PASSPHRASE" not in env else None
    return subprocess.run(
        [exe, *map(str, args)],
        capture_output=True,
        text=True,
        env=full,
        input=stdin if stdin is not None else "",
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bk")
    ws = Workspace.init(root / "ws")
    f = root / "SYNTHETIC-list.csv"
    f.write_text(
        "full_name,city\n" + "".join(f"SYNTHETIC person {i},Shiraz\n" for i in range(3000)),
        encoding="utf-8",
    )
    ingest_file(ws, f, source_name="SYNTHETIC NGO")
    ws.close()
    return root / "ws"


@pytest.fixture(scope="module")
def identity(tmp_path_factory: pytest.TempPathFactory) -> tuple[x25519.Identity, Path]:
    ident = x25519.Identity.generate()
    f = tmp_path_factory.mktemp("id") / "id.txt"
    f.write_text(str(ident) + "\n", encoding="utf-8")
    return ident, f


def test_backup_is_compressed_and_says_its_size(filled: Path, tmp_path: Path, identity) -> None:
    ident, idf = identity
    out = tmp_path / "b.roshan.age"
    res = run("backup", filled, out, "--recipient", str(ident.to_public()))
    assert res.returncode == 0, res.stderr
    flat = " ".join(res.stderr.split())
    assert "backing up" in flat and "of workspace data" in flat, flat
    assert "compressed to" in flat and "the encrypted backup will be" in flat, flat
    assert "backup written:" in flat and "compressed from" in flat, flat
    assert res.stdout == ""
    # the age payload is a gzip stream: compressed before it was encrypted
    plain = io.BytesIO()
    import pyrage

    with out.open("rb") as src:
        pyrage.decrypt_io(src, plain, [ident])
    assert plain.getvalue()[:2] == b"\x1f\x8b"
    assert len(gzip.decompress(plain.getvalue())) > 4 * out.stat().st_size
    res = run("restore", out, tmp_path / "r", "--identity", idf, "--json")
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["workspace_id"]


def test_json_output_is_one_document_and_progress_on_stderr(
    filled: Path, tmp_path: Path, identity
) -> None:
    ident, _ = identity
    env = {"TTY_COMPATIBLE": "1", "TTY_INTERACTIVE": "1"}  # as on a terminal
    res = run("backup", filled, tmp_path / "b.age", "-r", str(ident.to_public()), "--json", env=env)
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)  # exactly one JSON document, nothing else on stdout
    assert doc["bytes"] == (tmp_path / "b.age").stat().st_size
    assert doc["uncompressed_bytes"] > doc["bytes"]
    assert doc["tables"]["raw_rows"] == 3000
    assert "reading tables" in res.stderr and "encrypting" in res.stderr


def test_ingest_shows_progress_on_a_terminal(tmp_path: Path) -> None:
    assert run("init", tmp_path / "ws").returncode == 0
    f = tmp_path / "SYNTHETIC-big.csv"
    f.write_text(
        "full_name\n" + "".join(f"SYNTHETIC p{i}\n" for i in range(12_000)), encoding="utf-8"
    )
    env = {"TTY_COMPATIBLE": "1", "TTY_INTERACTIVE": "1"}
    res = run("ingest", tmp_path / "ws", f, "--source", "SYNTHETIC S", "--json", env=env)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["rows"] == 12_000
    flat = " ".join(res.stderr.split())
    assert "ingesting SYNTHETIC-big.csv" in flat
    assert "rows stored" in flat and ("kB" in flat or "MB" in flat), flat[-500:]  # bytes bar


def test_old_uncompressed_backup_still_restores(filled: Path, tmp_path: Path, identity) -> None:
    import pyrage

    ident, _ = identity
    out = tmp_path / "b.age"
    assert run("backup", filled, out, "-r", str(ident.to_public())).returncode == 0
    plain = io.BytesIO()
    with out.open("rb") as src:
        pyrage.decrypt_io(src, plain, [ident])
    old = tmp_path / "old.age"
    with old.open("wb") as dst:  # a backup as written before compression: a plain tar
        pyrage.encrypt_io(io.BytesIO(gzip.decompress(plain.getvalue())), dst, [ident.to_public()])
    ws = restore(old, tmp_path / "r", [ident])
    try:
        from roshan.store.status import workspace_status

        assert workspace_status(ws)["raw_rows"] == 3000
    finally:
        ws.close()


def test_backup_says_it_is_waiting_for_a_running_import(
    filled: Path, tmp_path: Path, identity
) -> None:
    """A writer holds SQLite's write lock (as an import does for its whole run): the
    backup prints a "waiting for" line, then finishes once the writer is done."""
    ident, _ = identity
    db = sqlite3.connect(filled / "roshan.db", isolation_level=None, check_same_thread=False)
    db.execute("BEGIN IMMEDIATE")
    released = threading.Event()

    def release() -> None:
        # Hold the lock until the backup file is written (the snapshot does not wait
        # for the writer), then a little longer, while it records itself.
        deadline = time.monotonic() + 120
        while not (tmp_path / "b.age").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(3)
        db.execute("ROLLBACK")
        released.set()

    t = threading.Thread(target=release)
    t.start()
    try:
        res = run("backup", filled, tmp_path / "b.age", "-r", str(ident.to_public()))
    finally:
        t.join()
        db.close()
    assert res.returncode == 0, res.stderr
    flat = " ".join(res.stderr.split())
    assert "waiting for another roshan process is writing to this workspace" in flat, flat
    assert "backup written" in flat


@pytest.fixture(scope="module")
def keyed_backup(filled: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("keyed")
    pf = root / "pass.txt"
    pf.write_text(PASSPHRASE + "\n", encoding="utf-8")
    res = run("keys", "init", root / "keys", "--passphrase-file", pf)
    assert res.returncode == 0, res.stderr
    res = run("backup", filled, root / "b.age", "--keys", root / "keys")
    assert res.returncode == 0, res.stderr
    return root / "keys", root / "b.age"


@pytest.mark.parametrize("how", ["env", "file"])
def test_restore_with_keys_is_scriptable(keyed_backup, tmp_path: Path, how: str) -> None:
    keys, out = keyed_backup
    if how == "env":
        res = run(
            "restore",
            out,
            tmp_path / "r",
            "--keys",
            keys,
            "--json",
            env={"ROSHAN_KEY_PASSPHRASE": PASSPHRASE},
        )
    else:
        pf = tmp_path / "p.txt"
        pf.write_text(PASSPHRASE + "\n", encoding="utf-8")
        res = run("restore", out, tmp_path / "r", "--keys", keys, "--passphrase-file", pf, "--json")
    assert res.returncode == 0, (res.returncode, res.stderr)
    assert json.loads(res.stdout)["workspace"] == str((tmp_path / "r").resolve())


def test_restore_with_keys_and_no_passphrase_is_one_line(keyed_backup, tmp_path: Path) -> None:
    keys, out = keyed_backup
    res = run("restore", out, tmp_path / "r", "--keys", keys)
    assert res.returncode == 2, (res.returncode, res.stderr)
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: no passphrase"), res.stderr
    assert "ROSHAN_KEY_PASSPHRASE" in lines[0]


def test_status_does_not_wait_for_a_running_import(filled: Path) -> None:
    """`roshan status --check` reads a snapshot beside a writer holding SQLite's write
    lock (as an import does for its whole run) instead of timing out behind it."""
    db = sqlite3.connect(filled / "roshan.db", isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    try:
        t0 = time.monotonic()
        res = run("status", filled, "--check", "--json", timeout=120)
        took = time.monotonic() - t0
    finally:
        db.execute("ROLLBACK")
        db.close()
    assert res.returncode == 0, res.stderr
    info = json.loads(res.stdout)
    assert info["raw_rows"] == 3000 and info["consistent"]
    assert took < 29, took  # SQLite's busy timeout is 30 s
