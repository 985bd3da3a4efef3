"""A link run whose process was killed does not stay "running" for ever (issue 16 item
15): the next command that opens the workspace, and `roshan status --check`, mark it
failed (pid and host are kept on the run). A live run, a run on another host and a run
from before the pid was recorded are left alone. Through the installed script."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy import create_engine, select

from roshan.store.models import AuditEvent, LinkRun, utcnow
from roshan.store.runs import process_alive
from roshan.store.workspace import Workspace

SCRIPT = Path(sys.executable).parent / "roshan"

# A child that starts a link run the way roshan link does (a LinkRun row through the
# model), says so, then hangs until it is killed.
CHILD = """
import sys, time
from roshan.store.models import LinkRun
from roshan.store.workspace import Workspace
ws = Workspace.open(sys.argv[1])
with ws.session() as s:
    run = LinkRun(engine="duckdb", threshold=0.8, status="running", n_records=10)
    s.add(run)
    s.flush()
    run_id = run.id
print(run_id, flush=True)
time.sleep(600)
"""


def _start_and_kill(root: Path) -> tuple[int, int]:
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(root)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    run_id = int(proc.stdout.readline())
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return run_id, proc.pid


def test_killed_link_run_marked_failed_by_status_check(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "ws")
    root = ws.root
    ws.close()
    run_id, pid = _start_and_kill(root)
    eng = create_engine(f"sqlite:///{root / 'roshan.db'}")  # a raw look: no reaping
    with eng.connect() as c:
        row = c.execute(
            select(LinkRun.status, LinkRun.pid, LinkRun.host).where(LinkRun.id == run_id)
        ).one()
    eng.dispose()
    assert row.status == "running" and row.pid == pid and row.host == socket.gethostname()
    res = subprocess.run(
        [str(SCRIPT), "status", str(root), "--check", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert res.returncode == 0, res.stderr
    info = json.loads(res.stdout)
    assert info["link_runs_marked_failed"] == [run_id]
    assert info["link_runs_running"] == 0 and info["consistent"]
    ws = Workspace.open(root)
    try:
        with ws.engine.connect() as c:
            assert (
                c.execute(select(LinkRun.status).where(LinkRun.id == run_id)).scalar() == "failed"
            )
            assert c.execute(
                select(AuditEvent.object_id).where(AuditEvent.action == "link_run.failed")
            ).scalar() == str(run_id)
    finally:
        ws.close()
    # the human output says so too
    run_id2, _ = _start_and_kill(root)
    res = subprocess.run(
        [str(SCRIPT), "status", str(root), "--check"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "80"},
    )
    assert res.returncode == 0, res.stderr
    assert f"link run {run_id2} marked failed" in " ".join(res.stderr.split()), res.stderr


def test_next_start_marks_it_failed_and_leaves_the_others(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "ws")
    with ws.session() as s:
        live = LinkRun(engine="duckdb", threshold=0.8, status="running")  # this process
        other_host = LinkRun(
            engine="duckdb", threshold=0.8, status="running", pid=1, host="SYNTHETIC-other-host"
        )
        legacy = LinkRun(engine="duckdb", threshold=0.8, status="running", pid=None, host=None)
        s.add_all([live, other_host, legacy])
        s.flush()
        keep = {live.id, other_host.id, legacy.id}
    root = ws.root
    ws.close()
    dead, _ = _start_and_kill(root)
    ws = Workspace.open(root)  # any command's start
    try:
        assert ws.reaped_link_runs == [dead]
        with ws.engine.connect() as c:
            running = set(
                c.execute(select(LinkRun.id).where(LinkRun.status == "running")).scalars()
            )
        assert running == keep
    finally:
        ws.close()


def test_reused_pid_is_not_taken_for_the_run() -> None:
    me = os.getpid()
    assert process_alive(me, utcnow())
    # a run that began ten years before this process started was not run by it
    assert not process_alive(me, utcnow() - timedelta(days=3650))
    assert not process_alive(2**22 + 12345, utcnow())  # no such process
