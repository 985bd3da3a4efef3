"""Linkage robustness sweep: roshan vs a naive Splink set-up on outside scenarios.

Run: ``.venv/bin/python bench/link_robustness.py [--families all] [--seeds 20]
[--jobs 2] [--estimate] [--name link_robustness]``

Each (family, seed) is an outside scenario (``bench/robustness/outside.py``: SYNTHETIC
lists written independently of roshan's simulator and normaliser) run through
roshan as a user would (ingest every list with its mapping, ``link_workspace`` at its
defaults) and through the naive Splink set-up of ``bench/link_quality.py`` on the same
normalised records, both scored with pairwise precision and recall against the truth.
Reported per family and over all runs: the **worst case and the 10th percentile**
beside the median and the mean, and the health check's verdicts.

Targets (issue 18): every seed of every family P ≥ 0.97 and R ≥ 0.93; median P ≥ 0.99
and R ≥ 0.97; with ``--estimate``, the default estimate's 95% interval covers the true
total on at least 90% of seeds.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import write_result
from robustness.outside import FAMILIES
from robustness.sweep import run_one, summarise

from roshan.estimate.linkage import OBSERVED_GAP_WARN

TARGETS = {
    "worst_precision": 0.97,
    "worst_recall": 0.93,
    "median_precision": 0.99,
    "median_recall": 0.97,
    "coverage": 0.90,
}


ORACLE_SEEDS = 5
"""On the first this-many seeds of every family roshan is also compared with a
supervised reference (its own model with m from every true pair: what these
comparisons reach on the data when training is perfect)."""


def _job(args: tuple[str, int, bool, bool, str]) -> dict:
    family, seed, estimate, oracle, generator = args
    t0 = time.perf_counter()
    try:
        out = run_one(family, seed, estimate=estimate, oracle=oracle, generator=generator)
    except Exception as exc:  # noqa: BLE001 - a crash is a result of the sweep, not its end
        out = {
            "family": family,
            "seed": seed,
            "generator": generator,
            "error": f"{type(exc).__name__}: {exc}"[:300],
        }
    out["seconds"] = round(time.perf_counter() - t0, 1)
    print(json.dumps(out), flush=True)
    return out


def _family_summary(runs: list[dict]) -> dict:
    ok = [r for r in runs if "error" not in r]
    s = {
        "runs": len(runs),
        "errors": len(runs) - len(ok),
        "precision": summarise([r["precision"] for r in ok]),
        "recall": summarise([r["recall"] for r in ok]),
        "naive_precision": summarise([r["naive"]["precision"] for r in ok if "naive" in r]),
        "naive_recall": summarise([r["naive"]["recall"] for r in ok if "naive" in r]),
        "health": {
            v: sum(1 for r in ok if r.get("health") == v) for v in ("ok", "repaired", "failed")
        },
    }
    orc = [r["oracle"] for r in ok if "oracle" in r]
    if orc:
        s["oracle_precision"] = summarise([o["precision"] for o in orc])
        s["oracle_recall"] = summarise([o["recall"] for o in orc])
    est = [r["estimate"] for r in ok if "estimate" in r]
    if est:
        s["coverage"] = round(sum(e["covers"] for e in est) / len(est), 3)
        s["estimate_seconds"] = summarise([e["seconds"] for e in est])
        s["refused"] = sum(1 for e in est if e.get("refused"))
        gaps = [abs(e["observed_gap"]) for e in est if e.get("observed_gap") is not None]
        s["people_uncertain_flagged"] = sum(1 for g in gaps if g > OBSERVED_GAP_WARN)
    return s


def _earlier_runs(paths: list[str], generator: str) -> list[dict]:
    """Runs printed by earlier sweeps (``{"family": ...}`` lines of their output)."""
    out: dict[tuple[str, int], dict] = {}
    for path in paths:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if line.startswith('{"family"'):
                r = json.loads(line)
                if r.get("generator", "outside") == generator:
                    out[(r["family"], r["seed"])] = r
    return list(out.values())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--families", default="all")
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--first-seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--estimate", action="store_true")
    ap.add_argument("--oracle-seeds", type=int, default=ORACLE_SEEDS)
    ap.add_argument(
        "--generator",
        choices=("outside", "wild", "simulate"),
        default="outside",
        help="outside: bench/robustness/outside.py (written independently of "
        "roshan); wild: bench/robustness/wild.py (also independent; free-form headers, "
        "no mapping files); simulate: roshan's own simulator's families",
    )
    ap.add_argument(
        "--people",
        type=int,
        default=None,
        help="outside generator only: the families with this many people instead of "
        "their own (3,000), the same name pools: namesakes grow with it",
    )
    ap.add_argument("--name", default="link_robustness")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument(
        "--add-runs",
        action="append",
        default=[],
        metavar="LOG",
        help="also summarise the runs printed (one JSON line each) by an earlier "
        "sweep of the same code, e.g. seeds 1-6 when this run does 7-12",
    )
    args = ap.parse_args()
    if args.families != "all":
        fams = args.families.split(",")
    elif args.generator == "simulate":
        from roshan.simulate.families import FAMILIES as SIM_FAMILIES

        fams = list(SIM_FAMILIES)
    elif args.generator == "wild":
        from robustness.wild import FAMILIES as WILD_FAMILIES

        fams = list(WILD_FAMILIES)
    else:
        fams = list(FAMILIES)
    if args.people:
        if args.generator != "outside":
            ap.error("--people is for the outside generator")
        from robustness.outside import _derive

        scaled = []
        for f in fams:
            name = f"{f}_x{args.people}"
            FAMILIES[name] = _derive(
                name, f"{f} with {args.people:,} people", base=FAMILIES[f], n_people=args.people
            )
            scaled.append(name)
        fams = scaled  # the workers are forked from here and see these families
    jobs = [
        (f, s, args.estimate, s < args.first_seed + args.oracle_seeds, args.generator)
        for f in fams
        for s in range(args.first_seed, args.first_seed + args.seeds)
    ]
    t0 = time.perf_counter()
    earlier = _earlier_runs(args.add_runs, args.generator)
    done = {(r["family"], r["seed"]) for r in earlier}
    jobs = [j for j in jobs if (j[0], j[1]) not in done]
    with ProcessPoolExecutor(max_workers=args.jobs) as ex:
        runs = earlier + list(ex.map(_job, jobs))
    runs = [r for r in runs if r["family"] in fams]
    runs.sort(key=lambda r: (fams.index(r["family"]), r["seed"]))
    seeds = sorted({r["seed"] for r in runs})
    args.seeds = len(seeds)
    by_family = {f: _family_summary([r for r in runs if r["family"] == f]) for f in fams}
    overall = _family_summary(runs)
    result = {
        "families": by_family,
        "overall": overall,
        "runs": runs,
        "seeds": args.seeds,
        "targets": TARGETS,
        "wall_seconds": round(time.perf_counter() - t0, 1),
        "seed_list": seeds,
        "command": " ".join(["bench/link_robustness.py", *sys.argv[1:]]),
    }
    print(json.dumps({"overall": overall, "families": by_family}, indent=1))
    if args.no_write:
        return
    what = {
        "outside": "outside scenarios (bench/robustness/outside.py, written independently "
        "of roshan)",
        "wild": "wild scenarios (bench/robustness/wild.py, written independently of roshan: "
        "free-form headers, no mapping files)",
        "simulate": "roshan's own simulator's families",
    }[args.generator]
    earlier_note = (
        f"; {len(earlier)} of them printed by an earlier invocation of the same "
        "code and read back with --add-runs"
        if earlier
        else ""
    )
    lines = [
        f"Command: `.venv/bin/python {result['command']}` ({len(runs)} runs, seeds "
        f"{seeds[0]}–{seeds[-1]} of every family{earlier_note}; this invocation "
        f"{result['wall_seconds'] / 60:.1f} min on 2 cores shared with other work). "
        f"SYNTHETIC {what}.",
        "| family | P worst | P p10 | P median | R worst | R p10 | R median | naive P "
        "median | naive R worst | naive R median | supervised P/R median | health "
        "ok/repaired/failed |"
        + (
            " coverage | estimate refused | documented count flagged uncertain |"
            if args.estimate
            else ""
        ),
        "|---|---|---|---|---|---|---|---|---|---|---|---|"
        + ("---|---|---|" if args.estimate else ""),
    ]
    for f, s in [*by_family.items(), ("**all**", overall)]:
        p, r = s["precision"], s["recall"]
        np_, nr = s["naive_precision"], s["naive_recall"]
        h = s["health"]
        orc = (
            f"{s['oracle_precision']['median']}/{s['oracle_recall']['median']}"
            if "oracle_recall" in s
            else "—"
        )
        lines.append(
            f"| {f} | {p.get('worst')} | {p.get('p10')} | {p.get('median')} | "
            f"{r.get('worst')} | {r.get('p10')} | {r.get('median')} | "
            f"{np_.get('median')} | {nr.get('worst')} | {nr.get('median')} | {orc} | "
            f"{h['ok']}/{h['repaired']}/{h['failed']} |"
            + (
                f" {s.get('coverage')} | {s.get('refused')} | {s.get('people_uncertain_flagged')} |"
                if args.estimate
                else ""
            )
        )
    write_result(
        args.name,
        result,
        {
            "outside": "Linkage robustness on outside scenarios",
            "wild": "Linkage robustness on wild scenarios (no mapping files)",
            "simulate": "Linkage robustness on the simulator's scenario families",
        }[args.generator],
        lines,
    )


if __name__ == "__main__":
    main()
