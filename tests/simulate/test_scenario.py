"""End-to-end scenario tests: determinism, SYNTHETIC flags, truth consistency, formats.

All data here is SYNTHETIC, produced by roshan's own simulator.
"""

import json
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from roshan.canonical import FIELD_NAMES, SourceKind
from roshan.errors import RoshanError
from roshan.simulate import FORMAT_TOKENS, ScenarioConfig, generate, simulate
from roshan.simulate.writers import read_list

ALL_FORMATS = ["csv", "xlsx", "csv-1256", "json", "csv-utf16", "jsonl", "csv-bom"]  # template order


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("scen") / "s"
    cfg = ScenarioConfig(seed=7, population=600, lists=8, formats=ALL_FORMATS)
    manifest = simulate(cfg, out)
    return out, manifest, cfg


def _read(out: Path, entry: dict) -> pd.DataFrame:
    return read_list(out / entry["file"], entry["format"], entry["encoding"])


def _canonical(out: Path, entry: dict) -> pd.DataFrame:
    df = _read(out, entry)
    if entry["mapping"]:
        cols = tomllib.loads((out / entry["mapping"]).read_text(encoding="utf-8"))["columns"]
        df = df.rename(columns=cols)
    return df


def test_manifest_contract(written):
    out, m, cfg = written
    assert m["synthetic"] is True and m["seed"] == 7
    assert m["options"]["population"] == 600
    assert len(m["sources"]) == 8
    kinds = {k.value for k in SourceKind}
    for s in m["sources"]:
        assert {"name", "kind", "file", "format", "encoding", "mapping", "records"} <= set(s)
        assert s["kind"] in kinds
        assert s["file"].startswith("lists/") and (out / s["file"]).is_file()
        assert s["mapping"] is None or (out / s["mapping"]).is_file()
        assert s["records"] > 0
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8")) == json.loads(
        json.dumps(m, default=str)
    )
    # each requested format/encoding appears
    got = {(s["format"], s["encoding"]) for s in m["sources"]}
    assert got == {FORMAT_TOKENS[t] for t in ALL_FORMATS}


def test_every_file_says_synthetic(written):
    out, m, _ = written
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "SYNTHETIC" in readme and "seed: 7" in readme
    for path in out.rglob("*"):
        if path.is_dir():
            continue
        rel = path.relative_to(out).as_posix()
        if rel in ("truth/population.csv", "truth/records.csv"):
            continue  # fixed contract names; truth/README.md flags the folder
        head = path.read_bytes()[:400]
        flagged = "SYNTHETIC" in path.name or b"SYNTHETIC" in head or b'"synthetic": true' in head
        assert flagged, rel
    assert "SYNTHETIC" in (out / "truth" / "README.md").read_text(encoding="utf-8")
    for s in m["sources"]:
        if s["format"] == "json":
            doc = json.loads((out / s["file"]).read_text(encoding="utf-8"))
            assert doc["synthetic"] is True and "SYNTHETIC" in doc["notice"]
        if s["format"] == "xlsx":
            from openpyxl import load_workbook

            wb = load_workbook(out / s["file"], read_only=True)
            assert wb.sheetnames == ["SYNTHETIC"] and "SYNTHETIC" in wb.properties.title


def test_each_format_and_encoding_reads_back_exactly(written):
    out, m, cfg = written
    scen = generate(cfg)
    for s in m["sources"]:
        df = _canonical(out, s)
        mem = scen.records_of(s["name"])
        assert len(df) == s["records"] == len(mem)
        assert list(df.columns) == s["fields"]
        for f in s["fields"]:
            assert df[f].tolist() == mem[f].tolist(), (s["name"], f)
    cp = next(s for s in m["sources"] if s["encoding"] == "windows-1256")
    raw = (out / cp["file"]).read_bytes()
    raw.decode("cp1256")
    assert "ي".encode("cp1256") in raw and "ی".encode() not in raw
    u16 = next(s for s in m["sources"] if s["encoding"] == "utf-16")
    assert (out / u16["file"]).read_bytes()[:2] in (b"\xff\xfe", b"\xfe\xff")
    bom = next(s for s in m["sources"] if s["encoding"] == "utf-8-sig")
    assert (out / bom["file"]).read_bytes()[:3] == b"\xef\xbb\xbf"


def test_mappings_name_canonical_fields_and_match_headers(written):
    out, m, _ = written
    persian = 0
    for s in m["sources"]:
        header = list(_read(out, s).columns)
        if s["mapping"] is None:
            assert set(header) <= set(FIELD_NAMES)
            continue
        cols = tomllib.loads((out / s["mapping"]).read_text(encoding="utf-8"))["columns"]
        assert set(cols) == set(header)
        assert set(cols.values()) <= set(FIELD_NAMES)
        persian += any("نام" in h or "نام".replace("ی", "ي") in h for h in cols)
    assert persian >= 2


def test_truth_is_consistent_with_lists(written):
    out, m, _ = written
    pop = pd.read_csv(out / "truth" / "population.csv", dtype=str, keep_default_na=False)
    rec = pd.read_csv(out / "truth" / "records.csv", dtype=str, keep_default_na=False)
    assert len(pop) == 600 and pop["victim_id"].is_unique
    assert {"latent_class", "province_code", "date_of_death"} <= set(pop.columns)
    assert set(rec["victim_id"]) <= set(pop["victim_id"])
    for s in m["sources"]:
        r = rec[rec["source"] == s["name"]]
        assert len(r) == s["records"]
        assert r["row_number"].astype(int).tolist() == list(range(1, s["records"] + 1))
        df = _canonical(out, s)
        if s["has_record_id"]:
            assert df["record_id"].tolist() == r["record_id"].tolist()
            assert df["record_id"].is_unique
        else:
            assert "record_id" not in df.columns and (r["record_id"] == "").all()
    assert sum(not s["has_record_id"] for s in m["sources"]) >= 1


def test_clean_scenario_values_match_truth():
    cfg = ScenarioConfig(
        seed=3, population=400, lists=1, error_rate=0.0, missing_rate=0.0, duplicate_rate=0.0
    )
    scen = generate(cfg)
    df = scen.records.merge(scen.population, on="victim_id", suffixes=("", "_true"))
    full = df["date_of_death"].str.len() == 10
    assert full.mean() > 0.9
    assert (df.loc[full, "date_of_death"] == df.loc[full, "date_of_death_true"]).all()
    assert (df["age"] == df["age_true"].astype(str)).all()
    assert (df["sex"] == df["sex_true"]).all()
    assert (df["province"] != "").all()


def test_determinism_same_seed_same_files(tmp_path):
    cfg = ScenarioConfig(seed=11, population=300, lists=6)
    a = simulate(cfg, tmp_path / "a")
    b = simulate(ScenarioConfig(seed=11, population=300, lists=6), tmp_path / "b")
    assert a == b
    files = [p for p in (tmp_path / "a").rglob("*") if p.is_file()]
    assert any(p.suffix == ".xlsx" for p in files)
    for p in files:  # byte-identical, XLSX included (fixed zip stamps)
        assert p.read_bytes() == (tmp_path / "b" / p.relative_to(tmp_path / "a")).read_bytes(), p
    c = generate(ScenarioConfig(seed=12, population=300, lists=6))
    assert not c.records["victim_id"].equals(generate(cfg).records["victim_id"])


def test_refuses_non_empty_folder_and_bad_options(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "keep.txt").write_text("mine")
    with pytest.raises(RoshanError, match="not empty"):
        simulate(ScenarioConfig(population=50, lists=2), tmp_path / "x")
    with pytest.raises(RoshanError):
        generate(ScenarioConfig(population=0))
    with pytest.raises(RoshanError):
        generate(ScenarioConfig(formats=["pdf"]))
    with pytest.raises(RoshanError):
        generate(ScenarioConfig(lists=3, dependence_pairs=[(0, 5, 1)]))
    simulate(ScenarioConfig(population=50, lists=2), tmp_path / "x", overwrite=True)
    assert (tmp_path / "x" / "keep.txt").read_text() == "mine"


def test_capture_counts_cover_observed_victims():
    scen = generate(ScenarioConfig(seed=1, population=500, lists=3))
    counts = scen.capture_counts()
    assert all(len(k) == 3 and "1" in k for k in counts)
    assert sum(counts.values()) == scen.capture.any(axis=1).sum()
    assert scen.records["victim_id"].nunique() == sum(counts.values())


def test_inconsistent_dates_and_family_first_full_names():
    scen = generate(ScenarioConfig(seed=2, population=1500, lists=9))
    fam = scen.records_of("SYNTHETIC-FAMILY-D")["date_of_death"]
    assert fam.str.contains("January|December").mean() > 0.7
    assert 0.03 < fam.str.contains(" Dey | Bahman ").mean() < 0.2  # the list's second habit
    full = scen.records_of("SYNTHETIC-MEDIA-I")["full_name"]
    assert full.str.contains(", ").mean() > 0.9


def test_names_in_lists_are_spellings_of_the_true_names():
    """With error_rate 0, every written name is one of the true name's known spellings."""
    from roshan.simulate.names import family_names

    fam = family_names()
    by_fa = {fa: i for i, fa in enumerate(fam.fa)}
    cfg = ScenarioConfig(seed=5, population=800, lists=8, error_rate=0.0, missing_rate=0.0)
    scen = generate(cfg)
    df = scen.records.merge(scen.population, on="victim_id", suffixes=("", "_true"))
    df = df[df["family_name"].notna()]
    unfold = str.maketrans({"ي": "ی", "ك": "ک"})
    checked = 0
    for written, true_fa in zip(df["family_name"], df["family_name_true"], strict=True):
        i = by_fa[true_fa]
        forms = set(fam.fa_variants[i]) | set(fam.latin_variants[i])
        forms |= {f.upper() for f in fam.latin_variants[i]}
        assert written.translate(unfold) in forms, (written, true_fa)
        checked += 1
    assert checked > 1000


def test_some_lists_carry_sensitive_fields(written):
    from roshan.canonical import SENSITIVE_FIELDS

    out, m, _ = written
    carried = {f for s in m["sources"] for f in s["fields"]} & SENSITIVE_FIELDS
    assert {"witness", "source_reference"} <= carried
    field_list = next(s for s in m["sources"] if "witness" in s["fields"])
    df = _canonical(out, field_list)
    filled = df.loc[df["witness"] != "", "witness"]
    assert len(filled) > 0 and filled.str.contains(r"\(").all()


def test_dates_of_birth_agree_with_true_age():
    import jdatetime

    scen = generate(ScenarioConfig(seed=4, population=1200, lists=3, missing_rate=0.0))
    hosp = next(s for s in scen.sources if s.has_date_of_birth)
    df = scen.records_of(hosp.name).merge(scen.population, on="victim_id", suffixes=("", "_true"))
    full = df[df["date_of_birth"].str.len() == 10]
    assert len(full) > 100 and 0.5 < len(full) / len(df) < 0.85  # ~30% are year only
    for dob, dob_true in zip(full["date_of_birth"], full["date_of_birth_true"], strict=True):
        y, m, d = (
            int(x) for x in dob.translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")).split("/")
        )
        assert jdatetime.date(y, m, d).togregorian().isoformat() == dob_true
    pop = scen.population
    death = pd.to_datetime(pop["date_of_death"])
    birth = pd.to_datetime(pop["date_of_birth"])
    age = (death - birth).dt.days // 365.25
    assert ((age - pop["age"]).abs() <= 1).all()
