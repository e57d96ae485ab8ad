"""Event-level constructions: whose count is a total, and which day is the event's.

``fixtures/event_structure_gold.jsonl`` holds short invented articles (several paraphrases of
each construction), labelled by the development set's rules before the extractor ran on them.
Each record's ``check`` names what it pins:

- ``total_arrests`` / ``totals``: the events' stated totals, in order (a single person told
  without a number, "the arrest of a student", states none; "two more men" is an increment on
  a figure the text does not give, not a total);
- ``arrest_counts``: the counts of the arrest acts found;
- ``date``: the event's date (a follow-up told with the protest's day carries that day);
- ``act_triggers``: count -> trigger of the acts found (conduct told as another act's reason in
  the same sentence, "while five were held for spraying paint", is that act's alone);
- ``location``: the event's place (a home visit is where the person lives: "a Stockport
  grandmother", "the home of a Warrington man");
- ``act_types``: the kinds of act found, where the words stand apart and only the parse ties
  them ("was questioned at her house by a police officer over a message"; "took around 40
  protesters to a police station to verify their identities"; "Seven activists who had
  unfurled a banner from a bridge were held for an identity check"; "cleared hundreds of
  students from the steps"; "used powers under sections 12 and 14 of the Public Order Act");
- ``relevant``: false for a negative ("Stewards cleared the square", "police moved their vans
  away": no police action against people).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from casebook.monitor.extraction import Extractor

GOLD = Path(__file__).parent / "fixtures" / "event_structure_gold.jsonl"
RECORDS = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line]


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def _extract(extractor: Extractor, record: dict) -> dict:
    return extractor.extract(article_id=record["id"], text=record["text"], url=record["url"])


def test_the_fixtures_are_labelled_consistently():
    assert len({r["id"] for r in RECORDS}) == len(RECORDS)
    for record in RECORDS:
        assert record["url"].startswith("https://") and ".example.test/" in record["url"]
        check = record["check"]
        events = record["events"]
        assert record["relevant"] == check.get("relevant", True) == bool(events), record["id"]
        if "total_arrests" in check:
            assert events[0]["total_arrests"] == check["total_arrests"]
        if "totals" in check:
            assert [e["total_arrests"] for e in events] == check["totals"]
        if "date" in check:
            assert events[0]["date"] == check["date"]
        if "act_triggers" in check:
            labelled = {str(a["count"]): a["trigger"] for e in events for a in e["acts"]}
            assert labelled == check["act_triggers"]
        for event in events:
            for act in event["acts"]:
                assert act["offence"] is None or act["offence"] in record["text"]


@pytest.mark.parametrize("record", RECORDS, ids=[r["id"] for r in RECORDS])
def test_event_structure_matches_the_label(extractor, record):
    result = _extract(extractor, record)
    check = record["check"]
    assert result["relevant"] == check.get("relevant", True), record["construction"]
    events = result["events"]
    if "total_arrests" in check:
        assert len(events) == 1, events
        assert events[0]["total_arrests"] == check["total_arrests"], record["construction"]
    if "totals" in check:
        assert [e["total_arrests"] for e in events] == check["totals"], record["construction"]
    if "arrest_counts" in check:
        counts = [a["count"] for e in events for a in e["acts"] if a["type"] == "arrest"]
        assert counts == check["arrest_counts"], record["construction"]
    if "date" in check:
        assert len(events) == 1, events
        assert events[0]["date"] == check["date"], record["construction"]
    if "location" in check:
        assert [e["location"] for e in events] == [check["location"]], record["construction"]
    if "act_types" in check:
        assert [a["type"] for e in events for a in e["acts"]] == check["act_types"], events
    if "act_triggers" in check:
        found = {str(a["count"]): a["trigger"] for e in events for a in e["acts"]}
        assert found == check["act_triggers"], record["construction"]
