"""Every use roshan makes of Splink's private internals, in one place.

Splink's public API does not reach everything roshan needs, so a few private names are
used. They live here, behind named functions, so that an upgrade of Splink has one
module to check: ``pyproject.toml`` pins Splink to one minor version (5.0.x, as locked
in uv.lock), and ``tests/link/test_splink_adapter.py`` exercises each function on a
tiny in-memory DuckDB linker and fails naming the hook and the Splink version if one
has moved. A hook that is missing at run time raises :class:`SplinkHookError` with the
same message instead of an ``AttributeError`` from deep inside Splink.

The hooks, and why each is needed:

* ``linker._settings_obj._probability_two_random_records_match`` — the prior match
  probability λ (:func:`get_lambda`, :func:`set_lambda`). Splink estimates it from
  deterministic rules but offers no setter; roshan reads the estimate and writes back
  a value clamped to [one expected match among all pairs, 0.5], or a fallback when the
  rules found no sure match (roshan.link.train).
* ``linker._db_api`` — the linker's database API, DuckDB or Spark (:func:`db_api_of`):
  to read Splink's tables by physical name and to switch the Spark-side floor of
  :mod:`roshan.link.spark_api` on for one prediction.
* ``DuckDBAPI.duckdb_con`` — the DuckDB connection behind it (:func:`duckdb_connection`):
  scored pairs are read straight into pandas, selected columns only, without Splink's
  conversion of the whole table (roshan.link.predict).
* ``splink.internals.pipeline.CTEPipeline``,
  ``splink.internals.vertically_concatenate.enqueue_df_concat_with_tf``,
  ``splink.internals.accuracy.predictions_from_sample_of_pairwise_labels_sql`` and
  ``DatabaseAPI.sql_pipeline_to_splink_dataframe`` — scoring a given list of pairs
  whatever blocking says (:func:`score_labelled_pairs`), which Splink does only inside
  its accuracy charts; training checks sure pairs under each candidate model with it.
* ``LinkerInference._score_missing_cluster_edges`` — scoring the pairs inside each
  cluster that prediction did not keep (:func:`score_missing_cluster_edges`): the
  chaining guard (roshan.link.predict.guard_pairs) looks for a weak pair with a hard
  disagreement inside a cluster, which Splink scores only for its cluster metrics.
* ``SparkAPI._clean_pandas_df`` — NaN/NA to null as Splink's Spark API does before it
  registers a pandas frame (:func:`clean_pandas_frame`); roshan registers frames on Spark itself
  (roshan.link.engine) and must hand Spark the same values.
* ``splink.internals.misc.prob_to_match_weight`` — probability → match weight
  (:func:`prob_to_match_weight`), for the floor below which pairs are not kept.
* ``splink.internals.spark.jar_location.similarity_jar_location`` — the jar of Spark
  string-similarity functions Splink ships (:func:`similarity_jar_location`).
* ``splink.internals.comparison_level_creator.ComparisonLevelCreator``,
  ``splink.internals.blocking_rule_creator.BlockingRuleCreator`` and
  ``splink.internals.charts.SplinkChart`` — types, for annotations only.
* ``SparkAPI._break_lineage_and_repartition`` — overridden by
  :class:`roshan.link.spark_api.FlooredSparkAPI` (it must subclass Splink's API, so it
  stays there; its module docstring says why). :func:`spark_lineage_hook` names it for
  the test; tests/link/test_spark_engine.py checks that the override still fires.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # types for annotations: import them from here under TYPE_CHECKING
    from splink.internals.blocking_rule_creator import BlockingRuleCreator as BlockingRuleCreator
    from splink.internals.charts import SplinkChart as SplinkChart
    from splink.internals.comparison_level_creator import (
        ComparisonLevelCreator as ComparisonLevelCreator,
    )

__all__ = [
    "SplinkHookError",
    "clean_pandas_frame",
    "db_api_of",
    "duckdb_connection",
    "get_lambda",
    "prob_to_match_weight",
    "score_labelled_pairs",
    "score_missing_cluster_edges",
    "set_lambda",
    "similarity_jar_location",
    "spark_lineage_hook",
    "splink_version",
]


class SplinkHookError(RuntimeError):
    """A private Splink hook roshan relies on is not where it was (an upgraded Splink)."""


def splink_version() -> str:
    import splink

    return str(getattr(splink, "__version__", "unknown"))


def _moved(hook: str, exc: BaseException | None = None) -> SplinkHookError:
    why = f" ({type(exc).__name__}: {exc})" if exc is not None else ""
    return SplinkHookError(
        f"Splink {splink_version()}: the private hook {hook} that roshan uses has moved or "
        f"changed{why}; roshan is tested with Splink 5.0.x (pyproject.toml). Update "
        "roshan/link/splink_adapter.py for this version, or install splink>=5.0,<5.1."
    )


def _internal(module: str, name: str) -> Any:
    """``module.name`` from Splink's internals, or :class:`SplinkHookError`."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        raise _moved(f"{module}.{name}", exc) from exc


def _settings_obj(linker: Any) -> Any:
    try:
        settings = linker._settings_obj
    except AttributeError as exc:
        raise _moved("Linker._settings_obj", exc) from exc
    if not hasattr(settings, "_probability_two_random_records_match"):
        raise _moved("Settings._probability_two_random_records_match")
    return settings


def get_lambda(linker: Any) -> float | None:
    """The linker's prior match probability λ (``probability_two_random_records_match``),
    None if Splink holds none."""
    value = _settings_obj(linker)._probability_two_random_records_match
    return None if value is None else float(value)


def set_lambda(linker: Any, value: float) -> None:
    """Set the linker's prior match probability λ to ``value``."""
    _settings_obj(linker)._probability_two_random_records_match = float(value)


def db_api_of(linker: Any) -> Any:
    """The linker's database API (Splink's ``DuckDBAPI`` or ``SparkAPI`` instance)."""
    try:
        return linker._db_api
    except AttributeError as exc:
        raise _moved("Linker._db_api", exc) from exc


def duckdb_connection(linker: Any) -> Any:
    """The DuckDB connection of a linker on the DuckDB engine."""
    api = db_api_of(linker)
    try:
        return api.duckdb_con
    except AttributeError as exc:
        raise _moved(f"{type(api).__name__}.duckdb_con", exc) from exc


def score_labelled_pairs(linker: Any, labels_table: str) -> Any:
    """Score the pairs of the registered table ``labels_table`` (``unique_id_l``,
    ``unique_id_r``, ``clerical_match_score``) with the linker's current model, whatever
    blocking says. Returns the Splink dataframe of predictions (``match_probability``,
    ``gamma_*``, ...); the caller drops it when done."""
    pipeline_cls = _internal("splink.internals.pipeline", "CTEPipeline")
    concat = _internal("splink.internals.vertically_concatenate", "enqueue_df_concat_with_tf")
    labelled_sql = _internal(
        "splink.internals.accuracy", "predictions_from_sample_of_pairwise_labels_sql"
    )
    api = db_api_of(linker)
    if not hasattr(api, "sql_pipeline_to_splink_dataframe"):
        raise _moved(f"{type(api).__name__}.sql_pipeline_to_splink_dataframe")
    pipeline = pipeline_cls()
    concat(linker, pipeline)
    pipeline.enqueue_list_of_sqls(labelled_sql(linker, labels_table))
    return api.sql_pipeline_to_splink_dataframe(pipeline)


def score_missing_cluster_edges(linker: Any, clusters: Any, predictions: Any) -> Any:
    """Score every pair inside a cluster of ``clusters`` (a registered table of
    ``unique_id``, ``cluster_id``) that ``predictions`` (the kept pairs) does not hold.
    Returns the Splink dataframe of those pairs' predictions."""
    try:
        score = linker.inference._score_missing_cluster_edges
    except AttributeError as exc:
        raise _moved("LinkerInference._score_missing_cluster_edges", exc) from exc
    return score(clusters, predictions)


def clean_pandas_frame(db_api: Any, frame: Any) -> Any:
    """``frame`` with NaN and NA made null, as Splink cleans a pandas frame it registers."""
    try:
        clean = db_api._clean_pandas_df
    except AttributeError as exc:
        raise _moved(f"{type(db_api).__name__}._clean_pandas_df", exc) from exc
    return clean(frame)


def prob_to_match_weight(probability: float) -> float:
    """Splink's match weight (log2 Bayes factor against λ = 0.5) of a probability."""
    return float(_internal("splink.internals.misc", "prob_to_match_weight")(probability))


def similarity_jar_location() -> str:
    """Path of the jar of Spark string-similarity functions shipped with Splink."""
    return str(_internal("splink.internals.spark.jar_location", "similarity_jar_location")())


def spark_lineage_hook() -> str:
    """The name of the ``SparkAPI`` method :class:`roshan.link.spark_api.FlooredSparkAPI`
    overrides, checked to exist (imports pyspark)."""
    name = "_break_lineage_and_repartition"
    spark_api = _internal("splink", "SparkAPI")
    if not callable(getattr(spark_api, name, None)):
        raise _moved(f"SparkAPI.{name}")
    return name
