"""Simulated populations for coverage studies of the estimators.

An interval that claims 95% should contain the true total in about 95% of
populations like the user's. Casualty data are exactly where MSE assumptions
fail (some victims are much less likely to be listed than others; lists copy
from each other), so roshan measures each method's coverage, relative bias and
interval width on SYNTHETIC populations with known totals before recommending
it. Nothing here describes real people: a population is only a matrix of 0/1
capture histories drawn from the scenario's probabilities.

A :class:`Scenario` describes a population: its size, the number of lists,
latent groups (each with a population share and a range from which each list's
capture probability for that group is drawn uniformly, per population), an
optional person-level heterogeneity on the logit scale, and optional positive
dependence between pairs of lists (being on the first list of the pair
multiplies the odds of being on the second). :func:`simulate` draws one
population; :func:`run_study` fits methods on many and summarises.

The built-in :data:`SCENARIOS` include ``two_class_4`` / ``two_class_5``: the
scenario of the issue (60% of people with capture probability 0.25-0.5 per
list, 40% with 0.08-0.2; 4 or 5 lists) on which R's LCMCR covered the truth in
only 12 of 20 populations.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from roshan.errors import EstimationError, RoshanError
from roshan.estimate.counts import CaptureCounts
from roshan.estimate.results import EstimateResult

__all__ = [
    "Group",
    "Scenario",
    "SCENARIOS",
    "simulate",
    "run_study",
    "summarise_study",
    "quick_methods",
]


@dataclass(frozen=True)
class Group:
    """A latent group: its population share and the range of its per-list capture probability."""

    share: float
    p_low: float
    p_high: float


@dataclass(frozen=True)
class Scenario:
    """How to draw one SYNTHETIC population and its capture histories.

    ``groups`` shares must sum to 1. For each population and each (group, list)
    a capture probability is drawn uniformly from the group's range.
    ``sigma`` adds person-level heterogeneity: each person's logit capture
    probability is shifted by ``sigma * Normal(0, 1)`` (the same shift on every
    list, as a person's visibility would be). ``dependence`` lists pairs
    ``(a, b, odds_ratio)``: being on list a multiplies the odds of being on
    list b by ``odds_ratio`` (e.g. one NGO copying another's list).
    """

    name: str
    n: int
    n_lists: int
    groups: tuple[Group, ...] = (Group(1.0, 0.2, 0.4),)
    sigma: float = 0.0
    dependence: tuple[tuple[int, int, float], ...] = ()
    note: str = ""

    def __post_init__(self) -> None:
        if self.n < 1 or self.n_lists < 2:
            raise EstimationError("scenario needs n >= 1 and at least 2 lists")
        if abs(sum(g.share for g in self.groups) - 1.0) > 1e-9:
            raise EstimationError(f"scenario {self.name}: group shares must sum to 1")
        for g in self.groups:
            if not (0.0 <= g.p_low <= g.p_high <= 1.0):
                raise EstimationError(f"scenario {self.name}: bad probability range")
        for a, b, orr in self.dependence:
            if not (0 <= a < self.n_lists and 0 <= b < self.n_lists and a != b and orr > 0):
                raise EstimationError(f"scenario {self.name}: bad dependence {(a, b, orr)}")


_TWO_CLASS = (Group(0.6, 0.25, 0.5), Group(0.4, 0.08, 0.2))

SCENARIOS: dict[str, Scenario] = {
    "two_class_4": Scenario(
        "two_class_4", 2000, 4, _TWO_CLASS, note="issue's two-class scenario, 4 lists"
    ),
    "two_class_5": Scenario(
        "two_class_5", 2000, 5, _TWO_CLASS, note="issue's two-class scenario, 5 lists"
    ),
    "homogeneous_4": Scenario(
        "homogeneous_4",
        2000,
        4,
        (Group(1.0, 0.15, 0.4),),
        note="control: independent lists, equal catchability",
    ),
    "dependent_5": Scenario(
        "dependent_5",
        2000,
        5,
        (Group(1.0, 0.15, 0.35),),
        dependence=((0, 1, 5.0), (2, 3, 3.0)),
        note="two pairs of positively dependent lists",
    ),
    "logit_normal_5": Scenario(
        "logit_normal_5",
        2000,
        5,
        (Group(1.0, 0.15, 0.3),),
        sigma=1.0,
        note="continuous person-level heterogeneity (sd 1 on logit)",
    ),
    "two_class_4_small": Scenario(
        "two_class_4_small",
        500,
        4,
        _TWO_CLASS,
        note="issue's two-class scenario, 4 lists, 500 people",
    ),
    "three_class_5": Scenario(
        "three_class_5",
        3000,
        5,
        (Group(0.3, 0.4, 0.7), Group(0.4, 0.15, 0.3), Group(0.3, 0.05, 0.1)),
        note="three groups incl. a hard-to-list 30%",
    ),
}
"""Built-in scenarios used by tests and bench/estimate_coverage.py."""


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return np.log(p) - np.log1p(-p)


def _expit(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def simulate(scenario: Scenario, rng: np.random.Generator) -> tuple[CaptureCounts, int]:
    """Draw one SYNTHETIC population; return its observed capture counts and the true N.

    Raises :class:`EstimationError` in the (rare, tiny-scenario) case where a
    list ends up empty, since such data cannot be analysed.
    """
    n, j = scenario.n, scenario.n_lists
    shares = np.array([g.share for g in scenario.groups])
    group = rng.choice(len(shares), size=n, p=shares)
    p_gl = np.array([[rng.uniform(g.p_low, g.p_high) for _ in range(j)] for g in scenario.groups])
    logit = _logit(p_gl[group])  # n x J
    if scenario.sigma > 0:
        logit = logit + scenario.sigma * rng.standard_normal(n)[:, None]
    hist = np.zeros((n, j), dtype=np.int8)
    done = np.zeros(j, dtype=bool)
    # lists that are the target of a dependence are drawn after their source
    order = list(range(j))
    targets = {b for _, b, _ in scenario.dependence}
    order = [x for x in order if x not in targets] + [x for x in order if x in targets]
    for col in order:
        lg = logit[:, col].copy()
        for a, b, orr in scenario.dependence:
            if b == col and done[a]:
                lg += np.log(orr) * hist[:, a]
        hist[:, col] = rng.random(n) < _expit(lg)
        done[col] = True
    seen = hist[hist.any(axis=1)]
    counts = CaptureCounts.from_histories(seen, lists=[f"L{i + 1}" for i in range(j)])
    return counts, n


MethodFn = Callable[[CaptureCounts, int], EstimateResult]
"""A study method: ``fn(counts, seed) -> EstimateResult``."""


def quick_methods(
    samples: int = 500, thin: int = 10, burnin: int = 2_000, chains: int = 2
) -> dict[str, MethodFn]:
    """``lcmcr`` and ``recommended`` with fewer sweeps than the user defaults.

    Study fits only need each interval to be right on average, not each to be
    polished: 2 chains x (2,000 burn-in + 500 x 10) sweeps is enough for the
    quantiles of N on the built-in scenarios (checked against full-length fits
    in bench/estimate_coverage.py). Both run single-threaded; ``recommended``
    skips its sensitivity components (they do not change its interval).
    """
    from roshan.estimate.lcmcr import fit_lcmcr
    from roshan.estimate.recommended import fit_recommended

    def lcmcr(c: CaptureCounts, seed: int) -> EstimateResult:
        return fit_lcmcr(
            c, seed=seed, samples=samples, thin=thin, burnin=burnin, chains=chains, workers=1
        )

    def recommended(c: CaptureCounts, seed: int) -> EstimateResult:
        return fit_recommended(
            c,
            seed=seed,
            compare=(),
            samples=samples,
            thin=thin,
            burnin=burnin,
            chains=chains,
            workers=1,
        )

    return {"lcmcr": lcmcr, "recommended": recommended}


def run_study(
    methods: Mapping[str, MethodFn],
    scenarios: Sequence[Scenario | str],
    n_reps: int,
    seed: int,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Fit every method on ``n_reps`` populations of every scenario; summarise.

    Returns one row per (scenario, method) with ``coverage`` (share of intervals
    containing the true N), ``relative_bias`` (mean of (N̂ - N)/N),
    ``median_rel_width`` (median of (upper - lower)/N), ``misses_low`` /
    ``misses_high`` (intervals entirely below / above N), ``failures`` (fits
    that raised a roshan error or gave no estimate; counted as misses in
    coverage), ``reps`` and ``seconds``. The per-population rows are in
    ``df.attrs["replicates"]``. Every method sees the same populations.
    """
    scen = [SCENARIOS[s] if isinstance(s, str) else s for s in scenarios]
    reps: list[dict] = []
    total = len(scen) * n_reps
    done = 0
    for si, sc in enumerate(scen):
        children = np.random.SeedSequence([seed, si])
        for r, child in enumerate(children.spawn(n_reps)):
            rng = np.random.default_rng(child)
            counts, truth = simulate(sc, rng)
            fit_seed = int(rng.integers(2**31 - 1))
            for name, fn in methods.items():
                t0 = time.perf_counter()
                row = {
                    "scenario": sc.name,
                    "method": name,
                    "rep": r,
                    "truth": truth,
                    "observed": counts.observed,
                }
                try:
                    res = fn(counts, fit_seed)
                    row.update(estimate=res.estimate, lower=res.lower, upper=res.upper)
                except RoshanError as exc:
                    row.update(estimate=None, lower=None, upper=None, error=str(exc))
                row["seconds"] = time.perf_counter() - t0
                reps.append(row)
            done += 1
            if progress is not None:
                progress(done, total)
    df = pd.DataFrame(reps)
    out = summarise_study(df)
    out.attrs["replicates"] = df
    return out


def summarise_study(replicates: pd.DataFrame) -> pd.DataFrame:
    """Coverage, relative bias and median relative width per (scenario, method).

    Also adds an ``ALL`` scenario row per method pooling every population.
    """
    df = replicates.copy()
    for c in ("estimate", "lower", "upper"):
        df[c] = pd.to_numeric(df[c], errors="coerce")
    ok = df["estimate"].notna() & df["lower"].notna() & df["upper"].notna()
    df["covered"] = ok & (df["lower"] <= df["truth"]) & (df["truth"] <= df["upper"])
    df["miss_low"] = ok & (df["upper"] < df["truth"])
    df["miss_high"] = ok & (df["lower"] > df["truth"])
    df["rel_err"] = (df["estimate"] - df["truth"]) / df["truth"]
    df["rel_width"] = (df["upper"] - df["lower"]) / df["truth"]
    df["failed"] = ~ok

    def _mean(x: pd.Series) -> float:
        x = x.dropna()
        return float(x.mean()) if len(x) else float("nan")

    def _median(x: pd.Series) -> float:
        x = x.dropna()
        return float(x.median()) if len(x) else float("nan")

    def agg(g: pd.DataFrame) -> pd.Series:
        return pd.Series(
            {
                "reps": len(g),
                "coverage": float(g["covered"].mean()),
                "relative_bias": _mean(g["rel_err"]),
                "median_rel_width": _median(g["rel_width"]),
                "misses_low": int(g["miss_low"].sum()),
                "misses_high": int(g["miss_high"].sum()),
                "failures": int(g["failed"].sum()),
                "seconds": float(g["seconds"].sum()) if "seconds" in g else float("nan"),
            }
        )

    rows = []
    for (sc, m), g in df.groupby(["scenario", "method"], sort=False):
        rows.append({"scenario": sc, "method": m, **agg(g).to_dict()})
    for m, g in df.groupby("method", sort=False):
        rows.append({"scenario": "ALL", "method": m, **agg(g).to_dict()})
    out = pd.DataFrame(rows)
    out["reps"] = out["reps"].astype(int)
    for c in ("misses_low", "misses_high", "failures"):
        out[c] = out[c].astype(int)
    return out
