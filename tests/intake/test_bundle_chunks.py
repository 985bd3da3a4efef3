"""Bundles and chunks: round trips, refusals, and a hypothesis fuzz of the parsers."""

from __future__ import annotations

import hashlib
import json
import random
import struct
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roshan.errors import IntakeError
from roshan.intake import bundle as B
from roshan.intake import chunks as C


def _blob(folder: Path, kind: str, data: bytes) -> tuple[str, Path]:
    d = folder / kind
    d.mkdir(parents=True, exist_ok=True)
    sha = hashlib.sha256(data).hexdigest()
    p = d / f"{sha}.age"
    p.write_bytes(data)
    return f"{kind}/{sha}.age", p


def _make_bundle(tmp: Path, n: int = 3, size: int = 500) -> B.Bundle:
    rng = random.Random(n * 7 + size)
    blobs = [
        _blob(tmp / "outbox", k, rng.randbytes(size + i))
        for i, k in enumerate(["reports", "attachments", "witness"][:n] * 1)
    ]
    return B.write_bundle(blobs, tmp / "out")


def _raw_bundle(entries: list[tuple[str, bytes]], manifest_extra: dict | None = None) -> bytes:
    man = {
        "format": B.FORMAT,
        "created_at": "2026-01-10T00:00:00Z",
        "entries": [{"name": n, "size": len(d)} for n, d in entries],
        **(manifest_extra or {}),
    }
    m = json.dumps(man).encode()
    return B.MAGIC + struct.pack(">I", len(m)) + m + b"".join(d for _, d in entries)


def test_round_trip(tmp_path: Path) -> None:
    b = _make_bundle(tmp_path)
    assert b.path is not None and b.path.name == f"{b.bundle_id}.rbundle"
    opened = B.open_bundle(b.path)
    assert opened.bundle_id == b.bundle_id == hashlib.sha256(b.path.read_bytes()).hexdigest()
    assert [e.name for e in opened.entries] == [e.name for e in b.entries]
    for e in opened.entries:
        assert hashlib.sha256(B.read_entry(b.path, e)).hexdigest() == e.sha256
    assert B.parse_bundle_bytes(b.path.read_bytes()).bundle_id == b.bundle_id


@pytest.mark.parametrize(
    "name",
    [
        "../reports/" + "a" * 64 + ".age",
        "/etc/passwd",
        "reports/../../x.age",
        "reports\\" + "a" * 64 + ".age",
        "other/" + "a" * 64 + ".age",
        "reports/" + "A" * 64 + ".age",
        "reports/" + "a" * 64 + ".age/../../x",
    ],
)
def test_path_traversal_names_refused(name: str) -> None:
    with pytest.raises(IntakeError, match="refused entry name"):
        B.parse_bundle_bytes(_raw_bundle([(name, b"x")]))


def test_tampered_truncated_and_extended_refused(tmp_path: Path) -> None:
    b = _make_bundle(tmp_path)
    assert b.path is not None
    data = b.path.read_bytes()
    bad = bytearray(data)
    bad[-10] ^= 1
    for blob, msg in [
        (bytes(bad), "tampered"),
        (data[:-1], "truncated"),
        (data + b"x", "unexpected bytes"),
        (data[:20], "truncated"),
        (b"PK\x03\x04" + data, "bad magic"),
    ]:
        with pytest.raises(IntakeError, match=msg):
            B.parse_bundle_bytes(blob)
        p = tmp_path / "bad.rbundle"
        p.write_bytes(blob)
        with pytest.raises(IntakeError, match=msg):
            B.open_bundle(p)


def test_duplicate_entries_refused() -> None:
    d = b"abc"
    name = f"reports/{hashlib.sha256(d).hexdigest()}.age"
    with pytest.raises(IntakeError, match="duplicate"):
        B.parse_bundle_bytes(_raw_bundle([(name, d), (name, d)]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_fuzz_random_bytes_only_intake_errors(data: bytes) -> None:
    for blob in (data, B.MAGIC + data):
        try:
            B.parse_bundle_bytes(blob)
        except IntakeError:
            pass


_VALID = _raw_bundle(
    [
        (f"reports/{hashlib.sha256(b'r1').hexdigest()}.age", b"r1"),
        (f"attachments/{hashlib.sha256(b'a22').hexdigest()}.age", b"a22"),
    ]
)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, len(_VALID) - 1), st.integers(0, 255)), min_size=1, max_size=4
    ),
    st.integers(0, len(_VALID)),
)
def test_fuzz_mutated_bundles_are_refused_or_identical(
    muts: list[tuple[int, int]], cut: int
) -> None:
    """Any byte flips or truncation either give an IntakeError or the same bundle."""
    data = bytearray(_VALID)
    for pos, val in muts:
        data[pos] = val
    blob = bytes(data[:cut]) if cut < len(_VALID) else bytes(data)
    try:
        b = B.parse_bundle_bytes(blob)
    except IntakeError:
        return
    # accepted: then every entry is intact (only harmless manifest whitespace/JSON changes)
    for e in b.entries:
        assert hashlib.sha256(blob[e.offset : e.offset + e.size]).hexdigest() == e.sha256
        assert B.ENTRY_NAME.fullmatch(e.name)


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=8), c, max_size=4),
        max_leaves=12,
    )
)
def test_fuzz_manifest_json(doc: object) -> None:
    for man in (doc, {"format": B.FORMAT, "entries": doc}, {"format": B.FORMAT, "entries": [doc]}):
        m = json.dumps(man).encode()
        try:
            B.parse_bundle_bytes(B.MAGIC + struct.pack(">I", len(m)) + m)
        except IntakeError:
            pass


def test_chunks_any_order_resumable(tmp_path: Path) -> None:
    b = _make_bundle(tmp_path, size=3000)
    assert b.path is not None
    parts = C.split_bundle(b.path, tmp_path / "chunks", 1024)
    stride = C.parse_chunk(parts[0].read_bytes())[0].stride
    assert len(parts) == -(-b.size // stride)
    # --chunk-size caps the file, header included (issue 16, item 13)
    assert max(p.stat().st_size for p in parts) <= 1024
    assert parts[0].stat().st_size > 1000
    spool = C.Spool(tmp_path / "spool")
    order = list(reversed(parts))
    for _i, p in enumerate(order[:-1]):
        h, payload = C.parse_chunk(p.read_bytes())
        st_ = spool.add(h, payload)
        assert not st_.complete
        # the same chunk twice (two couriers) is harmless
        spool.add(h, payload)
    # a new Spool object (e.g. after a restart) sees what arrived
    st_ = C.Spool(tmp_path / "spool").status(b.bundle_id)
    assert st_.missing == (0,)
    with pytest.raises(IntakeError, match="missing chunks 1 of"):
        spool.assemble(b.bundle_id, tmp_path / "x.rbundle")
    h, payload = C.parse_chunk(order[-1].read_bytes())
    assert spool.add(h, payload).complete
    out = spool.assemble(b.bundle_id, tmp_path / "re.rbundle")
    assert out.read_bytes() == b.path.read_bytes()


def test_tampered_and_truncated_chunks_refused(tmp_path: Path) -> None:
    b = _make_bundle(tmp_path, size=3000)
    assert b.path is not None
    data = C.split_bundle(b.path, tmp_path / "c", 1024)[1].read_bytes()
    bad = bytearray(data)
    bad[-5] ^= 0xFF
    with pytest.raises(IntakeError, match="tampered"):
        C.parse_chunk(bytes(bad))
    with pytest.raises(IntakeError, match="truncated"):
        C.parse_chunk(data[:-3])
    with pytest.raises(IntakeError, match="malformed"):
        C.parse_chunk(data.replace(b'"index":1', b'"index":"1"'))


def test_forged_chunk_with_recomputed_hash_caught_at_assembly(tmp_path: Path) -> None:
    b = _make_bundle(tmp_path, size=3000)
    assert b.path is not None
    parts = C.split_bundle(b.path, tmp_path / "c", 1024)
    spool = C.Spool(tmp_path / "spool")
    for i, p in enumerate(parts):
        h, payload = C.parse_chunk(p.read_bytes())
        if i == 1:  # attacker edits the payload and fixes the chunk's own hash
            payload = bytes([payload[0] ^ 1]) + payload[1:]
            h = C.rehash(h, payload)
            C.parse_chunk(C.encode_chunk(h, payload))  # self-consistent chunk
        spool.add(h, payload)
    with pytest.raises(IntakeError, match="do not match the bundle id"):
        spool.assemble(b.bundle_id, tmp_path / "x.rbundle")
    assert not (tmp_path / "x.rbundle").exists()
    assert spool.pending() == []  # forged set dropped; honest chunks can now be delivered
    for p in parts:
        spool.add(*C.parse_chunk(p.read_bytes()))
    assert spool.assemble(b.bundle_id, tmp_path / "ok.rbundle").read_bytes() == b.path.read_bytes()


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_fuzz_chunk_parser(data: bytes) -> None:
    for blob in (data, C.MAGIC + data, C.MAGIC + struct.pack(">I", len(data)) + data):
        try:
            C.parse_chunk(blob)
        except IntakeError:
            pass


def test_refused_names_are_shown_harmlessly() -> None:
    with pytest.raises(IntakeError) as err:
        B.parse_bundle_bytes(_raw_bundle([("../\x1b]8;;evil\x07[link=x]a[/link]", b"x")]))
    msg = str(err.value)
    assert "\x1b" not in msg and "[link" not in msg and "../" in msg


def test_chunk_files_verified_streaming(tmp_path: Path) -> None:
    b = _make_bundle(tmp_path, size=3000)
    assert b.path is not None
    p = C.split_bundle(b.path, tmp_path / "c", 1024)[0]
    h, off = C.verify_chunk_file(p)
    assert h.index == 0 and p.read_bytes()[off:] == b.path.read_bytes()[: h.length]
    data = p.read_bytes()
    for blob, msg in [
        (data[:-1], "truncated"),
        (data + b"x", "unexpected bytes"),
        (data[:-1] + bytes([data[-1] ^ 1]), "tampered"),
    ]:
        q = tmp_path / "q.rchunk"
        q.write_bytes(blob)
        with pytest.raises(IntakeError, match=msg):
            C.verify_chunk_file(q)
        with pytest.raises(IntakeError, match=msg):
            C.parse_chunk(blob)
