"""Lookups that come back empty answer 404 "no such …" (roshan.web.routes.common.found)."""

from __future__ import annotations

import pytest
from fastapi import HTTPException

from roshan.web.routes.common import found


def test_found_passes_values_through_and_turns_none_into_404() -> None:
    row = {"id": 1}
    assert found(row, "job") is row
    assert found(0, "job") == 0 and found([], "job") == []  # only None is "not found"
    with pytest.raises(HTTPException) as err:
        found(None, "victim")
    assert err.value.status_code == 404 and err.value.detail == "no such victim"


def test_api_lookups_of_missing_objects(clients) -> None:
    analyst = clients["analyst"]
    for url, detail in [
        ("/api/victims/V-999999", "no such victim"),
        ("/api/jobs/999999", "no such job"),
        ("/api/imports/999999/rejected", "no such import"),
    ]:
        r = analyst.get(url)
        assert r.status_code == 404, url
        assert r.json()["detail"] == detail, url
    for url in ("/victims/V-999999", "/jobs/999999", "/imports/999999"):
        assert analyst.get(url).status_code == 404, url
