"""roshan on the clean-room "blind" generator's four SYNTHETIC lists, through its command line.

Run: ``.venv/bin/python bench/blind_lists.py [--seeds 20] [--first-seed 1] [--people 2500]
[--jobs 2] [--name blind_lists] [--no-write]``

For each seed, ``bench/robustness/blind_gen.py`` (written clean-room on 2026-12-07 by
someone who had not read roshan) writes four SYNTHETIC casualty lists into a temporary
folder: a Persian NGO spreadsheet (XLSX), an English diaspora list (UTF-8 CSV), a
hospital/cemetery insider list (Windows-1256 CSV) and a web-form export (JSON), plus
``SYNTHETIC_truth.csv`` (file,row,person_id). roshan then runs on them exactly as a user
would, through the installed ``roshan`` script in subprocesses, with no mapping files::

    roshan init WS
    roshan ingest WS <list> -s <name> --kind <ngo_list|media|cemetery|family_report> --json
    roshan link WS --json
    roshan export WS --what records --out records.csv

The exported records (source,row_number,victim_id) are mapped back to (file,row) -- the
source name is the list's file stem and roshan's row_number is the truth's row (1-based
data row under the header; 1-based index of the JSON records array) -- and scored with
``bench/robustness/blind_score.py`` (pairwise precision/recall/F1 overall, within-file and
cross-file, B-cubed). Printed: one JSON line per seed; written (unless ``--no-write``):
``bench/results/<name>.json`` with every run, a summary per metric (worst, p10, median,
mean; for seconds the slowest, p90, median, mean), the health check's verdicts and the
exact command. docs/ is not touched. All data are SYNTHETIC.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

from robustness.blind_gen import FILES, generate  # noqa: E402
from robustness.blind_score import score  # noqa: E402
from robustness.sweep import summarise  # noqa: E402

KINDS = {"ngo": "ngo_list", "en": "media", "hosp": "cemetery", "web": "family_report"}
"""Source kind given to each of the generator's lists (its keys as in FILES)."""

SCORES = (
    "precision",
    "recall",
    "f1",
    "within_precision",
    "within_recall",
    "cross_precision",
    "cross_recall",
    "bcubed_precision",
    "bcubed_recall",
    "bcubed_f1",
)
SECONDS = ("link_seconds", "ingest_seconds", "seconds")


def roshan_exe() -> str:
    """The installed ``roshan`` script beside this Python (the venv's), else on PATH."""
    exe = Path(sys.executable).parent / "roshan"
    if exe.exists():
        return str(exe)
    found = shutil.which("roshan")
    if not found:
        raise FileNotFoundError("no roshan script found beside this Python or on PATH")
    return found


def _roshan(*args: str) -> str:
    """Run one roshan command; return its standard output (raise with its stderr)."""
    proc = subprocess.run(
        [roshan_exe(), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        timeout=1800,
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f"roshan {' '.join(args[:1])} exited {proc.returncode}: {proc.stderr[-2000:]}"
        )
    return proc.stdout


def _json_out(stdout: str) -> dict[str, Any]:
    """The JSON object a ``--json`` command printed (skipping any line before it)."""
    return json.loads(stdout[stdout.index("{") :])


def run_seed(seed: int, people: int = 2500, keep: Path | None = None) -> dict[str, Any]:
    """Generate seed ``seed``'s SYNTHETIC lists, run roshan's CLI on them, score the result."""
    t0 = time.perf_counter()
    tmp = tempfile.mkdtemp(prefix=f"SYNTHETIC-blind-seed{seed}-")
    try:
        root = Path(tmp)
        lists, ws, rec_csv = root / "lists", root / "ws", root / "records.csv"
        generate(seed, lists, people)
        truth = pd.read_csv(lists / "SYNTHETIC_truth.csv", dtype=str)
        _roshan("init", str(ws))
        ingest: dict[str, dict[str, Any]] = {}
        t_ing = time.perf_counter()
        for key, fname in FILES.items():
            res = _json_out(
                _roshan(
                    "ingest",
                    str(ws),
                    str(lists / fname),
                    "-s",
                    Path(fname).stem,
                    "--kind",
                    KINDS[key],
                    "--json",
                )
            )
            ingest[fname] = {
                "rows_in_truth": int((truth["file"] == fname).sum()),
                **{k: res[k] for k in ("rows", "accepted", "rejected", "warnings", "encoding")},
            }
        ingest_seconds = time.perf_counter() - t_ing
        t_link = time.perf_counter()
        link = _json_out(_roshan("link", str(ws), "--json"))
        link_seconds = time.perf_counter() - t_link
        _roshan("export", str(ws), "--what", "records", "--out", str(rec_csv))
        rec = pd.read_csv(rec_csv, dtype=str, usecols=["source", "row_number", "victim_id"])
        file_of = {Path(f).stem: f for f in FILES.values()}
        linker = pd.DataFrame(
            {
                "file": rec["source"].map(file_of),
                "row": rec["row_number"],
                "cluster_id": rec["victim_id"],
            }
        )
        s = score(truth, linker)
        health = link.get("health") or {}
        out: dict[str, Any] = {
            "seed": seed,
            "people": people,
            "data": "SYNTHETIC",
            "rows_truth": len(truth),
            "rows_ingested": sum(v["accepted"] for v in ingest.values()),
            "rows_rejected": sum(v["rejected"] for v in ingest.values()),
            "rows_exported": len(rec),
            "rows_lost": s["truth_rows_missing"],
            "rows_unknown": s["linker_rows_extra"],
            "true_people": s["true_people"],
            "victims": s["clusters"],
            "health": health.get("verdict"),
            "health_model": health.get("model_used"),
            "threshold": link.get("threshold"),
            "link_seconds": round(link_seconds, 1),
            "ingest_seconds": round(ingest_seconds, 1),
        }
        out.update({k: round(float(s[k]), 4) for k in SCORES})
        out.update(
            {
                k: s[k]
                for k in ("true_pairs", "predicted_pairs", "correct_pairs", "overmerged_clusters")
            }
        )
        out["split_people"] = s["split_people"]
        out["lists"] = ingest
        if s["warnings"]:
            out["score_warnings"] = s["warnings"]
        if keep is not None:
            dest = Path(keep) / f"seed{seed}"
            shutil.rmtree(dest, ignore_errors=True)
            shutil.copytree(root, dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    out["seconds"] = round(time.perf_counter() - t0, 1)
    return out


def _job(args: tuple[int, int, str | None]) -> dict[str, Any]:
    seed, people, keep = args
    try:
        out = run_seed(seed, people, Path(keep) if keep else None)
    except Exception as exc:  # noqa: BLE001 - a crash is a result of the sweep, not its end
        out = {"seed": seed, "people": people, "error": f"{type(exc).__name__}: {exc}"[:600]}
    print(json.dumps(out, ensure_ascii=False), flush=True)
    return out


def _slowest(values: list[float]) -> dict[str, float]:
    """Slowest, 90th percentile, median and mean of timings (worst is the largest)."""
    a = np.asarray(values, dtype=float)
    if not len(a):
        return {}
    return {
        "worst": round(float(a.max()), 1),
        "p90": round(float(np.percentile(a, 90)), 1),
        "median": round(float(np.median(a)), 1),
        "mean": round(float(a.mean()), 1),
    }


def summary_of(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Per metric over the runs: worst, p10, median, mean (seconds: slowest, p90, ...)."""
    ok = [r for r in runs if "error" not in r]
    s: dict[str, Any] = {"runs": len(runs), "errors": len(runs) - len(ok)}
    s.update({k: summarise([r[k] for r in ok]) for k in SCORES})
    s.update({k: _slowest([r[k] for r in ok]) for k in SECONDS})
    s["health"] = {v: sum(1 for r in ok if r["health"] == v) for v in ("ok", "repaired", "failed")}
    s["rows_truth"] = sum(r["rows_truth"] for r in ok)
    s["rows_ingested"] = sum(r["rows_ingested"] for r in ok)
    s["rows_rejected"] = sum(r["rows_rejected"] for r in ok)
    s["rows_lost"] = sum(r["rows_lost"] for r in ok)
    return s


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--first-seed", type=int, default=1)
    ap.add_argument("--people", type=int, default=2500)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--name", default="blind_lists")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument(
        "--keep", metavar="DIR", help="keep each seed's lists, workspace and export in DIR/seedN"
    )
    args = ap.parse_args(argv)
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    jobs = [(s, args.people, args.keep) for s in seeds]
    t0 = time.perf_counter()
    if args.jobs > 1 and len(jobs) > 1:
        with ProcessPoolExecutor(max_workers=args.jobs) as ex:
            runs = list(ex.map(_job, jobs))
    else:
        runs = [_job(j) for j in jobs]
    runs.sort(key=lambda r: r["seed"])
    summary = summary_of(runs)
    cmd = " ".join([".venv/bin/python", "bench/blind_lists.py", *(argv or sys.argv[1:])])
    result = {
        "data": "SYNTHETIC: four lists per seed from bench/robustness/blind_gen.py (written "
        "clean-room on 2026-12-07 without reading roshan); no row describes a real person",
        "what": "roshan init / ingest (no mapping files) / link / export --what records, "
        "through the installed roshan script, scored pairwise against SYNTHETIC_truth.csv "
        "by bench/robustness/blind_score.py",
        "kinds": {FILES[k]: v for k, v in KINDS.items()},
        "people": args.people,
        "seeds": len(seeds),
        "seed_list": seeds,
        "jobs": args.jobs,
        "cpus": os.cpu_count(),
        "summary": summary,
        "runs": runs,
        "wall_seconds": round(time.perf_counter() - t0, 1),
        "command": cmd,
    }
    print(json.dumps({"summary": summary}, indent=1))
    if not args.no_write:
        result["recorded_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        out = ROOT / "bench" / "results" / f"{args.name}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {out.relative_to(ROOT)}", file=sys.stderr)
    return result


if __name__ == "__main__":
    main()
