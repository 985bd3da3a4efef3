"""Benchmark: log-linear model search and bootstrap on the published tables.

Run:  .venv/bin/python bench/estimate_loglinear.py [--repeats 3] [--boot 1000]

For each published table (tests/estimate/data) this times:

* each model search the method offers (downhill by BIC, stepwise by p-value, and
  the exhaustive search where it applies, i.e. up to 5 lists), median of
  ``--repeats`` runs after one warm-up;
* the profile-likelihood interval of the chosen model;
* a BCa bootstrap of ``--boot`` replicates that repeats the downhill search on
  every replicate, plus the jackknife for the acceleration (one run);

and the one-off numba cost (cold compile is measured only if no cache exists;
normally the cached kernel is loaded). Writes bench/results/estimate_loglinear.json
and the "## Log-linear model search and bootstrap" section of docs/benchmarks.md
(other sections are left alone).
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import platform
import re
import statistics
import sys
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "estimate" / "data"
DOCS = ROOT / "docs" / "benchmarks.md"
OUT = ROOT / "bench" / "results" / "estimate_loglinear.json"
HEADING = "## Log-linear model search and bootstrap"

TABLES = [
    ("korea_3list.csv", {"max_order": 2}),
    ("rome_hiv_4list.csv", {}),
    ("allegheny_4list.csv", {}),
    ("new_orleans_5list.csv", {}),
    ("western_5list.csv", {}),
    ("uk_slavery_6list.csv", {}),
    ("new_orleans_8list.csv", {}),
]


def _median_time(fn, repeats: int) -> tuple[float, object]:
    out = fn()  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--boot", type=int, default=1000)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    sys.path.insert(0, str(ROOT / "src"))

    t0 = time.perf_counter()
    import numpy as np

    from roshan.estimate.counts import CaptureCounts
    from roshan.estimate.loglinear import fit_loglinear
    from roshan.estimate.modelsearch import search
    from roshan.estimate.poisson import Table, _irls, profile_interval

    t_import = time.perf_counter() - t0
    t0 = time.perf_counter()
    _irls(np.ones((3, 1)), np.array([1.0, 2.0, 3.0]), None)
    t_jit = time.perf_counter() - t0

    rows = []
    for name, kw in TABLES:
        cc = CaptureCounts.from_csv(DATA / name)
        table = Table.from_counts(cc)
        row: dict = {
            "table": name.removesuffix(".csv"),
            "lists": cc.n_lists,
            "observed": cc.observed,
        }
        procs = ["downhill", "stepwise"] + (["exhaustive"] if cc.n_lists <= 5 else [])
        for proc in procs:
            secs, res = _median_time(
                lambda proc=proc, table=table, mo=kw.get("max_order"): search(
                    table, proc, "bic", mo
                ),
                args.repeats,
            )
            row[f"{proc}_s"] = secs
            row[f"{proc}_models"] = res.considered
            row[f"{proc}_estimate"] = None if res.best is None else res.best.estimate
        best = search(table, "downhill", "bic", kw.get("max_order")).best
        secs, ci = _median_time(
            lambda best=best, table=table: profile_interval(table, best), args.repeats
        )
        row["profile_s"] = secs
        row["profile_interval"] = list(ci)
        t0 = time.perf_counter()
        r = fit_loglinear(cc, search="downhill", bootstrap=args.boot, seed=1, **kw)
        row["bootstrap_s"] = time.perf_counter() - t0
        row["bootstrap_n"] = args.boot
        row["bootstrap_interval"] = [r.lower, r.upper]
        row["bootstrap_failed"] = r.diagnostics["bootstrap_failed"]
        rows.append(row)
        print(json.dumps(row), flush=True)

    result = {
        "benchmark": "estimate_loglinear",
        "recorded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "import_s": t_import,
        "numba_first_call_s": t_jit,
        "repeats": args.repeats,
        "rows": rows,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    _write_docs(result, args)


def _fmt_ms(s: float | None) -> str:
    if s is None:
        return "–"
    ms = s * 1000
    return f"{ms:.1f}" if ms < 100 else f"{ms:,.0f}"


def _write_docs(result: dict, args) -> None:
    lines = [
        HEADING,
        "",
        f"`python bench/estimate_loglinear.py` ({result['recorded_at']}, "
        f"{result['machine']['cpus']} cores shared with other engineers' work, one process). "
        "Search times are the median of "
        f"{args.repeats} runs after a warm-up, in milliseconds; `models` = distinct models "
        "fitted. The bootstrap column is one run of "
        f"{args.boot} replicates, each repeating the downhill search, plus the jackknife for "
        "the BCa acceleration, in seconds.",
        "",
        "| table | lists | downhill ms (models) | stepwise ms | exhaustive ms (models) | "
        "profile CI ms | bootstrap s | N̂ downhill [BCa 95%] |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in result["rows"]:
        ex = (
            f"{_fmt_ms(r['exhaustive_s'])} ({r['exhaustive_models']:,})"
            if "exhaustive_s" in r
            else "–"
        )
        lo, hi = r["bootstrap_interval"]
        lines.append(
            f"| {r['table']} | {r['lists']} | {_fmt_ms(r['downhill_s'])} "
            f"({r['downhill_models']}) | {_fmt_ms(r['stepwise_s'])} | {ex} | "
            f"{_fmt_ms(r['profile_s'])} | {r['bootstrap_s']:.1f} | "
            f"{r['downhill_estimate']:,.0f} [{lo:,.0f}, {hi:,.0f}] |"
        )
    lines += [
        "",
        f"Process start: importing the estimation modules took {result['import_s']:.1f} s and "
        f"the first IRLS call (numba kernel from the on-disk cache, or compiled on first use) "
        f"{result['numba_first_call_s']:.1f} s. New Orleans rows use the table as distributed "
        "(185 people); the published 981/1,110 are on R's 186-person copy "
        "(see tests/estimate/data/README.md).",
        f"Results: bench/results/{OUT.name}.",
    ]
    body = "\n".join(lines) + "\n"
    with open("/tmp/roshan-benchmarks-md.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n"
        pat = re.compile(re.escape(HEADING) + r"\n.*?(?=\n## |\Z)", re.S)
        if pat.search(text):
            text = pat.sub(lambda _m: body.rstrip("\n"), text)
        else:
            text = text.rstrip("\n") + "\n\n" + body
        DOCS.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
