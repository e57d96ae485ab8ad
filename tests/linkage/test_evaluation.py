"""Pairwise precision, recall and F1 of clusters against a truth file."""

from __future__ import annotations

import pytest

from casebook.linkage.compare.evaluation import (
    TruthFileError,
    pairwise_score,
    truth_read,
    truth_write,
)


def test_a_perfect_clustering_scores_one():
    truth = {"a": "x", "b": "x", "c": "y"}
    score = pairwise_score(predicted={"a": "1", "b": "1", "c": "2"}, truth=truth)
    assert (score.precision, score.recall, score.f1) == (1.0, 1.0, 1.0)


def test_pairs_are_counted_from_cluster_sizes():
    # Truth: {a b c} {d}; predicted: {a b} {c d}. True pairs ab ac bc; predicted ab cd.
    truth = {"a": "x", "b": "x", "c": "x", "d": "y"}
    score = pairwise_score(predicted={"a": "1", "b": "1", "c": "2", "d": "2"}, truth=truth)
    assert score.true_pairs == 3
    assert score.predicted_pairs == 2
    assert score.correct_pairs == 1
    assert score.precision == pytest.approx(0.5)
    assert score.recall == pytest.approx(1 / 3)
    assert score.f1 == pytest.approx(0.4)


def test_a_record_missing_from_the_clustering_stands_alone():
    score = pairwise_score(predicted={"a": "1"}, truth={"a": "x", "b": "x"})
    assert score.recall == 0.0


def test_the_truth_file_round_trips(tmp_path):
    path = tmp_path / "truth.csv"
    truth_write(path, [("INC-1", "E-1"), ("INC-2", "E-1")])
    assert truth_read(path) == {"INC-1": "E-1", "INC-2": "E-1"}


def test_a_truth_file_without_the_columns_is_refused_with_the_fix(tmp_path):
    path = tmp_path / "truth.csv"
    path.write_text("id,event\n1,2\n")
    with pytest.raises(TruthFileError, match="incident_id,cluster_id"):
        truth_read(path)


def test_a_truth_file_that_gives_one_incident_two_clusters_names_the_row(tmp_path):
    path = tmp_path / "truth.csv"
    path.write_text("incident_id,cluster_id\nA,1\nA,2\n")
    with pytest.raises(TruthFileError, match="row 3"):
        truth_read(path)


def test_clusters_never_join_records_kept_apart_even_through_a_chain():
    from casebook.linkage.compare.clustering import clusters_at

    # Two arrests at one protest (a, c), each very like a vague report (b): the stronger
    # pair wins, the other record stays out.
    pairs = [("a", "b", 0.99), ("b", "c", 0.95), ("c", "d", 0.97)]
    chained = clusters_at(ids="abcd", pairs=pairs, threshold=0.9)
    assert len(set(chained.values())) == 1
    kept = clusters_at(ids="abcd", pairs=pairs, threshold=0.9, kept_apart=[("a", "c")])
    assert kept == {"a": "a", "b": "a", "c": "c", "d": "c"}
