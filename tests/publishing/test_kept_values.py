"""What the portal keeps to answer fast: the list's values on each publication, and the figures
over every published incident. Each must equal what the record gives when computed afresh,
and follow every change (publishing, withdrawing, editing, un-verifying)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from casebook.cases.models import IncidentStatus
from casebook.codebook.models import Organisation
from casebook.publishing.listing import listed_publications, places
from casebook.publishing.models import PlacePrecision, PortalSettings, Publication, PublicSummary
from casebook.publishing.publishable import (
    points_compute,
    public_neighbours,
    public_points,
    published_incident_ids,
    published_incidents,
)
from casebook.publishing.services import publication_publish, publication_withdraw
from casebook.publishing.statistics import (
    headline_compute,
    headline_figures,
    public_statistics,
    statistics_compute,
)
from tests.factories import IncidentFactory
from tests.publishing.world import APPROVED_SUMMARY, PublishedWorld, approve, portal_on, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(reference_data):
    portal_on()
    return PublishedWorld()


def _listed_ids() -> set[int]:
    return set(listed_publications().values_list("incident_id", flat=True))


def _published_ids() -> set[int]:
    return set(published_incidents().values_list("pk", flat=True))


def test_the_listed_publications_are_exactly_the_published_incidents(world):
    from_publications = set(published_incident_ids().values_list("incident_id", flat=True))
    assert _listed_ids() == _published_ids() == from_publications == {world.incident.pk}


def test_a_publication_carries_the_date_force_and_public_place_of_its_incident(world):
    publication = Publication.objects.get(incident=world.incident)
    assert publication.date == world.incident.date
    assert publication.force_id == world.incident.force_id
    # The street is never copied: only the town the public sees.
    assert (publication.place_town, publication.place_region) == ("Testford", "")


def test_editing_the_incident_updates_what_the_list_reads(world):
    incident = world.incident
    force = (
        Organisation.objects.exclude(pk=incident.force_id).filter(kind="territorial_police").first()
    )
    incident.date, incident.force, incident.place = dt.date(2023, 1, 2), force, "Otherton"
    incident.coordinate_precision = "town"
    incident.save()
    publication = Publication.objects.get(incident=incident)
    assert (publication.date, publication.force_id) == (dt.date(2023, 1, 2), force.pk)
    assert publication.place_town == "Otherton"
    assert places() == ["Otherton"]


def test_an_incident_sent_back_or_with_a_new_summary_leaves_the_list_until_approved(world):
    incident = world.incident
    incident.status = IncidentStatus.IN_REVIEW
    incident.save()
    assert _listed_ids() == _published_ids() == set()
    incident.status = IncidentStatus.VERIFIED
    incident.summary = "A summary written again"
    incident.save()
    assert _listed_ids() == _published_ids() == set()
    approve(incident, "summary", APPROVED_SUMMARY)
    assert _listed_ids() == _published_ids() == {incident.pk}


def test_a_publication_made_directly_is_listed_only_if_its_incident_is_public(world):
    assert not Publication.objects.get(incident=world.unapproved).listed
    assert not Publication.objects.get(incident=world.unverified).listed
    other = IncidentFactory(status=IncidentStatus.VERIFIED, summary="Another invented summary")
    approve(other, "summary", "Another approved summary")
    publish(other)
    assert _listed_ids() == _published_ids() == {world.incident.pk, other.pk}


def test_kept_figures_equal_the_figures_computed_afresh(world):
    portal = PortalSettings.current()
    assert public_statistics() == statistics_compute()
    assert headline_figures() == headline_compute()
    assert public_points(portal=portal) == points_compute(portal=portal)
    # Read again: now from what was kept, still equal.
    assert PublicSummary.objects.filter(key="statistics").exists()
    assert public_statistics() == statistics_compute()
    assert public_points(portal=portal) == points_compute(portal=portal)


def test_kept_figures_follow_publishing_and_withdrawing(world, personas):
    coordinator = personas["coordinator"]
    assert headline_figures()["incidents"] == "<5"
    publication_withdraw(incident=world.incident, actor=coordinator)
    assert headline_figures() == headline_compute()
    assert headline_figures()["incidents"] == "0"
    assert public_statistics() == statistics_compute()
    assert public_points() == []
    publication_publish(incident=world.incident, actor=coordinator)
    assert headline_figures()["incidents"] == "<5"
    assert public_statistics() == statistics_compute()
    assert len(public_points()) == 1


def test_kept_figures_follow_a_change_to_a_published_incident(world):
    before = statistics_compute()
    public_statistics()
    world.incident.date = dt.date(2021, 3, 3)
    world.incident.save()
    assert public_statistics() == statistics_compute() != before


def test_kept_points_follow_the_published_precision(world):
    portal = PortalSettings.current()
    town = public_points(portal=portal)
    portal.place_precision = PlacePrecision.REGION
    portal.save()
    assert public_points(portal=portal) == points_compute(portal=portal) != town


def test_the_list_filters_by_the_place_the_public_sees(client, world):
    url = reverse("publishing:incident-list")
    assert "1 case" in client.get(url + "?place=Testford").content.decode()
    portal = PortalSettings.current()
    portal.place_precision = PlacePrecision.REGION
    portal.save()
    # At region precision a town is not shown, so it is neither offered nor found.
    assert places(portal=portal) == []
    page = client.get(url + "?place=Testford").content.decode()
    assert "Testford" not in page.split("</form>")[0]


def test_a_stale_listed_row_never_becomes_a_neighbour_link(world):
    # A write that sent no signal leaves an unverified incident marked listed: the list may
    # count it for a while, but no link names it.
    earlier = IncidentFactory(status=IncidentStatus.VERIFIED, date=dt.date(2024, 1, 1))
    approve(earlier, "summary", APPROVED_SUMMARY)
    publish(earlier)
    Publication.objects.filter(incident=world.unverified).update(
        listed=True, date=dt.date(2024, 3, 1)
    )
    world.unverified.date = dt.date(2024, 3, 1)
    world.unverified.save(update_fields=["date"])  # still in review
    Publication.objects.filter(incident=world.unverified).update(listed=True)
    previous, _ = public_neighbours(world.incident.reference)
    assert previous == earlier.reference
