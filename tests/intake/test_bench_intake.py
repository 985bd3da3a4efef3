"""The intake import benchmark runs end to end at a tiny size (figures not recorded)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "intake_import.py"


def test_bench_small(tmp_path: Path) -> None:
    r = subprocess.run(
        [
            sys.executable,
            str(BENCH),
            "--reports",
            "40",
            "--attachment-total",
            "3M",
            "--attachment-size",
            "512k",
            "--chunk-size",
            "1M",
            "--workdir",
            str(tmp_path),
            "--no-record",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout[r.stdout.index("{") :])
    assert out["reports"] == 40 and out["attachments"] == 6
    assert out["attachment_bytes"] == 6 * 512 * 1024 and out["chunks"] >= 3
    assert out["import_peak_rss_mb"] > 0
