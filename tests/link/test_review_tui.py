"""Terminal review: bidi display order, side-by-side rendering, the interactive loop."""
# ruff: noqa: F811 - fixtures imported from test_review_fixtures are redefined as arguments

from __future__ import annotations

import io
import json

import pytest
import typer
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console
from test_review_fixtures import (  # noqa: F401 - fixtures
    record_pks,
    review_template,
    rws,
    set_fields,
    write_clusters,
    write_pairs,
)
from typer.testing import CliRunner

from roshan.link import review as rv
from roshan.link.review.tui import (
    base_direction,
    compare_values,
    display_order,
    embedding_levels,
    key_to_action,
    render_pair,
    run_interactive,
)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Mohammad Rezaei", "Mohammad Rezaei"),  # pure LTR unchanged
        ("علی", "یلع"),  # RTL word reversed
        ("علی رضایی", "ییاضر یلع"),  # words in RTL order too
        ("Ali علی رضایی", "Ali ییاضر یلع"),  # RTL run inside LTR
        ("علی رضایی 23", "23 ییاضر یلع"),  # number keeps its order
        ("تهران (مرکز)", "(زکرم) نارهت"),  # brackets mirrored
        ("۱۸ دی ۱۴۰۴", "۱۴۰۴ ید ۱۸"),  # Persian digits stay LTR
        ("محمد 1404/10/18", "1404/10/18 دمحم"),  # a date is one number
        ("ID 12 علی", "ID 12 یلع"),
        ("", ""),
    ],
)
def test_display_order(text, expected) -> None:
    assert display_order(text) == expected


def test_levels_and_base_direction() -> None:
    assert base_direction("  علی Ali") == "rtl"
    assert base_direction("123 Ali علی") == "ltr"
    assert embedding_levels("ab علی") == [0, 0, 0, 1, 1, 1]
    assert embedding_levels("علی 12") == [1, 1, 1, 1, 2, 2]
    # Forcing an LTR base puts a Persian word at level 1 inside level-0 text
    assert display_order("علی", base="ltr") == "یلع"


def test_zwnj_kept_between_the_same_letters() -> None:
    # «محمدرضا» written with a zero-width non-joiner stays joined in the same place.
    word = "محمد\u200cرضا"
    shown = display_order(word)
    assert shown == "اضر\u200cدمحم"
    assert sorted(shown) == sorted(word)


@given(st.text(alphabet=st.sampled_from(list("abc XYZ12()-/،ابپتثجچ۱۲۳ ")), max_size=30))
def test_display_order_is_a_permutation_up_to_mirroring(text) -> None:
    shown = display_order(text)
    same_bracket = str.maketrans(")", "(")
    assert len(shown) == len(text)
    assert sorted(shown.translate(same_bracket)) == sorted(text.translate(same_bracket))
    # applying to LTR-only text changes nothing
    if not any("\u0600" <= c <= "\u06ff" for c in text):
        assert shown == text
    # Persian letters with inner spaces only: the display is exactly the reverse
    if text.strip() == text and text and set(text) <= set("ابپتثجچ "):
        assert shown == text[::-1]


def test_compare_values() -> None:
    assert compare_values("علی", "علی") == "same"
    assert compare_values("علي", "علی") == "similar"  # Arabic yeh vs Persian yeh
    assert compare_values("۲۳", "23") == "similar"
    assert compare_values("Mohammad-Reza", "mohammad reza") == "similar"
    assert compare_values("23", None) == "missing"
    assert compare_values("Hossein", "Hassan") == "differs"
    assert compare_values(None, "") == "same"


def _render(table) -> str:
    buf = io.StringIO()
    Console(file=buf, width=160, color_system=None).print(table)
    return buf.getvalue()


def test_render_pair_side_by_side_with_markers() -> None:
    a = {
        "record_pk": 1,
        "source": "SYNTHETIC-NGO-A",
        "full_name": "علی رضایی",
        "age": "23",
        "sex": "male",
        "witness": "SECRET-WITNESS",
    }
    b = {
        "record_pk": 2,
        "source": "SYNTHETIC-MEDIA-B",
        "full_name": "علي رضايي",
        "age": "31",
        "sex": None,
    }
    text = _render(render_pair({"kind": "uncertain_pair", "match_probability": 0.512}, a, b))
    assert "0.512" in text and "record 1" in text and "record 2" in text
    assert "ییاضر یلع" in text  # Persian drawn in reading order
    assert "علی رضایی" not in text  # ... and not backwards
    lines = {ln.split("│")[1].strip(): ln for ln in text.splitlines() if ln.count("│") >= 4}
    assert "≈" in lines["full_name"] and "≠" in lines["age"] and "·" in lines["sex"]
    assert "SECRET-WITNESS" not in text  # sensitive fields are never shown
    raw = _render(
        render_pair({"kind": "uncertain_pair", "match_probability": 0.5}, a, b, bidi=False)
    )
    assert "علی رضایی" in raw


@pytest.mark.parametrize(
    "key,action",
    [
        ("m", "match"),
        ("n", "non_match"),
        ("u", "unsure"),
        ("s", "skip"),
        ("", "skip"),
        ("q", "quit"),
        (None, "quit"),
        ("y", "match"),
        ("?", "unsure"),
        ("بله", "match"),
        ("zzz", None),
    ],
)
def test_key_to_action(key, action) -> None:
    assert key_to_action(key) == action


def _pairs(rws):
    p = record_pks(rws)
    write_pairs(
        rws,
        [
            (p[0], p[1], 0.5),
            (p[2], p[3], 0.45),
            (p[4], p[5], 0.6),
            (p[6], p[7], 0.4),
            (p[8], p[9], 0.3),
        ],
    )
    return p


def _app() -> typer.Typer:
    from roshan.cli.review import register

    app = typer.Typer()
    register(app)

    @app.callback()
    def _root() -> None:
        """test root."""

    return app


def test_interactive_loop_through_cli_stdin(rws, monkeypatch) -> None:
    p = _pairs(rws)
    monkeypatch.setenv("ROSHAN_ACTOR", "tui-reviewer")
    # m, then an unknown key (re-asked) then n, then u, then s(kip), then q(uit)
    res = CliRunner().invoke(
        _app(), ["review", str(rws.root), "--json"], input="m\nwhat\nn\nu\ns\nq\n"
    )
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)
    assert summary["decided"] == {"match": 1, "non_match": 1, "unsure": 1}
    assert summary["skipped"] == 1 and summary["quit_early"] is True
    assert "[m] match" in res.stderr and "[q] quit" in res.stderr  # keys shown literally
    got = rv.decisions_frame(rws)
    assert dict(zip(zip(got.record_a, got.record_b, strict=False), got.decision, strict=False)) == {
        (p[0], p[1]): "match",
        (p[2], p[3]): "non_match",
        (p[4], p[5]): "unsure",
    }
    assert set(got["reviewer"]) == {"tui-reviewer"}
    # The next session starts with what is still undecided.
    res2 = CliRunner().invoke(
        _app(), ["review", str(rws.root), "--json", "--reviewer", "r2"], input="n\n"
    )
    assert json.loads(res2.stdout)["decided"]["non_match"] == 1
    assert rv.get_decision(rws, p[6], p[7]).decision == "non_match"


def test_interactive_eof_quits_cleanly(rws) -> None:
    _pairs(rws)
    res = CliRunner().invoke(_app(), ["review", str(rws.root), "--json"], input="m\n")
    assert res.exit_code == 0
    assert json.loads(res.stdout)["decided"]["match"] == 1
    assert len(rv.decisions_frame(rws)) == 1


def test_interactive_nothing_to_review(rws) -> None:
    write_pairs(rws, [])
    res = CliRunner().invoke(_app(), ["review", str(rws.root)], input="")
    assert res.exit_code == 0 and "nothing to review" in res.output


def test_interactive_conflict_reported_not_overwritten(rws) -> None:
    p = _pairs(rws)
    items = rv.review_queue(rws, limit=1, cluster_limit=0)
    buf = io.StringIO()
    console = Console(file=buf, width=120, color_system=None)

    def sneaky_key(prompt, con):
        # someone else decides the same pair while this reviewer is looking at it
        rv.record_decision(rws, p[0], p[1], "non_match", "other")
        return "m"

    summary = run_interactive(rws, items, reviewer="me", console=console, read_key=sneaky_key)
    assert summary.conflicts == 1 and summary.decided["match"] == 0
    assert rv.get_decision(rws, p[0], p[1]).decision == "non_match"
    assert "not saved" in buf.getvalue()


def test_interactive_shows_suspicious_cluster_title(rws) -> None:
    p = record_pks(rws)
    for pk in p[:2]:
        set_fields(rws, pk, sex="male", date_of_death=None)
    set_fields(rws, p[1], sex="female")
    write_pairs(rws, [(p[0], p[1], 0.99)])
    write_clusters(rws, {"V-9": p[:2]})
    items = rv.review_queue(rws, limit=0, cluster_limit=5)
    buf = io.StringIO()
    summary = run_interactive(
        rws,
        items,
        reviewer="me",
        console=Console(file=buf, width=160, color_system=None),
        read_key=lambda prompt, con: "n",
    )
    assert "suspicious cluster" in buf.getvalue() and "conflicting_sex" in buf.getvalue()
    assert summary.decided["non_match"] == 1
    assert rv.load_constraints(rws)[1] == [(p[0], p[1])]
