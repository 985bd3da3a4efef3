"""The stages import downwards only (issue 19 item 1): the import-linter layers contract in
pyproject.toml holds, `make lint` runs it, and it does catch a backward import."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT = Path(sys.executable).with_name("lint-imports")


def _run(config: Path | None = None) -> subprocess.CompletedProcess[str]:
    cmd = [str(LINT), "--no-cache"] + (["--config", str(config)] if config else [])
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_layers_contract_is_kept_and_run_by_make_lint() -> None:
    res = _run()
    assert res.returncode == 0, res.stdout + res.stderr
    assert "1 kept, 0 broken" in res.stdout
    assert "lint-imports" in (ROOT / "Makefile").read_text(encoding="utf-8")


def test_layers_contract_catches_backward_imports(tmp_path: Path) -> None:
    """Without its list of known exceptions the contract fails on exactly them: it bites."""
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contract = cfg["tool"]["importlinter"]["contracts"][0]
    layers = ", ".join(f'"{x}"' for x in contract["layers"])
    (tmp_path / "strict.toml").write_text(
        '[tool.importlinter]\nroot_package = "roshan"\n\n'
        '[[tool.importlinter.contracts]]\nname = "strict"\ntype = "layers"\n'
        f"layers = [{layers}]\n",
        encoding="utf-8",
    )
    res = _run(tmp_path / "strict.toml")
    assert res.returncode != 0
    assert "roshan.ingest is not allowed to import roshan.normalize" in res.stdout
    # and nothing else is broken: the ignore list names every known exception (the
    # link -> estimate cycle is gone: pooling lives in roshan.estimate.linkage)
    assert res.stdout.count("is not allowed to import") == 1, res.stdout
    assert "roshan.link is not allowed" not in res.stdout
