"""Unit checks: date windows, cross-script tokens, commutative blinding, matching."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from roshan.federate import _x25519, group
from roshan.federate.match import candidate_scores, match_counts, pair_probability
from roshan.federate.tokens import MAX_TOKENS, _date_windows, _victim_tokens, record_tokens
from roshan.normalize.keys import rule_key


def test_one_day_apart_always_shares_a_window():
    start = date(2025, 12, 20)
    for k in range(60):
        d = start + timedelta(days=k)
        a = set(_date_windows(d.isoformat(), "day"))
        b = set(_date_windows((d + timedelta(days=1)).isoformat(), "day"))
        assert a & b, (d, a, b)
    assert _date_windows("2026-01", "month") == []


def test_tokens_agree_across_scripts():
    fa = record_tokens(
        rule_key("حسین"), rule_key("رضایی"), rule_key("علی"), "2026-01-09", "day", "IR-23", 24, 24
    )
    la = record_tokens(
        rule_key("hossein"),
        rule_key("rezaei"),
        rule_key("ali"),
        "2026-01-10",
        "day",
        "IR-23",
        25,
        25,
    )
    shared = {t for _, t in fa} & {t for _, t in la}
    assert len(shared) >= 8
    assert len(fa) <= MAX_TOKENS


def test_blinding_commutes_and_hides():
    x = b"".join(group.hash_tokens(["gf|hsYn|rzAY", "gf|Ali|x"], "s1"))
    a, b = group.new_secret(), group.new_secret()
    ab = group.blind_elements(b, group.blind_elements(a, x))
    ba = group.blind_elements(a, group.blind_elements(b, x))
    assert ab == ba and ab != x
    # another session salts the hash: the same token gives another element
    assert group.hash_tokens(["gf|hsYn|rzAY"], "s2")[0] != x[:32]


def test_blinding_dedup_and_workers_do_not_change_the_result():
    toks = [f"gf|t{i % 37}|x" for i in range(400)]  # many repeats
    x = b"".join(group.hash_tokens(toks, "s1") + group.random_elements(50))
    a = group.new_secret()
    one = group.blind_elements(a, x, workers=1)
    naive = b"".join(_x25519.blind_chunk(a, x[i : i + 32]) for i in range(0, len(x), 32))
    assert one == naive and len(one) == len(x)
    # equal in, equal out; distinct in, distinct out
    els = [one[i : i + 32] for i in range(0, len(one), 32)]
    assert els[0] == els[37] and len(set(els)) == 37 + 50
    # two processes (spawned) give the same bytes
    big = b"".join(group.random_elements(group._MIN_PARALLEL + 10))
    assert group.blind_elements(a, big, workers=2) == group.blind_elements(a, big, workers=1)


def test_small_order_element_is_refused():
    import pytest

    a = group.new_secret()
    for u in (bytes(32), (1).to_bytes(32, "little")):  # points of order 1 and 4
        with pytest.raises(ValueError):
            group.blind_elements(a, u + group.random_elements(1)[0], workers=1)
    # the same in a worker process: refused, not a traceback or a short result
    big = b"".join(group.random_elements(group._MIN_PARALLEL + 10)) + bytes(32)
    with pytest.raises(ValueError, match="could not be blinded"):
        group.blind_elements(a, big, workers=2)


def test_match_counts_patterns():
    # party 0: rows r0 (matches p1 row 0 on 4 tokens), r1 alone; party 1: row 0, row 1 alone
    p0 = np.array([[1, 2, 3, 4, -1], [10, 11, 12, 13, 14]], dtype=np.int64)
    p1 = np.array([[1, 2, 3, 4, 99], [20, 21, 22, 23, 24]], dtype=np.int64)
    out = match_counts([p0, p1], ["A", "B"], threshold=4, unique_threshold=None)
    got = {(int(r.A), int(r.B)): int(r["count"]) for _, r in out.iterrows()}
    assert got == {(1, 0): 1, (0, 1): 1, (1, 1): 1}


def _party(rows: list[list[int]], width: int = 17) -> np.ndarray:
    out = np.full((len(rows), width), -1, dtype=np.int64)
    for i, r in enumerate(rows):
        out[i, : len(r)] = r
    return out


def test_scored_rule_links_strong_pairs_and_not_weak_contested_ones():
    # A0 ~ B0 share 12 tokens (a match); A1 shares 2 tokens with each of B1 and B2 (a
    # namesake-like tie: neither is the other's only candidate); the rest share nothing
    base = list(range(100, 112))
    a = _party([base + [1, 2, 3], [500, 501, 502], [900, 901]])
    b = _party([base + [7, 8], [500, 501, 600], [500, 501, 700], [950, 951]])
    scores = candidate_scores([a, b], min_shared=2)
    keys = zip(scores["rec_l"], scores["rec_r"], strict=True)
    p = dict(zip(keys, pair_probability(scores), strict=True))
    assert p[(0, 3)] > 0.95  # rows are numbered across parties: B0 is row 3
    assert p[(1, 4)] < 0.4 and p[(1, 5)] < 0.4
    out = match_counts([a, b], ["A", "B"], rule="scored")
    got = {(int(r.A), int(r.B)): int(r["count"]) for _, r in out.iterrows()}
    assert got == {(1, 1): 1, (1, 0): 2, (0, 1): 3}
    # the threshold rule (protocol version 1) is still there and differs here: no link
    # at 2 shared tokens without uniqueness either, so the same table
    assert match_counts([a, b], ["A", "B"], threshold=4).equals(out)


def test_scored_probability_grows_with_shared_tokens_for_a_lone_pair():
    ps = []
    for k in (2, 4, 8, 14):
        a = _party([list(range(k)) + [1000 + j for j in range(17 - k)]])
        b = _party([list(range(k)) + [2000 + j for j in range(17 - k)]])
        ps.append(float(pair_probability(candidate_scores([a, b], min_shared=2))[0]))
    assert ps == sorted(ps) and ps[0] < 0.6 < ps[-1]


def test_cap_keeps_the_usual_spelling_before_a_one_off():
    # three records spell the family name "zzz" (sorts last), one spells it "aaa"
    usual = [("gf", "gf|g|zzz")] * 3 + [("gfv", "gfv|g|zzz|IR-01")] * 3
    odd = [("gf", "gf|g|aaa"), ("gfv", "gfv|g|aaa|IR-01")]
    got = _victim_tokens(usual + odd, 2)
    assert got == ["gf|g|zzz", "gf|g|aaa"]  # kinds first, then support within a kind
    assert _victim_tokens(usual + odd, 1) == ["gf|g|zzz"]


def test_one_per_party_refuses_the_weakest_link_of_a_conflict():
    import pandas as pd

    from roshan.federate.match import one_per_party

    # parties A (rows 0, 1), B (row 2), C (row 3): A0-B2, B2-C3, C3-A1 would put A0 and A1
    # into one victim; the weakest of the three links goes
    links = pd.DataFrame(
        {
            "rec_l": [0, 2, 1],
            "rec_r": [2, 3, 3],
            "party_l": [0, 1, 0],
            "party_r": [1, 2, 2],
            "p": [0.9, 0.8, 0.5],
        }
    )
    kept = one_per_party(links, [2, 1, 1])
    assert sorted(zip(kept["rec_l"], kept["rec_r"], strict=True)) == [(0, 2), (2, 3)]
    # with the A1-C3 link the strongest, A0-B2 is the one refused
    links["p"] = [0.5, 0.8, 0.9]
    kept = one_per_party(links, [2, 1, 1])
    assert sorted(zip(kept["rec_l"], kept["rec_r"], strict=True)) == [(1, 3), (2, 3)]
    # no conflict: everything kept
    ok = links.iloc[:2]
    assert len(one_per_party(ok, [2, 1, 1])) == 2


def test_elements_sharing_their_first_bytes_are_still_blinded_apart():
    """De-duplication keys on the first 8 bytes, then checks every element in full: a
    collision there (or a crafted set) must not merge two different elements."""
    a = group.hash_tokens(["gf|a|b"], "s1")[0]
    b = a[:8] + group.hash_tokens(["gf|c|d"], "s1")[0][8:]
    secret = group.new_secret()
    out = group.blind_elements(secret, a + b + a, workers=1)
    ea, eb, ea2 = out[:32], out[32:64], out[64:]
    assert ea == ea2 and ea != eb
    assert eb == group.blind_elements(secret, b, workers=1)


def test_sessions_of_four_or_more_parties_sign_the_lower_cut(tmp_path):
    """docs/federate.md, "The acceptance cut": 0.4 for 2-3 parties, 0.35 from 4 on."""
    from roshan.federate import create_session
    from roshan.federate.match import DEFAULT_ACCEPT, DEFAULT_ACCEPT_MANY, default_accept
    from roshan.intake.keys import init_keys, load_public, unlock

    assert default_accept(2) == default_accept(3) == DEFAULT_ACCEPT == 0.4
    assert default_accept(4) == default_accept(7) == DEFAULT_ACCEPT_MANY == 0.35
    names = ["ORG-A", "ORG-B", "ORG-C", "ORG-D", "coordinator"]
    for n in names:
        init_keys(tmp_path / n, "synthetic-test-passphrase")
    coord = unlock(tmp_path / "coordinator", "synthetic-test-passphrase")
    for k in (3, 4):
        parties = [(n, load_public(tmp_path / n)) for n in names[:k]]
        session = create_session(tmp_path / f"s{k}.json", parties, coord, "coordinator")
        assert session.data["accept"] == default_accept(k)


def test_matching_sd_factor_is_fitted_on_the_recorded_development_scenarios():
    """estimate.federated.MATCHING_SD_FACTOR is derived from bench/results
    (docs/federate.md): sqrt of the mean of (private - clear)^2 / private estimate at
    each session size's default cut, over the development seeds only (4 org. 21-26,
    3 org. 7-8 and 11-30); the held-out seeds (31-34; 1-6, 9, 10, 41-60) are not used."""
    import json
    from pathlib import Path

    from roshan.estimate.federated import MATCHING_SD_FACTOR, matching_rsd
    from roshan.federate.match import default_accept

    res = Path(__file__).resolve().parents[2] / "bench" / "results"
    sq = []
    for parties, name, dev in (
        (4, "federate-accept-cut-4party", range(21, 27)),
        (3, "federate-accept-cut-3party", (7, 8)),
        (3, "federate-accept-3party-seeds11-60", range(11, 31)),
    ):
        doc = json.loads((res / f"{name}.json").read_text())
        for sc in doc["scenarios"]:
            if sc["seed"] in dev:
                clear = sc["accept_grid"]["clear"]["estimate"]
                private = sc["accept_grid"]["by_accept"][str(default_accept(parties))]["estimate"]
                sq.append((private - clear) ** 2 / private)
    assert len(sq) == 28
    assert MATCHING_SD_FACTOR == round(float(np.sqrt(np.mean(sq))), 2)
    # the relative error shrinks with the size of the population
    assert matching_rsd(3_000) > 0.015 > 0.009 > matching_rsd(15_000)
