"""Coverage study: 95% interval coverage, relative bias and width per method.

Run:  .venv/bin/python bench/estimate_coverage.py [--reps 32] [--seed 2026]

SYNTHETIC populations from roshan.estimate.simstudy.SCENARIOS (7 scenarios x
``--reps`` populations, 224 by default): the issue's two-class scenario with 4
and 5 lists and with 500 people, plus independent lists, dependent lists,
continuous (logit-normal) heterogeneity and three groups. Every method sees the
same populations. Methods: ``lcmcr`` (faithful to R's LCMCR), ``recommended``,
and ``loglinear`` / ``dga`` with their defaults when those modules exist.
LCMCR fits in the study use 2 chains x (5,000 burn-in + 1,000 draws thinned by
20) each, single-threaded, instead of the user defaults (4 chains, thin 50), to
keep the study within ~15 minutes on a laptop core; the quantiles of N move
by far less than the differences between methods.

Writes bench/results/estimate_coverage.json and the "## Coverage study" section
of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import replace_marked_section

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "estimate_coverage.json"
DOCS = ROOT / "docs" / "benchmarks.md"
MARKER = "estimate_coverage"
SECTION = "## Coverage study (lcmcr, recommended, loglinear, dga)"
SCENARIO_NAMES = [
    "two_class_4",
    "two_class_5",
    "two_class_4_small",
    "homogeneous_4",
    "dependent_5",
    "logit_normal_5",
    "three_class_5",
]
LCMCR_SETTINGS = dict(burnin=5_000, samples=1_000, thin=20, chains=2, workers=1)


def _methods() -> dict:
    from roshan.estimate.lcmcr import fit_lcmcr
    from roshan.estimate.recommended import fit_recommended

    methods = {
        "lcmcr": lambda c, s: fit_lcmcr(c, seed=s, **LCMCR_SETTINGS),
        "recommended": lambda c, s: fit_recommended(c, seed=s, compare=(), **LCMCR_SETTINGS),
    }
    try:
        from roshan.estimate.loglinear import fit_loglinear

        methods["loglinear"] = lambda c, s: fit_loglinear(c, seed=s)
    except ImportError:  # pragma: no cover
        pass
    try:
        from roshan.estimate.dga import fit_dga

        methods["dga"] = lambda c, s: fit_dga(c, seed=s)
    except ImportError:  # pragma: no cover
        pass
    return methods


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=32, help="populations per scenario")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--methods", default=None, help="comma-separated subset of methods")
    ap.add_argument(
        "--reuse",
        default=None,
        help="earlier results JSON (same --seed and --reps): take the per-population "
        "results of methods not listed in --refit from it instead of refitting",
    )
    ap.add_argument("--refit", default="", help="comma-separated methods to refit with --reuse")
    args = ap.parse_args()

    from roshan.estimate.lcmcr import _compile
    from roshan.estimate.simstudy import SCENARIOS, run_study

    _compile()
    methods = _methods()
    if args.methods:
        methods = {k: v for k, v in methods.items() if k in args.methods.split(",")}
    t0 = time.perf_counter()

    def prog(done: int, total: int) -> None:
        if done % 10 == 0 or done == total:
            print(
                f"  {done}/{total} populations, {time.perf_counter() - t0:,.0f} s",
                file=sys.stderr,
                flush=True,
            )

    reused: dict = {}
    prev_reps = None
    if args.reuse:
        import pandas as pd

        from roshan.estimate.simstudy import summarise_study

        prev = json.loads(Path(args.reuse).read_text())
        if prev["seed"] != args.seed or prev["reps_per_scenario"] != args.reps:
            raise SystemExit("--reuse file was made with another --seed or --reps")
        prev_reps = pd.DataFrame(prev["replicates"])
        refit = set(filter(None, args.refit.split(",")))
        keep = [m for m in methods if m not in refit and m in set(prev_reps["method"])]
        reused = {m: prev["when"] for m in keep}
        prev_reps = prev_reps[prev_reps["method"].isin(keep)]
        methods = {k: v for k, v in methods.items() if k not in keep}
    df = run_study(methods, SCENARIO_NAMES, args.reps, args.seed, progress=prog)
    elapsed = time.perf_counter() - t0
    reps = df.attrs["replicates"]
    if prev_reps is not None and len(prev_reps):
        order = list(dict.fromkeys(list(prev_reps["method"]) + list(reps["method"])))
        reps = pd.concat(
            [prev_reps[reps.columns.intersection(prev_reps.columns)], reps], ignore_index=True
        )
        reps["method"] = pd.Categorical(reps["method"], categories=order, ordered=True)
        reps = reps.sort_values(["scenario", "rep", "method"], kind="stable")
        reps["method"] = reps["method"].astype(str)
        df = summarise_study(reps)
        df = df.sort_values(
            ["scenario", "method"],
            key=lambda c: (
                c.map({n: i for i, n in enumerate(SCENARIO_NAMES + ["ALL"])})
                if c.name == "scenario"
                else c.map({m: i for i, m in enumerate(order)})
            ),
            kind="stable",
        ).reset_index(drop=True)
    show = df[
        [
            "scenario",
            "method",
            "reps",
            "coverage",
            "relative_bias",
            "median_rel_width",
            "misses_low",
            "misses_high",
            "failures",
            "seconds",
        ]
    ]
    print(show.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    print(f"{len(SCENARIO_NAMES) * args.reps} populations, {elapsed:,.0f} s")

    two = reps[reps["scenario"].str.startswith("two_class")]
    two_rows = []
    for m, g in two.groupby("method", sort=False):
        ok = g["estimate"].notna()
        cov = ((g["lower"] <= g["truth"]) & (g["truth"] <= g["upper"]) & ok).mean()
        width = ((g["upper"] - g["lower"]) / g["truth"]).median()
        two_rows.append(
            {
                "method": m,
                "populations": len(g),
                "coverage": float(cov),
                "median_rel_width": float(width),
            }
        )
    result = {
        "benchmark": "estimate_coverage",
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "seed": args.seed,
        "reps_per_scenario": args.reps,
        "populations": len(SCENARIO_NAMES) * args.reps,
        "seconds": elapsed,
        "cores": os.cpu_count(),
        "lcmcr_settings": LCMCR_SETTINGS,
        "reused_from_earlier_run": reused,
        "scenarios": {
            n: {"n": SCENARIOS[n].n, "lists": SCENARIOS[n].n_lists, "note": SCENARIOS[n].note}
            for n in SCENARIO_NAMES
        },
        "summary": json.loads(df.to_json(orient="records")),
        "two_class_pooled": two_rows,
        "replicates": json.loads(reps.to_json(orient="records")),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1) + "\n")
    _write_docs(result, show)


def _write_docs(result: dict, show) -> None:
    lines = [
        SECTION,
        "",
        f"`python bench/estimate_coverage.py --reps {result['reps_per_scenario']} --seed "
        f"{result['seed']}` ({result['when']}): {result['populations']} SYNTHETIC populations "
        f"({result['reps_per_scenario']} per scenario), {result['seconds'] / 60:.1f} min on a "
        "shared 2-core machine. Coverage = share of 95% intervals containing the true total; "
        "bias = mean (N̂ − N)/N; width = median (upper − lower)/N. LCMCR fits: 2 chains × "
        "(5,000 burn-in + 1,000 draws thinned by 20)."
        + (
            f" Per-population results of {', '.join(result['reused_from_earlier_run'])} reused "
            "from the run of "
            + ", ".join(sorted(set(result["reused_from_earlier_run"].values())))
            + " (same populations and seeds; only the other methods were refitted, and the time "
            "above is theirs)."
            if result["reused_from_earlier_run"]
            else ""
        ),
        "",
        "Issue's two-class scenarios pooled (two_class_4, two_class_5, two_class_4_small):",
        "",
        "| method | populations | coverage | median relative width |",
        "|---|---|---|---|",
    ]
    for r in result["two_class_pooled"]:
        lines.append(
            f"| {r['method']} | {r['populations']} | {r['coverage']:.3f} | "
            f"{r['median_rel_width']:.3f} |"
        )
    lines += [
        "",
        "| scenario | method | reps | coverage | bias | width | misses low | "
        "misses high | failures |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for _, r in show.iterrows():
        lines.append(
            f"| {r['scenario']} | {r['method']} | {r['reps']} | {r['coverage']:.3f} | "
            f"{r['relative_bias']:+.3f} | {r['median_rel_width']:.3f} | "
            f"{r['misses_low']} | {r['misses_high']} | {r['failures']} |"
        )
    lines += [
        "",
        "Per-population results: bench/results/estimate_coverage.json. Scenarios: "
        "src/roshan/estimate/simstudy.py; why `recommended` works: docs/estimation.md.",
        "",
    ]
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
    np.seterr(all="ignore")
    main()
