"""A linkage that failed its health check blocks publishing (issue 18, item 2).

``roshan estimate`` refuses unless ``--accept-linkage-risk``; the result then records the
verdict and the acceptance; the report shows the failed verdict in its headline, says
that no total is estimated, or that the risk was accepted. The verdict is planted on the
latest link run of a copy of the SYNTHETIC report workspace (the health check itself is
tested in tests/robustness/test_model_health.py).
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cli"))
from cli_helpers import run_roshan

FAILED = {
    "verdict": "failed",
    "review_pairs": 87,
    "message": "SYNTHETIC failed check",
    "checks": [
        {"name": "group_balance", "ok": False},
        {"name": "negative_agreement", "ok": False},
        {"name": "level_order", "ok": True},
    ],
}


@pytest.fixture
def failed_ws(report_workspaces, tmp_path: Path) -> Path:
    """A copy of the bare report workspace whose latest link run failed its check."""
    from roshan.store.models import EstimateRun, LinkRun
    from roshan.store.workspace import Workspace

    dest = tmp_path / "ws"
    shutil.copytree(report_workspaces.bare, dest)
    ws = Workspace.open(dest)
    try:
        with ws.session() as sess:
            run_id = sess.execute(select(LinkRun.id).order_by(LinkRun.id.desc())).scalars().first()
            sess.execute(
                update(LinkRun)
                .where(LinkRun.id == run_id)
                .values(health_verdict="failed", health=FAILED)
            )
            # as after a real failed link run: no estimate of it was made (other tests may
            # have estimated on the shared bare copy before the verdict was planted)
            sess.execute(delete(EstimateRun))
    finally:
        ws.close()
    return dest


def test_estimate_refused_then_accepted(failed_ws: Path) -> None:
    from roshan.errors import LinkageRiskError
    from roshan.estimate.workspace import estimate_workspace, latest_estimate
    from roshan.store.models import EstimateRun
    from roshan.store.workspace import Workspace

    def n_runs() -> int:
        with ws.engine.connect() as conn:
            return len(conn.execute(select(EstimateRun.id)).all())

    ws = Workspace.open(failed_ws)
    try:
        before = n_runs()  # other tests may have estimated on the shared "bare" copy
        with pytest.raises(LinkageRiskError) as exc:
            estimate_workspace(ws, method="loglinear", linkage_draws=0)
        msg = str(exc.value)
        assert "group_balance" in msg and "87" in msg and "--accept-linkage-risk" in msg
        assert n_runs() == before  # nothing stored

        res = estimate_workspace(ws, method="loglinear", linkage_draws=0, accept_linkage_risk=True)
        h = res.diagnostics["linkage_health"]
        assert h["verdict"] == "failed" and h["risk_accepted"] is True
        assert h["failed"] == ["group_balance", "negative_agreement"]
        assert "risk was accepted" in res.warnings[0]
        stored = latest_estimate(ws)  # the stored result document
        assert stored is not None
        assert stored["diagnostics"]["linkage_health"]["risk_accepted"] is True
        assert n_runs() == before + 1
        with ws.engine.connect() as conn:
            settings = (
                conn.execute(select(EstimateRun.settings).order_by(EstimateRun.id.desc()))
                .scalars()
                .first()
            )
        assert settings["accept_linkage_risk"] is True
    finally:
        ws.close()


def test_ok_verdict_recorded_without_acceptance(report_workspaces, tmp_path: Path) -> None:
    from roshan.estimate.workspace import estimate_workspace
    from roshan.store.workspace import Workspace

    dest = tmp_path / "ws"
    shutil.copytree(report_workspaces.bare, dest)
    ws = Workspace.open(dest)
    try:
        res = estimate_workspace(ws, method="loglinear", linkage_draws=0, store=False)
        h = res.diagnostics["linkage_health"]
        assert h["verdict"] in ("ok", "repaired") and h["risk_accepted"] is False
        assert not any("risk was accepted" in w for w in res.warnings)
    finally:
        ws.close()


def test_cli_refuses_in_one_line_and_accepts_with_flag(failed_ws: Path) -> None:
    res = run_roshan("estimate", failed_ws, "--method", "loglinear", "--plug-in")
    assert res.returncode != 0, res.stdout
    assert "Traceback" not in res.stderr
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), res.stderr
    assert "not trustworthy" in lines[0] and "--accept-linkage-risk" in lines[0]

    res = run_roshan(
        "estimate",
        failed_ws,
        "--method",
        "loglinear",
        "--plug-in",
        "--accept-linkage-risk",
        "--json",
    )
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["diagnostics"]["linkage_health"]["risk_accepted"] is True
    assert doc["estimate"] > 0


def test_report_says_refused_or_accepted(failed_ws: Path, tmp_path: Path) -> None:
    from roshan.estimate.workspace import estimate_workspace
    from roshan.report.build import build_report
    from roshan.store.workspace import Workspace

    ws = Workspace.open(failed_ws)
    try:
        for lang in ("en", "fa"):
            html = build_report(ws, tmp_path / f"refused-{lang}.html", lang=lang).read_text(
                encoding="utf-8"
            )
            assert 'id="linkage-health" data-verdict="failed"' in html
            assert 'id="estimate-value"' not in html  # no total published
            assert 'id="linkage-risk-accepted"' not in html
            # the operator's refusal text (commands, options) stays out of a reader's report
            assert "--accept-linkage-risk" not in html and "roshan review" not in html
        en = (tmp_path / "refused-en.html").read_text(encoding="utf-8")
        assert "failed its quality check" in en and "No total is estimated" in en
        assert "records of one person written in different scripts" in en

        estimate_workspace(ws, method="loglinear", linkage_draws=0, accept_linkage_risk=True)
        for lang in ("en", "fa"):
            html = build_report(
                ws, tmp_path / f"accepted-{lang}.html", lang=lang, compute_missing=False
            ).read_text(encoding="utf-8")
            assert 'data-verdict="failed"' in html and 'id="linkage-risk-accepted"' in html
            assert 'id="estimate-value"' in html
        # the estimator's warnings read in the edition's language (roshan.estimate.notes)
        fa = (tmp_path / "accepted-fa.html").read_text(encoding="utf-8")
        en = (tmp_path / "accepted-en.html").read_text(encoding="utf-8")
        assert "the risk was accepted (--accept-linkage-risk)" in en
        assert "خطر آن پذیرفته شد" in fa and "the risk was accepted" not in fa
        assert "(به انگلیسی)" not in fa
    finally:
        ws.close()


def test_report_shows_ok_verdict(report_workspaces, tmp_path: Path) -> None:
    from roshan.report.build import build_report

    html = build_report(
        report_workspaces.ws, tmp_path / "ok.html", compute_missing=False
    ).read_text(encoding="utf-8")
    assert (
        'id="linkage-health" data-verdict="ok"' in html
        or 'id="linkage-health" data-verdict="repaired"' in html
    )
    assert "linkage-failed" not in html.split("<body>", 1)[1].split("</section>", 1)[0]


def test_report_shows_sampler_convergence_and_not_final(report_workspaces, tmp_path: Path) -> None:
    """issue 17: R-hat, ESS and chains of a latent-class estimate in the report's footer;
    a result whose chains disagree says NOT FINAL."""
    from roshan.estimate.workspace import estimate_workspace
    from roshan.report.build import build_report
    from roshan.store.models import EstimateRun
    from roshan.store.workspace import Workspace

    dest = tmp_path / "ws"
    shutil.copytree(report_workspaces.bare, dest)
    ws = Workspace.open(dest)
    try:
        res = estimate_workspace(
            ws, method="lcmcr", linkage_draws=0, burnin=200, samples=200, thin=1, chains=2, seed=1
        )
        html = build_report(ws, tmp_path / "c.html", compute_missing=False).read_text(
            encoding="utf-8"
        )
        assert 'id="convergence"' in html and f"{res.diagnostics['rhat']:.3f}" in html
        assert ("NOT FINAL" in html) == (res.diagnostics["final"] is False)
        with ws.session() as sess:
            run = (
                sess.execute(select(EstimateRun).order_by(EstimateRun.id.desc())).scalars().first()
            )
            doc = dict(run.result)
            doc["diagnostics"] = {**doc["diagnostics"], "final": False, "rhat": 1.31}
            run.result = doc
        for lang, needle in (("en", "NOT FINAL"), ("fa", "نهایی نیست")):
            html = build_report(
                ws, tmp_path / f"nf-{lang}.html", lang=lang, compute_missing=False
            ).read_text(encoding="utf-8")
            assert 'id="not-final"' in html and needle in html and "1.310" in html
    finally:
        ws.close()
