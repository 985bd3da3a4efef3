"""A killed ``roshan ingest`` leaves no process behind (issue 16, item 14).

Files over 8 MB are parsed in a forked worker. SIGKILL of the parent once left that
worker alive for ever (PPID 1, ~165 MB, holding the SQLite files open). Here the
installed console script ingests a 12 MB list, the test waits for the worker to
appear, SIGKILLs the parent and checks that the worker is gone.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from roshan.store.integrity import check_store
from roshan.store.workspace import Workspace

SCRIPT = Path(sys.executable).parent / "roshan"


def _list(path: Path, mb: int = 12) -> Path:
    row = 0
    with path.open("w", encoding="utf-8") as fh:
        fh.write("record_id,full_name,province,notes\n")
        while fh.tell() < mb * 1024 * 1024:
            fh.write(f"w{row},SYNTHETIC person {row},Fars,SYNTHETIC worker test row\n")
            row += 1
    return path


def _alive(p: psutil.Process) -> bool:
    try:
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork worker on Linux")
def test_sigkill_of_ingest_leaves_no_worker(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "ws")
    ws.close()
    f = _list(tmp_path / "SYNTHETIC-big.csv")
    proc = subprocess.Popen(
        [str(SCRIPT), "ingest", str(ws.root), str(f), "--source", "W"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    parent = psutil.Process(proc.pid)
    workers: list[psutil.Process] = []
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        workers = [c for c in parent.children(recursive=True) if _alive(c)]
        if workers:
            break
        time.sleep(0.05)
    if not workers:
        proc.kill()
        proc.wait()
        pytest.fail("the ingest finished or stalled before its worker was seen")
    time.sleep(0.3)  # let it get into its stride (parsing, or blocked on the queue)
    proc.send_signal(signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL
    gone = time.monotonic() + 15
    while time.monotonic() < gone and any(_alive(w) for w in workers):
        time.sleep(0.1)
    survivors = [w.pid for w in workers if _alive(w)]
    for w in workers:  # never leave one behind for the next test, even on failure
        try:
            w.kill()
        except psutil.NoSuchProcess:
            pass
    assert survivors == [], f"worker process(es) {survivors} outlived the killed ingest"
    ws = Workspace.open(tmp_path / "ws")
    try:
        assert check_store(ws) == []
    finally:
        ws.close()
