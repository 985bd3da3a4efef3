"""Ingest row checks: errors reject, warnings describe, messages never echo values."""

from __future__ import annotations

from roshan.normalize.validate import FieldIssue, check_fields


def _fields(issues: list[FieldIssue], severity: str) -> set[str]:
    return {i.field for i in issues if i.severity == severity}


def test_no_name_is_an_error() -> None:
    assert _fields(check_fields({"full_name": "  ", "given_name": None}), "error") == {"full_name"}
    assert _fields(check_fields({"full_name": "۱۲۳"}), "error") == {"full_name"}
    assert check_fields({"family_name": "حسینی"}) == []


def test_clean_row_has_no_issues() -> None:
    row = {
        "full_name": "علی حسینی",
        "date_of_death": "۱۸ دی ۱۴۰۴",
        "age": "۲۳",
        "sex": "مرد",
        "city": "لردگان",
        "province": "چهارمحال و بختیاری",
        "body_withheld": "بله",
        "cause_category": "live_ammunition",
    }
    assert check_fields(row) == []


def test_warnings() -> None:
    row = {
        "full_name": "Zahra Karimi",
        "date_of_death": "not a date",
        "age": "150",
        "sex": "xyz",
        "city": "Nowhere-ville",
        "date_of_birth": "08/01/2026",
        "body_withheld": "perhaps",
        "cause_category": "meteor",
    }
    issues = check_fields(row)
    assert _fields(issues, "error") == set()
    assert _fields(issues, "warning") == {
        "date_of_death",
        "age",
        "sex",
        "city",
        "date_of_birth",
        "body_withheld",
        "cause_category",
    }
    for i in issues:
        for value in row.values():
            assert value not in i.message
        assert "Zahra" not in i.message and "Karimi" not in i.message


def test_birth_after_death_and_future_death() -> None:
    issues = check_fields(
        {"full_name": "x y", "date_of_death": "2026-01-08", "date_of_birth": "2026-02-01"}
    )
    assert any(i.field == "date_of_birth" and "after death" in i.message for i in issues)
    issues = check_fields({"full_name": "x y", "date_of_death": "2099-01-01"})
    assert any(i.field == "date_of_death" for i in issues)
