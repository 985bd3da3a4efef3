"""Names written in another order: the "same names in another order" level.

Lists that write the family name first in a full-name column, without a comma
(«زمان فر عبدالله», "Yazdanian Mehdi"), are read given-first unless the lexicon is
clear, so the two records of one person carry their names in the wrong parts, or
cut in another place. On the clean-room "blind" generator (4 lists, 5 seeds), such
pairs were 111 of the 212 true pairs that the model never linked on seed 1. The
level compares the person's own name as a set of tokens (``full_key``). SYNTHETIC
keys only.
"""

from __future__ import annotations

import pytest
from test_name_split import _level_of, frame_with

from roshan.link.prepare import prepare_frame
from roshan.link.settings import ORDER_LABEL, SPLIT_LABEL, roshan_spec

# (given, family, father, full) keys; full_key is the sorted tokens of given + family
ROWS = [
    ("zmn", "fr Abdlh", None, "Abdlh fr zmn"),  # 0 «زمان فر عبدالله», cut after زمان
    ("Abdlh", "zmn fr", None, "Abdlh fr zmn"),  # 1 Abdollah | Zaman Far
    ("mhdY", "YzdAnYAn", None, "YzdAnYAn mhdY"),  # 2 Mehdi | Yazdanian
    ("YzdAnYAn", "mhdY", None, "YzdAnYAn mhdY"),  # 3 "Yazdanian Mehdi" read given-first
    ("mhdY", "krmY", None, "krmY mhdY"),  # 4 Mehdi | Karimi: another person
    ("mhdY", "YzdAnYAn", "AlY", "YzdAnYAn mhdY"),  # 5 as 2, with a father
]
FAMILY, GIVEN, FATHER = 0, 1, 2


def _prepared():
    return prepare_frame(frame_with(ROWS, ["given_key", "family_key", "father_key", "full_key"]))


@pytest.mark.parametrize(
    ("comparison", "a", "b", "label"),
    [
        (GIVEN, 0, 1, ORDER_LABEL),
        (FAMILY, 0, 1, ORDER_LABEL),
        (GIVEN, 2, 3, ORDER_LABEL),
        (FAMILY, 2, 3, ORDER_LABEL),
        # the same given name, another family name: no re-ordering to speak of
        (GIVEN, 2, 4, "same name (cross-script key)"),
        (FAMILY, 2, 4, "All other comparisons"),
        # exact agreement still wins over the order level
        (GIVEN, 2, 5, "same name (cross-script key)"),
        (FAMILY, 2, 5, "same name (cross-script key)"),
    ],
)
def test_order_level_is_reached_when_the_own_names_agree_as_a_set(
    comparison: int, a: int, b: int, label: str
) -> None:
    assert _level_of(_prepared(), comparison, a, b) == label


def test_the_fathers_comparison_has_no_order_level() -> None:
    """The person's own name as a set says nothing about the father's."""
    labels = [
        str(lv.label_for_charts)
        for lv in roshan_spec().comparisons[FATHER].get_comparison("duckdb").comparison_levels
    ]
    assert ORDER_LABEL not in labels and SPLIT_LABEL in labels


def test_order_level_is_on_its_own_order_chain() -> None:
    """Pooling adjacent violators must not tie it to the spelling levels: it is evidence
    of another kind (every token agrees, in other parts), not a looser spelling."""
    chains = roshan_spec().level_chains
    for comp in ("given_name", "family_name"):
        assert [ORDER_LABEL] in chains[comp]
        assert all(ORDER_LABEL not in c for c in chains[comp] if c != [ORDER_LABEL])
