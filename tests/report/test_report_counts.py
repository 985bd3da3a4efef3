"""``roshan report --counts``: the report a coordinator builds from a table of capture-pattern
counts alone (issue 20, item 4), through the installed script, in English and Persian.

SYNTHETIC data only: the counts are drawn here from a made-up population captured by
three made-up organisations at fixed rates (no real list, no real person); the
provenance beside them is written as ``roshan federate count`` writes it
(roshan.estimate.federated), with drawn matchings made by moving a few people between
cells of the table. ``--method loglinear`` keeps the runs to seconds (test settings, not
advice)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from roshan.cli.main import app
from roshan.estimate.federated import SIDECAR_FORMAT, file_sha256, sidecar_path
from roshan.report import i18n

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cli"))
from cli_helpers import one_error_line, run_roshan

PARTIES = ("SYNTHETIC-NGO-A", "SYNTHETIC-MEDIA-B", "SYNTHETIC-HOSP-C")
COORDINATOR = "SYNTHETIC-COORD"
#: SYNTHETIC population by province code, and each organisation's capture rate.
PROVINCES = {"IR-23": 900, "IR-12": 500}
RATES = (0.45, 0.35, 0.30)
METHOD = ("--method", "loglinear")
runner = CliRunner()


def _table(seed: int, by: bool) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    parts = []
    for code, n in PROVINCES.items() if by else [(None, sum(PROVINCES.values()))]:
        caught = rng.random((n, len(PARTIES))) < np.array(RATES)
        caught = caught[caught.any(axis=1)]  # people on no list are not observed
        df = pd.DataFrame(caught.astype(int), columns=list(PARTIES))
        if by:
            df["province"] = code
        parts.append(df)
    keys = [*PARTIES, *(["province"] if by else [])]
    return pd.concat(parts).groupby(keys).size().reset_index(name="count")


def _draws(table: pd.DataFrame, k: int) -> list[pd.DataFrame]:
    """k alternative tables: some people of a two-list cell split into one-list people."""
    lists = list(PARTIES)
    out = []
    for j in range(k):
        t = table.copy()
        pair = t.index[t[lists].sum(axis=1) == 2][0]
        move = 1 + j % 3
        t.loc[pair, "count"] -= move
        for c in lists:
            if t.loc[pair, c] == 1:
                only = t.index[(t[c] == 1) & (t[lists].sum(axis=1) == 1)][0]
                t.loc[only, "count"] += move
        out.append(t)
    return out


def _provenance(counts: Path, draws: list[pd.DataFrame], strata: list[str]) -> None:
    doc = {
        "format": SIDECAR_FORMAT,
        "version": 1,
        "computed_privately": True,
        "protocol": 1,
        "parties": [
            {"name": p, "key_fingerprint": f"{i}aaa:bbbb:cccc:dddd"} for i, p in enumerate(PARTIES)
        ],
        "coordinator": {"name": COORDINATOR, "key_fingerprint": "ffff:eeee:dddd:cccc"},
        "threshold": 4,
        "unique_threshold": 2,
        "strata_revealed": strata,
        "counted_at": "2026-12-06T10:00:00+00:00",
        "counts_sha256": file_sha256(counts),
        "linkage_error": {"method": "drawn matchings", "n_draws": len(draws)},
        "draws": [d.to_dict(orient="records") for d in draws],
    }
    sidecar_path(counts).write_text(json.dumps(doc), "utf-8")


@pytest.fixture(scope="module")
def counts_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("counts-report")
    plain = root / "counts.csv"
    _table(1, by=False).to_csv(plain, index=False)
    _provenance(plain, [], [])
    strata = root / "strata.csv"
    table = _table(2, by=True)
    table.to_csv(strata, index=False)
    draws = _draws(table, 4)
    _provenance(strata, draws, ["province"])
    # the same counts summed over the strata by hand, with their own provenance: what a
    # user runs `roshan estimate --counts` on to check the report's headline
    summed = root / "summed.csv"
    lists = list(PARTIES)
    table.groupby(lists, as_index=False)["count"].sum().to_csv(summed, index=False)
    _provenance(summed, [d.groupby(lists, as_index=False)["count"].sum() for d in draws], [])
    return {"plain": plain, "strata": strata, "summed": summed, "root": root}


def _estimate(*args: str) -> dict:
    res = runner.invoke(app, ["estimate", *args, *METHOD, "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def _report(counts: Path, out: Path, *extra: str) -> str:
    res = run_roshan("report", "--counts", counts, "--out", out, *METHOD, *extra, timeout=600)
    assert res.returncode == 0, res.stderr
    return out.read_text(encoding="utf-8")


def _headline(html: str, doc: dict, lang: str) -> None:
    num = lambda v: i18n.num(v, lang)  # noqa: E731
    assert f'id="estimate-value">{num(doc["estimate"])}<' in html
    assert f"{num(doc['lower'])} – {num(doc['upper'])}" in html
    assert f'id="documented-count">{num(doc["observed"])}<' in html
    words = {"en": "about {n} are estimated to be on no list", "fa": "حدود {n} نفر در هیچ فهرستی"}
    unlisted = num(max(0.0, doc["estimate"] - doc["observed"]))
    assert words[lang].format(n=unlisted) in html


def _offline(html: str) -> None:
    assert "<script" not in html.lower()
    refs = re.findall(r'\b(?:src|href)\s*=\s*"([^"]*)"', html)
    assert all(r.startswith(("data:", "#")) for r in refs), refs
    assert not re.search(r"url\((?!data:)", html)
    assert "@import" not in html


def _pdf_page(pdf: Path, page: int = 1) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler (pdftotext) is not installed")
    return subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_report_from_counts_alone(counts_files, tmp_path, lang: str) -> None:
    counts = counts_files["plain"]
    want = _estimate("--counts", str(counts))
    assert want["diagnostics"]["federate"]["computed_privately"]
    out, pdf = tmp_path / f"report-{lang}.html", tmp_path / f"report-{lang}.pdf"
    html = _report(counts, out, "--lang", lang, "--pdf", str(pdf))
    _headline(html, want, lang)
    _offline(html)
    assert f'lang="{lang}"' in html and f'dir="{"rtl" if lang == "fa" else "ltr"}"' in html
    assert 'id="synthetic-banner"' in html  # the organisations' names say SYNTHETIC
    # the private overlaps, by which organisations (with their key fingerprints)
    title = {"en": "Overlaps computed privately", "fa": "هم‌پوشانی‌ها به‌صورت محرمانه محاسبه شد"}
    assert 'id="federate-provenance"' in html and title[lang] in html
    assert all(p in html for p in (*PARTIES, COORDINATOR, "0aaa:bbbb:cccc:dddd"))
    # what the counts support, and one line for what they do not
    assert 'id="counts-only"' in html and "counts.csv" in html
    for section in ("headline", "sources", "method", "repro"):
        assert f'id="{section}"' in html, section
    for section in ("timeline", "map", "victims", "quality", "strata"):
        assert f'id="{section}"' not in html, section
    assert 'id="counts-patterns"' in html and 'id="upset"' in html
    table = pd.read_csv(counts)
    for p in PARTIES:  # people on each list
        on = int(table.loc[table[p] == 1, "count"].sum())
        assert f'<td>{p}</td><td class="num">{i18n.num(on, lang)}</td>' in html
    assert f'id="fingerprint">{file_sha256(counts)}<' in html
    # the PDF prints the same headline
    page = _pdf_page(pdf)
    assert i18n.num(want["estimate"], lang) in page
    assert "SYNTHETIC" in page


def test_anonymised_report_names_no_organisation(counts_files, tmp_path) -> None:
    html = _report(counts_files["plain"], tmp_path / "anon.html", "--anonymise-sources")
    assert 'id="federate-provenance"' in html and "3 organisations" in html
    for name in (*PARTIES, COORDINATOR, "NGO-A", "MEDIA-B", "HOSP-C"):
        assert name not in html, name
    assert "List A" in html and "List C" in html


def test_stratified_counts_give_the_estimate_by_stratum(counts_files, tmp_path) -> None:
    strata = counts_files["strata"]
    # the headline: the counts summed over the strata, pooled over the drawn matchings,
    # as `roshan estimate --counts` gives it on the same table summed by hand
    total = _estimate("--counts", str(counts_files["summed"]))
    assert total["diagnostics"]["linkage"]["n_draws"] == 4
    by = _estimate("--counts", str(strata), "--by", "province")
    html = _report(strata, tmp_path / "strata.html")
    _headline(html, total, "en")
    assert 'id="linkage-uncertainty"' in html  # the drawn matchings were pooled
    assert "summed over the strata (province)" in html
    assert 'id="strata"' in html and 'data-dim="province"' in html
    for s in by["strata"]:
        label = {"IR-23": "Tehran (IR-23)", "IR-12": "Kordestan (IR-12)"}[s["province"]]
        row = (
            f'<tr><td>{label}</td><td class="num">{i18n.num(s["observed"])}</td>\n'
            f'<td class="num">{i18n.num(s["estimate"])}</td>'
            f'<td class="num">{i18n.num(s["lower"])} – {i18n.num(s["upper"])}</td>'
        )
        assert row in html
    fa = _report(strata, tmp_path / "strata-fa.html", "--lang", "fa")
    assert "تهران (IR-23)" in fa and 'data-dim="province"' in fa
    _offline(fa)


def test_usage_errors(counts_files, tmp_path) -> None:
    out = tmp_path / "r.html"
    both = one_error_line(
        run_roshan("report", tmp_path, "--counts", counts_files["plain"], "--out", out)
    )
    neither = one_error_line(run_roshan("report", "--out", out))
    for line in (both, neither):
        assert "give either a workspace folder or --counts" in line
    strata = one_error_line(
        run_roshan("report", "--counts", counts_files["plain"], "--out", out, "--estimate-strata")
    )
    assert "--estimate-strata" in strata
    missing = one_error_line(run_roshan("report", "--counts", tmp_path / "nope.csv", "--out", out))
    assert "nope.csv" in missing and "not found" in missing
    method = one_error_line(
        run_roshan("report", "--counts", counts_files["plain"], "--out", out, "--method", "x")
    )
    assert "unknown method" in method
    assert not out.exists()
