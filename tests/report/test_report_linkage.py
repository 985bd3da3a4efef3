"""Linkage uncertainty in the report (issue 10, item 3). SYNTHETIC data only.

``roshan estimate WS --linkage-draws N`` stores its pooled result as an EstimateRun,
and the report shows a "Linkage uncertainty" block beside the total (English and
Persian) only when the estimate shown carries ``diagnostics["linkage"]``; the
estimates export carries the decomposition.
"""

from __future__ import annotations

import json

import pytest

from roshan.report import i18n
from roshan.report.build import linkage_view
from roshan.report.data import linkage_block, strata_block

#: A ``diagnostics["linkage"]`` with the documented keys (docs/linkage-uncertainty.md).
INFO = {
    "share_linkage": 0.384,
    "share_unlisted": 0.616,
    "pooled": {"estimate": 1234.4, "lower": 1100.0, "upper": 1500.0},
    "plugin": {"estimate": 1210.0, "lower": 1150.0, "upper": 1290.0, "observed": 900},
    "width_pooled": 400.0,
    "width_if_linkage_certain": 140.0,
    "n_draws": 50,
    "draws_used": 48,
    "draws_failed": 2,
    "sampler": "gibbs",
    "merge_prior": "capture",
    "seconds": 3.2,
}


def _result(info: dict | None) -> dict:
    diag = {"linkage": info} if info is not None else {}
    return {
        "method": "dga",
        "estimate": 1234.4,
        "lower": 1100.0,
        "upper": 1500.0,
        "level": 0.95,
        "observed": 900,
        "diagnostics": diag,
    }


def test_linkage_block_reads_the_documented_keys() -> None:
    b = linkage_block(_result(INFO))
    assert b["estimate"] == pytest.approx(1234.4) and b["upper"] == 1500.0
    assert b["plugin"] == {"estimate": 1210.0, "lower": 1150.0, "upper": 1290.0, "observed": 900.0}
    assert b["share_linkage"] == pytest.approx(0.384)
    assert (b["n_draws"], b["draws_used"], b["draws_failed"]) == (50, 48, 2)
    assert b["intervals_disagree"] is False
    assert linkage_block(_result(None)) is None
    assert linkage_block(None) is None


def test_linkage_block_copes_with_missing_and_odd_values() -> None:
    b = linkage_block(
        _result(
            {
                "share_unlisted": 0.7,
                "plugin": "?",
                "n_draws": "many",
                "pooled": {"estimate": float("nan")},
            }
        )
    )
    assert b["share_linkage"] == pytest.approx(0.3)
    assert b["plugin"]["estimate"] is None and b["n_draws"] is None
    assert b["estimate"] is None  # NaN is no number
    view = linkage_view(b, "en")
    assert view["pooled"] is None and view["plugin"] is None and view["draws"] is None
    assert view["shares"].startswith("70% of the uncertainty")
    empty = linkage_view(linkage_block(_result({})), "en")
    assert empty["shares"] is None and empty["bar"] is None
    # plug-in interval entirely above the pooled one: flagged
    apart = dict(INFO, plugin={"estimate": 2000, "lower": 1900, "upper": 2100})
    assert linkage_block(_result(apart))["intervals_disagree"] is True


def test_linkage_view_in_both_editions() -> None:
    b = linkage_block(_result(INFO))
    en = linkage_view(b, "en")
    assert en["pooled"] == (
        "Pooled over 50 plausible matchings of the records: 1,234, 95% interval 1,100 – 1,500."
    )
    assert "1,210" in en["plugin"] and "1,150 – 1,290" in en["plugin"]
    assert en["shares"] == (
        "62% of the uncertainty comes from victims on no list, 38% from "
        "uncertain matches between records."
    )
    assert en["share_unlisted_pct"] + en["share_linkage_pct"] == 100
    assert "48 estimated" in en["draws"] and "2 could not" in en["failed"]
    assert en["bar"].startswith("<svg") and 'width="198.4"' in en["bar"]
    fa = linkage_view(b, "fa")
    assert "۶۲٪" in fa["shares"] and "۳۸٪" in fa["shares"]
    assert "۱٬۲۳۴" in fa["pooled"] and "۵۰" in fa["pooled"]
    assert not any(ch.isascii() and ch.isdigit() for ch in fa["pooled"] + fa["shares"])
    # right to left: the unlisted part starts on the right
    assert '<rect x="121.6" y="0" width="198.4"' in fa["bar"]


def test_strata_rows_carry_their_linkage_share() -> None:
    import pandas as pd

    run = {
        "id": 7,
        "method": "dga",
        "stale": False,
        "created_at": None,
        "settings": {},
        "result": {
            **_result(INFO),
            "strata": [
                {
                    "sex": "f",
                    "observed": 40.0,
                    "estimate": 60.0,
                    "lower": 45.0,
                    "upper": 90.0,
                    "share_linkage": 0.25,
                    "draws_used": 3,
                },
                {
                    "sex": "m",
                    "observed": 2.0,
                    "estimate": None,
                    "lower": None,
                    "upper": None,
                    "share_linkage": None,
                    "reason": "not estimable in any clustering",
                },
            ],
        },
    }
    block = strata_block(run, pd.Series(["f", "m"]), "sex", None)
    assert block["has_linkage"] is True
    assert [r["share_linkage"] for r in block["rows"]] == [0.25, None]
    assert [r["status"] for r in block["rows"]] == ["ok", "not_estimable"]
    assert block["run"]["linkage"]["n_draws"] == 50


@pytest.fixture(scope="module")
def small_linked_ws(tmp_path_factory):
    """A SYNTHETIC scenario (300 people, 4 lists) ingested and linked."""
    import logging

    from roshan.link.pipeline import link_workspace
    from roshan.simulate import ScenarioConfig, ingest_scenario, simulate
    from roshan.store.workspace import Workspace

    logging.getLogger("splink").setLevel(logging.ERROR)
    base = tmp_path_factory.mktemp("report_unc")
    manifest = simulate(ScenarioConfig(seed=3, population=300, lists=4), base / "scen")
    ws = Workspace.init(base / "ws")
    ingest_scenario(ws, base / "scen", manifest)
    link_workspace(ws)
    ws.close()
    return base / "ws"


def _runs(root) -> list:
    from sqlalchemy import select

    from roshan.store.models import EstimateRun
    from roshan.store.workspace import Workspace

    ws = Workspace.open(root)
    try:
        with ws.session() as sess:
            return [
                (r.id, r.method, list(r.by or []), dict(r.settings or {}), r.result)
                for r in sess.scalars(select(EstimateRun).order_by(EstimateRun.id))
            ]
    finally:
        ws.close()


@pytest.mark.slow
def test_cli_linkage_draws_are_stored_and_reported(small_linked_ws, tmp_path) -> None:
    from typer.testing import CliRunner

    from roshan.cli.main import app
    from roshan.report.exports import export_frame
    from roshan.store.workspace import Workspace

    runner = CliRunner()
    root = str(small_linked_ws)

    # a plug-in estimate (the linker's clustering taken as certain): stored, and the report
    # has no linkage block
    plain = runner.invoke(app, ["estimate", root, "--method", "dga", "--json", "--plug-in"])
    assert plain.exit_code == 0, plain.output
    assert len(_runs(small_linked_ws)) == 1
    out = tmp_path / "plain.html"
    rep = runner.invoke(app, ["report", root, "--out", str(out), "--no-compute"])
    assert rep.exit_code == 0, rep.output
    html = out.read_text(encoding="utf-8")
    assert 'id="linkage-uncertainty"' not in html and "Linkage uncertainty" not in html
    assert 'id="method-linkage"' in html  # the method paragraph is always there

    # --linkage-draws: stored as the latest run, with its settings
    res = runner.invoke(
        app, ["estimate", root, "--method", "dga", "--json", "--linkage-draws", "3", "--seed", "4"]
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    info = doc["diagnostics"]["linkage"]
    runs = _runs(small_linked_ws)
    assert len(runs) == 2
    run_id, method, by, settings, stored = runs[-1]
    assert (method, by) == ("dga", [])
    assert settings["linkage_draws"] == 3 and settings["seed"] == 4
    assert stored["estimate"] == doc["estimate"]
    assert stored["diagnostics"]["linkage"]["n_draws"] == 3

    # the report shows the block with these numbers, in both editions
    block = linkage_block(doc)
    share_l = round(100 * block["share_linkage"])
    for lang in ("en", "fa"):
        out = tmp_path / f"unc-{lang}.html"
        rep = runner.invoke(
            app, ["report", root, "--out", str(out), "--lang", lang, "--no-compute"]
        )
        assert rep.exit_code == 0, rep.output
        html = out.read_text(encoding="utf-8")
        assert 'id="linkage-uncertainty"' in html
        assert i18n.t("linkage_title", lang) in html
        # the stored run shown is this one
        assert i18n.t("stored_run", lang, id=i18n.num(run_id, lang), at="@").split("@")[0] in html
        for value in (
            doc["estimate"],
            doc["lower"],
            doc["upper"],
            info["plugin"]["estimate"],
            info["plugin"]["lower"],
            info["plugin"]["upper"],
        ):
            assert i18n.num(value, lang) in html
        assert (
            i18n.t(
                "linkage_shares",
                lang,
                unlisted=i18n.pct((100 - share_l) / 100, lang, 0),
                linkage=i18n.pct(share_l / 100, lang, 0),
            )
            in html
        )
        assert (
            i18n.t(
                "linkage_draws", lang, n=i18n.num(3, lang), used=i18n.num(info["draws_used"], lang)
            )
            in html
        )
        assert 'href="#method-linkage"' in html and 'class="share-bar"' in html
    assert "۳ نمونه" in html  # Persian digits in the Persian edition

    # the estimates export carries the decomposition
    ws = Workspace.open(small_linked_ws)
    try:
        frame, _ = export_frame(ws, "estimates")
    finally:
        ws.close()
    total = frame[(frame["by"] == "") & (frame["stratum"] == "total")].iloc[0]
    assert total["run_id"] == run_id and total["linkage_draws"] == 3
    assert total["share_linkage"] == pytest.approx(info["share_linkage"])
    assert total["plugin_estimate"] == pytest.approx(info["plugin"]["estimate"])


def test_people_line_and_its_warning_when_the_linked_count_is_off_the_matchings() -> None:
    """The report says how many people the plausible matchings count beside the linked
    count, and in words when the two are far apart (bench/robustness family ``hard``:
    2,597 linked where the matchings counted 2,100–2,220 and 2,089 were listed)."""
    from roshan.estimate.linkage import OBSERVED_GAP_WARN, observed_gap

    close = dict(
        INFO,
        observed_per_draw={"min": 880, "median": 895.0, "max": 910},
        observed_gap=observed_gap(900, [880, 895, 910]),
    )
    en = linkage_view(linkage_block(_result(close)), "en")
    assert en["people"] == (
        "People on the lists: 900 as linked; 880 – 910 across the plausible matchings."
    )
    assert en["people_uncertain"] is False
    gap = observed_gap(2597, [2114, 2200, 2222])
    assert gap == pytest.approx(2597 / 2200 - 1) and gap > OBSERVED_GAP_WARN
    far = dict(
        INFO,
        plugin={**INFO["plugin"], "observed": 2597},
        observed_per_draw={"min": 2114, "median": 2200.0, "max": 2222},
        observed_gap=gap,
    )
    for lang in ("en", "fa"):
        view = linkage_view(linkage_block(_result(far)), lang)
        assert view["people_uncertain"] is True
        assert i18n.num(2597, lang) in view["people"] and i18n.num(2114, lang) in view["people"]
    assert "itself uncertain" in linkage_view(linkage_block(_result(far)), "en")["people"]
    assert linkage_view(linkage_block(_result(INFO)), "en")["people"] is None  # older runs


def test_pooling_warns_when_the_linked_count_is_off_the_matchings() -> None:
    from roshan.estimate.linkage import pool_results
    from roshan.estimate.results import EstimateResult

    def res(n: float) -> EstimateResult:
        return EstimateResult(
            method="dga",
            lists=["A", "B"],
            observed=2200,
            estimate=n,
            lower=n * 0.9,
            upper=n * 1.1,
            level=0.95,
        )

    plugin = EstimateResult(
        method="dga",
        lists=["A", "B"],
        observed=2597,
        estimate=6000.0,
        lower=5000.0,
        upper=7000.0,
        level=0.95,
    )
    pooled = pool_results(
        [res(2900), res(3000), res(3100)], plugin=plugin, observed=[2114, 2200, 2222]
    )
    assert any(
        "2,597 people, 18% more than the plausible matchings (2,114–2,222)" in w
        for w in pooled.warnings
    )
    assert pooled.diagnostics["linkage"]["observed_gap"] == pytest.approx(2597 / 2200 - 1)
    calm = pool_results([res(2900), res(3000)], plugin=res(3000), observed=[2190, 2210])
    assert not any("plausible matchings (" in w for w in calm.warnings)


def test_headline_and_summary_give_ranges_when_the_documented_count_is_uncertain() -> None:
    """When the linked count is far off the plausible matchings, "N documented, about M
    on no list" would state one clustering's split as fact: the headline sentence (both
    editions) and the estimator's summary give both numbers as ranges instead."""
    from roshan.estimate.linkage import pool_results
    from roshan.estimate.results import EstimateResult
    from roshan.report.build import headline_sentence

    def res(n: float, observed: int = 2200) -> EstimateResult:
        return EstimateResult(
            method="dga",
            lists=["A", "B", "C"],
            observed=observed,
            estimate=n,
            lower=n * 0.9,
            upper=n * 1.1,
            level=0.95,
        )

    plugin = res(6000.0, observed=2597)
    far = pool_results(
        [res(2900), res(3000), res(3100)], plugin=plugin, observed=[2114, 2200, 2222]
    )
    assert far.diagnostics["linkage"]["observed_uncertain"] is True
    assert far.documented_range == (2114, 2222)
    est = far.estimate
    en = headline_sentence({"result": far.to_dict(), "method": "dga"}, "en")
    assert "Between 2,114 and 2,222 of them are documented" in en, en
    assert f"about {est - 2222:,.0f} to {est - 2114:,.0f} are estimated to be on no list" in en
    assert "2,597" not in en  # the linker's count is not presented as the documented count
    fa = headline_sentence({"result": far.to_dict(), "method": "dga"}, "fa")
    assert i18n.num(2114, "fa") in fa and i18n.num(2222, "fa") in fa and "نامطمئن" in fa
    summary = far.summary("en")
    assert "Between 2,114 and 2,222 people appear" in summary
    assert "the linker counts 2,597" in summary
    assert "۲٬۱۱۴" in i18n.digits(far.summary("fa"), "fa") or "2,114" in far.summary("fa")

    calm = pool_results([res(2900), res(3000)], plugin=res(3000), observed=[2190, 2210])
    assert calm.diagnostics["linkage"]["observed_uncertain"] is False
    assert calm.documented_range is None
    plain = headline_sentence({"result": calm.to_dict(), "method": "dga"}, "en")
    assert "2,200 of them are documented" in plain and "Between" not in plain
    # results stored before the flag was recorded: the report falls back on the gap
    old = far.to_dict()
    del old["diagnostics"]["linkage"]["observed_uncertain"]
    assert "Between 2,114 and 2,222" in headline_sentence({"result": old, "method": "dga"}, "en")
