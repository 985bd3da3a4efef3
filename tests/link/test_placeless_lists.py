"""Lists that give no place (morgue, hospital and cemetery registers).

On bench/robustness/wild.py's ``wild_insider`` scenario (three of four lists without a
city or province), every sure-match rule joined on the province, so training had no
anchor; EM put m(same family name) at 0.08 and recall was 0.24 while every health
check passed. Now sure pairs are also found without a place (the father's name takes
its part) and a model in which few matches agree on a name fails ``weak_agreement``.
"""

from __future__ import annotations

import pandas as pd

from roshan.link.health import model_checks, weak_agreement
from roshan.link.settings import MIN_NAME_AGREEMENT, roshan_spec
from roshan.link.sure import find_pairs


def _frame() -> pd.DataFrame:
    base = {
        "family_key": "rzY",
        "given_key": "hsYn",
        "father_key": "AlY",
        "dod_day": 100,
        "age_mid": 25.0,
        "sex": "m",
        "city": None,
        "province_code": None,
    }
    rows = [
        {**base, "unique_id": 1, "source": "morgue"},
        {**base, "unique_id": 2, "source": "hospital", "dod_day": 101},
        # the same names a month later in a third list: a namesake, not sure
        {**base, "unique_id": 3, "source": "cemetery", "dod_day": 130},
        # same given and family names, another father: not sure
        {**base, "unique_id": 4, "source": "hospital", "father_key": "mhmd", "given_key": "AlY"},
    ]
    return pd.DataFrame(rows)


def test_sure_matches_without_a_place() -> None:
    spec = roshan_spec()
    pairs = find_pairs(_frame(), spec.sure_match)
    assert list(zip(pairs["unique_id_l"], pairs["unique_id_r"], strict=True)) == [(1, 2)]


def test_the_place_rule_still_needs_one_place_to_agree() -> None:
    df = _frame().assign(province_code=["IR-11", "IR-12", None, None])
    spec = roshan_spec()
    assert find_pairs(df, spec.sure_match).empty  # two provinces: not sure


def test_leave_one_out_name_pairs_without_a_city() -> None:
    spec = roshan_spec()
    df = _frame().assign(family_key=["rzY", "rzAY", "rzY", "rzY"])
    pairs = find_pairs(df, spec.sure_m_rules["family_name"])
    assert (1, 2) in set(zip(pairs["unique_id_l"], pairs["unique_id_r"], strict=True))


def _model(m_family: float) -> dict:
    def comp(name: str, m: float) -> dict:
        return {
            "output_column_name": name,
            "comparison_levels": [
                {"is_null_level": True, "label_for_charts": "missing"},
                {
                    "label_for_charts": "same name (cross-script key)",
                    "m_probability": m,
                    "u_probability": 0.05,
                },
                {
                    "label_for_charts": "All other comparisons",
                    "m_probability": 1 - m,
                    "u_probability": 0.95,
                },
            ],
        }

    return {"comparisons": [comp("family_name", m_family), comp("given_name", 0.9)]}


def test_weak_agreement_fails_a_model_that_ignores_family_names() -> None:
    spec = roshan_spec()
    assert spec.min_agreement_m["family_name"] == MIN_NAME_AGREEMENT
    weak = weak_agreement(_model(0.08), spec.agreement_levels, spec.min_agreement_m)
    assert [w["comparison"] for w in weak] == ["family_name"]
    checks = {
        c.name: c
        for c in model_checks(_model(0.08), spec.agreement_levels, None, spec.min_agreement_m)
    }
    assert not checks["weak_agreement"].ok
    assert "family_name (m=0.08" in checks["weak_agreement"].detail
    # negative_agreement does not see it: 0.08 > u = 0.05
    assert checks["negative_agreement"].ok
    healthy = {
        c.name: c
        for c in model_checks(_model(0.95), spec.agreement_levels, None, spec.min_agreement_m)
    }
    assert healthy["weak_agreement"].ok
