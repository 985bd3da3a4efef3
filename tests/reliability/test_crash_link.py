"""Crash safety of linkage: SIGKILL during `roshan link`, and a PostgreSQL server dying mid-run.

After every crash the store holds either the previous run's victims and links intact
or the new run's complete ones — never half of each — the victims snapshot that
estimation reads matches the store, a ``link_runs`` row left "running" is not taken
for a result, and ``roshan link`` reruns cleanly. SYNTHETIC data from roshan.simulate.
"""

from __future__ import annotations

import logging
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from crash_helpers import roshan
from crash_helpers import scenario_ws as _scenario_ws
from sqlalchemy import select

from roshan.store.integrity import check_store
from roshan.store.models import LinkRun, RecordLink, Victim
from roshan.store.workspace import Workspace


def _link_cmd(ws: Path) -> list[str]:
    return roshan("link", str(ws))  # the installed console script


def _state(ws: Workspace) -> tuple[int | None, int, frozenset]:
    """(latest finished run id, active victims, the set of (record, victim uid) links)."""
    with ws.engine.connect() as conn:
        done = conn.execute(
            select(LinkRun.id).where(LinkRun.status == "done").order_by(LinkRun.id.desc())
        ).scalar()
        n_victims = len(conn.execute(select(Victim.id).where(Victim.active.is_(True))).all())
        links = frozenset(
            conn.execute(
                select(RecordLink.record_id, Victim.uid).join(
                    Victim, Victim.id == RecordLink.victim_id
                )
            ).all()
        )
    return done, n_victims, frozenset(links)


def _run_link(ws_root: Path) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(_link_cmd(ws_root), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    return time.perf_counter() - t0


def _kill_after(cmd: list[str], delay: float) -> int:
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    return proc.wait()


@pytest.mark.slow
@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_sigkill_during_link_keeps_previous_or_new_run_whole(
    tmp_path: Path, backend: str, request
) -> None:
    url = request.getfixturevalue("pg_url") if backend == "postgresql" else None
    ws = _scenario_ws(tmp_path, url)
    took = _run_link(ws.root)  # a first, complete run: the "previous" result
    first = _state(ws)
    assert first[0] is not None and first[1] > 0 and check_store(ws) == []
    rng = random.Random(3)
    killed = 0
    for _ in range(2):
        # Anywhere from start-up to the very end of a run (writing the store included).
        rc = _kill_after(_link_cmd(ws.root), rng.uniform(0.3, 1.0) * took)
        killed += rc == -signal.SIGKILL
        assert check_store(ws) == []
        now = _state(ws)
        if now[0] == first[0]:
            assert now == first  # the previous run untouched
        else:
            assert now[0] > first[0] and now[1] > 0  # a new run, complete (check_store)
            first = now
    # A "running" row left by a killed process is not a result anywhere.
    from roshan.report.data import latest_link_run

    latest = latest_link_run(ws)
    assert latest is not None and latest["id"] == first[0]
    _run_link(ws.root)
    after = _state(ws)
    assert after[0] > first[0] and check_store(ws) == []
    # Linkage is deterministic (fixed seed): the rerun finds the same people.
    assert after[2] == first[2]
    assert killed >= 1, "no run was actually interrupted; the test proves nothing"
    ws.close()


_KILL_INSIDE_COMMIT = """
import os, signal, sys
import roshan.link.pipeline as p
orig = p._write_store
def write_store(*args, **kwargs):
    finish = args[6] if len(args) > 6 else kwargs.get("finish")
    def dying(sess, new, retired):
        finish(sess, new, retired)  # every row of the new run written and the run marked done...
        sess.flush()
        os.kill(os.getpid(), signal.SIGKILL)  # ...and the process dies before COMMIT
    return orig(*args[:6], dying)
p._write_store = write_store
from roshan.cli.main import main
sys.argv = ["roshan", "link", sys.argv[1]]
main()
"""


@pytest.mark.slow
def test_kill_inside_the_store_transaction_leaves_previous_run(tmp_path: Path) -> None:
    """Deterministic: the process dies with the whole new run flushed but not committed."""
    logging.getLogger("splink").setLevel(logging.ERROR)
    ws = _scenario_ws(tmp_path)
    _run_link(ws.root)
    before = _state(ws)
    res = subprocess.run(
        [sys.executable, "-c", _KILL_INSIDE_COMMIT, str(ws.root)], capture_output=True, text=True
    )
    assert res.returncode == -signal.SIGKILL, res.stderr[-2000:]
    assert _state(ws) == before
    assert check_store(ws) == []
    with ws.engine.connect() as conn:
        statuses = [s for (s,) in conn.execute(select(LinkRun.status).order_by(LinkRun.id))]
    assert statuses == ["done", "running"]  # the dead run is visible, and not a result
    # Estimation attributes its result to the finished run, not the dead one.
    from roshan.estimate.workspace import estimate_workspace
    from roshan.store.models import EstimateRun

    estimate_workspace(ws, method="loglinear")
    with ws.engine.connect() as conn:
        assert conn.execute(select(EstimateRun.link_run_id)).scalar() == before[0]
    _run_link(ws.root)
    assert _state(ws)[0] == 3 and check_store(ws) == []
    with ws.engine.connect() as conn:
        statuses = [s for (s,) in conn.execute(select(LinkRun.status).order_by(LinkRun.id))]
    # the next start found the dead run's process gone and marked it failed (issue 16
    # item 15): it no longer counts as running
    assert statuses == ["done", "failed", "done"]
    ws.close()


@pytest.mark.slow
@pytest.mark.postgres
def test_postgres_server_dies_mid_link(tmp_path: Path, private_pg) -> None:
    url, start, kill = private_pg
    ws = _scenario_ws(tmp_path, url)
    took = _run_link(ws.root)
    before = _state(ws)
    ws.close()
    proc = subprocess.Popen(
        _link_cmd(tmp_path / "ws"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    time.sleep(0.7 * took)
    kill()  # the database server crashes mid-run
    _, err = proc.communicate(timeout=300)
    start()  # crash recovery
    ws = Workspace.open(tmp_path / "ws")
    if proc.returncode != 0:
        assert "Traceback" not in err, err[-2000:]
    assert check_store(ws) == []
    now = _state(ws)
    assert now == before or (now[0] > before[0] and now[1] > 0)
    _run_link(ws.root)
    assert check_store(ws) == [] and _state(ws)[0] > now[0]
    ws.close()
