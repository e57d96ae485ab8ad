"""The statistics page's "Not recorded" rows and its note on dates too coarse for the unit link
to the incident list filtered to exactly those incidents (its `unrecorded` and `coarse`
filters), with the page's other filters kept."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from casebook.codebook.models import ActType
from tests.factories import ActFactory, IncidentFactory

pytestmark = pytest.mark.django_db


def listed(client, href: str) -> set[str]:
    """The references of every incident the list shows for this link (one page is enough)."""
    response = client.get(href)
    assert response.status_code == 200
    return set(re.findall(r"CB-\d{4}-\d+", response.content.decode()))


def link_of(html: str, label: str) -> str:
    """The first link in the row of the breakdown table headed `label`."""
    row = re.search(
        rf"<th scope=\"row\">{label}</th>\s*<td class=\"num\"><a href=\"([^\"]+)\"", html
    )
    assert row, html[:500]
    return unescape(row[1])


def test_not_recorded_rows_link_to_exactly_their_incidents(reference_data, client_for):
    seizure = ActType.objects.get(slug="seizure")
    no_provision = ActFactory(legal_provision=None).incident
    no_provision_seizure = ActFactory(legal_provision=None, act_type=seizure).incident
    with_provision = ActFactory().incident
    no_force = ActFactory(incident=IncidentFactory(force=None)).incident
    client = client_for("analyst")
    page = client.get(
        reverse("analysis:statistics"), {"by": "provision", "act_type": "arrest", "unit": "year"}
    ).content.decode()
    href = link_of(page, "Not recorded")
    assert parse_qs(urlsplit(href).query) == {"act_type": ["arrest"], "unrecorded": ["provision"]}
    found = listed(client, href)
    assert found == {no_provision.reference}
    assert with_provision.reference not in found and no_provision_seizure.reference not in found
    page = client.get(reverse("analysis:statistics"), {"by": "force"}).content.decode()
    assert listed(client, link_of(page, "Not recorded")) == {no_force.reference}


def test_the_incidents_too_coarse_for_a_week_are_a_link(reference_data, client_for):
    by_day = IncidentFactory(date=dt.date(2024, 5, 4))
    by_month = IncidentFactory(date=dt.date(2024, 5, 1), date_precision="month")
    by_year = IncidentFactory(date=dt.date(2023, 1, 1), date_precision="year")
    client = client_for("caseworker")
    page = client.get(
        reverse("analysis:statistics"), {"unit": "week", "date_from": "2024-01-01"}
    ).content.decode()
    notice = re.search(r'data-figure="coarse"><a href="([^"]+)">1 incident</a>', page)
    assert notice, page
    found = listed(client, unescape(notice[1]))
    assert found == {by_month.reference}
    assert by_day.reference not in found and by_year.reference not in found
    response = client.get(reverse("casework:incident-list"), {"coarse": "week"})
    assert "Date too coarse to place in a week" in response.content.decode()


def test_a_wrong_value_is_named(reference_data, client_for):
    response = client_for("analyst").get(reverse("casework:incident-list"), {"unrecorded": "mood"})
    assert "is not a breakdown that can be missing" in response.content.decode()
