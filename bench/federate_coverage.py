"""How often the interval from privately computed counts covers the truth, beside the
interval from roshan's clear-text linkage of the same lists (issue 20), with each way of
carrying the private matching's error, recomputed from the intervals that
``bench/federate.py --accept-grid`` stored (SYNTHETIC scenarios).

    .venv/bin/python bench/federate_coverage.py

Reads bench/results/federate-accept-cut-4party.json, federate-accept-cut-3party.json,
federate-accept-3party-seeds11-60.json and federate-accept-4party-seeds35-38.json; writes bench/results/federate-coverage.json
and prints the table of docs/federate.md ("a measured widening"). The widened intervals
are ``estimate.federated.widen_for_matching``'s, applied to each stored interval: the
old fixed relative sd (0.71 %) and today's ``matching_rsd`` (1.02 × √N̂ people).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from roshan.estimate.federated import MATCHING_SD_FACTOR, widen_for_matching
from roshan.federate.match import default_accept

RESULTS = Path(__file__).resolve().parent / "results"
OLD_RSD = 0.0071
SETS = (
    ("4 org. held-out 31-34", "federate-accept-cut-4party", 4, range(31, 35)),
    ("4 org. held-out 35-38", "federate-accept-4party-seeds35-38", 4, range(35, 39)),
    ("3 org. held-out 1-6, 9, 10", "federate-accept-cut-3party", 3, (1, 2, 3, 4, 5, 6, 9, 10)),
    ("3 org. held-out 41-60", "federate-accept-3party-seeds11-60", 3, range(41, 61)),
    ("3 org. development 11-30", "federate-accept-3party-seeds11-60", 3, range(11, 31)),
)


def _covers(lo: float, hi: float, truth: int) -> bool:
    return lo <= truth <= hi


def _widened(e: dict[str, Any], rsd: float | None) -> tuple[float, float]:
    r = SimpleNamespace(
        estimate=e["estimate"], lower=e["lower"], upper=e["upper"], level=0.95, observed=0
    )
    widen_for_matching(r, rsd)
    return r.lower, r.upper


def scenario_rows(name: str, parties: int, seeds: Any) -> list[dict[str, Any]]:
    doc = json.loads((RESULTS / f"{name}.json").read_text(encoding="utf-8"))
    out = []
    for sc in doc["scenarios"]:
        if sc["seed"] not in seeds:
            continue
        grid = sc["accept_grid"]
        truth = int(grid["truth_population"])
        clear, e = grid["clear"], grid["by_accept"][str(default_accept(parties))]
        old, new = _widened(e, OLD_RSD), _widened(e, None)
        out.append(
            {
                "seed": sc["seed"],
                "truth": truth,
                "clear": [round(clear["lower"]), round(clear["upper"])],
                "private": round(e["estimate"]),
                "private_as_certain": [round(e["lower"]), round(e["upper"])],
                "private_widened_old": [round(old[0]), round(old[1])],
                "private_widened": [round(new[0]), round(new[1])],
                "covers": {
                    "clear": _covers(clear["lower"], clear["upper"], truth),
                    "private_as_certain": _covers(e["lower"], e["upper"], truth),
                    "private_widened_old": _covers(*old, truth),
                    "private_widened": _covers(*new, truth),
                },
                "private_vs_clear": e["estimate_rel_diff"],
                "pattern_count_l1": e["l1"],
            }
        )
    return out


def main() -> None:
    table = {}
    for label, name, parties, seeds in SETS:
        if not (RESULTS / f"{name}.json").exists():
            print(f"(no bench/results/{name}.json: {label} left out)")
            continue
        rows = scenario_rows(name, parties, seeds)
        diffs = [r["private_vs_clear"] for r in rows]
        table[label] = {
            "scenarios": len(rows),
            **{k: sum(r["covers"][k] for r in rows) for k in rows[0]["covers"]},
            "private_vs_clear_rms": round(math.sqrt(sum(d * d for d in diffs) / len(diffs)), 4),
            "private_vs_clear_mean": round(sum(diffs) / len(diffs), 4),
            "private_vs_clear_worst": max(diffs, key=abs),
            "pattern_count_l1_worst": max(r["pattern_count_l1"] for r in rows),
            "runs": rows,
        }
    held = [v for k, v in table.items() if "held-out" in k]
    total = {k: sum(v[k] for v in held) for k in ("scenarios", "clear", "private_widened")}
    out = {"matching_sd_factor": MATCHING_SD_FACTOR, "held_out_total": total, "sets": table}
    (RESULTS / "federate-coverage.json").write_text(
        json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(
        "| scenarios | clear-text | private, as certain | widened 0.71 % | widened √N̂ "
        "| pattern-count L1 worst | private vs clear-text estimate, worst |"
    )
    print("|---|---|---|---|---|---|---|")
    for label, v in table.items():
        n = v["scenarios"]
        print(
            f"| {label} | {v['clear']} of {n} | {v['private_as_certain']} of {n} | "
            f"{v['private_widened_old']} of {n} | {v['private_widened']} of {n} | "
            f"{v['pattern_count_l1_worst']:.2%} | {v['private_vs_clear_worst']:+.2%} |"
        )
    print(
        f"held-out: clear {total['clear']}, private widened {total['private_widened']} "
        f"of {total['scenarios']}"
    )


if __name__ == "__main__":
    main()
