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


@pytest.mark.parametrize(
    "url",
    [
        "local",
        "local[2]",
        "local[*]",
        "local[2,3]",
        "spark://node1:7077",
        "spark://a:7077,b:7077",
        "yarn",
        "k8s://https://10.0.0.1:6443",
    ],
)
def test_master_urls_spark_accepts_pass_the_syntax_check(url: str, monkeypatch) -> None:
    import socket

    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: _FakeSock())
    check_spark_master(url)


class _FakeSock:
    def close(self) -> None:
        pass


@pytest.mark.parametrize(
    "url",
    ["foo", "spark:/x:7077", "local[a]", "http://host:7077", "spark://", "local[2] ; rm -rf /"],
)
def test_malformed_master_url_refused(url: str) -> None:
    with pytest.raises(LinkageError, match="not a Spark master URL"):
        check_spark_master(url)


def test_unreachable_master_refused_quickly() -> None:
    with pytest.raises(LinkageError, match="no Spark master answers"):
        check_spark_master("spark://127.0.0.1:1", timeout=2)


@pytest.mark.slow
def test_cli_bad_master_is_one_line_and_a_failed_run(tmp_path: Path) -> None:
    ws = scenario_ws(tmp_path, population=200)
    res = subprocess.run(
        roshan("link", str(ws.root), "--engine", "spark", "--spark-master", "spark://127.0.0.1:1"),
        capture_output=True,
        text=True,
        timeout=600,
    )
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


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def standalone_cluster(tmp_path: Path):
    """A Spark standalone master and one worker on 127.0.0.1 (separate JVMs)."""
    import os
    import shutil
    import time

    import pyspark

    spark_class = Path(pyspark.__file__).parent / "bin" / "spark-class"
    if not spark_class.exists() or shutil.which("java") is None:
        pytest.skip("no Spark launcher or no Java")
    port, ui = _free_port(), _free_port()
    env = {
        **os.environ,
        "SPARK_HOME": str(spark_class.parent.parent),
        "SPARK_LOG_DIR": str(tmp_path),
        "SPARK_WORKER_DIR": str(tmp_path / "work"),
    }
    logs = tmp_path / "master.log", tmp_path / "worker.log"
    master = subprocess.Popen(
        [
            str(spark_class),
            "org.apache.spark.deploy.master.Master",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--webui-port",
            str(ui),
        ],
        stdout=logs[0].open("w"),
        stderr=subprocess.STDOUT,
        env=env,
    )
    worker = None
    try:
        url = f"spark://127.0.0.1:{port}"
        for _ in range(120):
            if "ALIVE" in logs[0].read_text():
                break
            time.sleep(0.5)
        worker = subprocess.Popen(
            [
                str(spark_class),
                "org.apache.spark.deploy.worker.Worker",
                "--host",
                "127.0.0.1",
                "--cores",
                "1",
                "--memory",
                "1g",
                "--webui-port",
                str(_free_port()),
                "--work-dir",
                str(tmp_path / "work"),
                url,
            ],
            stdout=logs[1].open("w"),
            stderr=subprocess.STDOUT,
            env=env,
        )
        for _ in range(120):
            if "Registering worker" in logs[0].read_text():
                break
            time.sleep(0.5)
        else:
            pytest.fail("the Spark worker did not register with the master")
        yield url, logs[0]
    finally:
        for p in (worker, master):
            if p is not None:
                p.terminate()
                try:
                    p.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    p.kill()


def _groups(ws) -> set[frozenset[int]]:
    from roshan.store.models import RecordLink

    by: dict[int, set[int]] = {}
    with ws.engine.connect() as conn:
        for rec, vic in conn.execute(select(RecordLink.record_id, RecordLink.victim_id)):
            by.setdefault(vic, set()).add(rec)
    return {frozenset(v) for v in by.values()}


@pytest.mark.spark
@pytest.mark.slow
def test_standalone_cluster_on_loopback(tmp_path: Path, standalone_cluster) -> None:
    """`roshan link --spark-master spark://…` really runs on a (one-worker) cluster."""
    import os

    url, master_log = standalone_cluster
    ws = scenario_ws(tmp_path, population=150)
    res = subprocess.run(roshan("link", str(ws.root)), capture_output=True, text=True)
    assert res.returncode == 0, res.stderr[-2000:]
    duck = _groups(ws)
    env = {**os.environ, "ROSHAN_SPARK_DRIVER_MEMORY": "1g"}
    res = subprocess.run(
        roshan("link", str(ws.root), "--engine", "spark", "--spark-master", url),
        capture_output=True,
        text=True,
        env=env,
        timeout=1800,
    )
    assert res.returncode == 0, res.stderr[-2000:]
    log = master_log.read_text()
    assert "Registering app roshan-link" in log and "Launching executor" in log
    assert _groups(ws) == duck
    assert check_store(ws) == []
    ws.close()
