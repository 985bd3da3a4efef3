"""The federate exchange: a signed session, numbered round files, the coordinator's count.

Parties ``P0 … P(N-1)`` (in session order) and a coordinator ``C`` (who may also be a
party, with the same or another key directory). Every file is age-encrypted to the one
who reads it next and Ed25519-signed by the one who wrote it.

* ``init`` (C): ``session.json`` — protocol version, random session id, every party's
  public keys (age recipient, signing key), the coordinator's, the strata proposed for
  release, the token parameters, the match threshold and the minimum list size; signed
  by C. Parties check that signature and their own entry before doing anything.
* round 1 (``blind``, each party ``Pj``): its victims' tokens, hashed to X25519 u-coordinates,
  padded to ``width`` elements per victim with random elements, blinded with Pj's new
  secret scalar, victims and elements shuffled, each victim's stratum label sealed for C.
  Sent to ``P(j+1)``.
* round r = 2 … N (``pass``, party ``Pj``): the set that started at ``P(j-r+1)``
  arrives from ``P(j-1)``; Pj checks it, raises it to its own secret, shuffles, and sends
  it on — to ``P(j+1)``, or to C at round N when it has been blinded by every party.
  Each party sees each other set exactly once, each time under a different product of
  secrets, so no party ever holds two sets it could compare.
* ``count`` (C): the N final sets; checks every signature, the round chain and the
  sizes; matches victims on equal blinded tokens; writes capture-pattern counts only.

What travels with a set (all signed): the *origin claim* (signed once by the origin:
session, record count, width, the strata it agrees to reveal, the sealed label key and
table for C) and the *chain* of hops (round, party, digest of the set received and of
the set sent, record count; each signed by its party). C checks that the chain runs
origin → origin+1 → … in rounds 1 … N without a gap, that each hop received exactly
what the previous one sent, and that no hop changed the record count.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import struct
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyrage
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from pyrage import x25519

from roshan.federate import group
from roshan.federate.errors import FederateError
from roshan.federate.match import (
    DEFAULT_ACCEPT,
    DEFAULT_MAX_DF,
    DEFAULT_MIN_SHARED,
    DEFAULT_ONE_PER_VICTIM,
    DEFAULT_RULE,
    DEFAULT_THRESHOLD,
    DEFAULT_UNIQUE_THRESHOLD,
    default_accept,
    element_ids,
    match_counts,
    match_draws,
)
from roshan.federate.tokens import MAX_TOKENS, STRATA, VictimTokens
from roshan.intake.keys import OrgKeys, PublicKeys, verify_signature

__all__ = [
    "MIN_VICTIMS",
    "PROTOCOL_VERSION",
    "Session",
    "blind_round",
    "count_rounds",
    "counts_provenance",
    "create_session",
    "key_fingerprint",
    "load_session",
    "pass_round",
    "read_round",
]

# 2: the scored matching rule (match_rule, accept) in the session;
# 3: X25519 blinding (group.py) instead of ristretto255, 1.8x less CPU per element
PROTOCOL_VERSION = 3
MIN_VICTIMS = 50
MAGIC = b"roshan-federate-round\n"
SESSION_FORMAT = "roshan-federate-session"
_NONCE = 12
_LABEL_PLAIN = 2
LABEL_BYTES = _NONCE + _LABEL_PLAIN + 16
E = group.ELEMENT_BYTES


def _canon(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode("ascii")


def _unb64(s: str) -> bytes:
    return base64.b64decode(s.encode("ascii"), validate=True)


def _sha(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


# ------------------------------------------------------------------ session
@dataclass(frozen=True)
class Member:
    name: str
    recipient: str
    signing_public: bytes

    @classmethod
    def from_entry(cls, entry: dict[str, Any]) -> Member:
        """The member a session manifest lists as ``entry`` (see :func:`_member_entry`)."""
        return cls(entry["name"], entry["recipient"], _unb64(entry["signing_public"]))


def _member_entry(name: str, public: PublicKeys) -> dict[str, str]:
    """How the session manifest lists a party or the coordinator."""
    return {
        "name": name,
        "recipient": public.recipient,
        "signing_public": _b64(public.signing_public),
    }


@dataclass(frozen=True)
class Session:
    """A verified session manifest."""

    data: dict[str, Any]

    @property
    def session_id(self) -> str:
        return str(self.data["session_id"])

    @property
    def parties(self) -> list[Member]:
        return [Member.from_entry(p) for p in self.data["parties"]]

    @property
    def coordinator(self) -> Member:
        return Member.from_entry(self.data["coordinator"])

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.parties]

    @property
    def width(self) -> int:
        return int(self.data["tokens_per_victim"])

    @property
    def min_victims(self) -> int:
        return int(self.data["min_victims"])

    def index(self, name: str) -> int:
        if name not in self.names:
            raise FederateError(f"'{name}' is not a party of session {self.session_id[:12]}")
        return self.names.index(name)

    def member(self, name: str) -> Member:
        if name == self.coordinator.name and name not in self.names:
            return self.coordinator
        return self.parties[self.index(name)]


def create_session(
    out: Path,
    parties: list[tuple[str, PublicKeys]],
    coordinator: OrgKeys,
    coordinator_name: str = "coordinator",
    strata: list[str] | None = None,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    min_victims: int = MIN_VICTIMS,
    width: int = MAX_TOKENS,
) -> Session:
    """Write a signed ``session.json`` (see module doc); returns the session."""
    strata = list(strata or [])
    bad = [s for s in strata if s not in STRATA]
    if bad:
        raise FederateError(f"unknown stratum {bad[0]!r}; choose from {', '.join(STRATA)}")
    names = [n for n, _ in parties]
    if len(parties) < 2:
        raise FederateError("a session needs at least two parties")
    if len(set(names)) != len(names):
        raise FederateError("party names must be distinct")
    if any(not n or not n.replace("-", "").replace("_", "").isalnum() for n in names):
        raise FederateError("party names may hold only letters, digits, '-' and '_'")
    if min_victims < MIN_VICTIMS:
        raise FederateError(f"the minimum list size cannot be set below {MIN_VICTIMS}")
    if not parties or any(not pk.recipient for _, pk in parties):
        raise FederateError("every party needs a key directory with recipient.txt")
    data = {
        "format": SESSION_FORMAT,
        "protocol": PROTOCOL_VERSION,
        "session_id": secrets.token_hex(16),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "parties": [_member_entry(n, pk) for n, pk in parties],
        "coordinator": _member_entry(coordinator_name, coordinator.public),
        "strata": strata,
        "tokens_per_victim": width,
        "threshold": threshold,
        "unique_threshold": DEFAULT_UNIQUE_THRESHOLD,
        "max_df": DEFAULT_MAX_DF,
        "match_rule": DEFAULT_RULE,
        "accept": default_accept(len(parties)),
        "min_shared": DEFAULT_MIN_SHARED,
        "one_per_victim": DEFAULT_ONE_PER_VICTIM,
        "min_victims": min_victims,
    }
    sig = coordinator.signing_key.sign(_canon(data))
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"session": data, "signature": _b64(sig)}, indent=2) + "\n", "utf-8")
    return Session(data)


def load_session(path: Path) -> Session:
    """Read and verify ``session.json``; refuse another protocol version or a bad signature."""
    try:
        doc = json.loads(Path(path).read_text("utf-8"))
        data, sig = doc["session"], _unb64(doc["signature"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise FederateError(f"{path}: not a roshan federate session file") from exc
    if data.get("format") != SESSION_FORMAT:
        raise FederateError(f"{path}: not a roshan federate session file")
    if data.get("protocol") != PROTOCOL_VERSION:
        raise FederateError(
            f"{path}: session uses federate protocol version "
            f"{data.get('protocol')}, this roshan speaks version {PROTOCOL_VERSION}"
        )
    try:
        coord_pub = _unb64(data["coordinator"]["signing_public"])
    except (KeyError, ValueError) as exc:
        raise FederateError(f"{path}: session file has no coordinator key") from exc
    if not verify_signature(coord_pub, _canon(data), sig):
        raise FederateError(
            f"{path}: the coordinator's signature on the session does not "
            "verify: the session file was altered"
        )
    return Session(data)


# ------------------------------------------------------------------ party state
def _state_paths(state_dir: Path) -> tuple[Path, Path]:
    return state_dir / "state.json", state_dir / "secret.age"


def _load_state(state_dir: Path, session: Session, me: str) -> tuple[dict[str, Any], bytes]:
    sp, kp = _state_paths(state_dir)
    if not sp.is_file():
        raise FederateError(
            f"{state_dir}: no federate state here; run `roshan federate blind` first"
        )
    return json.loads(sp.read_text("utf-8")), kp.read_bytes()


def _save_state(state_dir: Path, state: dict[str, Any]) -> None:
    sp, _ = _state_paths(state_dir)
    tmp = sp.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, indent=2) + "\n", "utf-8")
    tmp.replace(sp)


# ------------------------------------------------------------------ round files
def _pack(header: dict[str, Any], payload: bytes, keys: OrgKeys) -> bytes:
    hb = _canon(header)
    body = MAGIC + struct.pack(">I", len(hb)) + hb + payload
    return body + keys.signing_key.sign(body)


def _seal_to(data: bytes, recipient: str) -> bytes:
    return pyrage.encrypt(data, [x25519.Recipient.from_str(recipient)])


@dataclass
class Round:
    header: dict[str, Any]
    payload: bytes
    digest: str


def read_round(path: Path, session: Session, keys: OrgKeys, me: str) -> Round:
    """Open and check one round file addressed to ``me``: decrypt, protocol, session,
    addressee, sender's signature, payload digest, origin claim and hop chain."""
    name = Path(path).name
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise FederateError(f"{name}: cannot read ({exc.strerror})") from exc
    try:
        body = pyrage.decrypt(raw, [keys.identity])
    except Exception as exc:
        raise FederateError(
            f"{name}: cannot be opened with {me}'s key: it is addressed to "
            "someone else, or it was damaged or tampered with in transit"
        ) from exc
    if not body.startswith(MAGIC) or len(body) < len(MAGIC) + 4 + 64:
        raise FederateError(f"{name}: not a roshan federate round file")
    (hlen,) = struct.unpack(">I", body[len(MAGIC) : len(MAGIC) + 4])
    hstart = len(MAGIC) + 4
    try:
        header = json.loads(body[hstart : hstart + hlen])
    except ValueError as exc:
        raise FederateError(f"{name}: damaged round header") from exc
    if header.get("protocol") != PROTOCOL_VERSION:
        raise FederateError(
            f"{name}: written with federate protocol version "
            f"{header.get('protocol')}, this roshan speaks version "
            f"{PROTOCOL_VERSION}"
        )
    if header.get("session_id") != session.session_id:
        raise FederateError(f"{name}: belongs to another federate session")
    if header.get("to") != me:
        raise FederateError(f"{name}: addressed to {header.get('to')}, not to {me}")
    sender = str(header.get("sender"))
    try:
        sender_pub = session.member(sender).signing_public
    except FederateError as exc:
        raise FederateError(f"{name}: sent by '{sender}', who is not in this session") from exc
    signed, sig = body[:-64], body[-64:]
    if not verify_signature(sender_pub, signed, sig):
        raise FederateError(
            f"{name}: {sender}'s signature does not verify: the file was "
            "altered after it was signed"
        )
    payload = signed[hstart + hlen :]
    digest = _sha(payload)
    if header.get("payload_sha256") != digest:
        raise FederateError(f"{name}: payload does not match its signed digest (tampered)")
    _check_claim_and_chain(name, header, session, digest, len(payload))
    return Round(header=header, payload=payload, digest=digest)


def _check_claim_and_chain(
    name: str, h: dict[str, Any], session: Session, digest: str, size: int
) -> None:
    n_parties = len(session.names)
    origin = str(h.get("origin"))
    o = session.index(origin)
    claim, csig = h.get("origin_claim") or {}, h.get("origin_sig") or ""
    if not verify_signature(session.member(origin).signing_public, _canon(claim), _unb64(csig)):
        raise FederateError(f"{name}: {origin}'s signature on its set claim does not verify")
    if claim.get("session_id") != session.session_id or claim.get("origin") != origin:
        raise FederateError(f"{name}: the set claim belongs to another session or party")
    n, width = int(claim["n_records"]), int(claim["width"])
    if width != session.width:
        raise FederateError(
            f"{name}: {width} tokens per victim, the session agreed {session.width}"
        )
    if n < session.min_victims:
        raise FederateError(
            f"{name}: {origin}'s set has {n} victims, below the minimum of {session.min_victims}"
        )
    if size != n * (width * E + LABEL_BYTES):
        raise FederateError(
            f"{name}: the set holds a different number of victims than "
            f"{origin} declared ({n}): rows were added or dropped"
        )
    chain = h.get("chain") or []
    r = int(h.get("round", 0))
    if len(chain) != r or r < 1 or r > n_parties:
        raise FederateError(
            f"{name}: round {r} carries {len(chain)} hops: the round chain is broken"
        )
    prev_out = ""
    for k, hop in enumerate(chain, start=1):
        expect = session.names[(o + k - 1) % n_parties]
        body = {
            x: hop.get(x)
            for x in (
                "session_id",
                "round",
                "party",
                "origin",
                "in_sha256",
                "out_sha256",
                "n_records",
            )
        }
        if (
            hop.get("round") != k
            or hop.get("party") != expect
            or hop.get("origin") != origin
            or hop.get("session_id") != session.session_id
        ):
            raise FederateError(f"{name}: hop {k} of {origin}'s set is not {expect}'s round {k}")
        if not verify_signature(
            session.member(expect).signing_public, _canon(body), _unb64(hop.get("sig", ""))
        ):
            raise FederateError(f"{name}: {expect}'s signature on round {k} does not verify")
        if hop.get("in_sha256") != prev_out:
            raise FederateError(
                f"{name}: round {k} by {expect} did not start from the set "
                "the previous round sent (a set was swapped or replayed)"
            )
        if hop.get("out_sha256") == hop.get("in_sha256"):
            raise FederateError(
                f"{name}: round {k} by {expect} sent on the same set it "
                "received, unblinded: the same set was sent twice"
            )
        if hop.get("n_records") != n:
            raise FederateError(f"{name}: round {k} by {expect} changed the number of victims")
        prev_out = hop.get("out_sha256")
    if prev_out != digest or h.get("sender") != chain[-1]["party"]:
        raise FederateError(f"{name}: the set is not the one its last round signed")


def _shuffle(payload: bytes, n: int, width: int, *, inner: bool) -> bytes:
    rec = width * E + LABEL_BYTES
    arr = np.frombuffer(payload, dtype=np.uint8).reshape(n, rec)
    rng = np.random.default_rng(np.frombuffer(secrets.token_bytes(32), dtype=np.uint32))
    arr = arr[rng.permutation(n)]
    if inner and width > 1:
        el = arr[:, : width * E].reshape(n, width, E)
        perm = np.argsort(rng.random((n, width)), axis=1)
        el = np.take_along_axis(el, perm[:, :, None], axis=1)
        arr = np.concatenate([el.reshape(n, width * E), arr[:, width * E :]], axis=1)
    return np.ascontiguousarray(arr).tobytes()


def _blind_payload(secret: bytes, payload: bytes, n: int, width: int) -> bytes:
    rec = width * E + LABEL_BYTES
    arr = np.frombuffer(payload, dtype=np.uint8).reshape(n, rec)
    elements = np.ascontiguousarray(arr[:, : width * E]).tobytes()
    try:
        blinded = group.blind_elements(secret, elements)
    except (ValueError, TypeError) as exc:
        raise FederateError(
            "the set holds an element of small order, which no honest party sends (tampered)"
        ) from exc
    out = np.concatenate(
        [np.frombuffer(blinded, dtype=np.uint8).reshape(n, width * E), arr[:, width * E :]], axis=1
    )
    return np.ascontiguousarray(out).tobytes()


def _hop(
    session: Session, keys: OrgKeys, r: int, me: str, origin: str, in_sha: str, out_sha: str, n: int
) -> dict[str, Any]:
    body = {
        "session_id": session.session_id,
        "round": r,
        "party": me,
        "origin": origin,
        "in_sha256": in_sha,
        "out_sha256": out_sha,
        "n_records": n,
    }
    return {**body, "sig": _b64(keys.signing_key.sign(_canon(body)))}


def _next(session: Session, me: str, r: int) -> tuple[str, str]:
    """(name, recipient) of who reads my round-r output."""
    n = len(session.names)
    if r >= n:
        return session.coordinator.name, session.coordinator.recipient
    nxt = session.parties[(session.index(me) + 1) % n]
    return nxt.name, nxt.recipient


def _write_round(
    out_dir: Path,
    session: Session,
    keys: OrgKeys,
    me: str,
    r: int,
    origin: str,
    claim: dict[str, Any],
    origin_sig: str,
    chain: list[dict[str, Any]],
    payload: bytes,
) -> Path:
    to, recipient = _next(session, me, r)
    header = {
        "protocol": PROTOCOL_VERSION,
        "session_id": session.session_id,
        "round": r,
        "sender": me,
        "to": to,
        "origin": origin,
        "origin_claim": claim,
        "origin_sig": origin_sig,
        "chain": chain,
        "payload_sha256": _sha(payload),
    }
    blob = _seal_to(_pack(header, payload, keys), recipient)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"round{r:02d}-{session.session_id[:8]}-{origin}-{me}-to-{to}.rfed"
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(blob)
    tmp.replace(path)
    return path


def blind_round(
    session: Session,
    keys: OrgKeys,
    me: str,
    victims: VictimTokens,
    agree: list[str],
    state_dir: Path,
    out_dir: Path,
) -> Path:
    """Round 1 at party ``me``: tokens → elements → pad → blind → shuffle → file."""
    session.index(me)
    if keys.public.signing_public != session.member(me).signing_public:
        raise FederateError(f"these keys are not {me}'s keys in this session")
    not_proposed = [s for s in agree if s not in session.data["strata"]]
    if not_proposed:
        raise FederateError(
            f"stratum {not_proposed[0]!r} was not proposed in the session "
            f"(proposed: {', '.join(session.data['strata']) or 'none'})"
        )
    n, width = len(victims), session.width
    if n == 0:
        raise FederateError(f"{me} has an empty list: nothing to federate")
    if n < session.min_victims:
        raise FederateError(
            f"{me} has {n} victims, fewer than the minimum of "
            f"{session.min_victims}: a set that small would not hide who is "
            "on it (docs/federate.md)"
        )
    state_dir = Path(state_dir)
    sp, kp = _state_paths(state_dir)
    if sp.exists():
        st = json.loads(sp.read_text("utf-8"))
        if st.get("session_id") == session.session_id:
            raise FederateError(
                f"{me} already sent its round-1 set in this session: the same "
                "set cannot be sent twice"
            )
    secret = group.new_secret()
    # elements: tokens hashed to the group, padding random, one row per victim
    rows = []
    for toks in victims.tokens:
        toks = list(toks)[:width]
        els = group.hash_tokens(toks, session.session_id)
        els += group.random_elements(width - len(els))
        rows.append(b"".join(els))
    # sealed stratum labels for the coordinator
    combos: dict[tuple[str, ...], int] = {}
    labels = []
    aead_key = ChaCha20Poly1305.generate_key()
    aead = ChaCha20Poly1305(aead_key)
    for s in victims.strata or [dict.fromkeys(STRATA, "unknown")] * n:
        combo = tuple(str(s.get(a, "unknown")) for a in agree)
        idx = combos.setdefault(combo, len(combos))
        nonce = secrets.token_bytes(_NONCE)
        labels.append(
            nonce + aead.encrypt(nonce, struct.pack(">H", idx), session.session_id.encode())
        )
    if len(labels) < n:
        labels += labels[:1] * (n - len(labels))
    sealed = _seal_to(
        _canon({"key": _b64(aead_key), "strata": agree, "table": [list(c) for c in combos]}),
        session.coordinator.recipient,
    )
    payload = b"".join(r + lab for r, lab in zip(rows, labels, strict=True))
    payload = _shuffle(payload, n, width, inner=True)
    payload = _blind_payload(secret, payload, n, width)
    payload = _shuffle(payload, n, width, inner=True)
    claim = {
        "session_id": session.session_id,
        "origin": me,
        "n_records": n,
        "width": width,
        "agreed_strata": list(agree),
        "sealed_labels": _b64(sealed),
    }
    csig = _b64(keys.signing_key.sign(_canon(claim)))
    out_sha = _sha(payload)
    chain = [_hop(session, keys, 1, me, me, "", out_sha, n)]
    state_dir.mkdir(parents=True, exist_ok=True)
    kp.write_bytes(_seal_to(secret, keys.public.recipient))
    _save_state(
        state_dir,
        {
            "session_id": session.session_id,
            "party": me,
            "expect_round": 1,
            "seen": [out_sha],
            "sent": [out_sha],
        },
    )
    return _write_round(out_dir, session, keys, me, 1, me, claim, csig, chain, payload)


def pass_round(
    session: Session, keys: OrgKeys, me: str, in_file: Path, state_dir: Path, out_dir: Path
) -> Path:
    """Round r+1 at party ``me``: check the round-r file, blind, shuffle, send on."""
    state_dir = Path(state_dir)
    state, secret_ct = _load_state(state_dir, session, me)
    if state.get("session_id") != session.session_id or state.get("party") != me:
        raise FederateError(f"{state_dir}: state of another session or party")
    rnd = read_round(in_file, session, keys, me)
    h, name = rnd.header, Path(in_file).name
    r, expect = int(h["round"]), int(state["expect_round"])
    n_parties = len(session.names)
    if r < expect:
        raise FederateError(
            f"{name}: round {r} was already processed by {me}: a replayed round is refused"
        )
    if rnd.digest in state["seen"]:
        raise FederateError(
            f"{name}: the same set was sent twice (identical to one {me} has already seen)"
        )
    if r > expect:
        raise FederateError(
            f"{name}: {me} expected round {expect}, got round {r}: a round was dropped"
        )
    prev = session.names[(session.index(me) - 1) % n_parties]
    want_origin = session.names[(session.index(me) - r) % n_parties]
    if h["sender"] != prev or h["origin"] != want_origin:
        raise FederateError(f"{name}: round {r} must come from {prev} carrying {want_origin}'s set")
    if r >= n_parties:
        raise FederateError(f"{name}: round {r} is final; it goes to the coordinator")
    try:
        secret = pyrage.decrypt(secret_ct, [keys.identity])
    except Exception as exc:
        raise FederateError(f"{state_dir}: cannot open the saved secret with {me}'s key") from exc
    n, width = int(h["origin_claim"]["n_records"]), session.width
    payload = _blind_payload(secret, rnd.payload, n, width)
    payload = _shuffle(payload, n, width, inner=True)
    out_sha = _sha(payload)
    chain = [*h["chain"], _hop(session, keys, r + 1, me, h["origin"], rnd.digest, out_sha, n)]
    path = _write_round(
        out_dir,
        session,
        keys,
        me,
        r + 1,
        h["origin"],
        h["origin_claim"],
        h["origin_sig"],
        chain,
        payload,
    )
    state["expect_round"] = r + 1
    state["seen"] = [*state["seen"], rnd.digest, out_sha]
    _save_state(state_dir, state)
    return path


def count_rounds(
    session: Session,
    keys: OrgKeys,
    files: list[Path],
    by: list[str] | None = None,
    *,
    linkage_draws: int = 0,
    seed: int | None = None,
) -> tuple[Any, dict[str, Any]]:
    """The coordinator's count: (pattern-count frame, summary). Only counts leave.

    ``linkage_draws`` > 0 also draws that many plausible matchings
    (:func:`roshan.federate.match.match_draws`); their pattern-count tables are in
    ``summary["draw_tables"]`` (counts only, like the point table)."""
    import pandas as pd

    by = list(by or [])
    me = session.coordinator.name
    if keys.public.signing_public != session.coordinator.signing_public:
        raise FederateError("these keys are not the coordinator's keys in this session")
    for b in by:
        if b not in session.data["strata"]:
            raise FederateError(
                f"stratum {b!r} was not proposed in the session, so not all "
                "parties agreed to reveal it"
            )
    n_parties = len(session.names)
    finals: dict[str, Round] = {}
    digests: dict[str, str] = {}
    for f in files:
        rnd = read_round(Path(f), session, keys, me)
        h, name = rnd.header, Path(f).name
        if int(h["round"]) != n_parties:
            raise FederateError(
                f"{name}: round {h['round']} is not final (round {n_parties}): "
                "the set has not been blinded by every party"
            )
        if rnd.digest in digests:
            raise FederateError(
                f"{name}: the same set was sent twice (as {digests[rnd.digest]}'s "
                f"and {h['origin']}'s)"
            )
        if h["origin"] in finals:
            raise FederateError(
                f"{name}: a second final set for {h['origin']}: a replayed round is refused"
            )
        finals[h["origin"]] = rnd
        digests[rnd.digest] = h["origin"]
    missing = [p for p in session.names if p not in finals]
    if missing:
        raise FederateError(
            f"no final set for {missing[0]}: a round was dropped or not yet delivered"
        )
    for b in by:
        for p in session.names:
            if b not in finals[p].header["origin_claim"]["agreed_strata"]:
                raise FederateError(
                    f"stratum {b!r} was not agreed by {p}; counts by it are refused"
                )
    rows, strata = [], []
    for p in session.names:
        rnd = finals[p]
        n = int(rnd.header["origin_claim"]["n_records"])
        rec = session.width * E + LABEL_BYTES
        arr = np.frombuffer(rnd.payload, dtype=np.uint8).reshape(n, rec)
        rows.append(
            element_ids(np.ascontiguousarray(arr[:, : session.width * E]).tobytes(), session.width)
        )
        strata.append(
            _open_labels(rnd, keys, session, arr[:, session.width * E :], by) if by else [{}] * n
        )
    counts = match_counts(
        rows,
        session.names,
        strata=strata,
        by=by,
        threshold=int(session.data["threshold"]),
        max_df=int(session.data.get("max_df", DEFAULT_MAX_DF)),
        unique_threshold=session.data.get("unique_threshold"),
        rule=str(session.data.get("match_rule", "threshold")),
        accept=float(session.data.get("accept", DEFAULT_ACCEPT)),
        min_shared=int(session.data.get("min_shared", DEFAULT_MIN_SHARED)),
        one_per_victim=bool(session.data.get("one_per_victim", False)),
    )
    draw_tables = []
    if linkage_draws:
        draw_tables = match_draws(
            rows,
            session.names,
            linkage_draws,
            strata=strata,
            by=by,
            min_shared=int(
                session.data.get("min_shared")
                or session.data.get("unique_threshold")
                or session.data["threshold"]
            ),
            max_df=int(session.data.get("max_df", DEFAULT_MAX_DF)),
            seed=seed,
            rule=str(session.data.get("match_rule", "threshold")),
            one_per_victim=bool(session.data.get("one_per_victim", False)),
        )
    summary = {
        "session_id": session.session_id,
        "protocol": PROTOCOL_VERSION,
        "parties": session.names,
        "victims_per_party": {
            p: int(finals[p].header["origin_claim"]["n_records"]) for p in session.names
        },
        "by": by,
        "threshold": int(session.data["threshold"]),
        "unique_threshold": session.data.get("unique_threshold"),
        "observed": int(counts["count"].sum()),
        "note": "overlaps computed privately (roshan federate, blinded-token matching)",
    }
    if linkage_draws:
        summary["draw_tables"] = draw_tables
    return pd.DataFrame(counts), summary


def key_fingerprint(signing_public: bytes) -> str:
    """A party's public name for its signing key: SHA-256 of the Ed25519 public key, 16 hex
    digits in groups of four (what `roshan keys` shows is the key itself; this is shorter)."""
    h = hashlib.sha256(signing_public).hexdigest()[:16]
    return ":".join(h[i : i + 4] for i in range(0, 16, 4))


def counts_provenance(
    session: Session, summary: dict[str, Any], counts_sha256: str, counts_name: str
) -> dict[str, Any]:
    """The provenance document written beside the counts (``<counts>.federate.json``,
    read by ``roshan estimate --counts``; roshan.estimate.federated). Organisations only:
    their names in the session and key fingerprints; nothing about any victim."""
    from roshan.estimate.federated import SIDECAR_FORMAT
    from roshan.federate.match import ACCEPT_CAP, ACCEPT_PROBABILITY

    draws = summary.get("draw_tables") or []
    return {
        "format": SIDECAR_FORMAT,
        "version": 1,
        "computed_privately": True,
        "how": "roshan federate: each party's linked victims as linkage tokens, hashed to "
        "X25519 u-coordinates and blinded by every party's secret; the coordinator matched "
        "equal blinded tokens and kept only capture-pattern counts"
        + (
            f" (scored rule: a pair of rows sharing {session.data.get('min_shared')} or more "
            "blinded tokens was one person when its calibrated probability, from how many "
            "tokens it shares, how rare they are and its rivals, was at least "
            f"{session.data.get('accept')})"
            if session.data.get("match_rule") == "scored"
            else ""
        ),
        "protocol": PROTOCOL_VERSION,
        "session_id": session.session_id,
        "session_created_at": session.data.get("created_at"),
        "counted_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "parties": [
            {"name": m.name, "key_fingerprint": key_fingerprint(m.signing_public)}
            for m in session.parties
        ],
        "coordinator": {
            "name": session.coordinator.name,
            "key_fingerprint": key_fingerprint(session.coordinator.signing_public),
        },
        "victims_per_party": summary.get("victims_per_party"),
        "match_rule": str(session.data.get("match_rule", "threshold")),
        "accept": session.data.get("accept"),
        "min_shared": session.data.get("min_shared"),
        "one_per_victim": bool(session.data.get("one_per_victim", False)),
        "threshold": int(session.data["threshold"]),
        "unique_threshold": session.data.get("unique_threshold"),
        "max_df": int(session.data.get("max_df", DEFAULT_MAX_DF)),
        "tokens_per_victim": session.width,
        "strata_proposed": list(session.data.get("strata") or []),
        "strata_revealed": list(summary.get("by") or []),
        "observed": summary.get("observed"),
        "counts_file": counts_name,
        "counts_sha256": counts_sha256,
        "linkage_error": {
            "method": (
                "drawn matchings: each row's best candidate kept with the pair's probability "
                "of being one person from the scored rule's model (docs/federate.md)"
                if session.data.get("match_rule") == "scored"
                else "drawn matchings: each candidate pair accepted with the calibrated "
                "probability for its shared-token count (docs/federate.md)"
            ),
            "n_draws": len(draws),
            # the threshold rule's calibration table (the scored rule draws from its model)
            "accept_probability": [
                {"shared": s, "unique": u, "p": p}
                for (s, u), p in sorted(ACCEPT_PROBABILITY.items())
            ]
            if session.data.get("match_rule") != "scored"
            else [],
            "accept_cap": ACCEPT_CAP,
        },
        "draws": [t.to_dict(orient="records") for t in draws],
    }


def _open_labels(
    rnd: Round, keys: OrgKeys, session: Session, labels: np.ndarray, by: list[str]
) -> list[dict[str, str]]:
    claim = rnd.header["origin_claim"]
    try:
        sealed = json.loads(pyrage.decrypt(_unb64(claim["sealed_labels"]), [keys.identity]))
    except Exception as exc:
        raise FederateError(
            f"{claim['origin']}'s stratum labels cannot be opened with the coordinator's key"
        ) from exc
    aead = ChaCha20Poly1305(_unb64(sealed["key"]))
    fields, table = sealed["strata"], sealed["table"]
    out = []
    for row in labels:
        b = row.tobytes()
        try:
            (idx,) = struct.unpack(
                ">H", aead.decrypt(b[:_NONCE], b[_NONCE:], session.session_id.encode())
            )
            combo = dict(zip(fields, table[idx], strict=True))
        except Exception as exc:
            raise FederateError(f"{claim['origin']}'s stratum labels were tampered with") from exc
        out.append({k: combo.get(k, "unknown") for k in by})
    return out
