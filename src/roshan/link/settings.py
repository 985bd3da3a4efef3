"""The linkage model for this domain: comparisons, blocking passes, training rules.

A :class:`ModelSpec` bundles everything Splink needs that is specific to a kind of
data; the same training / prediction / clustering machinery runs any spec.
:func:`roshan_spec` is the model for Iranian casualty lists (names in Persian and
Latin script, Jalali/Gregorian dates); :mod:`roshan.link.generic` builds specs for
plain English-style data such as FEBRL.

Design of the roshan model (docs/linkage.md explains each choice):

* Names are compared three ways, most specific first: the normalised text (same
  spelling, same script), the cross-script phonetic key (حسین = Hossein =
  Hosein), then the edit distance between romanisations relative to their length
  (typos, unusual spellings; Levenshtein rather than Jaro-Winkler so that DuckDB
  and Spark score every pair identically). For
  compound given names (Mohammad Reza / Reza) a token-overlap level on the parts'
  keys. Exact levels carry term-frequency adjustments, so agreeing on «Mohammadi»
  is worth far less than agreeing on a rare family name.
* Date of death: exact day, ±1 day (midnight, time-zone and Jalali conversion
  slips), ±3 days (reported at burial rather than death), then a level for
  "one side only knows the month and the months agree" (partial dates), then the
  same month; missing dates are the null level (no evidence either way).
* Age: ±1 year, ±3 years, overlapping ranges ("20-25" vs 23); place: city,
  county, province; sex.
* Every SQL expression is plain arithmetic or a Splink library level, so the
  same spec runs on DuckDB and on Spark.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator
from splink.blocking_rule_library import CustomRule

from roshan.link.blocking import BlockingPass, blocking_rule_sql
from roshan.link.sure import PairRule, Rules

DEFAULT_THRESHOLD = 0.8
MIN_NAME_AGREEMENT = 0.5
"""The least share of matches a model may expect to agree on the family name, and on
the given name (cross-script key). Healthy models of the outside and wild scenarios put
it at 0.8 or more (docs/linkage.md); a model below it has split the pairs on something
other than identity."""
"""Default match probability at or above which two records are the same person.

Since issue 18 the prior λ is re-estimated from the scored pairs
(roshan.link.prior), so match probabilities are calibrated rather than inflated by
the deterministic rules' namesakes, and 0.8 is the better trade-off: on outside
scenarios (bench/link_robustness.py, 7 families × 3 seeds, data-limited families
aside) the median pairwise precision/recall were 0.991/0.980 at 0.8 against
0.993/0.966 at 0.9 (worst 0.975/0.963 against 0.982/0.947); on the project's own
default scenario 0.999/0.992 at 0.8 against 0.999/0.989 at 0.9. See docs/linkage.md."""

PAIRS_FLOOR = 0.01
"""Pairs scoring below this probability are not kept in pairs.parquet."""


@dataclass
class ModelSpec:
    """Everything data-specific about a linkage model."""

    name: str
    comparisons: list[Any]
    passes: list[BlockingPass]
    em_rules: list[str]
    deterministic_rules: list[str]
    deterministic_recall: float = 0.7
    # Extra EM passes tried, in order, only while some comparison is still untrained.
    em_fallback_rules: list[str] = field(default_factory=list)
    threshold: float = DEFAULT_THRESHOLD
    # Pairs of records that clearly disagree: used by the chaining guard in
    # clustering. Each entry is (comparison output column, levels that count as
    # "clear disagreement" — given as the comparison vector value).
    disagreement: dict[str, list[int]] = field(default_factory=dict)
    # More cannot-link rules for the chaining guard: (comparison vector column, levels,
    # probability below which a pair inside one cluster at those levels is split; None
    # = the clustering threshold).
    guard_rules: list[tuple[str, tuple[int, ...], float | None]] = field(default_factory=list)
    retain_columns: list[str] = field(default_factory=lambda: ["source"])
    # Orders among each comparison's levels (by label, most specific first), used to
    # keep a stricter level from weighing less than a looser one (see
    # roshan.link.health.enforce_order). A comparison not named here is one chain of
    # all its levels in Splink's order. Every chain implicitly ends at the else level.
    level_chains: dict[str, list[list[str]]] = field(default_factory=dict)
    # Levels that are agreement in the plain sense (same name, same day, same sex):
    # a trained model in which one of them counts against a match is broken.
    agreement_levels: dict[str, list[str]] = field(default_factory=dict)
    # comparison -> the least share of matches that must agree at its agreement levels
    # (Σ m); below it the model is not a model of these lists (roshan.link.health).
    min_agreement_m: dict[str, float] = field(default_factory=dict)
    # Sure pairs (roshan.link.sure): they anchor unsupervised training to the right
    # split and feed the health check. Empty: training works as plain EM.
    sure_match: Rules | None = None
    sure_nonmatch: Rules | None = None
    # comparison output column -> pairs made sure by the *other* fields (m of that
    # comparison is estimated from them: an informed start for EM, and the fallback).
    sure_m_rules: dict[str, Rules] = field(default_factory=dict)
    # Comparisons that describe the pair rather than agreement between the records
    # (roshan: same list or not). Their m is left to EM: review labels and sure
    # matches are chosen in ways that fix them (sure matches are across lists by
    # construction), so counting levels among them would be biased.
    covariates: tuple[str, ...] = ()
    # A record column whose combinations must each carry their share of links
    # (roshan: the script of the names, fa / latin).
    group_column: str | None = None

    def settings(self) -> SettingsCreator:
        """The Splink settings (untrained) for this spec."""
        return SettingsCreator(
            link_type="dedupe_only",
            unique_id_column_name="unique_id",
            comparisons=self.comparisons,
            blocking_rules_to_generate_predictions=[
                CustomRule(blocking_rule_sql(p)) for p in self.passes
            ],
            additional_columns_to_retain=list(self.retain_columns),
            retain_matching_columns=True,
            retain_intermediate_calculation_columns=False,
            max_iterations=25,
            em_convergence=0.0005,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "passes": [
                {"name": p.name, "columns": list(p.columns), "refine": list(p.refine)}
                for p in self.passes
            ],
            "em_rules": list(self.em_rules),
            "deterministic_rules": list(self.deterministic_rules),
            "deterministic_recall": self.deterministic_recall,
            "threshold": self.threshold,
        }


def _null(*cols: str) -> Any:
    cond = " OR ".join(f"{c}_l IS NULL OR {c}_r IS NULL" for c in cols)
    return cll.CustomLevel(cond, label_for_charts="missing").configure(is_null_level=True)


def _comparison(name: str, description: str, levels: list[Any]) -> Any:
    """A comparison with ``levels`` then "anything else", output as ``name``."""
    return cl.CustomComparison(
        [*levels, cll.ElseLevel()], output_column_name=name, comparison_description=description
    )


def _within(col: str, unit: str, *distances: int) -> list[Any]:
    """One level per distance: ``col`` on the two sides at most that far apart."""
    return [
        cll.CustomLevel(
            f"abs({col}_l - {col}_r) <= {d}", label_for_charts=f"within {d} {unit}{'s' * (d > 1)}"
        )
        for d in distances
    ]


def edit_ratio_level(col: str, ratio: float) -> Any:
    """Romanisations within ``ratio`` edits per character (Levenshtein / longer length).

    Levenshtein distance is the same integer on every engine (DuckDB's and Spark's
    built-ins agree), unlike Jaro-Winkler, whose DuckDB and Spark implementations
    differ in the last digits and so flip pairs sitting on a threshold.

    The distance is at least the difference in length, so pairs whose lengths
    already differ by more than the allowance are decided by that cheap test and
    ``levenshtein`` is computed only for the rest (same result, far less work:
    most candidate pairs are different names).
    """
    frac = Fraction(str(ratio)).limit_denominator(1000)
    if not 0 < frac < 1:
        raise ValueError(f"edit ratio must be between 0 and 1, got {ratio}")
    # d <= ratio * L written as d * den <= num * L: whole numbers only. Spark turns
    # the decimal literal into per-row BigDecimal arithmetic, slower and large enough
    # in generated code to overflow Java's 64 KB method limit on big plans.
    num, den = frac.numerator, frac.denominator
    allowed = f"{num} * greatest(length({col}_l), length({col}_r))"
    return cll.CustomLevel(
        f"abs(length({col}_l) - length({col}_r)) * {den} <= {allowed} AND "
        f"levenshtein({col}_l, {col}_r) * {den} <= {allowed}",
        label_for_charts=f"romanised, edits <= {ratio:.0%} of length",
        base_dialect_str="duckdb",
    )


SPLIT_LABEL = "same names with the father's, split differently"
ALIAS_LABEL = "the other given name one list gives"
ORDER_LABEL = "the same names in another order"
SKELETON_LABEL = "the same letters but for their dots"


def name_comparison(
    part: str,
    *,
    tokens: str | None = None,
    split: tuple[str, ...] = (),
    alias: str | None = None,
    whole: str | None = None,
    strong: float = 0.15,
    weak: float = 0.34,
    spelling_level: bool = False,
    skeleton: str | None = None,
    whole_skeleton: str | None = None,
) -> Any:
    """Levels for one name part (given / family / father), most specific first.

    The first agreement level is the cross-script key, whatever script the two
    records use: there is deliberately no separate "same spelling" level. Such a
    level can only be reached by two records in the same script, so it made the
    comparison's evidence depend on the script pair, which Fellegi–Sunter's model
    has no way to represent; EM then could (and on lists entirely in one script or
    the other did, in 10 of 14 outside scenarios) take "same spelling" for the mark
    of a match and the same name in the other script for a non-match (issue 18).
    ``spelling_level=True`` restores that level (for tests that reproduce the trap).

    ``alias`` names the column of the other given name written in brackets
    (``alias_key``, roshan.normalize.names.name_alias).

    ``split`` names columns holding a name part joined to the father's name
    (``given_father_key``, ``father_family_key``): equal in one of them while this part
    differs means the same tokens cut in different places by a full-name parse
    (Mohammad Hossein | Moradi against Mohammad, son of Hossein | Moradi). The father's
    comparison takes both columns, so the same cut does not count once for the given
    name and again against the father's. That level is on a chain of its own (see
    ``level_chains``): it is not a looser spelling.

    ``whole`` names the column of the person's own name as a set of tokens
    (``full_key``): equal there while this part differs means the same names written
    in another order or cut in another place («زمان فر عبدالله» read as given زمان,
    family «فر عبدالله», against Abdollah Zamanfar; "Yazdanian Mehdi" against Mehdi
    Yazdanian): lists and full-name columns that write the family name first, without
    a comma the parser could go by. Its own chain too.

    ``skeleton`` names the column of the key with the letters that differ only by
    their dots in Persian script made one (``family_skel``): مخمدی against محمدی,
    پهرامیان against Bahramian. A dot dropped or misplaced changes the key and, in
    romanisation, several letters (mokhmadi, mohammadi), so the edit levels miss it.
    Only one letter of the key may differ. Its own chain: two different names can
    still meet there (جلیلی and خلیلی, کرمی and کاظمی), so it is not ranked against
    the edit levels.

    ``whole_skeleton`` (``full_skel``) does the same for ``whole``: the order level then
    also takes token sets one letter apart whose skeletons agree.
    """
    levels: list[Any] = [_null(f"{part}_key")]
    if spelling_level:
        levels.append(
            cll.ExactMatchLevel(f"{part}_norm", term_frequency_adjustments=True).configure(
                label_for_charts="same spelling"
            )
        )
    levels += [
        cll.ExactMatchLevel(f"{part}_key", term_frequency_adjustments=True).configure(
            label_for_charts="same name (cross-script key)"
        ),
    ]
    if split:
        cond = " OR ".join(f"{c}_l = {c}_r" for c in split)
        levels.append(cll.CustomLevel(cond, label_for_charts=SPLIT_LABEL))
    if whole:
        cond = f"{whole}_l = {whole}_r"
        if whole_skeleton:
            # or one letter apart with the same dot skeletons: a dot slip in a name
            # written in another order (in the same order, the skeleton level below)
            same_order = f" AND {skeleton}_l <> {skeleton}_r" if skeleton else ""
            cond += (
                f" OR ({whole_skeleton}_l = {whole_skeleton}_r "
                f"AND levenshtein({whole}_l, {whole}_r) <= 1{same_order})"
            )
        levels.append(
            cll.CustomLevel(cond, label_for_charts=ORDER_LABEL, base_dialect_str="duckdb")
        )
    if alias:
        # One record's bracketed other name is the other's given name (or both give
        # the same other name): «هیوا (خالد)» and «خالد». Its own chain, like the split.
        a, k = alias, f"{part}_key"
        levels.append(
            cll.CustomLevel(
                f"{a}_l = {k}_r OR {k}_l = {a}_r OR {a}_l = {a}_r", label_for_charts=ALIAS_LABEL
            )
        )
    if skeleton:
        # one letter of the key changed, and only for one that differs by its dots: not
        # رضایی against زارعی (rzY, zrY), whose skeletons meet because keys drop vowels
        key = f"{part}_key"
        levels.append(
            cll.CustomLevel(
                f"{skeleton}_l = {skeleton}_r AND levenshtein({key}_l, {key}_r) <= 1",
                label_for_charts=SKELETON_LABEL,
                base_dialect_str="duckdb",
            )
        )
    levels += [
        edit_ratio_level(f"{part}_roman", strong),
        edit_ratio_level(f"{part}_roman", weak),
    ]
    if tokens:
        # After the edit levels: sharing one part (Mohammad Reza / Reza) is weaker
        # evidence than a near-identical whole name.
        levels.append(
            cll.ArrayIntersectLevel(tokens, 1).configure(
                label_for_charts="a shared part of a compound name"
            )
        )
    return _comparison(f"{part}_name", f"{part} name", levels)


BURIAL_NEAR = "buried within 3 days of the other's date of death"
BURIAL_LATER = "buried 4 to 60 days after the other's date of death"
_BURIAL_ONLY = "(dod_day_{a} IS NULL AND burial_day_{a} IS NOT NULL AND dod_day_{b} IS NOT NULL)"


def _burial_within(low: int, high: int) -> str:
    """One record knows only its burial day, buried ``low``..``high`` days after the other's
    date of death; or neither knows the date of death and the burials are that far apart."""
    one = " OR ".join(
        f"({_BURIAL_ONLY.format(a=a, b=b)} AND burial_day_{a} - dod_day_{b} BETWEEN {low} AND "
        f"{high})"
        for a, b in (("l", "r"), ("r", "l"))
    )
    both = (
        "(dod_day_l IS NULL AND dod_day_r IS NULL AND burial_day_l IS NOT NULL AND "
        f"burial_day_r IS NOT NULL AND abs(burial_day_l - burial_day_r) BETWEEN "
        f"{max(low, 0)} AND {high})"
    )
    return f"{one} OR {both}"


def dod_comparison(*, burial: bool = False) -> Any:
    """Date of death: exact, ±1, ±3 days, partial-date agreement, same month.

    ``burial``: also compare a date of burial with the other record's date of death,
    where a record gives only the burial (a cemetery register): buried the day before
    to 3 days after (the usual delay), or 4 to 60 days after (bodies withheld). The day
    before allows the one-day slips of the other levels. Such a pair is then no longer
    "missing" but agrees or disagrees; the two levels are a chain of their own.
    """
    null = _null("dod_month")
    if burial:
        usable = " OR ".join(
            [_BURIAL_ONLY.format(a="l", b="r"), _BURIAL_ONLY.format(a="r", b="l")]
            + [
                "(dod_day_l IS NULL AND dod_day_r IS NULL AND burial_day_l IS NOT NULL AND "
                "burial_day_r IS NOT NULL)"
            ]
        )
        null = cll.CustomLevel(
            f"(dod_month_l IS NULL OR dod_month_r IS NULL) AND NOT ({usable})",
            label_for_charts="missing",
        ).configure(is_null_level=True)
    levels = [
        null,
        cll.CustomLevel("dod_day_l = dod_day_r", label_for_charts="same day"),
        *_within("dod_day", "day", 1, 3),
        cll.CustomLevel(
            "(dod_day_l IS NULL OR dod_day_r IS NULL) AND dod_month_l = dod_month_r",
            label_for_charts="partial date, same month",
        ),
        cll.CustomLevel("dod_month_l = dod_month_r", label_for_charts="same month"),
    ]
    if burial:
        levels += [
            cll.CustomLevel(_burial_within(-1, 3), label_for_charts=BURIAL_NEAR),
            cll.CustomLevel(_burial_within(4, 60), label_for_charts=BURIAL_LATER),
        ]
    return _comparison("dod", "date of death", levels)


NATIONAL_ID_SAME = "same national ID"
NATIONAL_ID_NEAR = "national IDs one digit apart"


def national_id_comparison() -> Any:
    """National ID (کد ملی, roshan.normalize.ids): the same ten digits, one digit apart
    (a typo: a register's number against a family's), or different. The check digit is
    not required: a number that fails it is still compared (it may be a typo)."""
    return _comparison(
        "national_id",
        "national ID",
        [
            _null("national_id"),
            cll.ExactMatchLevel("national_id").configure(label_for_charts=NATIONAL_ID_SAME),
            cll.CustomLevel(
                "levenshtein(national_id_l, national_id_r) <= 1",
                label_for_charts=NATIONAL_ID_NEAR,
                base_dialect_str="duckdb",
            ),
        ],
    )


#: Fewest records that must give a national ID (a date of burial without a date of
#: death) before the model compares it: fewer, and there is nothing to train on.
OPTIONAL_FIELD_MIN_RECORDS = 20


def optional_field_counts(prepared: Any) -> dict[str, int]:
    """How many records can feed each optional comparison: those giving a national ID,
    and those giving a date of burial and no date of death."""
    n_id = int(prepared["national_id"].notna().sum()) if "national_id" in prepared else 0
    n_burial = 0
    if "burial_day" in prepared:
        n_burial = int((prepared["burial_day"].notna() & prepared["dod_day"].isna()).sum())
    return {"national_id": n_id, "burial": n_burial}


def optional_fields(prepared: Any) -> dict[str, bool]:
    """Which optional comparisons the records can feed (``roshan_spec`` keywords): each
    needs at least :data:`OPTIONAL_FIELD_MIN_RECORDS` records
    (:func:`optional_field_counts`). Lists without them get exactly the model they had
    before these fields existed."""
    return {k: n >= OPTIONAL_FIELD_MIN_RECORDS for k, n in optional_field_counts(prepared).items()}


def age_comparison() -> Any:
    """Age: ±1 year, ±3 years, overlapping reported ranges."""
    return _comparison(
        "age",
        "age",
        [
            _null("age_mid"),
            *_within("age_mid", "year", 1, 3),
            cll.CustomLevel(
                "age_min_l <= age_max_r AND age_min_r <= age_max_l",
                label_for_charts="ranges overlap",
            ),
        ],
    )


def place_comparison() -> Any:
    """Place: same city, county, province."""
    return _comparison(
        "place",
        "place of death",
        [
            cll.CustomLevel(
                "(province_code_l IS NULL OR province_code_r IS NULL) AND "
                "(city_l IS NULL OR city_r IS NULL)",
                label_for_charts="missing",
            ).configure(is_null_level=True),
            cll.ExactMatchLevel("city", term_frequency_adjustments=True).configure(
                label_for_charts="same city"
            ),
            cll.ExactMatchLevel("county").configure(label_for_charts="same county"),
            cll.ExactMatchLevel("province_code").configure(label_for_charts="same province"),
        ],
    )


def list_comparison() -> Any:
    """Whether the two records come from the same list.

    Not an agreement but a covariate: a list rarely names one person twice (a few
    per cent of duplicates) while two lists share a large part of their people, so
    a pair inside one list is a priori far less likely to be a match than a pair
    across lists. One prior λ for both made within-list namesakes (same name, day
    and age, common in Iranian lists) look as likely as cross-list matches: a third
    of the false links on outside scenarios were inside one list. EM learns m (the
    share of true matching pairs that are within one list) and sampling u (the share
    of all pairs that are), so the weight is the ratio of the two priors. It has no
    order constraint (``level_chains`` empty).
    """
    same_list = cll.CustomLevel("source_l = source_r", label_for_charts="same list")
    return _comparison("list", "same list or not", [same_list])


def sex_comparison() -> Any:
    same = cll.ExactMatchLevel("sex").configure(label_for_charts="same sex")
    return _comparison("sex", "sex", [_null("sex"), same])


# A sixth pass, family key + week of death, was dropped: on the SYNTHETIC 300k-record,
# 8-list scenario it added 6.2 M candidate pairs (3.3 M found by no other pass, 14% of
# all scored pairs) for 129 true pairs no other pass found, and taking it out moved
# pairwise precision/recall by 0.0001 (0.9878/0.9720 -> 0.9879/0.9719). At 1,000,719
# records: 121.8 M -> 101.4 M candidate pairs, 0.9729/0.9612 -> 0.9729/0.9611.
ROSHAN_PASSES: list[BlockingPass] = [
    BlockingPass(
        "names", ("family_key", "given_key"), ("province_code", "dod_month", "father_key")
    ),
    BlockingPass("full", ("full_key",), ("province_code", "dod_month")),
    BlockingPass("family_place", ("family_key", "province_code"), ("dod_month", "dod_week")),
    BlockingPass("given_father", ("given_key", "father_key"), ("province_code", "dod_month")),
    # The father's name read as part of the family name ("Zahra Ali Karimi"): the
    # given name and the family name's last part.
    BlockingPass("given_family_last", ("given_key", "family_last"), ("province_code", "dod_month")),
    BlockingPass("date_city", ("dod_day", "city"), ("sex", "age_band")),
    # The other given name a list wrote in brackets («هیوا (خالد)»): the family name and
    # that name, against records whose given name it is (prepare._alias_block).
    BlockingPass("alias", ("family_key", "alias_block"), ("province_code", "dod_month")),
    # A dot dropped or misplaced in one of the names (مخمدی, پهرامیان): the dot skeletons
    # of the person's own name as a set of tokens, so also in a name written family-first
    # («فزج لو علی» against Ali Farajlou).
    BlockingPass("skeleton", ("full_skel",), ("province_code", "dod_month")),
    # A register that gives the family and father's names but no given name, place or
    # date («فرهادی», father بهروز): no other pass can propose it.
    BlockingPass("family_father", ("family_key", "father_key"), ("province_code", "dod_month")),
]


def roshan_spec(
    threshold: float | None = None,
    *,
    spelling_level: bool = False,
    national_id: bool = False,
    burial: bool = False,
) -> ModelSpec:
    """The model for Iranian casualty lists (see the module docstring).

    ``spelling_level`` adds the same-script "same spelling" level roshan had before
    issue 18 to each name comparison; only tests that force the same-script trap use it.
    ``national_id`` adds the national-ID comparison and a blocking pass on it;
    ``burial`` the date-of-burial levels of the date comparison (:func:`optional_fields`
    says which the records can feed).
    """
    sp = spelling_level
    spec = ModelSpec(
        name="roshan",
        comparisons=[
            name_comparison(
                "family",
                split=("father_family_key",),
                whole="full_key",
                spelling_level=sp,
                skeleton="family_skel",
                whole_skeleton="full_skel",
            ),
            name_comparison(
                "given",
                tokens="given_tokens",
                split=("given_father_key",),
                alias="alias_key",
                whole="full_key",
                spelling_level=sp,
                skeleton="given_skel",
                whole_skeleton="full_skel",
            ),
            name_comparison(
                "father", split=("given_father_key", "father_family_key"), spelling_level=sp
            ),
            dod_comparison(burial=burial),
            age_comparison(),
            place_comparison(),
            sex_comparison(),
            list_comparison(),
        ],
        passes=list(ROSHAN_PASSES),
        em_rules=[
            "l.family_key = r.family_key AND l.given_key = r.given_key",
            "l.dod_day = r.dod_day AND l.province_code = r.province_code",
            "l.family_key = r.family_key AND l.father_key = r.father_key",
        ],
        em_fallback_rules=[
            "l.given_key = r.given_key AND l.dod_day = r.dod_day",
            "l.father_key = r.father_key AND l.dod_month = r.dod_month",
            "l.dod_day = r.dod_day",
            "l.age_band = r.age_band AND l.dod_month = r.dod_month",
        ],
        deterministic_rules=[
            "l.family_key = r.family_key AND l.given_key = r.given_key "
            "AND l.father_key = r.father_key",
            "l.family_key = r.family_key AND l.given_key = r.given_key AND l.dod_day = r.dod_day",
        ],
        deterministic_recall=0.6,
        threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
        # Clear disagreement: sex differs (level 1 = else), or date of death
        # more than a month apart (level 1 = else), or ages far apart.
        disagreement={"gamma_sex": [0], "gamma_dod": [0], "gamma_age": [0]},
        # Two records of one list in one cluster that the model, compared directly,
        # would not link: a list seldom names a person twice, so the cluster was chained
        # through a namesake in another list. (Split below the clustering threshold
        # rather than below 0.5: outside3 seeds 18 and 20, P 0.972/0.975 -> 0.978/0.984,
        # R 0.972/0.980 -> 0.967/0.975.)
        guard_rules=[("gamma_list", (1,), None)],
        level_chains={
            "list": [],  # a covariate, not an agreement: no order
            # The split-differently level is evidence of another kind (the tokens all
            # agree, cut in other places), not a looser spelling: its own chain.
            "family_name": [_NAME_CHAIN, [SPLIT_LABEL], [ORDER_LABEL], [SKELETON_LABEL]],
            "given_name": [
                _NAME_CHAIN,
                [SPLIT_LABEL],
                [ORDER_LABEL],
                [ALIAS_LABEL],
                [SKELETON_LABEL],
            ],
            "father_name": [_NAME_CHAIN, [SPLIT_LABEL]],
            # A month-only date that agrees is not "looser" than ±3 days; it is on
            # its own chain, above the else level only.
            "dod": [
                ["same day", "within 1 day", "within 3 days", "same month"],
                ["partial date, same month"],
                [BURIAL_NEAR, BURIAL_LATER],
            ],
        },
        agreement_levels={
            "family_name": ["same spelling", "same name (cross-script key)"],
            "given_name": ["same spelling", "same name (cross-script key)"],
            "father_name": ["same spelling", "same name (cross-script key)"],
            "dod": ["same day"],
            "age": ["within 1 year"],
            "place": ["same city"],
            "sex": ["same sex"],
        },
        min_agreement_m={"family_name": MIN_NAME_AGREEMENT, "given_name": MIN_NAME_AGREEMENT},
        sure_match=(
            _only_partner(
                ("family_key", "given_key", "province_code"),
                _DAY1,
                _eq_or_null("father_key"),
                _AGE3,
                _SEX,
            ),
            # a list that gives no place (a morgue or hospital register): the father's
            # name takes the province's part
            _only_partner(_NAMES, _NO_PROVINCE, _DAY1, _AGE3, _SEX),
        ),
        sure_nonmatch=PairRule(
            ("family_key", "given_key", "province_code"),
            "l.father_key IS NOT NULL AND r.father_key IS NOT NULL AND "
            "l.father_key <> r.father_key AND l.dod_day IS NOT NULL AND "
            "r.dod_day IS NOT NULL AND abs(l.dod_day - r.dod_day) > 7",
        ),
        sure_m_rules={
            # the other two names, the city, the day: and where a list gives no city,
            # the other two names and the day alone
            "family_name": (
                _only_partner(("given_key", "father_key", "city"), _DAY1, _AGE3, _SEX),
                _only_partner(("given_key", "father_key"), _NO_CITY, _DAY1, _AGE3, _SEX),
            ),
            "given_name": (
                _only_partner(("family_key", "father_key", "city"), _DAY1, _AGE3, _SEX),
                _only_partner(("family_key", "father_key"), _NO_CITY, _DAY1, _AGE3, _SEX),
            ),
            "father_name": (
                _only_partner(("family_key", "given_key", "city"), _DAY1, _AGE3, _SEX),
                _only_partner(("family_key", "given_key"), _NO_CITY, _DAY1, _AGE3, _SEX),
            ),
            "dod": (
                _only_partner(_NAMES_PROVINCE, _AGE3, _SEX),
                _only_partner(_NAMES, _NO_PROVINCE, _AGE3, _SEX),
            ),
            "age": (
                _only_partner(_NAMES_PROVINCE, _DAY1, _SEX),
                _only_partner(_NAMES, _NO_PROVINCE, _DAY1, _SEX),
            ),
            "place": _only_partner(_NAMES, _DAY1, _AGE3, _SEX),
            "sex": (
                _only_partner(_NAMES_PROVINCE, _DAY1, _AGE3),
                _only_partner(_NAMES, _NO_PROVINCE, _DAY1, _AGE3),
            ),
        },
        group_column="name_script",
        covariates=("list",),
    )
    if national_id:
        spec.comparisons.insert(3, national_id_comparison())
        spec.passes.append(BlockingPass("national_id", ("national_id",), ()))
        spec.agreement_levels["national_id"] = [NATIONAL_ID_SAME]
        # Two records of one cluster whose national IDs differ (the else level), and
        # which the model would not link compared directly, were chained through a
        # namesake: split them (wild_insider seeds 2 and 9, P 0.971/0.944 -> 0.976/0.954,
        # R 0.918/0.914 -> 0.917/0.913)
        spec.guard_rules.append(("gamma_national_id", (0,), None))
        spec.sure_m_rules["national_id"] = (
            _only_partner(_NAMES_PROVINCE, _DAY1, _AGE3, _SEX),
            _only_partner(_NAMES, _NO_PROVINCE, _DAY1, _AGE3, _SEX),
        )
    return spec


_NAME_CHAIN = [
    "same spelling",
    "same name (cross-script key)",
    "romanised, edits <= 15% of length",
    "romanised, edits <= 34% of length",
    "a shared part of a compound name",
]


def _eq_or_null(col: str) -> str:
    return f"(l.{col} IS NULL OR r.{col} IS NULL OR l.{col} = r.{col})"


def _only_partner(join: tuple[str, ...], *where: str) -> PairRule:
    """Pairs equal on ``join`` and meeting every condition of ``where``, each record the
    other's only partner in its list (``PairRule.unique``)."""
    return PairRule(join, " AND ".join(where), unique=True)


_DAY1 = "(l.dod_day IS NOT NULL AND r.dod_day IS NOT NULL AND abs(l.dod_day - r.dod_day) <= 1)"
_AGE3 = "(l.age_mid IS NULL OR r.age_mid IS NULL OR abs(l.age_mid - r.age_mid) <= 3)"
_SEX = _eq_or_null("sex")
_NAMES_PROVINCE = ("family_key", "given_key", "father_key", "province_code")
_NAMES = ("family_key", "given_key", "father_key")
_NO_PROVINCE = "(l.province_code IS NULL OR r.province_code IS NULL)"
_NO_CITY = "(l.city IS NULL OR r.city IS NULL)"
