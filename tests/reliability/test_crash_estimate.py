"""Crash safety of estimation: SIGKILL during `roshan estimate`.

A stored EstimateRun is written in one transaction with its audit event: after a
kill there is either no new run or a whole one (a complete result document), and
``roshan estimate`` reruns cleanly. SYNTHETIC data from roshan.simulate.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from crash_helpers import roshan, run_ok, scenario_ws
from sqlalchemy import func, select

from roshan.store.integrity import check_store
from roshan.store.models import AuditEvent, EstimateRun

EST = ("--method", "loglinear", "--bootstrap", "200")


def _counts(ws) -> tuple[int, int]:
    with ws.engine.connect() as conn:
        runs = conn.execute(select(func.count()).select_from(EstimateRun)).scalar()
        events = conn.execute(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "estimate.create")
        ).scalar()
    return int(runs), int(events)


@pytest.fixture
def linked_ws(tmp_path: Path):
    ws = scenario_ws(tmp_path)
    run_ok(roshan("link", str(ws.root)))
    yield ws
    ws.close()


@pytest.mark.slow
def test_sigkill_during_estimate_leaves_whole_runs(linked_ws) -> None:
    ws = linked_ws
    took = run_ok(roshan("estimate", str(ws.root), *EST))
    assert _counts(ws) == (1, 1)
    rng = random.Random(5)
    killed = 0
    for _ in range(3):
        n_before = _counts(ws)[0]
        proc = subprocess.Popen(
            roshan("estimate", str(ws.root), *EST),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.3, 1.0) * took)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        killed += proc.wait() == -signal.SIGKILL
        runs, events = _counts(ws)
        assert runs in (n_before, n_before + 1) and runs == events  # run and audit together
        assert check_store(ws) == []  # every stored result document is whole
    run_ok(roshan("estimate", str(ws.root), *EST))
    assert check_store(ws) == [] and _counts(ws)[0] >= 2
    assert killed >= 1, "no run was actually interrupted; the test proves nothing"


_KILL_BEFORE_COMMIT = """
import os, signal, sys
import roshan.estimate.workspace as w
def dying(sess, *args, **kwargs):
    sess.flush()
    os.kill(os.getpid(), signal.SIGKILL)  # the run row is flushed, the audit event not: die
w.record_event = dying
from roshan.cli.main import main
sys.argv = ["roshan", "estimate", sys.argv[1], "--method", "loglinear"]
main()
"""


@pytest.mark.slow
def test_kill_inside_the_estimate_transaction_stores_nothing(linked_ws) -> None:
    ws = linked_ws
    res = subprocess.run(
        [sys.executable, "-c", _KILL_BEFORE_COMMIT, str(ws.root)], capture_output=True, text=True
    )
    assert res.returncode == -signal.SIGKILL, res.stderr[-2000:]
    assert _counts(ws) == (0, 0) and check_store(ws) == []
    run_ok(roshan("estimate", str(ws.root), "--method", "loglinear"))
    assert _counts(ws) == (1, 1) and check_store(ws) == []
