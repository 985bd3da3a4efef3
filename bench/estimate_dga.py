"""Benchmark: time per table of dga model averaging for 3-, 4- and 5-list data.

Run:  .venv/bin/python bench/estimate_dga.py [--repeats 5]

For each published table (tests/estimate/data) this times:

* ``fit_dga`` end to end with its defaults (delta = 2**-p, prior 1/N, automatic
  Nmissing grid: coarse pass + unit grid over the bulk + geometric tail, 4,000
  draws, top-10 summaries), and again with delta = 1;
* the core ``dga_posterior`` on R dga's example grid ``Nmissing = 1:300`` and on
  a 20,000-point grid, to show how the vectorised grid evaluation scales;

plus the one-off enumeration of the decomposable graphs (cached per process).
Median of ``--repeats`` runs, single process. Writes
bench/results/estimate_dga.json and the "## dga model averaging speed" section
of docs/benchmarks.md (other sections are left alone).

With ``--coverage N`` it instead runs the coverage study of
:mod:`roshan.estimate.simstudy` (its built-in SYNTHETIC scenarios, N populations
each, seed 2026) for dga with delta = 2**-p (default) and delta = 1, writing
bench/results/estimate_dga_coverage.json and the "## dga coverage on simulated
populations" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "estimate" / "data"
RESULTS = ROOT / "bench" / "results" / "estimate_dga.json"
DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "## dga model averaging speed"
COVERAGE_RESULTS = ROOT / "bench" / "results" / "estimate_dga_coverage.json"
COVERAGE_SECTION = "## dga coverage on simulated populations"

TABLES = [
    "madigan_york_3list",
    "korea_3list",
    "rome_hiv_4list",
    "allegheny_4list",
    "madigan_york_5list",
    "western_5list",
    "new_orleans_5list",
]


def _time(fn, repeats: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument(
        "--coverage",
        type=int,
        default=0,
        metavar="N",
        help="run the simulated coverage study with N populations per scenario",
    )
    args = ap.parse_args()
    if args.coverage:
        coverage(args.coverage)
        return

    from roshan.estimate.counts import CaptureCounts
    from roshan.estimate.dga import dga_posterior, fit_dga
    from roshan.estimate.dga_graphs import decomposable_graphs

    load_before = os.getloadavg()[0]
    enum = {}
    for p in (3, 4, 5):
        decomposable_graphs.cache_clear()
        t0 = time.perf_counter()
        n = len(decomposable_graphs(p))
        enum[str(p)] = {"graphs": n, "seconds": time.perf_counter() - t0}
    for p in (3, 4, 5):
        decomposable_graphs(p)

    g300 = np.arange(1, 301)
    g20k = np.arange(0, 20_000)
    rows = []
    for name in TABLES:
        counts = CaptureCounts.from_csv(DATA / f"{name}.csv")
        y = np.concatenate([[0], counts.full_table()[1]])
        fit_dga(counts)  # warm-up (imports, caches)
        t_fit, all_fit = _time(lambda c=counts: fit_dga(c), args.repeats)
        t_fit1, _ = _time(lambda c=counts: fit_dga(c, delta=1.0), args.repeats)
        res = fit_dga(counts)
        t300, _ = _time(lambda y=y: dga_posterior(y, g300), args.repeats)
        t20k, _ = _time(lambda y=y: dga_posterior(y, g20k), max(1, args.repeats // 2))
        d = res.diagnostics
        row = {
            "table": name,
            "lists": counts.n_lists,
            "graphs": d["n_graphs"],
            "observed": counts.observed,
            "fit_seconds": t_fit,
            "fit_seconds_all": all_fit,
            "fit_seconds_delta_1": t_fit1,
            "grid_points": d["grid_points"],
            "grid_step": d["grid_step"],
            "posterior_300_seconds": t300,
            "posterior_20000_seconds": t20k,
            "estimate": res.estimate,
            "lower": res.lower,
            "upper": res.upper,
            "top_graph": res.model["top"][0]["graph"],
            "top_weight": res.model["top"][0]["weight"],
        }
        rows.append(row)
        print(
            f"{name:20s} J={counts.n_lists} graphs={d['n_graphs']:4d} fit {t_fit * 1e3:8.1f} ms "
            f"(delta 1: {t_fit1 * 1e3:6.1f} ms) "
            f"(grid {d['grid_points']:,}) | 1:300 {t300 * 1e3:7.2f} ms | 20k grid "
            f"{t20k * 1e3:8.1f} ms | N = {res.estimate:,.0f} [{res.lower:,.0f}, "
            f"{res.upper:,.0f}]"
        )
    result = {
        "benchmark": "estimate_dga",
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {
            "python": platform.python_version(),
            "cpu": platform.processor() or platform.machine(),
            "cores": os.cpu_count(),
        },
        "settings": {
            "delta": "2**-p (default); also timed with 1",
            "prior": "default (1/N)",
            "n_draws": 4000,
            "top": 10,
            "repeats": args.repeats,
        },
        "load_average_1min_before_after": [load_before, os.getloadavg()[0]],
        "enumeration": enum,
        "tables": rows,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    _write_docs(result)


def coverage(n_reps: int, seed: int = 2026) -> None:
    """Coverage, bias and width of dga's intervals on simstudy's SYNTHETIC scenarios."""
    from roshan.estimate.dga import study_methods
    from roshan.estimate.simstudy import SCENARIOS, run_study

    methods = {
        "dga": study_methods()["dga"],
        "dga_delta1": study_methods(delta=1.0)["dga"],
    }
    t0 = time.perf_counter()
    out = run_study(
        methods,
        list(SCENARIOS),
        n_reps,
        seed,
        progress=lambda d, t: print(f"\r{d}/{t} populations", end="", flush=True),
    )
    print()
    elapsed = time.perf_counter() - t0
    rows = out.to_dict(orient="records")
    result = {
        "benchmark": "estimate_dga_coverage",
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {"python": platform.python_version(), "cores": os.cpu_count()},
        "settings": {
            "reps_per_scenario": n_reps,
            "seed": seed,
            "level": 0.95,
            "methods": {
                "dga": "delta 2^-p, prior 1/N, automatic grid",
                "dga_delta1": "delta 1, prior 1/N, automatic grid",
            },
        },
        "scenarios": {k: v.note for k, v in SCENARIOS.items()},
        "seconds": elapsed,
        "rows": rows,
    }
    COVERAGE_RESULTS.parent.mkdir(parents=True, exist_ok=True)
    COVERAGE_RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    lines = [
        COVERAGE_SECTION,
        "",
        f"`{sys.executable.split('/')[-1]} bench/estimate_dga.py --coverage {n_reps}` "
        f"({result['when']}, {elapsed:,.0f} s). SYNTHETIC populations from "
        f"`roshan.estimate.simstudy.SCENARIOS`, {n_reps} per scenario (seed {seed}); 95% "
        "credible intervals. `dga` = defaults (delta 2^-p), `dga_delta1` = delta 1.",
        "",
        "| scenario | method | coverage | relative bias | median rel. width | misses low / high "
        "| failures | s/fit |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['scenario']} | {r['method']} | {r['coverage']:.2f} | "
            f"{r['relative_bias']:+.3f} | {r['median_rel_width']:.3f} | "
            f"{r['misses_low']} / {r['misses_high']} | {r['failures']} | "
            f"{r['seconds'] / max(r['reps'], 1):.2f} |"
        )
    lines += ["", "Results: bench/results/estimate_dga_coverage.json.", ""]
    _replace_section(COVERAGE_SECTION, "\n".join(lines))
    print("\n".join(lines))


def _write_docs(result: dict) -> None:
    e = result["enumeration"]
    lines = [
        SECTION,
        "",
        f"`{sys.executable.split('/')[-1]} bench/estimate_dga.py` ({result['when']}, "
        f"{result['machine']['cores']} cores shared with other work - 1-minute load average "
        f"{result['load_average_1min_before_after'][0]:.1f} before, "
        f"{result['load_average_1min_before_after'][1]:.1f} after - single process). "
        "`fit` = `fit_dga` with defaults (delta 2^-p, prior 1/N, automatic Nmissing grid, 4,000 "
        f"draws), median of {result['settings']['repeats']} runs; `fit, delta 1` the same with "
        "delta = 1; `1:300` and `20k` = the "
        "posterior over all graphs on R dga's example grid Nmissing = 1:300 and on 20,000 "
        "grid points.",
        "",
        "| table | lists | graphs | fit (ms) | fit, delta 1 (ms) | grid points | 1:300 (ms) | "
        "20k grid (ms) | median N [95% CrI] |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in result["tables"]:
        lines.append(
            f"| {r['table']} | {r['lists']} | {r['graphs']} | {r['fit_seconds'] * 1e3:,.1f} | "
            f"{r['fit_seconds_delta_1'] * 1e3:,.1f} | "
            f"{r['grid_points']:,} | {r['posterior_300_seconds'] * 1e3:,.2f} | "
            f"{r['posterior_20000_seconds'] * 1e3:,.0f} | {r['estimate']:,.0f} "
            f"[{r['lower']:,.0f}, {r['upper']:,.0f}] |"
        )
    lines += [
        "",
        "Graph enumeration (once per process, cached): "
        + ", ".join(
            f"{v['graphs']} graphs on {k} lists in {v['seconds'] * 1e3:.1f} ms"
            for k, v in e.items()
        )
        + ".",
        "Results: bench/results/estimate_dga.json.",
        "",
    ]
    _replace_section(SECTION, "\n".join(lines))


def _replace_section(heading: str, body: str) -> None:
    """Replace our own `## ` section of docs/benchmarks.md (or append it); leave others alone."""
    DOCS.parent.mkdir(parents=True, exist_ok=True)
    with open("/tmp/roshan-benchmarks-md.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        text = DOCS.read_text() if DOCS.exists() else "# Benchmarks\n\n"
        start = text.find(heading + "\n")
        if start == -1:
            text = text.rstrip("\n") + "\n\n" + body
        else:
            # our section ends at the next heading or at another tool's <!-- marker -->
            ends = [
                i
                for i in (
                    text.find("\n## ", start + len(heading)),
                    text.find("\n<!--", start + len(heading)),
                )
                if i != -1
            ]
            nxt = min(ends) if ends else -1
            text = text[:start] + body + ("\n" + text[nxt + 1 :] if nxt != -1 else "")
        DOCS.write_text(text.rstrip("\n") + "\n")


if __name__ == "__main__":
    main()
