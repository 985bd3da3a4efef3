"""The SYNTHETIC "lists in the wild" generator (bench/robustness/wild.py).

Checks determinism, that the truth matches the files row for row, that every file is
labelled SYNTHETIC and no mapping file is written, and that each family's lists carry
the variants the generator claims (memorial prefixes, Persian month names, Windows-1256
and UTF-16 files, Kurdish names in parentheses, mixed scripts and calendars, ...).
"""

from __future__ import annotations

import json
import re
import sys
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

BENCH = Path(__file__).resolve().parents[2] / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

from robustness.wild import FAMILIES, generate, main  # noqa: E402

SEED = 3
PERSIAN = re.compile(r"[\u0600-\u06ff]")
LATIN = re.compile(r"[A-Za-z]")


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory):
    out = {}
    for fam in FAMILIES:
        out[fam] = generate(fam, seed=SEED, out_dir=tmp_path_factory.mktemp(fam))
    return out


def cell_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, datetime):
        return v.date().isoformat()
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


def read_back(sc, name: str) -> pd.DataFrame:
    """Read a written list back with ordinary tools, every cell as text."""
    spec = sc.specs[name]
    path = sc.files[name]
    if spec.fmt == "csv":
        return pd.read_csv(path, encoding=spec.encoding, dtype=str, keep_default_na=False)
    if spec.fmt == "xlsx":
        ws = load_workbook(path).active
        rows = list(ws.iter_rows(values_only=True))
        return pd.DataFrame([[cell_text(v) for v in r] for r in rows[1:]], columns=list(rows[0]))
    objs = json.loads(path.read_text(encoding="utf-8"))
    headers = list(sc.lists[name].columns)
    return pd.DataFrame([[cell_text(o.get(h)) for h in headers] for o in objs], columns=headers)


def column(sc, name: str, fieldname: str) -> pd.Series:
    """A list's column by generator field name (headers may be re-encoded, e.g. cp1256)."""
    fields = [f for f, _ in sc.specs[name].columns]
    return sc.lists[name].iloc[:, fields.index(fieldname)]


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_same_seed_same_output(family, tmp_path):
    a = generate(family, seed=7, out_dir=tmp_path / "a")
    b = generate(family, seed=7, out_dir=tmp_path / "b")
    for name in a.lists:
        pd.testing.assert_frame_equal(a.lists[name], b.lists[name])
        if a.specs[name].fmt != "xlsx":  # XLSX zips carry write times
            assert a.files[name].read_bytes() == b.files[name].read_bytes()
    pd.testing.assert_frame_equal(a.truth, b.truth)
    pd.testing.assert_frame_equal(a.people, b.people)
    c = generate(family, seed=8, out_dir=tmp_path / "c")
    assert not a.truth.equals(c.truth)


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_truth_matches_files(scenarios, family):
    sc = scenarios[family]
    assert set(sc.truth.columns) == {"list", "row_number", "person_id"}
    for name, df in sc.lists.items():
        back = read_back(sc, name)
        t = sc.truth[sc.truth["list"] == name]
        assert len(back) == len(df) == len(t) > 0
        assert t["row_number"].tolist() == list(range(1, len(t) + 1))
        pd.testing.assert_frame_equal(back.reset_index(drop=True), df.reset_index(drop=True))
    assert set(sc.truth["person_id"]) <= set(sc.people["person_id"])
    assert sc.n_people_listed == sc.truth["person_id"].nunique()


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_files_labelled_synthetic_and_no_mapping(scenarios, family):
    sc = scenarios[family]
    out_dir = sc.files["truth"].parent
    written = [p.name for p in out_dir.iterdir()]
    assert len(written) == len(sc.lists) + 3
    assert all("SYNTHETIC" in n for n in written)
    assert not any(
        "mapping" in n.lower() or n.endswith((".toml", ".yaml", ".yml")) for n in written
    )
    assert set(sc.files) == set(sc.lists) | {"truth", "people", "manifest"}
    manifest = json.loads(sc.files["manifest"].read_text(encoding="utf-8"))
    assert manifest["synthetic"] is True
    assert "SYNTHETIC" in manifest["notice"]
    assert manifest["generator"] == "bench/robustness/wild.py"
    assert manifest["mapping_files"] is None


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_population(scenarios, family):
    sc = scenarios[family]
    assert sc.n_people_exist == len(sc.people) == 3000
    assert 0.65 <= sc.n_people_listed / sc.n_people_exist <= 0.75
    assert 0.85 <= (sc.people["sex"] == "M").mean() <= 0.90
    deaths = pd.to_datetime(sc.people["date_of_death"])
    assert deaths.min() >= pd.Timestamp("2025-12-28") and deaths.max() <= pd.Timestamp("2026-01-31")
    assert deaths.dt.strftime("%m-%d").value_counts().index[0] in {"01-08", "01-09", "01-10"}
    assert 40 <= sc.people["family_name_fa"].nunique() <= 80
    assert 40 <= sc.people["given_name_fa"].nunique() <= 100
    dups = sc.truth.duplicated(["list", "person_id"]).sum() / len(sc.truth)
    assert 0.01 <= dups <= 0.04


def test_wild_ngo_variants(scenarios):
    sc = scenarios["wild_ngo"]
    a_names = column(sc, "A", "full_name")
    assert a_names.str.startswith(("جاویدنام", "زنده\u200cیاد")).any()  # memorial prefix
    assert a_names.str.contains("ساله").any()  # age inside the name cell
    a_dates = column(sc, "A", "date")
    assert a_dates.str.contains("دی").any() and a_dates.str.contains("۱۴۰۴").any()
    assert a_dates.str.contains("ماه").any()  # دی‌ماه / دیماه / دی ماه
    b_dates = column(sc, "B", "date")
    assert b_dates.str.contains("January").any()
    assert column(sc, "B", "notes").str.contains(r"(?:Son|son|Daughter|daughter) of").any()
    assert sc.files["C"].read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    c_given = column(sc, "C", "given")
    assert c_given.str.contains(r"\(").any()  # Kurdish/Baluch name beside the official one
    assert column(sc, "C", "city").isin(["سنه", "کرماشان", "ورمی"]).any()
    assert "sex" not in dict(sc.specs["C"].columns)
    ws = load_workbook(sc.files["D"]).active
    date_col = [h.value for h in ws[1]].index("Date") + 1
    assert any(isinstance(ws.cell(r, date_col).value, datetime) for r in range(2, ws.max_row + 1))
    d_en = column(sc, "D", "name_en")
    assert d_en.str.contains(",").any() and d_en.str.contains(r"\b[A-Z]{4,}\b").any()
    assert column(sc, "D", "name_fa").str.contains(PERSIAN).any()


def test_wild_insider_variants(scenarios):
    sc = scenarios["wild_insider"]
    for name in ("A", "C"):
        raw = sc.files[name].read_bytes()
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
        text = raw.decode("cp1256")
        assert "ي" in text and "ی" not in text  # Arabic yeh, as Windows-1256 writes it
        assert not re.search("[۰-۹]", text)
    natid = column(sc, "A", "natid")
    assert natid.str.fullmatch(r"\d{10}").mean() > 0.5
    assert sc.files["B"].read_bytes().startswith(b"\xff\xfe")  # UTF-16 LE BOM
    assert column(sc, "C", "full_name").str.startswith("مرحوم").any()
    assert (column(sc, "C", "date_burial") != "").all()
    objs = json.loads(sc.files["D"].read_text(encoding="utf-8"))
    assert isinstance(objs, list) and all(isinstance(o, dict) for o in objs)
    d_dates = column(sc, "D", "date")
    assert d_dates.str.contains("Dey|Dei|1404").any() and d_dates.str.contains("January|2026").any()


def test_wild_mixed_variants(scenarios):
    sc = scenarios["wild_mixed"]
    for name, spec in sc.specs.items():
        fields = [f for f, _ in spec.columns]
        names = column(sc, name, "full_name" if "full_name" in fields else "given")
        assert names.str.contains(PERSIAN).mean() > 0.2, name
        assert names.str.contains(LATIN).mean() > 0.2, name
        dates = column(sc, name, "date")
        jalali = dates.str.contains("1404|۱۴۰۴|Dey|دی")
        greg = dates.str.contains("2026|2025|۲۰۲۶|۲۰۲۵|January|ژانویه")
        assert jalali.mean() > 0.2 and greg.mean() > 0.2, name
    assert sc.specs["D"].encoding == "cp1256"
    objs = json.loads(sc.files["C"].read_text(encoding="utf-8"))
    assert len({len(o) for o in objs}) > 1  # missing values are absent keys


def test_cli_prints_summary(tmp_path, capsys):
    assert main(["wild_mixed", "--seed", "2", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "SYNTHETIC" in out and "people: 3000 exist" in out
    assert all("SYNTHETIC" in p.name for p in tmp_path.iterdir())
