"""The private linkage's error carried into the estimate: drawn matchings at the coordinator,
the provenance file beside the counts, and ``roshan estimate --counts`` pooling over them
(published 3-list table and hand-made token rows; no real person anywhere)."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from roshan.cli.main import app
from roshan.estimate.counts import CaptureCounts
from roshan.estimate.federated import (
    MATCHING_SD_FACTOR,
    SIDECAR_FORMAT,
    file_sha256,
    matching_rsd,
    sidecar_path,
)
from roshan.estimate.methods import fit
from roshan.federate.match import (
    ACCEPT_CAP,
    ACCEPT_PROBABILITY,
    DEFAULT_THRESHOLD,
    DEFAULT_UNIQUE_THRESHOLD,
    accept_probability,
    candidate_scores,
    count_error,
    match_counts,
    match_draws,
)

DATA = Path(__file__).parent.parent / "estimate" / "data"
runner = CliRunner()


def _rows(seed: int = 3) -> list[np.ndarray]:
    """Three parties; shared people with 1..9 shared tokens, and namesakes."""
    rng = np.random.default_rng(seed)
    width, nxt = 17, [1]

    def fresh(k: int) -> list[int]:
        out = list(range(nxt[0], nxt[0] + k))
        nxt[0] += k
        return out

    people = [fresh(width) for _ in range(300)]
    rows: list[list[list[int]]] = [[], [], []]
    for p, toks in enumerate(people):
        for party in range(3):
            if rng.random() < 0.5:
                keep = int(rng.integers(1, 10)) if party else width
                row = toks[:keep] + fresh(width - keep)
                rows[party].append(row)
        if p % 7 == 0:  # a namesake in party 2 sharing a few tokens with this person
            rows[2].append(toks[:3] + fresh(width - 3))
    return [np.array(r, dtype=np.int64) for r in rows]


def _sidecar(counts: Path, draws: list[pd.DataFrame]) -> Path:
    doc = {
        "format": SIDECAR_FORMAT,
        "version": 1,
        "computed_privately": True,
        "protocol": 1,
        "parties": [
            {"name": "NGO-A", "key_fingerprint": "aaaa:bbbb:cccc:dddd"},
            {"name": "MEDIA-B", "key_fingerprint": "1111:2222:3333:4444"},
            {"name": "HOSP-C", "key_fingerprint": "5555:6666:7777:8888"},
        ],
        "threshold": 4,
        "unique_threshold": 2,
        "strata_revealed": [],
        "counted_at": "2026-12-06T10:00:00+00:00",
        "counts_sha256": file_sha256(counts),
        "linkage_error": {"method": "drawn matchings", "n_draws": len(draws)},
        "draws": [d.to_dict(orient="records") for d in draws],
    }
    path = sidecar_path(counts)
    path.write_text(json.dumps(doc), "utf-8")
    return path


def _est(*args: str) -> dict:
    res = runner.invoke(
        app, ["estimate", *args, "--method", "loglinear", "--bootstrap", "0", "--json"]
    )
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def _perturbed(counts: Path, k: int, seed: int) -> list[pd.DataFrame]:
    """k tables that split some of the 3-list people apart or join some 1-list people."""
    base = pd.read_csv(counts)
    lists = [c for c in base.columns if c != "count"]
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(k):
        t = base.copy()
        both = (t[lists].sum(axis=1) == 2) & (t["count"] > 3)
        i = t.index[both][0]
        move = int(rng.integers(0, 4))
        t.loc[i, "count"] -= move
        for c in lists:
            if t.loc[i, c] == 1:
                only = t.index[(t[c] == 1) & (t[lists].sum(axis=1) == 1)][0]
                t.loc[only, "count"] += move
        out.append(t)
    return out


def test_deterministic_matching_unchanged_by_the_refactor():
    rows = _rows()
    parties = ["A", "B", "C"]
    got = match_counts(rows, parties)
    # the rule written out: accept s >= threshold, or a unique candidate at >= unique
    rule = {
        (s, u): 1.0 if (s >= DEFAULT_THRESHOLD or u) else 0.0
        for s in range(DEFAULT_UNIQUE_THRESHOLD, ACCEPT_CAP + 1)
        for u in (False, True)
    }
    drawn = match_draws(rows, parties, 1, table=rule, seed=1, missed_rate=0.0)[0]
    # the same matches up to how ties between equally good candidates fall
    err = count_error(drawn, got, parties)
    assert err["l1"] <= 0.02 and abs(err["total"]) <= 0.01, err
    assert got["count"].sum() < sum(len(r) for r in rows)  # some were matched


def test_draws_differ_and_follow_the_calibration():
    rows = _rows()
    parties = ["A", "B", "C"]
    draws = match_draws(rows, parties, 8, seed=5)
    totals = [int(d["count"].sum()) for d in draws]
    assert len(set(totals)) > 1, totals
    scores = candidate_scores(rows, min_shared=DEFAULT_UNIQUE_THRESHOLD)
    p = accept_probability(scores["s"].to_numpy(), scores["unique"].to_numpy())
    assert ((0 <= p) & (p <= 1)).all()
    assert accept_probability(np.array([40]), np.array([True]))[0] == ACCEPT_PROBABILITY.get(
        (ACCEPT_CAP, True), 1.0
    )
    # links for the true pairs no candidate shows: fewer people, never more
    none = match_draws(rows, parties, 8, seed=5, missed_rate=0.0)
    many = match_draws(rows, parties, 8, seed=5, missed_rate=0.5)
    assert np.mean([d["count"].sum() for d in many]) < np.mean([d["count"].sum() for d in none])
    # the same seed gives the same tables
    again = match_draws(rows, parties, 8, seed=5)
    assert all(a.equals(b) for a, b in zip(draws, again, strict=True))


def test_without_draws_the_estimate_is_unchanged(tmp_path):
    counts = tmp_path / "counts.csv"
    shutil.copy(DATA / "korea_3list.csv", counts)
    plain = _est("--counts", str(counts))
    ref = fit("loglinear", CaptureCounts.from_csv(counts), bootstrap=0)
    assert plain["estimate"] == pytest.approx(ref.estimate)
    assert (plain["lower"], plain["upper"]) == pytest.approx((ref.lower, ref.upper))
    assert "federate" not in plain["diagnostics"]
    # a provenance file without drawn matchings: the same estimate, the interval widened
    # by the private matching's measured error (sd MATCHING_SD_FACTOR x sqrt of the
    # estimate), provenance carried
    _sidecar(counts, [])
    prov = _est("--counts", str(counts))
    assert prov["estimate"] == pytest.approx(plain["estimate"])
    rsd = MATCHING_SD_FACTOR / math.sqrt(plain["estimate"])
    assert matching_rsd(plain["estimate"]) == pytest.approx(rsd)
    extra = 1.959964 * rsd * plain["estimate"]
    assert prov["upper"] == pytest.approx(
        plain["estimate"] + math.hypot(plain["upper"] - plain["estimate"], extra)
    )
    assert prov["lower"] == pytest.approx(
        max(
            plain["observed"],
            plain["estimate"] - math.hypot(plain["estimate"] - plain["lower"], extra),
        )
    )
    assert prov["lower"] < plain["lower"] and prov["upper"] > plain["upper"]
    fed = prov["diagnostics"]["federate"]
    assert fed["computed_privately"] and [p["name"] for p in fed["parties"]] == [
        "NGO-A",
        "MEDIA-B",
        "HOSP-C",
    ]
    err = fed["linkage_error"]
    assert err["accounted"] is True and err["widened_rsd"] == pytest.approx(rsd, abs=1e-5)
    assert err["widened_sd_factor"] == MATCHING_SD_FACTOR
    assert err["interval_before_widening"] == pytest.approx([plain["lower"], plain["upper"]])
    assert any("interval is widened by the private matching" in w for w in prov["warnings"])
    # --plug-in: the single table's interval, the matching treated as certain
    plug = _est("--counts", str(counts), "--plug-in")
    assert (plug["lower"], plug["upper"]) == pytest.approx((plain["lower"], plain["upper"]))
    assert plug["diagnostics"]["federate"]["linkage_error"]["accounted"] is False
    assert any("treats the private matching as certain" in w for w in plug["warnings"])


def test_pooled_interval_is_wider_than_the_single_table(tmp_path):
    counts = tmp_path / "counts.csv"
    shutil.copy(DATA / "korea_3list.csv", counts)
    plain = _est("--counts", str(counts))
    draws = _perturbed(counts, 10, seed=2)
    assert len({int(d["count"].sum()) for d in draws}) > 1
    _sidecar(counts, draws)
    pooled = _est("--counts", str(counts))
    assert pooled["upper"] - pooled["lower"] > plain["upper"] - plain["lower"]
    info = pooled["diagnostics"]["linkage"]
    assert info["n_draws"] == 10 and 0 < info["share_linkage"] < 1
    assert info["plugin"]["estimate"] == pytest.approx(plain["estimate"])
    assert pooled["diagnostics"]["federate"]["linkage_error"]["draws_pooled"] == 10
    # --plug-in: the single table again, provenance still there
    single = _est("--counts", str(counts), "--plug-in")
    assert (single["lower"], single["upper"]) == pytest.approx((plain["lower"], plain["upper"]))
    assert single["diagnostics"]["federate"]["linkage_error"]["accounted"] is False
    # counts edited after the count: the provenance no longer describes them
    counts.write_text(counts.read_text() + "\n")
    edited = _est("--counts", str(counts))
    assert "federate" not in edited["diagnostics"]
    assert any("SHA-256 differs" in w for w in edited["warnings"])


def test_linkage_draws_with_plain_counts_still_refused(tmp_path):
    res = runner.invoke(
        app,
        [
            "estimate",
            "--counts",
            str(DATA / "korea_3list.csv"),
            "--linkage-draws",
            "5",
            "--method",
            "loglinear",
        ],
    )
    assert res.exit_code != 0


def test_console_summary_states_the_provenance_in_both_languages(tmp_path):
    counts = tmp_path / "counts.csv"
    shutil.copy(DATA / "korea_3list.csv", counts)
    _sidecar(counts, _perturbed(counts, 4, seed=1))
    for lang, words in (
        ("en", "computed privately with roshan federate"),
        ("fa", "به‌صورت محرمانه با roshan federate"),
    ):
        res = runner.invoke(
            app,
            [
                "estimate",
                "--counts",
                str(counts),
                "--method",
                "loglinear",
                "--bootstrap",
                "0",
                "--lang",
                lang,
            ],
        )
        assert res.exit_code == 0, res.output
        assert words in res.output and "NGO-A" in res.output and "MEDIA-B" in res.output
