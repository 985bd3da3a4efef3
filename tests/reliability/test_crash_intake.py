"""Crash safety of field intake import: SIGKILL during `roshan intake import`.

After a kill no report is half-imported (every IntakeReport row has its record,
its ledger leaf and its encrypted blobs; the ingest import under it is whole), and
rerunning the same command completes the import exactly once (ledger verifies).
All reports are SYNTHETIC.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest
from crash_helpers import roshan
from sqlalchemy import func, select

from roshan.store.integrity import check_store
from roshan.store.models import IntakeReport, Record
from roshan.store.status import workspace_status
from roshan.store.workspace import Workspace

REPORTS = 1200
ATTACHMENTS = 40  # of 256 KiB each


@pytest.fixture(scope="module")
def field_bundle(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(identity file, bundle) with REPORTS SYNTHETIC reports, some with attachments."""
    from pyrage import x25519

    from roshan.intake.bundle import pack_outbox
    from roshan.intake.report import save_report

    work = tmp_path_factory.mktemp("field")
    ident = x25519.Identity.generate()
    id_file = work / "org-identity.txt"
    id_file.write_text(str(ident) + "\n")
    att = work / "att.bin"
    rng = random.Random(9)
    for i in range(REPORTS):
        atts = []
        if i < ATTACHMENTS:
            att.write_bytes(b"SYNTHETIC-ATTACHMENT" + os.urandom(256 * 1024 - 20))
            atts = [att]
        save_report(
            work / "outbox",
            ident.to_public(),
            {
                "full_name": f"SYNTHETIC Person {i}",
                "age": str(rng.randint(14, 70)),
                "city": "SYNTHETIC-City",
                "date_of_death": f"1404/10/{rng.randint(18, 30)}",
            },
            circumstances=f"SYNTHETIC account {i}",
            witness_contact=f"SYNTHETIC contact {i}" if i % 4 == 0 else None,
            attachments=atts,
        )
    bundle = pack_outbox(work / "outbox", work / "send", remove_packed=True)
    assert bundle.path is not None
    return id_file, bundle.path


def _cmd(ws: Path, id_file: Path, bundle: Path) -> list[str]:
    return roshan("intake", "import", str(ws), str(bundle), "--identity", str(id_file))


def _reports(ws: Workspace) -> tuple[int, int]:
    with ws.engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(IntakeReport)).scalar()
        recs = conn.execute(select(func.count()).select_from(Record)).scalar()
    return int(n), int(recs)


def _blobs_present(ws: Workspace) -> bool:
    from roshan.intake.ledger import blob_path

    with ws.engine.connect() as conn:
        rows = conn.execute(select(IntakeReport.payload_sha256, IntakeReport.attachments)).all()
    for sha, atts in rows:
        if not blob_path(ws, "reports", sha).exists():
            return False
        for a in atts or []:
            if not blob_path(ws, "attachments", a["blob"]).exists():
                return False
    return True


@pytest.mark.slow
@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_sigkill_during_intake_import(tmp_path: Path, field_bundle, backend: str, request) -> None:
    url = request.getfixturevalue("pg_url") if backend == "postgresql" else None
    id_file, bundle = field_bundle
    ws = Workspace.init(tmp_path / "ws", url)
    # How long does a whole import take here? (on a copy, so the real one starts empty)
    probe = Workspace.init(tmp_path / "probe")
    probe.close()
    t0 = time.perf_counter()
    done = subprocess.run(_cmd(tmp_path / "probe", id_file, bundle), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    took = time.perf_counter() - t0
    rng = random.Random(13)
    killed = 0
    for _ in range(3):
        proc = subprocess.Popen(
            _cmd(ws.root, id_file, bundle), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(rng.uniform(0.3, 1.0) * took)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        rc = proc.wait()
        killed += rc == -signal.SIGKILL
        assert check_store(ws) == []  # reports have records and leaves; imports whole
        reports, records = _reports(ws)
        assert reports in (0, REPORTS) and records in (0, REPORTS)
        assert reports <= records  # a report is never marked imported without its record
        assert _blobs_present(ws)
        if rc == 0:
            break
    # Rerunning finishes whatever was left, exactly once.
    done = subprocess.run(_cmd(ws.root, id_file, bundle), capture_output=True, text=True)
    if _reports(ws)[0] == REPORTS and done.returncode != 0:
        # the killed run had already finished: the bundle is then refused as a replay
        assert "already" in done.stderr.lower(), done.stderr[-2000:]
    else:
        assert done.returncode == 0, done.stderr[-2000:]
    assert _reports(ws) == (REPORTS, REPORTS)
    assert workspace_status(ws)["raw_rows"] == REPORTS
    assert check_store(ws) == [] and _blobs_present(ws)
    from roshan.intake.ledger import verify

    assert verify(ws, []).ok
    assert killed >= 1, "no run was actually interrupted; the test proves nothing"
    ws.close()
