"""The terminal form (scripted answers) and the --from-json input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from roshan.errors import IntakeError
from roshan.intake.form import QUESTIONS, answers_from_json, run_form


def test_persian_form_collects_answers() -> None:
    answers = iter(
        ["SYNTHETIC نام", "", "مرد", "۲۳"]
        + [""] * (len(QUESTIONS) - 4)
        + ["SYNTHETIC شرح", "", "a.jpg; b.png", "بله"]
    )
    asked: list[str] = []

    def ask(q: str) -> str:
        asked.append(q)
        return next(answers)

    said: list[str] = []
    ans = run_form("fa", ask=ask, say=said.append)
    assert ans.victim == {"full_name": "SYNTHETIC نام", "sex": "مرد", "age": "۲۳"}
    assert ans.circumstances == "SYNTHETIC شرح" and ans.witness_contact is None
    assert [p.name for p in ans.attachments] == ["a.jpg", "b.png"]
    assert ans.keep_metadata is True and ans.language == "fa"
    assert asked[0].startswith("نام") and "روشن" in said[0]


def test_english_form_defaults_to_stripping_metadata() -> None:
    ans = run_form("en", ask=lambda q: "", say=lambda s: None)
    assert ans.victim == {} and ans.keep_metadata is False and not ans.attachments
    with pytest.raises(IntakeError):
        run_form("de", ask=lambda q: "", say=lambda s: None)


def test_from_json(tmp_path: Path) -> None:
    p = tmp_path / "r.json"
    p.write_text(
        json.dumps(
            {
                "victim": {"full_name": "SYNTHETIC"},
                "attachments": ["x.jpg"],
                "witness_contact": "SYNTHETIC",
            }
        )
    )
    ans = answers_from_json(p)
    assert ans.attachments == [tmp_path / "x.jpg"] and ans.witness_contact == "SYNTHETIC"
    p.write_text(json.dumps({"victim": {}, "password": "x"}))
    with pytest.raises(IntakeError, match="unknown keys"):
        answers_from_json(p)
    p.write_text("{not json")
    with pytest.raises(IntakeError, match="cannot read"):
        answers_from_json(p)
