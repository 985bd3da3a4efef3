"""The clean-room outside scenario generator (bench/robustness/outside.py): SYNTHETIC data."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import tomllib
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))

from robustness.outside import (
    CANONICAL,
    FAMILIES,
    FAMILY_NAMES,
    Family,
    generate,
)

LATIN = re.compile(r"[A-Za-z]")
PERSIAN = re.compile(r"[\u0600-\u06FF]")
KIN = ("فرزند", "پسر", "دختر", "son of", "daughter of")


@cache
def _gen(family: str, seed: int):
    return generate(family, seed)


def _text(df: pd.DataFrame) -> pd.Series:
    return df.astype(str).agg(" ".join, axis=1)


def test_deterministic_for_a_seed():
    a, b = _gen("outside3", 1), generate("outside3", 1)
    for name in a.lists:
        pd.testing.assert_frame_equal(a.lists[name], b.lists[name])
    pd.testing.assert_frame_equal(a.truth, b.truth)
    pd.testing.assert_frame_equal(a.people, b.people)
    c = _gen("outside3", 2)
    assert not a.lists["A"].equals(c.lists["A"])


@pytest.mark.parametrize("seed", [1, 2])
def test_outside3_counts(seed):
    sc = _gen("outside3", seed)
    assert sc.n_people_exist == 3000
    assert 1890 <= sc.n_people_listed <= 2310
    assert sc.n_people_listed == sc.truth["person_id"].nunique()
    assert set(sc.lists) == {"A", "B", "C"}
    on = sc.truth.groupby("person_id")["list"].nunique()
    assert (on > 1).mean() > 0.3  # lists overlap


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_truth_covers_every_row(family):
    sc = _gen(family, 1)
    assert isinstance(sc.family, Family)
    assert set(sc.truth["list"]) == set(sc.lists)
    for name, df in sc.lists.items():
        t = sc.truth[sc.truth["list"] == name]
        assert list(t["row_number"]) == list(range(1, len(df) + 1))
        assert all(df[c].map(type).eq(str).all() for c in df.columns)
        assert set(sc.mappings[name]) == set(df.columns)
        assert set(sc.mappings[name].values()) <= set(CANONICAL.values())
        # rows are shuffled, not in person order
        ids = t["person_id"].tolist()
        assert ids != sorted(ids)
    assert set(sc.truth["person_id"]) <= set(sc.people["person_id"])
    listed = set(sc.people.loc[sc.people["lists"] != "", "person_id"])
    assert listed == set(sc.truth["person_id"])


def test_within_list_duplicates():
    sc = _gen("outside3", 1)
    for name, df in sc.lists.items():
        t = sc.truth[sc.truth["list"] == name]
        dups = t["person_id"].duplicated().sum()
        assert 0.02 <= dups / t["person_id"].nunique() <= 0.04
        # the two rows of a duplicate are not identical copies, as a rule
        rows = df.assign(pid=t["person_id"].to_numpy())
        twice = rows[rows["pid"].duplicated(keep=False)]
        distinct = twice.drop(columns="pid").drop_duplicates()
        assert len(distinct) > len(twice) / 2 + 5


def test_scripts_of_lists():
    sc = _gen("outside3", 1)
    a, b, c = sc.lists["A"], sc.lists["B"], sc.lists["C"]
    assert not _text(a).str.contains(LATIN).any()
    assert not _text(b).str.contains(PERSIAN).any()
    c_fa = c.iloc[:, 0].str.contains(PERSIAN)
    assert 0.4 < c_fa.mean() < 0.6
    # list A: Persian digits, Arabic yeh/kaf on ~30% of records, ZWNJ variation
    assert a["تاریخ فوت"].str.fullmatch(r"[۰-۹/]+|[۰-۹]+ (دی|دي|بهمن) [۰-۹]+").all()
    arabic = _text(a).str.contains("[يك]")
    assert 0.2 < arabic.mean() < 0.4
    names = a["نام"] + " " + a["نام خانوادگی"] + " " + a["نام پدر"]
    assert names.str.contains("\u200c").any()
    assert names.str.contains("محمدرضا|علیرضا|امیرحسین|محمد رضا|علی رضا|امیر حسین").any()
    # list C: Jalali dates in Latin digits or with a Latin month name
    assert c["Date (Jalali)"].str.fullmatch(r"1404/\d{1,2}/\d{1,2}|\d{1,2} (Dey|Bahman) 1404").all()
    # list B: several spellings of one name
    assert {"Hossein", "Hosein", "Hussein"} <= set(b["First Name"]) | set(b["Father's Name"])
    assert set(a["جنسیت"]) == {"مرد", "زن"}
    assert set(b["Gender"]) <= {"M", "F", "Male", "Female"}


def _parse_gregorian(s: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d %B %Y", "%b %d, %Y"):
        try:
            return dt.datetime.strptime(s, fmt).date()
        except ValueError:
            pass
    raise AssertionError(s)


@pytest.mark.parametrize(("family", "most"), [("outside3", 1), ("dates2", 2)])
def test_dates_in_window_and_jitter(family, most):
    sc = _gen(family, 1)
    b = sc.lists["B"]
    days = b["Date of Death"].map(_parse_gregorian)
    assert days.min() >= dt.date(2025, 12, 28) and days.max() <= dt.date(2026, 1, 31)
    assert (days >= dt.date(2026, 1, 8)).mean() > 0.7
    t = sc.truth[sc.truth["list"] == "B"].assign(day=days.to_numpy())
    spread = t.groupby("person_id")["day"].agg(lambda d: (max(d) - min(d)).days)
    assert spread.max() <= most
    assert (spread == most).any()


def test_fullname_family():
    sc = _gen("fullname", 1)
    assert len(sc.lists) == 4
    for name, df in sc.lists.items():
        assert len(df.columns) == 6  # one name column, then sex, age, date, city, province
        assert list(sc.mappings[name].values()).count("full_name") == 1
        assert "given_name" not in sc.mappings[name].values()
        full = df.iloc[:, 0]
        assert full.str.contains("|".join(KIN)).mean() > 0.5
    a = sc.lists["A"].iloc[:, 0]
    assert a.str.contains("فرزند").any() and a.str.contains("پسر").any()
    assert a.str.contains("دختر").any() and a.str.contains("^سید ", regex=True).any()
    b = sc.lists["B"].iloc[:, 0]
    assert b.str.contains(r"^\w[\w' -]*, .* son of ", regex=True).any()
    assert b.str.contains("daughter of").any()
    assert b.str.contains("^(?:Seyed|Seyyed|Sayed|Sayyid) ", regex=True).any()


def test_swapped_family():
    sc = _gen("swapped", 1)
    family_spellings = {v for n in FAMILY_NAMES for v in n.latin}
    first_is_family = sc.lists["B"]["First Name"].isin(family_spellings).mean()
    assert 0.3 < first_is_family < 0.5
    assert sc.lists["A"]["نام"].isin({v for n in FAMILY_NAMES for v in n.fa}).mean() < 0.05


def test_missing_family():
    sc = _gen("missing", 1)
    assert "Father" not in sc.lists["C"].columns
    assert "father_name" not in sc.mappings["C"].values()
    for df, age, father in (
        (sc.lists["A"], "سن", "نام پدر"),
        (sc.lists["B"], "Age", "Father's Name"),
    ):
        assert 0.4 < (df[age] == "").mean() < 0.6
        assert 0.4 < (df[father] == "").mean() < 0.6


def test_concentrated_and_namesakes():
    assert 0.62 < _gen("concentrated", 1).stats["top30_given_share"] < 0.78
    base, ns = _gen("outside3", 1), _gen("namesakes", 1)
    assert (ns.people["namesake_cluster"] != "").mean() == pytest.approx(0.15, abs=0.01)
    key = "listed_share_with_name_city_week_twin"
    assert ns.stats[key] > base.stats[key]


def test_files_written_and_readable(tmp_path):
    sc = generate("one_script", 5, out_dir=tmp_path)
    for name, df in sc.lists.items():
        path = sc.files[name]
        assert "SYNTHETIC" in path.name and path.exists()
        if path.suffix == ".xlsx":
            back = pd.read_excel(path, dtype=str, keep_default_na=False)
        else:
            assert path.suffix == ".csv"
            path.read_bytes().decode("utf-8")
            back = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        pd.testing.assert_frame_equal(back, df.reset_index(drop=True))
        mapping = tomllib.loads(sc.files[f"{name}.mapping"].read_text(encoding="utf-8"))
        assert mapping["columns"] == sc.mappings[name]
        assert "SYNTHETIC" in sc.files[f"{name}.mapping"].name
    assert any(p.suffix == ".xlsx" for p in sc.files.values())
    truth = pd.read_csv(sc.files["truth"], dtype=str)
    assert len(truth) == len(sc.truth) and sc.files["truth"].name == "truth-SYNTHETIC.csv"
    manifest = json.loads(sc.files["manifest"].read_text(encoding="utf-8"))
    assert "SYNTHETIC" in manifest["note"] and manifest["seed"] == 5
    assert manifest["n_people_listed"] == sc.n_people_listed
    # list A of every family carries Persian headers
    assert PERSIAN.search(sc.lists["A"].columns[0])
