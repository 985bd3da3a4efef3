"""Train the Fellegi–Sunter parameters with Splink, unsupervised, reproducibly.

* **u** (how often non-matches agree by chance) by random sampling. The sample of
  records is drawn here, with numpy and the run's seed, and Splink then compares
  *every* pair inside it; so the u values are the same on DuckDB and Spark (Splink's
  own SQL sampling differs between engines).
* **λ** (the prior that two records match) from deterministic rules with an assumed
  recall.
* **m** (how often true matches agree) by expectation-maximisation over several
  blocking passes, each of which leaves the comparisons it blocks on untrained so
  that every comparison is trained by some other pass.
* **Review labels**: when people have confirmed enough pairs as matches, m is
  re-estimated from those labelled matches (Splink's
  ``estimate_m_from_pairwise_labels``), which replaces the EM values for every
  comparison the labels cover.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from splink import Linker

from roshan.link.engine import Backend
from roshan.link.health import Check, anchor_checks, anchor_score, enforce_order, model_checks
from roshan.link.predict import score_listed_pairs
from roshan.link.review.decisions import ordered_pairs
from roshan.link.settings import ModelSpec
from roshan.link.splink_adapter import get_lambda, set_lambda
from roshan.link.sure import find_pairs

if TYPE_CHECKING:
    from roshan.link.splink_adapter import BlockingRuleCreator, SplinkChart

log = logging.getLogger(__name__)

U_SAMPLE_ROWS = 1500
"""Records sampled for u estimation (all ~1.1M pairs among them are compared)."""

EM_MAX_PAIRS = 2_000_000
"""Above this many blocked pairs, an EM pass samples (Splink's ``max_pairs``)."""

M_FLOOR = 1e-3
"""Smallest m kept for any trained level. EM on clean blocks can drive m of a
disagreement level (sex differs, dates far apart) to ~1e-30, which would let one
misrecorded field veto a match outright; reporting errors are real, so every level
keeps at least this much probability among true matches (then m is renormalised)."""

MIN_LABELLED_MATCHES = 30
"""Fewer confirmed matches than this are used as constraints only, not for m."""


@dataclass
class TrainingReport:
    """What training did: λ, EM passes run or skipped, labels used, warnings."""

    probability_two_random_records_match: float | None = None
    em_passes: list[dict[str, Any]] = field(default_factory=list)
    u_sample_rows: int = 0
    labelled_matches_used: int = 0
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # Multi-start training: every start tried, its checks and score; the one chosen.
    starts: list[dict[str, Any]] = field(default_factory=list)
    chosen_start: str = ""
    repairs: list[dict[str, Any]] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    sure_pairs: int = 0
    sure_nonmatch_pairs: int = 0
    prior: dict[str, float] = field(default_factory=dict)
    # the sure pairs used to judge the models (not serialised: record ids only)
    anchors: Any = field(default=None, repr=False)
    # the sure-match model (m from leave-one-out sure matches, no EM) when another start
    # was chosen and it passed its checks too: the pipeline compares the two on the
    # scored pairs (roshan.link.consistency). Not serialised.
    alternative: Any = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "probability_two_random_records_match": self.probability_two_random_records_match,
            "em_passes": self.em_passes,
            "u_sample_rows": self.u_sample_rows,
            "labelled_matches_used": self.labelled_matches_used,
            "warnings": list(self.warnings),
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
            "notes": list(self.notes),
            "starts": list(self.starts),
            "chosen_start": self.chosen_start,
            "repairs": list(self.repairs),
            "sure_pairs": self.sure_pairs,
            "sure_nonmatch_pairs": self.sure_nonmatch_pairs,
            "prior": dict(self.prior),
        }


def _quiet_splink() -> None:
    """Splink's own chatter (untrained-level notices, max_pairs advice) is not for end
    users; what matters is reported in the TrainingReport instead."""
    names = ["splink"] + [n for n in logging.root.manager.loggerDict if n.startswith("splink.")]
    for name in names:
        logging.getLogger(name).setLevel(logging.ERROR)


def estimate_u(
    backend: Backend,
    prepared: pd.DataFrame,
    spec: ModelSpec,
    *,
    seed: int,
    sample_rows: int = U_SAMPLE_ROWS,
) -> dict[str, Any]:
    """The model dict with u values estimated on a seeded sample of records."""
    n = min(len(prepared), sample_rows)
    sample = (
        prepared.sample(n=n, random_state=np.random.RandomState(seed))
        .sort_values("unique_id")
        .reset_index(drop=True)
    )
    sdf = backend.register(sample, "usample")
    linker = Linker(sdf, spec.settings(), log_level=None)
    max_pairs = n * (n - 1) / 2 + 10  # compare every pair in the sample: no SQL sampling
    linker.training.estimate_u_using_random_sampling(
        max_pairs=max_pairs, seed=seed, min_count_per_level=None, num_chunks=1
    )
    return linker.misc.save_model_to_json()


def _estimate_lambda(
    linker: Linker, spec: ModelSpec, report: TrainingReport, n_records: int
) -> None:
    try:
        rules: list[str | BlockingRuleCreator] = list(spec.deterministic_rules)
        linker.training.estimate_probability_two_random_records_match(
            rules, recall=spec.deterministic_recall
        )
        prob = get_lambda(linker)
    except ValueError:
        prob = 0.0
    total = max(n_records * (n_records - 1) / 2, 1)
    floor = 1.0 / total  # at least one match expected among all pairs
    if not prob or prob <= 0 or not np.isfinite(prob):
        report.warnings.append(
            "the deterministic rules found no sure matches; the prior match probability "
            "falls back to one expected match per record"
        )
        prob = min(max(n_records / total, floor), 0.5)
    prob = float(min(max(prob, floor), 0.5))
    set_lambda(linker, prob)
    report.probability_two_random_records_match = prob


def _untrained_comparisons(linker: Linker) -> list[str]:
    """Comparisons none of whose non-null levels has an m value yet."""
    out = []
    for comp in linker.misc.save_model_to_json().get("comparisons", []):
        levels = [lv for lv in comp.get("comparison_levels", []) if not lv.get("is_null_level")]
        if levels and all(lv.get("m_probability") is None for lv in levels):
            out.append(str(comp.get("output_column_name")))
    return out


def _em_pass(
    backend: Backend,
    linker: Linker,
    sdf: Any,
    rule: str,
    report: TrainingReport,
    max_pairs: float | None,
) -> Linker:
    """One EM pass; on failure the model is restored to what it was before the pass.

    A pass that fails (on small data EM can drive an m value to an underflowing
    zero) is retried once with λ held at its deterministic estimate, which
    stabilises EM on sparse blocks. A failed Splink EM session can leave λ
    half-updated, so the linker is rebuilt from the saved model, not trusted.
    """
    saved = linker.misc.save_model_to_json()
    msg = ""
    for fix_lambda in (False, True):
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule,
                estimate_without_term_frequencies=False,
                max_pairs=max_pairs,
                fix_probability_two_random_records_match=fix_lambda,
            )
            report.em_passes.append({"rule": rule, "status": "ok", "fixed_lambda": fix_lambda})
            return linker
        except Exception as exc:  # noqa: BLE001 - a pass with no pairs must not stop the run
            msg = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
            linker = Linker(sdf, saved, log_level=None)
    report.em_passes.append({"rule": rule, "status": "skipped", "reason": msg})
    report.notes.append(f"EM pass skipped ({rule}): {msg}")
    log.info("EM pass skipped: %s", msg)
    return linker


def _run_em(
    backend: Backend,
    linker: Linker,
    sdf: Any,
    spec: ModelSpec,
    report: TrainingReport,
    max_pairs: float | None,
    rules: list[str] | None = None,
) -> Linker:
    for rule in spec.em_rules if rules is None else rules:
        linker = _em_pass(backend, linker, sdf, rule, report, max_pairs)
    for rule in spec.em_fallback_rules:
        if not _untrained_comparisons(linker):
            break
        linker = _em_pass(backend, linker, sdf, rule, report, max_pairs)
    missing = _untrained_comparisons(linker)
    if missing:
        report.warnings.append(
            "too few records to learn how much " + ", ".join(missing) + " tells about a "
            "match; prior values were used for "
            + ("it" if len(missing) == 1 else "them")
            + " (link more records, or review pairs, to train them)"
        )
        linker = Linker(sdf, prior_m(linker.misc.save_model_to_json(), missing), log_level=None)
    return linker


PRIOR_M = (0.6, 0.2, 0.08, 0.05, 0.03, 0.02)
"""Prior m for a comparison's levels, most specific first (the last level, "all
other comparisons", gets 0.01); used only when EM could not train a comparison."""


def prior_m(model: dict[str, Any], comparisons: list[str]) -> dict[str, Any]:
    """The model with prior m values for the named (untrained) comparisons."""
    for comp in model.get("comparisons", []):
        if str(comp.get("output_column_name")) not in comparisons:
            continue
        levels = [lv for lv in comp.get("comparison_levels", []) if not lv.get("is_null_level")]
        weights = [PRIOR_M[min(i, len(PRIOR_M) - 1)] for i in range(len(levels) - 1)] + [0.01]
        total = sum(weights)
        for lv, w in zip(levels, weights, strict=True):
            lv["m_probability"] = w / total
    return model


def _apply_labels(
    backend: Backend,
    sdf: Any,
    model: dict[str, Any],
    spec: ModelSpec,
    labels: pd.DataFrame | None,
    report: TrainingReport,
) -> dict[str, Any]:
    """``model`` with m replaced, for every comparison the labels cover, by its
    distribution among pairs people confirmed as matches.

    Splink's ``estimate_m_from_pairwise_labels`` *averages* the labels' m with every
    EM pass's (each training session is one more trained value), so a handful of EM
    passes could outvote hundreds of reviewed pairs; here the labels replace EM's m.
    """
    if labels is None or labels.empty:
        return model
    matches = labels[labels["is_match"].astype(bool)][["unique_id_l", "unique_id_r"]]
    if len(matches) < MIN_LABELLED_MATCHES:
        if len(matches):
            report.warnings.append(
                f"{len(matches)} reviewed matches (fewer than {MIN_LABELLED_MATCHES}): used "
                "as constraints only, not to estimate m"
            )
        return model
    pairs = matches.astype("int64").reset_index(drop=True)
    out = json.loads(json.dumps(model))
    scored = score_listed_pairs(Linker(sdf, model, log_level=None), backend, pairs)
    for comp in out.get("comparisons", []):
        col = str(comp.get("output_column_name"))
        if col not in spec.covariates:
            _set_m_from_levels(comp, scored.get(f"gamma_{col}"), MIN_LABELLED_MATCHES)
    report.labelled_matches_used = len(pairs)
    return out


def _set_m_from_levels(comp: dict[str, Any], gamma: pd.Series | None, minimum: int) -> bool:
    """Set a comparison's m to the share of each level among observed pairs (+0.5 per
    level, so an unseen level is not impossible). False when fewer than ``minimum``
    pairs have the comparison non-null (m is left alone)."""
    if gamma is None:
        return False
    gamma = gamma[gamma >= 0]
    if len(gamma) < minimum:
        return False
    freq = gamma.value_counts()
    vals = level_values(comp)
    total = float(len(gamma)) + 0.5 * len(vals)
    for v, lv in vals:
        lv["m_probability"] = (float(freq.get(v, 0)) + 0.5) / total
    return True


def floor_m(model: dict[str, Any], floor: float = M_FLOOR) -> dict[str, Any]:
    """The model with each comparison's trained m values floored and renormalised."""
    for comp in model.get("comparisons", []):
        levels = [
            lv
            for lv in comp.get("comparison_levels", [])
            if not lv.get("is_null_level") and lv.get("m_probability") is not None
        ]
        if not levels:
            continue
        for lv in levels:
            lv["m_probability"] = max(float(lv["m_probability"]), floor)
        total = sum(lv["m_probability"] for lv in levels)
        for lv in levels:
            lv["m_probability"] = lv["m_probability"] / total
    return model


def _check_trained(model: dict[str, Any], report: TrainingReport) -> None:
    for comp in model.get("comparisons", []):
        for level in comp.get("comparison_levels", []):
            if level.get("is_null_level"):
                continue
            if level.get("m_probability") is None or level.get("u_probability") is None:
                report.notes.append(
                    f"comparison {comp.get('output_column_name')!r}: level "
                    f"{level.get('label_for_charts')!r} could not be trained (too little data); "
                    "Splink's default is used"
                )


ANCHOR_LIMIT = 50_000
"""At most this many sure matches (and as many sure non-matches) are scored to judge a
model: a deterministic hash sample beyond it, so training stays cheap at a million
records."""

MIN_SURE_M_PAIRS = 20
"""A comparison's m is estimated from leave-one-out sure matches only from this many."""


@dataclass
class Anchors:
    """Sure matches and sure non-matches (roshan.link.sure) with their group columns."""

    sure: pd.DataFrame
    nonsure: pd.DataFrame

    @property
    def empty(self) -> bool:
        return self.sure.empty and self.nonsure.empty


def find_anchors(
    prepared: pd.DataFrame,
    spec: ModelSpec,
    *,
    limit: int | None = ANCHOR_LIMIT,
    labels: pd.DataFrame | None = None,
) -> Anchors:
    """The spec's sure pairs in ``prepared`` (empty frames when the spec has no rules).

    Pairs people decided in review (``labels``) are the surest of all: confirmed
    matches join the sure matches (and a pair the rules called sure but a reviewer
    rejected leaves them), rejected pairs join the sure non-matches.
    """
    extra = (spec.group_column,) if spec.group_column else ()
    if not spec.sure_match:
        empty = pd.DataFrame(columns=["unique_id_l", "unique_id_r"])
        return Anchors(empty, empty)
    sure = find_pairs(prepared, spec.sure_match, limit=limit, extra=extra)
    non = (
        find_pairs(prepared, spec.sure_nonmatch, limit=limit, extra=extra)
        if spec.sure_nonmatch
        else sure.iloc[:0]
    )
    if labels is not None and not labels.empty:
        lab = _with_columns(labels, prepared, extra)
        yes = lab[lab["is_match"].astype(bool)].drop(columns="is_match")
        no = lab[~lab["is_match"].astype(bool)].drop(columns="is_match")
        key = ["unique_id_l", "unique_id_r"]
        rejected = sure.merge(no[key], on=key, how="left", indicator=True)["_merge"] == "both"
        sure = pd.concat([sure[~rejected.to_numpy()], yes], ignore_index=True).drop_duplicates(key)
        non = pd.concat([non, no], ignore_index=True).drop_duplicates(key)
    return Anchors(sure.reset_index(drop=True), non.reset_index(drop=True))


def _with_columns(
    labels: pd.DataFrame, prepared: pd.DataFrame, extra: tuple[str, ...]
) -> pd.DataFrame:
    """Labelled pairs (smaller id left) with ``<col>_l``/``<col>_r`` for each extra column."""
    lo, hi = ordered_pairs(labels["unique_id_l"], labels["unique_id_r"])
    out = pd.DataFrame(
        {
            "unique_id_l": lo,
            "unique_id_r": hi,
            "is_match": labels["is_match"].astype(bool).to_numpy(),
        }
    )
    idx = prepared.set_index("unique_id")
    for c in extra:
        if c in idx.columns:
            out[f"{c}_l"] = idx[c].reindex(out["unique_id_l"]).to_numpy()
            out[f"{c}_r"] = idx[c].reindex(out["unique_id_r"]).to_numpy()
    return out


def judge_model(
    backend: Backend,
    sdf: Any,
    model: dict[str, Any],
    spec: ModelSpec,
    anchors: Anchors,
    threshold: float,
) -> list[Check]:
    """Model checks and sure-pair checks of one candidate model (roshan.link.health)."""
    checks = model_checks(model, spec.agreement_levels, spec.level_chains, spec.min_agreement_m)
    if anchors.empty:
        return checks
    linker = Linker(sdf, model, log_level=None)
    scored = []
    for pairs in (anchors.sure, anchors.nonsure):
        sc = score_listed_pairs(linker, backend, pairs)[
            ["unique_id_l", "unique_id_r", "match_probability"]
        ]
        scored.append(pairs.merge(sc, on=["unique_id_l", "unique_id_r"], how="left"))
    return checks + anchor_checks(scored[0], scored[1], threshold, spec.group_column)


def level_values(comp: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """(comparison vector value, level) for each non-null level: else is 0, the most
    specific level the highest."""
    levels = [lv for lv in comp.get("comparison_levels", []) if not lv.get("is_null_level")]
    n = len(levels)
    return [(n - 1 - i, lv) for i, lv in enumerate(levels)]


def sure_m(
    backend: Backend,
    sdf: Any,
    prepared: pd.DataFrame,
    model: dict[str, Any],
    spec: ModelSpec,
    report: TrainingReport,
) -> dict[str, Any] | None:
    """``model`` with m of each comparison taken from its leave-one-out sure matches.

    For comparison c the pairs are those made sure by the *other* fields
    (``spec.sure_m_rules[c]``); under the model's conditional independence, the
    distribution of c's levels among them is c's m. Counted from the comparison
    vectors Splink computes for those pairs (+0.5 per level, so an unseen level is not
    impossible). Comparisons with too few such pairs keep :data:`PRIOR_M`. None when
    the spec has no rules.
    """
    if not spec.sure_m_rules:
        return None
    out = json.loads(json.dumps(model))
    linker = Linker(sdf, model, log_level=None)
    counts: dict[str, int] = {}
    for comp in out.get("comparisons", []):
        col = str(comp.get("output_column_name"))
        rule = spec.sure_m_rules.get(col)
        gamma = None
        if rule is not None:
            pairs = find_pairs(prepared, rule, limit=ANCHOR_LIMIT)
            if len(pairs):
                gamma = score_listed_pairs(linker, backend, pairs).get(f"gamma_{col}")
        counts[col] = 0 if gamma is None else int((gamma >= 0).sum())
        if not _set_m_from_levels(comp, gamma, MIN_SURE_M_PAIRS):
            # a covariate (same list or not) or too few pairs: no evidence either way
            for _, lv in level_values(comp):
                lv["m_probability"] = lv.get("u_probability")
    report.notes.append(
        "m from leave-one-out sure matches: "
        + ", ".join(f"{k} {v} pairs" for k, v in counts.items())
    )
    return out


START_NAMES = ("em-default", "em-sure")
"""The training starts tried by default: Splink's default start and m from leave-one-out
sure matches. (``em-sure-reversed``, the sure start with the EM passes in reverse
order, can be asked for; on the outside scenarios it never differed from ``em-sure``.)
``sure-matches`` — m from leave-one-out sure matches, without EM — is the fallback."""


@dataclass
class _Candidate:
    name: str
    model: dict[str, Any]
    report: TrainingReport
    checks: list[Check]
    repairs: list[dict[str, Any]]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def score(self) -> float:
        return anchor_score(self.checks)


def _finish(model: dict[str, Any], spec: ModelSpec) -> tuple[dict[str, Any], list[dict]]:
    model = floor_m(model)
    return model, enforce_order(model, spec.level_chains)


def _candidate(
    name: str,
    backend: Backend,
    sdf: Any,
    start: dict[str, Any],
    spec: ModelSpec,
    labels: pd.DataFrame | None,
    anchors: Anchors,
    threshold: float,
    base_report: TrainingReport,
    *,
    em_rules: list[str] | None = None,
    max_pairs: float | None = None,
) -> _Candidate:
    """One start, trained by EM over ``em_rules`` (``None``: taken as it is), with the
    labels applied, m floored and the level order enforced, then judged."""
    rep = TrainingReport(
        probability_two_random_records_match=(base_report.probability_two_random_records_match)
    )
    model = start
    if em_rules is not None:
        linker = Linker(sdf, start, log_level=None)
        linker = _run_em(backend, linker, sdf, spec, rep, max_pairs, rules=em_rules)
        model = linker.misc.save_model_to_json()
    model = _apply_labels(backend, sdf, model, spec, labels, rep)
    model, repairs = _finish(model, spec)
    return _Candidate(
        name, model, rep, judge_model(backend, sdf, model, spec, anchors, threshold), repairs
    )


def train(
    backend: Backend,
    prepared_sdf: Any,
    prepared: pd.DataFrame,
    spec: ModelSpec,
    *,
    seed: int = 42,
    labels: pd.DataFrame | None = None,
    u_sample_rows: int = U_SAMPLE_ROWS,
    em_max_pairs: float = EM_MAX_PAIRS,
    threshold: float | None = None,
    fallback: bool = False,
    starts: tuple[str, ...] | None = None,
) -> tuple[Linker, TrainingReport]:
    """A trained Splink linker over ``prepared_sdf`` and a report of what training did.

    ``labels`` (optional): columns unique_id_l, unique_id_r, is_match from review.

    With sure-pair rules in the spec, EM runs from several starts (:data:`START_NAMES`:
    Splink's default start, then m from leave-one-out sure matches), in order until one
    passes every check; each result is floored, put in order
    (:func:`roshan.link.health.enforce_order`) and judged against the sure pairs. When
    none passes, the model chosen is the one that agrees best with the sure pairs
    (worst script combination's share of sure matches linked, minus the share of sure
    non-matches linked); ties go to the earlier start. ``starts`` names the starts to
    run, all of them. ``fallback``:
    train the fallback instead — m from leave-one-out sure matches, without EM.
    ``report.checks`` are the chosen model's checks.
    """
    _quiet_splink()
    report = TrainingReport()
    thr = spec.threshold if threshold is None else float(threshold)
    t0 = time.perf_counter()
    model = estimate_u(backend, prepared, spec, seed=seed, sample_rows=u_sample_rows)
    report.u_sample_rows = min(len(prepared), u_sample_rows)
    report.timings["u"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    linker = Linker(prepared_sdf, model, log_level=None)
    _estimate_lambda(linker, spec, report, len(prepared))
    base = linker.misc.save_model_to_json()
    report.timings["lambda"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    anchors = find_anchors(prepared, spec, labels=labels)
    report.anchors = anchors
    report.sure_pairs, report.sure_nonmatch_pairs = len(anchors.sure), len(anchors.nonsure)
    informed = sure_m(backend, prepared_sdf, prepared, base, spec, report)
    report.timings["sure_pairs"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    max_pairs = em_max_pairs if len(prepared) > 20_000 else None
    candidates: list[_Candidate] = []

    def candidate(name: str, start: dict[str, Any], em_rules: list[str] | None) -> _Candidate:
        return _candidate(
            name,
            backend,
            prepared_sdf,
            start,
            spec,
            labels,
            anchors,
            thr,
            report,
            em_rules=em_rules,
            max_pairs=max_pairs,
        )

    if fallback and informed is not None:
        candidates.append(candidate("sure-matches", informed, None))
    else:
        wanted = starts or START_NAMES
        plan: list[tuple[str, Any]] = []
        if "em-default" in wanted or informed is None:
            plan.append(("em-default", lambda: candidate("em-default", base, list(spec.em_rules))))
        if informed is not None:
            for name, rules in (
                ("em-sure", list(spec.em_rules)),
                ("em-sure-reversed", list(reversed(spec.em_rules))),
            ):
                if name in wanted:
                    plan.append(
                        (name, lambda name=name, rules=rules: candidate(name, informed, rules))
                    )
            if "sure-matches" in wanted:
                plan.append(("sure-matches", lambda: candidate("sure-matches", informed, None)))
        for _name, make in plan:
            candidates.append(make())
            # Starts are tried in order until one passes every check (unless the caller
            # named the starts: then all run). On outside scenarios every passing start
            # scored the same against the sure pairs, so a passing model is not
            # second-guessed at the cost of another EM run.
            if starts is None and candidates[-1].ok:
                break
    report.timings["em"] = time.perf_counter() - t0
    passing = [c for c in candidates if c.ok]
    pool = passing or candidates
    best = max(pool, key=lambda c: (c.score, -candidates.index(c)))
    for c in candidates:
        report.starts.append(
            {
                "start": c.name,
                "ok": c.ok,
                "score": round(c.score, 4),
                "failed": [k.name for k in c.checks if not k.ok],
                "em_passes": c.report.em_passes,
            }
        )
    report.chosen_start = best.name
    report.em_passes = best.report.em_passes
    report.labelled_matches_used = best.report.labelled_matches_used
    report.warnings += best.report.warnings
    report.notes += best.report.notes
    report.repairs = best.repairs
    report.checks = best.checks
    if informed is not None and best.ok and best.name != "sure-matches" and not fallback:
        alt = next((c for c in candidates if c.name == "sure-matches"), None)
        alt = alt or candidate("sure-matches", informed, None)
        report.alternative = alt if alt.ok else None
    _check_trained(best.model, report)
    return Linker(prepared_sdf, best.model, log_level=None), report


def save_model(linker: Linker, models_dir: Path, *, name: str = "link_model") -> dict[str, Path]:
    """Write the model JSON and its charts as self-contained offline HTML (no CDN)."""
    models_dir.mkdir(parents=True, exist_ok=True)
    paths = {"model": models_dir / f"{name}.json"}
    linker.misc.save_model_to_json(str(paths["model"]), overwrite=True)
    charts: dict[str, Callable[[], SplinkChart[Any]]] = {
        "match_weights": linker.visualisations.match_weights_chart,
        "m_u_parameters": linker.visualisations.m_u_parameters_chart,
    }
    for key, make in charts.items():
        path = models_dir / f"{name}_{key}.html"
        try:
            path.write_text(make().to_html(inline=True), encoding="utf-8")
            paths[key] = path
        except Exception:  # a chart must never fail a linkage run
            log.warning("could not draw the %s chart", key, exc_info=True)
    return paths
