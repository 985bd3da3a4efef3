"""A public face per stage (issue 19 item 2): each stage package's ``__init__`` names its
entry points in ``__all__``, the consumers (the CLI; the web app next) import from those
faces and never from a stage's submodules, and the faces load lazily (``roshan._lazy``)
so that importing a stage — and so ``roshan --help`` — does not pull in splink, duckdb,
numba or pandas."""

from __future__ import annotations

import ast
import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import roshan

SRC = Path(__file__).resolve().parents[2] / "src"
PKG = SRC / "roshan"

#: The stage packages, each with a public face in its ``__init__.py``.
STAGES = (
    "store",
    "ingest",
    "normalize",
    "link",
    "estimate",
    "report",
    "intake",
    "federate",
    "simulate",
)
#: Packages that use the stages and must import them through their faces only.
CONSUMERS = ("cli", "web")
#: Packages that are neither (yet): ``web`` is a stage too and gets its face with the web
#: change; then move it.
OTHER_PACKAGES = ("cli", "web")
#: What importing any stage face must not load (the cost of start-up).
HEAVY = ("splink", "duckdb", "numba", "pandas")


def _submodules(stage: str, root: Path = PKG) -> set[str]:
    return {m.name for m in pkgutil.iter_modules([str(root / stage)])}


def deep_imports(
    consumers: tuple[str, ...] = CONSUMERS, root: Path = PKG, stages: tuple[str, ...] = STAGES
) -> list[str]:
    """``file:line`` of every import in the consumers' modules that reaches into a stage's
    submodule (``from roshan.store.workspace import …``, ``import roshan.link.review``,
    ``from roshan.report import charts``)."""
    subs = {stage: _submodules(stage, root) for stage in stages}
    hits: list[tuple[str, int, str]] = []
    for consumer in consumers:
        for path in sorted((root / consumer).rglob("*.py")):
            where = path.relative_to(root.parent)
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
                if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
                elif isinstance(node, ast.Import):
                    targets = [a.name for a in node.names]
                else:
                    continue
                for target in targets:
                    parts = target.split(".")
                    if (
                        len(parts) >= 3
                        and parts[0] == "roshan"
                        and parts[1] in subs
                        and parts[2] in subs[parts[1]]
                    ):
                        hits.append(
                            (
                                str(where),
                                node.lineno,
                                f"{where}:{node.lineno} imports "
                                f"{target} (import it from roshan.{parts[1]})",
                            )
                        )
                        break
    return [h[2] for h in sorted(hits)]


def test_consumers_import_stages_through_their_faces_only() -> None:
    assert deep_imports() == []


def test_the_deep_import_check_bites(tmp_path: Path) -> None:
    root = tmp_path / "roshan"
    (root / "store").mkdir(parents=True)
    (root / "store" / "__init__.py").write_text("")
    (root / "store" / "workspace.py").write_text("class Workspace: ...\n")
    (root / "cli").mkdir()
    (root / "cli" / "ok.py").write_text(
        "from roshan.store import Workspace\nfrom roshan.errors import RoshanError\n"
    )
    (root / "cli" / "bad.py").write_text(
        "def f():\n    from roshan.store.workspace import Workspace\n"
        "import roshan.store.workspace\nfrom roshan.store import workspace\n"
    )
    hits = deep_imports(("cli",), root, ("store",))
    assert [h.split(" imports")[0] for h in hits] == [
        "roshan/cli/bad.py:2",
        "roshan/cli/bad.py:3",
        "roshan/cli/bad.py:4",
    ]


def test_every_package_is_a_stage_or_listed() -> None:
    packages = {p.parent.name for p in PKG.glob("*/__init__.py")}
    assert packages == set(STAGES) | set(OTHER_PACKAGES)


def _type_checking_imports(stage: str) -> dict[str, tuple[str, str]]:
    """public name -> (module, attribute) of the ``if TYPE_CHECKING:`` block."""
    tree = ast.parse((PKG / stage / "__init__.py").read_text(encoding="utf-8"))
    out: dict[str, tuple[str, str]] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for imp in node.body:
                assert isinstance(imp, ast.ImportFrom) and imp.module, ast.unparse(imp)
                for a in imp.names:
                    out[a.asname or a.name] = (imp.module, a.name)
    return out


@pytest.mark.parametrize("stage", STAGES)
def test_face_names_resolve_and_are_listed(stage: str) -> None:
    pkg = importlib.import_module(f"roshan.{stage}")
    assert pkg.__doc__ and len(pkg.__doc__.splitlines()) > 3, "the face says what it is for"
    names = pkg.__all__
    assert names and len(names) == len(set(names))
    # a public name equal to a submodule's would be shadowed once the submodule is imported
    assert not set(names) & _submodules(stage)
    typed = _type_checking_imports(stage)
    assert set(typed) == set(names), "__all__ and the TYPE_CHECKING imports differ"
    listed = dir(pkg)
    for name in names:
        value = getattr(pkg, name)
        assert name in listed
        module, attr = typed[name]
        assert value is getattr(importlib.import_module(module), attr), name
    with pytest.raises(AttributeError):
        pkg.no_such_name  # noqa: B018


def test_importing_the_faces_stays_cheap() -> None:
    """A fresh interpreter imports every stage face (and ``roshan.link`` alone) without
    splink, duckdb or numba — or pandas; then asking the link face for ``link_workspace``
    does load splink, so the probe can see it."""
    code = (
        "import importlib, json, sys\n"
        f"heavy = {HEAVY!r}\n"
        "out = {}\n"
        "import roshan.link\n"
        "out['link'] = [m for m in heavy if m in sys.modules]\n"
        f"for s in {STAGES!r}:\n"
        "    importlib.import_module('roshan.' + s)\n"
        "out['all'] = [m for m in heavy if m in sys.modules]\n"
        "roshan.link.link_workspace\n"
        "out['used'] = 'splink' in sys.modules\n"
        "print(json.dumps(out))\n"
    )
    res = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=Path(roshan.__file__).parents[2],
    )
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout.splitlines()[-1])
    assert out["link"] == [], f"import roshan.link loads {out['link']}"
    assert out["all"] == [], f"importing the stage faces loads {out['all']}"
    assert out["used"] is True
