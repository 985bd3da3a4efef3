"""Shared by the crash-safety tests: a private PostgreSQL server that a test may kill.

(Moved here from test_crash_ingest.py so the link and intake crash tests can use it.)
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest


def _pg_bin() -> Path | None:
    root = Path("/usr/lib/postgresql")
    if not root.exists():
        return None
    versions = sorted(
        root.iterdir(), key=lambda p: [int(x) for x in p.name.split(".") if x.isdigit()]
    )
    return versions[-1] / "bin" if versions else None


@pytest.fixture
def private_pg(tmp_path: Path):
    """A throwaway PostgreSQL server we may kill (not the shared one)."""
    bindir = _pg_bin()
    if bindir is None or not (bindir / "initdb").exists():
        pytest.skip("PostgreSQL server binaries not installed")
    data = Path(f"/tmp/roshan-pg-{os.getpid()}-{random.randrange(10**6)}")
    data.mkdir()
    user = []
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
        user = ["runuser", "-u", "postgres", "--"]
    port = random.randrange(40000, 50000)
    subprocess.run(
        [*user, str(bindir / "initdb"), "-D", str(data / "db"), "-A", "trust", "-U", "postgres"],
        check=True,
        capture_output=True,
    )

    def start() -> None:
        # Retried: after a crash the kernel may take a moment to release the old
        # server's port and shared memory.
        for attempt in range(5):
            res = subprocess.run(
                [
                    *user,
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(data / "db"),
                    "-w",
                    "-l",
                    str(data / "log"),
                    "-o",
                    f"-p {port} -k {data} -c listen_addresses=127.0.0.1",
                    "start",
                ],
                capture_output=True,
            )
            if res.returncode == 0:
                return
            time.sleep(1 + attempt)
        raise RuntimeError(
            "private PostgreSQL did not start: " + (data / "log").read_text()[-2000:]
        )

    def kill() -> None:
        pid = int((data / "db" / "postmaster.pid").read_text().split()[0])
        # The whole server crashes: backends first (their command lines don't name the data
        # directory, and they would keep the shared memory), then the postmaster.
        subprocess.run(["pkill", "-9", "-P", str(pid)], capture_output=True)
        os.kill(pid, signal.SIGKILL)
        time.sleep(1)

    start()
    subprocess.run(
        [
            *user,
            str(bindir / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-U",
            "postgres",
            "roshan",
        ],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/roshan", start, kill
    finally:
        subprocess.run(
            [*user, str(bindir / "pg_ctl"), "-D", str(data / "db"), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(data, ignore_errors=True)
