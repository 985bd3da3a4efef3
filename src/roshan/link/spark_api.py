"""Splink's Spark API with a match-weight floor applied before scores are written.

Splink writes ``__splink__df_predict`` to Parquet to break Spark's lineage. Without
a threshold that is *every* candidate pair with every compared value: 7.9 M rows at
100,000 records and about 100 M at a million, nearly all of them hopeless, and
writing them cost more than scoring them. On 100,000 SYNTHETIC records (7.9 M
candidate pairs, 2 cores, nothing else running) the scoring step took 168.3 s with
the floor applied before the write, and had not finished after 300 s writing every
pair (the JVM was busy in Parquet's dictionary encoder); the kept pairs, their
probabilities and comparison levels are the same as DuckDB's.

The threshold cannot simply be handed to Splink's ``predict`` on Spark: the
optimiser pushes the filter on the match weight down through the projections that
compute it and inlines every comparison level into the filter, so the expensive
levels (Levenshtein, array intersection) ran about 13 times per pair (80
``levenshtein`` calls in the optimised plan for 6 in the SQL).

:class:`FlooredSparkAPI` applies the floor to the finished predictions just before
Splink materialises them, behind a barrier the optimiser cannot push through: a
non-deterministic column (``rand``) that the filter reads. A filter is only pushed
through a projection whose expressions are all deterministic, so each comparison is
computed once per pair and the filter reads its result. Only pairs at or above the
floor are written. :func:`floor_predictions` switches the floor on for one call.

This overrides a private Splink hook (``_break_lineage_and_repartition``, Splink
5.0.x as pinned in pyproject.toml; listed with roshan's other private Splink hooks in
:mod:`roshan.link.splink_adapter`, whose test checks that it still exists);
``tests/link/test_spark_engine.py`` checks both that
the floor is applied and that the plan evaluates each comparison once, so an
upgrade that moves the hook fails a test instead of silently slowing down. Callers
still filter the result themselves, so a hook that stopped firing would cost time,
never correctness.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from splink import SparkAPI

PREDICT_TABLE = "__splink__df_predict"
"""Splink's templated name for the table of scored pairs."""

_BARRIER = "__roshan_scored_once"


def floor_after_scoring(scored: DataFrame, weight: float) -> DataFrame:
    """Rows of ``scored`` with ``match_weight >= weight``, each score computed once.

    The filter reads a ``rand`` column, so Spark keeps it above the projection that
    computes the match weight instead of inlining the whole scoring into it.
    """
    return (
        scored.withColumn(_BARRIER, F.rand(0))
        .where((F.col(_BARRIER) >= F.lit(0.0)) & (F.col("match_weight") >= F.lit(float(weight))))
        .drop(_BARRIER)
    )


class FlooredSparkAPI(SparkAPI):
    """``SparkAPI`` that drops predictions below :attr:`predict_floor_weight`, if set,
    before writing them (see the module docstring)."""

    predict_floor_weight: float | None = None

    def _break_lineage_and_repartition(
        self, spark_df: Any, templated_name: str, physical_name: str
    ) -> Any:
        if self.predict_floor_weight is not None and templated_name == PREDICT_TABLE:
            spark_df = floor_after_scoring(spark_df, self.predict_floor_weight)
        return super()._break_lineage_and_repartition(spark_df, templated_name, physical_name)


@contextmanager
def floor_predictions(db_api: Any, weight: float) -> Iterator[bool]:
    """Within the block, predictions written by ``db_api`` keep only ``match_weight >=
    weight``. Yields whether the floor is in force (False for any other API)."""
    if not isinstance(db_api, FlooredSparkAPI):
        yield False
        return
    before = db_api.predict_floor_weight
    db_api.predict_floor_weight = float(weight)
    try:
        yield True
    finally:
        db_api.predict_floor_weight = before
