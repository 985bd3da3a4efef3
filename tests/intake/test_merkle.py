"""RFC 9162 Merkle tree: reference vectors, naive-definition cross-check, proofs."""

from __future__ import annotations

import hashlib

import pytest

from roshan.intake import merkle as M

# Reference inputs and tree heads from the Certificate Transparency test suite
# (the RFC 6962/9162 tree, identical hashing): leaves and roots for sizes 0..8.
CT_DATA = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
CT_ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
CT_INCLUSION = [
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
]
CT_CONSISTENCY = [
    (
        2,
        8,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
]
LEAVES = [M.leaf_hash(d) for d in CT_DATA]


def naive_mth(data: list[bytes]) -> bytes:
    """MTH exactly as RFC 9162 §2.1.1 writes it (recursive, over raw leaf data)."""
    n = len(data)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + data[0]).digest()
    k = 1
    while k * 2 < n:
        k *= 2
    return hashlib.sha256(b"\x01" + naive_mth(data[:k]) + naive_mth(data[k:])).digest()


def test_roots_match_reference_vectors() -> None:
    for n in range(9):
        assert M.root_hash(LEAVES[:n]).hex() == CT_ROOTS[n]


def test_level_wise_root_equals_recursive_definition() -> None:
    data = [i.to_bytes(4, "big") for i in range(70)]
    leaves = [M.leaf_hash(d) for d in data]
    for n in range(71):
        assert M.root_hash(leaves[:n]) == naive_mth(data[:n])


@pytest.mark.parametrize(("index", "size", "proof"), CT_INCLUSION)
def test_inclusion_reference(index: int, size: int, proof: list[str]) -> None:
    got = M.inclusion_proof(index, LEAVES[:size])
    assert [p.hex() for p in got] == proof
    root = bytes.fromhex(CT_ROOTS[size])
    assert M.verify_inclusion(index, size, LEAVES[index], got, root)
    assert not M.verify_inclusion(index, size, LEAVES[(index + 1) % size], got, root)


@pytest.mark.parametrize(("first", "second", "proof"), CT_CONSISTENCY)
def test_consistency_reference(first: int, second: int, proof: list[str]) -> None:
    got = M.consistency_proof(first, LEAVES[:second])
    assert [p.hex() for p in got] == proof
    r1, r2 = bytes.fromhex(CT_ROOTS[first]), bytes.fromhex(CT_ROOTS[second])
    assert M.verify_consistency(first, second, r1, r2, got)
    assert not M.verify_consistency(first, second, r2, r1, got)


def test_all_proofs_verify_and_mangled_ones_fail() -> None:
    leaves = [M.leaf_hash(b"SYNTHETIC-%d" % i) for i in range(40)]
    roots = [M.root_hash(leaves[:n]) for n in range(41)]
    for n in range(1, 41):
        for i in range(n):
            p = M.inclusion_proof(i, leaves[:n])
            assert M.verify_inclusion(i, n, leaves[i], p, roots[n])
            if p:
                bad = list(p)
                bad[-1] = bytes([bad[-1][0] ^ 1]) + bad[-1][1:]
                assert not M.verify_inclusion(i, n, leaves[i], bad, roots[n])
                assert not M.verify_inclusion(i, n, leaves[i], p[:-1], roots[n])
                assert not M.verify_inclusion(i, n, leaves[i], p + [b"\0" * 32], roots[n])
        for m in range(0, n + 1):
            p = M.consistency_proof(m, leaves[:n])
            assert M.verify_consistency(m, n, roots[m], roots[n], p)
            if p:
                assert not M.verify_consistency(m, n, roots[m], roots[n], p[:-1])
                bad = [bytes([p[0][0] ^ 0x80]) + p[0][1:]] + p[1:]
                assert not M.verify_consistency(m, n, roots[m], roots[n], bad)


def test_altered_or_removed_leaf_changes_root() -> None:
    data = [b"SYNTHETIC row %d" % i for i in range(13)]
    leaves = [M.leaf_hash(d) for d in data]
    root = M.root_hash(leaves)
    altered = list(leaves)
    altered[6] = M.leaf_hash(b"SYNTHETIC row 6 (edited)")
    assert M.root_hash(altered) != root
    removed = leaves[:6] + leaves[7:]
    assert M.root_hash(removed) != root
    # and the removed log is not consistent with the original tree head
    proof = M.consistency_proof(12, leaves[:12])
    assert not M.verify_consistency(12, 13, M.root_hash(removed), root, proof)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        M.inclusion_proof(3, LEAVES[:3])
    with pytest.raises(ValueError):
        M.consistency_proof(4, LEAVES[:3])
    assert not M.verify_inclusion(3, 3, LEAVES[0], [], M.root_hash(LEAVES[:3]))
    assert not M.verify_consistency(3, 2, LEAVES[0], LEAVES[0], [])
