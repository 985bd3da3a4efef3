"""A generic model spec for English-style person data (e.g. the FEBRL benchmarks).

The point is not FEBRL itself but to check that roshan's training, prediction
and clustering machinery (seeded u sampling, EM over several blocking passes,
capped blocking, constrained clustering) reaches published-quality accuracy on a
labelled benchmark. The adapter :func:`febrl_frame` maps FEBRL's columns to a
flat frame with ``unique_id``; :func:`febrl_spec` is the matching settings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd
import splink.comparison_level_library as cll
import splink.comparison_library as cl

from roshan.link.blocking import BlockingPass
from roshan.link.settings import ModelSpec

if TYPE_CHECKING:
    from roshan.link.splink_adapter import ComparisonLevelCreator

FEBRL_COLUMNS = (
    "given_name",
    "surname",
    "street_number",
    "address_1",
    "address_2",
    "suburb",
    "postcode",
    "state",
    "date_of_birth",
    "soc_sec_id",
)


def febrl_frame(df: pd.DataFrame, *, start_id: int = 1) -> pd.DataFrame:
    """FEBRL records (indexed by rec_id) → Splink input with integer ``unique_id``.

    Keeps ``rec_id`` so results can be compared with FEBRL's true links.
    """
    out = pd.DataFrame({"unique_id": range(start_id, start_id + len(df))})
    out["rec_id"] = df.index.astype(str).values
    for c in FEBRL_COLUMNS:
        s = df[c].astype(object).where(df[c].notna(), None)
        s = s.map(lambda v: None if v is None or not str(v).strip() else str(v).strip().lower())
        out[c] = s.values
    out["source"] = "febrl"
    out["dob_year"] = out["date_of_birth"].map(lambda v: v[:4] if v else None)
    out["surname_initial"] = out["surname"].map(lambda v: v[:1] if v else None)
    return out


def _jw(col: str, strong: float = 0.92, weak: float = 0.8, tf: bool = True) -> cl.CustomComparison:
    return cl.CustomComparison(
        [
            cll.NullLevel(col),
            cll.ExactMatchLevel(col, term_frequency_adjustments=tf),
            cll.JaroWinklerLevel(col, strong),
            cll.JaroWinklerLevel(col, weak),
            cll.ElseLevel(),
        ],
        output_column_name=col,
    )


def _lev(col: str, distances: tuple[int, ...] = (1, 2)) -> cl.CustomComparison:
    levels: list[ComparisonLevelCreator | dict[str, Any]] = [
        cll.NullLevel(col),
        cll.ExactMatchLevel(col),
    ]
    levels += [cll.LevenshteinLevel(col, d) for d in distances]
    levels.append(cll.ElseLevel())
    return cl.CustomComparison(levels, output_column_name=col)


def febrl_spec(threshold: float = 0.9) -> ModelSpec:
    """Comparisons and blocking for FEBRL-style data."""
    return ModelSpec(
        name="febrl",
        comparisons=[
            _jw("given_name"),
            _jw("surname"),
            _lev("date_of_birth"),
            _lev("soc_sec_id"),
            cl.CustomComparison(
                [
                    cll.NullLevel("street_number"),
                    cll.ExactMatchLevel("street_number"),
                    cll.ElseLevel(),
                ],
                output_column_name="street_number",
            ),
            _jw("address_1", 0.9, 0.7, tf=False),
            _jw("suburb", 0.9, 0.8),
            _lev("postcode", (1,)),
            cl.CustomComparison(
                [cll.NullLevel("state"), cll.ExactMatchLevel("state"), cll.ElseLevel()],
                output_column_name="state",
            ),
        ],
        passes=[
            BlockingPass("names", ("given_name", "surname"), ()),
            BlockingPass("dob", ("date_of_birth",), ()),
            BlockingPass("ssn", ("soc_sec_id",), ()),
            BlockingPass("post_street", ("postcode", "street_number"), ()),
            BlockingPass("surname_suburb", ("surname", "suburb"), ()),
            BlockingPass("given_year", ("given_name", "dob_year"), ()),
        ],
        em_rules=[
            "l.date_of_birth = r.date_of_birth",
            "l.surname = r.surname AND l.given_name = r.given_name",
            "l.postcode = r.postcode AND l.street_number = r.street_number",
        ],
        deterministic_rules=[
            "l.soc_sec_id = r.soc_sec_id AND l.date_of_birth = r.date_of_birth",
            "l.given_name = r.given_name AND l.surname = r.surname "
            "AND l.date_of_birth = r.date_of_birth",
        ],
        deterministic_recall=0.7,
        threshold=threshold,
        disagreement={},
    )
