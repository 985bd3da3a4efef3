"""Full federate round trip with three organisations on SYNTHETIC simulator lists."""

from __future__ import annotations

import pandas as pd
from fed_helpers import all_rounds, new_session

from roshan.federate import (
    MAX_TOKENS,
    clear_ids,
    count_error,
    count_rounds,
    match_counts,
    party_histories,
    workspace_tokens,
)
from roshan.federate.match import DEFAULT_RULE


def _clear(fed, by=()):
    victims = pd.read_parquet(fed.all_ws / "snapshots" / "victims.parquet")
    return party_histories(victims, fed.source_party, fed.parties, by)


def test_round_trip_counts_match_clear_text(federation, tmp_path):
    fed = federation
    session = new_session(fed, tmp_path)
    finals = all_rounds(fed, session, tmp_path)
    counts, summary = count_rounds(session, fed.keys["coordinator"], finals)
    assert list(counts.columns) == [*fed.parties, "count"]
    assert summary["observed"] == counts["count"].sum()
    # blinding is a bijection: the private counts equal matching on clear tokens, up to
    # how ties between equally good candidates fall (rows are in shuffled order)
    vts = [workspace_tokens(fed.party_ws[p]) for p in fed.parties]
    clear_tok = match_counts(
        [clear_ids(v.tokens, MAX_TOKENS) for v in vts], fed.parties, rule=DEFAULT_RULE
    )
    same = count_error(counts, clear_tok, fed.parties)
    assert same["l1"] <= 0.01 and abs(same["total"]) <= 0.005, same
    # and they are close to roshan's clear-text linkage of all lists together
    err = count_error(counts, _clear(fed), fed.parties)
    assert err["l1"] < 0.10, err
    assert abs(err["total"]) < 0.05, err
    # the counts table is what `roshan estimate --counts` reads
    from roshan.estimate.counts import CaptureCounts

    path = tmp_path / "counts.csv"
    counts.to_csv(path, index=False)
    cc = CaptureCounts.from_csv(path)
    assert tuple(cc.lists) == fed.parties


def test_counts_by_agreed_strata(federation, tmp_path):
    fed = federation
    session = new_session(fed, tmp_path)
    finals = all_rounds(fed, session, tmp_path)
    counts, _ = count_rounds(session, fed.keys["coordinator"], finals, by=["province"])
    assert list(counts.columns) == [*fed.parties, "province", "count"]
    assert counts["province"].str.startswith(("IR-", "unknown")).all()
    overall, _ = count_rounds(session, fed.keys["coordinator"], finals)
    assert counts["count"].sum() == overall["count"].sum()
    err = count_error(counts, _clear(fed, ["province"]), fed.parties, ["province"])
    assert err["l1"] < 0.15, err


def test_round_files_are_small_and_opaque(federation, tmp_path):
    fed = federation
    session = new_session(fed, tmp_path)
    finals = all_rounds(fed, session, tmp_path)
    for f in finals:
        data = f.read_bytes()
        assert data.startswith(b"age-encryption.org/v1")
        n = int(
            count_rounds.__globals__["read_round"](
                f, session, fed.keys["coordinator"], "coordinator"
            ).header["origin_claim"]["n_records"]
        )
        assert len(data) / (n * MAX_TOKENS) <= 64  # bytes per token, headers included
