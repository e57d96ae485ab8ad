"""The seventh invented set (issue 14, the acts side, third session) and the constructions it found.

Kept apart from ``test_extraction_constructions.py``, which helpers on the event side append to.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from casebook.monitor.extraction import Extractor
from tests.monitor.test_extraction_constructions import _scores_of_invented_set, only_event


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


ACTS_3 = Path(__file__).parent / "fixtures" / "acts_gold_3.jsonl"
# A seventh set (issue 14, the acts side, third session), written and labelled before the
# extractor ran on it: acts in many verbs and voices (held by, taken into custody, handcuffed and
# arrested, dragged, carried off, cited, fined, cautioned, tear gas, batons and PAVA, kettled and
# moved on, a banner confiscated, a flag ordered down, a warning letter), doers other than the
# police (security guards, stewards, counter-protesters, a court, immigration officers), nested
# subsets, a total with a colon breakdown, vague and bounded counts, outcomes, triggers told in
# the sentence before (a road blocked, hands glued, paint sprayed, tents set up), Section 14 and
# 12 orders imposed or issued, and an Act outside the codebook whose year is told in another
# sentence. As first written (a3-01..40, after putting each publication date in its URL, and one
# label corrected to the earlier fixtures' convention): acts 0.80, acts (type, basis) 0.82,
# trigger 0.77, relevance 0.95. A second batch (a3-41..55, longer and noisier: a breakdown after
# a quote, a campaign total, a trigger in the lede, rival groups kept apart, a Section 35 order,
# troopers and a judge), written after the first batch's rules, took the whole set from acts
# 0.89 to 0.91 as first written. The floors sit a little below the scores reached after the rules
# they prompted (acts 0.95, trigger 0.91); the relevance misses (no protest word in five
# articles) are left to the event side.
ACTS_3_FLOORS = {
    "relevance": ("balanced_accuracy", 0.93),
    "acts": ("f1", 0.92),
    "acts_basis": ("f1", 0.92),
    "total_arrests": ("accuracy", 0.90),
    "trigger": ("f1", 0.88),
}


@pytest.fixture(scope="module")
def acts_3_scores(extractor):
    return _scores_of_invented_set(ACTS_3, extractor, at_least=40)


@pytest.mark.parametrize("field", sorted(ACTS_3_FLOORS))
def test_scores_on_the_seventh_invented_set_stay_above_their_floors(acts_3_scores, field):
    measure, floor = ACTS_3_FLOORS[field]
    value = getattr(acts_3_scores[field], measure)
    assert value is not None and value >= floor, f"{field} {measure} {value} < {floor}"


@pytest.mark.parametrize(
    "text",
    [
        "A student was handcuffed and arrested by Gwent Police at a climate protest in Newport "
        "on Friday.",
        "A pensioner was pinned down, handcuffed and arrested by officers at the rally in Leeds "
        "on Saturday, West Yorkshire Police said.",
    ],
)
def test_one_person_arrested_after_another_verb_counts_one(extractor, text):
    event = only_event(extractor, text)
    assert [(act["type"], act["count"]) for act in event["acts"]] == [("arrest", 1)]
    assert event["total_arrests"] is None


def test_both_held_on_suspicion_gives_the_arrest_its_offence(extractor):
    event = only_event(
        extractor,
        "A man and a woman were arrested at a march in Oxford on Saturday. Both were held on "
        "suspicion of criminal damage, Thames Valley Police said.",
    )
    assert [(a["type"], a["count"], a["trigger"]) for a in event["acts"]] == [
        ("arrest", 2, "violence")
    ]


@pytest.mark.parametrize(
    ("text", "basis"),
    [
        (
            "Lancashire Police issued a Section 14 notice under the Public Order Act during a "
            "rally in Preston on Saturday.",
            "Public Order Act 1986 s14",
        ),
        (
            "Devon and Cornwall Police imposed a section 12 Public Order Act condition on the "
            "march through Exeter on Sunday.",
            "Public Order Act 1986 s12",
        ),
    ],
)
def test_an_order_named_by_its_section_before_the_act_is_cited(extractor, text, basis):
    event = only_event(extractor, text)
    assert [(a["type"], a["legal_basis"]) for a in event["acts"]] == [("dispersal", basis)]


def test_an_act_outside_the_codebook_takes_the_year_told_elsewhere(extractor):
    event = only_event(
        extractor,
        "West Midlands Police arrested three people under section 547 of the Education Act "
        "after a protest outside a school in Walsall on Friday. The Education Act 1996 makes "
        "it an offence to cause a nuisance on school premises.",
    )
    assert [a["legal_basis"] for a in event["acts"]] == ["Education Act 1996 s547"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Police told protesters to leave the road during the protest in Leeds on Saturday.",
            [("dispersal", None)],
        ),
        (
            "Two protesters were given fixed penalty notices at the protest in Leeds on Saturday.",
            [("other", 2)],
        ),
        (
            "Police stopped and searched 11 people at the protest in Leeds on Saturday.",
            [("stop_search", 11)],
        ),
        (
            "Police dragged a woman along the ground at the protest in Leeds on Saturday.",
            [("force", None)],
        ),
    ],
)
def test_more_police_acts_in_other_words(extractor, text, expected):
    event = only_event(extractor, text)
    assert [(a["type"], a["count"]) for a in event["acts"]] == expected


def test_people_cited_are_the_count_of_the_citations(extractor):
    event = only_event(
        extractor,
        "Portland Police Bureau officers cited 14 people and arrested two others at a sit-in "
        "in Portland on Tuesday.",
    )
    assert [(a["type"], a["count"]) for a in event["acts"]] == [("other", 14), ("arrest", 2)]


def test_a_modal_inside_the_subjects_clause_does_not_make_the_arrest_hypothetical(extractor):
    event = only_event(
        extractor,
        "Police dispersed a protest in Grimsby on Saturday. Three men who returned to the area "
        "after being told to leave were arrested, Humberside Police said.",
    )
    assert ("arrest", 3) in [(a["type"], a["count"]) for a in event["acts"]]


def test_paint_sprayed_before_the_arrest_is_criminal_damage(extractor):
    event = only_event(
        extractor,
        "Activists sprayed orange paint over the front of a bank during a protest in Leeds on "
        "Friday. West Yorkshire Police arrested three women nearby an hour later.",
    )
    assert [(a["type"], a["count"], a["trigger"]) for a in event["acts"]] == [
        ("arrest", 3, "violence")
    ]


def test_what_a_nested_subset_did_is_not_the_whole_counts_trigger(extractor):
    event = only_event(
        extractor,
        "West Midlands Police arrested 27 people at a protest in Birmingham on Saturday, "
        "including six who climbed onto the roof of a defence firm's offices.",
    )
    assert [(a["type"], a["count"], a["trigger"]) for a in event["acts"]] == [("arrest", 27, None)]
