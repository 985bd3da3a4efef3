"""Ingest reports how far into the file it is (issue 16 item 3), in this process and from
the forked parser worker, so the CLI can draw a bar over the file's bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

from roshan.ingest import importer
from roshan.ingest.importer import ingest_file
from roshan.store.workspace import Workspace


@pytest.mark.parametrize("worker", [False, True])
@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_bytes_read_grow_to_the_file_size(sqlite_ws: Workspace, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch, worker: bool,
                                          suffix: str) -> None:
    if worker:
        monkeypatch.setattr(importer, "WORKER_MIN_BYTES", 0)
    n = 3 * importer.BATCH_ROWS + 17
    f = tmp_path / f"SYNTHETIC-list{suffix}"
    if suffix == ".csv":
        f.write_text("full_name\n" + "".join(f"SYNTHETIC p{i}\n" for i in range(n)),
                     encoding="utf-8")
    else:
        f.write_text("".join(f'{{"full_name": "SYNTHETIC p{i}"}}\n' for i in range(n)),
                     encoding="utf-8")
    seen: list[tuple[int, int]] = []
    rows: list[int] = []
    res = ingest_file(sqlite_ws, f, source_name="SYNTHETIC S", on_progress=rows.append,
                      on_bytes=lambda d, t: seen.append((d, t)))
    assert res.rows_total == n
    size = f.stat().st_size
    assert seen[-1] == (size, size)
    done = [d for d, _ in seen]
    assert done == sorted(done) and 0 < done[0] < size, seen
    assert {t for _, t in seen} == {size}
    assert rows[-1] == n
