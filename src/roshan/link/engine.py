"""The SQL engine behind Splink: embedded DuckDB (default) or Spark, one interface.

DuckDB runs in-process on an ordinary laptop and needs nothing installed. Spark
runs the *same* model (same settings, same blocking passes, same SQL levels) in
local mode or on a cluster given by URL, for lists too large for one machine.
Only this module knows which one is in use.
"""

from __future__ import annotations

import logging
import os
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
            frame = _spark_safe(frame)
        return self.db_api.register(frame, table_name=name)

    def close(self) -> None:
        for closer in self._closers:
            try:
                closer()
            except Exception:  # noqa: BLE001 - closing must not mask the real error
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


def _duckdb_backend(threads: int | None) -> Backend:
    import duckdb
    from splink import DuckDBAPI

    con = duckdb.connect(":memory:")
    if threads:
        con.execute(f"SET threads TO {int(threads)}")
    api = DuckDBAPI(connection=con)
    return Backend("duckdb", api, [con.close])


def _spark_backend(master: str | None) -> Backend:
    try:
        from pyspark.sql import SparkSession
        from splink import SparkAPI
        from splink.internals.spark.jar_location import similarity_jar_location
    except ImportError as exc:  # pragma: no cover - pyspark is a declared dependency
        raise LinkageError("the Spark engine needs pyspark installed") from exc
    os.environ.setdefault("PYSPARK_PYTHON", os.sys.executable)  # type: ignore[attr-defined]
    builder = (
        SparkSession.builder.appName("roshan-link")
        .master(master or "local[2]")
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", os.environ.get("ROSHAN_SPARK_PARTITIONS", "4"))
        .config("spark.default.parallelism", os.environ.get("ROSHAN_SPARK_PARTITIONS", "4"))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", os.environ.get("ROSHAN_SPARK_DRIVER_MEMORY", "2g"))
    )
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # noqa: BLE001 - Java missing, bad master URL...
        raise LinkageError(f"cannot start Spark ({type(exc).__name__}); is Java 17 installed "
                           "and the master URL right?") from exc
    spark.sparkContext.setLogLevel("ERROR")
    checkpoint = os.path.join(os.environ.get("TMPDIR", "/tmp"), "roshan-spark-checkpoints")
    spark.sparkContext.setCheckpointDir(checkpoint)
    api = SparkAPI(spark_session=spark, break_lineage_method="persist")
    return Backend("spark", api, [])


def open_backend(engine: str = "duckdb", *, spark_master: str | None = None,
                 threads: int | None = None) -> Backend:
    """Open the named engine ("duckdb" or "spark"); LinkageError for anything else."""
    if engine == "duckdb":
        return _duckdb_backend(threads)
    if engine == "spark":
        return _spark_backend(spark_master)
    raise LinkageError(f"unknown linkage engine {engine!r}; choose one of {', '.join(ENGINES)}")
