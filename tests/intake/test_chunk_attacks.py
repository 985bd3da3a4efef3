"""Chunks that lie (issue 16, items 6, 7, 8 and 13): none can block a genuine bundle, create a
phantom bundle by an edited header, or make ``intake check`` say "ok" for a set that would
not import; chunks of a bundle already imported are refused and the rest imported."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from roshan.errors import IntakeError
from roshan.intake import bundle as B
from roshan.intake import chunks as C
from roshan.intake import importer as I
from roshan.intake import report as R
from roshan.intake.keys import OrgKeys


def _bundle(tmp: Path, org: OrgKeys, n: int = 3, tag: str = "o") -> B.Bundle:
    for i in range(n):
        R.save_report(
            tmp / tag,
            org.identity.to_public(),
            {"full_name": f"SYNTHETIC Person {tag}{i}", "city": "SYNTHETIC-City"},
            circumstances="SYNTHETIC account " * 400,
        )
    return B.pack_outbox(tmp / tag, tmp / f"b-{tag}")


def _five(tmp: Path, org: OrgKeys, tag: str = "o") -> tuple[B.Bundle, list[Path]]:
    b = _bundle(tmp, org, tag=tag)
    assert b.path is not None
    size = b.path.stat().st_size
    parts = C.split_bundle(b.path, tmp / f"c-{tag}", -(-size // 5) + C.header_overhead(size))
    assert len(parts) == 5
    return b, parts


def _forge(src: Path, dest: Path, **changes: object) -> Path:
    """A copy of chunk ``src`` with header ``changes`` (payload bytes may be given as
    ``payload``), its hash recomputed so it is valid on its own."""
    h, payload = C.parse_chunk(src.read_bytes())
    payload = changes.pop("payload", payload)  # type: ignore[assignment]
    h = C.rehash(replace(h, **changes, length=len(payload)), payload)  # type: ignore[arg-type]
    dest.write_bytes(C.encode_chunk(h, payload))
    return dest


def _spool(ws) -> C.Spool:
    return C.Spool(ws.root / "intake" / "spool")


def test_chunk_that_does_not_fit_its_bundle_is_refused_before_spooling(
    tmp_path: Path, org: OrgKeys, workspace
) -> None:
    b, parts = _five(tmp_path, org)
    bad = _forge(parts[1], tmp_path / "bad.rchunk", offset=1)  # hash valid, place impossible
    with pytest.raises(IntakeError, match="does not fit its bundle"):
        I.import_bundles(workspace, [bad], [org.identity])
    assert _spool(workspace).pending() == []
    # a v1 chunk (no stride, payload-only hash) with the same lie is refused too
    h, payload = C.parse_chunk(parts[1].read_bytes())
    v1 = replace(h, offset=1, version=1, stride=0)
    v1 = replace(v1, sha256=__import__("hashlib").sha256(payload).hexdigest())
    (tmp_path / "v1.rchunk").write_bytes(C.encode_chunk(v1, payload))
    with pytest.raises(IntakeError, match="does not fit its bundle"):
        I.import_bundles(workspace, [tmp_path / "v1.rchunk"], [org.identity])
    sm = I.import_bundles(workspace, parts, [org.identity])
    assert sm.reports_new == 3 and not sm.pending and not sm.refused


@pytest.mark.parametrize("junk", ["same_layout", "other_layout"])
def test_spooled_junk_never_blocks_the_genuine_set(
    tmp_path: Path, org: OrgKeys, workspace, junk: str
) -> None:
    b, parts = _five(tmp_path, org)
    h2 = C.parse_chunk(parts[2].read_bytes())[0]
    if junk == "same_layout":  # chunk 3 with other bytes, self-consistent
        bad = _forge(parts[2], tmp_path / "j.rchunk", payload=b"\0" * h2.length)
    else:  # claims the bundle is one chunk longer
        size = h2.bundle_size + h2.stride
        bad = _forge(parts[2], tmp_path / "j.rchunk", bundle_size=size, count=6)
    sm = I.import_bundles(workspace, [bad], [org.identity])  # accepted into the spool
    assert sm.reports_new == 0 and sm.pending
    # the five genuine chunks, delivered together, always win
    sm = I.import_bundles(workspace, parts, [org.identity])
    assert sm.reports_new == 3 and not sm.pending and not sm.refused
    assert _spool(workspace).pending() == []


def test_genuine_chunks_win_across_deliveries(tmp_path: Path, org: OrgKeys, workspace) -> None:
    b, parts = _five(tmp_path, org)
    I.import_bundles(workspace, parts[:3], [org.identity])
    h3 = C.parse_chunk(parts[3].read_bytes())[0]
    junk = [
        _forge(parts[3], tmp_path / f"j{i}.rchunk", payload=bytes([i]) * h3.length)
        for i in range(C.MAX_VERSIONS + 2)
    ]  # a flood of versions of chunk 4
    sm = I.import_bundles(workspace, junk, [org.identity])
    assert sm.pending and sm.pending[0]["missing"] == [5]
    assert _spool(workspace).status(b.bundle_id).versions <= C.MAX_VERSIONS
    sm = I.import_bundles(workspace, parts[3:], [org.identity])
    assert sm.reports_new == 3 and not sm.pending
    # once the set is complete with only junk left over, it is refused by name, not a crash
    b2, parts2 = _five(tmp_path, org, tag="x")
    forged = _forge(
        parts2[4],
        tmp_path / "f.rchunk",
        payload=b"\1" * C.parse_chunk(parts2[4].read_bytes())[0].length,
    )
    with pytest.raises(IntakeError, match="do not match the bundle id"):
        I.import_bundles(workspace, [*parts2[:4], forged], [org.identity])
    assert _spool(workspace).pending() == []  # the forged set was dropped
    assert I.import_bundles(workspace, parts2, [org.identity]).reports_new == 3


def test_edited_chunk_header_is_tampering_not_a_phantom_bundle(
    tmp_path: Path, org: OrgKeys, workspace
) -> None:
    b, parts = _five(tmp_path, org)
    data = parts[0].read_bytes()
    other = "f" * 64
    edited = data.replace(b.bundle_id.encode(), other.encode())
    assert edited != data
    (tmp_path / "e.rchunk").write_bytes(edited)
    with pytest.raises(IntakeError, match="header or payload does not match its hash"):
        I.import_bundles(workspace, [tmp_path / "e.rchunk"], [org.identity])
    assert _spool(workspace).pending() == []


def test_replayed_part_refused_and_the_rest_imported(
    tmp_path: Path, org: OrgKeys, workspace
) -> None:
    old, old_parts = _five(tmp_path, org, tag="a")
    I.import_bundles(workspace, old_parts, [org.identity])
    new = _bundle(tmp_path, org, tag="b")
    sm = I.import_bundles(workspace, [*old_parts, new.path, old.path], [org.identity])
    assert sm.reports_new == 3
    assert [r["bundle_id"] for r in sm.refused] == [old.bundle_id]
    assert sm.refused[0]["replay"] and not sm.problems
    assert _spool(workspace).pending() == []  # not shown as pending


def test_short_ids_show_whole_ids_that_share_a_prefix() -> None:
    from roshan.cli.intake import short_ids

    a, b, c = "ab" * 8 + "0" * 48, "ab" * 8 + "1" * 48, "cd" * 32
    shown = short_ids([a, b, c])
    assert shown[a] == a and shown[b] == b and shown[c] == "cd" * 8 + "…"


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    from roshan.cli.main import main

    def _run(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["roshan", *map(str, args)])
        capsys.readouterr()
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        out = capsys.readouterr()
        return code, out.out, out.err

    return _run


def test_cli_check_status_and_discard(tmp_path: Path, org: OrgKeys, workspace, run) -> None:
    b, parts = _five(tmp_path, org)
    code, _, err = run("intake", "check", *parts)
    assert code == 0 and "join into the bundle" in err, err
    forged = _forge(
        parts[4],
        tmp_path / "f.rchunk",
        payload=b"\1" * C.parse_chunk(parts[4].read_bytes())[0].length,
    )
    code, out, err = run("intake", "check", *parts[:4], forged)
    assert code == 1 and "do not make the bundle" in err, err
    code, out, _ = run("intake", "check", *parts[:4], forged, "--json")
    assert code == 1 and json.loads(out)["chunked_bundles"][b.bundle_id]["joins"] is False
    # two pending bundles whose ids share 16 characters: shown whole
    ids = ["ab" * 8 + "0" * 48, "ab" * 8 + "1" * 48]
    for n, bid in enumerate(ids):
        _forge(parts[0], tmp_path / f"p{n}.rchunk", bundle_id=bid)
    code, out, err = run(
        "intake",
        "import",
        workspace.root,
        tmp_path / "p0.rchunk",
        tmp_path / "p1.rchunk",
        "--identity",
        _identity_file(tmp_path, org),
    )
    assert code == 0, err
    code, _, err = run("intake", "status", workspace.root)
    assert code == 0 and ids[0] in err and ids[1] in err, err
    assert "missing chunks 2, 3, 4, 5 of 5" in " ".join(err.split())
    # a complete set waiting in the spool is not "missing chunks  of 5"
    for p in parts:
        _spool(workspace).add(*C.parse_chunk(p.read_bytes()))
    code, _, err = run("intake", "status", workspace.root)
    flat = " ".join(err.split())
    assert "all 5 chunks here but not imported yet" in flat and "missing chunks of" not in flat
    code, _, err = run("intake", "discard", workspace.root, ids[0][:20])
    assert code == 0 and ids[0] in err
    assert {s.bundle_id for s in _spool(workspace).pending()} == {ids[1], b.bundle_id}


def _identity_file(tmp: Path, org: OrgKeys) -> Path:
    p = tmp / "identity.txt"
    p.write_text(str(org.identity) + "\n")
    return p
