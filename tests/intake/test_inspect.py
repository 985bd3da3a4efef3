"""Key-less checking of bundles and chunks (what a courier can run)."""

from __future__ import annotations

from pathlib import Path

from roshan.intake import bundle as B
from roshan.intake import chunks as C
from roshan.intake import report as R
from roshan.intake.inspect import chunk_coverage, inspect_file
from roshan.intake.keys import OrgKeys


def test_inspect_bundle_chunks_and_damage(tmp_path: Path, org: OrgKeys) -> None:
    for i in range(3):
        R.save_report(
            tmp_path / "o",
            org.identity.to_public(),
            {"full_name": f"SYNTHETIC {i}"},
            circumstances="SYNTHETIC " * 50,
        )
    b = B.pack_outbox(tmp_path / "o", tmp_path / "b")
    info = inspect_file(b.path)
    assert info["ok"] and info["kind"] == "bundle" and info["reports"] == 3
    assert info["bundle_id"] == b.bundle_id
    parts = C.split_bundle(b.path, tmp_path / "c", 1024)
    res = [inspect_file(p) for p in parts[1:]]
    assert all(r["ok"] for r in res)
    assert chunk_coverage(res) == {b.bundle_id: {"chunks": len(parts), "missing": [1]}}
    data = bytearray(b.path.read_bytes())
    data[-3] ^= 4
    bad = tmp_path / "bad.rbundle"
    bad.write_bytes(bytes(data))
    r = inspect_file(bad)
    assert not r["ok"] and "tampered" in r["problem"]
    junk = tmp_path / "x.txt"
    junk.write_text("SYNTHETIC")
    assert inspect_file(junk)["kind"] == "unknown"
