"""How many review decisions repair a broken linkage model.

Run: ``.venv/bin/python bench/review_repair.py [--seeds 3] [--batch 10]``

On outside scenarios (SYNTHETIC, bench/robustness/outside.py, family outside3) the
same-script trap of issue 18 is forced on purpose — every EM start *and* the
sure-match fallback end in it (bench/robustness/trap.py) — so the health check fails
and linkage recall collapses. A reviewer then works through ``roshan review``'s queue
(the model-check pairs come first while the model is in doubt) in batches of
``--batch`` decisions, answering as the truth says; after each batch the workspace is
linked again (confirmed matches retrain m from 30 on, and are must-links at once).
Reported per seed: recall and verdict after each batch, and the number of decisions
until recall ≥ 0.95. The same loop with the queue's ordinary ranking (uncertain
pairs only, ``--plain``) is the comparison.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import write_result
from robustness.outside import generate
from robustness.sweep import ingest_outside, truth_of
from robustness.trap import forced_trap

TARGET_RECALL = 0.95


def _quality(ws, sc) -> tuple[float, float]:
    import pandas as pd

    from roshan.link.quality import pairwise_scores

    norm = pd.read_parquet(ws.snapshots_dir / "normalized.parquet")
    truth = truth_of(sc, norm)
    cl = pd.read_parquet(ws.snapshots_dir / "clusters.parquet")
    pred = pd.Series(
        cl["cluster_id"].astype(str).to_numpy(), index=cl["record_pk"].astype("int64").to_numpy()
    )
    pw = pairwise_scores(pred, truth)
    return round(pw.precision, 4), round(pw.recall, 4)


def run_seed(seed: int, batch: int, max_rounds: int, plain: bool) -> dict:
    import pandas as pd

    import roshan.link.review as review
    from roshan.link.pipeline import link_workspace
    from roshan.link.review import queue
    from roshan.store.workspace import Workspace

    tmp = Path(tempfile.mkdtemp(prefix="roshan-repair-"))
    try:
        sc = generate("outside3", seed, out_dir=tmp / "lists")
        ws = Workspace.init(tmp / "ws")
        ingest_outside(sc, ws)
        truth = None
        rounds = []
        decided = 0
        real_checks = queue._model_check_pairs
        if plain:  # the ordinary queue: no model-check pairs first
            queue._model_check_pairs = lambda ws, limit, d: real_checks(ws, 0, d)
        try:
            with forced_trap():
                for rnd in range(max_rounds + 1):
                    summary = link_workspace(ws)
                    p, r = _quality(ws, sc)
                    rounds.append(
                        {
                            "decisions": decided,
                            "precision": p,
                            "recall": r,
                            "verdict": summary.health["verdict"],
                        }
                    )
                    print(json.dumps({"seed": seed, **rounds[-1]}), flush=True)
                    if r >= TARGET_RECALL or rnd == max_rounds:
                        break
                    if truth is None:
                        norm = pd.read_parquet(ws.snapshots_dir / "normalized.parquet")
                        truth = truth_of(sc, norm)
                    items = review.review_queue(ws, limit=batch, cluster_limit=0)
                    for it in items:
                        a, b = it["record_a"], it["record_b"]
                        same = truth.get(a) is not None and truth.get(a) == truth.get(b)
                        review.record_decision(
                            ws, a, b, "match" if same else "non_match", "oracle-SYNTHETIC"
                        )
                        decided += 1
                    if not items:
                        break
        finally:
            queue._model_check_pairs = real_checks
            ws.close()
        hit = next((x["decisions"] for x in rounds if x["recall"] >= TARGET_RECALL), None)
        return {"seed": seed, "rounds": rounds, "decisions_to_target": hit}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--batch", type=int, default=10)
    ap.add_argument("--max-rounds", type=int, default=12)
    ap.add_argument("--plain", action="store_true", help="ordinary queue (comparison)")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    logging.getLogger("splink").setLevel(logging.ERROR)
    t0 = time.perf_counter()
    runs = [run_seed(s, args.batch, args.max_rounds, args.plain) for s in range(1, args.seeds + 1)]
    name = "review_repair_plain" if args.plain else "review_repair"
    hits = [r["decisions_to_target"] for r in runs]
    result = {
        "runs": runs,
        "batch": args.batch,
        "target_recall": TARGET_RECALL,
        "decisions_to_target": hits,
        "wall_seconds": round(time.perf_counter() - t0, 1),
        "command": " ".join(["bench/review_repair.py", *sys.argv[1:]]),
    }
    print(json.dumps({"decisions_to_target": hits}))
    if args.no_write:
        return
    first = [r["rounds"][0] for r in runs]
    lines = [
        f"Command: `.venv/bin/python {result['command']}`; SYNTHETIC outside3 scenarios with "
        "the same-script trap forced on every EM start and on the fallback.",
        "Before review: recall "
        + ", ".join(str(f["recall"]) for f in first)
        + " (verdicts "
        + ", ".join(f["verdict"] for f in first)
        + ").",
        f"Decisions until recall ≥ {TARGET_RECALL} "
        + ("with the ordinary queue" if args.plain else "with model-check pairs first")
        + ": "
        + ", ".join("not reached" if h is None else str(h) for h in hits)
        + f" (batches of {args.batch}; per seed).",
    ]
    write_result(
        name,
        result,
        "Review that repairs the model" + (" (ordinary queue)" if args.plain else ""),
        lines,
    )


if __name__ == "__main__":
    main()
