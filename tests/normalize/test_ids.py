"""National ID numbers (کد ملی) as registers write them (roshan.normalize.ids)."""

from __future__ import annotations

import pytest

from roshan.normalize.ids import check_digit_ok, national_id


def _with_check_digit(nine: str) -> str:
    r = sum(int(d) * (10 - i) for i, d in enumerate(nine)) % 11
    return nine + str(r if r < 2 else 11 - r)


@pytest.mark.parametrize(
    ("cell", "digits"),
    [
        ("0499370899", "0499370899"),
        ("۰۴۹۹۳۷۰۸۹۹", "0499370899"),  # Persian digits
        ("٠٤٩٩٣٧٠٨٩٩", "0499370899"),  # Arabic-Indic digits
        ("049-937089-9", "0499370899"),  # written with dashes
        ("049 937 0899", "0499370899"),
        ("499370899", "0499370899"),  # a spreadsheet dropped the leading zero
        (499370899.0, "0499370899"),  # ... and read it as a number
        ("499370899.0", "0499370899"),
        ("12345678", "0012345678"),  # two zeros lost
    ],
)
def test_cells_read_as_national_ids(cell: object, digits: str) -> None:
    got = national_id(cell)
    assert got is not None and got.digits == digits


@pytest.mark.parametrize(
    "cell",
    [None, "", "نامشخص", "unknown", "1234567", "12345678901", "0000000000", "۱۱۱۱۱۱۱۱۱۱", 12.5],
)
def test_cells_that_are_no_national_id(cell: object) -> None:
    assert national_id(cell) is None


def test_check_digit() -> None:
    for nine in ("049937089", "001234567", "123456789", "987654321", "300000000"):
        good = _with_check_digit(nine)
        assert check_digit_ok(good), good
        bad = good[:9] + str((int(good[9]) + 1) % 10)
        assert not check_digit_ok(bad), bad
    assert national_id("0499370899").valid  # type: ignore[union-attr]
    # a typo is kept, flagged: linkage still compares it digit by digit
    typo = national_id("0499370898")
    assert typo is not None and not typo.valid
    assert not check_digit_ok("049937089")  # nine digits


def test_the_snapshot_carries_the_id_and_the_burial_day() -> None:
    import pandas as pd

    from roshan.normalize import normalize_frame

    df = pd.DataFrame(
        {
            "record_pk": [1, 2, 3],
            "source": ["SYNTHETIC-A"] * 3,
            "full_name": ["علی رضایی", "حسین احمدی", "مریم کریمی"],
            "national_id": ["۰۴۹۹۳۷۰۸۹۹", "", "0000000000"],
            "date_of_death": [None, "1404/10/18", None],
            "date_of_burial": ["1404/10/20", "1404/10/19", "دی ۱۴۰۴"],
        }
    )
    out = normalize_frame(df)
    assert out["national_id"].tolist() == ["0499370899", None, None]
    assert out["national_id_valid"].tolist()[0] is True
    assert pd.isna(out["national_id_valid"].iloc[1])
    assert str(out["burial"].iloc[0]) == "2026-01-10"  # 20 Dey 1404
    assert str(out["burial"].iloc[1]) == "2026-01-09"
    assert pd.isna(out["burial"].iloc[2])  # a month only: no burial day


def test_cli_reads_a_cemetery_register_with_ids_and_burials(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Through the installed script: a Windows-1256 cemetery register (SYNTHETIC) with
    «کد ملي» and «تاريخ دفن» headers; the IDs and burial days reach the snapshot and the
    normalisation summary counts them, failing check digits included."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    roshan = str(Path(sys.executable).parent / "roshan")
    csv = tmp_path / "cemetery-SYNTHETIC.csv"
    rows = [
        "رديف,نام و نام خانوادگي متوفي,نام پدر,سن,تاريخ فوت,تاريخ دفن,آرامستان,کد ملي",
        "1,مرحوم علي رضايي,حسن,23,,1404/10/20,بهشت زهرا,0499370899",
        "2,مرحوم حسين احمدي,علي,31,1404/10/18,1404/10/19,بهشت زهرا,049-937089-8",
        "3,مرحومه مريم کريمي,رضا,,,,بهشت زهرا,",
    ]
    csv.write_bytes(("\r\n".join(rows) + "\r\n").encode("cp1256"))
    ws = tmp_path / "ws"
    run = dict(capture_output=True, text=True, timeout=300)
    assert subprocess.run([roshan, "init", str(ws)], **run).returncode == 0  # type: ignore[call-overload]
    ing = subprocess.run(  # type: ignore[call-overload]
        [roshan, "ingest", str(ws), str(csv), "--source", "SYNTHETIC-C", "--kind", "cemetery"],
        **run,
    )
    assert ing.returncode == 0, ing.stderr
    out = subprocess.run(  # type: ignore[call-overload]
        [roshan, "normalize", "workspace", str(ws), "--json", "--samples", "0"], **run
    )
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout)["summary"]
    assert summary["with_national_id"] == pytest.approx(2 / 3)
    assert summary["national_id_check_digit_fails"] == pytest.approx(1 / 3)
    assert summary["burial_without_dod_day"] == pytest.approx(1 / 3)
    assert "0499370899" not in out.stdout + out.stderr + ing.stdout + ing.stderr
