"""The Spark engine's settings: how lineage is broken, how records reach Spark, memory.

The records must reach Spark as *data* (a checkpointed, partitioned scan), never as a
``LocalRelation`` inline in the query plan: that copy of every row inside every plan
is what ran the driver out of heap in local mode at 20,000 records (2g) and 100,000
records (12g). See docs/spark-cluster.md.
"""

from __future__ import annotations

import logging
import os

import numpy as np
import pandas as pd
import pytest

from roshan.errors import LinkageError
from roshan.link.engine import (
    DEFAULT_SPARK_DRIVER_MEMORY,
    PAIRS_PER_SPARK_PARTITION,
    spark_lineage_method,
    spark_partitions,
)


@pytest.fixture
def clean_env(monkeypatch):
    for var in (
        "ROSHAN_SPARK_BREAK_LINEAGE",
        "ROSHAN_SPARK_CHECKPOINT_DIR",
        "ROSHAN_SPARK_DRIVER_MEMORY",
    ):
        monkeypatch.delenv(var, raising=False)
    return monkeypatch


@pytest.mark.parametrize(
    "master", [None, "local", "local[2]", "local[*]", "local-cluster[2, 1, 1024]"]
)
def test_local_mode_breaks_lineage_with_parquet(clean_env, master):
    assert spark_lineage_method(master) == "parquet"


@pytest.mark.parametrize("master", ["spark://host:7077", "yarn", "k8s://https://h:6443"])
def test_cluster_without_shared_folder_persists(clean_env, master):
    assert spark_lineage_method(master) == "persist"


def test_cluster_with_shared_checkpoint_folder_uses_parquet(clean_env):
    clean_env.setenv("ROSHAN_SPARK_CHECKPOINT_DIR", "hdfs://nn:8020/tmp/roshan")
    assert spark_lineage_method("spark://host:7077") == "parquet"


def test_lineage_method_can_be_chosen(clean_env):
    clean_env.setenv("ROSHAN_SPARK_BREAK_LINEAGE", "Checkpoint")
    assert spark_lineage_method(None) == "checkpoint"
    clean_env.setenv("ROSHAN_SPARK_BREAK_LINEAGE", "delta")
    with pytest.raises(LinkageError, match="ROSHAN_SPARK_BREAK_LINEAGE"):
        spark_lineage_method(None)


def test_shuffle_partitions_grow_with_the_candidate_pairs(clean_env):
    clean_env.delenv("ROSHAN_SPARK_PARTITIONS", raising=False)
    assert spark_partitions() == 4
    assert spark_partitions(7_861_386) == 4  # 100,000 records
    assert spark_partitions(101_400_000) == -(-101_400_000 // PAIRS_PER_SPARK_PARTITION) == 21
    clean_env.setenv("ROSHAN_SPARK_PARTITIONS", "64")
    assert spark_partitions(101_400_000) == 64
    for bad in ("0", "many", "-3"):
        clean_env.setenv("ROSHAN_SPARK_PARTITIONS", bad)
        with pytest.raises(LinkageError, match="ROSHAN_SPARK_PARTITIONS"):
            spark_partitions()


def test_default_driver_memory_fits_a_shared_laptop():
    assert DEFAULT_SPARK_DRIVER_MEMORY.endswith("g")
    assert 1 <= int(DEFAULT_SPARK_DRIVER_MEMORY[:-1]) <= 8


@pytest.mark.spark
@pytest.mark.slow
def test_spark_backend_settings_and_records_are_not_in_the_plan(clean_env):
    from pyspark.sql import SparkSession

    from roshan.link.engine import open_backend

    logging.getLogger("splink").setLevel(logging.ERROR)
    active = SparkSession.getActiveSession()
    if active is not None:  # a session left by another test would keep its own config
        active.stop()
    backend = open_backend("spark", spark_master="local[1]")
    try:
        spark = SparkSession.getActiveSession()
        assert (
            spark.sparkContext.getConf().get("spark.driver.memory") == DEFAULT_SPARK_DRIVER_MEMORY
        )
        assert backend.db_api.break_lineage_method == "parquet"
        checkpoint = spark.sparkContext.getCheckpointDir()
        assert checkpoint and os.path.isdir(checkpoint.removeprefix("file:"))

        n = 5_000
        frame = pd.DataFrame(
            {
                "unique_id": np.arange(n, dtype="int64"),
                "name": [f"n{i % 97}" if i % 10 else None for i in range(n)],
                "age": pd.array([i % 90 if i % 7 else None for i in range(n)], dtype="Int64"),
            }
        )
        sdf = backend.register(frame, "records").as_spark_dataframe()
        plan = sdf._jdf.queryExecution().optimizedPlan().toString()
        assert "LocalRelation" not in plan, plan[:500]
        back = sdf.toPandas().sort_values("unique_id").reset_index(drop=True)
        assert len(back) == n
        assert back["name"].isna().sum() == frame["name"].isna().sum()
        assert back["age"].isna().sum() == frame["age"].isna().sum()
        assert (
            back.loc[back["age"].notna(), "age"].astype("int64").tolist()
            == frame.loc[frame["age"].notna(), "age"].astype("int64").tolist()
        )
    finally:
        backend.close()
    assert SparkSession.getActiveSession() is None  # the session roshan started is stopped
    assert not os.path.exists(checkpoint.removeprefix("file:"))


@pytest.mark.spark
@pytest.mark.slow
def test_spark_scores_each_comparison_once_per_pair(clean_env, monkeypatch):
    """The floor is applied to finished scores, not pushed into the scoring plan.

    With the floor inside Splink's predict, Spark's optimiser pushes the filter on the
    match weight through the projections and inlines every comparison level into it,
    so Levenshtein ran about 13 times per candidate pair (80 calls in the optimised
    plan for 6 in the SQL). The pairs kept must still be exactly DuckDB's.
    """
    import re

    from pyspark.sql import SparkSession
    from splink.internals.spark.database_api import SparkAPI
    from synth import make_frame

    from roshan.link.core import link_prepared
    from roshan.link.prepare import prepare_frame
    from roshan.link.settings import roshan_spec

    logging.getLogger("splink").setLevel(logging.ERROR)
    seen: list[tuple[int, int]] = []
    run = SparkAPI._execute_sql_against_backend

    def spy(self, sql):
        df = run(self, sql)
        if "__splink__df_match_weight_parts" in sql:
            plan = df._jdf.queryExecution().optimizedPlan().toString()
            seen.append(
                (
                    len(re.findall(r"(?i)levenshtein\(", sql)),
                    len(re.findall(r"(?i)levenshtein\(", plan)),
                )
            )
        return df

    written: list[tuple[int, str]] = []
    write = SparkAPI._break_lineage_and_repartition

    def spy_write(self, spark_df, templated_name, physical_name):
        if (
            templated_name == "__splink__df_predict"
            and getattr(self, "predict_floor_weight", None) is not None
        ):
            plan = spark_df._jdf.queryExecution().optimizedPlan().toString()
            written.append((len(re.findall(r"(?i)levenshtein\(", plan)), plan))
        return write(self, spark_df, templated_name, physical_name)

    monkeypatch.setattr(SparkAPI, "_execute_sql_against_backend", spy)
    monkeypatch.setattr(SparkAPI, "_break_lineage_and_repartition", spy_write)
    prepared = prepare_frame(make_frame(120, 3, seed=11)[0])
    if SparkSession.getActiveSession() is not None:
        SparkSession.getActiveSession().stop()
    spark = link_prepared(prepared, roshan_spec(), engine="spark", seed=3)
    assert SparkSession.getActiveSession() is None
    duck = link_prepared(prepared, roshan_spec(), engine="duckdb", seed=3)
    assert seen, "no scoring query ran on Spark"
    for in_sql, in_plan in seen:
        assert 0 < in_plan <= in_sql, seen
    # the floor was applied to what Splink writes, and the plan of that write still
    # evaluates each comparison once: no more Levenshtein calls than in the SQL
    assert written, "the floor was not applied before the scores were written"
    most = max(in_sql for in_sql, _ in seen)
    for n_lev, plan in written:
        assert 0 < n_lev <= most, (n_lev, most)
        # the floor is a Filter reading the barrier column (rand) and the match weight
        # (Project lists can be elided in plan strings, the Filter condition is not)
        filters = [ln for ln in plan.splitlines() if "Filter" in ln]
        assert any("__roshan_scored_once" in ln and "match_weight" in ln for ln in filters), filters
    assert len(duck.pairs) > 10
    key = ["record_pk_l", "record_pk_r"]
    assert spark.pairs[key].equals(duck.pairs[key])
    # the same columns too: the comparison levels (gamma_*) feed the chaining guard,
    # the review queue and linkage uncertainty
    assert list(spark.pairs.columns) == list(duck.pairs.columns)
    assert any(c.startswith("gamma_") for c in spark.pairs.columns)


@pytest.mark.spark
@pytest.mark.slow
def test_spark_and_duckdb_agree_on_national_ids_and_burials(clean_env) -> None:
    """The national-ID comparison (Levenshtein on the digits) and the burial levels
    (BETWEEN on day numbers) give the same pairs and levels on both engines."""
    from pyspark.sql import SparkSession
    from synth import make_frame

    from roshan.link.core import link_prepared
    from roshan.link.prepare import prepare_frame
    from roshan.link.settings import BURIAL_NEAR, optional_fields, roshan_spec

    logging.getLogger("splink").setLevel(logging.ERROR)
    frame, truth = make_frame(120, 3, seed=11)
    rng = np.random.default_rng(5)
    ids = {p: f"{int(rng.integers(10**9, 10**10)):010d}" for p in truth.unique()}
    pid = truth.reindex(frame["record_pk"].to_numpy()).to_numpy()
    frame["national_id"] = [ids[p] if rng.random() < 0.6 else None for p in pid]
    # a third of the records: the date of death lost, the burial two days later kept
    lost = rng.random(len(frame)) < 0.33
    frame["burial"] = pd.to_datetime(frame["dod"]) + pd.Timedelta(days=2)
    frame.loc[~lost, "burial"] = pd.NaT
    frame.loc[lost, "dod"] = None
    prepared = prepare_frame(frame)
    flags = optional_fields(prepared)
    assert flags == {"national_id": True, "burial": True}
    spec = roshan_spec(**flags)
    if SparkSession.getActiveSession() is not None:
        SparkSession.getActiveSession().stop()
    spark = link_prepared(prepared, spec, engine="spark", seed=3)
    duck = link_prepared(prepared, roshan_spec(**flags), engine="duckdb", seed=3)
    key = ["record_pk_l", "record_pk_r"]
    assert len(duck.pairs) > 10
    assert spark.pairs[key].equals(duck.pairs[key])
    for col in ("gamma_national_id", "gamma_dod"):
        assert spark.pairs[col].tolist() == duck.pairs[col].tolist(), col
    # the burial levels were reached (a date of death against a burial only): of the
    # date comparison's 8 levels above "else", "buried within 3 days" is value 2
    labels = [
        lv.label_for_charts
        for lv in spec.comparisons[4].get_comparison("duckdb").comparison_levels
        if not lv.is_null_level
    ]
    near = len(labels) - 1 - labels.index(BURIAL_NEAR)
    assert near == 2 and (duck.pairs["gamma_dod"] == near).sum() > 5
