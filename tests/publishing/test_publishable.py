"""The publishable layer: only what may be public comes out of it, whatever is asked."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from casebook.cases.models import Incident, IncidentStatus
from casebook.publishing.models import PortalSettings
from casebook.publishing.publishable import (
    public_incident,
    public_incidents,
    public_neighbours,
    published_incidents,
)
from tests.factories import IncidentFactory, ProtestFactory
from tests.publishing.world import (
    APPROVED_SUMMARY,
    APPROVED_TITLE,
    CANARIES,
    PublishedWorld,
    approve,
    publish,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(reference_data):
    return PublishedWorld()


def _everything(value) -> str:
    """Every string reachable from a public value, as one text."""
    return repr(dataclasses.asdict(value)) if dataclasses.is_dataclass(value) else repr(value)


def test_only_the_published_verified_approved_incident_is_public(world):
    public = public_incidents(Incident.objects.all())
    assert [p.reference for p in public] == [world.incident.reference]
    assert list(published_incidents()) == [world.incident]


def test_asking_for_unpublished_incidents_by_reference_gives_nothing(world):
    for incident in (world.unpublished, world.unapproved, world.unverified):
        assert public_incident(incident.reference) is None
        assert public_incidents([incident]) == []
        assert public_neighbours(incident.reference) == (None, None)


def test_no_field_of_a_public_incident_carries_anything_kept_inside(world):
    public = public_incident(world.incident.reference)
    text = _everything(public).lower()
    leaked = [canary for canary in CANARIES if canary.lower() in text]
    assert not leaked, leaked
    assert public.summary == APPROVED_SUMMARY


def test_people_appear_only_by_role_and_only_those_who_consented(world):
    (act,) = public_incident(world.incident.reference).acts
    assert act.consenting_roles == ("witness",)
    assert act.outcomes[0].outcome.slug == "charged"
    assert act.number_text == "3 people"


def test_only_namable_sources_from_outside_channels_are_listed(world):
    public = public_incident(world.incident.reference)
    assert [s.kind for s in public.sources] == ["news_article"]
    source = public.sources[0]
    # No approved redaction of its title: it is named by kind and publisher.
    assert source.title == "News article, The Example Gazette"
    assert source.url.startswith("https://news.example.test/")
    approve(world.article, "title", "Invented Gazette report")
    assert public_incident(world.incident.reference).sources[0].title == "Invented Gazette report"


def test_the_title_is_made_from_coded_facts_until_its_redaction_is_approved(world):
    public = public_incident(world.incident.reference)
    assert public.title == "Arrest, Metropolitan Police Service, 4 May 2024"
    approve(world.incident, "title", APPROVED_TITLE)
    assert public_incident(world.incident.reference).title == APPROVED_TITLE


def test_places_are_blurred_to_the_published_precision(world):
    public = public_incident(world.incident.reference)
    assert public.place == "Testford"
    assert (public.latitude, public.longitude) == (51.5, -0.1)
    portal = PortalSettings.current()
    portal.place_precision = "region"
    portal.save()
    public = public_incident(world.incident.reference)
    assert public.place == ""
    assert (public.latitude, public.longitude) == (51.5, 0.0)


def test_an_edited_summary_takes_the_incident_off_until_approved_again(world):
    world.incident.summary = "A new summary nobody has redacted yet."
    world.incident.save()
    assert public_incident(world.incident.reference) is None
    assert not published_incidents().exists()
    approve(world.incident, "summary", "A new summary, redacted.")
    assert public_incident(world.incident.reference).summary == "A new summary, redacted."
    assert published_incidents().count() == 1


def test_a_summary_changed_in_bulk_without_signals_is_still_not_shown(world):
    Incident.objects.filter(pk=world.incident.pk).update(summary="Changed in bulk.")
    assert public_incident(world.incident.reference) is None


def test_sent_back_for_review_leaves_the_portal(world):
    Incident.objects.filter(pk=world.incident.pk).update(status=IncidentStatus.IN_REVIEW)
    assert public_incident(world.incident.reference) is None


def test_previous_and_next_follow_date_order_among_published_incidents(world):
    later = IncidentFactory(status="verified", date=dt.date(2024, 6, 1), summary="Later.")
    approve(later, "summary", "Later.")
    publish(later)
    earlier = IncidentFactory(status="verified", date=dt.date(2024, 1, 1), summary="Earlier.")
    approve(earlier, "summary", "Earlier.")
    publish(earlier)
    # Between them in time, but not public: skipped.
    IncidentFactory(status="verified", date=dt.date(2024, 5, 20))
    assert public_neighbours(world.incident.reference) == (earlier.reference, later.reference)
    assert public_neighbours(earlier.reference) == (None, world.incident.reference)
    assert public_neighbours(later.reference) == (world.incident.reference, None)


def test_order_of_the_given_incidents_is_kept(world):
    other = IncidentFactory(status="verified", date=dt.date(2023, 1, 1), summary="Other.")
    approve(other, "summary", "Other.")
    publish(other)
    refs = [p.reference for p in public_incidents([other, world.incident])]
    assert refs == [other.reference, world.incident.reference]


def test_a_name_typed_into_a_publisher_or_a_protest_name_never_reaches_the_public(world):
    # Free text without an approval step of its own leaves only as the machine's redaction.
    world.incident.protest = ProtestFactory(name="Vigil for Mr Ansel Canaryprotestzq")
    world.incident.save()
    world.article.publisher = "Blog of Mr Ansel Canarypublisherzq"
    world.article.save()
    public = public_incident(world.incident.reference)
    text = _everything(public)
    assert "Canaryprotestzq" not in text
    assert "Canarypublisherzq" not in text
    assert public.protest.name.startswith("Vigil for")
    assert public.sources[0].title.startswith("News article, Blog of")
