"""The constructions real articles trip the extractor on, each in several invented paraphrases.

``fixtures/constructions_gold.jsonl`` holds 79 short articles written for issue 14 ("the extractor
on articles it has never seen"), labelled by the development set's rules before the extractor was
run on them: breakdowns and totals, counts (ages, years, dates, single people, vague numbers,
items), legal bases (the citation in another sentence, Acts outside the codebook, section
suffixes, misspellings), dispersal and conditions, cumulative figures, who acted, events, places
and dates, triggers from the event's context, relevance, and outcomes. Each record names its
construction. The floors sit a little below the scores reached, so that a change that loses a
construction fails here; the tests below pin single constructions on sentences of their own.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from casebook.monitor.extraction import Extractor
from casebook.monitor.extraction.evaluation import extract_records
from casebook.monitor.extraction.scoring import score_extractions

GOLD = Path(__file__).parent / "fixtures" / "constructions_gold.jsonl"

# field -> (measure, floor)
FLOORS = {
    "relevance": ("balanced_accuracy", 0.70),
    "acts": ("f1", 0.90),
    "acts_basis": ("f1", 0.91),
    "force": ("accuracy", 0.90),
    "location": ("accuracy", 0.86),
    "date": ("accuracy", 0.90),
    "total_arrests": ("accuracy", 0.90),
    "trigger": ("f1", 0.80),
}


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


@pytest.fixture(scope="module")
def gold() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line]


@pytest.fixture(scope="module")
def scores(extractor, gold):
    predictions, _ = extract_records(gold, extractor)
    return score_extractions(gold, predictions)


STORIES = Path(__file__).parent / "fixtures" / "stories_gold.jsonl"
# Longer invented stories mixing the constructions, written after the first rules and labelled
# before the extractor ran on them: a check that the rules carry to text they were not shaped by.
STORY_FLOORS = {
    "relevance": ("balanced_accuracy", 0.95),
    "acts": ("f1", 0.90),
    "force": ("accuracy", 0.80),
    "location": ("accuracy", 0.90),
    "date": ("accuracy", 0.90),
    "total_arrests": ("accuracy", 0.90),
    "trigger": ("f1", 0.70),
}


@pytest.mark.parametrize("field", sorted(STORY_FLOORS))
def test_scores_on_longer_invented_stories_stay_above_their_floors(extractor, field):
    stories = [json.loads(line) for line in STORIES.read_text(encoding="utf-8").splitlines()]
    predictions, _ = extract_records(stories, extractor)
    measure, floor = STORY_FLOORS[field]
    value = getattr(score_extractions(stories, predictions)[field], measure)
    assert value is not None and value >= floor, f"{field} {measure} {value} < {floor}"


def test_the_constructions_set_is_well_formed(gold):
    assert len({record["id"] for record in gold}) == len(gold) >= 70
    for record in gold:
        assert record["construction"] and record["url"].startswith("https://")
        assert ".example.test/" in record["url"]
        assert record["relevant"] == bool(record["events"])
        for event in record["events"]:
            for act in event["acts"]:
                assert act["offence"] is None or act["offence"] in record["text"], act


@pytest.mark.parametrize("field", sorted(FLOORS))
def test_scores_on_the_constructions_stay_above_their_floors(scores, field):
    measure, floor = FLOORS[field]
    value = getattr(scores[field], measure)
    assert value is not None and value >= floor, f"{field} {measure} {value} < {floor}"


def only_event(extractor: Extractor, text: str, published: str = "2024-06-10") -> dict:
    result = extractor.extract(article_id="t", text=text, published=published)
    assert result["relevant"], text
    assert len(result["events"]) == 1, result["events"]
    return result["events"][0]


@pytest.mark.parametrize(
    "text",
    [
        "A woman was arrested at the protest in Leeds on Saturday, West Yorkshire Police said.",
        "A man, 23, was arrested at the protest in Leeds on Saturday, West Yorkshire Police said.",
        "West Yorkshire Police arrested a pensioner at the protest in Leeds on Saturday.",
    ],
)
def test_a_single_person_without_a_number_counts_one_but_states_no_total(extractor, text):
    event = only_event(extractor, text)
    assert [(act["type"], act["count"]) for act in event["acts"]] == [("arrest", 1)]
    assert event["total_arrests"] is None


def test_a_subset_told_inside_a_count_is_not_an_act_of_its_own(extractor):
    event = only_event(
        extractor,
        "Avon and Somerset Police arrested 48 people at the protest in Bristol on Saturday, "
        "including six who had locked themselves to the gates.",
    )
    assert [act["count"] for act in event["acts"]] == [48]
    assert event["total_arrests"] == 48


def test_a_total_told_before_parts_that_do_not_add_up_stays_the_total(extractor):
    event = only_event(
        extractor,
        "Derbyshire Police arrested 14 people at the protest in Derby on Saturday. Six were "
        "held for obstructing the highway and three for assaulting an emergency worker.",
    )
    assert event["total_arrests"] == 14
    assert sorted(act["count"] for act in event["acts"]) == [3, 6]


def test_items_seized_are_not_people(extractor):
    event = only_event(
        extractor,
        "Officers seized 37 flags and arrested two men at a rally in Belfast on Saturday, the "
        "PSNI said.",
    )
    assert {act["type"]: act["count"] for act in event["acts"]} == {"seizure": 37, "arrest": 2}
    assert event["total_arrests"] == 2


def test_a_citation_in_the_next_sentence_belongs_to_the_arrests(extractor):
    event = only_event(
        extractor,
        "Eight people were arrested at the demonstration in Leeds on Tuesday. The arrests were "
        "made under section 14 of the Public Order Act 1986, West Yorkshire Police said.",
    )
    assert event["acts"][0]["legal_basis"] == "Public Order Act 1986 s14"


@pytest.mark.parametrize(
    ("citation", "expected"),
    [
        ("section 1 of the Public Meeting Act 1908", "Public Meeting Act 1908 s1"),
        ("the Terrorist Act 2000", "Terrorism Act 2000"),
        ("section 14ZA of the Public Order Act 1986", "Public Order Act 1986 s14ZA"),
    ],
)
def test_acts_outside_the_codebook_misspellings_and_suffixes_are_cited(
    extractor, citation, expected
):
    event = only_event(
        extractor,
        f"Sussex Police arrested three protesters under {citation} at the rally in Brighton on "
        "Tuesday.",
    )
    assert event["acts"][0]["legal_basis"] == expected


def test_conditions_under_two_sections_are_two_orders(extractor):
    event = only_event(
        extractor,
        "The Metropolitan Police imposed conditions under sections 12 and 14 of the Public Order "
        "Act 1986 on Saturday's march in London. Officers made 9 arrests.",
    )
    bases = sorted(act["legal_basis"] for act in event["acts"] if act["type"] == "dispersal")
    assert bases == ["Public Order Act 1986 s12", "Public Order Act 1986 s14"]


def test_an_order_that_was_breached_is_not_an_act(extractor):
    event = only_event(
        extractor,
        "British Transport Police arrested 25 people for breaching a dispersal order at the "
        "protest in Birmingham on Monday.",
    )
    assert [act["type"] for act in event["acts"]] == ["arrest"]


def test_the_force_that_acted_is_credited_not_the_one_that_helped(extractor):
    event = only_event(
        extractor,
        "Mutual aid from Greater Manchester Police supported Merseyside Police, which arrested "
        "nine people as rival groups clashed in Liverpool on Saturday.",
    )
    assert event["force"] == "Merseyside Police"


def test_a_town_after_in_beats_a_town_inside_a_name(extractor):
    event = only_event(
        extractor,
        "Members of Bristol Against Arms protested outside a factory in Bath on Saturday. Avon and "
        "Somerset Police arrested two of them for criminal damage.",
    )
    assert event["location"] == "Bath"


def test_the_day_before_is_counted_from_the_date_told_before_it(extractor):
    result = extractor.extract(
        article_id="t",
        published="2024-08-05",
        text=(
            "Northumbria Police arrested 11 people at the rally in Newcastle on Sunday. The day "
            "before, Northumbria Police had arrested three people at a protest in Sunderland."
        ),
    )
    dates = {event["location"]: event["date"] for event in result["events"]}
    assert dates == {"Newcastle": "2024-08-04", "Sunderland": "2024-08-03"}


def test_a_trigger_comes_from_the_conduct_told_just_before_the_act(extractor):
    event = only_event(
        extractor,
        "Protesters blocked the A1 in Gateshead for two hours on Friday morning. Northumbria "
        "Police arrested 11 people.",
        published="2024-04-13",
    )
    assert event["acts"][0]["trigger"] == "obstruction"


@pytest.mark.parametrize(
    "text",
    [
        "Police arrested 12 fans after disorder broke out at the end of the match in Leeds on "
        "Saturday. Bottles were thrown.",
        "A Section 60 order was authorised in Croydon after two teenagers were stabbed. Officers "
        "searched 40 people and arrested three. A vigil was held last week.",
    ],
)
def test_football_disorder_and_crime_are_not_protest(extractor, text):
    assert extractor.extract(article_id="t", text=text)["relevant"] is False


def test_custody_for_an_identity_check_is_coded_other(extractor):
    event = only_event(
        extractor,
        "French police took three protesters into custody at the rally in Lyon on Saturday to "
        "check their identities.",
    )
    assert [(act["type"], act["count"]) for act in event["acts"]] == [("other", 3)]


@pytest.mark.parametrize(
    "text",
    [
        "Protesters seized a police shield at the rally in Leeds on Saturday. Police arrested "
        "two men.",
        "Security guards removed two protesters from the meeting in Aberdeen on Thursday. Police "
        "Scotland arrested one woman.",
        "Immigration enforcement officers detained three men during a raid in Glasgow, where "
        "neighbours gathered to protest. Police arrested two people.",
    ],
)
def test_acts_done_by_others_than_the_police_are_not_police_acts(extractor, text):
    result = extractor.extract(article_id="t", text=text)
    acts = [act for event in result["events"] for act in event["acts"]]
    assert [(act["type"], act["count"]) for act in acts] in (
        [("arrest", 2)],
        [("arrest", 1)],
    )


def test_an_act_done_by_the_police_in_a_passive_sentence_is_kept(extractor):
    event = only_event(
        extractor,
        "Students who refused to leave the encampment in Leeds on Thursday were arrested by "
        "West Yorkshire Police.",
    )
    assert event["force"] == "West Yorkshire Police"
    assert [act["type"] for act in event["acts"]] == ["arrest"]


UNSEEN = Path(__file__).parent / "fixtures" / "unseen_gold.jsonl"
# A third set of invented articles (issue 14, third session), in two batches each written and
# labelled before the extractor ran on it, in the untidy shapes real pages take (publication
# lines, URLs with a year only, lists of sections, background figures, outcomes). Scores when
# written: un-01..28 relevance 0.90, force 0.79, place 0.83, date 0.82, total 0.79, acts 0.83,
# trigger 0.64; un-29..48 (written after the first batch's rules) relevance 1.00, force 1.00,
# place 0.95, date 1.00, total 1.00, acts 0.90, trigger 0.77. The floors sit below the scores
# reached after the rules each batch prompted.
UNSEEN_FLOORS = {
    "relevance": ("balanced_accuracy", 0.93),
    "acts": ("f1", 0.93),
    "acts_basis": ("f1", 0.93),
    "force": ("accuracy", 0.89),
    "location": ("accuracy", 0.87),
    "date": ("accuracy", 0.89),
    "total_arrests": ("accuracy", 0.87),
    "trigger": ("f1", 0.83),
}


@pytest.fixture(scope="module")
def unseen_scores(extractor):
    return _scores_of_invented_set(UNSEEN, extractor, at_least=48)


def _scores_of_invented_set(path: Path, extractor: Extractor, *, at_least: int):
    """Scores on a set of invented articles, after checking that it is well formed."""
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len({r["id"] for r in records}) == len(records) >= at_least
    for record in records:
        assert ".example.test/" in record["url"] and record["construction"]
        assert record["relevant"] == bool(record["events"])
    predictions, _ = extract_records(records, extractor)
    return score_extractions(records, predictions)


@pytest.mark.parametrize("field", sorted(UNSEEN_FLOORS))
def test_scores_on_the_third_invented_batch_stay_above_their_floors(unseen_scores, field):
    measure, floor = UNSEEN_FLOORS[field]
    value = getattr(unseen_scores[field], measure)
    assert value is not None and value >= floor, f"{field} {measure} {value} < {floor}"


def test_the_force_refers_back_to_the_force_named_before(extractor):
    result = extractor.extract(
        article_id="t",
        published="2024-08-12",
        text=(
            "Kent Police arrested a man in Dover on Friday after he held up a sign at a protest. "
            "The force also arrested a woman in Folkestone on Saturday for chanting at officers "
            "during a counter-protest."
        ),
    )
    assert {e["location"]: e["force"] for e in result["events"]} == {
        "Dover": "Kent Police",
        "Folkestone": "Kent Police",
    }


def test_a_misspelt_act_without_its_year_is_read_by_its_section(extractor):
    event = only_event(
        extractor,
        "Police Scotland arrested six people at the demonstration in Dundee on Saturday. The "
        "arrests were made under section 13 of the Terrorisim Act.",
    )
    assert event["acts"][0]["legal_basis"] == "Terrorism Act 2000 s13"


def test_an_arrest_for_breaking_a_condition_takes_the_section_that_made_it(extractor):
    event = only_event(
        extractor,
        "A woman holding a one-person protest in Leeds was arrested on Monday for failing to "
        "comply with a condition imposed under section 14ZA of the Public Order Act 1986.",
    )
    assert [(a["type"], a["legal_basis"]) for a in event["acts"]] == [
        ("arrest", "Public Order Act 1986 s14ZA")
    ]


def test_an_arrest_and_the_charge_of_the_same_people_share_their_trigger(extractor):
    event = only_event(
        extractor,
        "Police arrested five people at a protest outside the town hall in Derby on Sunday. "
        "Derbyshire Police said on Monday that the five had been charged with assaulting an "
        "emergency worker.",
    )
    assert {a["type"]: a["trigger"] for a in event["acts"]} == {
        "arrest": "violence",
        "charge": "violence",
    }


def test_people_holding_signs_are_expression(extractor):
    event = only_event(
        extractor,
        "Forty people sat outside the cathedral in Exeter on Saturday holding signs backing a "
        "banned group. Devon and Cornwall Police said 12 people were arrested.",
    )
    assert event["acts"][0]["trigger"] == "placard"


@pytest.mark.parametrize(
    "offence",
    [
        "various public order offences",
        "a range of offences",
        "offences including assaulting an emergency worker",
    ],
)
def test_an_offence_that_mixes_kinds_of_conduct_gives_no_trigger(extractor, offence):
    event = only_event(
        extractor,
        f"Essex Police said 20 people were arrested for {offence} after the protest in "
        "Colchester on Saturday turned violent.",
    )
    assert [(a["count"], a["trigger"]) for a in event["acts"]] == [(20, None)]


def test_a_stated_total_stays_the_act_beside_a_bounded_restatement(extractor):
    event = only_event(
        extractor,
        "More than 90 protesters refused to leave the camp in Leeds on Thursday and were later "
        "arrested by West Yorkshire Police. The force said a total of 96 people were arrested "
        "on suspicion of failing to leave.",
    )
    assert [(a["type"], a["count"]) for a in event["acts"]] == [("arrest", 96)]
    assert event["total_arrests"] == 96


def test_a_university_named_after_its_town_places_the_protest(extractor):
    event = only_event(
        extractor,
        "Students staged a sit-in at one of Exeter University's buildings. Devon and Cornwall "
        "Police said 9 people were arrested on Thursday.",
    )
    assert event["location"] == "Exeter"


def test_the_rest_of_a_breakdown_is_an_act_without_a_number(extractor):
    event = only_event(
        extractor,
        "Of the 23 people arrested at the protest in Bristol on Monday, 15 were held on suspicion "
        "of obstructing the highway, five for assaulting officers and the rest for public order "
        "offences.",
    )
    assert event["total_arrests"] == 23
    assert sorted((a["count"] or 0, a["offence"]) for a in event["acts"]) == [
        (0, "public order offences"),
        (5, "assaulting officers"),
        (15, "suspicion of obstructing the highway"),
    ]


@pytest.mark.parametrize(
    "second",
    [
        "Twelve of those arrested have since been charged with obstructing the highway.",
        "12 of the people arrested were later charged with obstructing the highway.",
    ],
)
def test_n_of_those_arrested_counts_the_charge(extractor, second):
    event = only_event(
        extractor, f"Gwent Police made 40 arrests at the protest in Newport on Saturday. {second}"
    )
    assert sorted((a["type"], a["count"]) for a in event["acts"]) == [
        ("arrest", 40),
        ("charge", 12),
    ]


@pytest.mark.parametrize(
    "powers",
    [
        "a section 60 and section 60AA authorisation under the Criminal Justice and Public Order "
        "Act 1994",
        "section 60 and 60AA orders under the Criminal Justice and Public Order Act 1994",
    ],
)
def test_a_list_of_sections_before_the_act_is_one_power_each(extractor, powers):
    event = only_event(
        extractor,
        f"Cleveland Police put {powers} in place in Middlesbrough on Friday after a protest "
        "turned violent.",
    )
    assert sorted(a["legal_basis"] for a in event["acts"] if a["type"] == "stop_search") == [
        "Criminal Justice and Public Order Act 1994 s60",
        "Criminal Justice and Public Order Act 1994 s60AA",
    ]


def test_trying_to_disperse_with_water_cannon_is_force_and_dispersal(extractor):
    event = only_event(
        extractor,
        "Police used water cannon and tear gas to try to disperse thousands of protesters outside "
        "parliament in Tbilisi on Sunday night.",
    )
    assert sorted({a["type"] for a in event["acts"]}) == ["dispersal", "force"]


def test_what_a_post_said_is_not_the_posters_conduct(extractor):
    event = only_event(
        extractor,
        "North Yorkshire Police arrested a woman in York on Sunday over an online post "
        "encouraging people to attack a hotel during a protest.",
    )
    assert [a["trigger"] for a in event["acts"]] == ["online_post"]


def test_taken_to_a_station_to_check_identities_is_other(extractor):
    event = only_event(
        extractor,
        "French police took 18 climate activists to a station to check their identities after "
        "they occupied the lobby of an energy company in Paris on Saturday.",
    )
    assert [(a["type"], a["count"]) for a in event["acts"]] == [("other", 18)]


@pytest.mark.parametrize(
    "text",
    [
        "A 19-year-old man has been charged with violent disorder following a protest in "
        "Darlington on 3 August. Durham Constabulary said he was arrested on Tuesday and will "
        "appear before magistrates next week.",
        "Durham Constabulary said a man was arrested on Tuesday over a protest in Darlington on "
        "3 August.",
    ],
)
def test_a_later_arrest_for_a_protest_carries_the_protests_date(extractor, text):
    result = extractor.extract(article_id="t", text=text, published="2024-10-02")
    assert [(e["date"], a["type"]) for e in result["events"] for a in e["acts"]][-1] == (
        "2024-08-03",
        "arrest",
    )
    assert {e["date"] for e in result["events"]} == {"2024-08-03"}


def test_the_remainder_of_a_breakdown_takes_no_trigger_from_its_siblings(extractor):
    event = only_event(
        extractor,
        "Protesters glued themselves to the road in Bristol on Monday. Of the 23 people arrested, "
        "15 were held on suspicion of obstructing the highway and the rest for public order "
        "offences.",
    )
    assert {a["count"]: a["trigger"] for a in event["acts"]} == {15: "obstruction", None: None}


def test_the_powers_over_assemblies_name_a_protest(extractor):
    event = only_event(
        extractor,
        "The Metropolitan Police arrested 40 people in London on Saturday. The arrests were made "
        "under section 14 of the Public Order Act after the group refused to move.",
    )
    assert [(a["count"], a["legal_basis"]) for a in event["acts"]] == [
        (40, "Public Order Act 1986 s14")
    ]


def test_people_barricaded_inside_a_building_occupied_it(extractor):
    event = only_event(
        extractor,
        "Police arrested 57 people on Sunday night after protesters barricaded themselves inside "
        "a library building at a college in Manchester.",
    )
    assert [a["trigger"] for a in event["acts"]] == ["other"]


def test_an_earlier_figure_gives_way_to_the_arrests_told_since(extractor):
    event = only_event(
        extractor,
        "Victoria Police released images of 13 people over the protest in Melbourne on Sunday. "
        "At the time, 89 arrests were made. Two more men were arrested last week.",
    )
    assert 89 not in {a["count"] for a in event["acts"]}
    assert event["total_arrests"] != 89


def test_an_earlier_figure_alone_is_the_events_figure(extractor):
    event = only_event(
        extractor,
        "Police released images of 13 people over the protest in Melbourne on Sunday. At the "
        "time, 89 arrests were made.",
    )
    assert 89 in {a["count"] for a in event["acts"]}


PAGES = Path(__file__).parent / "fixtures" / "pages_gold.jsonl"
# A fourth set of invented articles shaped like real pages (leading date lines, captions,
# campaign groups' quoted figures, national background totals, follow-up acts, wire datelines
# after a headline), in two batches each written and labelled before the extractor ran on it.
# Scores when written: rp-01..14 force 0.85, place 0.77, date 0.77, total 0.92, acts 0.88,
# trigger 0.67; rp-15..21 (home-visit paraphrases, ID checks, evictions, opening fire) relevance
# 0.00 (three of four positives missed), acts 0.62, trigger 0.22; rp-22..26 (remand after arrest,
# a tally hung on the clause, banners taken down, charging at a crowd, a march stopped, a sit-in
# ended) four of five relevant articles missed. The floors sit a little below the scores reached
# after the rules they prompted.
PAGES_FLOORS = {
    "relevance": ("balanced_accuracy", 0.95),
    "acts": ("f1", 0.93),
    "acts_basis": ("f1", 0.93),
    "force": ("accuracy", 0.85),
    "location": ("accuracy", 0.81),
    "date": ("accuracy", 0.89),
    "total_arrests": ("accuracy", 0.89),
    "trigger": ("f1", 0.73),
}


@pytest.fixture(scope="module")
def pages_scores(extractor):
    return _scores_of_invented_set(PAGES, extractor, at_least=26)


@pytest.mark.parametrize("field", sorted(PAGES_FLOORS))
def test_scores_on_invented_pages_shaped_like_real_ones_stay_above_their_floors(
    pages_scores, field
):
    measure, floor = PAGES_FLOORS[field]
    value = getattr(pages_scores[field], measure)
    assert value is not None and value >= floor, f"{field} {measure} {value} < {floor}"


@pytest.mark.parametrize(
    "text",
    [
        "A pensioner in Dundee was visited by officers at his flat after he posted a message "
        "backing a climate protest, Police Scotland said.",
        "She got a knock on the door from police over a tweet about a protest, and Sussex Police "
        "said officers spoke to her at her home in Worthing.",
    ],
)
def test_home_visits_told_in_other_words_are_home_visits(extractor, text):
    result = extractor.extract(article_id="t", text=text)
    assert [a["type"] for e in result["events"] for a in e["acts"]] == ["home_visit"]


def test_a_figure_over_many_days_across_the_country_is_background(extractor):
    event = only_event(
        extractor,
        "Merseyside Police arrested twelve people at a march in Liverpool on Saturday. Last "
        "month more than 300 people were arrested across the country during a week of action.",
    )
    assert [(a["type"], a["count"]) for a in event["acts"]] == [("arrest", 12)]


def test_a_day_still_to_come_does_not_date_the_arrests(extractor):
    text = (
        "Sunday 17 November 2024\n\nPolice Scotland arrested six people at a sit-in in Glasgow "
        "on Saturday, and four of those will appear at the sheriff court on Monday."
    )
    event = extractor.extract(article_id="t", text=text)["events"][0]
    assert event["date"] == "2024-11-16"


def test_a_park_named_in_a_town_is_in_that_town(extractor):
    event = only_event(
        extractor,
        "Leicestershire Police dismantled a protest camp in Victoria Park in Leicester on "
        "Wednesday and arrested three people.",
    )
    assert event["location"] == "Leicester"


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Two men were arrested at the protest in Leeds on Saturday and remanded in custody, "
            "West Yorkshire Police said.",
            [("arrest", 2)],
        ),
        (
            "West Yorkshire Police arrested 7 people at the protest in Leeds on Saturday, bringing "
            "the total since June to 130.",
            [("arrest", 7)],
        ),
        (
            "Sussex Police took down a banner at the rally in Brighton on Saturday.",
            [("seizure", None)],
        ),
        (
            "Riot police charged at protesters after the march in Paris on Saturday.",
            [("force", None)],
        ),
        (
            "A protester was wrestled to the ground by officers at the rally in Leeds on Saturday.",
            [("force", None)],
        ),
        (
            "The Metropolitan Police stopped the march on Westminster Bridge in London on "
            "Saturday.",
            [("other", None)],
        ),
        (
            "Thames Valley Police ended a sit-in at a library in Oxford on Thursday, and 16 "
            "students were arrested.",
            [("dispersal", None), ("arrest", 16)],
        ),
    ],
)
def test_police_acts_told_in_other_words(extractor, text, expected):
    event = only_event(extractor, text)
    assert sorted((a["type"], a["count"]) for a in event["acts"]) == sorted(
        expected, key=lambda pair: (pair[0], pair[1] or 0)
    )


def test_a_force_press_release_on_its_own_site_is_that_force(extractor):
    text = (
        "Published 3 August 2024\n\nOur officers dispersed a group at a protest in Castle Park "
        "in Bristol this evening and arrested two people for violent disorder."
    )
    result = extractor.extract(
        article_id="t", text=text, url="https://www.avonandsomerset.police.uk/news/2024/08/protest/"
    )
    assert [e["force"] for e in result["events"]] == ["Avon and Somerset Constabulary"]
    other = extractor.extract(article_id="t", text=text, url="https://news.example.test/protest")
    assert [e["force"] for e in other["events"]] == [None]


def test_students_occupying_a_building_are_protesting(extractor):
    event = only_event(
        extractor,
        "Students occupying the main hall of the university in Leeds were arrested on Saturday.",
    )
    assert [a["type"] for a in event["acts"]] == ["arrest"]


def test_the_day_a_statement_was_made_does_not_date_the_protest(extractor):
    text = (
        "Hundreds of protesters marched through Leeds on Saturday. On Sunday, West Yorkshire "
        "Police said five people had been arrested."
    )
    event = only_event(extractor, text, published="2024-07-15")
    assert event["date"] == "2024-07-13"


def test_people_told_without_a_number_are_counted_but_state_no_total(extractor):
    event = only_event(
        extractor, "A man and a woman were arrested at the protest in Leeds on Saturday."
    )
    assert [(a["type"], a["count"]) for a in event["acts"]] == [("arrest", 2)]
    assert event["total_arrests"] is None


EVENTS = Path(__file__).parent / "fixtures" / "events_gold.jsonl"
# A fifth set (issue 14, fifth session) on what loses whole events rather than values, in two
# batches each written and labelled before the extractor ran on it. ev-01..26 (a protest called a
# "demo", heckling and booing, slogan T-shirts and online comments, forces outside the codebook,
# two towns or two days in one story, an earlier incident told for context, follow-up charges):
# relevance 0.89 (five of 23 relevant articles missed), force 0.77, place 0.81, date 0.81, total
# 0.81, acts 0.79, trigger 0.78. ev-27..44 (parts of a count, breakdowns in the next sentence,
# parts by site or town, home visits in other words, police firing on protesters, negatives),
# written after the first batch's rules: relevance 0.97 (two home visits missed), acts 0.81,
# trigger 0.83. ev-45..56 (datelines, 'last Thursday', 'the day before' in another town, places
# inside names or none at all, two operations in one day, negatives): two of ten relevant
# articles missed (an unauthorised assembly; a group's action with no protest word, still
# missed), one date taken from a dateline, one trigger. ev-57..61 (an "X post", comments and a
# speech without a determiner, two negatives): three of three relevant articles missed. The
# floors sit a little below the scores reached after the rules they prompted.
EVENTS_FLOORS = {
    "relevance": ("balanced_accuracy", 0.97),
    "acts": ("f1", 0.95),
    "acts_basis": ("f1", 0.95),
    "force": ("accuracy", 0.95),
    "location": ("accuracy", 0.95),
    "date": ("accuracy", 0.95),
    "total_arrests": ("accuracy", 0.95),
    "trigger": ("f1", 0.85),
}


@pytest.fixture(scope="module")
def events_scores(extractor):
    return _scores_of_invented_set(EVENTS, extractor, at_least=61)


@pytest.mark.parametrize("field", sorted(EVENTS_FLOORS))
def test_scores_on_the_fifth_invented_set_stay_above_their_floors(events_scores, field):
    measure, floor = EVENTS_FLOORS[field]
    value = getattr(events_scores[field], measure)
    assert value is not None and value >= floor, f"{field} {measure} {value} < {floor}"


@pytest.mark.parametrize(
    "text",
    [
        "Six people were arrested at a demo against bus cuts in Bristol on Saturday.",
        "Police arrested four men as rival demos met in Leeds on Saturday.",
        "A man was arrested after heckling the Prime Minister during a visit to Leeds on Saturday.",
        "A woman was detained after booing as the procession passed through Leeds on Saturday.",
        "A man was arrested in Leeds on Saturday over social media comments about a hotel.",
    ],
)
def test_a_demo_heckling_booing_and_online_comments_are_protest_or_expression(extractor, text):
    event = only_event(extractor, text)
    assert event["location"] in {"Leeds", "Bristol"}
    assert [a["type"] for a in event["acts"]] == ["arrest"]


def test_a_home_visit_to_someone_at_their_home_is_a_home_visit(extractor):
    event = only_event(
        extractor,
        "Two officers visited a father at his home in Reading on Thursday over messages he had "
        "posted in a parents' group, Thames Valley Police said.",
    )
    assert [a["type"] for a in event["acts"]] == ["home_visit"]


def test_another_town_takes_the_force_its_own_sentence_names_when_that_force_polices_it(
    extractor,
):
    result = extractor.extract(
        article_id="t",
        published="2025-08-16",
        text=(
            "Norfolk Police arrested 13 people at a protest in Norwich on Saturday. Last week, "
            "the Met confirmed that 40 people had been arrested at a protest in London on 2 "
            "August."
        ),
    )
    assert {e["location"]: e["force"] for e in result["events"]} == {
        "Norwich": "Norfolk Constabulary",
        "London": "Metropolitan Police Service",
    }


@pytest.mark.parametrize(
    "text",
    [
        "Nine people were arrested at the protest in Leeds on Saturday. Police said three of the "
        "nine had been charged with criminal damage.",
        "Officers arrested nine people at a march in Leeds on Saturday, and three of those nine "
        "were later charged with criminal damage.",
    ],
)
def test_some_of_the_people_counted_before_are_a_part_not_the_whole(extractor, text):
    event = only_event(extractor, text)
    assert sorted((a["type"], a["count"]) for a in event["acts"]) == [
        ("arrest", 9),
        ("charge", 3),
    ]


def test_people_of_a_count_told_by_a_participle_are_no_part_of_it(extractor):
    event = only_event(
        extractor,
        "Eight of the 10 activists arrested at the protest in Leeds on Saturday remain in custody.",
    )
    assert [(a["type"], a["count"]) for a in event["acts"]] == [("arrest", 10)]


@pytest.mark.parametrize(
    "second",
    [
        "Six were for public order offences and four were for criminal damage.",
        "Six were for public order offences, and four for criminal damage, the force said.",
        "Of those, six were for public order offences and four for criminal damage.",
    ],
)
def test_a_breakdown_in_the_next_sentence_without_a_verb_splits_the_total(extractor, second):
    event = only_event(
        extractor,
        f"West Yorkshire Police made 10 arrests at the march in Leeds on Saturday. {second}",
    )
    assert event["total_arrests"] == 10
    assert sorted(a["count"] for a in event["acts"]) == [4, 6]


@pytest.mark.parametrize(
    "text",
    [
        "Police arrested eight people at the protest in Leeds on Saturday, five on Briggate and "
        "three outside the town hall.",
        "Police arrested eight people at a march in Leeds on Saturday. Five were arrested in the "
        "square and "
        "three outside the hotel.",
    ],
)
def test_parts_told_by_where_they_happened_are_a_breakdown(extractor, text):
    event = only_event(extractor, text)
    assert event["total_arrests"] == 8
    assert sorted(a["count"] for a in event["acts"]) == [3, 5]


def test_parts_told_by_town_are_events_of_their_own(extractor):
    result = extractor.extract(
        article_id="t",
        published="2024-07-08",
        text="West Yorkshire Police arrested nine people at protests on Saturday, six in Leeds "
        "and three in Bradford.",
    )
    assert {e["location"]: e["total_arrests"] for e in result["events"]} == {
        "Leeds": 6,
        "Bradford": 3,
    }


@pytest.mark.parametrize(
    "text",
    [
        "A retired teacher in Ipswich received a visit from two officers on Tuesday after she "
        "shared a post about a protest camp.",
        "Officers went round to a man's house in Preston on Thursday over a video he posted "
        "about a protest march.",
    ],
)
def test_visits_told_in_still_other_words_are_home_visits(extractor, text):
    event = only_event(extractor, text)
    assert [(a["type"], a["count"]) for a in event["acts"]] == [("home_visit", 1)]


@pytest.mark.parametrize(
    "text",
    [
        "Police fired on demonstrators in Lagos on Saturday, killing two people.",
        "Police shot dead three people during protests in Nairobi on Tuesday.",
    ],
)
def test_police_firing_on_and_killing_protesters_is_force(extractor, text):
    event = only_event(extractor, text)
    assert [a["type"] for a in event["acts"]] == ["force"]


def test_a_dateline_with_a_state_and_a_bracketed_date_is_the_publication_date(extractor):
    result = extractor.extract(
        article_id="t",
        text="PORTLAND, Ore. (March 3, 2025) — Portland Police Bureau officers arrested seven "
        "people Saturday night after protesters blocked the driveway of an immigration facility.",
    )
    assert result["published"] == "2025-03-03"
    assert [e["date"] for e in result["events"]] == ["2025-03-01"]


def test_an_unauthorised_assembly_is_a_protest_and_a_gathering(extractor):
    event = only_event(
        extractor,
        "Police arrested 10 people in Leeds on Sunday for taking part in an unauthorised assembly.",
    )
    assert [(a["type"], a["count"], a["trigger"]) for a in event["acts"]] == [
        ("arrest", 10, "gathering")
    ]


def test_another_protest_told_in_passing_does_not_take_the_stories_form_of_protest(extractor):
    result = extractor.extract(
        article_id="t",
        published="2024-09-23",
        text="Eleven arrested as march halts Leeds ring road\n\nEleven people were arrested in "
        "Leeds on Saturday after marchers sat down on the ring road, bringing traffic to a halt."
        "\n\nThe march was organised by a housing group. In March, nine people were arrested at "
        "a similar protest in Bradford.",
    )
    assert {e["location"]: [a["trigger"] for a in e["acts"]] for e in result["events"]} == {
        "Leeds": ["obstruction"],
        "Bradford": [None],
    }


@pytest.mark.parametrize(
    "text",
    [
        "A man was arrested in Leeds on Saturday over an X post about asylum seekers.",
        "A woman was arrested in Leeds on Saturday over comments posted on Facebook.",
        "A man was arrested in Leeds on Saturday over a speech criticising the government.",
    ],
)
def test_posts_comments_and_speeches_told_without_a_determiner_are_expression(extractor, text):
    event = only_event(extractor, text)
    assert [(a["type"], a["count"]) for a in event["acts"]] == [("arrest", 1)]


EVENTS_2 = Path(__file__).parent / "fixtures" / "events_gold_2.jsonl"
# Twenty more invented articles on the event side (dates from a URL's year checked against the
# weekday, a statement told on a later day, relative chains, follow-up acts, triggers told around
# the acts, protests after a crime, other stories' headlines), committed before the extractor
# ran on them. As first written they scored relevance 0.45, trigger F1 0.65.
EVENTS_2_FLOORS = {
    "relevance": ("balanced_accuracy", 0.95),
    "acts": ("f1", 0.93),
    "force": ("accuracy", 0.95),
    "location": ("accuracy", 0.90),
    "date": ("accuracy", 0.95),
    "total_arrests": ("accuracy", 0.90),
    "trigger": ("f1", 0.85),
}


@pytest.mark.parametrize("field", sorted(EVENTS_2_FLOORS))
def test_scores_on_the_second_event_fixtures_stay_above_their_floors(extractor, field):
    records = [json.loads(line) for line in EVENTS_2.read_text(encoding="utf-8").splitlines()]
    predictions, _ = extract_records(records, extractor)
    measure, floor = EVENTS_2_FLOORS[field]
    value = getattr(score_extractions(records, predictions)[field], measure)
    assert value is not None and value >= floor, f"{field} {measure} {value} < {floor}"


@pytest.mark.parametrize(
    "text",
    [
        "Police told reporters 14 people were arrested at the protest in Leeds on Saturday.",
        "West Yorkshire Police told the BBC 14 people were arrested at the protest in Leeds.",
    ],
)
def test_whom_a_spokesperson_told_does_not_make_the_arrests_hypothetical(extractor, text):
    event = only_event(extractor, text)
    assert [(act["type"], act["count"]) for act in event["acts"]] == [("arrest", 14)]


def test_a_protest_outside_a_court_is_no_court_outcome(extractor):
    event = only_event(
        extractor,
        "Police arrested three people at a protest outside the court where the trial of six "
        "activists was taking place in Leeds on Monday.",
    )
    assert [(act["type"], act["count"]) for act in event["acts"]] == [("arrest", 3)]


def test_other_stories_headlines_report_no_act(extractor):
    result = extractor.extract(
        article_id="t",
        text="About 40 workers joined a picket line outside the depot in Leeds on Tuesday.\n\n"
        "Related\nMan arrested after shop break-in\nTwo held over bike thefts",
        published="2024-06-10",
    )
    assert not result["relevant"]


ACTS_2 = Path(__file__).parent / "fixtures" / "acts_gold_2.jsonl"
# A sixth set (issue 14, the acts side), written and labelled before the extractor ran on it:
# totals in words with breakdowns that do not add up, nested details ("of the 22 arrested, four
# were under 18", "among those held was ..."), single named people, headline numbers, vague and
# bounded counts, items seized, citations in another sentence ("made using powers under ..."),
# Acts outside the codebook, "a Section 35 dispersal order under ...", conditions "placed on" a
# march, background figures, acts by security staff, counter-protesters and immigration
# officers, and stated outcomes. As first written (two labels then corrected to the written
# rules): acts 0.84, acts (type, basis) 0.91, total arrests 0.97. A second batch (a2-32..48:
# force and detentions abroad, summonses, identity custody, a Section 14 notice used to move a
# protest, a home visit, a banner confiscated, stewards and university security acting, a
# running total told before the clause, remainders, outcomes), written after the first batch's
# rules: acts 0.88, acts (type, basis) 0.92, total arrests 0.81. The floors sit a little below
# the scores reached after the rules they prompted (acts 0.99, total 0.98). A third batch
# (a2-49..60: quantifiers before a dispersal's object, arrests as a result, 'there were three
# arrests', two people with ages, 's.5 POA' and 'section 4A', a breached order, conditions as the
# subject, border officials, a further day's arrests): acts 0.86, acts (type, basis) 0.91, total
# arrests 0.92 as first written; acts 0.97 after (one gathering with no protest word missed). A
# fourth batch (a2-61..65: identity-check custody and home visits in other words): acts 0.67
# as first written (one identity custody and the homes of three activists missed), 1.00 after.
ACTS_2_FLOORS = {
    "relevance": ("balanced_accuracy", 0.95),
    "acts": ("f1", 0.95),
    "acts_basis": ("f1", 0.95),
    "total_arrests": ("accuracy", 0.95),
    "force": ("accuracy", 0.95),
    "location": ("accuracy", 0.95),
}


@pytest.fixture(scope="module")
def acts_2_records() -> list[dict]:
    return [json.loads(line) for line in ACTS_2.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def acts_2_scores(extractor):
    return _scores_of_invented_set(ACTS_2, extractor, at_least=65)


@pytest.mark.parametrize("field", sorted(ACTS_2_FLOORS))
def test_scores_on_the_sixth_invented_set_stay_above_their_floors(acts_2_scores, field):
    measure, floor = ACTS_2_FLOORS[field]
    value = getattr(acts_2_scores[field], measure)
    assert value is not None and value >= floor, f"{field} {measure} {value} < {floor}"


def test_outcomes_stated_in_the_sixth_set_are_proposed(extractor, acts_2_records):
    for record in acts_2_records:
        told = [
            (act["type"], act["count"], act["outcomes"])
            for event in record["events"]
            for act in event["acts"]
            if "outcomes" in act
        ]
        if not told:
            continue
        result = extractor.extract(article_id=record["id"], text=record["text"])
        found = [
            (act["type"], act["count"], act["outcomes"])
            for event in result["events"]
            for act in event["acts"]
            if act["outcomes"]
        ]
        assert found == told, record["id"]


@pytest.mark.parametrize(
    "text",
    [
        "Campaigner Jo Pell, 58, was arrested at the protest in Leeds on Saturday, West Yorkshire "
        "Police said.",
        "Retired teacher Ann Vosper was arrested at the protest in Leeds on Saturday, West "
        "Yorkshire Police said.",
    ],
)
def test_a_named_person_arrested_counts_one_but_states_no_total(extractor, text):
    event = only_event(extractor, text)
    assert [(act["type"], act["count"]) for act in event["acts"]] == [("arrest", 1)]
    assert event["total_arrests"] is None


def test_people_issued_with_notices_are_their_count(extractor):
    event = only_event(
        extractor,
        "Merseyside Police arrested two people at the protest in Liverpool on Saturday. Five "
        "others were issued with dispersal notices.",
    )
    assert {a["type"]: a["count"] for a in event["acts"]} == {"arrest": 2, "dispersal": 5}


def test_a_citation_in_the_sentence_before_goes_to_the_acts_it_points_at(extractor):
    result = extractor.extract(
        article_id="t",
        published="2025-08-20",
        text=(
            "Cleveland Police confirmed the first two charges for offences under the Terrorism "
            "Act relating to the protest. The two people charged were arrested at a protest in "
            "Middlesbrough on Saturday."
        ),
    )
    acts = [a for e in result["events"] for a in e["acts"] if a["type"] == "charge"]
    assert [(a["count"], a["legal_basis"]) for a in acts] == [(2, "Terrorism Act 2000")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Police in Hamburg ended a rally on Saturday after speakers chanted a banned slogan.",
            "dispersal",
        ),
        (
            "Officers used a Section 14 notice to move the protest in Leeds to the far side of "
            "the square on Saturday.",
            "dispersal",
        ),
        (
            "Northumbria Police placed conditions on the march in Newcastle on Saturday.",
            "dispersal",
        ),
        (
            "Portland police declared a riot outside the federal building in Portland on "
            "Saturday night as protesters threw bottles.",
            "dispersal",
        ),
        (
            "Police tried to kettle the marchers in Leeds on Saturday as the protest spread.",
            "other",
        ),
    ],
)
def test_orders_and_containment_in_other_words_are_acts(extractor, text, expected):
    event = only_event(extractor, text)
    assert [a["type"] for a in event["acts"]] == [expected]


def test_a_running_total_put_before_the_clause_is_no_act(extractor):
    event = only_event(
        extractor,
        "Since the start of the month, Police Scotland have arrested 96 people in connection with "
        "the protests. On Saturday alone, 31 people were arrested in Stirling.",
        published="2024-09-23",
    )
    assert [(a["type"], a["count"]) for a in event["acts"]] == [("arrest", 31)]
    assert event["total_arrests"] == 31


def test_one_item_confiscated_counts_one(extractor):
    event = only_event(
        extractor,
        "Gwent Police confiscated a banner and arrested two people during a protest in Newport "
        "on Saturday.",
    )
    assert {a["type"]: a["count"] for a in event["acts"]} == {"seizure": 1, "arrest": 2}


def test_two_single_people_with_their_ages_count_two(extractor):
    event = only_event(
        extractor,
        "West Yorkshire Police arrested a man, 34, and a woman, 29, at a protest in Wakefield on "
        "Saturday.",
    )
    assert [(a["type"], a["count"]) for a in event["acts"]] == [("arrest", 2)]
    assert event["total_arrests"] is None


def test_one_and_the_other_are_two_acts_with_their_own_sections(extractor):
    event = only_event(
        extractor,
        "Police arrested two men at a counter-protest in Newark on Saturday: one under s.5 POA for "
        "shouting abuse, and the other under section 4A of the Public Order Act for a sign.",
    )
    assert sorted((a["count"], a["legal_basis"]) for a in event["acts"]) == [
        (1, "Public Order Act 1986 s4A"),
        (1, "Public Order Act 1986 s5"),
    ]
    assert event["total_arrests"] == 2


def test_conditions_told_as_the_subject_are_an_order(extractor):
    event = only_event(
        extractor,
        "Conditions imposed under section 14 of the Public Order Act 1986 required the protest in "
        "London on Saturday to end by 4pm. The Metropolitan Police arrested four people.",
    )
    assert {a["type"]: a["legal_basis"] for a in event["acts"]} == {
        "dispersal": "Public Order Act 1986 s14",
        "arrest": None,
    }


def test_custody_so_that_identities_could_be_verified_is_coded_other(extractor):
    event = only_event(
        extractor,
        "Police in Zurich removed activists who blocked a bank on Friday, and 31 of them were "
        "taken to a police station so that their identities could be verified.",
    )
    assert ("other", 31) in [(a["type"], a["count"]) for a in event["acts"]]


def test_the_homes_of_three_activists_are_three_home_visits(extractor):
    event = only_event(
        extractor,
        "Lancashire Constabulary visited the homes of three activists in Burnley on Thursday, a "
        "day before a planned protest at the town hall.",
    )
    assert [(a["type"], a["count"]) for a in event["acts"]] == [("home_visit", 3)]


@pytest.mark.parametrize(
    "head",
    [
        "By Jo Mercer, Crime Reporter | Monday 5 August 2024 14:02",
        "August 5, 2024 / 2:34 PM / Channel 4 News",
        "2024-08-05T14:02:00Z",
        "Mon, 08/05/2024 - 14:02",
        "05.08.2024",
    ],
)
def test_a_publication_line_in_many_formats_dates_a_relative_day(extractor, head):
    result = extractor.extract(
        article_id="t",
        text=f"{head}\n\nPolice arrested 12 people at a protest in Leeds on Saturday, West "
        "Yorkshire Police said.",
    )
    assert result["published"] == "2024-08-05"
    assert [event["date"] for event in result["events"]] == ["2024-08-03"]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (
            "Three protesters were placed under arrest at the protest in Leeds on Saturday.",
            "arrest",
        ),
        ("Two activists were picked up by police at the protest in Leeds on Saturday.", "arrest"),
        (
            "Officers would like to speak to the people pictured after the protest in Leeds.",
            "image_appeal",
        ),
    ],
)
def test_police_action_told_in_other_words(extractor, text, kind):
    event = only_event(extractor, text)
    assert [act["type"] for act in event["acts"]] == [kind]


def test_a_caption_below_the_headline_in_the_present_tense_is_no_act(extractor):
    event = only_event(
        extractor,
        "Police arrest four at bypass protest in Leeds\n\nOfficers arrest a protester\n\nWest "
        "Yorkshire Police arrested four people at the protest in Leeds on Saturday.",
    )
    assert [(a["type"], a["count"]) for a in event["acts"]] == [("arrest", 4)]
    assert event["total_arrests"] == 4


@pytest.mark.parametrize(
    "text",
    [
        "Twelve activists were arrested for breaching a High Court injunction at the oil terminal "
        "in Leeds on Saturday during a protest.",
        "Police arrested 12 people after protests over the shooting of a man by officers turned "
        "violent in Leeds on Saturday.",
        "Police arrested 12 people at a march in Leeds calling for justice for a murdered "
        "teenager.",
    ],
)
def test_a_court_order_or_a_crime_a_protest_is_about_does_not_hide_the_arrests(extractor, text):
    event = only_event(extractor, text)
    assert [(act["type"], act["count"]) for act in event["acts"]] == [("arrest", 12)]


EVENTS_3 = Path(__file__).parent / "fixtures" / "events_gold_3.jsonl"
# Forty invented articles in styles and settings the dev set has few of (police outside the UK,
# generic and foreign-language forces, forces named late or only in a quote, acts told without
# "arrest", protests named by who took part, liveblog, statement, wire and two-line stories,
# relative and foreign-format dates, towns inside group names), committed before the extractor
# ran on them. As first written: relevance 0.78 (seven protests without a protest word or told
# by a ticket missed, a warning taken for an order), force 0.78, place 0.81, date 0.84, total
# 0.78, acts 0.81, trigger 0.69.
EVENTS_3_FLOORS = {
    "relevance": ("balanced_accuracy", 0.95),
    "acts": ("f1", 0.88),
    "force": ("accuracy", 0.94),
    "location": ("accuracy", 0.94),
    "date": ("accuracy", 0.95),
    "total_arrests": ("accuracy", 0.90),
    "trigger": ("f1", 0.72),
}


@pytest.mark.parametrize("field", sorted(EVENTS_3_FLOORS))
def test_scores_on_the_third_event_fixtures_stay_above_their_floors(extractor, field):
    records = [json.loads(line) for line in EVENTS_3.read_text(encoding="utf-8").splitlines()]
    predictions, _ = extract_records(records, extractor)
    measure, floor = EVENTS_3_FLOORS[field]
    value = getattr(score_extractions(records, predictions)[field], measure)
    assert value is not None and value >= floor, f"{field} {measure} {value} < {floor}"


@pytest.mark.parametrize(
    "text",
    [
        "Police arrested two men in Cambridge on Tuesday after tractors blocked a main road.",
        "Officers detained six students in Leeds on Tuesday who refused to leave the town hall.",
        "Police dispersed farmers who had blocked a roundabout in Dover on Tuesday.",
        "Police arrested four people in Leeds on Tuesday after nurses gathered outside the "
        "hospital to oppose ward closures.",
    ],
)
def test_a_protest_told_by_who_took_part_and_what_they_did_is_a_protest(extractor, text):
    assert only_event(extractor, text)["location"] in {"Cambridge", "Leeds", "Dover"}


@pytest.mark.parametrize(
    "text",
    [
        "Police fined drivers blocking a box junction in Leeds on Tuesday.",
        "Residents say they are angry at burglaries; police arrested two men in Leeds on Tuesday.",
        "Sussex Police said it had imposed no conditions on the march in Brighton on Saturday.",
    ],
)
def test_traffic_crime_and_orders_not_given_are_no_protest_action(extractor, text):
    result = extractor.extract(article_id="t", text=text, published="2024-06-10")
    assert not result["relevant"], result["events"]


def test_a_ticket_told_by_its_verb_is_an_act(extractor):
    event = only_event(
        extractor, "Officers cited 18 protesters for blocking traffic during a march in Leeds."
    )
    assert [act["type"] for act in event["acts"]] == ["other"]


@pytest.mark.parametrize(
    ("text", "force"),
    [
        ("Paris police detained 23 people at a protest in Paris on Saturday.", None),
        ("Berlin police detained 12 climate activists in Berlin on Saturday.", None),
        ("Chicago police arrested 12 protesters in Chicago on Saturday.", "Chicago police"),
        (
            "The Mossos d'Esquadra, Catalonia's regional police, arrested four protesters in "
            "Barcelona on Saturday.",
            "Mossos d'Esquadra",
        ),
    ],
)
def test_a_city_police_is_a_force_only_where_city_forces_take_the_citys_name(
    extractor, text, force
):
    assert only_event(extractor, text)["force"] == force


def test_a_city_force_with_no_place_told_acts_in_its_city(extractor):
    event = only_event(
        extractor, "Madison Police Department officers arrested 18 protesters on Saturday."
    )
    assert (event["location"], event["country"]) == ("Madison", "US")


def test_the_kind_of_police_is_not_a_town(extractor):
    event = only_event(
        extractor,
        "University police arrested nine students at an encampment in Gainesville on Thursday.",
    )
    assert event["location"] == "Gainesville"


def test_a_dateline_below_the_headline_places_the_story(extractor):
    event = only_event(
        extractor,
        "Troopers arrest 31 students\n\nPublished Tuesday, May 7, 2024\n\nAUSTIN - State "
        "troopers arrested 31 students on Monday at a sit-in at the state Capitol.",
    )
    assert event["location"] == "Austin"


EVENTS_4 = Path(__file__).parent / "fixtures" / "events_gold_4.jsonl"
# Twenty invented articles on dates (publication lines in many house styles, relative days,
# weekends, overnight, days without a year, court days after the protest, a footer year) and acts
# told far from the protest, committed before the extractor ran on them. As first written:
# relevance 0.94, force 0.89, place 0.94, date 0.86 (an ISO time stamp not read, a court day
# taken for the protest's), total 0.89, acts 0.87, trigger 0.67.
EVENTS_4_FLOORS = {
    "relevance": ("balanced_accuracy", 0.95),
    "acts": ("f1", 0.90),
    "force": ("accuracy", 0.85),
    "location": ("accuracy", 0.90),
    "date": ("accuracy", 0.95),
    "total_arrests": ("accuracy", 0.90),
    "trigger": ("f1", 0.70),
}


@pytest.mark.parametrize("field", sorted(EVENTS_4_FLOORS))
def test_scores_on_the_fourth_event_fixtures_stay_above_their_floors(extractor, field):
    records = [json.loads(line) for line in EVENTS_4.read_text(encoding="utf-8").splitlines()]
    predictions, _ = extract_records(records, extractor)
    measure, floor = EVENTS_4_FLOORS[field]
    value = getattr(score_extractions(records, predictions)[field], measure)
    assert value is not None and value >= floor, f"{field} {measure} {value} < {floor}"


def test_an_iso_time_stamp_line_is_the_publication_date(extractor):
    result = extractor.extract(
        article_id="t",
        text="Sit-in at station\n\n2023-10-28T07:30:00+01:00\n\nBritish Transport Police "
        "arrested nine people on Friday after a sit-in at a station in London.",
    )
    assert result["published"] == "2023-10-28"
    assert result["events"][0]["date"] == "2023-10-27"


def test_the_date_of_a_protest_told_a_few_words_after_it_dates_a_later_charge(extractor):
    event = only_event(
        extractor,
        "A man appeared before magistrates on Monday charged with assaulting a police officer "
        "during a protest outside an embassy in London on 3 March 2024.",
    )
    assert event["date"] == "2024-03-03"


def test_an_order_that_may_be_considered_is_not_given(extractor):
    result = extractor.extract(
        article_id="t",
        text="More than 300 officers will be on duty for the march in Bradford on Saturday. "
        "A dispersal order may be considered if there is trouble.",
        published="2024-07-10",
    )
    assert not result["relevant"], result["events"]


def test_an_event_held_this_year_somewhere_is_no_tally(extractor):
    event = only_event(
        extractor,
        "Four activists were arrested on Saturday after disrupting a session of an energy "
        "forum, held this year at a conference centre in Liverpool.",
    )
    assert [(act["type"], act["count"]) for act in event["acts"]] == [("arrest", 4)]


EVENTS_5 = Path(__file__).parent / "fixtures" / "events_gold_5.jsonl"
# Twelve invented articles on whole events (two incidents in two towns on two days, a roundup of
# cities, a follow-up appeal, an earlier operation told for context, arrests told five sentences
# after the protest, home visits in other words, Australian forces, negatives), committed before
# the extractor ran on them. As first written: relevance 0.94 (a home visit missed), force 0.75,
# place 0.83, date 0.83, total 0.67, acts 0.86, trigger 0.70. The force of the second town's
# incident on another day stays unnamed, as the earlier fixtures' convention has it.
EVENTS_5_FLOORS = {
    "relevance": ("balanced_accuracy", 0.95),
    "acts": ("f1", 0.95),
    "force": ("accuracy", 0.90),
    "location": ("accuracy", 0.95),
    "date": ("accuracy", 0.95),
    "total_arrests": ("accuracy", 0.95),
    "trigger": ("f1", 0.75),
}


@pytest.mark.parametrize("field", sorted(EVENTS_5_FLOORS))
def test_scores_on_the_fifth_event_fixtures_stay_above_their_floors(extractor, field):
    records = [json.loads(line) for line in EVENTS_5.read_text(encoding="utf-8").splitlines()]
    predictions, _ = extract_records(records, extractor)
    measure, floor = EVENTS_5_FLOORS[field]
    value = getattr(score_extractions(records, predictions)[field], measure)
    assert value is not None and value >= floor, f"{field} {measure} {value} < {floor}"


def test_a_bare_headline_restates_the_counted_arrests_below_it(extractor):
    event = only_event(
        extractor,
        "Arrests outside weapons expo\n\nVictoria Police arrested 12 people on Wednesday as "
        "protesters tried to block delegates from entering a weapons expo in Melbourne.",
    )
    assert [(act["type"], act["count"]) for act in event["acts"]] == [("arrest", 12)]
    assert event["total_arrests"] == 12


def test_a_day_named_inside_a_period_dates_the_act(extractor):
    result = extractor.extract(
        article_id="t",
        text="Sussex Police arrested five people at a protest outside a factory in Brighton on "
        "Saturday.\n\nEarlier this month, on 2 March 2024, the force arrested eleven people at "
        "the same site.",
        published="2024-03-18",
    )
    assert sorted((e["date"], e["total_arrests"]) for e in result["events"]) == [
        ("2024-03-02", 11),
        ("2024-03-16", 5),
    ]


def test_speaking_to_someone_at_their_address_is_a_home_visit(extractor):
    event = only_event(
        extractor,
        "Officers spoke to a man at his address in Margate on Tuesday about a meme he had shared.",
    )
    assert [act["type"] for act in event["acts"]] == ["home_visit"]


def test_another_town_takes_the_other_named_force_that_polices_it(extractor):
    result = extractor.extract(
        article_id="t",
        text="Norfolk Constabulary arrested 13 people at a protest in Norwich on Saturday. In "
        "London, the Metropolitan Police arrested 52 people on the same day. Three people were "
        "charged over a protest in London on 5 July 2025.",
        published="2025-08-11",
    )
    forces = {(e["location"], e["date"]): e["force"] for e in result["events"]}
    assert forces[("London", "2025-07-05")] == "Metropolitan Police Service"
