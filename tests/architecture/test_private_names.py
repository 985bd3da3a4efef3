"""No module of src/ uses a private name (``_x``) of another module (issue 19): what a
module shares is public, so a rename inside one module cannot silently break another."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"


def _module_name(path: Path, root: Path) -> str:
    mod = ".".join(path.with_suffix("").relative_to(root).parts)
    return mod.removesuffix(".__init__")


def private_uses(root: Path = SRC) -> list[str]:
    hits: set[str] = set()
    for path in root.rglob("*.py"):
        mod = _module_name(path, root)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases: dict[str, str] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("roshan"):
                for a in node.names:
                    private = a.name.startswith("_") and not a.name.startswith("__")
                    if private and node.module != mod:
                        hits.add(f"{mod}:{node.lineno} imports {node.module}.{a.name}")
                    aliases[a.asname or a.name] = f"{node.module}.{a.name}"
            elif isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.startswith("roshan"):
                        aliases[a.asname or a.name.split(".")[0]] = a.name
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and aliases[node.value.id] != mod
            ):
                hits.add(f"{mod}:{node.lineno} uses {aliases[node.value.id]}.{node.attr}")
    return sorted(hits)


def test_no_module_uses_another_modules_private_names() -> None:
    assert private_uses() == []


def test_the_check_finds_a_private_import(tmp_path: Path) -> None:
    pkg = tmp_path / "roshan"
    pkg.mkdir()
    (pkg / "a.py").write_text("def _helper():\n    return 1\n", encoding="utf-8")
    (pkg / "b.py").write_text(
        "from roshan.a import _helper\nimport roshan.a as a\nx = a._helper()\n", encoding="utf-8"
    )
    found = private_uses(tmp_path)
    assert any("imports roshan.a._helper" in h for h in found)
    assert any("uses roshan.a._helper" in h for h in found)
