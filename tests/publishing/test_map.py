"""The public map: drawn on the server, blurred places, nothing fetched from anyone else."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from casebook.publishing.mapping import map_drawing
from casebook.publishing.publishable import public_points
from tests.publishing.world import PublishedWorld, portal_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(reference_data):
    portal_on()
    return PublishedWorld()


def test_points_are_the_published_incidents_at_their_blurred_places(world):
    (point,) = public_points()
    assert (point.latitude, point.longitude) == (51.5, -0.1)
    assert point.places == ("Testford",) and point.incidents == 1


def test_the_map_page_draws_the_outline_and_a_circle_without_any_script(client, world):
    page = client.get(reverse("publishing:map")).content.decode()
    assert "<svg" in page and "<path" in page
    assert "Testford: 1 case" in page
    assert "<script" not in page
    # No address outside this site: every src and href is local.
    assert not re.findall(r'(?:src|href)="(?:https?:)?//', page)


def test_a_point_outside_the_outline_is_counted_not_drawn(world):
    from casebook.publishing.publishable import PublicPoint

    drawing = map_drawing([PublicPoint(40.0, -74.0, ("Elsewhere",), 2)])
    assert drawing.circles == () and drawing.outside == 2
