"""``roshan --help`` stays cheap: importing the CLI (every command module, as the root app
does when it starts) loads no numerical or linkage library. A command pays for pandas,
numpy or Splink when it runs, not when ``roshan`` starts (``roshan estimate`` loaded
pandas at import through ``roshan.estimate.methods`` until issue 19's typed seams)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import roshan

#: What the CLI must not import when it starts.
HEAVY = ("pandas", "numpy", "scipy", "numba", "splink", "duckdb", "sqlalchemy")


def test_importing_the_cli_loads_no_heavy_library() -> None:
    code = (
        "import json, sys\n"
        "import roshan.cli.main\n"
        "from roshan.estimate import DEFAULT_METHOD, METHODS, STRATA\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n"
    )
    res = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=Path(roshan.__file__).parents[2],
    )
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout.splitlines()[-1]) == [], "roshan --help imports these"
