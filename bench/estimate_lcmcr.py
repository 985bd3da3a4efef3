"""Benchmark: LCMCR Gibbs sweeps per second on published tables, against R's LCMCR.

Run:  .venv/bin/python bench/estimate_lcmcr.py [--repeats 3]

Settings are those of the R reference runs (K = 10, a_alpha = b_alpha = 0.25,
burn-in 10,000, 900 draws thinned by 100: 100,500 sweeps per chain including
our 500 warm-up sweeps), one chain at a time on one core. The rate excludes JIT
compilation; the cold compile time (fresh numba cache in a temporary dir, in a
subprocess) and the cached load time are reported separately. Writes
bench/results/estimate_lcmcr.json and the "## LCMCR sampler speed" section of
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import replace_marked_section  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "estimate" / "data"
RESULTS = ROOT / "bench" / "results" / "estimate_lcmcr.json"
DOCS = ROOT / "docs" / "benchmarks.md"
MARKER = "estimate_lcmcr"
SECTION = "## LCMCR sampler speed"

# R 4.2.2, LCMCR 0.4.14, same settings (from /work/shared/reference/mse/README.md)
R_REFERENCE = {
    "rome_hiv_4list": {"median": 10_910, "lower": 9_407, "upper": 12_884, "rate": 81_235},
    "uk_slavery_6list": {"median": 22_403, "lower": 16_907, "upper": 34_772, "rate": 58_962},
    "western_5list": {"median": 1_820, "lower": 1_299, "upper": 2_813, "rate": 79_745},
}
SEED = 19481210


def _compile_times() -> dict:
    code = (
        "import time;from roshan.estimate.lcmcr import _compile;"
        "t=time.perf_counter();_compile();print(time.perf_counter()-t)"
    )
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "NUMBA_CACHE_DIR": tmp}
        for label in ("cold_compile_seconds", "cached_load_seconds"):
            r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                               text=True, check=True)
            out[label] = float(r.stdout.strip().splitlines()[-1])
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()

    from roshan.estimate.counts import CaptureCounts
    from roshan.estimate.lcmcr import WARMUP_SWEEPS, _compile
    from roshan.estimate.lcmcr_kernel import run_chain

    load = os.getloadavg()[0]
    compile_info = _compile_times()
    _compile()
    rows = []
    for name, ref in R_REFERENCE.items():
        counts = CaptureCounts.from_csv(DATA / f"{name}.csv")
        pats = counts.patterns.astype(np.int64)
        freq = counts.counts.astype(np.int64)
        sweeps = WARMUP_SWEEPS + 10_000 + 900 * 100
        rates, wall_rates, summaries = [], [], []
        for rep in range(args.repeats):
            t0, c0 = time.perf_counter(), time.process_time()
            n, _, _ = run_chain(pats, freq, 10, 0.25, 0.25, 10_000, 900, 100, SEED + rep,
                                WARMUP_SWEEPS, 1.0, 1.0)
            dt, dc = time.perf_counter() - t0, time.process_time() - c0
            rates.append(sweeps / dc)
            wall_rates.append(sweeps / dt)
            summaries.append([float(np.median(n)), *np.quantile(n, [0.025, 0.975]).tolist()])
        rate = float(np.median(rates))
        s = np.array(summaries)
        row = {
            "table": name,
            "lists": counts.n_lists,
            "patterns": int(pats.shape[0]),
            "observed": counts.observed,
            "sweeps_per_run": sweeps,
            "iterations_per_second": rate,
            "iterations_per_second_all": rates,
            "wall_iterations_per_second_all": wall_rates,
            "r_iterations_per_second": ref["rate"],
            "ratio_to_r": rate / ref["rate"],
            "target_ratio": 2.0,
            "posterior_median_per_run": s[:, 0].tolist(),
            "lower_per_run": s[:, 1].tolist(),
            "upper_per_run": s[:, 2].tolist(),
            "r_median": ref["median"], "r_lower": ref["lower"], "r_upper": ref["upper"],
        }
        rows.append(row)
        print(f"{name:18s} {rate:10,.0f} it/s  ({rate / ref['rate']:.2f}x R's {ref['rate']:,})  "
              f"median N {np.median(s[:, 0]):,.0f} (R {ref['median']:,})")
    print(f"cold compile {compile_info['cold_compile_seconds']:.1f}s, cached load "
          f"{compile_info['cached_load_seconds']:.2f}s")
    result = {
        "benchmark": "estimate_lcmcr",
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {"python": platform.python_version(), "cpu": platform.processor()
                    or platform.machine(), "cores": os.cpu_count(),
                    "load_average_at_start": load},
        "rate_basis": "CPU time of the (single-threaded) process; wall-clock rates also kept",
        "settings": {"K": 10, "a_alpha": 0.25, "b_alpha": 0.25, "burnin": 10_000,
                     "samples": 900, "thin": 100, "warmup": WARMUP_SWEEPS, "chains": 1,
                     "threads": 1, "repeats": args.repeats},
        **compile_info,
        "tables": rows,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    _write_docs(result)


def _write_docs(result: dict) -> None:
    lines = [
        SECTION, "",
        f"`{sys.executable.split('/')[-1]} bench/estimate_lcmcr.py` ({result['when']}, "
        f"{result['machine']['cores']} cores shared, one chain on one core). "
        "Settings of the R reference runs: K = 10, a_alpha = b_alpha = 0.25, burn-in 10,000, "
        "900 draws thinned by 100. Rate = Gibbs sweeps per CPU-second of the single-threaded "
        f"process (the machine is shared: load average {result['machine']['load_average_at_start']:.1f} "
        "at the start, so wall-clock rates, kept in the JSON, mostly measure waiting for a core), "
        f"median of {result['settings']['repeats']} runs, JIT compile excluded. Target: at least "
        "2x R's LCMCR 0.4.14.", "",
        "| table | sweeps/s | R's sweeps/s | ratio | median N (runs) | R median N |",
        "|---|---|---|---|---|---|",
    ]
    for r in result["tables"]:
        meds = ", ".join(f"{m:,.0f}" for m in r["posterior_median_per_run"])
        lines.append(f"| {r['table']} | {r['iterations_per_second']:,.0f} | "
                     f"{r['r_iterations_per_second']:,} | {r['ratio_to_r']:.2f}x | {meds} | "
                     f"{r['r_median']:,} |")
    lines += ["", f"JIT: cold compile {result['cold_compile_seconds']:.1f} s (once per install; "
              f"cached on disk), cached load {result['cached_load_seconds']:.2f} s per process.",
              "Results: bench/results/estimate_lcmcr.json.", ""]
    _replace_section(SECTION, "\n".join(lines))


def _replace_section(heading: str, body: str) -> None:
    """Write our section of docs/benchmarks.md between our own markers; leave others alone.

    The section is wrapped in ``<!-- bench:NAME -->`` / ``<!-- /bench:NAME -->``
    (the convention of the other benchmarks). An older unmarked copy under the
    same heading is replaced up to the next heading or marker; otherwise the
    section is appended.
    """
    DOCS.parent.mkdir(parents=True, exist_ok=True)
    text = DOCS.read_text() if DOCS.exists() else "# Benchmarks\n"
    DOCS.write_text(replace_marked_section(text, MARKER, heading, body))


if __name__ == "__main__":
    main()
