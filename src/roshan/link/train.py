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

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from splink import Linker

from roshan.link.engine import Backend
from roshan.link.settings import ModelSpec

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

    def to_dict(self) -> dict[str, Any]:
        return {
            "probability_two_random_records_match": self.probability_two_random_records_match,
            "em_passes": self.em_passes,
            "u_sample_rows": self.u_sample_rows,
            "labelled_matches_used": self.labelled_matches_used,
            "warnings": list(self.warnings),
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
            "notes": list(self.notes),
        }


def _quiet_splink() -> None:
    """Splink's own chatter (untrained-level notices, max_pairs advice) is not for end
    users; what matters is reported in the TrainingReport instead."""
    names = ["splink"] + [n for n in logging.root.manager.loggerDict if n.startswith("splink.")]
    for name in names:
        logging.getLogger(name).setLevel(logging.ERROR)


def estimate_u(backend: Backend, prepared: pd.DataFrame, spec: ModelSpec, *, seed: int,
               sample_rows: int = U_SAMPLE_ROWS) -> dict[str, Any]:
    """The model dict with u values estimated on a seeded sample of records."""
    n = min(len(prepared), sample_rows)
    sample = prepared.sample(n=n, random_state=np.random.RandomState(seed)) \
        .sort_values("unique_id").reset_index(drop=True)
    sdf = backend.register(sample, "usample")
    linker = Linker(sdf, spec.settings(), log_level=None)
    max_pairs = n * (n - 1) / 2 + 10  # compare every pair in the sample: no SQL sampling
    linker.training.estimate_u_using_random_sampling(
        max_pairs=max_pairs, seed=seed, min_count_per_level=None, num_chunks=1)
    return linker.misc.save_model_to_json()


def _estimate_lambda(linker: Linker, spec: ModelSpec, report: TrainingReport,
                     n_records: int) -> None:
    try:
        linker.training.estimate_probability_two_random_records_match(
            spec.deterministic_rules, recall=spec.deterministic_recall)
        prob = linker._settings_obj._probability_two_random_records_match
    except ValueError:
        prob = 0.0
    total = max(n_records * (n_records - 1) / 2, 1)
    floor = 1.0 / total  # at least one match expected among all pairs
    if not prob or prob <= 0 or not np.isfinite(prob):
        report.warnings.append(
            "the deterministic rules found no sure matches; the prior match probability "
            "falls back to one expected match per record")
        prob = min(max(n_records / total, floor), 0.5)
    prob = float(min(max(prob, floor), 0.5))
    linker._settings_obj._probability_two_random_records_match = prob
    report.probability_two_random_records_match = prob


def _untrained_comparisons(linker: Linker) -> list[str]:
    """Comparisons none of whose non-null levels has an m value yet."""
    out = []
    for comp in linker.misc.save_model_to_json().get("comparisons", []):
        levels = [lv for lv in comp.get("comparison_levels", []) if not lv.get("is_null_level")]
        if levels and all(lv.get("m_probability") is None for lv in levels):
            out.append(str(comp.get("output_column_name")))
    return out


def _em_pass(backend: Backend, linker: Linker, sdf: Any, rule: str, report: TrainingReport,
             max_pairs: float | None) -> Linker:
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
                rule, estimate_without_term_frequencies=True, max_pairs=max_pairs,
                fix_probability_two_random_records_match=fix_lambda)
            report.em_passes.append({"rule": rule, "status": "ok", "fixed_lambda": fix_lambda})
            return linker
        except Exception as exc:  # noqa: BLE001 - a pass with no pairs must not stop the run
            msg = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
            linker = Linker(sdf, saved, log_level=None)
    report.em_passes.append({"rule": rule, "status": "skipped", "reason": msg})
    report.notes.append(f"EM pass skipped ({rule}): {msg}")
    log.info("EM pass skipped: %s", msg)
    return linker


def _run_em(backend: Backend, linker: Linker, sdf: Any, spec: ModelSpec,
            report: TrainingReport, max_pairs: float | None) -> Linker:
    for rule in spec.em_rules:
        linker = _em_pass(backend, linker, sdf, rule, report, max_pairs)
    for rule in spec.em_fallback_rules:
        if not _untrained_comparisons(linker):
            break
        linker = _em_pass(backend, linker, sdf, rule, report, max_pairs)
    missing = _untrained_comparisons(linker)
    if missing:
        report.warnings.append(
            "too few records to learn how much " + ", ".join(missing) + " tells about a "
            "match; prior values were used for " + ("it" if len(missing) == 1 else "them")
            + " (link more records, or review pairs, to train them)")
        linker = Linker(sdf, prior_m(linker.misc.save_model_to_json(), missing),
                        log_level=None)
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


def _apply_labels(backend: Backend, linker: Linker, labels: pd.DataFrame | None,
                  report: TrainingReport) -> None:
    if labels is None or labels.empty:
        return
    matches = labels[labels["is_match"].astype(bool)][["unique_id_l", "unique_id_r"]]
    if len(matches) < MIN_LABELLED_MATCHES:
        if len(matches):
            report.warnings.append(
                f"{len(matches)} reviewed matches (fewer than {MIN_LABELLED_MATCHES}): used "
                "as constraints only, not to estimate m")
        return
    tbl = matches.astype("int64").reset_index(drop=True)
    sdf = backend.register(tbl, "labels")
    linker.training.estimate_m_from_pairwise_labels(sdf)
    report.labelled_matches_used = len(tbl)


def floor_m(model: dict[str, Any], floor: float = M_FLOOR) -> dict[str, Any]:
    """The model with each comparison's trained m values floored and renormalised."""
    for comp in model.get("comparisons", []):
        levels = [lv for lv in comp.get("comparison_levels", [])
                  if not lv.get("is_null_level") and lv.get("m_probability") is not None]
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
                    "Splink's default is used")


def train(backend: Backend, prepared_sdf: Any, prepared: pd.DataFrame, spec: ModelSpec, *,
          seed: int = 42, labels: pd.DataFrame | None = None,
          u_sample_rows: int = U_SAMPLE_ROWS, em_max_pairs: float = EM_MAX_PAIRS,
          ) -> tuple[Linker, TrainingReport]:
    """A trained Splink linker over ``prepared_sdf`` and a report of what training did.

    ``labels`` (optional): columns unique_id_l, unique_id_r, is_match from review.
    """
    _quiet_splink()
    report = TrainingReport()
    t0 = time.perf_counter()
    model = estimate_u(backend, prepared, spec, seed=seed, sample_rows=u_sample_rows)
    report.u_sample_rows = min(len(prepared), u_sample_rows)
    report.timings["u"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    linker = Linker(prepared_sdf, model, log_level=None)
    _estimate_lambda(linker, spec, report, len(prepared))
    report.timings["lambda"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    linker = _run_em(backend, linker, prepared_sdf, spec, report,
                     em_max_pairs if len(prepared) > 20_000 else None)
    report.timings["em"] = time.perf_counter() - t0
    _apply_labels(backend, linker, labels, report)
    model = floor_m(linker.misc.save_model_to_json())
    _check_trained(model, report)
    return Linker(prepared_sdf, model, log_level=None), report


def save_model(linker: Linker, models_dir: Path, *, name: str = "link_model") -> dict[str, Path]:
    """Write the model JSON and its charts as self-contained offline HTML (no CDN)."""
    models_dir.mkdir(parents=True, exist_ok=True)
    paths = {"model": models_dir / f"{name}.json"}
    linker.misc.save_model_to_json(str(paths["model"]), overwrite=True)
    charts = {
        "match_weights": linker.visualisations.match_weights_chart,
        "m_u_parameters": linker.visualisations.m_u_parameters_chart,
    }
    for key, make in charts.items():
        path = models_dir / f"{name}_{key}.html"
        try:
            path.write_text(make().to_html(inline=True), encoding="utf-8")
            paths[key] = path
        except Exception:  # noqa: BLE001 - a chart must never fail a linkage run
            log.warning("could not draw the %s chart", key, exc_info=True)
    return paths
