"""Crash safety of ingest: SIGKILL at random moments, and a PostgreSQL server dying mid-import.

After every crash the store must be consistent (no half import, no lost or duplicated
raw row, no orphaned records, no ledger gap) and the same command must rerun cleanly.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from crash_helpers import roshan

from roshan.store.integrity import check_store
from roshan.store.status import workspace_status
from roshan.store.workspace import Workspace

ROWS = 25_000


def _big_csv(path: Path, rows: int = ROWS, tag: str = "") -> Path:
    with path.open("w", encoding="utf-8") as fh:
        fh.write("record_id,full_name,province,notes\n")
        for i in range(rows):
            fh.write(f"{tag}{i},person {tag}{i},Fars,SYNTHETIC\n")
    return path


def _ingest_cmd(ws: Path, f: Path, source: str) -> list[str]:
    return roshan("ingest", str(ws), str(f), "--source", source)  # the installed script


def _run_and_kill(cmd: list[str], delay: float) -> int:
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    return proc.wait()


@pytest.mark.slow
@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_sigkill_during_ingest_leaves_store_consistent(
    tmp_path: Path, backend: str, request
) -> None:
    url = request.getfixturevalue("pg_url") if backend == "postgresql" else None
    ws = Workspace.init(tmp_path / "ws", url)
    files = [_big_csv(tmp_path / f"SYNTHETIC-{k}.csv", tag=f"k{k}-") for k in range(3)]
    rng = random.Random(7)
    killed = 0
    for k, f in enumerate(files):
        # Kill at a random moment (startup, reading, inserting or committing).
        rc = _run_and_kill(_ingest_cmd(ws.root, f, f"S{k}"), rng.uniform(0.5, 3.0))
        killed += rc == -signal.SIGKILL
        assert check_store(ws) == []
        status = workspace_status(ws)
        assert status["raw_rows"] % ROWS == 0  # whole imports only
    # Rerunning the same commands completes every import exactly once.
    for k, f in enumerate(files):
        done = subprocess.run(_ingest_cmd(ws.root, f, f"S{k}"), capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    assert check_store(ws) == []
    status = workspace_status(ws)
    assert status["imports"] == 3 and status["raw_rows"] == 3 * ROWS
    assert killed >= 1, "no run was actually interrupted; the test proves nothing"
    ws.close()


@pytest.mark.slow
@pytest.mark.postgres
def test_postgres_server_dies_mid_import(tmp_path: Path, private_pg) -> None:
    url, start, kill = private_pg
    ws = Workspace.init(tmp_path / "ws", url)
    ws.close()
    f = _big_csv(tmp_path / "SYNTHETIC-pg.csv", rows=80_000)
    proc = subprocess.Popen(
        _ingest_cmd(tmp_path / "ws", f, "S"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(3)
    kill()  # the server crashes mid-import (SIGKILL of the postmaster)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode != 0
    assert "Traceback" not in err
    start()  # crash recovery
    ws = Workspace.open(tmp_path / "ws")
    assert check_store(ws) == []
    assert workspace_status(ws)["raw_rows"] in (0, 80_000)
    done = subprocess.run(_ingest_cmd(tmp_path / "ws", f, "S"), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert workspace_status(ws)["raw_rows"] == 80_000 and check_store(ws) == []
    ws.close()


def test_disk_full_fails_cleanly(tmp_path: Path) -> None:
    """A full disk during ingest: a clear error, the store unchanged (SQLite in a tiny tmpfs-like limit)."""
    import resource

    ws = Workspace.init(tmp_path / "ws")
    before = workspace_status(ws)
    f = _big_csv(tmp_path / "SYNTHETIC-full.csv", rows=40_000)
    # RLIMIT_FSIZE caps how large the child may grow any file: the database can't grow past it.
    code = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({(tmp_path / 'ws' / 'roshan.db').stat().st_size + 400_000}, resource.RLIM_INFINITY))\n"
        "from roshan.cli.main import main\n"
        f"sys.argv = ['roshan', 'ingest', {str(tmp_path / 'ws')!r}, {str(f)!r}, '--source', 'S']\n"
        "main()\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.returncode != 0
    assert "Traceback" not in res.stderr, res.stderr[-2000:]
    assert (
        "disk" in res.stderr.lower()
        or "space" in res.stderr.lower()
        or "full" in res.stderr.lower()
    )
    assert check_store(ws) == []
    assert workspace_status(ws) == before
    del resource
    ws.close()
