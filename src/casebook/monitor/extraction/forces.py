"""Police forces named in news text.

Forces in the codebook resolve through its names and aliases ("Scotland Yard", "the Met",
"Victorian Police"). A force outside the codebook is kept as the text names it when the name is a
proper one ("Minneapolis Police Department", "Portland Police Bureau"). Generic wording gives no
force: "police", "police in London", "counter-terrorism police", "French police" (which still
tells the country).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from casebook.codebook.matching import NameIndex
from casebook.monitor.extraction.places import COUNTRY_OF_DEMONYM, Gazetteer
from casebook.monitor.extraction.text import words

__all__ = ["ForceFinder", "ForceMention"]

# Where a city's own force polices: its city stands in when an article names no place.
HOME_CITY = {
    "metropolitan-police-service": ("London", "GB"),
    "city-of-london-police": ("London", "GB"),
    "new-york-city-police-department": ("New York", "US"),
    "los-angeles-police-department": ("Los Angeles", "US"),
    "hong-kong-police-force": ("Hong Kong", "HK"),
    "ottawa-police-service": ("Ottawa", "CA"),
    "toronto-police-service": ("Toronto", "CA"),
}

_POLICE_KINDS = {"territorial_police", "special_police", "other_police"}

_NAMED_FORCE = re.compile(
    r"(?<![\w-])(?P<place>(?:[A-Z][\w'’-]+[ \t]+){1,4}?)"
    r"(?P<kind>Police\s+Department|Police\s+Dept\.?|Police\s+Bureau|Police\s+Service|"
    r"Police\s+Force|Constabulary|Sheriff['’]s\s+(?:Office|Department)|State\s+Police|"
    r"Highway\s+Patrol|Gendarmerie|Police)(?![\w-])"
)
_CITY_POLICE = re.compile(r"(?<![\w-])(?P<place>(?:[A-Z][\w'’-]+[ \t]+){1,3}?)police(?![\w-])")
# Capitalised words that describe police rather than name a force.
_GENERIC = frozenset(
    words("the a an counter terrorism counter-terrorism transport riot military secret border "
    "campus university mounted traffic federal national armed special local state met metropolitan "
    "royal city county municipal regional auxiliary civilian plainclothes plain-clothes "
    "uniformed senior chief assistant deputy detective officers officer anti-riot anti-terror "
    "armed-response response public order security neighbourhood community safer british "
    "english scottish welsh but and when after as if while police said says however meanwhile "
    "also then")
)
_DEMONYM_POLICE = re.compile(
    r"\b(?P<demonym>" + "|".join(sorted(COUNTRY_OF_DEMONYM, key=len, reverse=True)) + r")\s+"
    r"(?:riot\s+|security\s+|state\s+|national\s+|military\s+)?"
    r"(?:police|security\s+forces|law\s+enforcement|authorities|officers|gendarmes)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ForceMention:
    """A force named in the text: canonical *name* (codebook) or as written, and its country."""

    name: str
    slug: str | None
    country: str | None
    start: int
    end: int


class ForceFinder:
    """Find forces in text with the codebook's organisations and a pattern for others."""

    def __init__(self, organisations: list[dict], gazetteer: Gazetteer) -> None:
        police = [o for o in organisations if o.get("kind") in _POLICE_KINDS]
        self._index = NameIndex.from_organisations(police)
        self._country = {o["slug"]: o.get("country") for o in police}
        self._gazetteer = gazetteer

    def name(self, slug: str) -> str:
        return self._index.name(slug)

    def find(self, text: str) -> list[ForceMention]:
        """Every force named in *text*, in order."""
        found = [
            ForceMention(self._index.name(slug), slug, self._country.get(slug), a, b)
            for slug, a, b in self._index.find_all(text)
        ]
        taken = [(m.start, m.end) for m in found]
        for regex in (_NAMED_FORCE, _CITY_POLICE):
            for m in regex.finditer(text):
                a, b = m.start("place"), m.end()
                if any(a < y and x < b for x, y in taken):
                    continue
                mention = self._outside_codebook(text, m, regex is _CITY_POLICE)
                if mention:
                    found.append(mention)
                    taken.append((mention.start, mention.end))
        return sorted(found, key=lambda m: m.start)

    def _outside_codebook(
        self, text: str, m: re.Match[str], lowercase: bool
    ) -> ForceMention | None:
        words = m.group("place").split()
        # Drop leading generic words: "The Minneapolis Police Department".
        while words and words[0].lower().strip(".") in _GENERIC:
            words = words[1:]
        if not words or any(w.lower() in _GENERIC for w in words):
            return None
        place = " ".join(words)
        if place.lower() in COUNTRY_OF_DEMONYM or self._gazetteer.country_named(place):
            return None
        readings = self._gazetteer.lookup(place)
        # "Chicago police": only a large city outside the UK (UK forces have codebook names).
        if lowercase and (not readings or readings[0][2] < 200_000 or readings[0][1] == "GB"):
            return None
        start = m.start("place") + m.group("place").index(words[0])
        name = re.sub(r"\s+", " ", text[start:m.end()])
        country = readings[0][1] if readings else None
        return ForceMention(name, None, country, start, m.end())

    def demonym_countries(self, text: str, start: int = 0, end: int | None = None) -> list[str]:
        """Countries told by generic wording such as "French police" or "Iranian authorities"."""
        end = len(text) if end is None else end
        return [
            COUNTRY_OF_DEMONYM[m.group("demonym").lower()]
            for m in _DEMONYM_POLICE.finditer(text, start, end)
        ]
