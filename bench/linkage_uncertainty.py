"""Linkage uncertainty in the estimate: coverage study and speed (SYNTHETIC data only).

Coverage: on SYNTHETIC populations whose lists are independent and homogeneous (so
dga covers the truth when linkage is perfect), candidate pairs get noisy but
calibrated match probabilities (roshan.link.uncertainty.synthetic_problem). For each
population we compare four 95% intervals for the true total:

* ``oracle``  — the true clustering (what perfect linkage would give);
* ``plugin``  — one clustering (threshold 0.5) treated as certain;
* ``pairs``   — pooled over clusterings drawn by independent pair sampling;
* ``gibbs``   — pooled over clusterings drawn by the clustering Gibbs sampler with the
  capture-model merge prior (the default);
* ``gibbs_moments`` — the same sampler with the moment-matched merge prior (the earlier
  default);
* ``gibbs_raw`` — the same sampler with Splink's λ as the merge prior.

Speed: 50 linkage draws (clusterings + dga fits + pooling) on a SYNTHETIC problem
of about 100,000 records.

    .venv/bin/python bench/linkage_uncertainty.py --coverage 60 --draws 20
    .venv/bin/python bench/linkage_uncertainty.py --perf

Writes bench/results/linkage_uncertainty.json (merged: each mode keeps its section)
and prints a Markdown section for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from roshan.link import uncertainty as unc

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import ROOT, replace_marked_section  # noqa: E402

RESULTS = Path(__file__).parent / "results" / "linkage_uncertainty.json"
SCENARIOS = {
    # name: (separation, decoys per record)
    "clean": (2.5, 2.0),
    "noisy": (1.75, 2.0),
    "very_noisy": (1.5, 3.0),
}


VARIANTS = {  # name: (sampler, merge prior)
    "pairs": ("pairs", "none"),
    "gibbs": ("gibbs", "capture"),
    "gibbs_moments": ("gibbs", "moments"),
    "gibbs_raw": ("gibbs", "none"),
}
#: Variants run by default (``--variants all`` for every one; the others are slower
#: comparisons kept from earlier studies).
DEFAULT_VARIANTS = ("gibbs", "gibbs_moments")


def _one(problem, variant: str, draws: int, seed: int) -> dict:
    sampler, calibrate = VARIANTS[variant]
    g = unc.build_graph(problem.record_pks, problem.pairs, list_index=problem.list_index)
    res = unc.estimate_from_graph(g, problem.list_index, problem.lists, draws, "dga", seed=seed,
                                  sampler=sampler, logit_prior=problem.logit_prior,
                                  calibrate=calibrate, n_draws=2000)
    info = res.diagnostics["linkage"]
    return {"estimate": res.estimate, "lower": res.lower, "upper": res.upper,
            "plugin": info["plugin"], "share_linkage": info["share_linkage"],
            "seconds": info["seconds"]["total"]}


def coverage(reps: int, draws: int, population: int, seed0: int,
             variants: tuple[str, ...] = DEFAULT_VARIANTS) -> dict:
    from roshan.estimate.dga import fit_dga

    out: dict = {}
    for name, (sep, dec) in SCENARIOS.items():
        rows = []
        t0 = time.perf_counter()
        for r in range(reps):
            rng = np.random.default_rng(seed0 + r)
            prob = unc.synthetic_problem(rng, population=population, separation=sep, decoys=dec)
            truth = unc.counts_from_labels(prob.person, prob.list_index, prob.lists)
            oracle = fit_dga(truth, seed=r, n_draws=2000)
            row = {"rep": r, "n_true": prob.n_true,
                   "oracle": [oracle.estimate, oracle.lower, oracle.upper]}
            for sampler in variants:
                one = _one(prob, sampler, draws, seed0 + r)
                row[sampler] = [one["estimate"], one["lower"], one["upper"]]
                row[f"{sampler}_share_linkage"] = one["share_linkage"]
                row["plugin"] = [one["plugin"]["estimate"], one["plugin"]["lower"],
                                 one["plugin"]["upper"]]
            rows.append(row)
            print(f"  {name} rep {r}: truth {prob.n_true} "
                  + " ".join(f"{k} {row[k][0]:.0f} [{row[k][1]:.0f}, {row[k][2]:.0f}]"
                             for k in ("oracle", "plugin", *variants)), flush=True)
        summ = {}
        for k in ("oracle", "plugin", *variants):
            est = np.array([r_[k][0] for r_ in rows], dtype=float)
            lo = np.array([r_[k][1] for r_ in rows], dtype=float)
            hi = np.array([r_[k][2] for r_ in rows], dtype=float)
            n = np.array([r_["n_true"] for r_ in rows], dtype=float)
            summ[k] = {"coverage": float(np.mean((lo <= n) & (n <= hi))),
                       "relative_bias": float(np.mean(est / n - 1)),
                       "median_relative_width": float(np.median((hi - lo) / n))}
        for k in variants:
            summ[k]["median_share_linkage"] = float(np.median([r_[f"{k}_share_linkage"]
                                                               for r_ in rows]))
        out[name] = {"separation": sep, "decoys": dec, "reps": reps, "draws": draws,
                     "population": population, "seconds": time.perf_counter() - t0,
                     "summary": summ, "rows": rows}
    return out


def perf(records_target: int, draws: int, sampler: str) -> dict:
    import psutil

    rng = np.random.default_rng(7)
    caps = (0.35, 0.4, 0.3, 0.45, 0.2)
    population = int(records_target / sum(caps))
    t0 = time.perf_counter()
    prob = unc.synthetic_problem(rng, population=population, capture=caps, separation=1.75,
                                 decoys=2.0)
    t_gen = time.perf_counter() - t0
    t1 = time.perf_counter()
    g = unc.build_graph(prob.record_pks, prob.pairs, list_index=prob.list_index)
    t_graph = time.perf_counter() - t1
    t2 = time.perf_counter()
    res = unc.estimate_from_graph(g, prob.list_index, prob.lists, draws, "dga", seed=1,
                                  sampler=sampler, logit_prior=prob.logit_prior)
    t_est = time.perf_counter() - t2
    info = res.diagnostics["linkage"]
    return {"records": int(len(prob.person)), "pairs": int(len(prob.pairs)),
            "uncertain_pairs": int(len(g.ep)), "lists": len(caps), "draws": draws,
            "sampler": sampler, "seconds_generate": t_gen, "seconds_graph": t_graph,
            "seconds_estimate": t_est, "seconds_clusterings": info["seconds"]["clusterings"],
            "seconds_fits": info["seconds"]["fits"],
            "peak_rss_mb": psutil.Process().memory_info().rss / 2**20,
            "estimate": [res.estimate, res.lower, res.upper], "n_true": prob.n_true,
            "share_linkage": info["share_linkage"]}


def workspace_perf(population: int, draws: int, sampler: str) -> dict:
    """simulate → ingest → link (real engine) → 50 linkage draws, timed step by step."""
    import shutil
    import tempfile

    import psutil

    from roshan.link.pipeline import link_workspace
    from roshan.simulate import ScenarioConfig, ingest_scenario, simulate
    from roshan.store.workspace import Workspace

    base = Path(tempfile.mkdtemp(prefix="roshan-unc-bench-"))
    try:
        t = time.perf_counter()
        manifest = simulate(ScenarioConfig(seed=11, population=population, lists=5),
                            base / "scen")
        times = {"simulate": time.perf_counter() - t}
        ws = Workspace.init(base / "ws")
        t = time.perf_counter()
        ingest_scenario(ws, base / "scen", manifest)
        times["ingest"] = time.perf_counter() - t
        t = time.perf_counter()
        summary = link_workspace(ws)
        times["link"] = time.perf_counter() - t
        t = time.perf_counter()
        res = unc.estimate_with_linkage_draws(ws, draws, "dga", sampler=sampler)
        times["linkage_draws"] = time.perf_counter() - t
        info = res.diagnostics["linkage"]
        # The oracle: the same estimator on the simulator's true clustering.
        import pandas as pd

        from roshan.estimate.dga import fit_dga

        truth = pd.read_csv(base / "scen" / "truth" / "records.csv")
        t_lists = sorted(truth["source"].unique())
        t_counts = unc.counts_from_labels(
            pd.factorize(truth["victim_id"])[0],
            truth["source"].map({s_: i for i, s_ in enumerate(t_lists)}).to_numpy(), t_lists)
        oracle = fit_dga(t_counts, seed=1)
        out = {"population": population, "records": summary.n_records,
               "true_observed": int(t_counts.observed),
               "oracle": [oracle.estimate, oracle.lower, oracle.upper],
               "observed_per_draw": info.get("observed_per_draw"),
               "pairs": summary.n_pairs, "victims": summary.n_victims, "draws": draws,
               "sampler": sampler, "uncertain_pairs": info["uncertain_pairs"],
               "seconds": times, "seconds_draw_detail": info["seconds"],
               "estimate": [res.estimate, res.lower, res.upper],
               "plugin": info["plugin"], "share_linkage": info["share_linkage"],
               "peak_rss_mb": psutil.Process().memory_info().rss / 2**20}
        ws.close()
        return out
    finally:
        shutil.rmtree(base, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--coverage", type=int, default=0, help="populations per scenario")
    ap.add_argument("--draws", type=int, default=20, help="linkage draws per population")
    ap.add_argument("--population", type=int, default=3000)
    ap.add_argument("--perf", action="store_true", help="time 50 draws on ~100,000 records")
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--perf-samplers", default="gibbs",
                    help="samplers timed by --perf (comma-separated: gibbs, pairs)")
    ap.add_argument("--workspace-perf", type=int, default=0, metavar="POPULATION",
                    help="real pipeline on a simulated workspace of this population "
                    "(about 60,000 gives ~100,000 records), then 50 linkage draws")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--variants", default=",".join(DEFAULT_VARIANTS),
                    help=f"comma-separated, or 'all' ({', '.join(VARIANTS)})")
    args = ap.parse_args()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    meta = {"when": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores (shared with other work)"}
    if args.coverage:
        variants = tuple(VARIANTS) if args.variants == "all" else tuple(
            v for v in args.variants.split(",") if v)
        unknown = [v for v in variants if v not in VARIANTS]
        if unknown:
            ap.error(f"unknown variant(s) {unknown}")
        data["coverage"] = {"meta": meta, **coverage(args.coverage, args.draws, args.population,
                                                     args.seed, variants)}
    if args.perf:
        data["perf"] = {"meta": meta, **{s_: perf(args.records, 50, s_)
                                         for s_ in args.perf_samplers.split(",") if s_}}
    if args.workspace_perf:
        data["workspace_perf"] = {"meta": meta,
                                  "gibbs": workspace_perf(args.workspace_perf, 50, "gibbs")}
    # Merge into the file as it is now (another mode may have finished meanwhile).
    mine = {k: data[k] for k in ("coverage", "perf", "workspace_perf") if k in data
            and data[k].get("meta") is meta}
    data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    data.update(mine)
    RESULTS.write_text(json.dumps(data, indent=2, default=float))
    text = markdown(data)
    print(text)
    doc = ROOT / "docs" / "benchmarks.md"
    doc.write_text(replace_marked_section(doc.read_text(encoding="utf-8"), "linkage_uncertainty",
                                          "## Linkage uncertainty", text), encoding="utf-8")


def markdown(data: dict) -> str:
    lines = ["## Linkage uncertainty", ""]
    cov = data.get("coverage")
    if cov:
        lines += [f"`.venv/bin/python bench/linkage_uncertainty.py --coverage N --draws M` "
                  f"({cov['meta']['when']}, {cov['meta']['machine']}). SYNTHETIC populations "
                  "(independent, homogeneous lists: dga is right under perfect linkage) with "
                  "calibrated but noisy pair probabilities; dga on each clustering; 95% "
                  "intervals. `oracle` = true clustering, `plugin` = threshold 0.5 treated as "
                  "certain, `pairs`/`gibbs`/`gibbs_moments`/`gibbs_raw` = pooled over linkage "
                  "draws (`gibbs` = capture-model merge prior, the default; see "
                  "docs/linkage-uncertainty.md).", "",
                  "| scenario | separation | decoys | reps × draws | interval | coverage | "
                  "relative bias | median rel. width | linkage share |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for name, sc in cov.items():
            if name == "meta":
                continue
            for k, s in sc["summary"].items():
                share = s.get("median_share_linkage")
                lines.append(
                    f"| {name} | {sc['separation']} | {sc['decoys']} | {sc['reps']} × "
                    f"{sc['draws']} | {k} | {s['coverage']:.2f} | {s['relative_bias']:+.3f} | "
                    f"{s['median_relative_width']:.3f} | "
                    f"{'' if share is None else f'{share:.2f}'} |")
        cov_g = {name: sc["summary"]["gibbs"]["coverage"] for name, sc in cov.items()
                 if name != "meta" and "gibbs" in sc["summary"]}
        cov_p = {name: sc["summary"]["plugin"]["coverage"] for name, sc in cov.items()
                 if name != "meta"}
        if cov_g:
            met = min(cov_g.values()) >= 0.90
            lines += ["", f"Target (issue 10): the pooled 95% interval (`gibbs`, the default) "
                      f"covers the true total at least 90% of the time: **{'met' if met else 'NOT met'}"
                      f"** (lowest {min(cov_g.values()):.2f}); the plug-in covers "
                      + ", ".join(f"{k} {v:.2f}" for k, v in cov_p.items()) + "."]
        lines.append("")
    pf = data.get("perf")
    if pf:
        lines += [f"Speed (`--perf`, {pf['meta']['when']}, {pf['meta']['machine']}): 50 linkage "
                  "draws + a dga fit on each + pooling.", "",
                  "| sampler | records | scored pairs | uncertain | draw clusterings (s) | fits (s) "
                  "| total (s) | peak RSS (MB) |", "|---|---|---|---|---|---|---|---|"]
        for k in ("pairs", "gibbs"):
            p = pf.get(k)
            if p:
                lines.append(f"| {k} | {p['records']:,} | {p['pairs']:,} | "
                             f"{p['uncertain_pairs']:,} | {p['seconds_clusterings']:.1f} | "
                             f"{p['seconds_fits']:.1f} | {p['seconds_estimate']:.1f} | "
                             f"{p['peak_rss_mb']:.0f} |")
        lines.append("")
    wp = data.get("workspace_perf")
    if wp:
        g = wp["gibbs"]
        sec = g["seconds"]
        lines += [f"Real pipeline (`--workspace-perf {g['population']}`, {wp['meta']['when']}): "
                  f"{g['records']:,} records → {g['victims']:,} victims, {g['pairs']:,} scored "
                  f"pairs ({g['uncertain_pairs']:,} uncertain). simulate {sec['simulate']:.0f} s, "
                  f"ingest {sec['ingest']:.0f} s, link {sec['link']:.0f} s, **50 linkage draws + "
                  f"dga fits + pooling {sec['linkage_draws']:.0f} s** (clusterings "
                  f"{g['seconds_draw_detail']['clusterings']:.0f} s, fits "
                  f"{g['seconds_draw_detail']['fits']:.0f} s); peak RSS "
                  f"{g['peak_rss_mb']:.0f} MB. Estimate {g['estimate'][0]:,.0f} "
                  f"[{g['estimate'][1]:,.0f}, {g['estimate'][2]:,.0f}], plug-in "
                  f"{g['plugin']['estimate']:,.0f} [{g['plugin']['lower']:,.0f}, "
                  f"{g['plugin']['upper']:,.0f}], linkage share {g['share_linkage']:.2f}."
                  + (f" Truth: {g['population']:,} people, {g['true_observed']:,} of them on "
                     f"some list (the linker found {g['victims']:,}; the draws "
                     f"{g['observed_per_draw']['min']:,}–{g['observed_per_draw']['max']:,}); dga "
                     f"on the true clustering (oracle) {g['oracle'][0]:,.0f} "
                     f"[{g['oracle'][1]:,.0f}, {g['oracle'][2]:,.0f}]."
                     if g.get("oracle") else ""), ""]
    lines.append("Results: bench/results/linkage_uncertainty.json.")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
