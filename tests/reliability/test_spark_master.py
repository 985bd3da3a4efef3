"""The path to a real Spark cluster: ``roshan link --engine spark --spark-master URL``.

A real cluster cannot be reached from CI; what can be tested is: the master URL is
honoured (``local[1]`` here), a malformed or unreachable master gives one clear
line and exit code 2 (not a minute of retries and a Java stack trace), and the
failed run is recorded as failed, not as a result. See docs/spark-cluster.md.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from crash_helpers import roshan, scenario_ws
from sqlalchemy import select

from roshan.errors import LinkageError
from roshan.link.engine import check_spark_master
from roshan.store.integrity import check_store
from roshan.store.models import LinkRun


@pytest.mark.parametrize("url", ["local", "local[2]", "local[*]", "local[2,3]",
                                 "spark://node1:7077", "spark://a:7077,b:7077", "yarn",
                                 "k8s://https://10.0.0.1:6443"])
def test_master_urls_spark_accepts_pass_the_syntax_check(url: str, monkeypatch) -> None:
    import socket

    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: _FakeSock())
    check_spark_master(url)


class _FakeSock:
    def close(self) -> None:
        pass


@pytest.mark.parametrize("url", ["foo", "spark:/x:7077", "local[a]", "http://host:7077",
                                 "spark://", "local[2] ; rm -rf /"])
def test_malformed_master_url_refused(url: str) -> None:
    with pytest.raises(LinkageError, match="not a Spark master URL"):
        check_spark_master(url)


def test_unreachable_master_refused_quickly() -> None:
    with pytest.raises(LinkageError, match="no Spark master answers"):
        check_spark_master("spark://127.0.0.1:1", timeout=2)


@pytest.mark.slow
def test_cli_bad_master_is_one_line_and_a_failed_run(tmp_path: Path) -> None:
    ws = scenario_ws(tmp_path, population=200)
    res = subprocess.run(roshan("link", str(ws.root), "--engine", "spark", "--spark-master",
                                "spark://127.0.0.1:1"), capture_output=True, text=True,
                         timeout=600)
    assert res.returncode == 2
    assert "Traceback" not in res.stderr
    assert "no Spark master answers at spark://127.0.0.1:1" in res.stderr
    with ws.engine.connect() as conn:
        assert [s for (s,) in conn.execute(select(LinkRun.status))] in ([], ["failed"])
    assert check_store(ws) == []
    ws.close()


@pytest.mark.spark
@pytest.mark.slow
def test_master_url_is_honoured() -> None:
    from pyspark.sql import SparkSession

    from roshan.link.engine import open_backend

    backend = open_backend("spark", spark_master="local[1]")
    try:
        spark = SparkSession.getActiveSession()
        assert spark is not None and spark.sparkContext.master == "local[1]"
        assert backend.name == "spark"
    finally:
        SparkSession.getActiveSession().stop()
