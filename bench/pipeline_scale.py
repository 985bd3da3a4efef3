"""The whole pipeline at scale: simulate → ingest → normalise → link → estimate → report.

Run::

    .venv/bin/python bench/pipeline_scale.py --records 100000 --lists 8
    .venv/bin/python bench/pipeline_scale.py --records 1000000 --lists 8      # target ≤ 30 min, ≤ 16 GB
    .venv/bin/python bench/pipeline_scale.py --records 100000 --lists 8 --engine spark

Every stage runs in its own child process (``python bench/pipeline_scale.py --stage
NAME --dir DIR``) so that its wall time and peak memory are its own: the parent
samples the resident set size of the child *and all its descendants* (the Spark JVM
included) every 0.2 s with psutil. Data are SYNTHETIC (``roshan.simulate``, default
difficulty). The figures are written to ``bench/results/pipeline_scale_<N>k[_spark].json``
after every stage (so a run that dies still says how far it got and where it
failed) and, at the end, to a section of ``docs/benchmarks.md``.

Stages and the public calls they time:

- simulate: ``roshan.simulate.scenario.simulate(ScenarioConfig(population=…, lists=K))``
- ingest: ``roshan.ingest.importer.ingest_file`` once per list (embedded SQLite store)
- normalize: ``roshan.normalize.snapshot.normalize_workspace``
- link: ``roshan.link.pipeline.link_workspace(ws, engine=…, renormalize=False)``
- estimate: ``roshan.estimate.workspace.estimate_workspace(ws, method=…)`` (the default:
  pooled over linkage draws, with the plug-in figure recorded beside it)
- report: ``roshan.report.build.build_report`` (HTML)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import ROOT, write_result

STAGES = ("simulate", "ingest", "normalize", "link", "estimate", "report")


# --------------------------------------------------------------------------- child side
def _stage(name: str, d: Path, opts: dict[str, Any]) -> dict[str, Any]:
    """Run one stage inside this (child) process; return facts worth recording."""
    import logging

    logging.getLogger("splink").setLevel(logging.ERROR)
    from roshan.store.workspace import Workspace

    if name == "simulate":
        from roshan.simulate.config import ScenarioConfig
        from roshan.simulate.scenario import simulate

        man = simulate(
            ScenarioConfig(seed=opts["seed"], population=opts["population"], lists=opts["lists"]),
            d / "sim",
        )
        (d / "manifest.json").write_text(json.dumps(man, default=str), encoding="utf-8")
        n = sum(int(s.get("records", 0) or 0) for s in man["sources"])
        return {"population": opts["population"], "records_written": n or None}
    if name == "ingest":
        from roshan.canonical import SourceKind
        from roshan.ingest.importer import ingest_file

        man = json.loads((d / "manifest.json").read_text(encoding="utf-8"))
        ws = Workspace.init(d / "ws", opts.get("store_url"))
        for s in man["sources"]:
            ingest_file(
                ws,
                d / "sim" / s["file"],
                source_name=s["name"],
                source_kind=SourceKind(s["kind"]),
                mapping_path=(d / "sim" / s["mapping"]) if s.get("mapping") else None,
            )
        from roshan.store.status import workspace_status

        st = workspace_status(ws)
        ws.close()
        return {"raw_rows": st.get("raw_rows"), "imports": st.get("imports")}
    ws = Workspace.open(d / "ws")
    try:
        if name == "normalize":
            from roshan.normalize.snapshot import normalize_workspace

            path = normalize_workspace(ws)
            return {"snapshot_mb": round(Path(path).stat().st_size / 2**20, 1)}
        if name == "link":
            from roshan.link.pipeline import link_workspace

            s = link_workspace(
                ws, engine=opts["engine"], spark_master=opts.get("spark_master"), renormalize=False
            )
            return {
                "records": s.n_records,
                "lists": s.n_sources,
                "victims": s.n_victims,
                "pairs_kept": s.n_pairs,
                "step_seconds": {k: round(v, 1) for k, v in s.timings.items()},
            }
        if name == "estimate":
            from roshan.estimate.workspace import estimate_workspace

            r = estimate_workspace(ws, method=opts["method"])  # the default: linkage draws
            info = r.diagnostics.get("linkage") or {}
            plug = info.get("plugin") or {}
            return {
                "method": opts["method"],
                "estimate": r.estimate,
                "interval": [getattr(r, "lower", None), getattr(r, "upper", None)],
                "linkage_draws": info.get("n_draws"),
                "refit": info.get("refit"),
                "plugin": [plug.get("estimate"), plug.get("lower"), plug.get("upper")]
                if plug
                else None,
            }
        if name == "report":
            from roshan.report.build import build_report

            out = build_report(ws, d / "report.html")
            return {"report_mb": round(Path(out).stat().st_size / 2**20, 2)}
    finally:
        ws.close()
    raise SystemExit(f"unknown stage {name}")


# --------------------------------------------------------------------------- parent side
def _tree_rss(proc: psutil.Process, cpu: dict[int, float] | None = None) -> int:
    """Resident set size of ``proc`` and its descendants; records each one's CPU seconds
    (user + system, last seen) in ``cpu`` by pid."""
    total = 0
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    for p in procs:
        try:
            total += p.memory_info().rss
            if cpu is not None:
                t = p.cpu_times()
                cpu[p.pid] = t.user + t.system
        except psutil.Error:
            pass
    return total


def _run_stage(name: str, d: Path, opts: dict[str, Any], timeout: float) -> dict[str, Any]:
    """Run a stage in a child process; wall time, peak tree RSS, exit status, its facts."""
    out = d / f"stage-{name}.json"
    out.unlink(missing_ok=True)
    cmd = [sys.executable, __file__, "--stage", name, "--dir", str(d), "--opts", json.dumps(opts)]
    t0 = time.perf_counter()
    log = (d / f"stage-{name}.log").open("w")
    child = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    ps = psutil.Process(child.pid)
    peak = [0]
    cpu: dict[int, float] = {}
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], _tree_rss(ps, cpu))
            stop.wait(0.2)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    try:
        rc = child.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        for p in [*ps.children(recursive=True), ps]:
            try:
                p.kill()
            except psutil.Error:
                pass
        rc = "timeout"
    wall = time.perf_counter() - t0
    stop.set()
    th.join()
    log.close()
    res: dict[str, Any] = {
        "seconds": round(wall, 1),
        "peak_rss_gb": round(peak[0] / 2**30, 2),
        "cpu_seconds": round(sum(cpu.values()), 1),
        "ok": rc == 0,
    }
    if rc == 0 and out.exists():
        res.update(json.loads(out.read_text(encoding="utf-8")))
    elif rc != 0:
        tail = (d / f"stage-{name}.log").read_text(encoding="utf-8", errors="replace")[-1500:]
        res["error"] = (
            f"exit {rc}: " + tail.strip().splitlines()[-1] if tail.strip() else f"exit {rc}"
        )
    return res


def _records_per_person(lists: int, seed: int) -> float:
    """Calibrate population → records for this number of lists on a small scenario."""
    from roshan.simulate.config import ScenarioConfig
    from roshan.simulate.scenario import generate

    scen = generate(ScenarioConfig(seed=seed, population=20_000, lists=lists))
    return len(scen.records) / 20_000


def _spark_driver_memory() -> str:
    from roshan.link.engine import DEFAULT_SPARK_DRIVER_MEMORY

    return (
        os.environ.get("ROSHAN_SPARK_DRIVER_MEMORY") or f"{DEFAULT_SPARK_DRIVER_MEMORY} (default)"
    )


def _spark_lineage(master: str | None) -> str:
    from roshan.link.engine import spark_lineage_method

    return spark_lineage_method(master)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--lists", type=int, default=8)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--engine", default="duckdb", choices=["duckdb", "spark"])
    ap.add_argument("--spark-master", default=None, help="e.g. local[2] or spark://host:7077")
    ap.add_argument("--method", default="loglinear", help="estimation method (default loglinear)")
    ap.add_argument("--timeout", type=float, default=3600, help="per-stage limit in seconds")
    ap.add_argument("--keep", type=Path, default=None, help="work (and keep) the workspace here")
    ap.add_argument(
        "--name", default=None, help="result name (default pipeline_scale_<N>k[_spark])"
    )
    ap.add_argument("--stage", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--dir", type=Path, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--opts", default="{}", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.stage:  # child
        facts = _stage(args.stage, args.dir, json.loads(args.opts))
        (args.dir / f"stage-{args.stage}.json").write_text(json.dumps(facts, default=str))
        return

    d = args.keep or Path(tempfile.mkdtemp(prefix="roshan-pipeline-"))
    d.mkdir(parents=True, exist_ok=True)
    rpp = _records_per_person(args.lists, args.seed)
    population = max(100, round(args.records / rpp))
    opts = {
        "seed": args.seed,
        "population": population,
        "lists": args.lists,
        "engine": args.engine,
        "spark_master": args.spark_master,
        "method": args.method,
    }
    name = args.name or (
        f"pipeline_scale_{args.records // 1000}k" + ("_spark" if args.engine == "spark" else "")
    )
    result: dict[str, Any] = {
        "records_requested": args.records,
        "lists": args.lists,
        "engine": args.engine,
        "spark_master": args.spark_master,
        "method": args.method,
        "spark_driver_memory": _spark_driver_memory() if args.engine == "spark" else None,
        "spark_break_lineage": _spark_lineage(args.spark_master)
        if args.engine == "spark"
        else None,
        "population": population,
        "records_per_person": round(rpp, 3),
        "cpus": psutil.cpu_count(),
        "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "load_average_start": round(psutil.getloadavg()[0], 1),
        "stages": {},
        "finished": False,
    }
    out = ROOT / "bench" / "results" / f"{name}.json"
    t_all = time.perf_counter()
    for stage in STAGES:
        print(f"{time.strftime('%H:%M:%S')} {stage} …", flush=True)
        r = _run_stage(stage, d, opts, args.timeout)
        if stage == "link" and r["ok"]:  # scored here, outside the stage's time and memory
            r["quality"] = _quality(d)
        result["stages"][stage] = r
        result["total_seconds"] = round(time.perf_counter() - t_all, 1)
        out.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
        print(
            f"   {stage}: {r['seconds']:.1f} s, peak {r['peak_rss_gb']:.2f} GB"
            + ("" if r["ok"] else f"  FAILED {r.get('error')}"),
            flush=True,
        )
        if not r["ok"]:
            result["failed_at"] = stage
            break
    else:
        result["finished"] = True
    result["load_average_end"] = round(psutil.getloadavg()[0], 1)
    st = result["stages"]
    records = st.get("link", {}).get("records") or st.get("ingest", {}).get("raw_rows")
    result["records"] = records
    peak = max((s["peak_rss_gb"] for s in st.values()), default=0.0)
    pipeline_s = sum(s["seconds"] for k, s in st.items() if k != "simulate")
    result["pipeline_seconds_excluding_simulate"] = round(pipeline_s, 1)
    result["peak_rss_gb"] = peak
    engine = args.engine + (f" (master {args.spark_master})" if args.spark_master else "")
    cmd = (
        f"`.venv/bin/python bench/pipeline_scale.py --records {args.records} --lists {args.lists}"
        + (f" --engine {args.engine}" if args.engine != "duckdb" else "")
        + "`"
    )
    lines = [
        f"{cmd}: {records or '?'} SYNTHETIC records over {args.lists} lists "
        f"({population:,} simulated people), linkage engine {engine}, estimate {args.method}; "
        f"{result['cpus']} cores shared with other engineers' work (1-minute load average "
        f"{result['load_average_start']} at start, {result['load_average_end']} at end).",
        "| stage | wall s | CPU s | peak RSS GB | notes |",
        "|---|---:|---:|---:|---|",
    ]
    for k, s in st.items():
        note = "" if s["ok"] else f"FAILED: {s.get('error', '')[:200]}"
        if k == "link" and s["ok"]:
            note = f"{s.get('victims', 0):,} victims; " + ", ".join(
                f"{a} {b}" for a, b in (s.get("step_seconds") or {}).items()
            )
        if k == "estimate" and s["ok"]:
            est, iv = s.get("estimate"), s.get("interval") or [None, None]
            note = (
                f"N̂ = {est:,.0f}" + (f" [{iv[0]:,.0f}, {iv[1]:,.0f}]" if None not in iv else "")
                if isinstance(est, (int, float))
                else f"N̂ = {est}"
            )
            pl = s.get("plugin")
            if s.get("linkage_draws") and pl and None not in pl:
                note += (
                    f", pooled over {s['linkage_draws']} linkage draws; plug-in "
                    f"{pl[0]:,.0f} [{pl[1]:,.0f}, {pl[2]:,.0f}]"
                )
        cpu_s = f"{s['cpu_seconds']:.0f}" if s.get("cpu_seconds") is not None else "?"
        lines.append(f"| {k} | {s['seconds']:.1f} | {cpu_s} | {s['peak_rss_gb']:.2f} | {note} |")
    q = st.get("link", {}).get("quality")
    if q:
        pw, b3 = q["pairwise"], q["bcubed"]
        lines.append(
            f"Linkage vs the simulator's truth ({q['true_people']:,} people on the lists): pairwise "
            f"precision {pw['precision']:.4f}, recall {pw['recall']:.4f}; B-cubed F1 "
            f"{b3['f1']:.4f}."
        )
    verdict = (
        "finished"
        if result["finished"]
        else f"did NOT finish (failed at {result.get('failed_at')})"
    )
    lines.append(
        f"Run {verdict}: ingest→report {pipeline_s / 60:.1f} min (simulate excluded), "
        f"highest stage peak RSS {peak:.2f} GB (targets at 1M records: ≤ 30 min, ≤ 16 GB)."
    )
    # The section body is a table: write_result prefixes lines with "- ", so render ourselves.
    write_result(
        name, result, f"Whole pipeline at scale ({args.records:,} records, {engine})", [lines[0]]
    )
    _replace_section(name, args.records, engine, lines)
    print("\n".join(lines))
    if args.keep is None:
        shutil.rmtree(d, ignore_errors=True)


def _quality(d: Path) -> dict[str, Any]:
    """Pairwise and B-cubed scores of the linkage against the simulator's truth."""
    from roshan.simulate.truth import linkage_quality
    from roshan.store.workspace import Workspace

    ws = Workspace.open(d / "ws")
    try:
        return linkage_quality(ws, d / "sim")
    finally:
        ws.close()


def _replace_section(name: str, records: int, engine: str, lines: list[str]) -> None:
    """Rewrite our section of docs/benchmarks.md with the stage table (not bullets)."""
    import re

    doc = ROOT / "docs" / "benchmarks.md"
    text = doc.read_text(encoding="utf-8")
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    rec = json.loads((ROOT / "bench" / "results" / f"{name}.json").read_text())["recorded_at"]
    table = [ln for ln in lines[1:] if ln.startswith("|")]
    rest = [ln for ln in lines[1:] if not ln.startswith("|")]
    body = "\n".join(
        [
            start,
            f"## Whole pipeline at scale ({records:,} records, {engine})",
            "",
            lines[0],
            "",
            *table,
            "",
            *rest,
            "",
            f"Recorded {rec}; raw figures in `bench/results/{name}.json`.",
            end,
        ]
    )
    pat = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    doc.write_text(pat.sub(lambda _m: body, text), encoding="utf-8")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
