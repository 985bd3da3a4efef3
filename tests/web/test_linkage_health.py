"""The linkage health verdict on the dashboard and in the review queue (issue 18).

A failed verdict is set on the store's latest link run (as `roshan link` writes it when
the model fails its check even after retraining); the dashboard must say so loudly in
both languages, and the review page must offer the model-check pairs first.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select, update

from roshan.store.models import LinkRun


def _set_verdict(ws, verdict: str, failed: list[str], review_pairs: int) -> None:
    from roshan.web.routes.dashboard import forget_cache

    with ws.session() as sess:
        run_id = sess.execute(select(LinkRun.id).order_by(LinkRun.id.desc())).scalars().first()
        checks = [{"name": n, "ok": False} for n in failed] + [{"name": "level_order", "ok": True}]
        sess.execute(
            update(LinkRun)
            .where(LinkRun.id == run_id)
            .values(
                health_verdict=verdict,
                health={
                    "verdict": verdict,
                    "message": "LINKAGE IS NOT TRUSTWORTHY",
                    "checks": checks,
                    "review_pairs": review_pairs,
                },
            )
        )
    forget_cache()


def test_dashboard_says_when_linkage_passed(clients, web_ws) -> None:
    d = clients["viewer"].get("/api/dashboard").json()
    assert d["linkage_health"]["verdict"] in ("ok", "repaired")
    page = clients["viewer"].get("/?lang=en").text
    assert 'id="linkage-health"' in page


def test_failed_linkage_is_shown_loudly_in_both_languages(clients, web_ws) -> None:
    _set_verdict(web_ws, "failed", ["group_balance", "negative_agreement"], 123)
    d = clients["viewer"].get("/api/dashboard").json()
    assert d["linkage_health"]["verdict"] == "failed"
    assert d["linkage_health"]["failed"] == ["group_balance", "negative_agreement"]
    en = clients["viewer"].get("/?lang=en").text
    assert 'data-verdict="failed"' in en and 'role="alert"' in en
    assert "Linkage is not trustworthy" in en
    assert "sure matches in one script combination are not linked" in en
    assert ">123<" in en
    fa = clients["viewer"].get("/?lang=fa").text
    assert 'data-verdict="failed"' in fa
    assert "پیوند سوابق قابل اعتماد نیست" in fa and ">۱۲۳<" in fa
    assert "Linkage is not trustworthy" not in fa


def test_review_page_offers_model_check_pairs_first(clients, web_ws) -> None:
    pairs = pd.read_parquet(web_ws.snapshots_dir / "pairs.parquet")
    low = pairs.sort_values("match_probability").iloc[0]
    pd.DataFrame(
        {
            "record_pk_l": [int(low.record_pk_l)],
            "record_pk_r": [int(low.record_pk_r)],
            "match_probability": [float(low.match_probability)],
            "combination": ["fa-latin"],
        }
    ).to_parquet(web_ws.snapshots_dir / "check_pairs.parquet", index=False)
    _set_verdict(web_ws, "failed", ["group_balance"], 1)
    from roshan.link.review import clear_review_caches, review_queue

    clear_review_caches()
    first = review_queue(web_ws, limit=5)[0]
    assert first["kind"] == "model_check" and first["reason"] == "model_check:fa-latin"
    en = clients["reviewer"].get("/review?lang=en").text
    assert 'id="reason-model-check"' in en and "your decision retrains the model" in en
    fa = clients["reviewer"].get("/review?lang=fa").text
    assert 'id="reason-model-check"' in fa and "مدل را دوباره آموزش می‌دهد" in fa


def test_estimate_job_refused_on_failed_linkage_unless_risk_accepted(clients, web_ws) -> None:
    """issue 18: a web estimate job on a failed linkage fails with the reason; with the
    risk accepted (form checkbox / API field) it runs and the result says so."""
    from sqlalchemy import func
    from webkit import session_csrf

    from roshan.store.models import EstimateRun

    _set_verdict(web_ws, "failed", ["group_balance"], 42)
    c = clients["analyst"]
    for lang, needle in (("en", "Estimate anyway"), ("fa", "با این حال برآورد کن")):
        page = c.get(f"/jobs?lang={lang}").text
        assert 'id="accept-linkage-risk"' in page and needle in page
    with web_ws.engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(EstimateRun)).scalar()
    h = {"X-CSRF-Token": session_csrf(c)}
    body = {"kind": "estimate", "method": "loglinear", "bootstrap": 0}
    job = c.app.state.jobs.wait(c.post("/api/jobs", json=body, headers=h).json()["id"], timeout=120)
    assert job["status"] == "failed" and "not trustworthy" in (job["message"] or ""), job
    with web_ws.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(EstimateRun)).scalar() == before
    job = c.app.state.jobs.wait(
        c.post("/api/jobs", json={**body, "accept_linkage_risk": True}, headers=h).json()["id"],
        timeout=300,
    )
    assert job["status"] == "done", job
    with web_ws.engine.connect() as conn:
        settings = (
            conn.execute(select(EstimateRun.settings).order_by(EstimateRun.id.desc()))
            .scalars()
            .first()
        )
    assert settings["accept_linkage_risk"] is True


def test_jobs_page_has_no_risk_box_when_linkage_passed(clients, web_ws) -> None:
    page = clients["analyst"].get("/jobs?lang=en").text
    assert 'id="accept-linkage-risk"' not in page
