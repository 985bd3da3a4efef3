"""Human output never breaks a value people copy across lines (issue 16 item 4): age1…
recipients, paths and ids stay whole at 80 columns, through the installed script; and
the Persian intake form ends in Persian (issue 16 item 5). SYNTHETIC data only."""

from __future__ import annotations

import json
import re
from pathlib import Path

from cli_helpers import run_roshan

PASS = "SYNTHETIC no-wrap passphrase"


def _keys(tmp_path: Path) -> tuple[Path, str]:
    pf = tmp_path / "p.txt"
    pf.write_text(PASS + "\n", encoding="utf-8")
    res = run_roshan("keys", "init", tmp_path / "keys", "--passphrase-file", pf)
    assert res.returncode == 0, res.stderr
    return tmp_path / "keys", res.stderr


def _recipient(keys: Path) -> str:
    return next(
        ln.strip()
        for ln in (keys / "recipient.txt").read_text().splitlines()
        if ln.startswith("age1")
    )


def test_recipient_and_paths_on_one_line_at_80_columns(tmp_path: Path) -> None:
    deep = tmp_path / ("SYNTHETIC-a-rather-long-folder-name-" * 3) / "workspace"
    keys, err = _keys(tmp_path)
    recipient = _recipient(keys)
    assert recipient.startswith("age1") and len(recipient) > 60
    assert any(recipient in line for line in err.splitlines()), err
    res = run_roshan("init", deep)
    assert res.returncode == 0, res.stderr
    assert any(str(deep) in line for line in res.stderr.splitlines()), res.stderr
    res = run_roshan("status", deep)
    assert any(str(deep) in line for line in res.stderr.splitlines()), res.stderr
    lst = deep.parent / "SYNTHETIC-list-with-a-long-name-that-would-wrap-somewhere.csv"
    lst.write_text("full_name\nSYNTHETIC A\n", encoding="utf-8")
    res = run_roshan("ingest", deep, lst, "--source", "SYNTHETIC S")
    assert res.returncode == 0, res.stderr
    assert any(lst.name in line and "accepted" in line for line in res.stderr.splitlines())
    res = run_roshan("backup", deep, deep.parent / "SYNTHETIC.roshan.age", "-r", recipient)
    assert res.returncode == 0, res.stderr
    assert any(
        str(deep.parent / "SYNTHETIC.roshan.age") in line for line in res.stderr.splitlines()
    ), res.stderr


def test_persian_form_ends_in_persian(tmp_path: Path) -> None:
    keys, _ = _keys(tmp_path)
    answers = "\n".join(["SYNTHETIC نام", *[""] * 12, "", "", "", "", ""]) + "\n"
    res = run_roshan(
        "intake", "new", "--to", keys, "--outbox", tmp_path / "out", "--lang", "fa", input=answers
    )
    assert res.returncode == 0, res.stderr
    last = [ln for ln in res.stderr.splitlines() if ln.strip()][-1]
    assert "ذخیره شد" in last, last
    assert not re.search(r"report saved|cannot read", last), last
    res = run_roshan(
        "intake",
        "new",
        "--to",
        keys,
        "--outbox",
        tmp_path / "out2",
        "--lang",
        "en",
        "--json",
        input=answers,
    )
    assert res.returncode == 0 and json.loads(res.stdout)["report_id"]
