"""Link runs whose process died: found and marked failed (issue 16 item 15).

A ``roshan link`` killed mid-run (SIGKILL, power loss, OOM) leaves its ``link_runs``
row "running" for ever; it is never read as a result, but it counted as running in
``roshan status``. Each run records the process that runs it (``pid``, ``host``);
when a workspace is opened (every command, ``roshan status --check`` included) a run
still "running" whose process is gone on this host is marked failed, with an audit
event. A run started on another host (a team server) or before the pid was recorded
is never guessed dead.
"""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import CursorResult, select, update

from roshan.store.audit import record_event
from roshan.store.models import LinkRun, utcnow
from roshan.store.workspace import Workspace

# A process that started this many seconds after the run did is another process that
# reused the pid.
PID_REUSE_SLACK_S = 5.0


def _proc_start_epoch(pid: int) -> tuple[float | None, str | None]:
    """(start time as a Unix time, state letter) of a Linux process; (None, None) elsewhere."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        btime = next(
            float(line.split()[1])
            for line in Path("/proc/stat").read_text().splitlines()
            if line.startswith("btime ")
        )
    except (OSError, StopIteration, ValueError, IndexError):
        return None, None
    fields = stat[stat.rfind(")") + 2 :].split()
    try:
        return btime + int(fields[19]) / os.sysconf("SC_CLK_TCK"), fields[0]
    except (IndexError, ValueError, OSError):
        return None, fields[0] if fields else None


def process_alive(pid: int, since: datetime | None = None) -> bool:
    """Is ``pid`` a live process that may have started at ``since`` (not a reused pid)?"""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # alive, another user's
    start, state = _proc_start_epoch(pid)
    if state in ("Z", "X"):
        return False  # killed, waiting to be reaped by its parent
    if start is not None and since is not None:
        when = since if since.tzinfo else since.replace(tzinfo=UTC)
        if start > when.timestamp() + PID_REUSE_SLACK_S:
            return False
    return True


def dead_link_runs(ws: Workspace) -> list[tuple[int, int]]:
    """(run id, pid) of runs still "running" whose process on this host is gone."""
    host = socket.gethostname()
    with ws.engine.connect().execution_options(sqlite_deferred=True) as conn:
        rows = conn.execute(
            select(LinkRun.id, LinkRun.pid, LinkRun.host, LinkRun.started_at).where(
                LinkRun.status == "running"
            )
        ).all()
    return [
        (int(r.id), int(r.pid))
        for r in rows
        if r.pid is not None and r.host == host and not process_alive(int(r.pid), r.started_at)
    ]


def reap_dead_link_runs(ws: Workspace) -> list[int]:
    """Mark failed every "running" link run whose process died; return their ids."""
    dead = dead_link_runs(ws)
    if not dead:
        return []
    done: list[int] = []
    with ws.session() as sess:
        for run_id, pid in dead:
            # an UPDATE answers with a CursorResult (rowcount); Session.execute's stub says Result
            res = cast(
                CursorResult[Any],
                sess.execute(
                    update(LinkRun)
                    .where(LinkRun.id == run_id, LinkRun.status == "running")
                    .values(status="failed", finished_at=utcnow())
                ),
            )
            if res.rowcount:
                done.append(run_id)
                record_event(
                    sess,
                    "roshan",
                    "link_run.failed",
                    "link_run",
                    run_id,
                    {"reason": "its process ended without finishing (killed?)", "pid": pid},
                )
    return done
