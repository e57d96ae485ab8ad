"""The public map, drawn on the server as SVG: no script, no tiles, no third party.

The outline of the British Isles ships with Casebook (`data/outline.json`, Natural Earth,
public domain; `tools/map_outline.py` writes it). Points are the published incidents at
their blurred coordinates (`publishable.public_points`), one circle per place, its area
growing with the number of cases there.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import quote, urlsplit

from django.utils.translation import gettext, ngettext

from casebook.publishing.publishable import PublicPoint

OUTLINE = Path(__file__).resolve().parent / "data" / "outline.json"
WIDTH = 600.0


@dataclass(frozen=True)
class MapFrame:
    west: float
    south: float
    east: float
    north: float

    @property
    def x_scale(self) -> float:
        # Equirectangular, squeezed by the cosine of the middle latitude: good enough at the
        # scale of one country, and the same sum on the server and in any reader's head.
        return math.cos(math.radians((self.south + self.north) / 2))

    @property
    def height(self) -> float:
        return WIDTH * (self.north - self.south) / ((self.east - self.west) * self.x_scale)

    def project(self, longitude: float, latitude: float) -> tuple[float, float]:
        """SVG coordinates of a point.

        >>> frame = MapFrame(-10, 50, 2, 60)
        >>> [round(v) for v in frame.project(-10, 60)], round(frame.project(2, 50)[0])
        ([0, 0], 600)
        """
        x = (longitude - self.west) / (self.east - self.west) * WIDTH
        y = (self.north - latitude) / (self.north - self.south) * self.height
        return x, y


@cache
def _outline() -> tuple[MapFrame, tuple[tuple[str, tuple[tuple[float, float], ...]], ...]]:
    document = json.loads(OUTLINE.read_text())
    frame = MapFrame(*document["frame"])
    rings = tuple(
        (ring["country"], tuple((x, y) for x, y in ring["ring"])) for ring in document["rings"]
    )
    return frame, rings


@dataclass(frozen=True)
class MapCircle:
    x: float
    y: float
    r: float
    label: str
    place: str  # the list's place filter, when the circle is one place


@dataclass(frozen=True)
class MapDrawing:
    width: float
    height: float
    paths: tuple[str, ...]
    circles: tuple[MapCircle, ...]
    outside: int  # published incidents with coordinates outside the frame


def _radius(point: PublicPoint) -> float:
    return round(3 + 2.5 * math.sqrt(point.incidents), 1)


def _label(point: PublicPoint) -> str:
    # Made for each request (the page is cached per language): in the reader's words.
    names = ", ".join(point.places) or gettext("Place not named")
    cases = ngettext("%(count)d case", "%(count)d cases", point.incidents) % {
        "count": point.incidents
    }
    return gettext("%(places)s: %(cases)s") % {"places": names, "cases": cases}


def tile_origin(tile_url: str) -> str:
    """Where a tile server's pictures come from, as a content security policy names it.

    >>> tile_origin("https://{s}.tile.example.org/{z}/{x}/{y}.png")
    'https://*.tile.example.org'
    >>> tile_origin("https://tiles.example.org/base/{z}/{x}/{y}.png?key=k")
    'https://tiles.example.org'
    >>> tile_origin("")
    ''
    """
    if not tile_url:
        return ""
    host = urlsplit(tile_url).netloc.split("@")[-1]
    if host.startswith("{s}."):
        host = "*." + host[4:]
    return f"https://{host}"


def tile_map(points: list[PublicPoint], *, tile_url: str, list_url: str) -> dict:
    """What the page's script needs to draw the points over the administrator's tiles:
    the same circles as the drawing, at the same published precision."""
    frame, _rings = _outline()
    markers = [
        {
            "lat": point.latitude,
            "lon": point.longitude,
            "r": _radius(point),
            "label": _label(point),
            "href": list_url
            + (f"?place={quote(point.places[0])}" if len(point.places) == 1 else ""),
        }
        for point in points
    ]
    return {
        "tiles": tile_url,
        "attribution": gettext("Map tiles: %(host)s") % {"host": urlsplit(tile_url).hostname},
        "frame": [[frame.south, frame.west], [frame.north, frame.east]],
        # Places are published no finer than a town: zooming in further shows nothing more.
        "max_zoom": 11,
        "markers": markers,
    }


def map_drawing(points: list[PublicPoint]) -> MapDrawing:
    frame, rings = _outline()
    paths = []
    for _country, ring in rings:
        projected = [frame.project(x, y) for x, y in ring]
        paths.append("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in projected) + " Z")
    circles, outside = [], 0
    for point in points:
        if not (
            frame.west <= point.longitude <= frame.east
            and frame.south <= point.latitude <= frame.north
        ):
            outside += point.incidents
            continue
        x, y = frame.project(point.longitude, point.latitude)
        circles.append(
            MapCircle(
                x=round(x, 1),
                y=round(y, 1),
                r=_radius(point),
                label=_label(point),
                place=point.places[0] if len(point.places) == 1 else "",
            )
        )
    # Largest first, so small circles stay on top and can be reached.
    circles.sort(key=lambda c: -c.r)
    return MapDrawing(WIDTH, round(frame.height, 1), tuple(paths), tuple(circles), outside)
