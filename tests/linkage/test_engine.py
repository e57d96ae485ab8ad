"""The model on DuckDB: trained on the records themselves, better than the naive key, explained."""

from __future__ import annotations

import datetime as dt

import pytest

from casebook.linkage.compare.baseline import exact_key_clusters
from casebook.linkage.compare.engine import LinkageError, records_link
from casebook.linkage.compare.evaluation import pairwise_score
from casebook.linkage.compare.explain import pair_explanation, pair_reasons
from casebook.linkage.compare.records import ActSummary, LinkageRecord
from casebook.linkage.compare.settings import LEVELS


def test_the_model_finds_most_duplicates_and_beats_the_exact_key(synthetic, duckdb_run):
    _, records, truth = synthetic
    model = pairwise_score(predicted=duckdb_run.clusters, truth=truth)
    naive = pairwise_score(predicted=exact_key_clusters(records), truth=truth)
    assert model.f1 >= 0.85
    assert model.f1 > naive.f1 + 0.2
    assert model.recall > naive.recall


def test_every_record_gets_a_cluster(synthetic, duckdb_run):
    _, records, _ = synthetic
    assert set(duckdb_run.clusters) == {r.record_id for r in records}
    assert duckdb_run.cluster_count < len(records)


def test_training_learns_that_agreement_weighs_for_a_match_and_disagreement_against(duckdb_run):
    weights = duckdb_run.level_weights()
    for name in ("occasion", "force", "trigger", "text", "people", "evidence"):
        strongest = max(gamma for gamma in weights[name])
        assert weights[name][strongest] > 1, name
        assert weights[name][0] < 0, name


def test_each_pair_says_why_in_words(synthetic, duckdb_run):
    _, records, truth = synthetic
    by_id = {r.record_id: r for r in records}
    pair = max(
        (p for p in duckdb_run.pairs if truth[p.left] == truth[p.right]),
        key=lambda p: p.probability,
    )
    reasons = pair_reasons(
        left=by_id[pair.left],
        right=by_id[pair.right],
        levels=pair.levels,
        weights=pair.weights,
        level_names=LEVELS,
    )
    text = pair_explanation(reasons)
    assert reasons and all(r.weight > 0 for r in reasons[:2])
    assert any(
        phrase in text
        for phrase in ("same force", "the same day", "the same photo", "the same file")
    )


def test_an_explanation_names_the_shared_law_and_the_day_gap():
    day = dt.date(2025, 8, 9)
    left = LinkageRecord(
        "a", day, force="met", provisions=("ta-2000-s13",), acts=(ActSummary("arrest", 52),)
    )
    right = LinkageRecord(
        "b",
        day + dt.timedelta(1),
        force="met",
        provisions=("ta-2000-s13",),
        acts=(ActSummary("arrest", 54),),
    )
    reasons = pair_reasons(
        left=left,
        right=right,
        levels={"force": 1, "occasion": 3, "provisions": 2, "count": 2, "evidence": 1},
        weights={"force": 3.0, "occasion": 5.0, "provisions": 4.0, "count": 1.0, "evidence": 8.0},
        level_names=LEVELS,
        citation={"ta-2000-s13": "s.13 Terrorism Act"}.get,
    )
    text = pair_explanation(reasons)
    assert text == (
        "the same photo (a re-encoded or resized copy); dates 1 day apart; "
        "both name s.13 Terrorism Act; same force; numbers close (52–54)"
    )


def test_a_run_refuses_what_it_cannot_do():
    one = [LinkageRecord("a", dt.date(2025, 8, 9))]
    with pytest.raises(LinkageError, match="at least two"):
        records_link(records=one)
    with pytest.raises(LinkageError, match="Unknown backend"):
        records_link(records=one * 2, backend="oracle")
    with pytest.raises(LinkageError, match="between 0 and 1"):
        records_link(records=one * 2, threshold=5)


def test_a_trained_model_can_be_reused_without_training(synthetic, duckdb_run):
    _, records, _ = synthetic
    again = records_link(records=records, threshold=0.95, model=duckdb_run.model)
    assert "train" not in again.seconds
    assert again.clusters == duckdb_run.clusters


def test_every_level_of_every_comparison_has_words_for_a_coordinator():
    day = dt.date(2025, 8, 9)
    left = LinkageRecord("a", day, force="met", acts=(ActSummary("arrest", 52),))
    right = LinkageRecord("b", day, date_precision="month", acts=(ActSummary("arrest", 54),))
    for name, levels in LEVELS.items():
        for gamma in range(len(levels) + 1):
            reasons = pair_reasons(
                left=left,
                right=right,
                levels={name: gamma},
                weights={name: 2.0 if gamma else -2.0},
                level_names=LEVELS,
            )
            assert reasons and reasons[0].words.strip(), (name, gamma)
            assert "_" not in reasons[0].words, (name, gamma)  # words, not level names


def _occasion_report(record_id: str, **fields) -> LinkageRecord:
    return LinkageRecord(
        record_id,
        dt.date(2025, 8, 9),
        force="met",
        place="Parliament Square, London",
        protest="7",
        acts=(ActSummary("arrest", 2),),
        **fields,
    )


def test_at_one_protest_other_streets_and_times_tell_two_incidents_apart(duckdb_run):
    # Two reports of one protest that agree on the kind of act and the number: the same
    # street and time make one incident, other streets and times of day two.
    early = _occasion_report(
        "a", time=dt.time(11, 5), summary="It happened on Pobble Lane.", title="Arrests"
    )
    again = _occasion_report(
        "b", time=dt.time(11, 15), summary="This was on Pobble Lane.", title="Two held"
    )
    late = _occasion_report(
        "c", time=dt.time(15, 40), summary="It happened on Quibble Row.", title="Arrests"
    )
    run = records_link(records=[early, again, late], model=duckdb_run.model, threshold=0.9)
    probability = {frozenset((p.left, p.right)): p.probability for p in run.pairs}
    same = probability.get(frozenset("ab"), 0.0)
    assert same > probability.get(frozenset("ac"), 0.0)
    assert run.clusters["a"] == run.clusters["b"] != run.clusters["c"]


def test_a_trained_model_keeps_the_weights_of_one_occasion(duckdb_run):
    from casebook.linkage.compare.engine import OCCASION_KEY

    weights = duckdb_run.model[OCCASION_KEY]
    # Two reports of one protest agree on the force whatever they describe: no weight.
    assert weights["force"]["1"] == 0.0
    assert set(weights) >= {"time", "text", "trigger", "acts", "count"}


def test_a_date_known_only_to_the_year_is_not_known_within_that_year(duckdb_run):
    # Two reports that share a person: one dated to the day, one only to its year.
    day = LinkageRecord("a", dt.date(2025, 8, 9), people_hashes=("p1",), force="met")
    year = LinkageRecord(
        "b", dt.date(2025, 1, 1), date_precision="year", people_hashes=("p1",), force="met"
    )
    other_year = LinkageRecord(
        "c", dt.date(2023, 1, 1), date_precision="year", people_hashes=("p1",), force="met"
    )
    run = records_link(records=[day, year, other_year], model=duckdb_run.model, threshold=0.9)
    levels = {frozenset((p.left, p.right)): p.levels["occasion"] for p in run.pairs}
    assert levels[frozenset("ab")] == -1  # not known: no weight either way
    assert levels.get(frozenset("ac"), 0) == 0  # another year: a disagreement
