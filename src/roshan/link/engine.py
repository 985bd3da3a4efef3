"""The SQL engine behind Splink: embedded DuckDB (default) or Spark, one interface.

DuckDB runs in-process on an ordinary laptop and needs nothing installed. Spark
runs the *same* model (same settings, same blocking passes, same SQL levels) in
local mode or on a cluster given by URL, for lists too large for one machine.
Only this module knows which one is in use.
"""

from __future__ import annotations

import logging
import os
import re
import socket
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from roshan.errors import LinkageError

log = logging.getLogger(__name__)

ENGINES = ("duckdb", "spark")


@dataclass
class Backend:
    """An open engine: the Splink database API and how to close it."""

    name: str
    db_api: Any
    _closers: list[Any] = field(default_factory=list, repr=False)
    _n: int = 0

    def register(self, frame: pd.DataFrame, label: str = "records") -> Any:
        """Register a pandas frame with the engine; returns a Splink dataframe."""
        self._n += 1
        name = f"roshan_{label}_{self._n}"
        if self.name == "spark":
            return self.db_api.register(_spark_table(self.db_api, frame), table_name=name)
        return self.db_api.register(frame, table_name=name)

    def close(self) -> None:
        for closer in self._closers:
            try:
                closer()
            except Exception:  # closing must not mask the real error
                log.debug("engine close failed", exc_info=True)
        self._closers.clear()


def _spark_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Nullable pandas extension dtypes -> plain object/float so Spark infers types."""
    out = frame.copy()
    for c in out.columns:
        dt = out[c].dtype
        if isinstance(dt, pd.Int64Dtype):
            out[c] = out[c].astype("float64")  # Spark: double with nulls
        elif isinstance(dt, pd.Float64Dtype):
            out[c] = out[c].astype("float64")
        elif out[c].dtype.kind == "O" and out[c].isna().all():
            out[c] = out[c].astype("string")  # all-null column: typed, not NullType
    return out


def _spark_table(db_api: Any, frame: pd.DataFrame) -> Any:
    """A pandas frame as a Spark DataFrame that is *data*, not part of the query plan.

    ``SparkSession.createDataFrame(pandas)`` gives a ``LocalRelation``: every row sits
    inline in the logical plan, on the driver. Every query over the records (each
    blocking pass, the term-frequency tables, the pairs, the chaining guard) then
    carries the whole data set in its plan, and optimiser rules such as
    ``ConvertToLocalRelation`` copy and re-evaluate it on the driver while
    transforming the tree. That, not the number of pairs, is what ran the driver out
    of heap at 20,000 records with 2g and at 100,000 records with 12g. A local
    checkpoint (kept by the executors' block managers, no shared file system needed,
    so it works on a cluster too) turns it into an ordinary partitioned scan.
    """
    from roshan.link.splink_adapter import clean_pandas_frame

    clean = clean_pandas_frame(db_api, _spark_safe(frame))  # NaN/NA -> null, as Splink does
    sdf = db_api.spark.createDataFrame(clean)
    parts = max(1, int(db_api.spark.conf.get("spark.sql.shuffle.partitions", "4")))
    return sdf.repartition(parts).localCheckpoint(eager=True)


PAIRS_PER_SPARK_PARTITION = 5_000_000
"""Candidate pairs per shuffle partition when ``ROSHAN_SPARK_PARTITIONS`` is not set."""


def spark_partitions(expected_pairs: int | None = None) -> int:
    """Shuffle partitions for Spark: ``ROSHAN_SPARK_PARTITIONS`` if set, else 4, or one
    per 5 M candidate pairs when there are more (each join and sort then handles a
    bounded slice; adaptive execution merges partitions that turn out small)."""
    chosen = os.environ.get("ROSHAN_SPARK_PARTITIONS", "").strip()
    if chosen:
        try:
            n = int(chosen)
        except ValueError:
            n = 0
        if n < 1:
            raise LinkageError(f"ROSHAN_SPARK_PARTITIONS={chosen!r}: give a whole number ≥ 1")
        return n
    return max(4, -(-int(expected_pairs or 0) // PAIRS_PER_SPARK_PARTITION))


def _duckdb_backend(threads: int | None) -> Backend:
    import duckdb
    from splink import DuckDBAPI

    con = duckdb.connect(":memory:")
    if threads:
        con.execute(f"SET threads TO {int(threads)}")
    # Bound memory and spill to disk rather than be killed on a shared laptop:
    # half of the memory available now (override with ROSHAN_DUCKDB_MEMORY, e.g. "8GB").
    import tempfile

    import psutil

    limit = (
        os.environ.get("ROSHAN_DUCKDB_MEMORY")
        or f"{max(1, int(psutil.virtual_memory().available * 0.5 / 2**30))}GB"
    )
    con.execute(f"SET memory_limit = '{limit}'")
    spill = tempfile.mkdtemp(prefix="roshan-duckdb-")
    con.execute(f"SET temp_directory = '{spill}'")
    con.execute("SET preserve_insertion_order = false")
    api = DuckDBAPI(connection=con)
    import shutil

    return Backend("duckdb", api, [con.close, lambda: shutil.rmtree(spill, ignore_errors=True)])


_MASTER_RE = re.compile(
    r"^(local(\[(\*|\d+)(,\s*\d+)?\])?|local-cluster\[\d+,\s*\d+,\s*\d+\]"
    r"|spark://[^\s/]+(:\d+)?(,[^\s/]+(:\d+)?)*|yarn|k8s://\S+|mesos://\S+)$"
)


def check_spark_master(master: str, *, timeout: float = 5.0) -> None:
    """Refuse a malformed Spark master URL, or a ``spark://`` master nobody answers at.

    Spark itself would retry an unreachable standalone master for a minute and then
    fail deep inside a job; this says at once, in one line, what is wrong.
    """
    if not _MASTER_RE.match(master):
        raise LinkageError(
            f"not a Spark master URL: {master!r} (use local[N], spark://HOST:7077, yarn or k8s://…)"
        )
    if master.startswith("spark://"):
        hosts = master[len("spark://") :].split(",")
        for hp in hosts:
            host, _, port = hp.partition(":")
            try:
                socket.create_connection((host, int(port or 7077)), timeout=timeout).close()
                return
            except (OSError, ValueError):
                continue
        raise LinkageError(
            f"no Spark master answers at {master} (is the master running, and "
            "is its port reachable from this machine?)"
        )


DEFAULT_SPARK_DRIVER_MEMORY = "4g"
"""Heap of the Spark driver JVM (``ROSHAN_SPARK_DRIVER_MEMORY`` overrides). In local
mode the driver is also the only executor, so this is all the memory Spark gets."""

LINEAGE_METHODS = ("parquet", "checkpoint", "persist")


def spark_lineage_method(master: str | None) -> str:
    """How Splink cuts the query lineage after each large intermediate table.

    ``ROSHAN_SPARK_BREAK_LINEAGE`` (parquet, checkpoint or persist) wins. Otherwise
    "parquet" (written to the checkpoint folder and read back, so every later query
    starts from files, not from a plan that grows with each step) whenever the
    checkpoint folder is visible to every executor: in local mode, or on a cluster
    given ``ROSHAN_SPARK_CHECKPOINT_DIR`` (e.g. ``hdfs://…``). On a cluster without
    a shared folder, "persist" (cached by the executors; plans are longer).
    """
    chosen = os.environ.get("ROSHAN_SPARK_BREAK_LINEAGE", "").strip().lower()
    if chosen:
        if chosen not in LINEAGE_METHODS:
            raise LinkageError(
                f"ROSHAN_SPARK_BREAK_LINEAGE={chosen!r}: use one of {', '.join(LINEAGE_METHODS)}"
            )
        return chosen
    if _is_local(master) or os.environ.get("ROSHAN_SPARK_CHECKPOINT_DIR"):
        return "parquet"
    return "persist"


def _is_local(master: str | None) -> bool:
    return master is None or master.startswith("local")


def _spark_backend(master: str | None, expected_pairs: int | None = None) -> Backend:
    if master is not None:
        check_spark_master(master)
    lineage = spark_lineage_method(master)
    partitions = spark_partitions(expected_pairs)
    try:
        from pyspark.sql import SparkSession

        from roshan.link.spark_api import FlooredSparkAPI
        from roshan.link.splink_adapter import similarity_jar_location
    except ImportError as exc:  # pragma: no cover - pyspark is a declared dependency
        raise LinkageError("the Spark engine needs pyspark installed") from exc
    os.environ.setdefault("PYSPARK_PYTHON", os.sys.executable)  # type: ignore[attr-defined]
    builder = (
        SparkSession.builder.appName("roshan-link")
        .master(master or "local[2]")
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", str(partitions))
        .config("spark.default.parallelism", str(partitions))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config(
            "spark.driver.memory",
            os.environ.get("ROSHAN_SPARK_DRIVER_MEMORY", DEFAULT_SPARK_DRIVER_MEMORY),
        )
    )
    ours = SparkSession.getActiveSession() is None
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # Java missing, bad master URL...
        raise LinkageError(
            f"cannot start Spark ({type(exc).__name__}); is Java 17 installed "
            "and the master URL right?"
        ) from exc
    spark.sparkContext.setLogLevel("ERROR")
    # A session started here is stopped at close (its cached tables and executors go
    # with it, and the next link gets the master it asks for); a caller's own session
    # is only emptied of what this run cached.
    closers: list[Any] = [spark.catalog.clearCache] + ([spark.stop] if ours else [])
    checkpoint = os.environ.get("ROSHAN_SPARK_CHECKPOINT_DIR")
    if not checkpoint:
        import shutil
        import tempfile

        checkpoint = tempfile.mkdtemp(prefix="roshan-spark-checkpoints-")
        closers.append(lambda: shutil.rmtree(checkpoint, ignore_errors=True))
    spark.sparkContext.setCheckpointDir(checkpoint)
    api = FlooredSparkAPI(spark_session=spark, break_lineage_method=lineage)
    log.info(
        "Spark %s, master %s, lineage broken by %s in %s",
        spark.version,
        spark.sparkContext.master,
        lineage,
        checkpoint,
    )
    return Backend("spark", api, closers)


def open_backend(
    engine: str = "duckdb",
    *,
    spark_master: str | None = None,
    threads: int | None = None,
    expected_pairs: int | None = None,
) -> Backend:
    """Open the named engine ("duckdb" or "spark"); LinkageError for anything else.

    ``expected_pairs`` (candidate pairs the blocking will produce) sizes Spark's
    shuffle partitions; DuckDB sizes its own work."""
    if engine == "duckdb":
        return _duckdb_backend(threads)
    if engine == "spark":
        return _spark_backend(spark_master, expected_pairs)
    raise LinkageError(f"unknown linkage engine {engine!r}; choose one of {', '.join(ENGINES)}")
