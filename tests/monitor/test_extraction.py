"""The article extractor on articles written for these tests (never third-party text)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from casebook.monitor.extraction import Extractor, extract_article
from casebook.monitor.extraction.extractor import MAX_CHARS
from casebook.monitor.extraction.inputs import article_text, main_text

FIXTURES = Path(__file__).parent / "fixtures" / "articles.jsonl"


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


@pytest.fixture(scope="module")
def articles() -> dict[str, dict]:
    records = [json.loads(line) for line in FIXTURES.read_text(encoding="utf-8").splitlines()]
    return {record["id"]: record for record in records}


def run(extractor: Extractor, record: dict) -> dict:
    return extractor.extract(
        article_id=record["id"],
        text=article_text(record),
        title=record.get("title", ""),
        url=record.get("url", ""),
        published=record.get("published"),
    )


def analysed(record: dict, result: dict) -> str:
    text = article_text(record)
    if result["span_base"] == "title+text":
        return f"{record['title'].strip()}\n\n{text}"
    return text


def only_event(result: dict) -> dict:
    assert result["relevant"] is True
    assert len(result["events"]) == 1, result["events"]
    return result["events"][0]


def test_scotland_yard_is_the_metropolitan_police_service(extractor, articles):
    event = only_event(run(extractor, articles["fx-met-breakdown"]))
    assert event["force"] == "Metropolitan Police Service"
    assert event["country"] == "GB"
    assert event["location"] == "London"  # Parliament Square stands for London


def test_breakdown_gives_one_act_per_offence_and_the_stated_total(extractor, articles):
    event = only_event(run(extractor, articles["fx-met-breakdown"]))
    assert event["total_arrests"] == 412
    counts = sorted(act["count"] for act in event["acts"] if act["type"] == "arrest")
    assert counts == [3, 8, 401]  # the total is not an act of its own, and nothing is summed
    placards = next(act for act in event["acts"] if act["count"] == 401)
    assert placards["legal_basis"] == "Terrorism Act 2000 s13"
    assert placards["trigger"] == "placard"
    assert placards["offence"] == "displaying placards in support of a proscribed group"


def test_s14_poa_resolves_to_public_order_act_1986_section_14(extractor, articles):
    event = only_event(run(extractor, articles["fx-kent-conditions"]))
    assert event["force"] == "Kent Police"
    conditions = next(act for act in event["acts"] if act["type"] == "dispersal")
    assert conditions["legal_basis"] == "Public Order Act 1986 s14"
    assert conditions["count"] is None


def test_dozens_leaves_the_count_and_the_total_empty(extractor, articles):
    event = only_event(run(extractor, articles["fx-kent-conditions"]))
    arrests = [act for act in event["acts"] if act["type"] == "arrest"]
    assert [act["count"] for act in arrests] == [None]
    assert event["total_arrests"] is None


@pytest.mark.parametrize(
    ("article", "expected"),
    [
        ("fx-met-breakdown", "2025-03-15"),  # "on Saturday", published Monday 17 March 2025
        ("fx-kent-conditions", "2024-06-08"),  # "yesterday"
        ("fx-last-night", "2023-04-11"),  # "last night", publication date from the URL
        ("fx-html", "2022-11-13"),  # "on Sunday"
    ],
)
def test_relative_dates_resolve_against_the_publication_date(
    extractor, articles, article, expected
):
    assert only_event(run(extractor, articles[article]))["date"] == expected


def test_weekday_without_a_publication_date_gives_no_date(extractor):
    result = extractor.extract(
        article_id="x",
        text=(
            "Essex Police arrested four protesters who blocked a road in Chelmsford on Saturday."
        ),
    )
    assert only_event(result)["date"] is None
    assert result["published"] is None


def test_publication_date_is_found_in_the_url(extractor, articles):
    result = run(extractor, articles["fx-last-night"])
    assert result["published"] == "2023-04-12"


@pytest.mark.parametrize("article", ["fx-opinion", "fx-court", "fx-unrelated"])
def test_hard_negatives_are_not_relevant_and_have_no_events(extractor, articles, article):
    result = run(extractor, articles[article])
    assert result["relevant"] is False
    assert result["events"] == []
    assert 0 <= result["relevance_score"] < 0.5


def test_warnings_about_future_arrests_are_not_actions(extractor):
    result = extractor.extract(
        article_id="x",
        text=(
            "Police warned that anyone carrying flags of the banned group at Saturday's march in "
            "Bristol would face arrest. Organisers said they expected thousands of marchers."
        ),
    )
    assert result["relevant"] is False


def test_cumulative_campaign_totals_are_not_events(extractor):
    result = extractor.extract(
        article_id="x",
        text=(
            "More than 2,000 protesters have been arrested since July across the campaign against "
            "the new road, campaigners said in a statement."
        ),
    )
    assert result["relevant"] is False


def test_spans_point_at_the_supporting_words(extractor, articles):
    record = articles["fx-met-breakdown"]
    result = run(extractor, record)
    text = analysed(record, result)
    event = only_event(result)
    (force_span,) = event["spans"]["force"]
    assert text[force_span[0] : force_span[1]] == "Scotland Yard"
    (total_span,) = event["spans"]["total_arrests"]
    assert text[total_span[0] : total_span[1]] == "412"
    (date_span,) = event["spans"]["date"]
    assert "Saturday" in text[date_span[0] : date_span[1]]
    for act in event["acts"]:
        (count_span,) = act["spans"]["count"]
        assert text[count_span[0] : count_span[1]] == str(act["count"])
        if act["legal_basis"]:
            (basis,) = act["spans"]["legal_basis"]
            assert text[basis[0] : basis[1]] == "Section 13 of the Terrorism Act"
        (offence,) = act["spans"]["offence"]
        assert text[offence[0] : offence[1]] == act["offence"]
        assert 0 < act["confidence"] <= 1
    assert 0 < event["confidence"] <= 1


def test_empty_fields_have_no_span(extractor, articles):
    event = only_event(run(extractor, articles["fx-kent-conditions"]))
    assert "total_arrests" not in event["spans"]
    dozens = next(act for act in event["acts"] if act["type"] == "arrest")
    assert "count" not in dozens["spans"]


def test_title_is_put_before_the_text_and_spans_follow_it(extractor):
    title = "Arrests at city hall rally"
    body = "Leicestershire Police arrested six people at a rally in Leicester on Friday."
    result = extractor.extract(
        article_id="x", title=title, text=body, published=dt.date(2024, 2, 12)
    )
    assert result["span_base"] == "title+text"
    analysed_text = f"{title}\n\n{body}"
    (count_span,) = only_event(result)["acts"][0]["spans"]["count"]
    assert analysed_text[count_span[0] : count_span[1]] == "six"
    assert only_event(result)["acts"][0]["count"] == 6


def test_unknown_force_is_kept_as_written_and_generic_police_is_none(extractor):
    named = extractor.extract(
        article_id="a",
        text=(
            "The Springfield Police Department arrested 12 demonstrators who blocked a highway "
            "during a protest in Portland on Tuesday."
        ),
    )
    assert only_event(named)["force"] == "Springfield Police Department"
    generic = extractor.extract(
        article_id="b",
        text=("French police detained 40 people after a protest against pension cuts in Lyon."),
    )
    event = only_event(generic)
    assert event["force"] is None
    assert event["country"] == "FR"
    assert event["acts"][0]["count"] == 40


def test_more_than_a_number_is_not_a_count(extractor):
    result = extractor.extract(
        article_id="x",
        text=(
            "Hampshire Police said more than 60 activists were arrested at the protest in "
            "Southampton."
        ),
    )
    event = only_event(result)
    assert event["acts"][0]["count"] is None
    assert event["total_arrests"] is None


@pytest.mark.parametrize("article", ["fx-french", "fx-empty"])
def test_other_languages_and_empty_text_are_not_relevant(extractor, articles, article):
    result = run(extractor, articles[article])
    assert result["relevant"] is False
    assert result["events"] == []


# The work is bounded, not timed: only the first MAX_CHARS characters are ever read, so an
# article of any length costs at most what MAX_CHARS of the densest text costs. The time that
# takes is a figure in bench/extract.py ("enormous article"), not an assertion here.
RELEVANT_SENTENCE = "Police arrested protesters at the march in Leeds on Saturday. "
FILLER_SENTENCE = "The shops in the town centre were open as usual on a mild morning. "


def test_words_past_the_character_bound_are_never_read(extractor):
    padding = FILLER_SENTENCE * (MAX_CHARS // len(FILLER_SENTENCE) + 1)
    text = padding + RELEVANT_SENTENCE * 200_000  # ~12 MB, every report past the bound
    result = extractor.extract(article_id="tail", text=text)
    assert result["relevant"] is False
    assert result["events"] == []


def test_an_enormous_relevant_text_is_read_up_to_the_bound_and_no_further(extractor):
    # The densest text the extractor meets fills the bound; a different event follows it.
    first = RELEVANT_SENTENCE * (MAX_CHARS // len(RELEVANT_SENTENCE) + 1)
    beyond = "Kent Police detained campaigners at a rally in Dover on Sunday. " * 150_000
    result = extractor.extract(article_id="big", text=first + beyond)  # ~12 MB
    assert result["relevant"] is True
    assert {event["location"] for event in result["events"]} == {"Leeds"}


def test_binary_junk_does_not_crash(extractor):
    junk = bytes(range(256)).decode("latin-1") * 50
    assert extractor.extract(article_id="junk", text=junk)["relevant"] is False


def test_html_input_is_reduced_to_its_main_text(extractor, articles):
    record = articles["fx-html"]
    text = article_text(record)
    assert "var arrested" not in text
    assert "Greater Manchester Police arrested five people" in text
    event = only_event(run(extractor, record))
    assert event["force"] == "Greater Manchester Police"
    assert event["total_arrests"] == 5


def test_main_text_of_empty_markup_is_empty():
    assert main_text("") == ""


def test_extract_article_uses_one_shared_extractor():
    first = extract_article(article_id="a", text="Nothing to see here.")
    second = extract_article(article_id="b", text="")
    assert first["id"] == "a" and second["relevant"] is False
    assert set(first) >= {"id", "relevant", "relevance_score", "published", "span_base", "events"}
