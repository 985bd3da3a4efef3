"""The other given name a list writes in brackets («هیوا (خالد)», "Zhina (Mahsa)"):
compared with the other record's given name, and blocked so the pair is compared.

Kurdish and Baluch victims often carry an official and a family given name; on the
outside wild_ngo family (bench/robustness/wild.py) 89 of 299 missed true pairs of
seed 5 were such pairs before, and none of wild_insider's were even compared.
"""

from __future__ import annotations

import pandas as pd
from test_name_split import _level_of, frame_with

from roshan.link.blocking import add_blocking_keys
from roshan.link.prepare import prepare_frame
from roshan.link.settings import ALIAS_LABEL, ROSHAN_PASSES, roshan_spec

# (given, alias, family) keys of records 0..n
ROWS = [
    ("hYvA", "xld", "rsvlY"),  # 0 Hiwa (Khaled) Rasuli
    ("xld", None, "rsvlY"),  # 1 Khaled Rasuli
    ("xld", "hYvA", "rsvlY"),  # 2 Khaled (Hiwa) Rasuli
    ("hYvA", None, "rsvlY"),  # 3 Hiwa Rasuli
    ("xld", None, "krmY"),  # 4 Khaled Karimi: another family
    ("AlY", None, "rsvlY"),  # 5 Ali Rasuli: no other name anywhere
    ("AlY", None, "rsvlY"),  # 6 Ali Rasuli
]


def _normalized() -> pd.DataFrame:
    return frame_with(ROWS, ["given_key", "alias_key", "family_key"])


def test_the_other_name_level() -> None:
    p = prepare_frame(_normalized())
    given = 1  # roshan_spec's comparison order: family, given, father, ...
    assert roshan_spec().comparisons[given].get_comparison("duckdb").output_column_name == (
        "given_name"
    )
    assert _level_of(p, given, 0, 1) == ALIAS_LABEL  # Hiwa (Khaled) ~ Khaled
    assert _level_of(p, given, 2, 3) == ALIAS_LABEL  # Khaled (Hiwa) ~ Hiwa
    assert _level_of(p, given, 0, 2) == ALIAS_LABEL  # Hiwa (Khaled) ~ Khaled (Hiwa)
    assert _level_of(p, given, 0, 3) == "same name (cross-script key)"  # exact still wins
    assert _level_of(p, given, 1, 3) == "All other comparisons"  # Khaled vs Hiwa
    assert _level_of(p, given, 5, 1) == "All other comparisons"


def test_the_other_name_is_blocked_with_the_family_name_only_where_it_is_needed() -> None:
    p = prepare_frame(_normalized())
    assert list(p["alias_block"]) == ["xld", "xld", "hYvA", "hYvA", None, None, None]
    add_blocking_keys(p, ROSHAN_PASSES)
    col = next(bp.column for bp in ROSHAN_PASSES if bp.name == "alias")
    k = p[col]
    assert k[0] == k[1] and k[2] == k[3] and k[0] != k[2]
    assert k[4] is None and k[5] is None  # Ali Rasuli is left to the names pass


def test_a_snapshot_without_the_alias_column_still_links() -> None:
    df = _normalized().drop(columns=["alias_key"])
    p = prepare_frame(df)
    assert p["alias_key"].isna().all() and pd.isna(p["alias_block"]).all()


def test_the_other_name_level_is_on_its_own_order_chain() -> None:
    chains = roshan_spec().level_chains["given_name"]
    assert [ALIAS_LABEL] in chains
    assert all(ALIAS_LABEL not in c for c in chains if c != [ALIAS_LABEL])
