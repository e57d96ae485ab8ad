"""The importer's compiled checks refuse, word and convert every value exactly as the
models' own `full_clean()` does: the fast path changes the cost, never the outcome."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from casebook.cases.models import Act, Incident, Outcome, Tag
from casebook.codebook.models import ActType, OutcomeType
from casebook.sources.models import Channel, Source
from casebook.transfer.building import Blank, link
from casebook.transfer.checking import ModelCheck

pytestmark = pytest.mark.django_db

LONG = "x" * 5000
# (field, values to try): valid ones, empty ones, and each way a value can be refused or
# converted (a number where text goes, text where a date or a number goes…).
INCIDENT_VALUES = {
    "title": ["Invented title", "", None, LONG, "NUL\x00here", 42],
    "summary": ["", "Invented summary", LONG * 20, "a\x00b"],
    "date": [dt.date(2024, 5, 4), None, "2024-05-04", "not a date", dt.date(1, 1, 1)],
    "date_precision": ["day", "month", "fortnight", ""],
    "end_date": [None, dt.date(2024, 5, 3), dt.date(2024, 5, 6)],
    "place": ["Testford", "", LONG],
    "country": ["GB", "gb", "XX", "", "GBR"],
    "latitude": [None, Decimal("51.5"), Decimal("123.1234567"), "51.5", 51.5],
    "longitude": [None, Decimal("-0.12"), Decimal("1234.5")],
    "status": ["draft", "bogus", ""],
    "external_id": [None, "id-1", "", LONG],
}
ACT_VALUES = {
    "number_affected": [None, 0, 3, -1, 2**31, "7", "seven", True],
    "number_precision": ["exact", "roughly", ""],
    "trigger_wording": ["", "WORDS", LONG, "NUL\x00"],
    "offence_wording": ["", 12],
    "external_id": ["1", "", LONG],
    "position": [1, 0, -3, "2"],
}
SOURCE_VALUES = {
    "url": ["", "https://news.example.test/a", "not a web address", "ftp://x", LONG],
    "title": ["Invented report", "", LONG],
    "kind": ["news_article", "rumour", ""],
    "reliability": ["A", "Z", ""],
    "credibility": ["1", "9", ""],
    "published_at": [None, dt.datetime(2024, 5, 4, 12, tzinfo=dt.UTC), "2024-05-04T12:00"],
}
OUTCOME_VALUES = {
    "date": [None, dt.date(2024, 5, 6), "06/05/2024", "2024-05-06"],
    "note": ["", "note", LONG * 20, "\x00"],
}


def outcome_of(values, *, blank: bool):
    outcome = Blank(Outcome)(**values) if blank else Outcome(**values)
    link(outcome, "outcome_type", OutcomeType.objects.first())
    return outcome


def both_ways(build, exclude: list[str]) -> tuple:
    """(errors, values) of full_clean() on one instance and of ModelCheck on a twin."""
    results = []
    for check in (
        lambda i: i.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False),
        lambda i: ModelCheck(type(i), exclude=exclude)(i),
    ):
        instance = build()
        try:
            check(instance)
            errors = None
        except Exception as error:  # noqa: BLE001 (what each raised is what is compared)
            errors = (type(error).__name__, getattr(error, "message_dict", str(error)))
        values = {k: v for k, v in instance.__dict__.items() if k != "_state"}
        results.append((errors, values))
    return results[0], results[1]


def cases(table: dict) -> list:
    return [(name, value) for name, values in table.items() for value in values]


@pytest.mark.parametrize(("name", "value"), cases(INCIDENT_VALUES))
def test_an_incident_value_is_checked_as_full_clean_checks_it(reference_data, name, value):
    base = {"title": "Invented", "date": dt.date(2024, 5, 4)}

    slow, fast = both_ways(
        lambda: Incident(**{**base, name: value}), ["force", "protest", "created_by", "reference"]
    )

    assert fast == slow


@pytest.mark.parametrize(("name", "value"), cases(ACT_VALUES))
def test_an_act_value_is_checked_as_full_clean_checks_it(reference_data, name, value):
    arrest = ActType.objects.get(slug="arrest")

    def build():
        act = Act(**{"external_id": "1", "position": 1, name: value})
        act.act_type = arrest
        return act

    slow, fast = both_ways(
        build, ["incident", "act_type", "legal_provision", "trigger_type", "perpetrator"]
    )

    assert fast == slow


@pytest.mark.parametrize(("name", "value"), cases(SOURCE_VALUES))
def test_a_source_value_is_checked_as_full_clean_checks_it(reference_data, name, value):
    base = {"title": "Invented", "kind": "news_article", "reliability": "F", "credibility": "6"}

    def build():
        source = Source(**{**base, name: value})
        source.channel = Channel.objects.first()
        return source

    slow, fast = both_ways(build, ["channel", "text_sha256"])

    assert fast == slow


@pytest.mark.parametrize(("name", "value"), cases(OUTCOME_VALUES))
def test_an_outcome_value_is_checked_as_full_clean_checks_it(reference_data, name, value):
    slow, fast = both_ways(lambda: outcome_of({name: value}, blank=False), ["act", "outcome_type"])

    assert fast == slow


@pytest.mark.parametrize("name", ["night", "", "a;b", "x" * 200, "NUL\x00"])
def test_a_tag_is_checked_as_full_clean_checks_it(name):
    slow, fast = both_ways(lambda: Tag(name=name), [])

    assert fast == slow


@pytest.mark.parametrize(
    ("model", "values"),
    [
        (Incident, {"title": "Invented", "date": dt.date(2024, 5, 4), "external_id": "x"}),
        (Act, {"external_id": "1", "position": 1}),
        (Source, {"title": "Invented", "kind": "news_article"}),
        (Outcome, {"note": "n", "date": dt.date(2024, 5, 6)}),
        (Tag, {"name": "night"}),
    ],
)
def test_a_blank_instance_is_the_instance_the_model_builds(reference_data, model, values):
    made, copied = model(**values), Blank(model)(**values)

    def comparable(instance):
        # Timestamps taken a moment apart are the same kind of value, not the same value.
        return {
            k: type(v) if isinstance(v, dt.datetime) else v
            for k, v in instance.__dict__.items()
            if k != "_state"
        }

    assert comparable(copied) == comparable(made)
    assert copied._state.adding and copied._state.db is None


def test_a_linked_foreign_key_reads_back_as_the_descriptor_leaves_it(reference_data):
    arrest = ActType.objects.get(slug="arrest")
    set_by_descriptor, linked = Act(), Blank(Act)()

    set_by_descriptor.act_type = arrest
    link(linked, "act_type", arrest)

    assert linked.act_type_id == set_by_descriptor.act_type_id == arrest.pk
    assert linked.act_type is arrest
