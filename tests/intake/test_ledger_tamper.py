"""`ledger verify` against the tampers of issue 16 (items 9-11): witness blobs deleted or
changed, a leaf hash turned into text, a leaf deleted from the middle; each problem listed
once, saying where each copy of a checkpoint was found, with honest counts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select, text

from roshan.canonical import SourceKind
from roshan.intake import bundle as B
from roshan.intake import importer as I
from roshan.intake import ledger as L
from roshan.intake import report as R
from roshan.intake.keys import OrgKeys
from roshan.store.models import LedgerLeaf

SCRIPT = Path(sys.executable).parent / "roshan"


def _drop_triggers(ws) -> None:
    with ws.engine.begin() as c:
        for t in ("raw_rows", "ledger_leaves", "audit_events"):
            for v in ("update", "delete"):
                c.exec_driver_sql(f"DROP TRIGGER IF EXISTS {t}_no_{v}")


@pytest.fixture
def filled(tmp_path: Path, org: OrgKeys, workspace):
    """10 list rows and 2 field reports with witness contacts; one checkpoint."""
    from roshan.ingest.importer import ingest_records

    ingest_records(
        workspace,
        [{"full_name": f"SYNTHETIC List Person {i}"} for i in range(10)],
        source_name="SYNTHETIC NGO",
        source_kind=SourceKind.NGO_LIST,
        file_name="list.csv",
        sha256="ab" * 32,
        size=100,
    )
    for i in range(2):
        R.save_report(
            tmp_path / "o",
            org.identity.to_public(),
            {"full_name": f"SYNTHETIC Field Person {i}"},
            witness_contact=f"SYNTHETIC witness {i}",
        )
    b = B.pack_outbox(tmp_path / "o", tmp_path / "b")
    I.import_bundles(workspace, [b.path], [org.identity])
    L.checkpoint(workspace, org)
    assert L.verify(workspace, [org.public]).ok
    return workspace


def _witness_blobs(ws) -> list[Path]:
    return sorted((ws.root / "intake" / "blobs" / "witness").glob("*.age"))


def test_witness_blobs_have_leaves(filled) -> None:
    with filled.engine.connect() as c:
        refs = (
            c.execute(select(LedgerLeaf.ref).where(LedgerLeaf.kind == L.WITNESS_KIND))
            .scalars()
            .all()
        )
    assert sorted(refs) == sorted(L.witness_ref(p.stem) for p in _witness_blobs(filled))
    assert len(refs) == 2


@pytest.mark.parametrize("how", ["deleted", "changed"])
def test_witness_blob_tamper_fails_verify(filled, org: OrgKeys, how: str) -> None:
    blob = _witness_blobs(filled)[0]
    if how == "deleted":
        blob.unlink()
    else:
        data = bytearray(blob.read_bytes())
        data[-1] ^= 1
        blob.write_bytes(bytes(data))
    res = L.verify(filled, [org.public])
    word = "missing" if how == "deleted" else "altered"
    assert [p for p in res.problems if "witness" in p and word in p], res.problems
    if how == "deleted":  # even without re-hashing, a missing blob is noticed
        assert not L.verify(filled, [org.public], check_blobs=False).ok


def test_old_witness_blob_without_leaf_still_checked(filled, org: OrgKeys) -> None:
    """A witness blob from before witness leaves: changed bytes no longer match its name."""
    _drop_triggers(filled)
    blob = _witness_blobs(filled)[0]
    extra = blob.with_name("0" * 64 + ".age")
    extra.write_bytes(blob.read_bytes())
    res = L.verify(filled, [org.public])
    assert any("witness blob 0000000000000000: altered" in p for p in res.problems)


def test_leaf_hash_changed_to_text_is_a_listed_problem(filled, org: OrgKeys) -> None:
    _drop_triggers(filled)
    with filled.engine.begin() as c:
        c.execute(text("UPDATE ledger_leaves SET leaf_hash = 'SYNTHETIC text' WHERE seq = 3"))
    res = L.verify(filled, [org.public])
    assert any(
        p.startswith("leaf 3 ") and "text instead of a binary hash" in p for p in res.problems
    ), res.problems
    assert any("root does not match" in p for p in res.problems)
    with pytest.raises(Exception, match="leaf 3 does not hold a hash"):
        L.tree_head(filled)


def test_one_leaf_deleted_counts_and_each_problem_once(filled, org: OrgKeys) -> None:
    _drop_triggers(filled)
    with filled.engine.begin() as c:
        total = c.execute(text("SELECT count(*) FROM ledger_leaves")).scalar()
        c.execute(text("DELETE FROM ledger_leaves WHERE seq = 2"))
    res = L.verify(filled, [org.public])
    assert "ledger leaf 2 is missing (removed)" in res.problems
    assert res.leaves_checked == total - 1
    cps = [p for p in res.problems if p.startswith("checkpoint at size")]
    assert len(cps) == 1, res.problems  # the store's and the file's copy: one line
    assert "in the store" in cps[0] and f"checkpoint-{total}.txt" in cps[0]
    assert "leaf 2 of its tree is missing" in cps[0]
    assert "only 2 leaves" not in " ".join(res.problems)
    assert len(res.problems) == len(set(res.problems))
    # only the row whose leaf went is said to lack one
    assert [p for p in res.problems if "has no ledger leaf" in p] == [
        p for p in res.problems if p.endswith(":3: stored content has no ledger leaf")
    ]


def test_cli_says_one_checkpoint_and_one_problem(
    filled, org: OrgKeys, keydir: Path, passphrase: str
) -> None:
    """Through the installed script: counts read right (issue 16 item 5) and a deleted
    witness blob fails with exit 1."""
    env = {**os.environ, "ROSHAN_KEY_PASSPHRASE": passphrase, "COLUMNS": "80"}
    res = subprocess.run(
        [str(SCRIPT), "ledger", "verify", str(filled.root), "--keys", str(keydir)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert res.returncode == 0, res.stderr
    assert "1 checkpoint," in res.stderr and "checkpoints" not in res.stderr, res.stderr
    _witness_blobs(filled)[0].unlink()
    res = subprocess.run(
        [str(SCRIPT), "ledger", "verify", str(filled.root), "--keys", str(keydir)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert res.returncode == 1, res.stderr
    assert "FAILED: 1 problem\n" in res.stderr and "problems" not in res.stderr, res.stderr
    assert "stored witness contact is missing" in res.stderr
