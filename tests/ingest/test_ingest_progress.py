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
def test_bytes_read_grow_to_the_file_size(
    sqlite_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, worker: bool, suffix: str
) -> None:
    if worker:
        monkeypatch.setattr(importer, "WORKER_MIN_BYTES", 0)
    n = 3 * importer.BATCH_ROWS + 17
    f = tmp_path / f"SYNTHETIC-list{suffix}"
    if suffix == ".csv":
        f.write_text(
            "full_name\n" + "".join(f"SYNTHETIC p{i}\n" for i in range(n)), encoding="utf-8"
        )
    else:
        f.write_text(
            "".join(f'{{"full_name": "SYNTHETIC p{i}"}}\n' for i in range(n)), encoding="utf-8"
        )
    seen: list[tuple[int, int]] = []
    rows: list[int] = []
    res = ingest_file(
        sqlite_ws,
        f,
        source_name="SYNTHETIC S",
        on_progress=rows.append,
        on_bytes=lambda d, t: seen.append((d, t)),
    )
    assert res.rows_total == n
    size = f.stat().st_size
    assert seen[-1] == (size, size)
    done = [d for d, _ in seen]
    assert done == sorted(done) and 0 < done[0] < size, seen
    assert {t for _, t in seen} == {size}
    assert rows[-1] == n


def _put_and_exit(q) -> None:  # a multiprocessing queue
    q.put(("done", {}, None))


class _FirstGetTimesOut:
    """A queue whose first ``get`` times out, as when the poll ends just before the child writes."""

    def __init__(self, q) -> None:
        self.q, self.calls = q, 0

    def get(self, timeout: float):
        self.calls += 1
        if self.calls == 1:
            import queue

            raise queue.Empty
        return self.q.get(timeout=timeout)


def test_a_worker_that_wrote_its_last_message_then_exited_is_not_called_dead() -> None:
    """CI once failed with 'the ingest worker process died' on a loaded machine: the poll
    timed out, the child wrote "done" and exited, and the parent saw a dead child and gave
    up without reading the message waiting in the queue."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    q = ctx.Queue()
    proc = ctx.Process(target=_put_and_exit, args=(q,))
    proc.start()
    proc.join()
    assert importer._next_message(_FirstGetTimesOut(q), proc, poll=0.01) == ("done", {}, None)


def test_a_worker_that_died_silently_is_reported_with_its_exit_code() -> None:
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    q = ctx.Queue()
    proc = ctx.Process(target=__import__("os")._exit, args=(3,))
    proc.start()
    proc.join()
    with pytest.raises(RuntimeError, match="exit code 3"):
        importer._next_message(q, proc, poll=0.01)
