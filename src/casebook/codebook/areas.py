"""Which territorial police force polices a place, from the areas listed in a codebook.

A codebook's territorial forces may list `areas`: the counties, unitary authorities,
boroughs and towns they police, written as statistics offices and ACLED write them
("Greater London", "Brighton and Hove", "Kingston upon Hull, City of"), and for a force that
polices a whole nation or country, its name ("Scotland"). Imports use them to infer the force
of a row that names none (ACLED rarely does). Framework-free: the codebook files are read
directly, so this works wherever the files are.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class AreaForce:
    """The force of a place, and the place's name as the codebook lists it."""

    force: str  # the organisation's slug
    area: str
    country: str


def area_key(name: str) -> str:
    """Case, accents, punctuation and "the" do not matter when naming a place.

    >>> area_key("  The Vale of Glamorgan "), area_key("Stoke-on-Trent")
    ('vale of glamorgan', 'stoke on trent')
    """
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = "".join(c if c.isalnum() else " " for c in folded).split()
    if words[:1] == ["the"]:
        words = words[1:]
    return " ".join(words)


@cache
def _areas(data_dir: Path = DATA_DIR) -> dict[str, AreaForce]:
    found: dict[str, AreaForce] = {}
    for path in sorted(data_dir.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for organisation in data.get("organisations", []):
            for area in organisation.get("areas", []):
                found.setdefault(
                    area_key(area),
                    AreaForce(organisation["slug"], area, organisation.get("country") or ""),
                )
    return found


def force_of_area(names: Iterable[str], *, country: str = "") -> AreaForce | None:
    """The force of the first of `names` (most specific first) that the codebook lists.

    `country` (ISO alpha-2), when known, must be the force's: Boston or Newcastle elsewhere
    are not policed by an English force.

    >>> force_of_area(["London - Westminster", "Greater London", "England"]).force
    'metropolitan-police-service'
    >>> force_of_area(["Springfield"]) is None
    True
    """
    areas = _areas()
    for name in names:
        if not name:
            continue
        # ACLED writes London's boroughs as "London - Westminster".
        for candidate in (name, name.rpartition(" - ")[2]):
            found = areas.get(area_key(candidate))
            if found and (not country or not found.country or found.country == country):
                return found
    return None


def place_parts(place: str) -> list[str]:
    """A free-text place as names to look up, the whole first, then from the widest part.

    "Newport, Isle of Wight" is on the Isle of Wight, whatever Newport in Wales is.

    >>> place_parts("Newport, Isle of Wight")
    ['Newport, Isle of Wight', 'Isle of Wight', 'Newport']
    """
    parts = [part.strip() for part in place.split(",") if part.strip()]
    return [place.strip(), *reversed(parts)] if len(parts) > 1 else parts
