"""The private Splink hooks roshan uses (roshan.link.splink_adapter), each exercised on a
tiny in-memory DuckDB linker (SYNTHETIC records, no downloads). If an upgraded Splink
moves a hook, the failure names the hook and the Splink version."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from roshan.link import splink_adapter as sa


def _loudly(hook: str, call: Callable[[], Any]) -> Any:
    """``call()``, or a test failure that names the hook and Splink's version."""
    try:
        return call()
    except sa.SplinkHookError as exc:
        pytest.fail(str(exc))
    except Exception as exc:  # noqa: BLE001 - whatever a moved hook raises, name the hook
        pytest.fail(
            f"Splink {sa.splink_version()}: the private hook {hook} roshan uses "
            f"(roshan/link/splink_adapter.py) failed: {type(exc).__name__}: {exc}"
        )


@pytest.fixture
def linker() -> Iterator[Any]:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    records = pd.DataFrame(
        {
            "unique_id": [1, 2, 3, 4, 5, 6],
            "name": ["ali", "ali", "reza", "reza", "sara", "mina"],
            "city": ["tehran", "tehran", "shiraz", "tabriz", "tehran", "shiraz"],
        }
    )
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[cl.ExactMatch("name"), cl.ExactMatch("city")],
        blocking_rules_to_generate_predictions=[block_on("city")],
        probability_two_random_records_match=0.1,
    )
    con = duckdb.connect(":memory:")
    api = DuckDBAPI(connection=con)
    yield Linker(api.register(records, table_name="adapter_records"), settings)
    con.close()


def test_the_pinned_splink_is_installed() -> None:
    text = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    version = sa.splink_version()
    major_minor = ".".join(version.split(".")[:2])
    assert f'"splink>={major_minor}' in text and f",<{major_minor.split('.')[0]}." in text, (
        f"Splink {version} is installed but pyproject.toml pins another minor version; "
        "check roshan/link/splink_adapter.py's hooks before moving the pin"
    )


def test_lambda_is_read_and_written(linker: Any) -> None:
    assert _loudly(
        "Linker._settings_obj._probability_two_random_records_match", lambda: sa.get_lambda(linker)
    ) == pytest.approx(0.1)
    _loudly(
        "Linker._settings_obj._probability_two_random_records_match",
        lambda: sa.set_lambda(linker, 0.25),
    )
    assert sa.get_lambda(linker) == pytest.approx(0.25)
    # the value set is the one Splink uses: its public model export carries it
    saved = linker.misc.save_model_to_json()
    assert saved["probability_two_random_records_match"] == pytest.approx(0.25), (
        f"Splink {sa.splink_version()}: set_lambda no longer reaches the model"
    )


def test_db_api_and_duckdb_connection(linker: Any) -> None:
    from splink import DuckDBAPI

    api = _loudly("Linker._db_api", lambda: sa.db_api_of(linker))
    assert isinstance(api, DuckDBAPI)
    con = _loudly("DuckDBAPI.duckdb_con", lambda: sa.duckdb_connection(linker))
    assert con.execute("select 41 + 1").fetchone() == (42,)


def test_listed_pairs_are_scored_whatever_blocking_says(linker: Any) -> None:
    api = sa.db_api_of(linker)
    # 1–2 share a city (blocked together); 3–4 do not, and are scored all the same
    labels = api.register(
        pd.DataFrame(
            {"unique_id_l": [1, 3], "unique_id_r": [2, 4], "clerical_match_score": [1.0, 1.0]}
        ),
        table_name="adapter_labels",
    )
    scored = _loudly(
        "splink.internals pipeline / labelled-pairs scoring",
        lambda: sa.score_labelled_pairs(linker, labels.physical_name),
    )
    out = (
        sa.duckdb_connection(linker)
        .execute(
            f"select unique_id_l, unique_id_r, match_probability, gamma_name, gamma_city "
            f"from {scored.physical_name} order by unique_id_l"
        )
        .df()
    )
    scored.drop_table_from_database_and_remove_from_cache()
    assert out["unique_id_l"].tolist() == [1, 3]
    assert out["gamma_name"].tolist() == [1, 1] and out["gamma_city"].tolist() == [1, 0]
    assert 0 < out["match_probability"].iloc[1] < out["match_probability"].iloc[0] < 1


def test_match_weight_of_a_probability() -> None:
    w = _loudly("splink.internals.misc.prob_to_match_weight", lambda: sa.prob_to_match_weight(0.2))
    assert w == pytest.approx(math.log2(0.2 / 0.8))


def test_spark_similarity_jar_is_shipped() -> None:
    path = _loudly(
        "splink.internals.spark.jar_location.similarity_jar_location", sa.similarity_jar_location
    )
    assert Path(path).is_file(), f"Splink {sa.splink_version()}: no jar at {path}"


def test_spark_lineage_hook_exists() -> None:
    pytest.importorskip("pyspark")
    assert (
        _loudly("SparkAPI._break_lineage_and_repartition", sa.spark_lineage_hook)
        == "_break_lineage_and_repartition"
    )
    from roshan.link.spark_api import FlooredSparkAPI

    assert sa.spark_lineage_hook() in vars(FlooredSparkAPI)


def test_annotation_types_exist() -> None:
    for module, name in (
        ("splink.internals.comparison_level_creator", "ComparisonLevelCreator"),
        ("splink.internals.blocking_rule_creator", "BlockingRuleCreator"),
        ("splink.internals.charts", "SplinkChart"),
    ):
        _loudly(f"{module}.{name}", lambda m=module, n=name: sa._internal(m, n))


def test_a_moved_hook_says_which_and_the_version() -> None:
    class NoSettings:
        pass

    with pytest.raises(
        sa.SplinkHookError,
        match=r"Splink \S+: the private hook "
        r"Linker\._settings_obj .*5\.0\.x",
    ):
        sa.get_lambda(NoSettings())
    with pytest.raises(sa.SplinkHookError, match="splink.internals.nowhere.f"):
        sa._internal("splink.internals.nowhere", "f")


def test_pairs_inside_clusters_that_prediction_did_not_keep_are_scored(linker: Any) -> None:
    api = sa.db_api_of(linker)
    kept = linker.inference.predict(threshold_match_probability=0.99, warning_mode="never")
    # records 3 and 4 (reza, two cities) are put in one cluster; their pair was not kept
    clusters = api.register(
        pd.DataFrame({"unique_id": [1, 2, 3, 4, 5, 6], "cluster_id": [1, 1, 3, 3, 5, 6]}),
        table_name="adapter_clusters",
    )
    missing = _loudly(
        "LinkerInference._score_missing_cluster_edges",
        lambda: sa.score_missing_cluster_edges(linker, clusters, kept),
    )
    out = (
        sa.duckdb_connection(linker)
        .execute(f"select unique_id_l, unique_id_r, match_probability from {missing.physical_name}")
        .df()
    )
    assert (3, 4) in set(zip(out["unique_id_l"], out["unique_id_r"], strict=True))
    assert out["match_probability"].between(0, 1).all()


def test_a_pandas_frame_is_cleaned_as_splink_cleans_it() -> None:
    pytest.importorskip("pyspark")
    from splink import SparkAPI

    # the Spark API cleans frames it registers; roshan registers them on Spark itself
    api = SparkAPI.__new__(SparkAPI)  # no session needed: the method only cleans
    frame = pd.DataFrame({"a": [1.0, float("nan")], "b": pd.array(["x", None], dtype="string")})
    clean = _loudly("SparkAPI._clean_pandas_df", lambda: sa.clean_pandas_frame(api, frame))
    assert clean["a"].iloc[1] is None and clean["b"].iloc[1] is None
    assert clean["a"].iloc[0] == 1.0 and clean["b"].iloc[0] == "x"
