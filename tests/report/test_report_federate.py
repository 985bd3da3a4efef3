"""The report on an estimate from privately computed counts (issue 20, item 4): it says, in
English and Persian, that the overlaps were computed privately, by which organisations,
and how the private matching's error is accounted for. SYNTHETIC data only."""

from __future__ import annotations

import copy

from roshan.report.federate import federate_view

FED = {
    "computed_privately": True,
    "protocol": 1,
    "counted_at": "2026-12-06T10:00:00+00:00",
    "parties": [
        {"name": "NGO-A", "key_fingerprint": "aaaa:bbbb:cccc:dddd"},
        {"name": "MEDIA-B", "key_fingerprint": "1a2b:3c4d:5e6f:7a8b"},
        {"name": "HOSP-C", "key_fingerprint": "0000:1111:2222:3333"},
    ],
    "coordinator": {"name": "coordinator", "key_fingerprint": "ffff:eeee:dddd:cccc"},
    "threshold": 4,
    "unique_threshold": 2,
    "strata_revealed": ["province"],
    "linkage_error": {"n_draws": 20, "draws_pooled": 20, "accounted": True},
}


def _result(fed: dict | None, share: float | None = 0.3) -> dict:
    diag: dict = {}
    if fed is not None:
        diag["federate"] = fed
    if share is not None:
        diag["linkage"] = {"share_linkage": share, "n_draws": 20}
    return {
        "method": "loglinear",
        "estimate": 1200.0,
        "lower": 1000.0,
        "upper": 1500.0,
        "observed": 900,
        "level": 0.95,
        "diagnostics": diag,
    }


def test_federate_view_in_both_editions() -> None:
    en = federate_view(_result(FED), "en")
    assert "computed privately" in en["who"]
    assert all(p in en["who"] for p in ("NGO-A", "MEDIA-B", "HOSP-C", "aaaa:bbbb:cccc:dddd"))
    assert "province" in en["who"] and "at least 4 tokens" in en["who"]
    assert "20 plausible alternative matchings" in en["error"] and "30%" in en["error"]
    fa = federate_view(_result(FED), "fa")
    assert "محرمانه" in fa["who"] and "NGO-A" in fa["who"] and "استان" in fa["who"]
    assert "۲۰" in fa["error"] and "۳۰٪" in fa["error"]
    # the numbers of the Persian sentences are in Persian digits (key fingerprints stay hex)
    assert not any(ch.isascii() and ch.isdigit() for ch in fa["error"])


def test_federate_view_states_the_scored_rule_of_protocol_2() -> None:
    """Counts from protocol 2 were matched by the scored rule: the report says so, not the
    shared-token threshold that the session still carries."""
    fed = copy.deepcopy(FED)
    fed.update(protocol=2, match_rule="scored", accept=0.4, min_shared=2)
    en = federate_view(_result(fed), "en")["who"]
    assert "at least 2 tokens" in en and "at least 0.4" in en and "calibrated" in en
    assert "at least 4 tokens" not in en
    anon = federate_view(_result(fed), "en", anonymised=True)["who"]
    assert "at least 0.4" in anon
    fa = federate_view(_result(fed), "fa")["who"]
    assert "احتمال" in fa and "۰.۴" in fa and "۴ نشانه" not in fa


def test_federate_view_without_draws_says_the_interval_is_too_narrow() -> None:
    fed = copy.deepcopy(FED)
    fed["linkage_error"] = {"n_draws": 0, "draws_pooled": 0, "accounted": False}
    fed["strata_revealed"] = []
    en = federate_view(_result(fed, share=None), "en")
    assert "treats the private matching as certain" in en["error"]
    assert "No stratum" in en["who"]
    assert "باریک‌تر" in federate_view(_result(fed, share=None), "fa")["error"]


def test_federate_view_says_the_interval_was_widened_by_the_measured_error() -> None:
    fed = copy.deepcopy(FED)
    fed["linkage_error"] = {
        "n_draws": 0,
        "draws_pooled": 0,
        "accounted": True,
        "widened_rsd": 0.0071,
        "interval_before_widening": [3000.0, 3500.0],
    }
    en = federate_view(_result(fed, share=None), "en")["error"]
    assert "widened" in en and "0.71%" in en and "simulated lists" in en
    fa = federate_view(_result(fed, share=None), "fa")["error"]
    assert "پهن‌تر" in fa and "۰.۷۱٪" in fa


def test_federate_view_anonymised_and_absent() -> None:
    anon = federate_view(_result(FED), "en", anonymised=True)
    assert "3 organisations" in anon["who"] and "NGO-A" not in anon["who"]
    assert federate_view(_result(None), "en") is None
    assert federate_view(None, "en") is None
    assert federate_view({"diagnostics": {"federate": "odd"}}, "en") is None


def test_report_html_states_the_private_overlaps(report_workspaces) -> None:
    from roshan.report.build import render_html
    from roshan.report.data import report_data

    d = report_data(report_workspaces.ws, compute_missing=False)
    assert d["estimate"] is not None
    plain = render_html(d, "en")
    assert 'id="federate-provenance"' not in plain
    d2 = copy.deepcopy(d)
    d2["estimate"]["result"].setdefault("diagnostics", {})["federate"] = FED
    d2["estimate"]["result"]["diagnostics"]["linkage"] = {"share_linkage": 0.3}
    for lang, words in (
        ("en", "Overlaps computed privately"),
        ("fa", "هم‌پوشانی‌ها به‌صورت محرمانه محاسبه شد"),
    ):
        html = render_html(d2, lang)
        assert 'id="federate-provenance"' in html and words in html
        assert "NGO-A" in html and "MEDIA-B" in html and "HOSP-C" in html
