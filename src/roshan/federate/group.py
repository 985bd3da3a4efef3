"""Commutative blinding on ristretto255 through libsodium (the ``rbcl`` package).

Nothing here is hand-written curve arithmetic or hashing: a token is hashed with
BLAKE2b-512 (Python's hashlib, keyed by nothing, personalised by the session id) and
mapped to a group element with libsodium's ``crypto_core_ristretto255_from_hash``
(the RFC 9380 / RFC 9496 element derivation); blinding is
``crypto_scalarmult_ristretto255`` with a secret scalar from
``crypto_core_ristretto255_scalar_random``. ristretto255 has prime order, so
``(H(t)^a)^b == (H(t)^b)^a``: once every party has applied its secret, equal tokens
give equal elements, and before that no one can test a guessed token.

libsodium's scalarmult clamps the scalar (bits 0-2 cleared, bit 254 set); the clamped
scalar is still a fixed non-zero secret per party, so commutativity holds.
"""

from __future__ import annotations

import hashlib
import os

import rbcl

__all__ = ["ELEMENT_BYTES", "blind_elements", "hash_tokens", "new_secret", "random_elements"]

ELEMENT_BYTES = 32
_PERSON = b"roshan-fed-h2g1"  # BLAKE2b personalisation (≤ 16 bytes)


def new_secret() -> bytes:
    """A fresh secret blinding scalar (32 bytes, from libsodium's CSPRNG)."""
    return rbcl.crypto_core_ristretto255_scalar_random()


def hash_tokens(tokens: list[str], session_id: str) -> list[bytes]:
    """Each token mapped to a ristretto255 element, domain-separated by the session."""
    salt = hashlib.sha256(session_id.encode()).digest()[:16]
    out = []
    for t in tokens:
        h = hashlib.blake2b(t.encode("utf-8"), digest_size=64, salt=salt, person=_PERSON)
        out.append(rbcl.crypto_core_ristretto255_from_hash(h.digest()))
    return out


def random_elements(n: int) -> list[bytes]:
    """``n`` uniformly random group elements (padding that never matches)."""
    return [rbcl.crypto_core_ristretto255_random() for _ in range(n)]


def _blind_chunk(args: tuple[bytes, bytes]) -> bytes:
    secret, blob = args
    mult = rbcl.crypto_scalarmult_ristretto255
    e = ELEMENT_BYTES
    return b"".join(mult(secret, blob[i : i + e]) for i in range(0, len(blob), e))


def blind_elements(secret: bytes, blob: bytes, workers: int | None = None) -> bytes:
    """Raise every 32-byte element of ``blob`` to ``secret``; returns the new blob.

    A non-element (a tampered byte string) raises ValueError from libsodium.
    ``workers`` > 1 splits the work over processes (default: ROSHAN_FED_WORKERS or 1).
    """
    if len(blob) % ELEMENT_BYTES:
        raise ValueError("element blob length is not a multiple of 32")
    if workers is None:
        workers = int(os.environ.get("ROSHAN_FED_WORKERS", "1") or 1)
    n = len(blob) // ELEMENT_BYTES
    if workers <= 1 or n < 20_000:
        return _blind_chunk((secret, blob))
    import multiprocessing as mp

    per = -(-n // (workers * 4))
    chunks = [
        (secret, blob[i * ELEMENT_BYTES : (i + per) * ELEMENT_BYTES]) for i in range(0, n, per)
    ]
    with mp.get_context("fork").Pool(workers) as pool:
        return b"".join(pool.map(_blind_chunk, chunks))
