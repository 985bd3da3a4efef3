"""Benchmark: how fast the simulator makes big SYNTHETIC scenarios.

Measures ``roshan.simulate.generate`` (in memory, the path other stages'
benchmarks use) at about 100,000 and 1,000,000 list records with default
options (5 lists), and ``roshan.simulate.simulate`` (generate + write every
file) at about 100,000 and 1,000,000 records. Each size runs in its own child process so peak
RSS is its own. Target from the issue: 1M records "well under a minute or two".

    .venv/bin/python bench/simulate_generate.py [--sizes 100000,1000000] [--write 100000,1000000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _report import write_result  # noqa: E402

RECORDS_PER_VICTIM = 1.63  # default options: 5 lists, observed ~1.63 records per true victim

CHILD = """
import json, resource, sys, tempfile, time
from pathlib import Path
from roshan.simulate import ScenarioConfig, generate, simulate
pop, write = int(sys.argv[1]), sys.argv[2] == "1"
cfg = ScenarioConfig(seed=1, population=pop)
t0 = time.perf_counter()
if write:
    with tempfile.TemporaryDirectory() as d:
        m = simulate(cfg, Path(d) / "s")
        n = sum(s["records"] for s in m["sources"])
        size = sum(p.stat().st_size for p in (Path(d) / "s").rglob("*") if p.is_file())
else:
    scen = generate(cfg)
    n, size = len(scen.records), 0
dt = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"population": pop, "records": n, "seconds": dt, "peak_rss_mb": rss, "bytes": size}))
"""


def run(pop: int, write: bool) -> dict:
    """Run one size in a child process and return its figures (with the 1-min load average)."""
    load = os.getloadavg()[0]
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(pop), "1" if write else "0"],
        capture_output=True,
        text=True,
        check=True,
    )
    return {**json.loads(out.stdout.strip().splitlines()[-1]), "load_avg_1min": round(load, 1)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100000,1000000", help="target record counts for generate()")
    ap.add_argument(
        "--write",
        default="100000,1000000",
        help="target record counts for simulate(), comma list ('' = skip)",
    )
    args = ap.parse_args()
    results = []
    for target in [int(x) for x in args.sizes.split(",") if x]:
        r = run(int(target / RECORDS_PER_VICTIM), write=False)
        r["mode"] = "generate"
        results.append(r)
        print(
            f"generate: {r['records']:,} records ({r['population']:,} victims) in "
            f"{r['seconds']:.1f} s, peak RSS {r['peak_rss_mb']:.0f} MB",
            flush=True,
        )
    for target in [int(x) for x in args.write.split(",") if x and int(x)]:
        r = run(int(target / RECORDS_PER_VICTIM), write=True)
        r["mode"] = "simulate"
        results.append(r)
        print(
            f"simulate (write files): {r['records']:,} records in {r['seconds']:.1f} s, "
            f"{r['bytes'] / 1e6:.1f} MB on disk, peak RSS {r['peak_rss_mb']:.0f} MB",
            flush=True,
        )
    lines = [
        "`.venv/bin/python bench/simulate_generate.py` — default options (5 lists, seed 1), one "
        f"child process per size, machine: {platform.machine()}, {os.cpu_count()} cores shared "
        "with other work. Target: 1M records well under a minute or two.",
    ]
    for r in results:
        extra = f", {r['bytes'] / 1e6:.1f} MB written" if r["mode"] == "simulate" else ""
        lines.append(
            f"`{r['mode']}()`: {r['records']:,} records from {r['population']:,} victims in "
            f"{r['seconds']:.1f} s ({r['records'] / r['seconds']:,.0f} records/s), "
            f"peak RSS {r['peak_rss_mb']:.0f} MB{extra} (load average {r['load_avg_1min']} "
            "at start)"
        )
    write_result("simulate_generate", {"runs": results}, "Simulator speed", lines)


if __name__ == "__main__":
    main()
