"""``roshan ingest --place``: where a whole list comes from (a morgue's or a hospital's
city), through the installed console script. A morgue register gives no place per row;
without one, its records could only be linked on names, dates and ages (SYNTHETIC)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from cli_helpers import one_error_line, run_roshan


def _morgue(tmp_path: Path, rows: str = "") -> Path:
    f = tmp_path / "morgue-SYNTHETIC.csv"
    f.write_text(
        "نام,نام خانوادگی,تاریخ فوت,شهر\n"
        "علی,رضایی,1404/10/18,\n"
        "حسین,محمدی,1404/10/19,Karaj\n" + rows,
        encoding="utf-8",
    )
    return f


def test_an_unknown_place_is_one_error_line_and_nothing_is_stored(
    roshan_ws: Path, tmp_path: Path
) -> None:
    f = _morgue(tmp_path, "رضا,کریمی,1404/10/20,\n")
    line = one_error_line(
        run_roshan("ingest", roshan_ws, f, "--source", "M", "--place", "Atlantis")
    )
    assert "--place" in line and "Atlantis" in line and "not a place roshan knows" in line
    res = run_roshan("ingest", roshan_ws, f, "--source", "M", "--json")  # nothing was stored
    assert res.returncode == 0 and '"already_imported": false' in res.stdout, res.stdout


def test_the_list_place_fills_records_that_name_none(roshan_ws: Path, tmp_path: Path) -> None:
    res = run_roshan("ingest", roshan_ws, _morgue(tmp_path), "--source", "M2", "--place", "تهران")
    assert res.returncode == 0, res.stderr
    res = run_roshan("normalize", "workspace", roshan_ws)
    assert res.returncode == 0, res.stderr
    out = pd.read_parquet(roshan_ws / "snapshots" / "normalized.parquet")
    mine = out[out["row_number"] <= 2].sort_values("record_pk")
    mine = mine[mine["source"] == "M2"]
    assert list(mine["city"]) == ["Tehran", "Karaj"]  # a record's own place wins
    assert mine["place_confidence"].iloc[0] == 0.5 and mine["place_confidence"].iloc[1] > 0.5


def test_a_mapping_file_can_give_the_list_place(tmp_path: Path) -> None:
    from roshan.ingest.mapping import MappingError, load_mapping

    m = tmp_path / "m.toml"
    m.write_text('[options]\nplace = "Kahrizak, Tehran"\n', encoding="utf-8")
    assert load_mapping(m).options["place"] == "Kahrizak, Tehran"
    m.write_text('[options]\nplaces = "Tehran"\n', encoding="utf-8")
    try:
        load_mapping(m)
    except MappingError as e:
        assert "unknown option(s) places" in str(e)
    else:
        raise AssertionError("an unknown option was accepted")
