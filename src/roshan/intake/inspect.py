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
from roshan.intake.chunks import MAGIC as CHUNK_MAGIC
from roshan.intake.chunks import verify_chunk_file

MAX_CHUNK_FILE = 1024 * 1024 * 1024


def inspect_file(path: Path) -> dict[str, Any]:
    """Describe one bundle or chunk: kind, bundle id, sizes, and ``ok``/``problem``.

    Never raises for a damaged file (the problem is reported in the result);
    raises IntakeError only if the file cannot be read at all.
    """
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(BUNDLE_MAGIC))
        size = path.stat().st_size
    except OSError as exc:
        raise IntakeError(f"{path.name}: cannot read ({exc.strerror})") from exc
    out: dict[str, Any] = {"file": path.name, "size": size}
    try:
        if head.startswith(CHUNK_MAGIC):
            out["kind"] = "chunk"
            if size > MAX_CHUNK_FILE:
                raise IntakeError(f"{path.name}: chunk file too large")
            h, _ = verify_chunk_file(path)
            out.update({"bundle_id": h.bundle_id, "chunk": h.index + 1, "of": h.count})
        elif head.startswith(BUNDLE_MAGIC):
            out["kind"] = "bundle"
            b = open_bundle(path)
            out.update({"bundle_id": b.bundle_id,
                        "reports": sum(1 for e in b.entries if e.kind == "reports"),
                        "attachments": sum(1 for e in b.entries if e.kind == "attachments"),
                        "witness": sum(1 for e in b.entries if e.kind == "witness")})
        else:
            out["kind"] = "unknown"
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
    return {bid: {"chunks": count, "missing": [i for i in range(1, count + 1) if i not in have]}
            for bid, (count, have) in seen.items()}
