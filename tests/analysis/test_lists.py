"""The Lists page: administrators map channels to the lists the undercount estimate counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from casebook.analysis.capture import capture_patterns
from casebook.analysis.lists.models import CaptureList
from casebook.audit.models import AuditEntry
from casebook.sources.models import Channel
from tests.factories import IncidentSourceFactory, SourceFactory

pytestmark = pytest.mark.django_db

LISTS = reverse("analysis:lists")


def _channel(slug):
    return Channel.objects.get(slug=slug)


def test_everyone_with_a_role_sees_the_lists_and_the_channels_on_none(client_for, personas):
    page = client_for("analyst").get(LISTS).content.decode()
    assert "Legal observers" in page and "Court lists" in page
    assert "Channels on no list" in page
    assert "Make a list" not in page  # only administrators change them


def test_an_administrator_makes_a_list_and_the_estimate_counts_it(client_for, personas):
    IncidentSourceFactory(source=SourceFactory(channel=_channel("court-lists")))
    assert capture_patterns().outside_lists == 1
    response = client_for("administrator").post(
        LISTS,
        {
            "name": "Court lists",
            "description": "Listings of charged cases.",
            "position": "5",
            "channels": [_channel("court-lists").pk],
        },
    )
    assert response.status_code == 302
    patterns = capture_patterns()
    assert patterns.lists[-1] == "Court lists"
    assert dict(patterns.rows()) == {(0, 0, 0, 0, 1): 1}
    entry = AuditEntry.objects.get(action="analysis.list.created")
    assert entry.changes["channels"] == [[], ["court-lists"]]


def test_a_channel_already_on_a_list_is_refused_with_the_list_named(client_for, personas):
    response = client_for("administrator").post(
        LISTS, {"name": "Press", "position": "6", "channels": [_channel("news-monitor").pk]}
    )
    assert response.status_code == 200
    assert "already on “News monitor”" in response.content.decode()
    assert not CaptureList.objects.filter(name="Press").exists()


def test_an_administrator_moves_a_channel_between_lists(client_for, personas):
    news = CaptureList.objects.get(name="News monitor")
    client = client_for("administrator")
    page = client.get(reverse("analysis:list-edit", args=[news.pk])).content.decode()
    assert "Social media" in page
    response = client.post(
        reverse("analysis:list-edit", args=[news.pk]),
        {"name": "News monitor", "position": "3", "channels": [_channel("news-monitor").pk]},
    )
    assert response.status_code == 302
    assert list(news.channels.values_list("slug", flat=True)) == ["news-monitor"]
    response = client.post(
        LISTS, {"name": "Social media", "position": "7", "channels": [_channel("social-media").pk]}
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="analysis.list.updated").count() == 1


def test_removing_a_list_leaves_its_channels_on_no_list(client_for, personas):
    hotline = CaptureList.objects.get(name="Our hotline")
    response = client_for("administrator").post(reverse("analysis:list-delete", args=[hotline.pk]))
    assert response.status_code == 302
    assert not Channel.objects.filter(slug="hotline", list_membership__isnull=False).exists()
    assert AuditEntry.objects.filter(action="analysis.list.deleted").exists()


@pytest.mark.parametrize("persona", ["coordinator", "caseworker", "analyst"])
def test_only_administrators_change_the_lists(client_for, personas, persona):
    client = client_for(persona)
    response = client.post(LISTS, {"name": "Sneaky", "position": "1"})
    assert response.status_code == 403
    assert not CaptureList.objects.filter(name="Sneaky").exists()
