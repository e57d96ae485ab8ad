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


TILES = "https://{s}.tiles.example.test/base/{z}/{x}/{y}.png"


def _tiles_on(url: str = TILES) -> None:
    from casebook.publishing.models import PortalSettings

    portal = PortalSettings.current()
    portal.tile_url = url
    portal.full_clean()
    portal.save()


def test_with_a_tile_server_the_page_loads_leaflet_from_our_own_files(client, world):
    _tiles_on()
    response = client.get(reverse("publishing:map"))
    page = response.content.decode()
    assert '<script src="/static/leaflet/leaflet.js"' in page
    assert '<script src="/static/publishing/map.js"' in page
    assert TILES in page and "Testford: 1 case" in page  # the script's data, and the drawing
    assert "<svg" in page  # still there for readers without JavaScript
    policy = response["Content-Security-Policy"]
    assert "img-src 'self' data: blob: https://*.tiles.example.test;" in policy
    assert "script-src 'self';" in policy
    assert client.get("/static/leaflet/leaflet.js").status_code == 200


def test_without_a_tile_server_other_pages_and_the_map_name_no_other_site(client, world):
    policy = client.get(reverse("publishing:map"))["Content-Security-Policy"]
    assert "img-src 'self' data: blob:;" in policy
    _tiles_on()
    home = client.get(reverse("publishing:incident-list"))["Content-Security-Policy"]
    assert "example.test" not in home


def test_a_tile_server_address_needs_https_and_its_placeholders(world):
    from django.core.exceptions import ValidationError

    for wrong in ("http://tiles.example.test/{z}/{x}/{y}.png", "https://tiles.example.test/"):
        with pytest.raises(ValidationError):
            _tiles_on(wrong)
