"""RFC 9162 (Certificate Transparency v2) Merkle tree hashing, proofs and verification.

Pure functions over lists of 32-byte *leaf hashes* (``leaf_hash(data)``), so the
same code serves the workspace ledger, the published checkpoints and an outside
auditor. Definitions follow RFC 9162 §2.1 literally:

* ``MTH({}) = SHA-256()``, ``MTH({d0}) = SHA-256(0x00 || d0)``,
  ``MTH(D[n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n]))`` with ``k`` the
  largest power of two smaller than ``n`` (§2.1.1);
* the inclusion proof ``PATH(m, D[n])`` (§2.1.3.1) and its verification
  algorithm (§2.1.3.2);
* the consistency proof ``PROOF(m, D[n])`` (§2.1.4.1) and its verification
  algorithm (§2.1.4.2).

Why: a tree head signed at one moment commits to every row imported before it;
any later alteration or removal of a row changes a leaf hash and therefore the
root, and consistency proofs show that a later log only appended to an earlier one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

HASH_SIZE = 32
EMPTY_ROOT: bytes = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    """RFC 9162 leaf hash: ``SHA-256(0x00 || data)``."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 9162 interior node hash: ``SHA-256(0x01 || left || right)``."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _largest_pow2_below(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def root_hash(leaves: Sequence[bytes]) -> bytes:
    """MTH over already-hashed leaves, computed level by level in O(n) hashes.

    Pairing adjacent nodes and promoting an unpaired last node unchanged yields
    exactly the RFC's left-balanced tree (the recursive definition splits at the
    largest power of two, which is where the level-wise pairing also splits).
    """
    if not leaves:
        return EMPTY_ROOT
    level = list(leaves)
    for h in level:
        if len(h) != HASH_SIZE:
            raise ValueError("leaf hashes must be 32 bytes")
    sha = hashlib.sha256
    while len(level) > 1:
        nxt = [sha(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]


def inclusion_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """``PATH(index, D[n])`` of RFC 9162 §2.1.3.1 for the tree over ``leaves``."""
    n = len(leaves)
    if not 0 <= index < n:
        raise ValueError(f"leaf index {index} outside a tree of size {n}")
    return _path(index, leaves, 0, n)


def _path(m: int, leaves: Sequence[bytes], lo: int, hi: int) -> list[bytes]:
    n = hi - lo
    if n == 1:
        return []
    k = _largest_pow2_below(n)
    if m < k:
        return _path(m, leaves, lo, lo + k) + [root_hash(leaves[lo + k : hi])]
    return _path(m - k, leaves, lo + k, hi) + [root_hash(leaves[lo : lo + k])]


def consistency_proof(first: int, leaves: Sequence[bytes]) -> list[bytes]:
    """``PROOF(first, D[n])`` of RFC 9162 §2.1.4.1: tree of size ``first`` vs all ``leaves``.

    Empty when ``first`` is 0 or equals ``len(leaves)`` (nothing to prove).
    """
    n = len(leaves)
    if not 0 <= first <= n:
        raise ValueError(f"first size {first} outside 0..{n}")
    if first == 0 or first == n:
        return []
    return _subproof(first, leaves, 0, n, True)


def _subproof(m: int, leaves: Sequence[bytes], lo: int, hi: int, b: bool) -> list[bytes]:
    n = hi - lo
    if m == n:
        return [] if b else [root_hash(leaves[lo:hi])]
    k = _largest_pow2_below(n)
    if m <= k:
        return _subproof(m, leaves, lo, lo + k, b) + [root_hash(leaves[lo + k : hi])]
    return _subproof(m - k, leaves, lo + k, hi, False) + [root_hash(leaves[lo : lo + k])]


def _shift_to_set_bit(fn: int, sn: int) -> tuple[int, int]:
    """RFC 9162 §2.1.3.2 and §2.1.4.2: right-shift ``fn`` and ``sn`` together until the
    lowest bit of ``fn`` is set or ``fn`` is 0 (a no-op when it is set already)."""
    while fn and not fn & 1:
        fn >>= 1
        sn >>= 1
    return fn, sn


def _sibling_sides(fn: int, sn: int, path: Sequence[bytes]) -> list[bool] | None:
    """The index walk shared by RFC 9162 §2.1.3.2 and §2.1.4.2, apart from the hashing.

    Starting from ``fn`` and ``sn``, says for each hash of ``path`` whether it is the
    left sibling (hashed before the running value) or the right one. None when ``path``
    does not fit the tree: ``sn`` reaches 0 before the path ends, or is not 0 after it.
    """
    sides: list[bool] = []
    for _ in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            sides.append(True)
            fn, sn = _shift_to_set_bit(fn, sn)
        else:
            sides.append(False)
        fn >>= 1
        sn >>= 1
    return sides if sn == 0 else None


def verify_inclusion(
    index: int, tree_size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2: does ``proof`` show leaf hash ``leaf`` at ``index`` under ``root``?"""
    if not 0 <= index < tree_size:
        return False
    if len(leaf) != HASH_SIZE or len(root) != HASH_SIZE:
        return False
    if any(len(p) != HASH_SIZE for p in proof):
        return False
    sides = _sibling_sides(index, tree_size - 1, proof)
    if sides is None:
        return False
    r = leaf
    for p, on_left in zip(proof, sides, strict=True):
        r = node_hash(p, r) if on_left else node_hash(r, p)
    return r == root


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2: does ``proof`` show the size-``second`` tree extends size ``first``?

    Degenerate cases the RFC leaves to the caller: equal sizes need an empty proof
    and equal roots; an empty first tree is consistent with anything (empty proof).
    """
    if not 0 <= first <= second:
        return False
    if len(first_root) != HASH_SIZE or len(second_root) != HASH_SIZE:
        return False
    if first == second:
        return not proof and first_root == second_root
    if first == 0:
        return not proof and first_root == EMPTY_ROOT
    if not proof or any(len(p) != HASH_SIZE for p in proof):
        return False
    path = list(proof)
    if first & (first - 1) == 0:  # exact power of two
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    sides = _sibling_sides(fn, sn, path[1:])
    if sides is None:
        return False
    fr = sr = path[0]
    for c, on_left in zip(path[1:], sides, strict=True):
        if on_left:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
        else:
            sr = node_hash(sr, c)
    return fr == first_root and sr == second_root
