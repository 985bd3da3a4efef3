"""Load benchmark of the web app: victim search and dashboard with concurrent users.

    .venv/bin/python bench/web_load.py                # ~100,000 records, 20 users
    .venv/bin/python bench/web_load.py --population 3000 --rounds 5   # quick look

1. Build (or ``--reuse``) a SYNTHETIC workspace: ``roshan.simulate`` with a population
   giving ~100,000 records over the simulator's five lists, ingested with
   ``ingest_file``. Victims: by default the simulator's ground truth is written as the
   linkage result (one victim per simulated person who appears in a list, with the
   same name keys linkage would store, via ``roshan.normalize.names.normalize_name``)
   so the benchmark stays bounded on a shared machine; ``--link`` runs the real
   ``link_workspace`` instead (much slower). An estimate is fitted with the real
   log-linear code on those victims' capture histories and stored.
2. Start ``roshan serve`` in a second process on 127.0.0.1 (a free port).
3. From this process, ``--users`` concurrent users (threads, each its own signed-in
   session) each run ``--rounds`` rounds of: a victim search (a name from the lists,
   in Persian or Latin script, sometimes only a prefix) and a dashboard load. All
   traffic is to 127.0.0.1. Bounded by ``--max-seconds``.

Targets (from the issue): search p95 ≤ 200 ms, dashboard ≤ 1 s, no errors.
Figures go to bench/results/web_load.json and docs/benchmarks.md (``## Web app load``).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import write_result

PASSWORD = "bench-password-01"


def build(out: Path, population: int, seed: int, link: bool) -> dict:
    import pandas as pd
    from sqlalchemy import insert

    from roshan.simulate.config import ScenarioConfig
    from roshan.simulate.scenario import ingest_scenario, simulate
    from roshan.store.workspace import Workspace

    shutil.rmtree(out, ignore_errors=True)
    t0 = time.perf_counter()
    sim = out / "sim-SYNTHETIC"
    manifest = simulate(ScenarioConfig(seed=seed, population=population), sim)
    ws = Workspace.init(out / "ws")
    n_records = sum(r.rows_accepted for r in ingest_scenario(ws, sim, manifest))
    t_ingest = time.perf_counter() - t0
    if link:
        from roshan.estimate.workspace import estimate_workspace
        from roshan.link.pipeline import link_workspace

        logging.getLogger("splink").setLevel(logging.ERROR)
        link_workspace(ws)
        estimate_workspace(ws, method="loglinear", bootstrap=0)
    else:
        _truth_victims(ws, sim, manifest)
    from roshan.web.accounts import create_user

    for role in ("viewer", "reviewer"):
        create_user(ws, f"bench-{role}", PASSWORD, role, actor="bench")
    ws.close()
    del pd, insert
    return {
        "records": n_records,
        "build_seconds": round(time.perf_counter() - t0, 1),
        "ingest_seconds": round(t_ingest, 1),
        "victims_from": "link" if link else "truth",
    }


def _truth_victims(ws, sim: Path, manifest: dict) -> None:
    """Write the simulator's truth as the linkage result (victims + record links)."""
    import pandas as pd
    from sqlalchemy import insert, select

    from roshan.estimate.counts import CaptureCounts
    from roshan.estimate.methods import fit
    from roshan.estimate.workspace import save_estimate
    from roshan.normalize.names import normalize_name
    from roshan.store.models import LinkRun, Record, RecordLink, Source, Victim, utcnow

    truth = pd.read_csv(sim / manifest["truth"]["records"], dtype=str)
    people = pd.read_csv(sim / manifest["truth"]["population"], dtype=str).set_index("victim_id")
    with ws.engine.connect() as conn:
        recs = pd.DataFrame(
            conn.execute(
                select(Record.id, Source.name, Record.row_number)
                .join(Source, Source.id == Record.source_id)
                .where(Record.status == "accepted")
            ).all(),
            columns=["pk", "source", "row_number"],
        )
    truth["row_number"] = truth["row_number"].astype(int)
    links = recs.merge(truth, on=["source", "row_number"], how="inner")
    with ws.session() as sess:
        run = LinkRun(
            engine="truth-SYNTHETIC",
            threshold=0.5,
            status="done",
            n_records=len(links),
            actor="bench",
            finished_at=utcnow(),
        )
        sess.add(run)
        sess.flush()
        run_id = int(run.id)
    groups = links.groupby("victim_id")
    rows, ids = [], {}
    for i, (vid, g) in enumerate(groups, start=1):
        p = people.loc[vid]
        name = f"{p['given_name']} {p['family_name']}"
        roman = f"{p['given_name_latin']} {p['family_name_latin']}".lower()
        ids[vid] = i
        rows.append(
            {
                "id": i,
                "uid": f"V-{i:06d}",
                "run_id": run_id,
                "active": True,
                "display_name": name,
                "name_key": normalize_name(name).key,
                "romanized": roman,
                "sex": (p["sex"] or "")[:1] or None,
                "age": p["age"] if isinstance(p["age"], str) else None,
                "date_of_death": p["date_of_death"]
                if isinstance(p["date_of_death"], str)
                else None,
                "province": p["province"],
                "province_code": p["province_code"],
                "city": p["city"],
                "cause_category": p["cause_category"],
                "body_withheld": p["body_withheld"] == "yes",
                "n_records": len(g),
                "sources": sorted(set(g["source"])),
                "flags": [],
            }
        )
    link_rows = [
        {"record_id": int(pk), "victim_id": ids[v], "run_id": run_id, "match_probability": 1.0}
        for pk, v in zip(links["pk"], links["victim_id"], strict=True)
    ]
    with ws.session() as sess:
        for i in range(0, len(rows), 5000):
            sess.execute(insert(Victim), rows[i : i + 5000])
        for i in range(0, len(link_rows), 10000):
            sess.execute(insert(RecordLink), link_rows[i : i + 10000])
        sess.execute(
            LinkRun.__table__.update().where(LinkRun.id == run_id).values(n_victims=len(rows))
        )
    sources = sorted({s["name"] for s in manifest["sources"]})
    hist = pd.DataFrame([{s: int(s in r["sources"]) for s in sources} for r in rows])
    hist = hist.groupby(sources, as_index=False).size().rename(columns={"size": "count"})
    result = fit("loglinear", CaptureCounts.from_frame(hist), bootstrap=0)
    save_estimate(ws, result, method="loglinear", by=[], settings={"bootstrap": 0})


def queries(ws_path: Path, n: int, seed: int) -> list[str]:
    """Search strings from victims' names: Persian, Latin, and Latin prefixes."""
    from sqlalchemy import select

    from roshan.store.models import Victim
    from roshan.store.workspace import Workspace

    ws = Workspace.open(ws_path)
    with ws.engine.connect() as conn:
        names = conn.execute(
            select(Victim.display_name, Victim.romanized).order_by(Victim.id).limit(20000)
        ).all()
    ws.close()
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        fa, roman = rng.choice(names)
        kind = rng.random()
        if kind < 0.4:
            out.append(fa)
        elif kind < 0.8:
            out.append(roman)
        else:
            parts = roman.split()
            out.append(" ".join(p[:4] for p in parts))
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(ws_path: Path, port: int) -> subprocess.Popen:
    exe = Path(sys.executable).parent / "roshan"
    cmd = [
        str(exe) if exe.exists() else sys.executable,
        *([] if exe.exists() else ["-m", "roshan.cli.main"]),
        "serve",
        str(ws_path),
        "--port",
        str(port),
        "--insecure-cookies",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    import httpx

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/login", timeout=2)
            return proc
        except httpx.HTTPError:
            if proc.poll() is not None:
                raise SystemExit(f"server died: {proc.stderr.read()}") from None
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("server did not start")


def signed_in(base: str, user: str):
    import httpx

    c = httpx.Client(base_url=base, timeout=30)
    page = c.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = c.post("/login", data={"username": user, "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 303, r.status_code
    return c


def run_load(base: str, users: int, rounds: int, qs: list[str], max_seconds: float) -> dict:
    import httpx

    lat: dict[str, list[float]] = {"search": [], "dashboard": []}
    errors: list[str] = []
    lock = threading.Lock()
    clients = [signed_in(base, "bench-reviewer") for _ in range(users)]
    barrier = threading.Barrier(users)
    deadline = time.monotonic() + max_seconds

    def user(i: int) -> None:
        c = clients[i]
        rng = random.Random(i)
        barrier.wait()
        for _ in range(rounds):
            if time.monotonic() > deadline:
                return
            for kind in ("search", "dashboard"):
                t = time.perf_counter()
                try:
                    if kind == "search":
                        r = c.get("/api/victims", params={"q": rng.choice(qs), "limit": 50})
                    else:
                        r = c.get("/")
                    status = r.status_code
                except httpx.HTTPError as exc:
                    status = type(exc).__name__
                dt = time.perf_counter() - t
                with lock:
                    lat[kind].append(dt)
                    if status != 200:
                        errors.append(f"{kind} {status}")

    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    t0 = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - t0
    for c in clients:
        c.close()

    def stats(xs: list[float]) -> dict:
        xs = sorted(xs)
        if not xs:
            return {"n": 0}
        p95 = xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]
        return {
            "n": len(xs),
            "p50_ms": round(1000 * statistics.median(xs), 1),
            "p95_ms": round(1000 * p95, 1),
            "max_ms": round(1000 * xs[-1], 1),
        }

    return {
        "search": stats(lat["search"]),
        "dashboard": stats(lat["dashboard"]),
        "errors": len(errors),
        "error_samples": errors[:5],
        "wall_seconds": round(wall, 1),
        "requests_per_second": round((len(lat["search"]) + len(lat["dashboard"])) / wall, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--population",
        type=int,
        default=63_000,
        help="simulated population (63,000 gives ~100,000 accepted records)",
    )
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=25, help="search+dashboard rounds per user")
    ap.add_argument("--max-seconds", type=float, default=300)
    ap.add_argument("--out", type=Path, default=Path("/tmp/roshan-bench-web"))
    ap.add_argument("--reuse", action="store_true", help="reuse a workspace built before")
    ap.add_argument("--link", action="store_true", help="run real linkage (slow)")
    ap.add_argument("--no-record", action="store_true", help="don't write results")
    args = ap.parse_args()

    ws_path = args.out / "ws"
    info_path = args.out / "build.json"
    if args.reuse and info_path.is_file():
        info = json.loads(info_path.read_text())
    else:
        info = build(args.out, args.population, args.seed, args.link)
        info_path.write_text(json.dumps(info))
    print(f"workspace: {info}", flush=True)
    qs = queries(ws_path, 2000, args.seed)
    port = _free_port()
    load_before = os.getloadavg()[0]
    server = start_server(ws_path, port)
    try:
        base = f"http://127.0.0.1:{port}"
        warm = signed_in(base, "bench-reviewer")
        t = time.perf_counter()
        r1 = warm.get("/", timeout=600)  # first view computes the aggregates and charts
        cold_dashboard = time.perf_counter() - t
        t = time.perf_counter()
        r2 = warm.get("/api/victims", params={"q": "ali"}, timeout=600)  # builds the index
        cold_search = time.perf_counter() - t
        warm.close()
        assert r1.status_code == 200 and r2.status_code == 200 and r2.json()["count"] > 0
        run_load(base, 2, 2, qs, 60)  # warm-up (imports, caches)
        res = run_load(base, args.users, args.rounds, qs, args.max_seconds)
    finally:
        server.terminate()
        server.wait(timeout=30)
    res["cold"] = {
        "first_dashboard_s": round(cold_dashboard, 2),
        "first_search_s": round(cold_search, 2),
    }
    res.update(
        population=args.population,
        users=args.users,
        rounds=args.rounds,
        cpu_count=os.cpu_count(),
        load_average_at_start=round(load_before, 1),
        **info,
    )
    res["targets"] = {"search_p95_ms": 200, "dashboard_ms": 1000}
    res["met"] = bool(
        res["search"].get("p95_ms", 1e9) <= 200
        and res["dashboard"].get("p95_ms", 1e9) <= 1000
        and res["errors"] == 0
    )
    print(json.dumps(res, indent=1))
    if args.no_record:
        return
    s, d = res["search"], res["dashboard"]
    write_result(
        "web_load",
        res,
        "Web app load",
        [
            f"`.venv/bin/python bench/web_load.py` (SYNTHETIC, population {args.population:,}: "
            f"{info['records']:,} records; victims from {info['victims_from']}; server = "
            f"`roshan serve` in a second process, SQLite; load from this process on 127.0.0.1; "
            f"{os.cpu_count()} cores, load average {load_before:.1f} at start)",
            f"{args.users} concurrent signed-in users × {args.rounds} rounds of search + dashboard",
            f"victim search: p50 {s.get('p50_ms')} ms, **p95 {s.get('p95_ms')} ms**, max "
            f"{s.get('max_ms')} ms over {s.get('n')} requests (target p95 ≤ 200 ms)",
            f"dashboard page: p50 {d.get('p50_ms')} ms, **p95 {d.get('p95_ms')} ms**, max "
            f"{d.get('max_ms')} ms over {d.get('n')} requests (target ≤ 1 s)",
            f"first dashboard view after a change (aggregates + charts computed once): "
            f"{res['cold']['first_dashboard_s']} s; first search (index built): "
            f"{res['cold']['first_search_s']} s — both excluded from the figures above",
            f"errors: {res['errors']}; throughput {res['requests_per_second']} requests/s; "
            f"targets met: {'yes' if res['met'] else 'NO'}",
        ],
    )


if __name__ == "__main__":
    main()
