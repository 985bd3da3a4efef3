"""Issue 15: the web app and reports for Persian-speaking teams, and hard to misuse.

One test (or a few) per item of the issue; each failed before its fix. SYNTHETIC data only.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from conftest import session_csrf

ROOT = Path(__file__).resolve().parents[2]


# ---------------------------------------------------------------- item 1: one default method


def test_default_method_and_strata_defined_once_and_agree(clients):
    from roshan.cli import estimate as cli_estimate
    from roshan.estimate.methods import DEFAULT_METHOD, METHODS, STRATA
    from roshan.report.data import STRATA_DIMS
    from roshan.web.jobs import validate_params
    from roshan.web.routes.jobs import JobIn

    assert DEFAULT_METHOD == "recommended" and DEFAULT_METHOD in METHODS
    # the web API model and the job validation
    assert JobIn(kind="estimate").method == DEFAULT_METHOD
    assert validate_params("estimate", {})["method"] == DEFAULT_METHOD
    schema = JobIn.model_json_schema()
    assert tuple(schema["properties"]["method"]["enum"]) == METHODS
    # the CLI
    opt = inspect.signature(cli_estimate.estimate).parameters["method"].default
    assert getattr(opt, "default", opt) == DEFAULT_METHOD
    # the report
    assert tuple(STRATA_DIMS) == STRATA
    # the form: the selected option is the default, the options are the method list
    html = clients["analyst"].get("/jobs").text
    select = re.search(r'<select name="method".*?</select>', html, re.S).group(0)
    assert re.findall(r'<option value="([^"]+)"', select) == list(METHODS)
    assert re.search(r'<option value="([^"]+)" selected', select).group(1) == DEFAULT_METHOD
    by = re.search(r'<select name="by".*?</select>', html, re.S).group(0)
    assert [v for v in re.findall(r'<option value="([^"]*)"', by) if v] == list(STRATA)
    # the docs
    est = (ROOT / "docs/estimation.md").read_text(encoding="utf-8")
    assert f"`{DEFAULT_METHOD}` (default)" in est
    assert "log-linear with its bootstrap interval" not in (ROOT / "docs/reporting.md").read_text()
    assert "`DEFAULT_METHOD`" in (ROOT / "docs/web.md").read_text()


def test_web_form_without_method_starts_the_default(app, clients, monkeypatch):
    from roshan.estimate.methods import DEFAULT_METHOD

    seen = {}

    def fake_start(kind, params, actor):
        from roshan.web.jobs import validate_params

        seen.update(validate_params(kind, params))
        return 1

    monkeypatch.setattr(app.state.jobs, "start", fake_start)
    c = clients["analyst"]
    r = c.post("/jobs", data={"kind": "estimate", "csrf_token": session_csrf(c)},
               follow_redirects=False)
    assert r.status_code == 303
    assert seen["method"] == DEFAULT_METHOD
