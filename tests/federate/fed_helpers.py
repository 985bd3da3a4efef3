"""Helpers: drive the federate rounds in-process for tests (SYNTHETIC data only)."""

from __future__ import annotations

from pathlib import Path

from roshan.federate import blind_round, create_session, pass_round, workspace_tokens
from roshan.intake.keys import load_public

PASSPHRASE = "synthetic-test-passphrase"  # the key passphrase of every test organisation


def new_session(fed, tmp: Path, strata=("province", "period"), **kw):
    parties = [(p, load_public(fed.keydirs[p])) for p in fed.parties]
    return create_session(
        tmp / "session.json", parties, fed.keys["coordinator"], "coordinator", list(strata), **kw
    )


def round_one(fed, session, tmp: Path, agree=None) -> dict[str, Path]:
    """Round 1 at every party; returns {party: its round-1 file}."""
    out = {}
    for p in fed.parties:
        vt = workspace_tokens(fed.party_ws[p])
        a = list(
            agree.get(p, session.data["strata"])
            if isinstance(agree, dict)
            else session.data["strata"]
        )
        out[p] = blind_round(session, fed.keys[p], p, vt, a, tmp / "state" / p, tmp / "out" / p)
    return out


def all_rounds(fed, session, tmp: Path, agree=None) -> list[Path]:
    """Every round; returns the final files (one per origin) for the coordinator."""
    names = list(fed.parties)
    n = len(names)
    last = round_one(fed, session, tmp, agree)  # last[p] = what p sent in the latest round
    for _r in range(2, n + 1):
        nxt = {}
        for j, p in enumerate(names):
            prev = names[(j - 1) % n]
            nxt[p] = pass_round(
                session, fed.keys[p], p, last[prev], tmp / "state" / p, tmp / "out" / p
            )
        last = nxt
    return [last[p] for p in names]
