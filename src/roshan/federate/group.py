"""Commutative blinding with X25519 (RFC 7748) through OpenSSL (the ``cryptography`` package).

Nothing here is hand-written curve arithmetic or hashing. A token is hashed with
BLAKE2b-256 (Python's hashlib, personalised, salted by the session id) to 32 bytes, read
as the u-coordinate of a point; blinding is X25519 — ``X25519PrivateKey.exchange`` —
with each party's secret. Every 32-byte string is the u-coordinate of a point on
Curve25519 or on its quadratic twist, and both groups have a large prime-order subgroup
(about 2^252 and 2^253) and a small cofactor (8 and 4). X25519 clamps the scalar to a
multiple of 8, so after the first blinding every element lies in one of the two
prime-order subgroups, and scalar multiplication commutes:
``X25519(b, X25519(a, u)) == X25519(a, X25519(b, u))``. Once every party has applied its
secret, equal tokens give equal elements; before that no one can test a guessed token.

This is the construction of SecretFlow's production ECDH-PSI
(``psi/cryptor/sodium_curve25519_cryptor.cc``: SHA-256 of the item used directly as the
u-coordinate, then ``crypto_scalarmult_curve25519``); Curve25519's twist security is what
makes a hash straight to 32 bytes safe. Protocol version 2 used ristretto255 through
libsodium (``rbcl``); X25519 through OpenSSL costs 35 µs per element against 62 µs on the
same machine (docs/federate.md, "Cost"), which is what the 4 × 100,000 target needs.

Equal elements inside one set are blinded once (:func:`blind_elements`): they are equal
before and after, visible to whoever holds the set, so computing them once reveals
nothing more.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from roshan.federate._x25519 import ELEMENT_BYTES, blind_chunk

__all__ = ["ELEMENT_BYTES", "blind_elements", "hash_tokens", "new_secret", "random_elements"]

_PERSON = b"roshan-fed-x255"  # BLAKE2b personalisation (≤ 16 bytes)
_MIN_PARALLEL = 20_000  # unique elements below which one process does the work


def new_secret() -> bytes:
    """A fresh secret blinding scalar (32 bytes from the operating system's CSPRNG;
    X25519 clamps it)."""
    return secrets.token_bytes(32)


def hash_tokens(tokens: list[str], session_id: str) -> list[bytes]:
    """Each token mapped to a u-coordinate, domain-separated by the session."""
    salt = hashlib.sha256(session_id.encode()).digest()[:16]
    return [
        hashlib.blake2b(t.encode("utf-8"), digest_size=32, salt=salt, person=_PERSON).digest()
        for t in tokens
    ]


def random_elements(n: int) -> list[bytes]:
    """``n`` uniformly random u-coordinates (padding that never matches). They are blinded
    with the tokens, so after round 1 they are indistinguishable from them."""
    return [secrets.token_bytes(ELEMENT_BYTES) for _ in range(n)]


def _blind_in_processes(secret: bytes, ublob: bytes, n: int, workers: int) -> bytes:
    """Split the elements over ``workers`` fresh interpreters. Plain subprocesses, not
    multiprocessing: fork would copy the caller's threads (DuckDB, Arrow) and spawn
    re-imports the caller's main module; here a child imports only :mod:`._x25519`. The
    secret travels on a pipe, never on a command line or in a file."""
    e = ELEMENT_BYTES
    per = -(-n // workers)
    chunks = [ublob[i * e : (i + per) * e] for i in range(0, n, per)]
    cmd = [
        sys.executable,
        "-P",
        "-c",
        "from roshan.federate._x25519 import worker_main; worker_main()",
    ]
    procs = [
        subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        for _ in chunks
    ]
    try:
        with ThreadPoolExecutor(len(procs)) as ex:
            outs = list(
                ex.map(
                    lambda pc: pc[0].communicate(secret + pc[1])[0], zip(procs, chunks, strict=True)
                )
            )
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
    for proc, chunk, got in zip(procs, chunks, outs, strict=True):
        if proc.returncode != 0 or len(got) != len(chunk):
            # the only failure a worker has is a small-order element (tampered input)
            raise ValueError("a blinding worker failed: an element could not be blinded")
    return b"".join(outs)


def _distinct(blob: bytes) -> tuple[bytes, np.ndarray]:
    """The distinct elements of ``blob`` and, per element, its index among them.

    Elements are hashes or blinded values, so their first 8 bytes almost never collide:
    they are de-duplicated on those (a fast integer sort), then every element is checked
    against its representative in full, and only if some pair differs (a collision, or a
    crafted set) is the slower sort on all 32 bytes used."""
    arr = np.frombuffer(blob, dtype=np.uint8).reshape(-1, ELEMENT_BYTES)
    head = arr[:, :8].copy().view("<u8").ravel()
    _, first, inverse = np.unique(head, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    if np.array_equal(arr, arr[first[inverse]]):
        return np.ascontiguousarray(arr[first]).tobytes(), inverse
    keys = arr.view(np.dtype((np.void, ELEMENT_BYTES))).ravel()
    uniq, inverse = np.unique(keys, return_inverse=True)
    return uniq.tobytes(), inverse.ravel()


def _workers(workers: int | None) -> int:
    if workers is None:
        workers = int(os.environ.get("ROSHAN_FED_WORKERS", "0") or 0) or (os.cpu_count() or 1)
    return max(1, workers)


def blind_elements(secret: bytes, blob: bytes, workers: int | None = None) -> bytes:
    """Raise every 32-byte element of ``blob`` to ``secret``; returns the new blob.

    Equal elements are computed once. An element of small order (whose blinding is the
    identity, a sign of tampering) raises ValueError. ``workers`` > 1 splits the work
    over processes (default: ROSHAN_FED_WORKERS, else every core); the result does not
    depend on it.
    """
    if len(blob) % ELEMENT_BYTES:
        raise ValueError("element blob length is not a multiple of 32")
    if not blob:
        return b""
    ublob, inverse = _distinct(blob)
    n = len(ublob) // ELEMENT_BYTES
    workers = _workers(workers)
    if workers <= 1 or n < _MIN_PARALLEL:
        out = blind_chunk(secret, ublob)
    else:
        out = _blind_in_processes(secret, ublob, n, workers)
    blinded = np.frombuffer(out, dtype=np.uint8).reshape(n, ELEMENT_BYTES)
    return np.ascontiguousarray(blinded[inverse]).tobytes()
