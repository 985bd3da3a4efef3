"""One robustness run: an outside scenario through roshan (ingest → normalise → link
[→ estimate]) and a naive Splink set-up on the same records, scored against the truth.

Used by ``bench/link_robustness.py`` (the sweep over families and seeds) and by the
test suite's small version (``tests/robustness``). All data are SYNTHETIC.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from robustness.outside import generate

SOURCE_PREFIX = "SYNTHETIC-"


def ingest_outside(sc: Any, ws: Any) -> list[Any]:
    """Ingest every list of an outside scenario (files written) into workspace ``ws``."""
    from roshan.canonical import SourceKind
    from roshan.ingest.importer import ingest_file

    results = []
    for name in sc.lists:
        results.append(
            ingest_file(
                ws,
                sc.files[name],
                source_name=SOURCE_PREFIX + name,
                source_kind=SourceKind.NGO_LIST,
                mapping_path=sc.files.get(f"{name}.mapping"),
            )
        )
    return results


def truth_of(sc: Any, normalized: pd.DataFrame) -> pd.Series:
    """person_id indexed by record_pk for every record of the normalised snapshot."""
    t = sc.truth.assign(
        source=SOURCE_PREFIX + sc.truth["list"].astype(str),
        row_number=sc.truth["row_number"].astype("int64"),
    )
    n = normalized[["record_pk", "source", "row_number"]].copy()
    n["row_number"] = n["row_number"].astype("int64")
    m = n.merge(t[["source", "row_number", "person_id"]], on=["source", "row_number"], how="inner")
    return pd.Series(
        m["person_id"].astype(str).to_numpy(), index=m["record_pk"].astype("int64").to_numpy()
    )


def naive_splink(normalized: pd.DataFrame, threshold: float = 0.9) -> pd.Series:
    """What a first-time Splink user writes on the normalised columns, following
    Splink's tutorial: block on the exact name, library comparisons, λ from a
    deterministic rule (same name and date, recall 0.7), u by sampling, EM on the name
    and on the date, connected components at 0.9. (Without the λ step Splink's default
    prior of 0.0001 links nothing here at 0.9.)"""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    df = pd.DataFrame({"unique_id": normalized["record_pk"].astype("int64").to_numpy()})
    for c in (
        "given_norm",
        "family_norm",
        "father_norm",
        "dod_iso",
        "sex",
        "province_code",
        "city",
    ):
        s = normalized[c].astype(object)
        df[c] = s.where(s.notna(), None).to_numpy()
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("given_norm"),
            cl.NameComparison("family_norm"),
            *[cl.ExactMatch(c) for c in ("father_norm", "dod_iso", "sex", "province_code", "city")],
        ],
        blocking_rules_to_generate_predictions=[block_on("given_norm", "family_norm")],
    )
    linker = Linker(DuckDBAPI().register(df), settings, log_level=None)
    try:
        linker.training.estimate_probability_two_random_records_match(
            [block_on("given_norm", "family_norm", "dod_iso")], recall=0.7
        )
    except Exception:  # noqa: BLE001 - keep Splink's default prior if the rule finds nothing
        pass
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    for rule in (block_on("given_norm", "family_norm"), block_on("dod_iso")):
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
        except Exception:  # noqa: BLE001 - a naive set-up may fail to train; score what it gives
            pass
    pred = linker.inference.predict(threshold_match_probability=threshold)
    c = linker.clustering.cluster_pairwise_predictions_at_threshold(
        pred, threshold
    ).as_pandas_dataframe()
    out = pd.Series(
        c["cluster_id"].astype(str).to_numpy(), index=c["unique_id"].astype("int64").to_numpy()
    )
    return out.reindex(df["unique_id"].to_numpy()).fillna(
        pd.Series([f"single-{i}" for i in df["unique_id"]], index=df["unique_id"].to_numpy())
    )


def oracle_link(normalized: pd.DataFrame, truth: pd.Series) -> dict[str, float]:
    """roshan's model with m taken from every true matching pair (supervised): what
    these comparisons can reach on this data when training is perfect. A family where
    even this misses the targets is limited by the information in its records."""
    import itertools

    from roshan.link.core import link_prepared
    from roshan.link.prepare import prepare_frame
    from roshan.link.quality import pairwise_scores
    from roshan.link.settings import roshan_spec

    rows = []
    for _, grp in truth.groupby(truth):
        rows += list(itertools.combinations(sorted(grp.index), 2))
    labels = pd.DataFrame(rows, columns=["unique_id_l", "unique_id_r"]).assign(is_match=True)
    res = link_prepared(prepare_frame(normalized), roshan_spec(), seed=1, labels=labels)
    pw = pairwise_scores(res.clustering.labels.set_index("record_pk")["cluster"], truth)
    return {"precision": round(pw.precision, 4), "recall": round(pw.recall, 4)}


class _SimScenario:
    """A scenario of roshan's own simulator in the shape run_one needs (SYNTHETIC)."""

    def __init__(self, family: str, seed: int, out: Path) -> None:
        from roshan.simulate.families import family_config
        from roshan.simulate.scenario import simulate

        self.dir = out
        self.manifest = simulate(family_config(family, seed), out)
        truth = pd.read_csv(
            out / "truth" / "records.csv", dtype=str, usecols=["source", "row_number", "victim_id"]
        )
        self.truth = truth.rename(columns={"source": "list", "victim_id": "person_id"})
        self.n_people_exist = int(
            self.manifest.get("population") or self.manifest.get("config", {}).get("population")
        )

    def ingest(self, ws: Any) -> list[Any]:
        from roshan.simulate.scenario import ingest_scenario

        return ingest_scenario(ws, self.dir, self.manifest)


def _truth(sc: Any, normalized: pd.DataFrame) -> pd.Series:
    if isinstance(sc, _SimScenario):
        t = sc.truth.assign(
            source=sc.truth["list"], row_number=sc.truth["row_number"].astype("int64")
        )
        n = normalized[["record_pk", "source", "row_number"]].copy()
        n["row_number"] = n["row_number"].astype("int64")
        m = n.merge(t[["source", "row_number", "person_id"]], on=["source", "row_number"])
        return pd.Series(
            m["person_id"].astype(str).to_numpy(), index=m["record_pk"].astype("int64").to_numpy()
        )
    return truth_of(sc, normalized)


def run_one(
    family: str,
    seed: int,
    *,
    work: Path | None = None,
    naive: bool = True,
    estimate: bool = False,
    keep: bool = False,
    oracle: bool = False,
    generator: str = "outside",
) -> dict[str, Any]:
    """Generate, ingest, link (and optionally estimate) one scenario; score it.

    ``generator``: ``outside`` (bench/robustness/outside.py, written independently of
    roshan), ``wild`` (bench/robustness/wild.py, also written independently: lists with
    free-form headers and no mapping files) or ``simulate`` (roshan's own simulator's
    families, roshan.simulate.families).
    """
    from roshan.link.pipeline import link_workspace
    from roshan.link.quality import bcubed_scores, pairwise_scores
    from roshan.store.workspace import Workspace

    logging.getLogger("splink").setLevel(logging.ERROR)
    tmp = Path(work) if work else Path(tempfile.mkdtemp(prefix="roshan-robust-"))
    out: dict[str, Any] = {"family": family, "seed": seed, "generator": generator}
    try:
        if generator == "simulate":
            sc: Any = _SimScenario(family, seed, tmp / "lists")
        elif generator == "wild":
            from robustness.wild import generate as generate_wild

            sc = generate_wild(family, seed, out_dir=tmp / "lists")
        else:
            sc = generate(family, seed, out_dir=tmp / "lists")
        ws = Workspace.init(tmp / "ws")
        try:
            res = sc.ingest(ws) if generator == "simulate" else ingest_outside(sc, ws)
            out["rows_rejected"] = int(sum(r.rows_rejected for r in res))
            t0 = time.perf_counter()
            summary = link_workspace(ws)
            out["link_seconds"] = round(time.perf_counter() - t0, 2)
            norm = pd.read_parquet(ws.snapshots_dir / "normalized.parquet")
            truth = _truth(sc, norm)
            cl = pd.read_parquet(ws.snapshots_dir / "clusters.parquet")
            pred = pd.Series(
                cl["cluster_id"].astype(str).to_numpy(),
                index=cl["record_pk"].astype("int64").to_numpy(),
            )
            pw = pairwise_scores(pred, truth)
            out.update(
                {
                    "records": int(len(truth)),
                    "people_listed": int(truth.nunique()),
                    "people_exist": int(sc.n_people_exist),
                    "victims": int(summary.n_victims),
                    "precision": round(pw.precision, 4),
                    "recall": round(pw.recall, 4),
                    "f1": round(pw.f1, 4),
                    "bcubed_f1": round(bcubed_scores(pred, truth).f1, 4),
                    "health": (getattr(summary, "health", None) or {}).get("verdict"),
                    "health_failed": [
                        c["name"]
                        for c in (getattr(summary, "health", None) or {}).get("checks", [])
                        if not c["ok"]
                    ],
                    "chosen_start": summary.training.get("chosen_start"),
                    "train_seconds": summary.timings.get("train"),
                }
            )
            if naive:
                t0 = time.perf_counter()
                nv = naive_splink(norm)
                npw = pairwise_scores(nv.reindex(truth.index), truth)
                out["naive"] = {
                    "precision": round(npw.precision, 4),
                    "recall": round(npw.recall, 4),
                    "f1": round(npw.f1, 4),
                    "seconds": round(time.perf_counter() - t0, 2),
                }
            if oracle:
                out["oracle"] = oracle_link(norm, truth)
            if estimate:
                out["estimate"] = _estimate(ws, sc.n_people_exist)
        finally:
            ws.close()
    finally:
        if not keep and work is None:
            shutil.rmtree(tmp, ignore_errors=True)
    return out


def _estimate(ws: Any, truth_total: int) -> dict[str, Any]:
    """The default workspace estimate (``roshan estimate WS``: the default method pooled over
    the default number of linkage draws) and whether its interval covers the truth."""
    from roshan.errors import LinkageRiskError
    from roshan.estimate.workspace import estimate_workspace

    t0 = time.perf_counter()
    refused = False
    try:
        res = estimate_workspace(ws, store=False, seed=0)
    except LinkageRiskError:
        # what `roshan estimate WS` does on a failed health check; the coverage figure is
        # then taken from the estimate made with the risk accepted (--accept-linkage-risk)
        refused = True
        res = estimate_workspace(ws, store=False, seed=0, accept_linkage_risk=True)
    lo, hi = res.lower, res.upper
    lk = (res.diagnostics or {}).get("linkage") or {}
    return {
        "estimate": None if res.estimate is None else round(float(res.estimate), 1),
        "lower": lo,
        "upper": hi,
        "true_total": truth_total,
        "covers": bool(lo is not None and hi is not None and lo <= truth_total <= hi),
        "refused": refused,
        "observed_per_draw": lk.get("observed_per_draw"),
        "observed_gap": lk.get("observed_gap"),
        # the estimate on the linker's own clustering alone (no linkage draws)
        "plugin": lk.get("plugin"),
        "method": res.method,
        "seconds": round(time.perf_counter() - t0, 2),
    }


def summarise(values: list[float]) -> dict[str, float]:
    """Worst, 10th percentile, median and mean of a list of scores."""
    a = np.asarray(values, dtype=float)
    if not len(a):
        return {}
    return {
        "worst": round(float(a.min()), 4),
        "p10": round(float(np.percentile(a, 10)), 4),
        "median": round(float(np.median(a)), 4),
        "mean": round(float(a.mean()), 4),
    }
