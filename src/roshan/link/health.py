"""The linkage model's health: repair what can be repaired, refuse to hide the rest.

Unsupervised Fellegi–Sunter training can go wrong without a sound: on lists that
came from outside the project, expectation-maximisation settled 10 times in 14 on a
model in which the same name written in the other script counted *against* a match,
and ``roshan link`` reported nothing (issue 18). Every model is therefore checked
after training, and the checks are kept with the run:

``level_order``
    Within a comparison, a stricter agreement level must never weigh less than a
    looser one (same day ≥ within a day ≥ within 3 days …). EM can break this order
    on sparse levels; :func:`enforce_order` repairs it by *pooling adjacent
    violators*: the offending levels share one likelihood ratio, the pooled
    Σm/Σu, with each level's m set to u · Σm/Σu (so Σm is unchanged). This is the
    isotonic-regression estimate of ordered likelihood ratios. Repairs are listed;
    they do not fail the model.
``negative_agreement``
    An agreement level in the plain sense (same name after cross-script keying,
    same day, same sex; :attr:`ModelSpec.agreement_levels`) with m < u: the model
    treats agreement as evidence against a match. Fails.
``group_balance``
    Sure matches (:mod:`roshan.link.sure`) are found with the same rule in every
    script combination, so a healthy model links about the same share of them in
    each (Persian–Persian, Persian–Latin, Latin–Latin). A combination whose share of
    sure matches linked falls below :data:`GROUP_RATE_RATIO` of the best
    combination's, or below :data:`MIN_SURE_RATE` overall, fails: that is the
    same-script trap. Equivalently, that combination's share among links is far
    below its share among the plausible candidates; both shares are reported.
``sure_nonmatches``
    More than :data:`MAX_NONMATCH_RATE` of sure non-matches (namesakes with different
    fathers dying weeks apart) linked: the model links on names alone. Fails.
``weak_agreement``
    A comparison of :attr:`ModelSpec.min_agreement_m` whose agreement levels hold
    less than that share of the matches (Σ m): a model in which most matches would
    disagree on their family name has split the pairs on something else. On a
    hospital, morgue and cemetery scenario with no place on three lists of four
    (bench/robustness/wild.py, ``wild_insider``), EM put m(same family name) at 0.08,
    and recall was 0.24 with every other check passing. Fails.
``links_vs_prior``
    After prediction: the number of linked pairs against the number of matching
    pairs the model itself expects (λ re-estimated from the scored pairs, times the
    number of pairs, = Σ P(match)). Fewer than half means most of what the model
    believes are matches sit in pairs it is unsure of; more than twice, that it
    links pairs it does not believe. Fails outside
    [:data:`LINKS_RATIO_LOW`, :data:`LINKS_RATIO_HIGH`].

A failed check makes :mod:`roshan.link.core` retrain with the fallback (m from
leave-one-out sure matches); if the check still fails, the run's verdict is
``failed``: the CLI, the web dashboard and the report say so loudly, and
``roshan estimate`` refuses to publish without ``--accept-linkage-risk``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "CHECK_NAMES",
    "Check",
    "HealthReport",
    "enforce_order",
    "model_checks",
    "anchor_checks",
    "links_vs_prior_check",
    "VERDICTS",
]

VERDICTS = ("ok", "repaired", "failed")
"""``ok``: every check passed on the first model; ``repaired``: the first model
failed and the fallback passed; ``failed``: the fallback failed too."""

GROUP_RATE_RATIO = 0.75
"""A script combination must link at least this share of the best combination's rate
of sure matches."""
MIN_SURE_RATE = 0.6
"""At least this share of all sure matches must be linked."""
MIN_GROUP_PAIRS = 20
#: Every check a link run can report (core.py adds the last two after prediction); the
#: web dashboard and the report name a failed one in both languages (strings.toml).
CHECK_NAMES = (
    "level_order",
    "negative_agreement",
    "weak_agreement",
    "group_balance",
    "sure_nonmatches",
    "links_vs_prior",
    "one_entry_per_list",
)
"""Combinations with fewer sure matches than this are reported but not judged."""
MAX_NONMATCH_RATE = 0.1
"""At most this share of sure non-matches may be linked."""
LINKS_RATIO_LOW = 0.5
LINKS_RATIO_HIGH = 2.0
"""Accepted range of (linked pairs) / (matching pairs the model expects, Σ P(match))."""


@dataclass
class Check:
    """One check: its name, whether it passed, what it found (counts, no names)."""

    name: str
    ok: bool
    detail: str
    figures: dict[str, Any] = field(default_factory=dict)
    judged: bool = True

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class HealthReport:
    """The health of one trained (and, after prediction, applied) linkage model."""

    verdict: str = "ok"
    checks: list[Check] = field(default_factory=list)
    repairs: list[dict[str, Any]] = field(default_factory=list)
    model_used: str = ""
    attempts: list[dict[str, Any]] = field(default_factory=list)
    review_pairs: int = 0

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def failed_checks(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]

    def message(self) -> str:
        """One plain-language sentence for the CLI, the dashboard and the report."""
        if self.verdict != "failed":
            if self.verdict == "repaired":
                return (
                    "the first linkage model failed its health check and was retrained "
                    f"({self.model_used}); the retrained model passed"
                )
            if any(
                c.name == "one_entry_per_list" and c.figures.get("switched") for c in self.checks
            ):
                return (
                    "the linkage model passed its health check; its m comes from sure "
                    "matches, because the EM model put people on one list several times "
                    "(one_entry_per_list)"
                )
            return "the linkage model passed its health check"
        what = "; ".join(c.detail for c in self.failed_checks())
        return (
            "LINKAGE IS NOT TRUSTWORTHY: the model failed its health check even after "
            f"retraining ({what}). Review at least {self.review_pairs} pairs "
            "(roshan review) and link again before publishing any total."
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "ok": self.ok,
            "message": self.message(),
            "model_used": self.model_used,
            "review_pairs": int(self.review_pairs),
            "checks": [c.to_dict() for c in self.checks],
            "repairs": list(self.repairs),
            "attempts": list(self.attempts),
        }


# ------------------------------------------------------------------ level order
def _levels(comp: dict[str, Any]) -> list[dict[str, Any]]:
    return [lv for lv in comp.get("comparison_levels", []) if not lv.get("is_null_level")]


def _chains(comp: dict[str, Any], chains: dict[str, list[list[str]]]) -> list[list[int]]:
    """Each chain as indices into :func:`_levels`, ending with the else level."""
    levels = _levels(comp)
    if not levels:
        return []
    labels = [str(lv.get("label_for_charts")) for lv in levels]
    else_i = len(levels) - 1
    named = chains.get(str(comp.get("output_column_name")))
    if named is None:
        return [list(range(len(levels)))]
    out = []
    for chain in named:
        idx = [labels.index(lab) for lab in chain if lab in labels[:-1]]
        out.append(idx + [else_i])
    return out


def _trained(lv: dict[str, Any]) -> bool:
    m, u = lv.get("m_probability"), lv.get("u_probability")
    return isinstance(m, (int, float)) and isinstance(u, (int, float)) and u > 0


def enforce_order(
    model: dict[str, Any],
    chains: dict[str, list[list[str]]] | None = None,
) -> list[dict[str, Any]]:
    """Pool adjacent violators so no stricter level weighs less than a looser one.

    Changes ``model`` in place and returns the repairs made (comparison, pooled
    labels, weights before and after). Levels without m or u are left out.
    """
    repairs: list[dict[str, Any]] = []
    for comp in model.get("comparisons", []):
        levels = _levels(comp)
        blocks_of: dict[int, list[int]] = {}
        for n, chain in enumerate(_chains(comp, chains or {})):
            idx = [i for i in chain if _trained(levels[i])]
            if n > 0 and idx and idx[-1] in blocks_of:
                # the else level's block from the first chain is one unit here
                else_block = blocks_of[idx[-1]]
                units = [[i] for i in idx[:-1]] + [list(else_block)]
            else:
                units = [[i] for i in idx]
            stack: list[list[int]] = []
            for unit in units:
                stack.append(unit)
                while len(stack) >= 2 and _ratio(levels, stack[-2]) < _ratio(levels, stack[-1]) * (
                    1 - 1e-9
                ):
                    top = stack.pop()
                    stack[-1] = stack[-1] + top
            for block in stack:
                for i in block:
                    blocks_of[i] = block
        done: set[int] = set()
        for i, block in blocks_of.items():
            if i in done or len(block) < 2:
                continue
            done.update(block)
            before = {str(levels[j].get("label_for_charts")): _weight(levels[j]) for j in block}
            r = _ratio(levels, block)
            for j in block:
                levels[j]["m_probability"] = float(levels[j]["u_probability"]) * r
            repairs.append(
                {
                    "comparison": str(comp.get("output_column_name")),
                    "levels": sorted(before, key=lambda k: -before[k]),
                    "weights_before": {k: round(v, 3) for k, v in before.items()},
                    "weight_after": round(math.log2(r), 3),
                }
            )
    return repairs


def _ratio(levels: list[dict[str, Any]], block: list[int]) -> float:
    m = sum(float(levels[i]["m_probability"]) for i in block)
    u = sum(float(levels[i]["u_probability"]) for i in block)
    return m / u if u > 0 else math.inf


def _weight(lv: dict[str, Any]) -> float:
    return math.log2(float(lv["m_probability"]) / float(lv["u_probability"]))


def order_violations(
    model: dict[str, Any],
    chains: dict[str, list[list[str]]] | None = None,
) -> list[str]:
    """``comparison: stricter < looser`` for each adjacent pair out of order."""
    out = []
    for comp in model.get("comparisons", []):
        levels = _levels(comp)
        for chain in _chains(comp, chains or {}):
            idx = [i for i in chain if _trained(levels[i])]
            for a, b in zip(idx, idx[1:], strict=False):
                if _weight(levels[a]) < _weight(levels[b]) - 1e-9:
                    out.append(
                        f"{comp.get('output_column_name')}: "
                        f"{levels[a].get('label_for_charts')} < "
                        f"{levels[b].get('label_for_charts')}"
                    )
    return out


def weak_agreement(
    model: dict[str, Any], agreement: dict[str, list[str]], minimum: dict[str, float]
) -> list[dict[str, Any]]:
    """Comparisons of ``minimum`` whose agreement levels together hold less than that
    share of the matches (Σ m over :attr:`ModelSpec.agreement_levels`)."""
    out: list[dict[str, Any]] = []
    for comp in model.get("comparisons", []):
        col = str(comp.get("output_column_name"))
        if col not in minimum:
            continue
        levels = [
            lv for lv in _levels(comp) if str(lv.get("label_for_charts")) in agreement.get(col, [])
        ]
        trained = [lv for lv in levels if _trained(lv)]
        if not trained:
            continue
        m = sum(float(lv["m_probability"]) for lv in trained)
        if m < minimum[col]:
            out.append({"comparison": col, "m": round(m, 4), "minimum": minimum[col]})
    return out


def model_checks(
    model: dict[str, Any],
    agreement: dict[str, list[str]],
    chains: dict[str, list[list[str]]] | None = None,
    min_agreement: dict[str, float] | None = None,
) -> list[Check]:
    """The checks that need only the parameters: level order, agreement weights, and
    (with ``min_agreement``) how many matches the model expects to agree."""
    bad_order = order_violations(model, chains)
    negative: list[dict[str, Any]] = []
    for comp in model.get("comparisons", []):
        col = str(comp.get("output_column_name"))
        for lv in _levels(comp):
            if (
                str(lv.get("label_for_charts")) in agreement.get(col, [])
                and _trained(lv)
                and float(lv["m_probability"]) < float(lv["u_probability"])
            ):
                negative.append(
                    {
                        "comparison": col,
                        "level": lv.get("label_for_charts"),
                        "m": float(lv["m_probability"]),
                        "u": float(lv["u_probability"]),
                        "weight": round(_weight(lv), 3),
                    }
                )
    checks = [
        Check(
            "level_order",
            not bad_order,
            "levels out of order: " + ", ".join(bad_order)
            if bad_order
            else "every stricter level weighs at least as much as a looser one",
            {"violations": bad_order},
        ),
        Check(
            "negative_agreement",
            not negative,
            "agreement counts against a match for "
            + ", ".join(
                f"{n['comparison']} ({n['level']}, m={n['m']:.3g} < u={n['u']:.3g})"
                for n in negative
            )
            if negative
            else "every agreement level counts for a match",
            {"levels": negative},
        ),
    ]
    if min_agreement:
        weak = weak_agreement(model, agreement, min_agreement)
        checks.append(
            Check(
                "weak_agreement",
                not weak,
                "the model expects few matches to agree on "
                + ", ".join(f"{w['comparison']} (m={w['m']:.3g} < {w['minimum']})" for w in weak)
                if weak
                else "matches agree on their names as often as a model of these lists must expect",
                {"comparisons": weak},
            )
        )
    return checks


# ------------------------------------------------------------- sure-pair checks
def _combo(a: pd.Series, b: pd.Series) -> pd.Series:
    a = a.fillna("unknown").astype(str)
    b = b.fillna("unknown").astype(str)
    lo = np.where(a <= b, a, b)
    hi = np.where(a <= b, b, a)
    return pd.Series(lo, index=a.index) + "-" + pd.Series(hi, index=a.index)


def group_rates(scored: pd.DataFrame, threshold: float, group: str | None) -> pd.DataFrame:
    """Sure matches by combination: ``pairs``, ``linked``, ``rate``, and the shares."""
    if scored.empty:
        return pd.DataFrame(
            columns=[
                "combination",
                "pairs",
                "linked",
                "rate",
                "share_of_candidates",
                "share_of_links",
            ]
        )
    linked = scored["match_probability"].fillna(0.0) >= threshold
    if group and f"{group}_l" in scored.columns:
        combo = _combo(scored[f"{group}_l"], scored[f"{group}_r"])
    else:
        combo = pd.Series("all", index=scored.index)
    tab = (
        pd.DataFrame({"combination": combo, "linked": linked})
        .groupby("combination")
        .agg(pairs=("linked", "size"), linked=("linked", "sum"))
        .reset_index()
    )
    tab["rate"] = tab["linked"] / tab["pairs"]
    tab["share_of_candidates"] = tab["pairs"] / tab["pairs"].sum()
    n_links = tab["linked"].sum()
    tab["share_of_links"] = tab["linked"] / n_links if n_links else 0.0
    return tab


def anchor_checks(
    sure: pd.DataFrame, nonsure: pd.DataFrame, threshold: float, group: str | None
) -> list[Check]:
    """Group balance of sure matches linked, and sure non-matches linked."""
    tab = group_rates(sure, threshold, group)
    judged = tab[tab["pairs"] >= MIN_GROUP_PAIRS]
    total = int(tab["pairs"].sum()) if len(tab) else 0
    overall = float(tab["linked"].sum() / total) if total else float("nan")
    figures: dict[str, Any] = {
        "sure_matches": total,
        "linked_rate": None if not total else round(overall, 4),
        "by_combination": {
            r.combination: {
                "pairs": int(r.pairs),
                "linked": int(r.linked),
                "rate": round(float(r.rate), 4),
                "share_of_candidates": round(float(r.share_of_candidates), 4),
                "share_of_links": round(float(r.share_of_links), 4),
            }
            for r in tab.itertuples()
        },
    }
    if total < MIN_GROUP_PAIRS:
        balance = Check(
            "group_balance",
            True,
            f"only {total} sure matches: too few to judge the model by them",
            figures,
            judged=False,
        )
    else:
        best = float(judged["rate"].max()) if len(judged) else overall
        weak = judged[judged["rate"] < GROUP_RATE_RATIO * best]
        problems = [
            f"{r.combination} links {r.rate:.0%} of its sure matches against "
            f"{best:.0%} for the best combination"
            for r in weak.itertuples()
        ]
        if overall < MIN_SURE_RATE:
            problems.insert(0, f"only {overall:.0%} of {total} sure matches are linked")
        balance = Check(
            "group_balance",
            not problems,
            "; ".join(problems)
            if problems
            else f"{overall:.0%} of {total} sure matches linked, evenly across script combinations",
            figures,
        )
    n_non = len(nonsure)
    if n_non:
        rate = float((nonsure["match_probability"].fillna(0.0) >= threshold).mean())
    else:
        rate = float("nan")
    nonm = Check(
        "sure_nonmatches",
        not (n_non >= MIN_GROUP_PAIRS and rate > MAX_NONMATCH_RATE),
        (
            f"{rate:.0%} of {n_non} sure non-matches (namesakes with different fathers, "
            "dates weeks apart) are linked"
        )
        if n_non
        else "no sure non-matches to check",
        {"sure_nonmatches": n_non, "linked_rate": None if not n_non else round(rate, 4)},
        judged=n_non >= MIN_GROUP_PAIRS,
    )
    return [balance, nonm]


def anchor_score(checks: list[Check]) -> float:
    """How well a model agrees with the sure pairs: the worst combination's rate of
    sure matches linked minus the rate of sure non-matches linked (higher is better)."""
    fig = {c.name: c.figures for c in checks}
    rates = [
        v["rate"]
        for v in fig.get("group_balance", {}).get("by_combination", {}).values()
        if v["pairs"] >= MIN_GROUP_PAIRS
    ]
    worst = min(rates) if rates else (fig.get("group_balance", {}).get("linked_rate") or 0.0)
    non = fig.get("sure_nonmatches", {}).get("linked_rate") or 0.0
    return float(worst) - float(non)


def links_vs_prior_check(
    prior_rules: float | None, prior: float | None, n_records: int, linked_pairs: int
) -> Check:
    """Linked pairs against the matching pairs that λ expects among all n(n−1)/2.

    ``prior`` is λ re-estimated from the scored pairs (roshan.link.prior), so
    λ·n(n−1)/2 is the model's own expected number of matching pairs, Σ P(match). A
    model sure of its matches links about that many; one that links far fewer leaves
    much of its expected matches in pairs it is unsure of, and one that links far more
    is linking pairs it does not believe. ``prior_rules`` (λ from the deterministic
    rules) is reported beside it: a rules λ many times the re-estimated one means the
    rules' "sure" matches were largely namesakes.
    """
    if not prior or n_records < 2:
        return Check("links_vs_prior", True, "no prior to compare with", {}, judged=False)
    n_pairs = n_records * (n_records - 1) / 2
    expected = float(prior) * n_pairs
    ratio = linked_pairs / expected if expected > 0 else math.inf
    judged = expected >= MIN_GROUP_PAIRS
    ok = LINKS_RATIO_LOW <= ratio <= LINKS_RATIO_HIGH or not judged
    figures = {
        "linked_pairs": int(linked_pairs),
        "expected_pairs": round(expected, 1),
        "ratio": round(ratio, 3),
        "prior": float(prior),
        "prior_rules": None if prior_rules is None else float(prior_rules),
    }
    detail = (
        f"{linked_pairs} linked pairs where the model expects about {expected:.0f} "
        f"({ratio:.2f} times)"
    )
    if prior_rules and prior_rules > 3 * prior:
        detail += (
            f"; the deterministic rules' prior was {prior_rules / prior:.1f} times too "
            "high (many namesakes), re-estimated from the scored pairs"
        )
    return Check("links_vs_prior", ok, detail, figures, judged=judged)
