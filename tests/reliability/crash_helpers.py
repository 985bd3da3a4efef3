"""Helpers shared by the crash-safety tests (SYNTHETIC data only)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from roshan.store.workspace import Workspace

POPULATION = 800  # ~1,300 records over 5 lists: a link run of several seconds


def scenario_ws(tmp_path: Path, url: str | None = None, population: int = POPULATION) -> Workspace:
    """A workspace holding the lists of a small simulated scenario (not linked)."""
    from roshan.canonical import SourceKind
    from roshan.ingest.importer import ingest_file
    from roshan.simulate.config import ScenarioConfig
    from roshan.simulate.scenario import simulate

    man = simulate(ScenarioConfig(seed=11, population=population), tmp_path / "sim")
    ws = Workspace.init(tmp_path / "ws", url)
    for s in man["sources"]:
        ingest_file(
            ws,
            tmp_path / "sim" / s["file"],
            source_name=s["name"],
            source_kind=SourceKind(s["kind"]),
            mapping_path=(tmp_path / "sim" / s["mapping"]) if s.get("mapping") else None,
        )
    return ws


SCRIPT = Path(sys.executable).parent / "roshan"


def roshan(*args: str) -> list[str]:
    """The command line of the installed ``roshan`` console script (what a user runs),
    or the module when the script is not installed."""
    if SCRIPT.exists():
        return [str(SCRIPT), *args]
    return [sys.executable, "-m", "roshan.cli.main", *args]


def run_ok(cmd: list[str]) -> float:
    """Run ``cmd`` to completion (it must succeed); its wall time."""
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    return time.perf_counter() - t0
