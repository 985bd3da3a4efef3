"""Hostile list files through the installed `roshan` script (issue 16, "Done when"):
every one ends in a result or in one `error:` line with exit 2, never a traceback, and
the error names the file but never a source's name. SYNTHETIC data only."""

from __future__ import annotations

import io
import os
import random
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

SCRIPT = Path(sys.executable).parent / "roshan"
SOURCE = "SYNTHETIC Secret Source Name"


def _xlsx_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")
    data = bytearray(buf.getvalue())
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 24 : cd + 28] = (0xFFFF0000).to_bytes(4, "little")
    return bytes(data)


def _cases() -> list[tuple[str, bytes]]:
    rng = random.Random(16)
    cases = [
        (f"SYNTHETIC-random-{i}{suffix}", rng.randbytes(rng.randint(1, 3000)))
        for i, suffix in enumerate([".csv", ".tsv", ".json", ".jsonl", ".xlsx", ".txt"])
    ]
    cases += [
        ("SYNTHETIC-nested.json", b"[" * 100_000 + b"]" * 100_000),
        ("SYNTHETIC-nested.jsonl", b'{"a": ' + b"[" * 50_000 + b"]" * 50_000 + b"}\n"),
        ("SYNTHETIC-bomb.xlsx", _xlsx_bomb()),
        ("SYNTHETIC-truncated.xlsx", b"PK\x03\x04" + rng.randbytes(200)),
        ("SYNTHETIC-header-only.csv", b"full_name,city\n"),
        ("SYNTHETIC-nul.csv", b"full_name\n\x00\x00\x00\n"),
        ("SYNTHETIC-bidi.csv", "full_name\n\u202eSYNTHETIC\u202c [columns]\n".encode()),
        ("SYNTHETIC-utf16-nobom.csv", "full_name\nSYNTHETIC A\n".encode("utf-16-le")),
    ]
    return cases


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fuzzcli") / "ws"
    exe = str(SCRIPT) if SCRIPT.exists() else shutil.which("roshan")
    assert exe and subprocess.run([exe, "init", str(root)], capture_output=True).returncode == 0
    return root


@pytest.mark.parametrize(("name", "data"), _cases(), ids=[c[0] for c in _cases()])
def test_hostile_file_is_a_result_or_one_line(
    ws: Path, tmp_path: Path, name: str, data: bytes
) -> None:
    f = tmp_path / name
    f.write_bytes(data)
    exe = str(SCRIPT) if SCRIPT.exists() else shutil.which("roshan")
    res = subprocess.run(
        [exe, "ingest", str(ws), str(f), "--source", SOURCE],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "80"},
    )
    out = res.stdout + res.stderr
    assert "Traceback" not in out, out[-2000:]
    if res.returncode != 0:
        assert res.returncode == 2, (res.returncode, out[-2000:])
        lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
        assert len(lines) == 1 and lines[0].startswith("error: "), res.stderr
        assert name in lines[0]  # names the file
        assert SOURCE not in lines[0]  # never the source
