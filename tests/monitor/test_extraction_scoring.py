"""The extraction scorer on tiny hand-made gold and prediction pairs."""

from __future__ import annotations

import pytest

from casebook.monitor.extraction.scoring import align_events, score_extractions


def article(id_: str, *events: dict, relevant: bool = True) -> dict:
    return {"id": id_, "relevant": relevant, "events": list(events)}


def event(force="Kent Police", location="Dover", date="2024-05-04", total=None, acts=()):
    return {
        "force": force,
        "country": "GB",
        "location": location,
        "date": date,
        "total_arrests": total,
        "acts": list(acts),
    }


def act(type_="arrest", count=None, legal_basis=None, trigger=None):
    return {
        "type": type_,
        "count": count,
        "legal_basis": legal_basis,
        "offence": None,
        "trigger": trigger,
    }


def test_a_perfect_prediction_scores_one_everywhere():
    gold = [
        article("a", event(total=3, acts=[act(count=2, trigger="flag"), act(count=1)])),
        article("b", relevant=False),
    ]
    scores = score_extractions(gold, gold)
    assert scores["relevance"].f1 == 1.0
    assert scores["acts"].f1 == 1.0
    assert scores["trigger"].f1 == 1.0
    for name in ("force", "location", "date", "total_arrests"):
        assert scores[name].accuracy == 1.0


def test_a_missed_act_lowers_recall_not_precision():
    gold = [article("a", event(acts=[act(count=2), act("seizure")]))]
    pred = [article("a", event(acts=[act(count=2)]))]
    scores = score_extractions(gold, pred)
    assert scores["acts"].precision == 1.0
    assert scores["acts"].recall == 0.5


def test_acts_match_on_type_count_and_legal_basis():
    gold = [article("a", event(acts=[act(count=5, legal_basis="Terrorism Act 2000 s13")]))]
    pred = [article("a", event(acts=[act(count=5, legal_basis="Public Order Act 1986 s14")]))]
    scores = score_extractions(gold, pred)
    assert scores["acts"].tp == 0 and scores["acts"].fp == 1 and scores["acts"].fn == 1


def test_a_false_positive_article_costs_relevance_precision_and_every_field():
    gold = [article("a", relevant=False)]
    pred = [article("a", event(total=4, acts=[act(count=4)]))]
    scores = score_extractions(gold, pred)
    assert scores["relevance"].precision == 0.0
    assert scores["acts"].fp == 1
    assert scores["force"].fp == 1


def test_a_missing_prediction_counts_as_not_relevant():
    scores = score_extractions([article("a", event(acts=[act()]))], [])
    assert scores["relevance"].recall == 0.0
    assert scores["acts"].fn == 1
    assert scores["force"].accuracy == 0.0


def test_events_align_by_similarity_not_by_order():
    london = event(force="Metropolitan Police Service", location="London", acts=[act(count=10)])
    bristol = event(force="Avon and Somerset Constabulary", location="Bristol", acts=[act(count=2)])
    assert align_events([london, bristol], [bristol, london]) == [(0, 1), (1, 0)]
    scores = score_extractions([article("a", london, bristol)], [article("a", bristol, london)])
    assert scores["force"].accuracy == 1.0
    assert scores["acts"].f1 == 1.0


def test_unrelated_events_are_not_aligned():
    assert (
        align_events(
            [event(force="A", location="X", date=None)],
            [event(force="B", location="Y", date="2020-01-01")],
        )
        == []
    )


def test_date_accuracy_counts_only_gold_events_with_a_date():
    gold = [
        article(
            "a",
            event(date=None, acts=[act(count=1)]),
            event(location="Deal", date="2024-05-05", acts=[act(count=2)]),
        )
    ]
    pred = [
        article(
            "a",
            event(date=None, acts=[act(count=1)]),
            event(location="Deal", date="2024-05-06", acts=[act(count=2)]),
        )
    ]
    scores = score_extractions(gold, pred)
    assert scores["date"].total == 1
    assert scores["date"].accuracy == 0.0
    assert scores["total_arrests"].accuracy == 1.0  # null == null counts as right


def test_trigger_is_right_only_on_a_matched_act():
    gold = [article("a", event(acts=[act(count=3, trigger="chant")]))]
    pred = [article("a", event(acts=[act(count=4, trigger="chant")]))]
    scores = score_extractions(gold, pred)
    assert scores["trigger"].tp == 0
    assert scores["trigger"].fp == 1 and scores["trigger"].fn == 1


@pytest.mark.parametrize(
    ("gold_place", "pred_place"),
    [
        ("New York", "New York City"),
        ("Westminster", "City of Westminster"),
        ("leeds", "Leeds"),
    ],
)
def test_place_names_compare_leniently(gold_place, pred_place):
    scores = score_extractions(
        [article("a", event(location=gold_place, acts=[act()]))],
        [article("a", event(location=pred_place, acts=[act()]))],
    )
    assert scores["location"].accuracy == 1.0


def test_balanced_accuracy_weighs_both_classes_alike():
    gold = [article(f"p{n}", event(acts=[act(count=1)])) for n in range(9)]
    gold.append(article("n0", relevant=False))
    pred = [article(f"p{n}", event(acts=[act(count=1)])) for n in range(9)]
    pred.append(article("n0", event(acts=[act(count=1)])))  # the only negative, called relevant
    scores = score_extractions(gold, pred)
    assert scores["relevance"].accuracy == 0.9
    assert scores["relevance"].balanced_accuracy == 0.5
    assert scores["acts"].balanced_accuracy is None  # not a yes/no field


def test_acts_by_type_and_legal_basis_forgive_a_wrong_count():
    basis = "Terrorism Act 2000 s13"
    gold = [article("a", event(acts=[act(count=5, legal_basis=basis), act("seizure")]))]
    pred = [article("a", event(acts=[act(count=6, legal_basis=basis), act("force")]))]
    scores = score_extractions(gold, pred)
    assert scores["acts"].tp == 0
    assert (scores["acts_basis"].tp, scores["acts_basis"].fp, scores["acts_basis"].fn) == (1, 1, 1)
