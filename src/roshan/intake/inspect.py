"""Check a bundle or chunk file without any key: is it whole and untampered?

Why: a courier or a receiving volunteer who must not hold the organisation key
can still tell, before passing a file on, whether it arrived intact — and
report which chunks of a bundle are still missing. Only hashes and sizes are
examined; nothing is decrypted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from roshan.errors import IntakeError
from roshan.intake.bundle import MAGIC as BUNDLE_MAGIC
from roshan.intake.bundle import open_bundle
from roshan.intake.chunks import ChunkHeader, is_chunk, join_files, verify_chunk_file

__all__ = [
    "MAX_CHUNK_FILE",
    "check_files",
    "checked_chunk",
    "chunk_coverage",
    "file_kind",
    "inspect_file",
]

MAX_CHUNK_FILE = 1024 * 1024 * 1024


def file_kind(path: Path) -> tuple[str, int]:
    """``("chunk" | "bundle" | "unknown", size in bytes)`` of a file, from its first bytes.

    Raises IntakeError when the file cannot be read.
    """
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(BUNDLE_MAGIC))
        size = path.stat().st_size
    except OSError as exc:
        raise IntakeError(f"{path.name}: cannot read ({exc.strerror})") from exc
    if is_chunk(head):
        return "chunk", size
    return ("bundle" if head.startswith(BUNDLE_MAGIC) else "unknown"), size


def checked_chunk(path: Path, size: int) -> tuple[ChunkHeader, int]:
    """A chunk file of ``size`` bytes verified (:func:`verify_chunk_file`) unless too large."""
    if size > MAX_CHUNK_FILE:
        raise IntakeError(f"{path.name}: chunk file too large")
    return verify_chunk_file(path)


def inspect_file(
    path: Path, *, _chunk: list[tuple[ChunkHeader, int]] | None = None
) -> dict[str, Any]:
    """Describe one bundle or chunk: kind, bundle id, sizes, and ``ok``/``problem``.

    Never raises for a damaged file (the problem is reported in the result);
    raises IntakeError only if the file cannot be read at all.
    """
    path = Path(path)
    kind, size = file_kind(path)
    out: dict[str, Any] = {"file": path.name, "size": size, "kind": kind}
    try:
        if kind == "chunk":
            h, off = checked_chunk(path, size)
            out.update({"bundle_id": h.bundle_id, "chunk": h.index + 1, "of": h.count})
            if _chunk is not None:
                _chunk.append((h, off))
        elif kind == "bundle":
            b = open_bundle(path)
            out.update(
                {
                    "bundle_id": b.bundle_id,
                    "reports": sum(1 for e in b.entries if e.kind == "reports"),
                    "attachments": sum(1 for e in b.entries if e.kind == "attachments"),
                    "witness": sum(1 for e in b.entries if e.kind == "witness"),
                }
            )
        else:
            raise IntakeError(f"{path.name}: not a roshan bundle or chunk")
    except IntakeError as exc:
        out["ok"] = False
        out["problem"] = str(exc)
        return out
    out["ok"] = True
    return out


def chunk_coverage(results: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """For the chunks among ``results``: per bundle, which chunk numbers are missing."""
    seen: dict[str, tuple[int, set[int]]] = {}
    for r in results:
        if r.get("kind") == "chunk" and r.get("ok"):
            count, have = seen.setdefault(r["bundle_id"], (r["of"], set()))
            have.add(r["chunk"])
    return {
        bid: {"chunks": count, "missing": [i for i in range(1, count + 1) if i not in have]}
        for bid, (count, have) in seen.items()
    }


def check_files(paths: list[Path]) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """``inspect_file`` for each path, plus per chunked bundle: which chunks are missing
    and, when all are here, whether they join into the bundle their headers name
    (``"joins": True/False``). Each chunk can be intact on its own while the set is
    forged or mixed; only the join tells (issue 16, item 7)."""
    results: list[dict[str, Any]] = []
    sets: dict[tuple[str, tuple[int, int, int]], dict[int, tuple[Path, ChunkHeader, int]]] = {}
    for p in paths:
        got: list[tuple[ChunkHeader, int]] = []
        r = inspect_file(Path(p), _chunk=got)
        results.append(r)
        if got and r.get("ok"):
            h, off = got[0]
            sets.setdefault((h.bundle_id, h.key), {}).setdefault(h.index, (Path(p), h, off))
    coverage = chunk_coverage(results)
    for (bid, key), have in sets.items():
        count = key[0]
        if len(have) == count:
            joined = join_files(list(have.values()))
            coverage[bid]["joins"] = joined == bid
            coverage[bid]["missing"] = []
            coverage[bid]["chunks"] = count
    return results, coverage
