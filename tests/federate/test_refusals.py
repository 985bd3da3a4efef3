"""Every tamper case and bad input is refused with a one-line FederateError."""

from __future__ import annotations

import json
import shutil

import pyrage
import pytest
from fed_helpers import all_rounds, new_session, round_one
from pyrage import x25519

from roshan.federate import (
    FederateError,
    VictimTokens,
    blind_round,
    count_rounds,
    load_session,
    pass_round,
    workspace_tokens,
)
from roshan.federate import protocol as proto


def _refused(match: str, fn, *args, **kw) -> str:
    with pytest.raises(FederateError, match=match) as ei:
        fn(*args, **kw)
    msg = str(ei.value)
    assert "\n" not in msg and len(msg) < 300
    return msg


@pytest.fixture
def r1(federation, tmp_path):
    """A session and every party's round-1 file (A→B, B→C, C→A)."""
    session = new_session(federation, tmp_path)
    return session, round_one(federation, session, tmp_path)


def _pass(fed, session, tmp, me, f):
    return pass_round(session, fed.keys[me], me, f, tmp / "state" / me, tmp / "out" / me)


def test_wrong_key(federation, tmp_path, r1):
    session, files = r1
    # A's round-1 file is addressed to B; C cannot open it
    _refused(
        "cannot be opened with ORG-C's key",
        _pass,
        federation,
        session,
        tmp_path,
        "ORG-C",
        files["ORG-A"],
    )


def test_tampered_ciphertext(federation, tmp_path, r1):
    session, files = r1
    data = bytearray(files["ORG-A"].read_bytes())
    data[-100] ^= 0x01
    bad = tmp_path / "tampered.rfed"
    bad.write_bytes(bytes(data))
    _refused("damaged or tampered", _pass, federation, session, tmp_path, "ORG-B", bad)


def test_tampered_and_reencrypted(federation, tmp_path, r1):
    """A courier knows B's public recipient and re-encrypts an altered set: the signature
    catches it."""
    session, files = r1
    fed = federation
    body = bytearray(pyrage.decrypt(files["ORG-A"].read_bytes(), [fed.keys["ORG-B"].identity]))
    body[-200] ^= 0x01  # inside the payload
    bad = tmp_path / "reenc.rfed"
    bad.write_bytes(
        pyrage.encrypt(bytes(body), [x25519.Recipient.from_str(fed.keys["ORG-B"].public.recipient)])
    )
    _refused("signature does not verify", _pass, fed, session, tmp_path, "ORG-B", bad)


def test_replayed_round(federation, tmp_path, r1):
    session, files = r1
    _pass(federation, session, tmp_path, "ORG-B", files["ORG-A"])
    _refused(
        "already processed.*replayed", _pass, federation, session, tmp_path, "ORG-B", files["ORG-A"]
    )


def test_dropped_round_at_a_party(federation, tmp_path, r1):
    session, files = r1
    fed = federation
    # B blinds A's set (round 2, to C); C never processed B's round 1 and gets round 2
    r2 = _pass(fed, session, tmp_path, "ORG-B", files["ORG-A"])
    _refused(
        "expected round 1, got round 2: a round was dropped",
        _pass,
        fed,
        session,
        tmp_path,
        "ORG-C",
        r2,
    )


def test_dropped_round_at_the_coordinator(federation, tmp_path):
    fed = federation
    session = new_session(fed, tmp_path)
    finals = all_rounds(fed, session, tmp_path)
    _refused(
        "no final set for .*dropped", count_rounds, session, fed.keys["coordinator"], finals[:2]
    )
    # a non-final round handed to the coordinator is not a final set either
    with pytest.raises(FederateError):
        count_rounds(
            session, fed.keys["coordinator"], [*finals[:2], tmp_path / "out" / "ORG-A" / "x"]
        )


def test_same_set_twice(federation, tmp_path):
    fed = federation
    session = new_session(fed, tmp_path)
    finals = all_rounds(fed, session, tmp_path)
    _refused(
        "same set was sent twice",
        count_rounds,
        session,
        fed.keys["coordinator"],
        [finals[0], finals[0], finals[1], finals[2]],
    )
    # a party cannot send a second round-1 set in the same session
    vt = workspace_tokens(fed.party_ws["ORG-A"])
    _refused(
        "same set cannot be sent twice",
        blind_round,
        session,
        fed.keys["ORG-A"],
        "ORG-A",
        vt,
        [],
        tmp_path / "state" / "ORG-A",
        tmp_path / "again",
    )


def test_set_forwarded_unblinded(federation, tmp_path, r1):
    """B passes A's set on without blinding it (the same set sent twice)."""
    session, files = r1
    fed = federation
    rnd = proto.read_round(files["ORG-A"], session, fed.keys["ORG-B"], "ORG-B")
    h = rnd.header
    chain = [
        *h["chain"],
        proto._hop(
            session,
            fed.keys["ORG-B"],
            2,
            "ORG-B",
            "ORG-A",
            rnd.digest,
            rnd.digest,
            h["origin_claim"]["n_records"],
        ),
    ]
    bad = proto._write_round(
        tmp_path / "evil",
        session,
        fed.keys["ORG-B"],
        "ORG-B",
        2,
        "ORG-A",
        h["origin_claim"],
        h["origin_sig"],
        chain,
        rnd.payload,
    )
    _pass(fed, session, tmp_path, "ORG-C", files["ORG-B"])
    _refused("same set", _pass, fed, session, tmp_path, "ORG-C", bad)


def test_rows_dropped_by_a_party(federation, tmp_path, r1):
    session, files = r1
    fed = federation
    rnd = proto.read_round(files["ORG-A"], session, fed.keys["ORG-B"], "ORG-B")
    h = rnd.header
    rec = session.width * 32 + proto.LABEL_BYTES
    payload = rnd.payload[:-rec]  # one victim dropped
    sha = proto._sha(payload)
    chain = [
        *h["chain"],
        proto._hop(
            session,
            fed.keys["ORG-B"],
            2,
            "ORG-B",
            "ORG-A",
            rnd.digest,
            sha,
            h["origin_claim"]["n_records"],
        ),
    ]
    bad = proto._write_round(
        tmp_path / "evil",
        session,
        fed.keys["ORG-B"],
        "ORG-B",
        2,
        "ORG-A",
        h["origin_claim"],
        h["origin_sig"],
        chain,
        payload,
    )
    _pass(fed, session, tmp_path, "ORG-C", files["ORG-B"])
    _refused("rows were added or dropped", _pass, fed, session, tmp_path, "ORG-C", bad)


def test_strata_not_agreed_by_all(federation, tmp_path):
    fed = federation
    session = new_session(fed, tmp_path)
    finals = all_rounds(
        fed,
        session,
        tmp_path,
        agree={
            "ORG-A": ["province", "period"],
            "ORG-B": ["period"],
            "ORG-C": ["province", "period"],
        },
    )
    _refused(
        "'province' was not agreed by ORG-B",
        count_rounds,
        session,
        fed.keys["coordinator"],
        finals,
        by=["province"],
    )
    _refused(
        "'sex' was not proposed", count_rounds, session, fed.keys["coordinator"], finals, by=["sex"]
    )
    counts, _ = count_rounds(session, fed.keys["coordinator"], finals, by=["period"])
    assert "period" in counts.columns


def test_mismatched_protocol_version(federation, tmp_path, r1):
    session, files = r1
    doc = json.loads((tmp_path / "session.json").read_text())
    doc["session"]["protocol"] = 99
    other = tmp_path / "session-v99.json"
    other.write_text(json.dumps(doc))
    _refused("protocol version 99, this roshan speaks version 3", load_session, other)
    # a session of protocol 2 (ristretto255 blinding): its elements would never meet X25519's
    doc["session"]["protocol"] = 2
    v2 = tmp_path / "session-v2.json"
    v2.write_text(json.dumps(doc))
    _refused("protocol version 2, this roshan speaks version 3", load_session, v2)
    # a round file written by a party speaking another version
    fed = federation
    body = proto._pack(
        {"protocol": 1, "session_id": session.session_id, "to": "ORG-B"}, b"", fed.keys["ORG-A"]
    )
    bad = tmp_path / "v1.rfed"
    bad.write_bytes(
        pyrage.encrypt(body, [x25519.Recipient.from_str(fed.keys["ORG-B"].public.recipient)])
    )
    # (version 1 matched with the threshold rule: its files are refused too)
    _refused("protocol version 1", _pass, fed, session, tmp_path, "ORG-B", bad)


def test_altered_session_file(federation, tmp_path):
    new_session(federation, tmp_path)
    doc = json.loads((tmp_path / "session.json").read_text())
    doc["session"]["threshold"] = 1
    (tmp_path / "s2.json").write_text(json.dumps(doc))
    _refused("signature on the session does not verify", load_session, tmp_path / "s2.json")


def test_empty_list_and_too_small(federation, tmp_path):
    fed = federation
    session = new_session(fed, tmp_path)
    empty = VictimTokens(uids=[], tokens=[], strata=[])
    _refused(
        "empty list",
        blind_round,
        session,
        fed.keys["ORG-A"],
        "ORG-A",
        empty,
        [],
        tmp_path / "st",
        tmp_path / "o",
    )
    small = VictimTokens(
        uids=[f"V-{i}" for i in range(10)], tokens=[["gf|x|y"]] * 10, strata=[{}] * 10
    )
    _refused(
        "fewer than the minimum of 50",
        blind_round,
        session,
        fed.keys["ORG-A"],
        "ORG-A",
        small,
        [],
        tmp_path / "st",
        tmp_path / "o",
    )
    assert not (tmp_path / "o").exists()  # nothing written, nothing revealed


def test_unlinked_workspace(federation, tmp_path):
    from roshan.store.workspace import Workspace

    ws = Workspace.init(tmp_path / "unlinked")
    ws.close()
    _refused("not linked", workspace_tokens, tmp_path / "unlinked")


def test_wrong_party_keys(federation, tmp_path):
    fed = federation
    session = new_session(fed, tmp_path)
    vt = workspace_tokens(fed.party_ws["ORG-A"])
    _refused(
        "not ORG-A's keys",
        blind_round,
        session,
        fed.keys["ORG-B"],
        "ORG-A",
        vt,
        [],
        tmp_path / "st",
        tmp_path / "o",
    )
    # the coordinator's count with a party's keys
    shutil.rmtree(tmp_path / "st", ignore_errors=True)
    _refused("not the coordinator's keys", count_rounds, session, fed.keys["ORG-A"], [])
