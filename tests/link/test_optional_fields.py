"""The national ID and date-of-burial comparisons join the model only when the records
can feed them; lists without them get exactly the model they had before."""

from __future__ import annotations

import pandas as pd

from roshan.link.prepare import prepare_frame
from roshan.link.settings import (
    BURIAL_NEAR,
    OPTIONAL_FIELD_MIN_RECORDS,
    national_id_comparison,
    optional_fields,
    roshan_spec,
)
from roshan.normalize import normalize_frame


def _records(n: int, *, ids: int = 0, burials: int = 0) -> pd.DataFrame:
    df = pd.DataFrame(
        {
            "record_pk": range(1, n + 1),
            "source": ["SYNTHETIC-A"] * n,
            "full_name": ["علی رضایی"] * n,
            "date_of_death": ["1404/10/18"] * n,
        }
    )
    df["national_id"] = [f"04993708{i % 100:02d}" if i < ids else None for i in range(n)]
    df["date_of_burial"] = [None] * n
    for i in range(burials):
        df.loc[i, "date_of_death"] = None
        df.loc[i, "date_of_burial"] = "1404/10/20"
    return df


def _names(spec: object) -> list[str]:
    return [c.get_comparison("duckdb").output_column_name for c in spec.comparisons]  # type: ignore[attr-defined]


def test_optional_fields_need_enough_records() -> None:
    k = OPTIONAL_FIELD_MIN_RECORDS
    none = prepare_frame(normalize_frame(_records(60)))
    assert optional_fields(none) == {"national_id": False, "burial": False}
    few = prepare_frame(normalize_frame(_records(60, ids=k - 1, burials=k - 1)))
    assert optional_fields(few) == {"national_id": False, "burial": False}
    enough = prepare_frame(normalize_frame(_records(60, ids=k, burials=k)))
    assert optional_fields(enough) == {"national_id": True, "burial": True}
    # a burial beside a date of death adds nothing: it is not counted
    both = normalize_frame(_records(60, burials=0))
    both["burial"] = both["dod"]
    assert optional_fields(prepare_frame(both))["burial"] is False


def test_the_model_without_them_is_unchanged() -> None:
    plain = roshan_spec()
    assert _names(plain) == [
        "family_name",
        "given_name",
        "father_name",
        "dod",
        "age",
        "place",
        "sex",
        "list",
    ]
    assert "national_id" not in [p.name for p in plain.passes]
    dod = plain.comparisons[3].get_comparison("duckdb")
    assert all("buried" not in lv.label_for_charts for lv in dod.comparison_levels)
    full = roshan_spec(national_id=True, burial=True)
    assert _names(full)[3] == "national_id"
    assert "national_id" in [p.name for p in full.passes]
    assert "national_id" in full.sure_m_rules and full.agreement_levels["national_id"]
    # different IDs inside one cluster, not linked directly: the chaining guard splits
    assert ("gamma_national_id", (0,), None) in full.guard_rules
    assert all(rule[0] != "gamma_national_id" for rule in plain.guard_rules)
    dod = full.comparisons[4].get_comparison("duckdb")
    assert BURIAL_NEAR in [lv.label_for_charts for lv in dod.comparison_levels]


def test_the_new_levels_render_in_spark_sql() -> None:
    """Both engines run the same spec (docs/linkage.md): the new levels are plain SQL."""
    full = roshan_spec(national_id=True, burial=True)
    for comp in (national_id_comparison(), full.comparisons[4]):
        sql = comp.get_comparison("spark").as_dict()
        assert sql["comparison_levels"]


def test_burial_levels_score_a_cemetery_register_against_a_morgue() -> None:
    """Buried two days after the other record's date of death: the near level, not
    'missing'; buried before it by a week: the else level."""
    import duckdb

    full = roshan_spec(burial=True)
    dod = full.comparisons[3].get_comparison("duckdb")
    levels = dod.comparison_levels
    case = (
        "CASE "
        + " ".join(f"WHEN {lv.sql_condition} THEN {i}" for i, lv in enumerate(levels[:-1]))
        + f" ELSE {len(levels) - 1} END"
    )
    con = duckdb.connect()
    rows = [
        # dod_day_l, burial_day_l, dod_month_l, dod_day_r, burial_day_r, dod_month_r
        (None, 102, None, 100, None, "2026-01"),  # buried 2 days after: near
        (None, 120, None, 100, None, "2026-01"),  # 20 days after: later
        (None, 93, None, 100, None, "2026-01"),  # a week before the death: else
        (None, None, None, 100, None, "2026-01"),  # nothing on one side: missing
    ]
    con.execute(
        "CREATE TABLE t (dod_day_l INT, burial_day_l INT, dod_month_l TEXT, "
        "dod_day_r INT, burial_day_r INT, dod_month_r TEXT)"
    )
    con.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)", rows)
    got = [r[0] for r in con.execute(f"SELECT {case} FROM t").fetchall()]
    assert [levels[g].label_for_charts for g in got] == [
        BURIAL_NEAR,
        "buried 4 to 60 days after the other's date of death",
        "All other comparisons",
        "missing",
    ]
