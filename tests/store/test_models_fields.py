"""Record's type-checker column list matches the canonical fields it is built from."""

import ast
import inspect

from roshan.canonical import FIELD_NAMES
from roshan.store import models


def test_record_type_checking_block_lists_every_canonical_field() -> None:
    tree = ast.parse(inspect.getsource(models.Record))
    blocks = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.If)
        and isinstance(node.test, ast.Name)
        and node.test.id == "TYPE_CHECKING"
    ]
    assert len(blocks) == 1
    declared = [
        stmt.target.id
        for stmt in blocks[0].body
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)
    ]
    assert declared == list(FIELD_NAMES)
    for name in FIELD_NAMES:  # and the runtime mapping has each of them
        assert name in models.Record.__table__.c
