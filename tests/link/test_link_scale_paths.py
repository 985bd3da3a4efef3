"""Fast paths added for million-record runs give the same answers as the plain ones."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from roshan.link.settings import edit_ratio_level
from roshan.link.victims import _sorted_sources


def test_edit_ratio_level_length_guard_changes_nothing() -> None:
    """The length guard and the whole-number form (d * den <= num * L) give exactly
    the plain ``levenshtein <= ratio * greatest(length)`` answer."""
    rng = np.random.default_rng(7)
    alphabet = list("abcdehkmnorsz")
    words = ["".join(rng.choice(alphabet, rng.integers(1, 14))) for _ in range(400)]
    words += ["mohammad", "mohamad", "muhammad", "hosein", "hossein", "", None]
    left = [words[i] for i in rng.integers(0, len(words), 20_000)]
    right = [words[i] for i in rng.integers(0, len(words), 20_000)]

    def mutate(w: str | None) -> str | None:
        if not w:
            return w
        chars = list(w)
        for _ in range(int(rng.integers(0, 4))):
            op, pos = int(rng.integers(0, 3)), int(rng.integers(0, len(chars) + 1))
            if op == 0:
                chars.insert(pos, str(rng.choice(alphabet)))
            elif chars:
                pos = min(pos, len(chars) - 1)
                if op == 1:
                    del chars[pos]
                else:
                    chars[pos] = str(rng.choice(alphabet))
        return "".join(chars)

    right = [mutate(a) if i % 2 else b for i, (a, b) in enumerate(zip(left, right, strict=True))]
    frame = pd.DataFrame({"x_l": left, "x_r": right})
    con = duckdb.connect()
    con.register("t", frame)
    for ratio in (0.15, 0.34):
        sql = edit_ratio_level("x", ratio).get_comparison_level("duckdb").sql_condition
        assert "abs(length(" in sql
        assert "." not in sql  # whole-number arithmetic (no per-row decimals on Spark)
        plain = f"levenshtein(x_l, x_r) <= {ratio} * greatest(length(x_l), length(x_r))"
        got = con.execute(
            f"select coalesce({sql}, false) as a, coalesce({plain}, false) as b from t"
        ).df()
        assert 1_000 < got["b"].sum() < 19_000  # the level matches some pairs, not all
        assert (got["a"] == got["b"]).all()


def test_sorted_sources_matches_per_group_sorted_set() -> None:
    rng = np.random.default_rng(3)
    df = pd.DataFrame(
        {
            "uid": [f"V-{i:06d}" for i in rng.integers(0, 500, 5_000)],
            "source": rng.choice(["SYN-B", "SYN-A", "syn-a", "SYN-C"], 5_000),
        }
    )
    want = df.groupby("uid")["source"].agg(lambda s: sorted(set(map(str, s))))
    got = _sorted_sources(df).reindex(want.index)
    assert got.tolist() == want.tolist()
