"""The web app under 50 concurrent users, from a second process, on loopback only.

Run::

    .venv/bin/python bench/web_load_50.py                 # builds a SYNTHETIC workspace
    .venv/bin/python bench/web_load_50.py --workspace WS   # an existing (linked) workspace

``roshan serve WS --host 127.0.0.1`` runs in a child process (the server, one
uvicorn process as shipped); this process plays ``--users`` (default 50) API users
at once, each with its own account and API token, each sending requests back to
back (no think time — a harsher load than 50 people) for ``--seconds`` (default 60)
or until ``--max-requests`` in total. The mix is what a team does all day: the
dashboard, victim searches by name, a victim's page, the review queue, the list of
imports, "who am I". Recorded: requests, errors (any exception, timeout or HTTP
status ≥ 400), p50/p95/p99 latency overall and per endpoint, throughput, and the
server's peak RSS, in ``bench/results/web_load_50.json`` and docs/benchmarks.md.
Only 127.0.0.1 is ever used.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import write_result

HOST = "127.0.0.1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _build_workspace(d: Path, population: int) -> Path:
    """A SYNTHETIC scenario ingested, linked and estimated (what the dashboard shows)."""
    import logging

    logging.getLogger("splink").setLevel(logging.ERROR)
    from roshan.canonical import SourceKind
    from roshan.estimate.workspace import estimate_workspace
    from roshan.ingest.importer import ingest_file
    from roshan.link.pipeline import link_workspace
    from roshan.simulate.config import ScenarioConfig
    from roshan.simulate.scenario import simulate
    from roshan.store.workspace import Workspace

    man = simulate(ScenarioConfig(seed=3, population=population), d / "sim")
    ws = Workspace.init(d / "ws")
    for s in man["sources"]:
        ingest_file(
            ws,
            d / "sim" / s["file"],
            source_name=s["name"],
            source_kind=SourceKind(s["kind"]),
            mapping_path=(d / "sim" / s["mapping"]) if s.get("mapping") else None,
        )
    link_workspace(ws)
    estimate_workspace(ws, method="loglinear")
    ws.close()
    return d / "ws"


def _accounts(ws_path: Path, users: int) -> tuple[list[str], list[str], list[str]]:
    """(one API token per simulated user, some victim uids, some name words to search)."""
    from sqlalchemy import select

    from roshan.store.models import Victim
    from roshan.store.workspace import Workspace
    from roshan.web.accounts import create_user, user_id_of
    from roshan.web.routes.auth import create_token

    ws = Workspace.open(ws_path)
    tokens = []
    tag = f"{random.randrange(16**6):06x}"
    for i in range(users):
        name = f"load-{tag}-{i}"
        create_user(ws, name, f"SYNTHETIC-load-pass-{tag}-{i}-Xy9!", "reviewer", actor="bench")
        tokens.append(create_token(ws, user_id_of(ws, name), "load", "bench")[1])
    with ws.engine.connect() as conn:
        rows = conn.execute(
            select(Victim.uid, Victim.romanized, Victim.display_name)
            .where(Victim.active.is_(True))
            .limit(2000)
        ).all()
    ws.close()
    uids = [r[0] for r in rows]
    words = sorted(
        {w for r in rows for txt in (r[1], r[2]) if txt for w in str(txt).split() if len(w) >= 3}
    )
    return tokens, uids[:500], words[:300] or ["SYNTHETIC"]


def _pct(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    k = min(len(xs) - 1, max(0, round(q / 100 * (len(xs) - 1))))
    return xs[k]


async def _load(
    port: int,
    tokens: list[str],
    uids: list[str],
    words: list[str],
    seconds: float,
    max_requests: int,
    seed: int,
) -> dict[str, Any]:
    import httpx

    base = f"http://{HOST}:{port}"
    rng = random.Random(seed)
    lat: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    error_kinds: dict[str, int] = {}
    sent = [0]
    deadline = time.perf_counter() + seconds

    def pick() -> tuple[str, str]:
        r = rng.random()
        if r < 0.30:
            return "search", f"/api/victims?q={rng.choice(words)}&limit=50"
        if r < 0.50:
            return "victim", f"/api/victims/{rng.choice(uids)}" if uids else "/api/victims"
        if r < 0.65:
            return "dashboard", "/api/dashboard"
        if r < 0.80:
            return "review_queue", "/api/review/queue"
        if r < 0.90:
            return "imports", "/api/imports"
        return "me", "/api/me"

    async def user(token: str) -> None:
        async with httpx.AsyncClient(
            base_url=base, timeout=60.0, headers={"Authorization": f"Bearer {token}"}
        ) as client:
            while time.perf_counter() < deadline and sent[0] < max_requests:
                sent[0] += 1
                kind, url = pick()
                t0 = time.perf_counter()
                try:
                    resp = await client.get(url)
                    ok = resp.status_code < 400
                    why = f"HTTP {resp.status_code}"
                except Exception as exc:  # noqa: BLE001 - any failure counts as an error
                    ok, why = False, type(exc).__name__
                lat.setdefault(kind, []).append(time.perf_counter() - t0)
                if not ok:
                    errors[kind] = errors.get(kind, 0) + 1
                    error_kinds[why] = error_kinds.get(why, 0) + 1

    t0 = time.perf_counter()
    await asyncio.gather(*(user(t) for t in tokens))
    wall = time.perf_counter() - t0
    all_lat = [x for v in lat.values() for x in v]
    per = {
        k: {
            "requests": len(v),
            "errors": errors.get(k, 0),
            "p50_ms": round(_pct(v, 50) * 1000, 1),
            "p95_ms": round(_pct(v, 95) * 1000, 1),
            "p99_ms": round(_pct(v, 99) * 1000, 1),
        }
        for k, v in sorted(lat.items())
    }
    return {
        "requests": len(all_lat),
        "errors": sum(errors.values()),
        "error_kinds": error_kinds,
        "seconds": round(wall, 1),
        "requests_per_second": round(len(all_lat) / wall, 1),
        "p50_ms": round(_pct(all_lat, 50) * 1000, 1),
        "p95_ms": round(_pct(all_lat, 95) * 1000, 1),
        "p99_ms": round(_pct(all_lat, 99) * 1000, 1),
        "per_endpoint": per,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--max-requests", type=int, default=20_000)
    ap.add_argument(
        "--workspace",
        type=Path,
        default=None,
        help="an existing linked workspace (a copy is used; default: build one)",
    )
    ap.add_argument("--population", type=int, default=5000, help="people in the built scenario")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="roshan-webload-"))
    try:
        if args.workspace:
            ws_path = tmp / "ws"
            shutil.copytree(args.workspace, ws_path)
            source = f"a copy of an existing workspace ({args.workspace.name})"
        else:
            ws_path = _build_workspace(tmp, args.population)
            source = f"a SYNTHETIC scenario of {args.population:,} people, linked and estimated"
        tokens, uids, words = _accounts(ws_path, args.users)
        port = _free_port()
        env = {**os.environ, "ROSHAN_ACTOR": "bench"}
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "roshan.cli.main",
                "serve",
                str(ws_path),
                "--host",
                HOST,
                "--port",
                str(port),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
        )
        ps = psutil.Process(server.pid)
        peak = [0]
        stop = threading.Event()

        def sample() -> None:
            while not stop.is_set():
                try:
                    peak[0] = max(peak[0], ps.memory_info().rss)
                except psutil.Error:
                    return
                stop.wait(0.2)

        threading.Thread(target=sample, daemon=True).start()
        import httpx

        for _ in range(600):  # wait for the server to listen (at most 60 s)
            try:
                httpx.get(
                    f"http://{HOST}:{port}/api/me",
                    headers={"Authorization": f"Bearer {tokens[0]}"},
                    timeout=2,
                )
                break
            except httpx.HTTPError:
                if server.poll() is not None:
                    raise SystemExit(
                        "server died: " + server.stderr.read().decode()[-2000:]
                    ) from None
                time.sleep(0.1)
        # The dashboard is computed once per store change: time that first (cold) request
        # apart, then measure the steady state under load.
        t0 = time.perf_counter()
        cold = httpx.get(
            f"http://{HOST}:{port}/api/dashboard",
            timeout=600,
            headers={"Authorization": f"Bearer {tokens[0]}"},
        )
        cold_s = time.perf_counter() - t0
        cold.raise_for_status()
        load_before = psutil.getloadavg()[0]
        cpu0 = ps.cpu_times()
        own0 = time.process_time()
        res = asyncio.run(
            _load(port, tokens, uids, words, args.seconds, args.max_requests, args.seed)
        )
        load_after = psutil.getloadavg()[0]
        cpu1 = ps.cpu_times()
        server_cpu = (cpu1.user + cpu1.system) - (cpu0.user + cpu0.system)
        client_cpu = time.process_time() - own0
        stop.set()
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        from sqlalchemy import func, select

        from roshan.store.models import Victim
        from roshan.store.workspace import Workspace

        ws = Workspace.open(ws_path)
        with ws.engine.connect() as conn:
            n_victims = conn.execute(select(func.count()).select_from(Victim)).scalar()
        ws.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result = {
        **res,
        "users": args.users,
        "seconds_limit": args.seconds,
        "max_requests": args.max_requests,
        "workspace": source,
        "victims": n_victims,
        "server_peak_rss_mb": round(peak[0] / 2**20),
        "server_cpu_seconds": round(server_cpu, 1),
        "client_cpu_seconds": round(client_cpu, 1),
        "dashboard_cold_seconds": round(cold_s, 1),
        "cpus": psutil.cpu_count(),
        "load_average_before": round(load_before, 1),
        "load_average_after": round(load_after, 1),
    }
    per = "; ".join(
        f"{k} {v['requests']} req, p50 {v['p50_ms']:.0f} / p95 {v['p95_ms']:.0f} / "
        f"p99 {v['p99_ms']:.0f} ms"
        for k, v in res["per_endpoint"].items()
    )
    lines = [
        "`.venv/bin/python bench/web_load_50.py"
        + (" --workspace WS" if args.workspace else "")
        + f"`: {args.users} concurrent API users "
        f"(reviewer role, own account and token each, no think time) against one `roshan serve` process on "
        f"127.0.0.1, {source} ({n_victims:,} victims); {psutil.cpu_count()} cores shared with "
        f"other work (1-minute load average {load_before:.1f} before, {load_after:.1f} after).",
        f"**{res['requests']:,} requests in {res['seconds']:.0f} s ({res['requests_per_second']} "
        f"req/s), {res['errors']} errors**; latency p50 **{res['p50_ms']:.0f} ms**, p95 "
        f"**{res['p95_ms']:.0f} ms**, p99 **{res['p99_ms']:.0f} ms**; server peak RSS "
        f"{result['server_peak_rss_mb']} MB; CPU time during the load: server "
        f"{server_cpu:.1f} s, load-generating client {client_cpu:.1f} s. (The first dashboard request after a store "
        f"change, before the load, took {cold_s:.1f} s: it is computed once and cached. "
        f"The review queue's analysis of the link snapshots is computed once per link run "
        f"too; `roshan serve` starts it in the background at start-up.)"
        + (f" Errors by kind: {res['error_kinds']}." if res["errors"] else ""),
        f"Per endpoint: {per}.",
    ]
    print("\n".join(lines))
    write_result("web_load_50", result, "Web app under 50 concurrent users", lines)


if __name__ == "__main__":
    main()
