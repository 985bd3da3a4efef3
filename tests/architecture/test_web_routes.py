"""Web routes reach the database only through store, stage or web functions (issue 19
item 2): no module in src/roshan/web/routes/ builds or runs a query itself — no
``select``/``execute``/``text`` call, no ``.query`` — or imports sqlalchemy. The queries
live in roshan.store.queries, the stages (roshan.link.review) and web's own
roshan.web.accounts, named for what they return.

That the web app imports the stages through their public faces only is checked with the
CLI's, in test_public_faces.py (``web`` is one of its CONSUMERS).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROUTES = Path(__file__).resolve().parents[2] / "src" / "roshan" / "web" / "routes"

#: Calls that build or run a query (as a name or as a method: ``select(...)``,
#: ``conn.execute(...)``, ``sa.text(...)``, ``session.query(...)``).
QUERY_CALLS = frozenset({"select", "execute", "text", "query"})


def raw_queries(folder: Path = ROUTES) -> list[str]:
    """``file:line what`` for every query call or sqlalchemy import in ``folder/*.py``."""
    hits: list[tuple[str, int, str]] = []
    for path in sorted(folder.glob("*.py")):
        name = path.name
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            what = None
            if isinstance(node, ast.Import):
                mods = [a.name for a in node.names]
                if any(m == "sqlalchemy" or m.startswith("sqlalchemy.") for m in mods):
                    what = "imports " + ", ".join(mods)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if node.module == "sqlalchemy" or node.module.startswith("sqlalchemy."):
                    what = f"imports from {node.module}"
            elif isinstance(node, ast.Call):
                func = node.func
                called = (
                    func.id
                    if isinstance(func, ast.Name)
                    else func.attr
                    if isinstance(func, ast.Attribute)
                    else None
                )
                if called in QUERY_CALLS:
                    what = f"calls {called}()"
            elif (
                isinstance(node, ast.Attribute)
                and node.attr == "query"
                and isinstance(node.ctx, ast.Load)
            ):
                what = "uses .query"
            if what:
                hits.append((name, node.lineno, f"web/routes/{name}:{node.lineno} {what}"))
    return [h[2] for h in sorted(set(hits))]


def test_routes_run_no_queries_themselves() -> None:
    assert ROUTES.is_dir() and list(ROUTES.glob("*.py"))
    found = raw_queries()
    assert found == [], "route modules must call a store/stage/web function instead:\n" + "\n".join(
        found
    )


def test_the_check_bites(tmp_path: Path) -> None:
    (tmp_path / "ok.py").write_text(
        "from roshan.store.queries import recent_imports\n"
        "def page(request):\n"
        "    q = request.query_params.get('q')\n"
        "    return recent_imports(q)\n",
        encoding="utf-8",
    )
    (tmp_path / "bad.py").write_text(
        "import sqlalchemy as sa\n"
        "from sqlalchemy.orm import Session\n"
        "def f(conn, sess):\n"
        "    conn.execute(sa.select(1))\n"
        "    sa.text('select 1')\n"
        "    return sess.query(Session)\n",
        encoding="utf-8",
    )
    found = raw_queries(tmp_path)
    assert [h.split(" ", 1)[0] for h in found] == [
        "web/routes/bad.py:1",
        "web/routes/bad.py:2",
        "web/routes/bad.py:4",
        "web/routes/bad.py:4",
        "web/routes/bad.py:5",
        "web/routes/bad.py:6",
        "web/routes/bad.py:6",
    ]
    assert "web/routes/bad.py:4 calls execute()" in found
    assert "web/routes/bad.py:4 calls select()" in found
    assert "web/routes/bad.py:6 uses .query" in found
    assert not [h for h in found if "ok.py" in h]
