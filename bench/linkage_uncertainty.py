"""Linkage uncertainty in the estimate: coverage study and speed (SYNTHETIC data only).

Coverage: on SYNTHETIC populations whose lists are independent and homogeneous (so
dga covers the truth when linkage is perfect), candidate pairs get noisy but
calibrated match probabilities (roshan.simulate.linkage.synthetic_problem). For each
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

The default estimate (issue 18): ``--default-coverage N`` compares, with
``recommended`` (compare=()), the old default (the plug-in clustering treated as
certain), the new default (pooled over linkage draws, latent-class chains carried from
one clustering to the next: ``refit="chain"``) and, with ``--default-variants
chain,full``, the earlier per-draw full fits, on the same scenarios plus a
heterogeneous one (``hard_noisy``). ``--scale DIR`` times the default estimate on the
100,000-record pipeline workspace (built once in DIR/ws by bench/pipeline_scale.py's
stages, then reused), each variant in its own process (wall time, CPU, peak RSS).

    .venv/bin/python bench/linkage_uncertainty.py --coverage 60 --draws 20
    .venv/bin/python bench/linkage_uncertainty.py --perf
    .venv/bin/python bench/linkage_uncertainty.py --default-coverage 40
    .venv/bin/python bench/linkage_uncertainty.py --scale /tmp/r100k --full-draws 20

Writes bench/results/linkage_uncertainty.json (merged: each mode keeps its section;
``--scale``: bench/results/linkage_default_100k.json) and the matching sections of
docs/benchmarks.md.
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

from roshan.estimate import linkage as el
from roshan.link.uncertainty.graph import build_graph, threshold_labels
from roshan.link.uncertainty.workspace import workspace_inputs
from roshan.simulate.linkage import synthetic_problem

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import ROOT, replace_marked_section

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
    g = build_graph(problem.record_pks, problem.pairs, list_index=problem.list_index)
    res = el.estimate_from_graph(
        g,
        problem.list_index,
        problem.lists,
        draws,
        "dga",
        seed=seed,
        sampler=sampler,
        logit_prior=problem.logit_prior,
        calibrate=calibrate,
        n_draws=2000,
    )
    info = res.diagnostics["linkage"]
    return {
        "estimate": res.estimate,
        "lower": res.lower,
        "upper": res.upper,
        "plugin": info["plugin"],
        "share_linkage": info["share_linkage"],
        "seconds": info["seconds"]["total"],
    }


def coverage(
    reps: int, draws: int, population: int, seed0: int, variants: tuple[str, ...] = DEFAULT_VARIANTS
) -> dict:
    from roshan.estimate.dga import fit_dga

    out: dict = {}
    for name, (sep, dec) in SCENARIOS.items():
        rows = []
        t0 = time.perf_counter()
        for r in range(reps):
            rng = np.random.default_rng(seed0 + r)
            prob = synthetic_problem(rng, population=population, separation=sep, decoys=dec)
            truth = el.counts_from_labels(prob.person, prob.list_index, prob.lists)
            oracle = fit_dga(truth, seed=r, n_draws=2000)
            row = {
                "rep": r,
                "n_true": prob.n_true,
                "oracle": [oracle.estimate, oracle.lower, oracle.upper],
            }
            for sampler in variants:
                one = _one(prob, sampler, draws, seed0 + r)
                row[sampler] = [one["estimate"], one["lower"], one["upper"]]
                row[f"{sampler}_share_linkage"] = one["share_linkage"]
                row["plugin"] = [
                    one["plugin"]["estimate"],
                    one["plugin"]["lower"],
                    one["plugin"]["upper"],
                ]
            rows.append(row)
            print(
                f"  {name} rep {r}: truth {prob.n_true} "
                + " ".join(
                    f"{k} {row[k][0]:.0f} [{row[k][1]:.0f}, {row[k][2]:.0f}]"
                    for k in ("oracle", "plugin", *variants)
                ),
                flush=True,
            )
        summ = {}
        for k in ("oracle", "plugin", *variants):
            est = np.array([r_[k][0] for r_ in rows], dtype=float)
            lo = np.array([r_[k][1] for r_ in rows], dtype=float)
            hi = np.array([r_[k][2] for r_ in rows], dtype=float)
            n = np.array([r_["n_true"] for r_ in rows], dtype=float)
            summ[k] = {
                "coverage": float(np.mean((lo <= n) & (n <= hi))),
                "relative_bias": float(np.mean(est / n - 1)),
                "median_relative_width": float(np.median((hi - lo) / n)),
            }
        for k in variants:
            summ[k]["median_share_linkage"] = float(
                np.median([r_[f"{k}_share_linkage"] for r_ in rows])
            )
        out[name] = {
            "separation": sep,
            "decoys": dec,
            "reps": reps,
            "draws": draws,
            "population": population,
            "seconds": time.perf_counter() - t0,
            "summary": summ,
            "rows": rows,
        }
    return out


#: Scenarios of the default-estimate study: name → (separation, decoys, hard_share).
DEFAULT_SCENARIOS = {
    "clean": (2.5, 2.0, 0.0),
    "noisy": (1.75, 2.0, 0.0),
    "very_noisy": (1.5, 3.0, 0.0),
    "hard_noisy": (1.75, 2.0, 0.4),  # 40% of people with capture probabilities x 0.3
}


def default_coverage(
    reps: int, draws: int, population: int, seed0: int, variants: tuple[str, ...] = ("chain",)
) -> dict:
    """Coverage of the default estimate (recommended) before and after issue 18."""
    from roshan.estimate.recommended import fit_recommended

    out: dict = {}
    for name, (sep, dec, hard) in DEFAULT_SCENARIOS.items():
        rows = []
        t0 = time.perf_counter()
        secs: dict[str, float] = {}
        for r in range(reps):
            rng = np.random.default_rng(seed0 + r)
            prob = synthetic_problem(
                rng, population=population, separation=sep, decoys=dec, hard_share=hard
            )
            g = build_graph(prob.record_pks, prob.pairs, list_index=prob.list_index)
            truth = el.counts_from_labels(prob.person, prob.list_index, prob.lists)
            plug = el.counts_from_labels(threshold_labels(g, 0.5), prob.list_index, prob.lists)
            row = {"rep": r, "n_true": prob.n_true}
            t = time.perf_counter()
            o = fit_recommended(truth, seed=r, compare=())
            row["oracle"] = [o.estimate, o.lower, o.upper]
            t1 = time.perf_counter()
            p = fit_recommended(plug, seed=r, compare=())
            row["plugin"] = [p.estimate, p.lower, p.upper]
            t2 = time.perf_counter()
            secs["oracle"] = secs.get("oracle", 0.0) + t1 - t
            secs["plugin"] = secs.get("plugin", 0.0) + t2 - t1
            for v in variants:
                t = time.perf_counter()
                res = el.estimate_from_graph(
                    g,
                    prob.list_index,
                    prob.lists,
                    draws,
                    "recommended",
                    seed=seed0 + r,
                    logit_prior=prob.logit_prior,
                    compare=(),
                    refit=v,
                )
                secs[v] = secs.get(v, 0.0) + time.perf_counter() - t
                row[v] = [res.estimate, res.lower, res.upper]
                row[f"{v}_share_linkage"] = res.diagnostics["linkage"]["share_linkage"]
            rows.append(row)
            print(
                f"  {name} rep {r}: truth {prob.n_true} "
                + " ".join(
                    f"{k} {row[k][0]:.0f} [{row[k][1]:.0f}, {row[k][2]:.0f}]"
                    for k in ("oracle", "plugin", *variants)
                ),
                flush=True,
            )
        out[name] = {
            "separation": sep,
            "decoys": dec,
            "hard_share": hard,
            "reps": reps,
            "draws": draws,
            "population": population,
            "seconds": time.perf_counter() - t0,
            "seconds_per_rep": {k: v / reps for k, v in secs.items()},
            "summary": _summary(rows, ("oracle", "plugin", *variants), variants),
            "rows": rows,
        }
    return out


def _summary(rows: list[dict], keys: tuple[str, ...], pooled: tuple[str, ...]) -> dict:
    summ = {}
    for k in keys:
        est = np.array([r_[k][0] for r_ in rows], dtype=float)
        lo = np.array([r_[k][1] for r_ in rows], dtype=float)
        hi = np.array([r_[k][2] for r_ in rows], dtype=float)
        n = np.array([r_["n_true"] for r_ in rows], dtype=float)
        summ[k] = {
            "coverage": float(np.mean((lo <= n) & (n <= hi))),
            "relative_bias": float(np.mean(est / n - 1)),
            "median_relative_width": float(np.median((hi - lo) / n)),
            "misses_low": int(np.sum(hi < n)),
            "misses_high": int(np.sum(lo > n)),
        }
    for k in pooled:
        summ[k]["median_share_linkage"] = float(
            np.median([r_[f"{k}_share_linkage"] for r_ in rows])
        )
    return summ


SCALE_RESULTS = Path(__file__).parent / "results" / "linkage_default_100k.json"


def _scale_child(mode: str, d: Path, full_draws: int) -> dict:
    """One variant of the --scale bench, inside its own process."""
    import pandas as pd

    from roshan.estimate.workspace import estimate_workspace
    from roshan.store.workspace import Workspace

    ws = Workspace.open(d / "ws")
    try:
        t = time.perf_counter()
        if mode == "default":
            res = estimate_workspace(ws, method="recommended", store=False)
        elif mode == "plugin":
            res = estimate_workspace(ws, method="recommended", linkage_draws=0, store=False)
        elif mode == "lcmcr50":
            # What `roshan estimate WS --linkage-draws 50 --method lcmcr` calls
            # (src/roshan/cli/estimate.py): no --seed, so the pooled estimate's default
            # seed; --level's default 0.95. The CLI also stores the result (store=True);
            # left out here as in the other modes.
            res = estimate_workspace(ws, method="lcmcr", linkage_draws=50, level=0.95, store=False)
        elif mode == "full":
            res = el.estimate_with_linkage_draws(ws, full_draws, "recommended", refit="full")
        elif mode == "oracle":
            from roshan.estimate.methods import fit
            from roshan.simulate.truth import truth_by_record

            records, _, _, _ = workspace_inputs(ws)
            lists = sorted(records["source"].unique().tolist())
            li = records["source"].map({s_: i for i, s_ in enumerate(lists)}).to_numpy()
            person = records["record_pk"].map(truth_by_record(ws, d / "sim"))
            counts = el.counts_from_labels(pd.factorize(person)[0], li, lists)
            res = fit("recommended", counts, seed=1)
        else:
            raise SystemExit(f"unknown mode {mode}")
        wall = time.perf_counter() - t
    finally:
        ws.close()
    info = res.diagnostics.get("linkage") or {}
    return {
        "estimate": [res.estimate, res.lower, res.upper],
        "observed": res.observed,
        "seconds_in_process": wall,
        "linkage": {
            k: info.get(k)
            for k in (
                "n_draws",
                "refit",
                "plugin",
                "share_linkage",
                "observed_per_draw",
                "seconds",
                "lcmcr_iterations",
                "draws_per_clustering",
                "merge_logit_trace",
            )
        }
        if info
        else None,
        **{
            k: res.diagnostics.get(k)
            for k in (
                "rhat",
                "ess",
                "rhat_raw",
                "ess_raw",
                "rhat_detrended",
                "ess_detrended",
                "final",
                "converged",
                "seed",
                "chains",
            )
            if k in res.diagnostics or k in ("rhat", "ess")
        },
        "warnings": res.warnings,
    }


def _run_child(mode: str, d: Path, full_draws: int) -> dict:
    """Run ``_scale_child`` in a fresh interpreter; wall, CPU seconds, peak RSS of the tree."""
    import subprocess
    import threading

    import psutil

    out = d / f"child-{mode}.json"
    out.unlink(missing_ok=True)
    cmd = [
        sys.executable,
        __file__,
        "--child",
        mode,
        "--scale",
        str(d),
        "--full-draws",
        str(full_draws),
    ]
    t0 = time.perf_counter()
    load0 = os.getloadavg()[0]
    child = subprocess.Popen(cmd)
    ps = psutil.Process(child.pid)
    peak, cpu = [0], [0.0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            try:
                peak[0] = max(peak[0], ps.memory_info().rss)
                t_ = ps.cpu_times()
                cpu[0] = t_.user + t_.system
            except psutil.Error:
                pass
            stop.wait(0.2)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    rc = child.wait()
    stop.set()
    th.join()
    res = {
        "mode": mode,
        "wall_seconds": time.perf_counter() - t0,
        "cpu_seconds": cpu[0],
        "peak_rss_mb": peak[0] / 2**20,
        "ok": rc == 0,
        "load_average_start": load0,
        "load_average_end": os.getloadavg()[0],
    }
    if rc == 0:
        res.update(json.loads(out.read_text()))
    return res


def scale(d: Path, records: int, lists: int, full_draws: int, modes: tuple[str, ...]) -> dict:
    """The default estimate on the pipeline's 100k workspace (built once in ``d``)."""
    import subprocess

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from pipeline_scale import _records_per_person

    d.mkdir(parents=True, exist_ok=True)
    opts_path = d / "build-opts.json"
    if not (d / "ws").exists():
        population = max(100, round(records / _records_per_person(lists, 1)))
        opts = {
            "seed": 1,
            "population": population,
            "lists": lists,
            "engine": "duckdb",
            "spark_master": None,
            "method": "recommended",
        }
        for stage in ("simulate", "ingest", "normalize", "link"):
            print(f"{time.strftime('%H:%M:%S')} building: {stage}", flush=True)
            subprocess.run(
                [
                    sys.executable,
                    str(ROOT / "bench" / "pipeline_scale.py"),
                    "--stage",
                    stage,
                    "--dir",
                    str(d),
                    "--opts",
                    json.dumps(opts),
                ],
                check=True,
            )
        opts_path.write_text(json.dumps(opts))
    opts = json.loads(opts_path.read_text()) if opts_path.exists() else {}
    from roshan.simulate.truth import linkage_quality
    from roshan.store.workspace import Workspace

    ws = Workspace.open(d / "ws")
    try:
        quality = linkage_quality(ws, d / "sim")
    finally:
        ws.close()
    out = {
        "population": opts.get("population"),
        "lists": lists,
        "records": quality["records_scored"],
        "true_people_listed": quality["true_people"],
        "pairwise": quality["pairwise"],
        "cpus": os.cpu_count(),
        "runs": {},
    }
    for mode in modes:
        print(f"{time.strftime('%H:%M:%S')} {mode} …", flush=True)
        out["runs"][mode] = r = _run_child(mode, d, full_draws)
        print(f"   {mode}: {r['wall_seconds']:.1f} s, {r.get('estimate')}", flush=True)
    return out


def _fmt(x, spec: str) -> str:
    return "n/a" if x is None else format(x, spec)


def scale_markdown(res: dict) -> str:
    n = res["population"]
    runs = res["runs"]
    pw = res["pairwise"]
    lines = [
        "## Default estimate with linkage uncertainty (100,000 records)",
        "",
        f"`{res['command']}` ({res['when']}, {res['machine']}): the workspace of "
        f"`bench/pipeline_scale.py --records 100000 --lists {res['lists']}` (seed 1; built "
        f"once, reused), {res['records']:,} SYNTHETIC records of {n:,} simulated people, "
        f"{res['true_people_listed']:,} of them on some list; linkage pairwise precision "
        f"{pw['precision']:.4f}, recall {pw['recall']:.4f}. Each row is one process: "
        "wall time (imports and numba start-up included), CPU seconds, peak RSS; "
        "`recommended` (`lcmcr50`: `lcmcr`), 95% intervals; 1-minute load average at "
        "start / end.",
        "",
        "| estimate | what | wall s | CPU s | peak RSS MB | load | N̂ [95% interval] "
        "| covers the true N |",
        "|---|---|---:|---:|---:|---|---|---|",
    ]
    what = {
        "default": "`roshan estimate WS` now: pooled over 20 clusterings, chains carried "
        "over (`refit=chain`)",
        "plugin": "`roshan estimate WS --plug-in` (the old default)",
        "full": f"`--linkage-draws {res.get('full_draws')}` before this change: every "
        "clustering fitted afresh (`refit=full`)",
        "oracle": "the simulator's true clustering (not available in practice)",
        "lcmcr50": "`roshan estimate WS --linkage-draws 50 --method lcmcr`: pooled over 50 "
        "clusterings, lcmcr's default chains",
    }
    for mode, r in runs.items():
        if not r.get("ok"):
            lines.append(
                f"| {mode} | {what.get(mode, '')} | {r['wall_seconds']:.0f} | | | | FAILED | |"
            )
            continue
        e = r["estimate"]
        cov = "yes" if e[1] <= n <= e[2] else "**no**"
        lines.append(
            f"| {mode} | {what.get(mode, '')} | {r['wall_seconds']:.1f} | "
            f"{r['cpu_seconds']:.0f} | {r['peak_rss_mb']:.0f} | "
            f"{r['load_average_start']:.1f} / {r['load_average_end']:.1f} | "
            f"{e[0]:,.0f} [{e[1]:,.0f}, {e[2]:,.0f}] | {cov} |"
        )
    dflt = runs.get("default") or {}
    lk = dflt.get("linkage") or {}
    if lk:
        sec = lk.get("seconds") or {}
        plug = lk.get("plugin") or {}
        lines += [
            "",
            f"Inside the default run ({lk.get('lcmcr_iterations', 0):,} sweeps of the "
            f"pooled latent-class chains, the sensitivity check apart): plug-in clustering and chain burn-in {sec.get('plugin', 0):.1f} "
            f"s, {lk.get('n_draws')} clusterings drawn {sec.get('clusterings', 0):.1f} s, "
            f"chains during the clustering burn-in {sec.get('burnin_fits', 0):.1f} s, "
            f"chains on the drawn clusterings {sec.get('fits', 0):.1f} s, pooling and the "
            f"sensitivity check {sec.get('pooling', 0):.1f} s. Its plug-in diagnostic: "
            f"{plug.get('estimate', 0):,.0f} [{plug.get('lower', 0):,.0f}, "
            f"{plug.get('upper', 0):,.0f}] on {plug.get('observed', 0):,} people; the "
            f"drawn clusterings hold {lk['observed_per_draw']['min']:,}–"
            f"{lk['observed_per_draw']['max']:,}; linkage share of the variance "
            f"{lk.get('share_linkage', 0):.2f}; R-hat {dflt.get('rhat', 0):.3f}, ESS "
            f"{dflt.get('ess', 0):.0f}.",
        ]
        target = dflt["wall_seconds"] <= 180
        lines += [
            "",
            f"Target (issue 18): the default estimate at 100k records in at most 3 "
            f"minutes on 2 cores: **{'met' if target else 'NOT met'}** "
            f"({dflt['wall_seconds']:.0f} s).",
        ]
    lc = runs.get("lcmcr50") or {}
    if lc.get("ok"):
        lk = lc.get("linkage") or {}
        sec = lk.get("seconds") or {}
        warn = lc.get("warnings") or []
        lines += [
            "",
            f"Inside the lcmcr50 run: {lk.get('n_draws')} clusterings, "
            f"{lk.get('lcmcr_iterations') or 0:,} sweeps; plug-in clustering and chain burn-in "
            f"{sec.get('plugin', 0):.1f} s, clusterings drawn {sec.get('clusterings', 0):.1f} "
            f"s, chains {sec.get('burnin_fits', 0) + sec.get('fits', 0):.1f} s, pooling "
            f"{sec.get('pooling', 0):.1f} s; linkage share of the variance "
            f"{lk.get('share_linkage') or 0:.2f}; R-hat {_fmt(lc.get('rhat'), '.3f')}, ESS "
            f"{_fmt(lc.get('ess'), '.0f')}"
            + ("; the result is NOT FINAL" if lc.get("final") is False else "")
            + "; "
            + ("warnings: " + "; ".join(warn) if warn else "no warnings")
            + ".",
        ]
    if "lcmcr50" in runs:
        met = bool(lc.get("ok")) and lc["wall_seconds"] <= 600
        lines += [
            "",
            "Target (issue 17): `roshan estimate WS --linkage-draws 50 --method lcmcr` at "
            f"100k records in at most 10 minutes on 2 cores: **{'met' if met else 'NOT met'}** "
            f"({lc['wall_seconds']:.0f} s).",
        ]
    lines += ["", "Results: bench/results/linkage_default_100k.json."]
    return "\n".join(lines)


def perf(records_target: int, draws: int, sampler: str) -> dict:
    import psutil

    rng = np.random.default_rng(7)
    caps = (0.35, 0.4, 0.3, 0.45, 0.2)
    population = int(records_target / sum(caps))
    t0 = time.perf_counter()
    prob = synthetic_problem(rng, population=population, capture=caps, separation=1.75, decoys=2.0)
    t_gen = time.perf_counter() - t0
    t1 = time.perf_counter()
    g = build_graph(prob.record_pks, prob.pairs, list_index=prob.list_index)
    t_graph = time.perf_counter() - t1
    t2 = time.perf_counter()
    res = el.estimate_from_graph(
        g,
        prob.list_index,
        prob.lists,
        draws,
        "dga",
        seed=1,
        sampler=sampler,
        logit_prior=prob.logit_prior,
    )
    t_est = time.perf_counter() - t2
    info = res.diagnostics["linkage"]
    return {
        "records": int(len(prob.person)),
        "pairs": int(len(prob.pairs)),
        "uncertain_pairs": int(len(g.ep)),
        "lists": len(caps),
        "draws": draws,
        "sampler": sampler,
        "seconds_generate": t_gen,
        "seconds_graph": t_graph,
        "seconds_estimate": t_est,
        "seconds_clusterings": info["seconds"]["clusterings"],
        "seconds_fits": info["seconds"]["fits"],
        "peak_rss_mb": psutil.Process().memory_info().rss / 2**20,
        "estimate": [res.estimate, res.lower, res.upper],
        "n_true": prob.n_true,
        "share_linkage": info["share_linkage"],
    }


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
        manifest = simulate(ScenarioConfig(seed=11, population=population, lists=5), base / "scen")
        times = {"simulate": time.perf_counter() - t}
        ws = Workspace.init(base / "ws")
        t = time.perf_counter()
        ingest_scenario(ws, base / "scen", manifest)
        times["ingest"] = time.perf_counter() - t
        t = time.perf_counter()
        summary = link_workspace(ws)
        times["link"] = time.perf_counter() - t
        t = time.perf_counter()
        res = el.estimate_with_linkage_draws(ws, draws, "dga", sampler=sampler)
        times["linkage_draws"] = time.perf_counter() - t
        info = res.diagnostics["linkage"]
        # The oracle: the same estimator on the simulator's true clustering.
        import pandas as pd

        from roshan.estimate.dga import fit_dga

        truth = pd.read_csv(base / "scen" / "truth" / "records.csv")
        t_lists = sorted(truth["source"].unique())
        t_counts = el.counts_from_labels(
            pd.factorize(truth["victim_id"])[0],
            truth["source"].map({s_: i for i, s_ in enumerate(t_lists)}).to_numpy(),
            t_lists,
        )
        oracle = fit_dga(t_counts, seed=1)
        out = {
            "population": population,
            "records": summary.n_records,
            "true_observed": int(t_counts.observed),
            "oracle": [oracle.estimate, oracle.lower, oracle.upper],
            "observed_per_draw": info.get("observed_per_draw"),
            "pairs": summary.n_pairs,
            "victims": summary.n_victims,
            "draws": draws,
            "sampler": sampler,
            "uncertain_pairs": info["uncertain_pairs"],
            "seconds": times,
            "seconds_draw_detail": info["seconds"],
            "estimate": [res.estimate, res.lower, res.upper],
            "plugin": info["plugin"],
            "share_linkage": info["share_linkage"],
            "peak_rss_mb": psutil.Process().memory_info().rss / 2**20,
        }
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
    ap.add_argument(
        "--perf-samplers",
        default="gibbs",
        help="samplers timed by --perf (comma-separated: gibbs, pairs)",
    )
    ap.add_argument(
        "--workspace-perf",
        type=int,
        default=0,
        metavar="POPULATION",
        help="real pipeline on a simulated workspace of this population "
        "(about 60,000 gives ~100,000 records), then 50 linkage draws",
    )
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument(
        "--variants",
        default=",".join(DEFAULT_VARIANTS),
        help=f"comma-separated, or 'all' ({', '.join(VARIANTS)})",
    )
    ap.add_argument(
        "--default-coverage",
        type=int,
        default=0,
        metavar="REPS",
        help="coverage of the default estimate (recommended) before/after",
    )
    ap.add_argument(
        "--default-variants",
        default="chain",
        help="pooled variants of --default-coverage: chain (the new default), full",
    )
    ap.add_argument(
        "--scale",
        type=Path,
        default=None,
        metavar="DIR",
        help="time the default estimate on the 100k pipeline workspace in DIR/ws "
        "(built there first if missing)",
    )
    ap.add_argument("--lists", type=int, default=8, help="lists of the --scale workspace")
    ap.add_argument(
        "--full-draws",
        type=int,
        default=0,
        help="--scale: also time the earlier per-draw full fits with this many draws",
    )
    ap.add_argument(
        "--scale-modes",
        default="plugin,default,oracle",
        help="--scale: variants to run (plugin, default, oracle, lcmcr50; full is added by "
        "--full-draws)",
    )
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        facts = _scale_child(args.child, args.scale, args.full_draws)
        (args.scale / f"child-{args.child}.json").write_text(json.dumps(facts, default=float))
        return
    if args.scale:
        modes = tuple(m for m in args.scale_modes.split(",") if m)
        if args.full_draws and "full" not in modes:
            modes = (*modes, "full")
        res = scale(args.scale, args.records, args.lists, args.full_draws, modes)
        res.update(
            {
                "when": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": f"{platform.machine()}, {os.cpu_count()} cores (shared with other work)",
                "full_draws": args.full_draws,
                "command": "python bench/linkage_uncertainty.py --scale DIR"
                + (f" --full-draws {args.full_draws}" if args.full_draws else ""),
            }
        )
        SCALE_RESULTS.write_text(json.dumps(res, indent=2, default=float) + "\n")
        text = scale_markdown(res)
        print(text)
        doc = ROOT / "docs" / "benchmarks.md"
        doc.write_text(
            replace_marked_section(
                doc.read_text(encoding="utf-8"), "linkage_default_100k", text.splitlines()[0], text
            ),
            encoding="utf-8",
        )
        return
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    meta = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores (shared with other work)",
    }
    if args.coverage:
        variants = (
            tuple(VARIANTS)
            if args.variants == "all"
            else tuple(v for v in args.variants.split(",") if v)
        )
        unknown = [v for v in variants if v not in VARIANTS]
        if unknown:
            ap.error(f"unknown variant(s) {unknown}")
        data["coverage"] = {
            "meta": meta,
            **coverage(args.coverage, args.draws, args.population, args.seed, variants),
        }
    if args.perf:
        data["perf"] = {
            "meta": meta,
            **{s_: perf(args.records, 50, s_) for s_ in args.perf_samplers.split(",") if s_},
        }
    if args.workspace_perf:
        data["workspace_perf"] = {
            "meta": meta,
            "gibbs": workspace_perf(args.workspace_perf, 50, "gibbs"),
        }
    if args.default_coverage:
        variants = tuple(v for v in args.default_variants.split(",") if v)
        data["default_coverage"] = {
            "meta": meta,
            **default_coverage(
                args.default_coverage, args.draws, args.population, args.seed, variants
            ),
        }
    # Merge into the file as it is now (another mode may have finished meanwhile).
    mine = {
        k: data[k]
        for k in ("coverage", "perf", "workspace_perf", "default_coverage")
        if k in data and data[k].get("meta") is meta
    }
    data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    data.update(mine)
    RESULTS.write_text(json.dumps(data, indent=2, default=float))
    text = markdown(data)
    print(text)
    doc = ROOT / "docs" / "benchmarks.md"
    doc.write_text(
        replace_marked_section(
            doc.read_text(encoding="utf-8"), "linkage_uncertainty", "## Linkage uncertainty", text
        ),
        encoding="utf-8",
    )


def markdown(data: dict) -> str:
    lines = ["## Linkage uncertainty", ""]
    cov = data.get("coverage")
    if cov:
        lines += [
            f"`.venv/bin/python bench/linkage_uncertainty.py --coverage N --draws M` "
            f"({cov['meta']['when']}, {cov['meta']['machine']}). SYNTHETIC populations "
            "(independent, homogeneous lists: dga is right under perfect linkage) with "
            "calibrated but noisy pair probabilities; dga on each clustering; 95% "
            "intervals. `oracle` = true clustering, `plugin` = threshold 0.5 treated as "
            "certain, `pairs`/`gibbs`/`gibbs_moments`/`gibbs_raw` = pooled over linkage "
            "draws (`gibbs` = capture-model merge prior, the default; see "
            "docs/linkage-uncertainty.md).",
            "",
            "| scenario | separation | decoys | reps × draws | interval | coverage | "
            "relative bias | median rel. width | linkage share |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for name, sc in cov.items():
            if name == "meta":
                continue
            for k, s in sc["summary"].items():
                share = s.get("median_share_linkage")
                lines.append(
                    f"| {name} | {sc['separation']} | {sc['decoys']} | {sc['reps']} × "
                    f"{sc['draws']} | {k} | {s['coverage']:.2f} | {s['relative_bias']:+.3f} | "
                    f"{s['median_relative_width']:.3f} | "
                    f"{'' if share is None else f'{share:.2f}'} |"
                )
        cov_g = {
            name: sc["summary"]["gibbs"]["coverage"]
            for name, sc in cov.items()
            if name != "meta" and "gibbs" in sc["summary"]
        }
        cov_p = {
            name: sc["summary"]["plugin"]["coverage"] for name, sc in cov.items() if name != "meta"
        }
        if cov_g:
            met = min(cov_g.values()) >= 0.90
            lines += [
                "",
                f"Target (issue 10): the pooled 95% interval (`gibbs`, the default) "
                f"covers the true total at least 90% of the time: **{'met' if met else 'NOT met'}"
                f"** (lowest {min(cov_g.values()):.2f}); the plug-in covers "
                + ", ".join(f"{k} {v:.2f}" for k, v in cov_p.items())
                + ".",
            ]
        lines.append("")
    pf = data.get("perf")
    if pf:
        lines += [
            f"Speed (`--perf`, {pf['meta']['when']}, {pf['meta']['machine']}): 50 linkage "
            "draws + a dga fit on each + pooling.",
            "",
            "| sampler | records | scored pairs | uncertain | draw clusterings (s) | fits (s) "
            "| total (s) | peak RSS (MB) |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for k in ("pairs", "gibbs"):
            p = pf.get(k)
            if p:
                lines.append(
                    f"| {k} | {p['records']:,} | {p['pairs']:,} | "
                    f"{p['uncertain_pairs']:,} | {p['seconds_clusterings']:.1f} | "
                    f"{p['seconds_fits']:.1f} | {p['seconds_estimate']:.1f} | "
                    f"{p['peak_rss_mb']:.0f} |"
                )
        lines.append("")
    wp = data.get("workspace_perf")
    if wp:
        g = wp["gibbs"]
        sec = g["seconds"]
        lines += [
            f"Real pipeline (`--workspace-perf {g['population']}`, {wp['meta']['when']}): "
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
            + (
                f" Truth: {g['population']:,} people, {g['true_observed']:,} of them on "
                f"some list (the linker found {g['victims']:,}; the draws "
                f"{g['observed_per_draw']['min']:,}–{g['observed_per_draw']['max']:,}); dga "
                f"on the true clustering (oracle) {g['oracle'][0]:,.0f} "
                f"[{g['oracle'][1]:,.0f}, {g['oracle'][2]:,.0f}]."
                if g.get("oracle")
                else ""
            ),
            "",
        ]
    dc = data.get("default_coverage")
    if dc:
        lines += [
            f"Default estimate before and after issue 18 (`--default-coverage N`, "
            f"{dc['meta']['when']}, {dc['meta']['machine']}): the same kind of SYNTHETIC "
            "problems, plus `hard_noisy` (40% of the people with capture probabilities "
            "× 0.3, where dga and log-linear independence miss low), estimated with "
            "`recommended` (default sampler settings, no sensitivity check); 95% "
            "intervals. `plugin` = the old default (threshold 0.5 clustering treated as "
            "certain), `chain` = the new default (pooled over linkage draws, latent-class "
            "chains carried over), `full` = the earlier `--linkage-draws` scheme (every "
            "clustering fitted afresh), `oracle` = the true clustering.",
            "",
            "| scenario | reps × draws | interval | coverage | relative bias | "
            "median rel. width | misses low / high | linkage share | s per population |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for name, sc in dc.items():
            if name == "meta":
                continue
            for k, s_ in sc["summary"].items():
                share = s_.get("median_share_linkage")
                lines.append(
                    f"| {name} | {sc['reps']} × {sc['draws']} | {k} | {s_['coverage']:.2f} | "
                    f"{s_['relative_bias']:+.3f} | {s_['median_relative_width']:.3f} | "
                    f"{s_['misses_low']} / {s_['misses_high']} | "
                    f"{'' if share is None else f'{share:.2f}'} | "
                    f"{sc['seconds_per_rep'].get(k, 0):.1f} |"
                )
        lines.append("")
    lines.append("Results: bench/results/linkage_uncertainty.json.")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
