"""The map over an administrator's tile server, in a real browser: Leaflet from our own
static files, tiles only from that server, the same circles as the drawing."""

from __future__ import annotations

import io
import re
import shutil

import pytest
from PIL import Image

from tests.conftest import CHROMIUM
from tests.publishing.test_accessibility import AXE, WCAG

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian's chromium is not installed"),
]


def _tile() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (256, 256), (220, 230, 240)).save(out, "PNG")
    return out.getvalue()


def test_the_map_draws_the_cases_over_the_chosen_tiles(
    live_server, transactional_db, reference_data, browser_page
):
    from casebook.publishing.models import PortalSettings
    from tests.publishing.world import PublishedWorld, portal_on

    portal_on()
    PublishedWorld()
    portal = PortalSettings.current()
    portal.tile_url = "https://{s}.tiles.example.test/base/{z}/{x}/{y}.png"
    portal.save()

    page = browser_page
    tile, tiles, elsewhere = _tile(), [], []
    page.route(
        "https://*.tiles.example.test/**",
        lambda route: (
            tiles.append(route.request.url),
            route.fulfill(body=tile, content_type="image/png"),
        ),
    )
    page.on(
        "request",
        lambda request: (
            elsewhere.append(request.url)
            if not request.url.startswith((live_server.url, "data:"))
            and ".tiles.example.test/" not in request.url
            else None
        ),
    )
    page.goto(live_server.url + "/map/")
    page.wait_for_selector(".leaflet-tile-loaded")
    assert page.locator(".map-tiles").is_visible()
    assert page.locator("figure.map").is_hidden()  # the drawing, for readers without script
    assert page.locator("path.leaflet-interactive").count() == 1  # Testford's circle
    assert tiles and all(
        re.search(r"\.tiles\.example\.test/base/\d+/\d+/\d+\.png$", u) for u in tiles
    )
    assert not elsewhere, elsewhere
    if AXE.exists():  # the map with Leaflet's controls passes what every public page passes
        page.evaluate(AXE.read_text())
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG
        )
        serious = [v["id"] for v in result["violations"] if v["impact"] in ("serious", "critical")]
        assert not serious, serious
    page.locator("path.leaflet-interactive").click()
    page.wait_for_url("**/cases/?place=Testford")
