"""Headers as lists type them, read without a mapping file.

Before: "Father's name", «تاریخ جان‌باختن», "Date killed", «محل کشته شدن», "Age at
death" and "Victim" were left unmapped, so a list's date of death or father's name
silently went to ``extra`` and linkage ran without them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from roshan.ingest.mapping import auto_target, guess_target, resolve_columns


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Victim", "full_name"),
        ("Victim name", "full_name"),
        ("Name of victim", "full_name"),
        ("Deceased", "full_name"),
        ("Martyr", "full_name"),
        ("شهید", "full_name"),
        ("جاویدنام", "full_name"),
        ("کشته\u200cشدگان", "full_name"),
        ("جان\u200cباختگان", "full_name"),
        ("نام ونام خانوادگی", "full_name"),  # the و typed onto «نام»: was family_name
        ("فامیل", "family_name"),  # colloquial «family name»
        ("D.O.D", "date_of_death"),
        ("Shahr", "city"),
        ("نام کامل", "full_name"),
        ("نام و نام\u200cخانوادگی", "full_name"),
        ("Name (English)", "full_name"),
        ("Forename", "given_name"),
        ("First Name (Persian)", "given_name"),
        ("Father's name", "father_name"),
        ("نام پدر", "father_name"),
        ("Date killed", "date_of_death"),
        ("Killed on", "date_of_death"),
        ("تاریخ جان\u200cباختن", "date_of_death"),
        ("تاریخ جانباختن", "date_of_death"),
        ("تاریخ کشته شدن", "date_of_death"),
        ("تاریخ شهادت", "date_of_death"),
        ("تاریخ درگذشت", "date_of_death"),
        ("Date (Jalali)", "date_of_death"),
        ("تاریخ (شمسی)", "date_of_death"),
        ("Age at death", "age"),
        ("جنس", "sex"),
        ("محل کشته شدن", "place_of_death"),
        ("محل جان\u200cباختن", "place_of_death"),
        ("Location", "place_of_death"),
        ("محل دفن", "burial_place"),
        ("آرامستان", "burial_place"),  # the cemetery: it says the city (places.place_of_burial)
        ("Graveyard", "burial_place"),
        ("Town", "city"),
        ("Village", "city"),
        ("State/Province", "province"),
        ("علت مرگ", "cause_of_death"),
        ("نحوه کشته شدن", "cause_of_death"),
        ("منبع", "source_reference"),
        ("Link", "source_reference"),
        ("ردیف", "record_id"),
        ("No.", "record_id"),
        ("Year of birth", "date_of_birth"),
        ("سال تولد", "date_of_birth"),
        # a register's national ID and date of burial: fields of their own since they
        # feed linkage (the ID) and stand in for a missing date of death (the burial)
        ("کد ملی", "national_id"),
        ("کد ملي", "national_id"),  # Arabic yeh, as Windows-1256 files write it
        ("شماره ملی", "national_id"),
        ("National ID", "national_id"),
        ("National code", "national_id"),
        ("تاریخ دفن", "date_of_burial"),
        ("Date of burial", "date_of_burial"),
    ],
)
def test_free_form_headers(header: str, field: str) -> None:
    assert (auto_target(header) or guess_target(header)) == field


@pytest.mark.parametrize(
    "header",
    [
        "Mother's name",  # not the father
        "نام مادر",
        "Passport number",  # not the national ID
        "Place of birth",  # not where they died
        "محل تولد",
        "Hometown",
        "Date reported",
        "Body returned?",  # the opposite of body_withheld: kept as extra
        "Occupation",
        "شغل",
    ],
)
def test_headers_that_name_no_field(header: str) -> None:
    assert guess_target(header) is None


def test_exact_headers_win_over_guessed_ones() -> None:
    cols = resolve_columns(["Date", "Date of death", "Name"], None, "f.csv")
    assert cols == {"Date of death": "date_of_death", "Name": "full_name"}


def test_a_lone_name_column_is_a_full_name() -> None:
    # «نام» alone (no family column) holds the whole name
    assert resolve_columns(["ردیف", "نام", "سن"], None, "f.csv")["نام"] == "full_name"
    # beside «نام خانوادگی» it is the given name
    cols = resolve_columns(["نام", "نام خانوادگی"], None, "f.csv")
    assert cols == {"نام": "given_name", "نام خانوادگی": "family_name"}
    # "Name" beside "Surname" and no given-name column: the given name
    cols = resolve_columns(["Name", "Surname", "Father"], None, "f.csv")
    assert cols["Name"] == "given_name"


def _ingest_json(ws: Path, csv: Path, source: str) -> dict:
    """``roshan init`` (once) and ``roshan ingest --json`` through the installed script."""
    roshan = str(Path(sys.executable).parent / "roshan")
    if not ws.exists():
        subprocess.run([roshan, "init", str(ws)], check=True, capture_output=True, timeout=120)
    out = subprocess.run(
        [roshan, "ingest", str(ws), str(csv), "-s", source, "--json"],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return json.loads(out.stdout)


def test_cli_ingest_reads_free_form_headers_and_says_so(tmp_path: Path) -> None:
    """Through the installed script: the columns chosen, and a note naming them."""
    roshan = str(Path(sys.executable).parent / "roshan")
    csv = tmp_path / "list-SYNTHETIC.csv"
    csv.write_text(
        "ردیف,نام و نام خانوادگی,نام پدر,سن,تاریخ جان\u200cباختن,محل جان\u200cباختن,استان\n"
        "1,جاویدنام حسین رضایی (۱۷ ساله),علی,۱۷,۱۸ دی ماه ۱۴۰۴,زاهدان,سیستان و بلوچستان\n",
        encoding="utf-8",
    )
    ws = tmp_path / "ws"
    doc = _ingest_json(ws, csv, "SYNTHETIC-A")
    assert doc["columns"]["تاریخ جان\u200cباختن"] == "date_of_death"
    assert doc["columns"]["محل جان\u200cباختن"] == "place_of_death"
    assert doc["columns"]["نام پدر"] == "father_name"
    assert doc["unmapped_columns"] == []
    assert any("read by the words of their header" in n for n in doc["notes"])
    # without any date column the import says linkage will have no date
    csv2 = tmp_path / "nodate-SYNTHETIC.csv"
    csv2.write_text("Name,Age\nHossein Rezaei,25\n", encoding="utf-8")
    out = subprocess.run(
        [roshan, "ingest", str(ws), str(csv2), "-s", "SYNTHETIC-B"],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "no column was read as the date of death" in out.stdout + out.stderr


@pytest.mark.parametrize(
    "header",
    ["Your relationship to the victim", "Reporter name", "Witness name", "نام گزارشگر"],
)
def test_who_reported_is_never_the_victims_name(header: str) -> None:
    assert guess_target(header) is None


def test_sex_as_m_f() -> None:
    assert guess_target("M/F") == "sex"


def test_a_second_name_column_fills_in(tmp_path: Path) -> None:
    """A "Full Name" and a "Name (Farsi)" column: a row with only the Persian name is kept."""
    cols = resolve_columns(["#", "Full Name", "Name (Farsi)", "Age"], None, "f.csv")
    assert cols["Full Name"] == cols["Name (Farsi)"] == "full_name"
    from roshan.ingest.importer import ingest_file
    from roshan.store.records import records_frame
    from roshan.store.workspace import Workspace

    p = tmp_path / "two-SYNTHETIC.csv"
    p.write_text(
        "#,Full Name,Name (Farsi),Age\n1,Hossein Rezaei,حسین رضایی,25\n2,,علی احمدی,31\n",
        encoding="utf-8",
    )
    w = Workspace.init(tmp_path / "ws")
    try:
        res = ingest_file(w, p, source_name="SYNTHETIC-D")
        assert (res.rows_accepted, res.rows_rejected) == (2, 0)
        names = sorted(records_frame(w)["full_name"])
        assert names == ["Hossein Rezaei", "علی احمدی"]
    finally:
        w.close()


def test_the_note_on_a_missing_date_of_death_names_the_burial_when_there_is_one() -> None:
    from roshan.ingest.importer import column_notes

    burial = column_notes({"نام": "full_name", "تاریخ دفن": "date_of_burial"}, None)
    assert any("date of burial with other lists" in n for n in burial), burial
    plain = column_notes({"نام": "full_name"}, None)
    assert any("rest on names, ages and places alone" in n for n in plain), plain
    dated = column_notes({"نام": "full_name", "تاریخ فوت": "date_of_death"}, None)
    assert not any("date of death" in n for n in dated), dated


@pytest.mark.parametrize(
    ("header", "field"),
    [
        # abbreviations
        ("fname", "given_name"),
        ("lname", "family_name"),
        ("POD", "place_of_death"),
        ("prov", "province"),
        ("loc", "place_of_death"),
        # Persian headers typed in Latin letters (Finglish)
        ("nam", "full_name"),
        ("nam_khanevadegi", "family_name"),
        ("Nam Khanevadegi", "family_name"),
        ("nam_pedar", "father_name"),
        ("sen", "age"),
        ("jensiat", "sex"),
        ("tarikh", "date_of_death"),
        ("tarikh_fot", "date_of_death"),
        ("Tarikh-e Shahadat", "date_of_death"),
        ("mahal_fot", "place_of_death"),
        # French
        ("Prénom", "given_name"),
        ("Nom", "family_name"),
        ("Date de décès", "date_of_death"),
        ("Ville", "city"),
        ("Sexe", "sex"),
        # Arabic (lists from Khuzestan are sometimes kept in Arabic)
        ("الاسم", "full_name"),
        ("اسم الأب", "father_name"),
        ("العمر", "age"),
        ("تاريخ الوفاة", "date_of_death"),
        ("المدينة", "city"),
        ("المحافظة", "province"),
        # where, not when: "Killed in" is a place
        ("Killed in", "place_of_death"),
        ("کشته شده در", "place_of_death"),
        ("Age at death", "age"),
        ("age_at_death", "age"),
    ],
)
def test_more_headers_as_lists_type_them(header: str, field: str) -> None:
    """Before: "fname"/"lname", Finglish and French headers made the import refuse the
    file (no name column), and "Killed in" was read as a date."""
    assert (auto_target(header) or guess_target(header)) == field


@pytest.mark.parametrize(
    "header", ["Date of arrest", "تاریخ بازداشت", "Date injured", "Date of detention"]
)
def test_the_date_of_another_event_is_not_the_date_of_death(header: str) -> None:
    assert guess_target(header) is None
    # but a death in detention is a death
    assert guess_target("Date of death in detention") == "date_of_death"


def test_a_field_written_in_two_scripts_or_calendars_fills_in() -> None:
    cols = resolve_columns(
        ["name_fa", "name_en", "date_jalali", "date_gregorian", "city_fa", "city_en"],
        None,
        "f.csv",
    )
    assert cols["date_jalali"] == cols["date_gregorian"] == "date_of_death"
    assert cols["city_fa"] == cols["city_en"] == "city"
    cols = resolve_columns(["نام", "تاریخ", "Date", "شهر", "City"], None, "f.csv")
    assert cols["تاریخ"] == cols["Date"] == "date_of_death"
    assert cols["شهر"] == cols["City"] == "city"
    # named differently: not taken to be one field
    cols = resolve_columns(["Name", "Date of death", "Date"], None, "f.csv")
    assert "Date" not in cols


def test_cli_ingest_reads_finglish_headers_and_a_second_calendar(tmp_path: Path) -> None:
    """Through the installed script: a list with Finglish headers is imported (it was
    refused: "no column maps to a name field"), and a row whose Jalali date is empty
    takes the Gregorian one."""
    csv = tmp_path / "finglish-SYNTHETIC.csv"
    csv.write_text(
        "nam,nam_khanevadegi,nam_pedar,sen,tarikh_shamsi,tarikh_miladi,shahr\n"
        "Hossein,Rezaei,Ali,25,1404/10/18,,Zahedan\n"
        "Reza,Ahmadi,Hasan,31,,2026-01-09,Rasht\n"
        "Sara,Karimi,Mehdi,22,1404/10/19,2026-01-09,Tehran\n",
        encoding="utf-8",
    )
    ws = tmp_path / "ws"
    doc = _ingest_json(ws, csv, "SYNTHETIC-F")
    assert doc["columns"]["nam"] == "given_name"
    assert doc["columns"]["nam_khanevadegi"] == "family_name"
    assert doc["columns"]["tarikh_miladi"] == doc["columns"]["tarikh_shamsi"] == "date_of_death"
    assert doc["unmapped_columns"] == []
    from roshan.store.records import records_frame
    from roshan.store.workspace import Workspace

    with Workspace.open(ws) as w:
        frame = records_frame(w, with_extra=True).sort_values("given_name")
    assert list(frame["date_of_death"]) == ["1404/10/18", "2026-01-09", "1404/10/19"]
    # where both calendars are filled, the second is kept beside the first, not dropped
    extra = frame.set_index("given_name")["extra"]
    assert "2026-01-09" in str(extra["Sara"]) and "tarikh_miladi" in str(extra["Sara"])
    assert "tarikh_miladi" not in str(extra["Reza"] or "")
