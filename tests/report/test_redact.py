"""Redaction rules and cell neutralisation (unit level)."""

from __future__ import annotations

import pandas as pd
import pytest

from roshan.canonical import SENSITIVE_FIELDS
from roshan.errors import RoshanError
from roshan.report.redact import (
    FORMULA_PREFIXES,
    list_label,
    neutralise,
    neutralise_frame,
    rule_for,
)


@pytest.mark.parametrize(
    "value", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx", '=HYPERLINK("http://x","y")']
)
def test_formula_like_text_is_prefixed(value: str) -> None:
    out = neutralise(value)
    assert out.startswith("'")
    assert out[1:].replace("\t", "\t") == value  # content kept after the apostrophe


@pytest.mark.parametrize("value", ["Tehran", "18-25", "", "محمد", "a=b"])
def test_ordinary_text_unchanged(value: str) -> None:
    assert neutralise(value) == value


def test_non_text_and_control_chars() -> None:
    assert neutralise(5) == 5
    assert neutralise(None) is None
    assert neutralise("a\x00b\x1fc") == "abc"  # XML-illegal characters removed


def test_neutralise_frame_covers_headers_and_cells() -> None:
    frame = pd.DataFrame({"=bad": ["=x", "ok"], "n": [1, -2]})
    out = neutralise_frame(frame)
    assert list(out.columns) == ["'=bad", "n"]
    assert out.iloc[0, 0] == "'=x" and out.iloc[1, 0] == "ok"
    assert out["n"].tolist() == [1, -2]  # numbers are not text: untouched


def test_list_labels() -> None:
    assert [list_label(i) for i in (0, 1, 25, 26, 27)] == [
        "List A",
        "List B",
        "List Z",
        "List AA",
        "List AB",
    ]


def test_levels() -> None:
    none, internal, public = (rule_for(x) for x in ("none", "internal", "public"))
    assert none.drop == frozenset()
    assert SENSITIVE_FIELDS <= internal.drop and "full_name" not in internal.drop
    assert SENSITIVE_FIELDS <= public.drop
    assert {"record_id", "row_number", "place_of_death", "full_name", "display_name"} <= public.drop
    assert public.anonymise_sources and public.min_cell == 5
    kept = rule_for("public", public_names=True, min_cell=10)
    assert "full_name" not in kept.drop and "witness" in kept.drop and kept.min_cell == 10
    # the victim's national ID leaves the store only unredacted, even with names kept
    assert "national_id" in internal.drop and "national_id" in public.drop
    assert "national_id" in kept.drop and "national_id" not in none.drop
    assert all(p in FORMULA_PREFIXES for p in "=+-@")
    with pytest.raises(RoshanError):
        rule_for("secret")
    with pytest.raises(RoshanError):
        rule_for("public", min_cell=-1)
