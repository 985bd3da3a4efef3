"""Linkage speed and memory at scale: normalise + train + predict + cluster.

Run: ``.venv/bin/python bench/link_scale.py --records 100000`` (target: ≤ 2 min on 2
cores) or ``--records 1000000`` (target: ≤ 20 min, peak RSS ≤ 12 GB).

A SYNTHETIC scenario (``roshan.simulate``, default difficulty, 5 lists) sized to
about the requested number of records is ingested into a fresh workspace (not
timed: ingest has its own benchmark), then ``link_workspace`` runs and the time of
each step is printed: normalise, prepare (blocking keys), train (u, λ, EM),
predict (Splink scoring of every candidate pair), cluster (constrained clustering
and the chaining guard), store (victims, links and snapshots written).
"""

from __future__ import annotations

import argparse
import logging
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import write_result

RECORDS_PER_PERSON = 1.63  # default scenario, 5 lists (measured)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--lists", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--engine", default="duckdb")
    ap.add_argument("--keep", type=Path, default=None, help="Keep the workspace here.")
    ap.add_argument(
        "--workspace",
        type=Path,
        default=None,
        help="Link this already-ingested workspace instead of simulating one.",
    )
    args = ap.parse_args()
    logging.getLogger("splink").setLevel(logging.ERROR)

    from roshan.canonical import SourceKind
    from roshan.ingest.importer import ingest_file
    from roshan.link.pipeline import link_workspace
    from roshan.simulate.config import ScenarioConfig
    from roshan.simulate.scenario import simulate
    from roshan.store.workspace import Workspace

    tmp = args.keep or Path(tempfile.mkdtemp(prefix="roshan-linkscale-"))
    population = int(args.records / RECORDS_PER_PERSON)
    t_sim = t_ingest = 0.0
    if args.workspace is not None:
        ws = Workspace.open(args.workspace)
        args.keep = args.keep or args.workspace
    else:
        t0 = time.perf_counter()
        man = simulate(
            ScenarioConfig(seed=args.seed, population=population, lists=args.lists), tmp / "sim"
        )
        t_sim = time.perf_counter() - t0
        t0 = time.perf_counter()
        ws = Workspace.init(tmp / "ws")
        for s in man["sources"]:
            ingest_file(
                ws,
                tmp / "sim" / s["file"],
                source_name=s["name"],
                source_kind=SourceKind(s["kind"]),
                mapping_path=(tmp / "sim" / s["mapping"]) if s.get("mapping") else None,
            )
        t_ingest = time.perf_counter() - t0
        print(
            f"simulated {population:,} people in {t_sim:.1f}s; ingested in {t_ingest:.1f}s",
            flush=True,
        )

    proc = psutil.Process()
    peak = [proc.memory_info().rss]

    def on_progress(step: str, done: int, total: int) -> None:
        peak[0] = max(peak[0], proc.memory_info().rss)
        print(f"  {time.strftime('%H:%M:%S')} {step} ({done}/{total})", flush=True)

    load_before = psutil.getloadavg()[0]
    t0 = time.perf_counter()
    summary = link_workspace(ws, engine=args.engine, on_progress=on_progress)
    total = time.perf_counter() - t0
    load_after = psutil.getloadavg()[0]
    peak_rss = max(peak[0], resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
    t = summary.timings
    core = sum(t.get(k, 0.0) for k in ("normalize", "prepare", "train", "predict", "cluster"))
    quality = None
    if (tmp / "sim" / "truth" / "records.csv").exists():  # a simulated workspace: score it
        from roshan.simulate.truth import linkage_quality

        quality = linkage_quality(ws, tmp / "sim")
    ws.close()
    result = {
        "records": summary.n_records,
        "lists": summary.n_sources,
        "victims": summary.n_victims,
        "pairs_kept": summary.n_pairs,
        "engine": args.engine,
        "timings": t,
        "normalise_train_predict_cluster_seconds": round(core, 1),
        "link_workspace_seconds": round(total, 1),
        "peak_rss_gb": round(peak_rss / 2**30, 2),
        "simulate_seconds": round(t_sim, 1),
        "ingest_seconds": round(t_ingest, 1),
        "load_average_before": load_before,
        "load_average_after": load_after,
        "cpus": psutil.cpu_count(),
        "training": summary.training.get("timings"),
        "warnings": summary.warnings,
        "quality": quality,
    }
    target = 120 if summary.n_records <= 200_000 else 1200
    lines = [
        f"`python bench/link_scale.py --records {args.records}` ({args.engine}, "
        f"{psutil.cpu_count()} cores shared with other work; 1-minute load average "
        f"{load_before:.1f} before, {load_after:.1f} after): {summary.n_records:,} records over "
        f"{summary.n_sources} lists → {summary.n_victims:,} victims.",
        "Step times (s): " + ", ".join(f"{k} {v:.1f}" for k, v in t.items()) + ".",
        f"normalise + train + predict + cluster: **{core:.1f} s** (target ≤ {target} s); "
        f"whole `link_workspace` incl. writing the store: {total:.1f} s; peak RSS "
        f"{peak_rss / 2**30:.2f} GB.",
    ]
    if quality is not None:
        pw, b3 = quality["pairwise"], quality["bcubed"]
        lines.append(
            f"Quality vs the simulator's truth ({quality['true_people']:,} people): pairwise "
            f"precision {pw['precision']:.4f}, recall {pw['recall']:.4f}; B-cubed F1 "
            f"{b3['f1']:.4f}."
        )
    print("\n".join(lines))
    name = f"link_scale_{summary.n_records // 1000}k"
    write_result(name, result, f"Linkage at scale ({summary.n_records:,} records)", lines)
    if args.keep is None:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
