"""Inputs a user can get wrong end in one ``error:`` line and exit 2, never a traceback
(issue 16, items 2 and 5), through the installed console script."""

from __future__ import annotations

from pathlib import Path

from cli_helpers import one_error_line, run_roshan


def test_deeply_nested_json_is_one_line(roshan_ws: Path, tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" + '{"a":' * 100_000 + "1" + "}" * 100_000 + "]", encoding="utf-8")
    line = one_error_line(run_roshan("ingest", roshan_ws, deep, "--source", "A"))
    assert "deep.json" in line and "nested too deeply" in line


def test_deeply_nested_json_lines_is_one_line(roshan_ws: Path, tmp_path: Path) -> None:
    deep = tmp_path / "deep.jsonl"
    deep.write_text(
        '{"full_name": "A B"}\n' + '{"a":' * 100_000 + "1" + "}" * 100_000 + "\n", encoding="utf-8"
    )
    line = one_error_line(run_roshan("ingest", roshan_ws, deep, "--source", "A"))
    assert "deep.jsonl, row 2" in line and "nested too deeply" in line


def test_nested_value_just_under_the_parser_limit(roshan_ws: Path, tmp_path: Path) -> None:
    """A value that json.loads still accepts must not blow up when it is kept as text."""
    for depth in (900, 995):
        p = tmp_path / f"d{depth}.json"
        p.write_text(
            '[{"full_name": "A B", "x": ' + "[" * depth + "]" * depth + "}]", encoding="utf-8"
        )
        res = run_roshan("ingest", roshan_ws, p, "--source", "A")
        assert "Traceback" not in res.stderr, res.stderr
        assert res.returncode in (0, 2), res.stderr


def test_utf16_declared_without_bom(roshan_ws: Path, tmp_path: Path) -> None:
    le = tmp_path / "le.csv"
    le.write_bytes("full_name,age\nعلی رضایی,20\n".encode("utf-16-le"))
    res = run_roshan("ingest", roshan_ws, le, "--source", "A", "--encoding", "utf-16", "--json")
    assert res.returncode == 0, res.stderr
    assert '"encoding": "utf-16-le"' in res.stdout and '"accepted": 1' in res.stdout
    # No BOM and no NUL pattern to tell the byte order by: refused with what to do.
    ascii8 = tmp_path / "u8.csv"
    ascii8.write_bytes(b"full_name,age\nAli Rezaei,20\n")
    line = one_error_line(
        run_roshan("ingest", roshan_ws, ascii8, "--source", "A", "--encoding", "utf-16")
    )
    assert "byte-order mark" in line and "utf-16-le" in line


def test_folder_given_as_the_file(roshan_ws: Path, tmp_path: Path) -> None:
    folder = tmp_path / "list.csv"
    folder.mkdir()
    line = one_error_line(run_roshan("ingest", roshan_ws, folder, "--source", "A"))
    assert "list.csv" in line and "folder" in line
    ok = tmp_path / "ok.csv"
    ok.write_text("full_name\nAli Rezaei\n", encoding="utf-8")
    line = one_error_line(run_roshan("ingest", roshan_ws, ok, "--source", "A", "--mapping", folder))
    assert "folder" in line


def test_brackets_in_a_message_are_printed(roshan_ws: Path, tmp_path: Path) -> None:
    """``[columns]`` in an error is text, not Rich markup to swallow."""
    ok = tmp_path / "ok.csv"
    ok.write_text("full_name\nAli Rezaei\n", encoding="utf-8")
    m = tmp_path / "m.toml"
    m.write_text("columns = 3\n", encoding="utf-8")
    line = one_error_line(run_roshan("ingest", roshan_ws, ok, "--source", "A", "--mapping", m))
    assert "[columns] and [options] must be tables" in line


def test_mapping_file_not_utf8(roshan_ws: Path, tmp_path: Path) -> None:
    ok = tmp_path / "ok.csv"
    ok.write_text("full_name\nAli Rezaei\n", encoding="utf-8")
    m = tmp_path / "m.toml"
    m.write_bytes('[columns]\n"\u0646\u0627\u0645" = "full_name"\n'.encode("windows-1256"))
    line = one_error_line(run_roshan("ingest", roshan_ws, ok, "--source", "A", "--mapping", m))
    assert "m.toml" in line and "UTF-8" in line
