"""Benchmark: LCMCR Gibbs sweeps per second on published tables, against R's LCMCR.

Run:  .venv/bin/python bench/estimate_lcmcr.py [--repeats 3]
      .venv/bin/python bench/estimate_lcmcr.py --mixing 40 --extend-rules fixed:3
                                                    # seed-to-seed, UK tables, seeds 1-40
      .venv/bin/python bench/estimate_lcmcr.py --profile       # where a sweep's time goes
      .venv/bin/python bench/estimate_lcmcr.py --production    # K=15, 5.01M sweeps, Rome

``--mixing N`` fits ``fit_lcmcr`` with its default settings (4 chains from dispersed
starts, burn-in 10,000, 1,000 draws thinned by 50) on UK 6-list and its 5-list
version (PF and NCA merged) for seeds 1..N (``--first-seed`` moves the range), with and
without the collapsed n0 move, and with the extension rules of ``--extend-rules
RULE:ROUNDS,...`` side by side, and records each seed's median, R-hat, chain medians,
rounds used and CPU time (bench/results/estimate_lcmcr_mixing.json). ``--profile`` times each step of a
sweep on its own from a state reached after burn-in, and ``--production`` runs
R's production settings (bench/results/estimate_lcmcr_profile.json). Every mode
rewrites the one "## LCMCR sampler speed" section of docs/benchmarks.md from all the
JSON files present.

Settings are those of the R reference runs (K = 10, a_alpha = b_alpha = 0.25,
burn-in 10,000, 900 draws thinned by 100: 100,500 sweeps per chain including
our 500 warm-up sweeps), one chain at a time on one core. The rate excludes JIT
compilation; the cold compile time (fresh numba cache in a temporary dir, in a
subprocess) and the cached load time are reported separately. Writes
bench/results/estimate_lcmcr.json and the "## LCMCR sampler speed" section of
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import replace_marked_section

from roshan.estimate.lcmcr import DEFAULT_EXTEND_RULE, DEFAULT_EXTENSIONS

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "estimate" / "data"
RESULTS = ROOT / "bench" / "results" / "estimate_lcmcr.json"
DOCS = ROOT / "docs" / "benchmarks.md"
MARKER = "estimate_lcmcr"
SECTION = "## LCMCR sampler speed"

MIXING = ROOT / "bench" / "results" / "estimate_lcmcr_mixing.json"
#: the same study on other seeds (``--first-seed 41 --out``), summarised under the main table
MIXING_HELDOUT = ROOT / "bench" / "results" / "estimate_lcmcr_mixing_seeds41_80.json"
PROFILE = ROOT / "bench" / "results" / "estimate_lcmcr_profile.json"

# R's CPU-time rates, median of 3 (shared/reference/mse/README.md, "Side by side")
R_CPU_RATE = {"rome_hiv_4list": 137_363, "uk_slavery_6list": 84_531}

# R 4.2.2, LCMCR 0.4.14, same settings (from /work/shared/reference/mse/README.md)
R_REFERENCE = {
    "rome_hiv_4list": {"median": 10_910, "lower": 9_407, "upper": 12_884, "rate": 81_235},
    "uk_slavery_6list": {"median": 22_403, "lower": 16_907, "upper": 34_772, "rate": 58_962},
    "western_5list": {"median": 1_820, "lower": 1_299, "upper": 2_813, "rate": 79_745},
}
SEED = 19481210


def _compile_times() -> dict:
    code = (
        "import time;from roshan.estimate.lcmcr import _compile;"
        "t=time.perf_counter();_compile();print(time.perf_counter()-t)"
    )
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "NUMBA_CACHE_DIR": tmp}
        for label in ("cold_compile_seconds", "cached_load_seconds"):
            r = subprocess.run(
                [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
            )
            out[label] = float(r.stdout.strip().splitlines()[-1])
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument(
        "--mixing",
        type=int,
        default=0,
        metavar="SEEDS",
        help="seed-to-seed study on the UK tables instead of the speed run",
    )
    ap.add_argument("--profile", action="store_true", help="time the steps of a sweep")
    ap.add_argument(
        "--production",
        action="store_true",
        help="K=15, 5.01M sweeps on Rome HIV, 4 chains on 2 threads",
    )
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument(
        "--split-merge",
        default="0",
        metavar="RATE[,RATE]",
        help="--mixing: also run with RATE split-merge moves a sweep, side by side on the "
        "same seeds; speed run: the rate of its split-merge column (0.25 if not given)",
    )
    ap.add_argument(
        "--extend-rules",
        default="",
        metavar="RULE:ROUNDS[,...]",
        help="--mixing: also run the default sampler with these extension rules "
        "(lcmcr.EXTEND_RULES) and round limits, side by side on the same seeds",
    )
    ap.add_argument(
        "--first-seed",
        type=int,
        default=1,
        help="--mixing: seeds FIRST..FIRST+SEEDS-1 (default 1)",
    )
    ap.add_argument(
        "--out",
        type=Path,
        default=None,
        help="--mixing: write the JSON here and leave docs/benchmarks.md alone "
        "(default: bench/results/estimate_lcmcr_mixing.json and the docs section)",
    )
    ap.add_argument(
        "--no-baselines",
        action="store_true",
        help="--mixing: leave out the rows without extension (R's sweep, n0 move)",
    )
    ap.add_argument(
        "--threads",
        action="store_true",
        help="default fit on Rome with 1 and 2 workers: wall, CPU, same draws?",
    )
    args = ap.parse_args()
    if args.threads:
        return _threads()
    if args.mixing:
        rates = tuple(float(r) for r in args.split_merge.split(",") if float(r) > 0)
        rules = tuple(
            (spec.split(":")[0], int(spec.split(":")[1]))
            for spec in args.extend_rules.split(",")
            if spec
        )
        return _mixing(
            args.mixing,
            args.workers,
            rates,
            rules,
            args.first_seed,
            not args.no_baselines,
            args.out,
        )
    if args.profile or args.production:
        return _profile(args.profile, args.production, args.workers)

    from roshan.estimate.counts import CaptureCounts
    from roshan.estimate.lcmcr import WARMUP_SWEEPS, _compile
    from roshan.estimate.lcmcr_kernel import run_chain

    load = os.getloadavg()[0]
    sm_rate = float(args.split_merge.split(",")[0]) or 0.25
    compile_info = _compile_times()
    _compile()
    rows = []
    for name, ref in R_REFERENCE.items():
        counts = CaptureCounts.from_csv(DATA / f"{name}.csv")
        pats = counts.patterns.astype(np.int64)
        freq = counts.counts.astype(np.int64)
        sweeps = WARMUP_SWEEPS + 10_000 + 900 * 100
        rates, wall_rates, summaries, move_rates, sm_rates = [], [], [], [], []
        for rep in range(args.repeats):
            for moves, sm in ((False, 0.0), (True, 0.0), (True, sm_rate)):
                t0, c0 = time.perf_counter(), time.process_time()
                n, _, _ = run_chain(
                    pats,
                    freq,
                    10,
                    0.25,
                    0.25,
                    10_000,
                    900,
                    100,
                    SEED + rep,
                    WARMUP_SWEEPS,
                    1.0,
                    1.0,
                    1.0,
                    moves,
                    sm,
                )
                dt, dc = time.perf_counter() - t0, time.process_time() - c0
                if sm > 0:
                    sm_rates.append(sweeps / dc)
                    continue
                if moves:
                    move_rates.append(sweeps / dc)
                    continue
                rates.append(sweeps / dc)
                wall_rates.append(sweeps / dt)
                summaries.append([float(np.median(n)), *np.quantile(n, [0.025, 0.975]).tolist()])
        rate = float(np.median(rates))
        move_rate = float(np.median(move_rates))
        sm_rate_s = float(np.median(sm_rates))
        s = np.array(summaries)
        row = {
            "table": name,
            "lists": counts.n_lists,
            "patterns": int(pats.shape[0]),
            "observed": counts.observed,
            "sweeps_per_run": sweeps,
            "iterations_per_second": rate,
            "iterations_per_second_all": rates,
            "wall_iterations_per_second_all": wall_rates,
            "r_iterations_per_second": ref["rate"],
            "ratio_to_r": rate / ref["rate"],
            "iterations_per_second_with_n0_moves": move_rate,
            "iterations_per_second_with_n0_moves_all": move_rates,
            "split_merge_rate": sm_rate,
            "iterations_per_second_with_split_merge": sm_rate_s,
            "iterations_per_second_with_split_merge_all": sm_rates,
            "r_cpu_iterations_per_second": R_CPU_RATE.get(name),
            "ratio_to_r_cpu": rate / R_CPU_RATE[name] if name in R_CPU_RATE else None,
            "ratio_to_r_cpu_with_n0_moves": (
                move_rate / R_CPU_RATE[name] if name in R_CPU_RATE else None
            ),
            "target_ratio": 2.5,
            "posterior_median_per_run": s[:, 0].tolist(),
            "lower_per_run": s[:, 1].tolist(),
            "upper_per_run": s[:, 2].tolist(),
            "r_median": ref["median"],
            "r_lower": ref["lower"],
            "r_upper": ref["upper"],
        }
        rows.append(row)
        cpu_r = R_CPU_RATE.get(name)
        vs_cpu = (
            f"; {rate / cpu_r:.2f}x / {move_rate / cpu_r:.2f}x R's CPU-time {cpu_r:,}"
            if cpu_r
            else ""
        )
        print(
            f"{name:18s} {rate:10,.0f} it/CPU-s, with n0 moves {move_rate:,.0f}, and "
            f"{sm_rate:g} split-merge {sm_rate_s:,.0f}  "
            f"({rate / ref['rate']:.2f}x R's {ref['rate']:,}{vs_cpu})  "
            f"median N {np.median(s[:, 0]):,.0f} (R {ref['median']:,})"
        )
    print(
        f"cold compile {compile_info['cold_compile_seconds']:.1f}s, cached load "
        f"{compile_info['cached_load_seconds']:.2f}s"
    )
    result = {
        "benchmark": "estimate_lcmcr",
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {
            "python": platform.python_version(),
            "cpu": platform.processor() or platform.machine(),
            "cores": os.cpu_count(),
            "load_average_at_start": load,
        },
        "rate_basis": "CPU time of the (single-threaded) process; wall-clock rates also kept",
        "settings": {
            "K": 10,
            "a_alpha": 0.25,
            "b_alpha": 0.25,
            "burnin": 10_000,
            "samples": 900,
            "thin": 100,
            "warmup": WARMUP_SWEEPS,
            "chains": 1,
            "threads": 1,
            "repeats": args.repeats,
        },
        **compile_info,
        "tables": rows,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    _write_docs()


def _uk5():
    from roshan.estimate.counts import CaptureCounts

    uk = CaptureCounts.from_csv(DATA / "uk_slavery_6list.csv")
    return uk.merge_lists(["PF", "NCA"], "PF+NCA")


#: Samplers compared by ``--mixing``, side by side in one run: R's Gibbs sweep, roshan's
#: collapsed n0 move without extension, and the default (n0 move + runs extended while the
#: chains disagree, ``lcmcr.DEFAULT_EXTENSIONS`` rounds by ``lcmcr.DEFAULT_EXTEND_RULE``).
#: Each is (name, n0 move, extension rounds, extension rule).
SAMPLERS = (
    ("R's sweep", False, 0, DEFAULT_EXTEND_RULE),
    ("n0 move", True, 0, DEFAULT_EXTEND_RULE),
    ("default", True, DEFAULT_EXTENSIONS, DEFAULT_EXTEND_RULE),
)


def _samplers(
    rates: tuple[float, ...],
    rules: tuple[tuple[str, int], ...] = (),
    baselines: bool = True,
) -> tuple[tuple[str, bool, int, str, float], ...]:
    """``--mixing``'s samplers: :data:`SAMPLERS` without split–merge moves, or, with
    ``--split-merge RATE[,RATE...]``, the n0 move and the default (n0 move + extension)
    each without and with RATE split–merge moves a sweep (side by side on the same
    seeds). ``rules`` (``--extend-rules RULE:ROUNDS``) adds the n0 move extended by up to
    ROUNDS rounds of RULE (:data:`roshan.estimate.lcmcr.EXTEND_RULES`); ``baselines=False``
    leaves out the samplers that never extend."""
    if not rates:
        out = [(*s, 0.0) for s in SAMPLERS]
    else:
        out = [("n0 move", True, 0, DEFAULT_EXTEND_RULE, 0.0)]
        out += [(f"n0 move + split-merge {r:g}", True, 0, DEFAULT_EXTEND_RULE, r) for r in rates]
        out += [("default", True, DEFAULT_EXTENSIONS, DEFAULT_EXTEND_RULE, 0.0)]
        out += [
            (f"default + split-merge {r:g}", True, DEFAULT_EXTENSIONS, DEFAULT_EXTEND_RULE, r)
            for r in rates
        ]
    out += [
        (f"extend {rule} x{rounds}", True, rounds, rule, 0.0)
        for rule, rounds in rules
        if (rule, rounds) != (DEFAULT_EXTEND_RULE, DEFAULT_EXTENSIONS)
    ]
    if not baselines:
        out = [o for o in out if o[2] > 0]
    return tuple(out)


def _sampler_name(row: dict) -> str:
    """The sampler of a ``--mixing`` row (rows written before ``sampler`` was recorded)."""
    if row.get("sampler"):
        return str(row["sampler"])
    return "n0 move" if row["n0_moves"] else "R's sweep"


def _mixing(
    seeds: int,
    workers: int,
    split_merge: tuple[float, ...] = (),
    rules: tuple[tuple[str, int], ...] = (),
    first_seed: int = 1,
    baselines: bool = True,
    out: Path | None = None,
) -> None:
    """Seed-to-seed spread of fit_lcmcr's default answer on the bimodal UK tables."""
    from roshan.estimate.counts import CaptureCounts
    from roshan.estimate.lcmcr import fit_lcmcr

    load = os.getloadavg()[0]
    tables = {
        "uk_slavery_6list": CaptureCounts.from_csv(DATA / "uk_slavery_6list.csv"),
        "uk_slavery_5list (PF+NCA)": _uk5(),
    }
    for counts in tables.values():  # compile (or load) every kernel before the clocks start
        fit_lcmcr(counts, burnin=0, samples=8, thin=1, seed=0, workers=workers, extend=1)
    rows = []
    t_all = time.perf_counter()
    for name, counts in tables.items():
        for sampler, moves, extend, rule, sm in _samplers(split_merge, rules, baselines):
            per_seed = []
            c0, t0 = time.process_time(), time.perf_counter()
            for seed in range(first_seed, first_seed + seeds):
                c1 = time.process_time()
                r = fit_lcmcr(
                    counts,
                    seed=seed,
                    workers=workers,
                    n0_moves=moves,
                    extend=extend,
                    extend_rule=rule,
                    split_merge=sm,
                )
                d = r.diagnostics
                per_seed.append(
                    {
                        "seed": seed,
                        "median": r.estimate,
                        "lower": r.lower,
                        "upper": r.upper,
                        "rhat": d["rhat"],
                        "ess": d["ess"],
                        "chain_medians": d["chain_medians"],
                        "final": d["final"],
                        "extensions": d.get("extensions", 0),
                        "iterations": d["iterations"],
                        "cpu_seconds": time.process_time() - c1,
                    }
                )
            cpu, wall = time.process_time() - c0, time.perf_counter() - t0
            meds = np.array([p["median"] for p in per_seed])
            rh = np.array([p["rhat"] for p in per_seed])
            row = {
                "table": name,
                "sampler": sampler,
                "n0_moves": moves,
                "extend": extend,
                "extend_rule": rule,
                "split_merge": sm,
                "seeds": seeds,
                "first_seed": first_seed,
                "seeds_extended": int(sum(p["extensions"] > 0 for p in per_seed)),
                "sd_of_median": float(meds.std(ddof=1)),
                "worst_median": float(meds.min()),
                "median_of_medians": float(np.median(meds)),
                "max_rhat": float(rh.max()),
                "seeds_rhat_above_1_05": int((rh > 1.05).sum()),
                "seeds_not_final": int(sum(not p["final"] for p in per_seed)),
                "chains_below_18000": int(
                    sum(m < 18_000 for p in per_seed for m in p["chain_medians"])
                ),
                "cpu_seconds": cpu,
                "cpu_seconds_per_seed_mean": cpu / seeds,
                "cpu_seconds_per_seed_max": max(p["cpu_seconds"] for p in per_seed),
                "iterations_per_seed_mean": float(np.mean([p["iterations"] for p in per_seed])),
                "iterations_per_seed_max": int(max(p["iterations"] for p in per_seed)),
                "wall_seconds": wall,
                "per_seed": per_seed,
            }
            rows.append(row)
            print(
                f"{name:26s} {sampler:20s} sd of median {row['sd_of_median']:7,.0f}  "
                f"worst median {row['worst_median']:8,.0f}  max R-hat {row['max_rhat']:.3f}  "
                f"R-hat>1.05 in {row['seeds_rhat_above_1_05']}/{seeds}  not final "
                f"{row['seeds_not_final']}/{seeds}  extended {row['seeds_extended']}/{seeds}  "
                f"chains<18k {row['chains_below_18000']}  ({wall:.0f} s wall, {cpu:.0f} s CPU; "
                f"per seed mean {row['cpu_seconds_per_seed_mean']:.1f} s, "
                f"max {row['cpu_seconds_per_seed_max']:.1f} s)",
                flush=True,
            )
    result = {
        "benchmark": "estimate_lcmcr_mixing",
        "command": " ".join(["bench/estimate_lcmcr.py", *sys.argv[1:]]),
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {
            "cores": os.cpu_count(),
            "load_average_at_start": load,
            "load_average_at_end": os.getloadavg()[0],
        },
        "settings": "fit_lcmcr defaults: K=10, a_alpha=b_alpha=0.25, 4 chains "
        "(dispersed starts), burn-in 10,000, 1,000 draws thinned by 50; "
        f"workers={workers}",
        "r_reference": {
            "uk_slavery_6list": {"sd_of_median": 932, "range": [20_193, 23_245]},
            "uk_slavery_5list": {"sd_of_median": 3_844, "range": [12_346, 22_864]},
        },
        "targets": {"sd_of_median_max": 400, "worst_median_min": 18_000, "rhat_max": 1.05},
        "wall_seconds": time.perf_counter() - t_all,
        "tables": rows,
    }
    path = out or MIXING
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2) + "\n")
    if out is None:
        _write_docs()


def _profile(profile: bool, production: bool, workers: int) -> None:
    """Per-step cost of a sweep (from a burnt-in state) and R's production settings."""
    from roshan.estimate.counts import CaptureCounts
    from roshan.estimate.lcmcr import _compile, fit_lcmcr

    _compile()
    out = json.loads(PROFILE.read_text()) if PROFILE.exists() else {}
    if profile:  # the step table's date and load (production records its own)
        out["machine"] = {"cores": os.cpu_count(), "load_average_at_start": os.getloadavg()[0]}
        out["when"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        out["variate_ns"] = variate_costs()
        print("variates (CPU ns):", ", ".join(f"{k} {v:.0f}" for k, v in out["variate_ns"].items()))
        out["steps"] = {}
        for name in ("rome_hiv_4list", "uk_slavery_6list"):
            counts = CaptureCounts.from_csv(DATA / f"{name}.csv")
            out["steps"][name] = prof = profile_table(counts)
            print(
                name,
                ", ".join(f"{k} {v:.2f}" for k, v in prof["ns_per_sweep"].items()),
                "ns/sweep;",
                prof["variates_per_sweep"],
                flush=True,
            )
    if production:
        counts = CaptureCounts.from_csv(DATA / "rome_hiv_4list.csv")
        # 4 chains x (500 warm-up + 2,500 burn-in + 1,000 draws x 1,250) = 5.012M sweeps
        kw = dict(classes=15, burnin=2_500, samples=1_000, thin=1_250, chains=4, seed=1)
        load_before = os.getloadavg()[0]
        t0, c0 = time.perf_counter(), time.process_time()
        r = fit_lcmcr(counts, workers=workers, **kw)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        out["production"] = {
            "table": "rome_hiv_4list",
            "settings": kw,
            "workers": workers,
            "iterations": r.diagnostics["iterations"],
            "wall_seconds": wall,
            "cpu_seconds": cpu,
            "median": r.estimate,
            "rhat": r.diagnostics["rhat"],
            "load_average_before": load_before,
            "load_average_after": os.getloadavg()[0],
            "target_wall_seconds": 25,
            "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        print(
            f"production: {r.diagnostics['iterations']:,} sweeps, {wall:.1f} s wall, "
            f"{cpu:.1f} s CPU, workers={workers}, median {r.estimate:,.0f}, "
            f"R-hat {r.diagnostics['rhat']:.3f}, load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
    PROFILE.parent.mkdir(parents=True, exist_ok=True)
    PROFILE.write_text(json.dumps(out, indent=2) + "\n")
    _write_docs()


def profile_table(counts) -> dict:
    """Time each step of a sweep in its own numba loop, from a state after burn-in.

    The loops are compiled as the kernel's sweep loop is (no reference counting:
    ``_nrt=False``), so a step costs here what it costs in a sweep."""

    from numba import njit

    from roshan.estimate.lcmcr import WARMUP_SWEEPS
    from roshan.estimate.lcmcr_kernel import (
        _collapsed_n0_moves,
        _draw_lambda,
        _draw_n0,
        _draw_sticks,
        _gamma,
        _multinomial_into,
        _run_sweeps,
        _scratch,
        _split_observed,
        continue_chain,
        init_chain,
    )

    pats = counts.patterns.astype(np.int64)
    freq = counts.counts.astype(np.int64)
    n_obs = int(freq.sum())
    lam, nu, log_nu, count0, state, rng = init_chain(
        pats, freq, 10, 0.25, 0.25, 7, WARMUP_SWEEPS, 1.0, 1.0, 1.0, True
    )
    continue_chain(
        pats,
        freq,
        lam,
        nu,
        log_nu,
        count0,
        state,
        rng,
        0.25,
        0.25,
        10_000,
        1,
        1,
        7,
        1.0,
        1.0,
        True,
    )
    k_max = nu.shape[0]
    sc = _scratch(pats, k_max)
    probs, ones, count_k = sc[0], sc[2], sc[3]
    reps = 20_000
    plain = njit(_nrt=False)  # as the kernel's _run_sweeps

    def full_loop(reps, rng, lam, nu, log_nu, count0, state, sc, moves):
        _run_sweeps(
            rng,
            pats,
            freq,
            n_obs,
            lam,
            nu,
            log_nu,
            count0,
            state,
            *sc,
            0.25,
            0.25,
            1.0,
            1.0,
            True,
            moves,
            0.0,
            reps,
        )

    @plain
    def split(
        reps,
        rng,
        fq,
        lam,
        nu,
        count0,
        probs,
        draw,
        ones,
        count_k,
        pat_idx,
        pat_len,
        base,
        ratio,
        alloc,
    ):
        for _ in range(reps):
            _split_observed(
                rng,
                pats,
                fq,
                lam,
                nu,
                count0,
                probs,
                draw,
                ones,
                count_k,
                pat_idx,
                pat_len,
                base,
                ratio,
                alloc,
            )

    @plain
    def moves(reps, rng, count0, count_k, ones, alpha, c0, ck):
        acc = 0
        for _ in range(reps):
            for k in range(k_max):
                c0[k] = count0[k]
                ck[k] = count_k[k]
            acc += _collapsed_n0_moves(rng, c0, ck, ones, n_obs, alpha, 1.0, 1.0)
        return acc

    @plain
    def copies(reps, rng, count0, count_k, ones, alpha, c0, ck):
        acc = 0
        for _ in range(reps):
            for k in range(k_max):
                c0[k] = count0[k]
                ck[k] = count_k[k]
            acc += ck[0]
        return acc

    @plain
    def lam_step(reps, rng, lam, ones, count_k):
        for _ in range(reps):
            _draw_lambda(rng, lam, ones, count_k, 1.0, 1.0)

    @plain
    def stick(reps, rng, nu, log_nu, count_k, alpha, n_tot):
        for _ in range(reps):
            _draw_sticks(rng, nu, log_nu, count_k, alpha, n_tot)

    @plain
    def n0_step(reps, rng, lam, nu, probs):
        out = 0
        for _ in range(reps):
            n0, p0 = _draw_n0(rng, lam, nu, probs, n_obs)
            out += n0
        return out

    @plain
    def split0(reps, rng, n0, p0, probs, c0):
        for _ in range(reps):
            _multinomial_into(rng, n0, probs, p0, c0)

    @plain
    def alpha_step(reps, rng):
        x = 0.0
        for _ in range(reps):
            x += _gamma(rng, 0.25 + k_max - 1.0)
        return x

    def timed(fn, *a):
        fn(10, *a)  # compile
        t0 = time.process_time()  # CPU time: the machine is shared
        out = fn(reps, *a)
        return (time.process_time() - t0) / reps * 1e9, out

    def chain_copy():
        return lam.copy(), nu.copy(), log_nu.copy(), count0.copy(), state.copy()

    ns, var = {}, {}
    full_jit = plain(full_loop)
    ns["full sweep, default (with the n0 move)"], _ = timed(
        full_jit, rng.copy(), *chain_copy(), sc, True
    )
    ns["full sweep, R's steps (no move)"], _ = timed(full_jit, rng.copy(), *chain_copy(), sc, False)
    # the state after one split, for the later steps
    _split_observed(rng, pats, freq, lam, nu, count0, *sc[:9])
    ones, count_k = ones.copy(), count_k.copy()
    key = "1 split observed patterns over classes"
    ns[key], _ = timed(split, rng, freq, lam, nu, count0, *sc[:9])
    var[key] = binomial_calls(pats, freq, lam, nu)
    key = "1a of which class probabilities (same step, counts 0)"
    ns[key], _ = timed(split, rng, np.zeros_like(freq), lam, nu, count0, *sc[:9])
    key = "1b n0 move (default, not in R)"
    c0, ck = np.zeros_like(count0), np.zeros_like(count_k)
    t_move, acc = timed(moves, rng, count0, count_k, ones, float(state[0]), c0, ck)
    t_copy, _ = timed(copies, rng, count0, count_k, ones, float(state[0]), c0, ck)
    ns[key] = t_move - t_copy
    var[key] = (
        f"{sum(1 for k in range(k_max) if count_k[k] > count0[k])} proposals, "
        f"accepted {acc / reps:.2f} per sweep"
    )
    key = "2 lambda (K x J Betas)"
    ns[key], _ = timed(lam_step, rng, lam.copy(), ones, count_k)
    cheng = sum(
        1 for j in range(pats.shape[1]) for k in range(k_max) if 0 < ones[j, k] < count_k[k]
    )
    empty = pats.shape[1] * sum(1 for k in range(k_max) if count_k[k] == 0)
    var[key] = (
        f"{cheng} Cheng BB, {empty} uniforms (empty classes), "
        f"{k_max * pats.shape[1] - cheng - empty} closed forms"
    )
    key = "3 stick-breaking weights"
    n_tot = n_obs + int(count0.sum())
    ns[key], _ = timed(stick, rng, nu.copy(), log_nu.copy(), count_k, float(state[0]), n_tot)
    occupied = [k for k in range(k_max - 1) if count_k[k] > 0]
    rest = [n_tot - int(count_k[: k + 1].sum()) for k in occupied]
    n_cheng = sum(1 for r in rest if float(state[0]) + r > 1.0)
    var[key] = (
        f"{n_cheng} Cheng BB (log space), {2 * (len(occupied) - n_cheng)} log-gammas, "
        f"{k_max - 1 - len(occupied)} uniforms (empty classes)"
    )
    key = "4 p0 and n0 (NegBin)"
    ns[key], _ = timed(n0_step, rng, lam, nu, probs)
    var[key] = "1 gamma + 1 Poisson (PTRS)"
    key = "5 split n0 over classes"
    p0 = float(probs.sum()) if probs.sum() > 0 else 1.0
    ns[key], _ = timed(split0, rng, int(count0.sum()), p0, probs, np.zeros_like(count0))
    var[key] = "up to K-1 binomials"
    key = "6 alpha"
    ns[key], _ = timed(alpha_step, rng)
    var[key] = "1 gamma"
    return {
        "ns_per_sweep": ns,
        "variates_per_sweep": var,
        "reps": reps,
        "state": {
            "n0": int(count0.sum()),
            "alpha": float(state[0]),
            "occupied_classes": int((count_k > 0).sum()),
        },
    }


def binomial_calls(pats: np.ndarray, freq: np.ndarray, lam: np.ndarray, nu: np.ndarray) -> str:
    """The draws step 1 makes in this state, by kind (as _multinomial_into/_binomial)."""
    probs = nu * np.prod(np.where(pats[:, :, None] == 1, lam[None], 1.0 - lam[None]), axis=1)
    probs[:, nu < 1e-250] = 0.0
    cat = bound = inv = btpe = 0
    gen = np.random.default_rng(0)
    for m in range(pats.shape[0]):
        n, mass = int(freq[m]), float(probs[m].sum())
        if n == 1:
            cat += 1
            continue
        for k in range(probs.shape[1] - 1):
            if n == 0:
                break
            p = probs[m, k] / mass if mass > 0 else 0.0
            if p >= 1.0:
                break
            if p > 0.0:
                r = min(p, 1.0 - p)
                if n * r > 30:
                    btpe += 1
                elif n * r < 0.01:
                    bound += 1
                else:
                    inv += 1
                n -= int(gen.binomial(n, p))
            mass -= probs[m, k]
    return (
        f"{cat} categorical, {bound} binomials settled by the 1 - n p bound, "
        f"{inv} by inversion, {btpe} by BTPE"
    )


def _threads() -> None:
    """fit_lcmcr defaults on Rome HIV with 1 and 2 worker threads (4 chains)."""
    from roshan.estimate.counts import CaptureCounts
    from roshan.estimate.lcmcr import _compile, fit_lcmcr

    _compile()
    counts = CaptureCounts.from_csv(DATA / "rome_hiv_4list.csv")
    out = json.loads(PROFILE.read_text()) if PROFILE.exists() else {}
    rows, draws = [], []
    for workers in (1, 2, 1, 2):
        load = os.getloadavg()[0]
        t0, c0 = time.perf_counter(), time.process_time()
        r = fit_lcmcr(counts, seed=3, workers=workers)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        draws.append(r.draws)
        rows.append(
            {
                "workers": workers,
                "wall_seconds": wall,
                "cpu_seconds": cpu,
                "load_average_before": load,
                "estimate": r.estimate,
            }
        )
        print(
            f"workers={workers}: {wall:.2f} s wall, {cpu:.2f} s CPU (CPU/wall "
            f"{cpu / wall:.2f}), load {load:.1f}, estimate {r.estimate:,.0f}",
            flush=True,
        )
    same = all(np.array_equal(draws[0], d) for d in draws[1:])
    print(f"identical draws for every worker count: {same}")
    out["threads"] = {
        "table": "rome_hiv_4list",
        "settings": "fit_lcmcr defaults, seed 3",
        "runs": rows,
        "identical_draws": same,
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    PROFILE.write_text(json.dumps(out, indent=2) + "\n")
    _write_docs()


def variate_costs() -> dict:
    """CPU ns per variate of the kinds a sweep draws (the kernel's generators, in loops
    compiled as the kernel's sweep loop is: inlined, no reference counting)."""
    from numba import njit

    from roshan.estimate.lcmcr_kernel import (
        _beta_int,
        _binomial,
        _gamma,
        _log_gamma,
        _normal,
        _poisson,
        _rng,
        _u,
    )

    plain = njit(_nrt=False)

    @plain
    def unif(reps, rng):
        s = 0.0
        for _ in range(reps):
            s += _u(rng)
        return s

    @plain
    def normal(reps, rng):
        s = 0.0
        for _ in range(reps):
            s += _normal(rng)
        return s

    @plain
    def binom(reps, rng, n, p):
        s = 0
        for _ in range(reps):
            s += _binomial(rng, n, p)
        return s

    @plain
    def beta(reps, rng, a, b):
        s = 0.0
        for _ in range(reps):
            s += _beta_int(rng, a, b)
        return s

    @plain
    def gam(reps, rng, a):
        s = 0.0
        for _ in range(reps):
            s += _gamma(rng, a)
        return s

    @plain
    def lgam(reps, rng, a):
        s = 0.0
        for _ in range(reps):
            s += _log_gamma(rng, a)
        return s

    @plain
    def pois(reps, rng, lam):
        s = 0
        for _ in range(reps):
            s += _poisson(rng, lam)
        return s

    reps = 1_000_000
    rng = _rng(11)

    def ns(fn, *a):
        fn(10, rng, *a)
        t0 = time.process_time()
        fn(reps, rng, *a)
        return (time.process_time() - t0) / reps * 1e9

    return {
        "uniform": ns(unif),
        "normal": ns(normal),
        "binomial n=3 p=0.3": ns(binom, 3, 0.3),
        "binomial n=900 p=0.9999": ns(binom, 900, 0.9999),
        "binomial n=20 p=0.3": ns(binom, 20, 0.3),
        "binomial n=907 p=0.03": ns(binom, 907, 0.03),
        "binomial n=900 p=0.3": ns(binom, 900, 0.3),
        "Beta(31, 901)": ns(beta, 30, 900),
        "gamma a=1.5": ns(gam, 1.5),
        "gamma a=500": ns(gam, 500.0),
        "log-gamma a=0.01": ns(lgam, 0.01),
        "Poisson 17,000": ns(pois, 17_000.0),
    }


def _write_docs() -> None:
    result = json.loads(RESULTS.read_text())
    lines = [
        SECTION,
        "",
        f"`{sys.executable.split('/')[-1]} bench/estimate_lcmcr.py` ({result['when']}, "
        f"{result['machine']['cores']} cores shared, one chain on one core). "
        "Settings of the R reference runs: K = 10, a_alpha = b_alpha = 0.25, burn-in 10,000, "
        "900 draws thinned by 100. Rate = Gibbs sweeps per CPU-second of the single-threaded "
        f"process (the machine is shared: load average {result['machine']['load_average_at_start']:.1f} "
        "at the start, so wall-clock rates, kept in the JSON, mostly measure waiting for a core), "
        f"median of {result['settings']['repeats']} runs, JIT compile excluded. `R` = R's rate "
        "in its reference run (wall clock); `R CPU` = R's CPU-time rate measured side by side "
        "(shared/reference/mse/README.md). Issue 17 target: 2.5x R CPU.",
        "",
        "| table | sweeps/s (R's sampler) | with n0 moves (default) | and split-merge moves "
        "| R | R CPU | ratio to R CPU (plain / default / split-merge) | median N (runs) "
        "| R median N |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in result["tables"]:
        meds = ", ".join(f"{m:,.0f}" for m in r["posterior_median_per_run"])
        mv = r.get("iterations_per_second_with_n0_moves")
        cpu_r = r.get("r_cpu_iterations_per_second")
        smv = r.get("iterations_per_second_with_split_merge")
        ratio = (
            f"{r['ratio_to_r_cpu']:.2f}x / {r['ratio_to_r_cpu_with_n0_moves']:.2f}x"
            + (f" / {smv / cpu_r:.2f}x" if smv else "")
            if cpu_r
            else "-"
        )
        sm_s = f"{smv:,.0f} ({r['split_merge_rate']:g} a sweep)" if smv else "-"
        mv_s = f"{mv:,.0f}" if mv else "-"
        cpu_s = f"{cpu_r:,}" if cpu_r else "-"
        lines.append(
            f"| {r['table']} | {r['iterations_per_second']:,.0f} | {mv_s} | {sm_s} | "
            f"{r['r_iterations_per_second']:,} | {cpu_s} | {ratio} | {meds} | "
            f"{r['r_median']:,} |"
        )
    lines += [
        "",
        f"JIT: cold compile {result['cold_compile_seconds']:.1f} s (once per install; "
        f"cached on disk), cached load {result['cached_load_seconds']:.2f} s per process.",
        "Results: bench/results/estimate_lcmcr.json.",
        "",
    ]
    if MIXING.exists():
        m = json.loads(MIXING.read_text())
        first = m["tables"][0].get("first_seed", 1)
        last = first + m["tables"][0]["seeds"] - 1
        lines += [
            "### Chains that agree: seed to seed on the bimodal UK tables",
            "",
            f"`{m.get('command', 'bench/estimate_lcmcr.py --mixing ' + str(last))}` "
            f"({m['when']}; "
            f"load average {m['machine']['load_average_at_start']:.1f} at the start, "
            f"{m['machine']['load_average_at_end']:.1f} at the end, 2 cores shared). "
            f"{m['settings']}. Seeds {first}..{last}, every sampler on the same seeds. "
            "Samplers: `R's sweep` = "
            "R's Gibbs sweep (`n0_moves=False`, `extend=0`); `n0 move` = with the collapsed n0 "
            "move (`extend=0`); `default` = the n0 move, and chains run on by up to "
            f"{DEFAULT_EXTENSIONS} rounds while they disagree, each round doubling the run "
            f"and keeping its second half (`extend_rule='{DEFAULT_EXTEND_RULE}'`; "
            "`fit_lcmcr` defaults); `extend RULE xN` = the n0 move run on by up to N rounds "
            "of another rule (`lcmcr.EXTEND_RULES`: `fixed` = each round "
            "`samples x thin` more sweeps, that round's draws kept, the default before; "
            "`fixed-half` = the same, the second half of all draws kept; `double-all` = "
            "`double` keeping every draw of the second half)"
            + (
                "; `+ split-merge R` = the same with R "
                "split-merge moves of whole classes a sweep (`split_merge=R`, "
                "`--split-merge R`)"
                if any(r.get("split_merge") for r in m["tables"])
                else ""
            )
            + ". Targets "
            "(UK 6-list): sd of the median <= 400, no median below 18,000, R-hat <= 1.05 for "
            "every seed. R's LCMCR, one chain, seeds 1-20: sd 932 (6-list), 3,844 (5-list). "
            "CPU s = process CPU time of all the seeds' fits (both threads), and per seed "
            "the mean and the worst.",
            "",
            "| table | sampler | sd of median | worst median | median of medians | max R-hat "
            "| seeds R-hat > 1.05 | seeds NOT FINAL | chains with median < 18,000 "
            "| seeds extended | CPU s | CPU s per seed (mean / worst) |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for r in m["tables"]:
            per = (
                f"{r['cpu_seconds_per_seed_mean']:.1f} / {r['cpu_seconds_per_seed_max']:.1f}"
                if "cpu_seconds_per_seed_max" in r
                else "-"
            )
            lines.append(
                f"| {r['table']} | {_sampler_name(r)} | "
                f"{r['sd_of_median']:,.0f} | {r['worst_median']:,.0f} | "
                f"{r['median_of_medians']:,.0f} | {r['max_rhat']:.3f} | "
                f"{r['seeds_rhat_above_1_05']}/{r['seeds']} | {r['seeds_not_final']}/{r['seeds']} | "
                f"{r['chains_below_18000']}/{4 * r['seeds']} | "
                f"{r.get('seeds_extended', 0)}/{r['seeds']} | {r['cpu_seconds']:.0f} | {per} |"
            )
        lines += [
            "",
            "Results: bench/results/estimate_lcmcr_mixing.json (per seed: median, "
            "interval, R-hat, ESS, chain medians, rounds used, CPU s).",
            "",
        ]
    if MIXING_HELDOUT.exists():
        h = json.loads(MIXING_HELDOUT.read_text())
        first = h["tables"][0].get("first_seed", 1)
        last = first + h["tables"][0]["seeds"] - 1
        lines += [
            f"Other seeds, {first}..{last}: `{h.get('command', '')}` ({h['when']}; load "
            f"average {h['machine']['load_average_at_start']:.1f} at the start):",
            "",
            "| table | sampler | sd of median | worst median | max R-hat | seeds R-hat > 1.05 "
            "| seeds NOT FINAL | seeds extended | CPU s | CPU s per seed (mean / worst) |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for r in h["tables"]:
            lines.append(
                f"| {r['table']} | {_sampler_name(r)} | {r['sd_of_median']:,.0f} | "
                f"{r['worst_median']:,.0f} | {r['max_rhat']:.3f} | "
                f"{r['seeds_rhat_above_1_05']}/{r['seeds']} | "
                f"{r['seeds_not_final']}/{r['seeds']} | "
                f"{r.get('seeds_extended', 0)}/{r['seeds']} | {r['cpu_seconds']:.0f} | "
                f"{r['cpu_seconds_per_seed_mean']:.1f} / {r['cpu_seconds_per_seed_max']:.1f} |"
            )
        lines += ["", f"Results: {MIXING_HELDOUT.relative_to(ROOT)}.", ""]
    if PROFILE.exists():
        p = json.loads(PROFILE.read_text())
        if "steps" in p:
            lines += [
                "### Where a sweep's time goes",
                "",
                f"`bench/estimate_lcmcr.py --profile` ({p['when']}, load average "
                f"{p['machine']['load_average_at_start']:.1f}). Each step of the sweep "
                "timed on its own in a numba loop compiled as the kernel's sweep loop is "
                "(no reference counting), from the state a chain reached after "
                "burn-in (K = 10, R's priors); CPU nanoseconds per sweep, and the random "
                "variates each step drew in that state. Shares are of the default sweep.",
                "",
                "| table | step | ns per sweep | share | variates per sweep |",
                "|---|---|---|---|---|",
            ]
            for name, prof in p["steps"].items():
                total = next(iter(prof["ns_per_sweep"].values()))
                for i, (step, ns) in enumerate(prof["ns_per_sweep"].items()):
                    var = prof["variates_per_sweep"].get(step, "")
                    share = "" if i == 0 else f"{ns / total:.0%}"
                    lines.append(f"| {name} | {step} | {ns:,.0f} | {share} | {var} |")
            lines.append("")
            if "variate_ns" in p:
                lines += [
                    "CPU ns per variate (same run): "
                    + ", ".join(f"{k} {v:.0f}" for k, v in p["variate_ns"].items())
                    + ".",
                    "",
                    "What changed (issue 17 item 3), profiled with `perf` on UK 6-list: at "
                    "commit 2f90f4f about 10% of a sweep was numba's atomic reference "
                    "counting (NRT incref/decref on every call that passes an array, such as "
                    "the multinomial per pattern), about 6% finding and refilling numba's "
                    "thread-local Mersenne Twister, and most of the rest libm's log, exp and "
                    "lgamma; a per-chain generator passed to every variate function raised "
                    "the reference counting to 45%. The sweep "
                    "loop and everything it calls are now compiled without reference counting "
                    "(numba's _nrt=False; none of it allocates), the most frequent variates "
                    "inlined; each chain carries a xoshiro256+ generator instead "
                    "of numba's thread-global Mersenne Twister; a pattern's class "
                    "probabilities are one product per class times one factor per list it is "
                    "on, all classes at once; classes of weight below 1e-250 are skipped "
                    "(their share of a pattern is below 1e-50; the old binomial already "
                    "returned 0 for them) so products stay out of the slow subnormal range; "
                    "binomials check the bound (1 - p)^n >= 1 - np before any power; an "
                    "occupied class's stick is one Cheng BB draw in log space instead of two "
                    "log-Gamma draws. What is left is mostly log, exp and lgamma (Cheng's "
                    "Betas, the n0 move's collapsed target, empty classes' sticks).",
                    "",
                ]
        if "production" in p:
            q = p["production"]
            lines += [
                "Production settings (`--production`"
                + (f", {q['when']}" if "when" in q else "")
                + f"): {q['table']}, K = 15, "
                f"{q['iterations']:,} sweeps in 4 chains on {q['workers']} threads: "
                f"**{q['wall_seconds']:.1f} s wall**, {q['cpu_seconds']:.1f} s CPU "
                f"(target 25 s wall; load average "
                + (f"{q['load_average_before']:.1f} before, " if "load_average_before" in q else "")
                + f"{q['load_average_after']:.1f} after); median N "
                f"{q['median']:,.0f}, R-hat {q['rhat']:.3f}.",
                "",
            ]
        if "threads" in p:
            t = p["threads"]
            runs = "; ".join(
                f"{x['workers']} worker(s) {x['wall_seconds']:.1f} s wall / "
                f"{x['cpu_seconds']:.1f} s CPU (load {x['load_average_before']:.1f})"
                for x in t["runs"]
            )
            lines += [
                f"Chains in parallel threads (`--threads`, {t['when']}): Rome HIV, "
                f"fit_lcmcr defaults (4 chains, seed 3): {runs}; identical draws for "
                f"every worker count: {t['identical_draws']}.",
                "",
            ]
        lines += ["Results: bench/results/estimate_lcmcr_profile.json.", ""]
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
    main()
