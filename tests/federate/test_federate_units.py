"""Unit checks: date windows, cross-script tokens, commutative blinding, matching."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from roshan.federate import group
from roshan.federate.match import match_counts
from roshan.federate.tokens import MAX_TOKENS, _date_windows, record_tokens
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


def test_match_counts_patterns():
    # party 0: rows r0 (matches p1 row 0 on 4 tokens), r1 alone; party 1: row 0, row 1 alone
    p0 = np.array([[1, 2, 3, 4, -1], [10, 11, 12, 13, 14]], dtype=np.int64)
    p1 = np.array([[1, 2, 3, 4, 99], [20, 21, 22, 23, 24]], dtype=np.int64)
    out = match_counts([p0, p1], ["A", "B"], threshold=4, unique_threshold=None)
    got = {(int(r.A), int(r.B)): int(r["count"]) for _, r in out.iterrows()}
    assert got == {(1, 0): 1, (0, 1): 1, (1, 1): 1}
