"""Shared fixtures for estimation tests: the published tables in tests/estimate/data."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture
def data_dir() -> Path:
    """Directory holding the published capture–recapture tables (see its README)."""
    return DATA
