"""The victim search index: cross-script keys, prefixes, ids, and rebuild after linkage."""

from __future__ import annotations

import time

from sqlalchemy import insert, select

from roshan.normalize.names import normalize_name
from roshan.store.models import LinkRun, Victim
from roshan.web import search


def test_prefix_cross_script_and_rebuild(web_ws, monkeypatch) -> None:
    monkeypatch.setattr(search, "CHECK_SECONDS", 0.0)
    idx = search.SearchIndex(web_ws)
    with web_ws.engine.connect() as conn:
        uid, key, roman = conn.execute(
            select(Victim.uid, Victim.name_key, Victim.romanized)
            .where(Victim.active.is_(True))
            .order_by(Victim.uid)
        ).first()
    first_word = roman.split()[0]
    assert uid in [v["uid"] for v in idx.search(first_word[:3], limit=10_000)]
    assert uid in [v["uid"] for v in idx.search(roman.upper())]  # case-folded Latin
    assert [v["uid"] for v in idx.search(uid.lower())] == [uid]
    assert idx.search("   ") == [] and idx.search("qqqzzzxxx") == []
    assert len(idx.search(first_word[:1], limit=7)) <= 7
    # a new link run adding a victim is searchable without restarting the app
    name = "SYNTHETIC Zargarian Testperson"
    persian = "زرگریان آزمونی"
    with web_ws.session() as sess:
        run = LinkRun(engine="duckdb", threshold=0.5, status="done")
        sess.add(run)
        sess.flush()
        sess.execute(
            insert(Victim).values(
                uid="V-900001",
                run_id=run.id,
                active=True,
                display_name=persian,
                name_key=normalize_name(persian).key,
                romanized=name.lower(),
                n_records=1,
            )
        )
    time.sleep(0.01)
    assert [v["uid"] for v in idx.search("zargarian")] == ["V-900001"]
    assert "V-900001" in [v["uid"] for v in idx.search(persian)]
