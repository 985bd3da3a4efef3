"""Tests for roshan.estimate.counts (capture-pattern tables)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from roshan.errors import EstimationError, InputFileError, RoshanError
from roshan.estimate.counts import CaptureCounts, all_patterns, data_warnings, pattern_index

DATA = Path(__file__).parent / "data"

EXPECTED_OBSERVED = {
    "korea_3list.csv": (3, 123),
    "new_orleans_8list.csv": (8, 185),
    "new_orleans_5list.csv": (5, 185),
    "uk_slavery_6list.csv": (6, 2744),
    "western_5list.csv": (5, 345),
    "artificial_3list.csv": (3, 96),
    "madigan_york_3list.csv": (3, 626),
    "madigan_york_5list.csv": (5, 537),
    "rome_hiv_4list.csv": (4, 1896),
    "allegheny_4list.csv": (4, 2185),
}


@pytest.mark.parametrize("name", sorted(EXPECTED_OBSERVED))
def test_published_tables_load_with_documented_totals(name: str) -> None:
    cc = CaptureCounts.from_csv(DATA / name)
    assert (cc.n_lists, cc.observed) == EXPECTED_OBSERVED[name]
    pats, full = cc.full_table()
    assert pats.shape == (2**cc.n_lists - 1, cc.n_lists)
    assert full.sum() == cc.observed
    assert cc.patterns.dtype == np.int8 and cc.counts.dtype == np.int64


def test_full_table_order_is_binary_with_first_list_lowest_bit() -> None:
    pats = all_patterns(3)
    assert pats.tolist()[:4] == [[1, 0, 0], [0, 1, 0], [1, 1, 0], [0, 0, 1]]
    assert pattern_index(pats).tolist() == list(range(7))


def test_korea_full_table_fills_zero_and_keeps_explicit_zero() -> None:
    cc = CaptureCounts.from_csv(DATA / "korea_3list.csv")
    assert cc.lists == ("b", "c", "d")
    _, full = cc.full_table()
    # order: b, c, bc, d, bd, cd, bcd
    assert full.tolist() == [5, 5, 54, 41, 6, 0, 12]


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "t.csv"
    p.write_text(text)
    return p


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("A,count\n1,3\n", "at least 2 list"),
        ("A,B,count\n1,2,3\n", "field 'B'"),
        ("A,B,count\n1,0,-3\n0,1,2\n", "non-negative"),
        ("A,B,count\n1,0,2.5\n0,1,2\n", "whole number"),
        ("A,B,count\n1,0,x\n0,1,2\n", "row 2"),
        ("A,B,count\n1,0,2\n1,0,2\n0,1,1\n", "duplicates row 2"),
        ("A,B,count\n0,0,4\n1,0,2\n0,1,1\n", "all-zero"),
        ("A,B,count\n1,0\n", "columns"),
    ],
)
def test_from_csv_rejects_bad_files_naming_place(tmp_path: Path, text: str, fragment: str) -> None:
    p = _write(tmp_path, text)
    with pytest.raises(InputFileError) as exc:
        CaptureCounts.from_csv(p)
    assert fragment in str(exc.value)
    assert str(p) in str(exc.value)


def test_from_csv_rejects_list_without_records(tmp_path: Path) -> None:
    p = _write(tmp_path, "A,B,C,count\n1,0,0,3\n0,1,0,2\n1,1,0,1\n")
    with pytest.raises(EstimationError, match="C have no records"):
        CaptureCounts.from_csv(p)


def test_from_csv_missing_file_is_user_error(tmp_path: Path) -> None:
    with pytest.raises(RoshanError, match="not found"):
        CaptureCounts.from_csv(tmp_path / "nope.csv")


def test_all_zero_row_with_zero_count_is_dropped(tmp_path: Path) -> None:
    p = _write(tmp_path, "A,B,count\n0,0,0\n1,0,2\n0,1,1\n1,1,1\n")
    cc = CaptureCounts.from_csv(p)
    assert cc.observed == 4 and cc.patterns.shape[0] == 3


def test_from_frame_sums_duplicate_patterns_and_validates() -> None:
    df = pd.DataFrame({"A": [1, 1, 0], "B": [0, 0, 1], "s": ["x", "y", "x"], "count": [2, 3, 4]})
    cc = CaptureCounts.from_frame(df, list_columns=["A", "B"])
    assert cc.to_frame().set_index(["A", "B"])["count"].to_dict() == {(1, 0): 5, (0, 1): 4}
    with pytest.raises(EstimationError):
        CaptureCounts.from_frame(df.assign(A=[2, 1, 0]), list_columns=["A", "B"])
    with pytest.raises(EstimationError):
        CaptureCounts.from_frame(df.assign(count=[-1, 1, 1]), list_columns=["A", "B"])


def test_from_histories_counts_rows() -> None:
    h = np.array([[1, 0, 0], [1, 0, 0], [1, 1, 0], [0, 0, 1], [0, 1, 1]])
    cc = CaptureCounts.from_histories(h, lists=["x", "y", "z"])
    assert cc.observed == 5
    got = dict(zip(map(tuple, cc.patterns.tolist()), cc.counts.tolist(), strict=True))
    assert got[(1, 0, 0)] == 2
    with pytest.raises(EstimationError, match="all-zero"):
        CaptureCounts.from_histories(np.array([[0, 0], [1, 0]]))


def test_constructor_rejects_duplicates_and_is_immutable() -> None:
    with pytest.raises(EstimationError, match="more than once"):
        CaptureCounts(("A", "B"), np.array([[1, 0], [1, 0], [0, 1]]), np.array([1, 2, 3]))
    cc = CaptureCounts(("A", "B"), np.array([[1, 0], [0, 1]]), np.array([1, 2]))
    with pytest.raises(ValueError):
        cc.counts[0] = 5


def test_drop_and_merge_lists() -> None:
    cc = CaptureCounts.from_csv(DATA / "new_orleans_8list.csv")
    dropped = cc.drop_list("H")
    assert dropped.lists == ("A", "B", "C", "D", "E", "F", "G")
    assert dropped.observed == cc.observed - 21
    merged = cc.merge_lists(["B", "E", "F", "G"], "BEFG")
    five = CaptureCounts.from_csv(DATA / "new_orleans_5list.csv")
    assert merged.lists == ("A", "BEFG", "C", "D", "H")
    assert merged.observed == five.observed
    # the published 5-list version is exactly this merge
    assert np.array_equal(merged.full_table()[1], five.full_table()[1])


def test_list_totals_and_overlaps() -> None:
    cc = CaptureCounts.from_csv(DATA / "artificial_3list.csv")
    assert cc.list_totals() == {"A": 46, "B": 36, "C": 20}
    ov = cc.pair_overlaps()
    assert ov[("A", "B")] == 6 and ov[("A", "C")] == 0 and ov[("B", "C")] == 0


def test_data_warnings_flag_few_overlaps_and_dominance() -> None:
    cc = CaptureCounts.from_csv(DATA / "artificial_3list.csv")
    w = data_warnings(cc)
    assert any("few overlaps" in x for x in w)
    dom = CaptureCounts(("A", "B"), np.array([[1, 0], [0, 1], [1, 1]]), np.array([90, 2, 8]))
    assert any("one list dominates: A" in x for x in data_warnings(dom))
    korea = CaptureCounts.from_csv(DATA / "korea_3list.csv")
    assert not any("dominates" in x for x in data_warnings(korea))


# ---------------------------------------------------------------- property-based
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@st.composite
def _histories(draw):
    j = draw(st.integers(min_value=2, max_value=6))
    rows = draw(
        st.lists(
            st.lists(st.integers(0, 1), min_size=j, max_size=j).filter(lambda r: any(r)),
            min_size=1,
            max_size=60,
        )
    )
    return np.array(rows, dtype=np.int8), j


@settings(max_examples=60, deadline=None)
@given(_histories())
def test_histories_frame_and_full_table_agree(data) -> None:
    rows, j = data
    names = [f"S{k}" for k in range(j)]
    if np.any(rows.sum(axis=0) == 0):
        with pytest.raises(EstimationError, match="no records"):
            CaptureCounts.from_histories(rows, lists=names)
        return
    a = CaptureCounts.from_histories(rows, lists=names)
    df = pd.DataFrame(rows, columns=names).assign(count=1)
    b = CaptureCounts.from_frame(df)
    assert a.observed == b.observed == rows.shape[0]
    pa, fa = a.full_table()
    pb, fb = b.full_table()
    assert np.array_equal(pa, pb) and np.array_equal(fa, fb)
    # each list's total equals its column sum
    assert list(a.list_totals().values()) == rows.sum(axis=0).tolist()
    # the round trip through a frame is lossless
    c = CaptureCounts.from_frame(a.to_frame())
    assert np.array_equal(c.full_table()[1], fa)
