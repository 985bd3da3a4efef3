"""Fuzzing what the lead's parser fuzzing does not reach: ages, places, sex, causes,
and review batch files filled in by hand.

Field parsers must never raise on any text (they return "not recognised"), and what
they return must be sane (an age range inside 0..120, a confidence in 0..1, sex m/f
or none). A review batch edited in a spreadsheet — any decision word, any record id,
any version, formulas, Persian text, cut rows — is either imported or refused with a
RoshanError, never a traceback, and no decision ever names a record that does not
exist. SYNTHETIC data only.
"""

from __future__ import annotations

import csv

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roshan.errors import RoshanError

FUZZ = settings(
    max_examples=300,
    deadline=5000,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
persian = st.sampled_from(
    [
        "۱۸",
        "٢٥",
        "حدود ۳۰",
        "۲۰ ساله",
        "نوزاد",
        "۳ ماه",
        "سی",
        "تهران",
        "شهرری",
        "مرد",
        "زن",
        "گلوله",
        "ساچمه",
        "بله",
        "خیر",
        "؟",
        "ك",
        "ي",
        "\u200c",
        "\u200f",
        "=1+2",
        "-",
        "1404/10/18",
        "25-30",
        "30s",
        "~40",
    ]
)
text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
hostile = st.one_of(text, persian, st.lists(persian | text, max_size=4).map(" ".join))


@FUZZ
@given(value=st.one_of(st.none(), hostile))
def test_ages_never_raise_and_stay_in_range(value) -> None:
    from roshan.normalize.ages import MAX_AGE, parse_age

    r = parse_age(value)
    if r.ok:
        assert r.min is not None and r.max is not None
        assert 0 <= r.min <= r.max <= MAX_AGE
    else:
        assert r.min is None or r.impossible or r.min >= 0


@FUZZ
@given(
    value=st.one_of(st.none(), hostile),
    county=st.one_of(st.none(), hostile),
    province=st.one_of(st.none(), hostile),
)
def test_places_never_raise(value, county, province) -> None:
    from roshan.normalize.places import normalize_place, province_of, resolve_place

    r = normalize_place(value)
    assert 0.0 <= r.confidence <= 1.0
    assert r.province_code is None or isinstance(r.province_code, str)
    r2 = resolve_place(city=value, county=county, province=province)
    assert 0.0 <= r2.confidence <= 1.0
    p = province_of(province)
    assert p is None or getattr(p, "code", None)


@FUZZ
@given(value=st.one_of(st.none(), hostile), free=st.one_of(st.none(), hostile))
def test_sex_and_causes_never_raise(value, free) -> None:
    from roshan.normalize.causes import cause_category, yes_no
    from roshan.normalize.sex import parse_sex

    assert parse_sex(value).value in ("m", "f", None)
    assert isinstance(cause_category(value, free), str)
    assert yes_no(value) in (True, False, None)


@pytest.fixture(scope="module")
def review_ws(tmp_path_factory: pytest.TempPathFactory):
    import logging

    from crash_helpers import scenario_ws

    from roshan.link.pipeline import link_workspace

    logging.getLogger("splink").setLevel(logging.ERROR)
    d = tmp_path_factory.mktemp("review-fuzz")
    ws = scenario_ws(d, population=400)
    link_workspace(ws)
    yield ws, d
    ws.close()


cell = st.one_of(
    st.just(""),
    hostile,
    st.sampled_from(
        [
            "match",
            "non_match",
            "unsure",
            "y",
            "n",
            "?",
            "MATCH ",
            "بله",
            "خیر",
            "نامطمئن",
            "maybe",
            "0",
            "-1",
            "999999999",
            "1e9",
            "NaN",
            '=HYPERLINK("x")',
            "2.5",
        ]
    ),
)


@settings(
    max_examples=60,
    deadline=20000,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    edits=st.lists(
        st.tuples(
            st.integers(0, 40),
            st.sampled_from(
                [
                    "decision",
                    "record_a",
                    "record_b",
                    "version",
                    "workspace_id",
                    "batch_id",
                    "note",
                    "reviewer",
                ]
            ),
            cell,
        ),
        max_size=8,
    ),
    drop_rows=st.integers(0, 3),
    drop_column=st.one_of(st.none(), st.sampled_from(["decision", "record_a", "version", "note"])),
)
def test_hand_edited_review_batches(review_ws, edits, drop_rows, drop_column) -> None:
    from sqlalchemy import select

    from roshan.link.review.io import export_batch, import_batch
    from roshan.store.models import Record, ReviewDecision

    ws, d = review_ws
    path = d / "batch.csv"
    export_batch(ws, path, limit=20, cluster_limit=5)
    with path.open(newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert len(rows) >= 2, "the export must carry pairs for this test to mean anything"
    header, body = rows[0], rows[1:]
    for i, col, value in edits:
        if body and col in header:
            body[i % len(body)][header.index(col)] = value
    body = body[drop_rows:]
    if drop_column in header:
        k = header.index(drop_column)
        header = header[:k] + header[k + 1 :]
        body = [r[:k] + r[k + 1 :] for r in body]
    edited = d / "edited.csv"
    with edited.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([header, *body])
    try:
        import_batch(ws, edited, reviewer="SYNTHETIC reviewer")
    except RoshanError:
        pass
    with ws.engine.connect() as conn:
        known = {r for (r,) in conn.execute(select(Record.id))}
        for a, b, decision in conn.execute(
            select(ReviewDecision.record_a, ReviewDecision.record_b, ReviewDecision.decision)
        ):
            assert a in known and b in known and decision in ("match", "non_match", "unsure")
