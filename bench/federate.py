"""Benchmark of the federate stage on SYNTHETIC simulator scenarios.

For each scenario: simulate ``lists`` lists, give each of ``parties`` organisations a
contiguous share of them, link every organisation's workspace alone and one workspace
with all lists together (roshan's clear-text linkage), then

* calibration: the private matching (on clear tokens, which gives the same matches as
  blinded ones) for thresholds 2..8 against the clear-text party-level pattern counts;
* cost: the crypto rounds for real (hash-to-group, blinding by every party, shuffling,
  age encryption, signatures) on the scenario, timed per token.

    .venv/bin/python bench/federate.py --population 3000 --seeds 1 2 --parties 3 \
        --out bench/results/federate.json

Writes bench/results/federate.json and the section between ``<!-- bench:federate -->``
markers in docs/benchmarks.md (with --docs).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent


def build(
    seed: int, population: int, lists: int, parties: int, root: Path, with_all: bool = True
) -> dict:
    """Simulate, ingest and link: one workspace per party and (``with_all``) one with all
    lists."""
    from roshan.canonical import SourceKind
    from roshan.ingest.importer import ingest_file
    from roshan.link.pipeline import link_workspace
    from roshan.simulate.config import ScenarioConfig
    from roshan.simulate.scenario import simulate
    from roshan.store.workspace import Workspace

    logging.getLogger("splink").setLevel(logging.ERROR)
    manifest = simulate(ScenarioConfig(seed=seed, population=population, lists=lists), root / "sim")
    sources = manifest["sources"]
    names = [f"ORG-{chr(65 + i)}" for i in range(parties)]
    share = {s["name"]: names[k * parties // len(sources)] for k, s in enumerate(sources)}

    def ws_with(path: Path, which: list[dict]) -> Path:
        ws = Workspace.init(path)
        try:
            for s in which:
                mapping = root / "sim" / s["mapping"] if s.get("mapping") else None
                ingest_file(
                    ws,
                    root / "sim" / s["file"],
                    source_name=s["name"],
                    source_kind=SourceKind(s["kind"]),
                    mapping_path=mapping,
                )
            link_workspace(ws)
        finally:
            ws.close()
        return path

    t0 = time.perf_counter()
    party_ws = {
        p: ws_with(root / f"ws-{p}", [s for s in sources if share[s["name"]] == p]) for p in names
    }
    all_ws = ws_with(root / "ws-all", sources) if with_all else None
    return {
        "parties": names,
        "source_party": share,
        "party_ws": party_ws,
        "all_ws": all_ws,
        "link_seconds": time.perf_counter() - t0,
        "population": population,
        "seed": seed,
        "truth_capture": manifest,
        "sim": root / "sim",
    }


def build_cached(
    seed: int,
    population: int,
    lists: int,
    parties: int,
    cache: Path | None,
    tmp: Path,
    with_all: bool = True,
) -> dict:
    """:func:`build`, or the scenario built earlier into ``cache`` (workspaces kept)."""
    if cache is None:
        return build(seed, population, lists, parties, tmp, with_all)
    tail = "" if with_all else "-parties-only"
    root = Path(cache) / f"pop{population}-lists{lists}-parties{parties}-seed{seed}{tail}"
    meta = root / "built.json"
    if meta.is_file():
        d = json.loads(meta.read_text("utf-8"))
        for k in ("all_ws", "sim"):
            d[k] = Path(d[k]) if d[k] else None
        d["party_ws"] = {p: Path(v) for p, v in d["party_ws"].items()}
        return d
    if root.exists():
        import shutil

        shutil.rmtree(root)
    root.mkdir(parents=True)
    d = build(seed, population, lists, parties, root, with_all)
    meta.write_text(json.dumps(d, default=str), "utf-8")
    return d


def party_rows(built: dict) -> tuple[list[str], list, list]:
    """Each party's victims as tokens (``workspace_tokens``) and as rows of clear token
    ids (which match as blinded ones do)."""
    from roshan.federate.match import clear_ids
    from roshan.federate.tokens import MAX_TOKENS, workspace_tokens

    parties = built["parties"]
    vts = [workspace_tokens(built["party_ws"][p]) for p in parties]
    return parties, vts, [clear_ids(vt.tokens, MAX_TOKENS) for vt in vts]


def clear_counts(built: dict, parties: list[str], by: tuple[str, ...] = ()) -> pd.DataFrame:
    """Capture-pattern counts of roshan's clear-text linkage of all lists, by party."""
    from roshan.federate.match import party_histories

    victims = pd.read_parquet(Path(built["all_ws"]) / "snapshots" / "victims.parquet")
    return party_histories(victims, built["source_party"], parties, *([by] if by else []))


def row_truth(built: dict, party: str, uids: list[str]) -> list[str]:
    """The true person (SYNTHETIC truth/records.csv) of each of a party's linked victims:
    the one most of its records belong to."""
    ws = Path(built["party_ws"][party]) / "snapshots"
    norm = pd.read_parquet(ws / "normalized.parquet", columns=["record_pk", "source", "row_number"])
    clusters = pd.read_parquet(ws / "clusters.parquet", columns=["record_pk", "cluster_id"])
    truth = pd.read_csv(
        Path(built["sim"]) / "truth" / "records.csv", usecols=["source", "row_number", "victim_id"]
    )
    df = norm.merge(clusters, on="record_pk").merge(truth, on=["source", "row_number"])
    major = (
        df.groupby(["cluster_id", "victim_id"])
        .size()
        .reset_index(name="n")
        .sort_values("n", ascending=False)
        .drop_duplicates("cluster_id")
    )
    got = dict(zip(major["cluster_id"].astype(str), major["victim_id"].astype(str), strict=True))
    return [got.get(str(u), f"?{party}{u}") for u in uids]


def private_uncertainty(built: dict, draws: int, seed: int = 0) -> dict:
    """The private linkage's error, measured against the SYNTHETIC truth (clear tokens,
    which match as blinded ones do): per (shared tokens, unique) cell of best-candidate
    pairs, how many are the same person (the calibration of match.ACCEPT_PROBABILITY); and the
    log-linear estimate on the point counts vs pooled over ``draws`` drawn matchings
    (estimate.linkage.pool_results), with coverage of the true total and the width ratio."""
    import numpy as np

    from roshan.estimate.counts import CaptureCounts
    from roshan.estimate.linkage import pool_results
    from roshan.estimate.methods import fit
    from roshan.federate.match import (
        DEFAULT_UNIQUE_THRESHOLD,
        best_candidates,
        candidate_scores,
        match_counts,
        match_draws,
        pair_probability,
        pair_truth_table,
    )

    parties, vts, rows = party_rows(built)
    truth = np.array(
        [t for p, vt in zip(parties, vts, strict=True) for t in row_truth(built, p, vt.uids)],
        dtype=object,
    )
    scores = candidate_scores(rows, min_shared=DEFAULT_UNIQUE_THRESHOLD)
    scores = best_candidates(scores.assign(p=pair_probability(scores)), 0, key="p")
    table = pair_truth_table(scores, truth)
    # calibration of the scored rule: predicted vs observed share of same-person pairs
    same = truth[scores["rec_l"].to_numpy()] == truth[scores["rec_r"].to_numpy()]
    bins = pd.cut(scores["p"], [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0])
    calib = (
        pd.DataFrame({"bin": bins.astype(str), "p": scores["p"], "same": same})
        .groupby("bin")
        .agg(pairs=("same", "size"), same=("same", "sum"), mean_p=("p", "mean"))
        .reset_index()
    )
    # true cross-party pairs of rows that are no one's best candidate (missed by any draw)
    party_of = np.repeat(np.arange(len(rows)), [len(r) for r in rows])
    frame = pd.DataFrame({"t": truth, "party": party_of, "rec": np.arange(len(truth))})
    tp = frame.merge(frame, on="t", suffixes=("_l", "_r"))
    tp = tp[tp["party_l"] < tp["party_r"]]
    found = set(zip(scores["rec_l"], scores["rec_r"], strict=True))
    missed = sum((a, b) not in found for a, b in zip(tp["rec_l"], tp["rec_r"], strict=True))
    out: dict = {
        "pairs": table.to_dict(orient="records"),
        "scored_calibration": calib.to_dict(orient="records"),
        "true_pairs": int(len(tp)),
        "true_pairs_not_candidates": int(missed),
    }
    if not draws:
        return out
    t0 = time.perf_counter()
    from roshan.federate.match import DEFAULT_ONE_PER_VICTIM as OPV

    point = fit(
        "loglinear",
        CaptureCounts.from_frame(match_counts(rows, parties, rule="scored", one_per_victim=OPV)),
    )
    tables = match_draws(rows, parties, draws, seed=seed, rule="scored", one_per_victim=OPV)
    per = [fit("loglinear", CaptureCounts.from_frame(t)) for t in tables]
    pooled = pool_results(
        per,
        level=point.level,
        plugin=point,
        seed=seed,
        observed=[int(t["count"].sum()) for t in tables],
    )
    truth_n = int(built["population"])

    def block(r) -> dict:
        return {
            "estimate": round(float(r.estimate), 1),
            "lower": round(float(r.lower), 1),
            "upper": round(float(r.upper), 1),
            "covers_truth": bool(r.lower <= truth_n <= r.upper),
        }

    clear = fit("loglinear", CaptureCounts.from_frame(clear_counts(built, parties)))
    out.update(
        {
            "draws": draws,
            "truth_population": truth_n,
            "clear": block(clear),
            "point": block(point),
            "pooled": block(pooled),
            "observed_point": int(point.observed),
            "observed_draws": [int(t["count"].sum()) for t in tables],
            "width_ratio": round(
                float((pooled.upper - pooled.lower) / (point.upper - point.lower)), 3
            ),
            "share_linkage": round(float(pooled.diagnostics["linkage"]["share_linkage"]), 3),
            "seconds": round(time.perf_counter() - t0, 1),
        }
    )
    return out


def calibrate(built: dict, thresholds=range(2, 9), by=("province",)) -> list[dict]:
    from roshan.federate.match import count_error, match_counts

    parties, vts, rows = party_rows(built)
    clear = clear_counts(built, parties)
    clear_by = clear_counts(built, parties, tuple(by))
    from roshan.estimate.counts import CaptureCounts
    from roshan.estimate.methods import fit

    def est(frame: pd.DataFrame) -> float:
        return float(fit("loglinear", CaptureCounts.from_frame(frame)).estimate)

    clear_est = est(clear)
    from roshan.federate.match import DEFAULT_ONE_PER_VICTIM as OPV
    from roshan.federate.match import DEFAULT_RULE, default_accept

    default_cut = default_accept(len(parties))
    out = []
    for accept in sorted({0.3, 0.35, default_cut, 0.45, 0.5}):
        priv = match_counts(rows, parties, rule="scored", accept=accept, one_per_victim=OPV)
        priv_by = match_counts(
            rows,
            parties,
            strata=[vt.strata for vt in vts],
            by=by,
            rule="scored",
            accept=accept,
            one_per_victim=OPV,
        )
        e = count_error(priv, clear, parties)
        e_by = count_error(priv_by, clear_by, parties, by)
        p_est = est(priv)
        out.append(
            {
                "rule": "scored",
                "accept": accept,
                "default": DEFAULT_RULE == "scored" and accept == default_cut,
                "l1": round(e["l1"], 4),
                "total": round(e["total"], 4),
                "l1_by_" + "_".join(by): round(e_by["l1"], 4),
                "private_total": e["private_total"],
                "clear_total": e["clear_total"],
                "estimate_private": round(p_est, 1),
                "estimate_clear": round(clear_est, 1),
                "estimate_rel_diff": round((p_est - clear_est) / clear_est, 4),
            }
        )
    for t in thresholds:
        for unique in (None, 2):
            if unique is not None and unique >= t:
                continue
            priv = match_counts(rows, parties, threshold=t, unique_threshold=unique)
            priv_by = match_counts(
                rows,
                parties,
                strata=[vt.strata for vt in vts],
                by=by,
                threshold=t,
                unique_threshold=unique,
            )
            e = count_error(priv, clear, parties)
            e_by = count_error(priv_by, clear_by, parties, by)
            p_est = est(priv)
            out.append(
                {
                    "rule": "threshold",
                    "threshold": t,
                    "unique_threshold": unique,
                    "l1": round(e["l1"], 4),
                    "total": round(e["total"], 4),
                    "l1_by_" + "_".join(by): round(e_by["l1"], 4),
                    "private_total": e["private_total"],
                    "clear_total": e["clear_total"],
                    "estimate_private": round(p_est, 1),
                    "estimate_clear": round(clear_est, 1),
                    "estimate_rel_diff": round((p_est - clear_est) / clear_est, 4),
                }
            )
    return out


def one_per_victim_ab(built: dict) -> dict:
    """The scored rule's point counts with links joined freely (protocol 2) and with at
    most one row per party per victim (protocol 3, match.one_per_party), against the
    clear-text linkage: pattern-count L1, log-linear estimates, coverage of the truth."""
    from roshan.federate.match import default_accept

    parties, _, rows = party_rows(built)
    clear = clear_counts(built, parties)
    c = _loglinear(clear, int(built["population"]))
    out: dict = {"truth_population": int(built["population"]), "clear": c}
    for opv in (False, True):
        out["one_per_victim" if opv else "joined_freely"] = _private_vs_clear(
            built, rows, parties, clear, c, default_accept(len(parties)), opv
        )
    return out


def _loglinear(frame: pd.DataFrame, truth: int, widen: bool = False) -> dict:
    """Log-linear estimate of a pattern-count table; ``widen``: also the interval widened
    by the private matching's measured error, as ``roshan estimate --counts`` does without
    drawn matchings (estimate.federated.widen_for_matching)."""
    from roshan.estimate.counts import CaptureCounts
    from roshan.estimate.federated import widen_for_matching
    from roshan.estimate.methods import fit

    r = fit("loglinear", CaptureCounts.from_frame(frame))
    out = {
        "estimate": round(float(r.estimate), 1),
        "lower": round(float(r.lower), 1),
        "upper": round(float(r.upper), 1),
        "covers_truth": bool(r.lower <= truth <= r.upper),
    }
    if widen and widen_for_matching(r) is not None:
        out["lower_widened"] = round(float(r.lower), 1)
        out["upper_widened"] = round(float(r.upper), 1)
        out["covers_truth_widened"] = bool(r.lower <= truth <= r.upper)
    return out


def _private_vs_clear(
    built: dict, rows, parties, clear: pd.DataFrame, c: dict, accept: float, opv: bool
) -> dict:
    """The scored rule's point counts at ``accept`` against the clear-text linkage's."""
    from roshan.federate.match import count_error, match_counts

    priv = match_counts(rows, parties, rule="scored", accept=accept, one_per_victim=opv)
    e = count_error(priv, clear, parties)
    pe = _loglinear(priv, int(built["population"]), widen=True)
    return {
        "l1": round(e["l1"], 4),
        "total": round(e["total"], 4),
        **pe,
        "estimate_rel_diff": round((pe["estimate"] - c["estimate"]) / c["estimate"], 4),
    }


def accept_grid(built: dict, grid: list[float]) -> dict:
    """The scored rule (one row per party per victim) at each acceptance cut of ``grid``,
    against the clear-text linkage: pattern-count L1, log-linear estimates, coverage."""
    parties, _, rows = party_rows(built)
    clear = clear_counts(built, parties)
    c = _loglinear(clear, int(built["population"]))
    return {
        "truth_population": int(built["population"]),
        "clear": c,
        "by_accept": {
            str(a): _private_vs_clear(built, rows, parties, clear, c, a, True) for a in grid
        },
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--population", type=int, default=2000)
    ap.add_argument("--lists", type=int, default=6)
    ap.add_argument("--parties", type=int, default=3)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1])
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--no-crypto", action="store_true", help="calibration only")
    ap.add_argument("--docs", action="store_true", help="update docs/benchmarks.md")
    ap.add_argument(
        "--cache",
        type=Path,
        default=None,
        help="keep the simulated and linked workspaces here and reuse them on the next run",
    )
    ap.add_argument("--build-only", action="store_true", help="simulate and link, nothing else")
    ap.add_argument(
        "--one-per-victim-ab",
        action="store_true",
        help="only the scored rule with links joined freely vs one row per party per victim",
    )
    ap.add_argument(
        "--accept-grid",
        type=lambda v: [float(x) for x in v.split(",")],
        default=None,
        help="only the scored rule at each of these acceptance cuts (comma-separated) "
        "against the clear-text linkage",
    )
    ap.add_argument(
        "--cost-only",
        action="store_true",
        help="only the parties' workspaces and the crypto rounds' cost (no clear-text linkage "
        "of all lists, no calibration): for the 4 x 100,000 cost run",
    )
    ap.add_argument(
        "--draws",
        type=int,
        default=20,
        help="drawn matchings for the private interval (0: only the pair calibration table)",
    )
    args = ap.parse_args(argv)
    results = {
        "population": args.population,
        "lists": args.lists,
        "parties": args.parties,
        "cpu_count": os.cpu_count(),
        "load": os.getloadavg()[0],
        "scenarios": [],
    }
    for seed in args.seeds:
        with tempfile.TemporaryDirectory(prefix="fedbench-") as tmp:
            built = build_cached(
                seed,
                args.population,
                args.lists,
                args.parties,
                args.cache,
                Path(tmp),
                with_all=not args.cost_only,
            )
            if args.build_only:
                print(f"built seed {seed}: {built['party_ws']}", file=sys.stderr)
                continue
            entry = {"seed": seed, "link_seconds": round(built["link_seconds"], 1)}
            if args.accept_grid:
                entry["accept_grid"] = accept_grid(built, args.accept_grid)
                results["scenarios"].append(entry)
                print(json.dumps(entry), file=sys.stderr)
                continue
            if args.one_per_victim_ab:
                entry["one_per_victim_ab"] = one_per_victim_ab(built)
                results["scenarios"].append(entry)
                print(json.dumps(entry), file=sys.stderr)
                continue
            if not args.cost_only:
                entry["calibration"] = calibrate(built)
                entry["uncertainty"] = private_uncertainty(built, args.draws)
            if not args.no_crypto:
                entry["rounds"] = run_rounds(built, Path(tmp))
            results["scenarios"].append(entry)
            print(json.dumps(entry), file=sys.stderr)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    if args.docs:
        write_docs(results)
    print(json.dumps(results, indent=2))
    return 0


def run_rounds(built: dict, tmp: Path) -> dict:
    """The real rounds (crypto, files) on the scenario: time, bytes, and equality with the
    clear-token matching; estimates from private and clear-text counts."""
    import resource

    from roshan.estimate.counts import CaptureCounts
    from roshan.estimate.methods import fit
    from roshan.federate import (
        blind_round,
        count_error,
        count_rounds,
        create_session,
        pass_round,
        workspace_tokens,
    )
    from roshan.federate.match import clear_ids, match_counts
    from roshan.intake.keys import init_keys, load_public, unlock

    parties = built["parties"]
    keys = {}
    for name in (*parties, "coordinator"):
        init_keys(tmp / "keys" / name, "synthetic-bench-passphrase")
        keys[name] = unlock(tmp / "keys" / name, "synthetic-bench-passphrase")
    session = create_session(
        tmp / "session.json",
        [(p, load_public(tmp / "keys" / p)) for p in parties],
        keys["coordinator"],
        "coordinator",
        ["province"],
    )

    def cpu() -> float:
        r = resource.getrusage(resource.RUSAGE_SELF)
        c = resource.getrusage(resource.RUSAGE_CHILDREN)
        return r.ru_utime + r.ru_stime + c.ru_utime + c.ru_stime

    # each party's tokens from its own linked workspace (part of `roshan federate blind`)
    ct, wt = cpu(), time.perf_counter()
    vts = {p: workspace_tokens(built["party_ws"][p]) for p in parties}
    c0, w0 = cpu(), time.perf_counter()
    last = {
        p: blind_round(session, keys[p], p, vts[p], ["province"], tmp / "st" / p, tmp / "out" / p)
        for p in parties
    }
    c1 = cpu()
    n = len(parties)
    file_bytes = sum(f.stat().st_size for f in last.values())
    for _r in range(2, n + 1):
        last = {
            p: pass_round(
                session, keys[p], p, last[parties[j - 1]], tmp / "st" / p, tmp / "out" / p
            )
            for j, p in enumerate(parties)
        }
        file_bytes += sum(f.stat().st_size for f in last.values())
    c2 = cpu()
    counts, _ = count_rounds(session, keys["coordinator"], list(last.values()))
    c3, w3 = cpu(), time.perf_counter()
    width = session.width
    tokens_per_set = {p: len(vts[p]) * width for p in parties}
    blinded = sum(tokens_per_set.values()) * n  # every token raised by every party
    clear_tok = match_counts(
        [clear_ids(vts[p].tokens, width) for p in parties],
        parties,
        rule=str(session.data.get("match_rule", "threshold")),
        one_per_victim=bool(session.data.get("one_per_victim", False)),
    )
    same = count_error(counts, clear_tok, parties)["l1"]
    import pyarrow.parquet as pq

    def distinct(p: str) -> int:  # elements of p's set after de-duplication: each is blinded
        toks = [t for ts in vts[p].tokens for t in list(ts)[:width]]
        return len(set(toks)) + len(vts[p]) * width - len(toks)

    exchanges = sum(distinct(p) for p in parties) * n
    out = {
        "records_per_party": {
            p: pq.ParquetFile(
                Path(built["party_ws"][p]) / "snapshots" / "normalized.parquet"
            ).metadata.num_rows
            for p in parties
        },
        "victims_per_party": {p: len(vts[p]) for p in parties},
        "scalar_multiplications": exchanges,
        "cpu_us_per_scalar_multiplication": round(1e6 * (c2 - c0) / exchanges, 1),
        "tokens_per_victim": width,
        "cpu_seconds": {
            "tokens": round(c0 - ct, 2),
            "round1_blind": round(c1 - c0, 2),
            "rounds_2_to_n": round(c2 - c1, 2),
            "count": round(c3 - c2, 2),
            "total": round(c3 - c0, 2),
            "total_with_tokens": round(c3 - ct, 2),
        },
        "wall_seconds": round(w3 - w0, 2),
        "wall_seconds_with_tokens": round(w3 - wt, 2),
        "cpu_us_per_blinded_token": round(1e6 * (c2 - c0) / blinded, 1),
        "bytes_per_token_in_files": round(file_bytes / (sum(tokens_per_set.values()) * n), 1),
        "l1_blinded_vs_clear_token_matching": round(same, 5),  # ties fall differently
    }
    if built.get("all_ws") is None:  # --cost-only
        return out
    clear = clear_counts(built, parties)
    err = count_error(counts, clear, parties)
    est = {}
    for label, frame in (("private", counts), ("clear", clear)):
        r = fit("loglinear", CaptureCounts.from_frame(frame))
        est[label] = {
            "estimate": round(float(r.estimate), 1),
            "lower": round(float(r.lower), 1),
            "upper": round(float(r.upper), 1),
        }
    truth = int(built["population"])
    return out | {
        "count_error_vs_clear_linkage": {k: round(v, 4) for k, v in err.items()},
        "estimate_loglinear": est,
        "estimate_rel_diff": round(
            (est["private"]["estimate"] - est["clear"]["estimate"]) / est["clear"]["estimate"], 4
        ),
        "truth_population": truth,
        "private_interval_covers_truth": est["private"]["lower"]
        <= truth
        <= est["private"]["upper"],
        "clear_interval_covers_truth": est["clear"]["lower"] <= truth <= est["clear"]["upper"],
    }


def write_docs(results: dict) -> None:
    """Replace the section between the bench:federate markers in docs/benchmarks.md."""
    doc = ROOT / "docs" / "benchmarks.md"
    text = doc.read_text("utf-8")
    lines = [
        "<!-- bench:federate -->",
        "## Federate (private overlap counts)",
        "",
        f"`.venv/bin/python bench/federate.py --population {results['population']} "
        f"--lists {results['lists']} --parties {results['parties']} --seeds "
        f"{' '.join(str(s['seed']) for s in results['scenarios'])} --out "
        "bench/results/federate.json --docs` (SYNTHETIC simulator scenarios; "
        f"{results['cpu_count']} cores, load {results['load']:.1f} at start).",
        "",
        "| seed | victims per party | pattern-count L1 vs clear linkage: scored / old rule |"
        " total diff | estimate private vs clear: scored / old rule |"
        " rounds: estimate private / clear, truth | covers truth private / clear |"
        " CPU µs per blinded token | bytes per token |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    from roshan.federate.match import DEFAULT_THRESHOLD, DEFAULT_UNIQUE_THRESHOLD

    for s in results["scenarios"]:
        cal = next(c for c in s["calibration"] if c.get("default"))
        old = next(
            c
            for c in s["calibration"]
            if c.get("threshold") == DEFAULT_THRESHOLD
            and c.get("unique_threshold") == DEFAULT_UNIQUE_THRESHOLD
        )
        r = s.get("rounds") or {}
        est = r.get("estimate_loglinear", {})
        est_txt = (
            f"{est['private']['estimate']:,.0f} / {est['clear']['estimate']:,.0f}, "
            f"{r['truth_population']:,}"
            if est
            else "not run"
        )
        cov = (
            f"{'yes' if r['private_interval_covers_truth'] else 'no'} / "
            f"{'yes' if r['clear_interval_covers_truth'] else 'no'}"
            if est
            else "—"
        )
        lines.append(
            f"| {s['seed']} | {', '.join(str(v) for v in r.get('victims_per_party', {}).values())}"
            f" | {cal['l1']:.1%} / {old['l1']:.1%} | {cal['total']:+.1%}"
            f" | {cal['estimate_rel_diff']:+.1%} / {old['estimate_rel_diff']:+.1%} | {est_txt} | {cov} | "
            f"{r.get('cpu_us_per_blinded_token', '—')} | {r.get('bytes_per_token_in_files', '—')} |"
        )
    lines += [
        "",
        "Rules (scored accept or threshold/unique → pattern-count L1, estimate difference): "
        + "; ".join(
            f"seed {s['seed']}: "
            + ", ".join(
                (
                    f"p≥{c['accept']}"
                    if c.get("rule") == "scored"
                    else f"{c['threshold']}/{c.get('unique_threshold') or '-'}"
                )
                + f" → {c['l1']:.1%}, "
                f"{c['estimate_rel_diff']:+.1%}"
                for c in s["calibration"]
            )
            for s in results["scenarios"]
        ),
        "",
        "Not measured: 4 × 100,000 (the per-token cost above gives the extrapolation in "
        "docs/federate.md); interval coverage over many scenarios.",
        "",
        "<!-- /bench:federate -->",
    ]
    block = "\n".join(lines)
    if "<!-- bench:federate -->" in text and "<!-- /bench:federate -->" in text:
        a = text.index("<!-- bench:federate -->")
        b = text.index("<!-- /bench:federate -->") + len("<!-- /bench:federate -->")
        text = text[:a] + block + text[b:]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    doc.write_text(text, "utf-8")


if __name__ == "__main__":
    sys.exit(main())
