"""Every warning the estimators can write has a Persian version (roshan.estimate.notes)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from roshan.estimate.notes import is_localized, localize_warning

SRC = Path(__file__).resolve().parents[2] / "src" / "roshan"
# modules whose warnings reach an estimate result (the report and `roshan estimate` show them)
MODULES = [*sorted((SRC / "estimate").glob("*.py")), SRC / "link" / "uncertainty" / "graph.py"]


def _render(node: ast.AST) -> str | None:
    """The text a warning expression gives, with "7" for every interpolated value."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(str(v.value) if isinstance(v, ast.Constant) else "7" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _render(node.left), _render(node.right)
        return None if left is None and right is None else (left or "7") + (right or "7")
    return None


def _warning_texts() -> list[tuple[str, int, str]]:
    out = []
    for path in MODULES:
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            target = ast.unparse(node.func.value)
            if node.func.attr == "append" and ("warnings" in target or target in ("failed", "out")):
                arg = node.args[0] if node.args else None
            elif node.func.attr == "insert" and "warnings" in target and len(node.args) == 2:
                arg = node.args[1]
            else:
                continue
            text = _render(arg) if arg is not None else None
            if text is not None and len(text) > 20:
                out.append((path.name, node.lineno, text))
    return out


TEXTS = _warning_texts()


def test_the_scan_finds_the_estimators_warnings() -> None:
    names = {name for name, _, _ in TEXTS}
    assert {"lcmcr.py", "loglinear.py", "dga.py", "strata.py", "linkage.py"} <= names
    assert len(TEXTS) >= 30


@pytest.mark.parametrize(("module", "line", "text"), TEXTS, ids=[f"{m}:{n}" for m, n, _ in TEXTS])
def test_every_estimator_warning_has_a_persian_template(module: str, line: int, text: str) -> None:
    assert is_localized(text, "fa"), f"{module}:{line} has no Persian template: {text!r}"
    fa = localize_warning(text, "fa")
    assert fa != text
    assert not any(c.isascii() and c.isdigit() for c in fa.replace("R-hat", "")), fa


def test_values_words_and_digits_carry_over() -> None:
    en = (
        "the linked list counts 2,569 people, 23% more than the plausible matchings "
        "(2,050–2,101): many pairs sit near the threshold and the number of documented "
        "people is itself uncertain; review the pairs near the threshold (roshan review)"
    )
    fa = localize_warning(en, "fa")
    assert "۲,۵۶۹" in fa and "۲۳٪" in fa and "بیشتر" in fa and "(۲,۰۵۰–۲,۱۰۱)" in fa
    assert "roshan review" in fa
    assert localize_warning(en, "en") == en


def test_a_warning_without_a_template_stays_in_english() -> None:
    text = "a warning no template knows, 12 people"
    assert localize_warning(text, "fa") == text
    assert not is_localized(text, "fa")
    assert is_localized(text, "en")


def test_template_numbers_become_persian_but_option_names_do_not() -> None:
    fa = localize_warning(
        "NOT FINAL: the 4 chains disagree (R-hat 1.31), so they have not all found the same "
        "part of the posterior (it may have several modes); do not quote this number or "
        "interval. Run more iterations (--burnin, --samples, --thin) or more --chains until "
        "R-hat is at most 1.05",
        "fa",
    )
    assert "۱.۰۵" in fa and "۱.۳۱" in fa and "--chains" in fa and fa.startswith("نهایی نیست")


def test_the_reasons_a_stratum_is_not_estimable_have_persian_templates() -> None:
    """Shown beside the stratum in the report (strata.stratum_problem, fit_strata)."""
    import pandas as pd

    from roshan.estimate.strata import MIN_LISTS, stratum_problem

    two_lists = pd.DataFrame({"A": [1, 0], "B": [0, 1], "C": [0, 0], "count": [3, 4]})
    no_overlap = pd.DataFrame({"A": [1, 0, 0], "B": [0, 1, 0], "C": [0, 0, 1], "count": [3, 4, 5]})
    reasons = [
        stratum_problem(two_lists, ["A", "B", "C"])[1],
        stratum_problem(no_overlap, ["A", "B", "C"])[1],
        "the method gave no estimate",
    ]
    for reason in reasons:
        assert reason is not None and is_localized(reason, "fa"), reason
    assert MIN_LISTS == 3
    assert localize_warning(reasons[0], "fa") == (
        "تنها ۲ فهرست در اینجا رکورد دارند؛ دست‌کم ۳ فهرست لازم است"
    )
