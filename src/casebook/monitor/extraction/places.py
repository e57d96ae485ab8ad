"""Cities and towns named in news text, and the country they are in.

A gazetteer from GeoNames (``data/places.json``: UK and Irish places of 5,000 people or more,
North American and Australasian ones of 15,000, elsewhere 150,000) plus a short list of
landmarks and districts that stand for their city ("Whitehall" -> London, "Mong Kok" -> Hong
Kong). The labelling rules want "the city or town as named", so districts of London, New York
and Hong Kong report their city, and counties, provinces, states and countries give no place.

Town names are matched case-sensitively, and a small town, or one whose name is also an English
word ("Reading", "March", "Deal"), only after a word that places it ("in", "at", "outside",
"central", a possessive): "Victoria Police" is not a visit to Victoria, BC.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from casebook.monitor.extraction.text import words

__all__ = ["COUNTRY_OF_DEMONYM", "Gazetteer", "PlaceMention"]

_DATA = Path(__file__).resolve().parent / "data" / "places.json"

# Landmarks and districts that name their city in protest reporting.
_LANDMARKS: dict[str, tuple[str, str]] = {
    **{
        name: ("London", "GB")
        for name in (
            "Whitehall",
            "Trafalgar Square",
            "Parliament Square",
            "Downing Street",
            "Westminster",
            "Piccadilly Circus",
            "Oxford Circus",
            "Marble Arch",
            "Hyde Park",
            "Hyde Park Corner",
            "Russell Square",
            "Westminster Bridge",
            "Lambeth Bridge",
            "Waterloo Bridge",
            "Vauxhall Bridge",
            "London Bridge",
            "Tower Bridge",
            "Leicester Square",
            "Oxford Street",
            "Regent Street",
            "Buckingham Palace",
            "the Cenotaph",
            "Bedford Square",
            "Pimlico",
            "Hackney",
            "Brixton",
            "Camden",
            "Tottenham",
            "Southwark",
            "Lambeth",
            "Vauxhall",
            "Nine Elms",
            "Kensington",
            "Knightsbridge",
            "Mayfair",
            "Bloomsbury",
            "Holborn",
            "Covent Garden",
            "Aldwych",
            "Shoreditch",
            "Whitechapel",
            "Stepney",
            "Peckham",
            "Lewisham",
            "Notting Hill",
            "Bayswater",
            "Elephant and Castle",
            "Canary Wharf",
            "Brick Lane",
            "Euston",
            "King's Cross",
            "St Pancras",
            "Paddington",
            "Victoria Embankment",
            "Millbank",
            "Grosvenor Square",
            "Park Lane",
            "Haringey",
            "Newham",
            "Tower Hamlets",
            "Islington",
            "City of London",
        )
    },
    **{name: ("Manchester", "GB") for name in ("Piccadilly Gardens",)},
    **{name: ("Glasgow", "GB") for name in ("George Square",)},
    **{name: ("Edinburgh", "GB") for name in ("Holyrood",)},
    **{name: ("Belfast", "GB") for name in ("Stormont",)},
    **{
        name: ("Paris", "FR")
        for name in (
            "Place de la Concorde",
            "Place de la République",
            "Place de la Republique",
            "Champs-Élysées",
            "Champs-Elysees",
            "Place de la Bastille",
        )
    },
    **{
        name: ("New York", "US")
        for name in (
            "Manhattan",
            "Brooklyn",
            "the Bronx",
            "Harlem",
            "Times Square",
            "Zuccotti Park",
            "Washington Square Park",
            "New York City",
            "NYC",
        )
    },
    **{
        name: ("Washington", "US")
        for name in (
            "Washington DC",
            "Washington, DC",
            "Washington, D.C.",
            "Washington D.C.",
            "Lafayette Square",
            "Lafayette Park",
            "Capitol Hill",
        )
    },
    **{
        name: ("Hong Kong", "HK")
        for name in (
            "Mong Kok",
            "Mongkok",
            "Causeway Bay",
            "Tsim Sha Tsui",
            "Wan Chai",
            "Kowloon",
            "Sha Tin",
            "Yuen Long",
            "Tuen Mun",
            "Sheung Wan",
            "Admiralty",
        )
    },
    **{name: ("Melbourne", "AU") for name in ("Shrine of Remembrance", "Flinders Street")},
    "Hull": ("Hull", "GB"),
    "Ellesmere Port": ("Ellesmere Port", "GB"),  # GeoNames lists it as "Ellesmere Port Town"
    "Newcastle": ("Newcastle", "GB"),
    "Stoke": ("Stoke", "GB"),
    "Londonderry": ("Londonderry", "GB"),
}

# Counties, regions, states and provinces: a place too large for the rules' "city or town".
_REGIONS = frozenset(
    words(
        "Kent Surrey Essex Sussex Cheshire Cornwall Devon Dorset Somerset Norfolk Suffolk Durham "
        "Cumbria Lancashire Yorkshire Merseyside Northumberland Hampshire Berkshire Wiltshire "
        "Gloucestershire Oxfordshire Warwickshire Staffordshire Derbyshire Lincolnshire "
        "Humberside Cleveland Avon Gwent Powys Dyfed Fife Lothian Tayside Grampian Highland "
        "Ulster Antrim Down Armagh Tyrone Fermanagh Scotland England Wales Ireland Britain "
        "Victoria Queensland Tasmania Ontario Quebec Alberta Manitoba Texas California Florida "
        "Georgia Oregon Washington Virginia Carolina Dakota Michigan Ohio Indiana Illinois "
        "Wisconsin Minnesota Missouri Kentucky Tennessee Alabama Mississippi Louisiana Arkansas "
        "Oklahoma Kansas Nebraska Iowa Colorado Utah Nevada Arizona Idaho Montana Wyoming Alaska "
        "Hawaii Maine Vermont Massachusetts Connecticut Delaware Maryland Pennsylvania Jersey"
    )
) - {"Washington"}

# English words that are also the names of towns: these need a placing word before them.
_COMMON_WORDS = frozenset(
    words(
        "March Sale Deal Street Wells Hyde Reading Bath Ware Bury Mold Rugby Orange Nice Mobile "
        "Split Chester Troy Independence Victoria Florence Jackson Lincoln Bedford Derby Marion "
        "Liberty Commerce Union Hope Mesa Temple Central Olympic Jamaica Normal Enterprise "
        "Paradise Providence Concord Police Mayor Crown Court City Kingston Richmond Hamilton "
        "Wellington Newport Cambridge Oxford Worthing Buxton Bolton Stafford Harlow Crawley Sandy "
        "Hatfield Bow Sunnyside Greenwich Clifton Walton Shirley Stanley Beverley Whitby Warwick "
        "Dudley Barry Glasgow Bristol Man Van Mary Batman Officer Eagle Grays"
    )
) - {"Glasgow", "Bristol"}

# Words that tell which police rather than where: "University police", "Capitol Police".
_POLICE_DESCRIPTORS = frozenset(words("University Campus Transit Transport Capitol Park Port"))

_PLACING = re.compile(
    r"(?:\b(?:in|at|near|outside|across|around|through|throughout|into|inside|towards|"
    r"central|north|south|east|west|northern|southern|eastern|western|downtown|greater|"
    r"north-east|north-west|south-east|south-west|north east|north west|south east|"
    r"south west|city of|town of|streets of|centre of|center of)\s+)$",
    re.IGNORECASE,
)
_NOT_A_PLACE_AFTER = re.compile(
    r"\s+(?:Street|Road|Square|Park|Gardens|Station|Bridge|Avenue|Lane|Place|Hall|Police|"
    r"Constabulary|University|College|Airport|FC|United|Council|Times|Post|Echo|Evening|"
    r"Standard|Gazette|Telegraph|Journal|Herald|Mail|Chronicle|Star|Tribune|Observer|Recorder|"
    r"News|Live|Mosque|Cathedral|Crown|Magistrates|Court|Stadium|Arena|Underground|Zoo|Museum|"
    r"Assembly|Mayor|Fire|Ambulance|Metropolitan|Declaration|Agreement|Convention|Accord|"
    r"Marathon|Fashion|Circus|Terrace|Way|Drive|Close|Crescent|Row|Embankment|Hill|Green|"
    r"Common|Heath|Central|Institute|School|Hospital|Prison|Jail|Gaol|Harbour|Port|Bay|Sheriff|"
    r"Mets)\b"
)
# "Halifax Climate Network said", "Bristol Against Arms": a town that names a group.
_GROUP_NAME_AFTER = re.compile(
    r"(?:\s+[A-Z][\w'’-]+){0,3}?\s+(?:Network|Group|Alliance|Coalition|Campaign|Collective|"
    r"Action|Solidarity|Society|Association|Union|Trust|Committee|Forum|Movement|Party|"
    r"Rebellion|Friends|Defence|Resistance|Community|Residents|Tenants)\b|"
    r"\s+(?:Against|for|4)\s+[A-Z]"
)
_UNIVERSITY_AFTER = re.compile(r"\s+University\b(?!\s+(?:Hospital|Press)\b)")
_UNIVERSITY_BEFORE = re.compile(r"\bUniversity\s+of\s+$")
# "a Warrington man", "A Chelmsford pensioner says", "a Gloucester pensioner's flat": the town
# stands before the person as where they live.
_ARTICLE_BEFORE = re.compile(r"\b(?:a|an|the)\s+(?:[\w-]+\s+)?$", re.IGNORECASE)
_PERSON_AFTER = re.compile(
    r"\s+(?:[\w-]+\s+)?(?:man|woman|boy|girl|teenager|pensioner|grandmother|grandfather|mother|"
    r"father|mum|dad|resident|student|teacher|activist|campaigner|couple|family)\b"
)


def _resident_of(text: str, start: int, end: int) -> bool:
    return bool(
        _ARTICLE_BEFORE.search(text, max(0, start - 25), start) and _PERSON_AFTER.match(text, end)
    )


_NOT_A_PLACE_BEFORE = re.compile(
    r"(?:\bfrom|\bUniversity of|\bDuke of|\bDuchess of|\bBishop of|\bBattle of|\bMayor of|"
    r"\bEarl of|\bLord|\bSiege of|\bTreaty of)\s+$"
)
# Words that may come before a place inside a run of capitalised words ("Downtown Los Angeles",
# "In London"); after any other capitalised word the run is a name ("Serena Kennedy").
_RUN_PREFIXES = frozenset(
    words(
        "Downtown Central North South East West Northern Southern Eastern Western Greater Inner "
        "Outer Upper Lower Old Metro In At Near Outside Across Around Throughout Inside Into "
        "Across "
        "Through Meanwhile Elsewhere And But While As After Before During A An"
    )
)
_CAPITALISED_RUN = re.compile(
    r"(?<![\w'’-])(?:[A-Z][\w'’.-]*|d['’]\w+)"
    r"(?:(?:\s+|,\s+)(?:(?:upon|on|under|in|le|la|de|del|du|des|the|by|en|sur|am|and|of)\s+){0,2}"
    r"[A-Z][\w'’.-]*){0,5}"
)

_MONTH_NAMES = frozenset(words("January February March April May June July August September"))
_TOWN_OF = re.compile(r"\b(?:town|village)\s+of\s+$", re.IGNORECASE)
_VILLAGE_OF = re.compile(
    r"\b(?:village|hamlet|town|suburb)\s+of\s+(?P<name>[A-Z][a-z'’-]+(?:[ -][A-Z][a-z'’-]+){0,2})"
)
_IN_TOWN = re.compile(r"\b(?:in|at|outside|through|near|central)\s+$", re.IGNORECASE)
_COUNTY_AFTER = re.compile(r"\s+(?:County|Council|Police|Constabulary|and\s+[A-Z])")

_DATELINE_PLACE = re.compile(
    r"\s*(?P<place>[A-Z][A-Za-z'’.-]+(?:[ ][A-Z][A-Za-z'’.-]+){0,2})"
    r"(?:,\s+[A-Z][A-Za-z.]+)?\s*(?:,|\(|—|–|\s-\s)"
)

# A dateline below a headline and a publication line: a paragraph opening with a city in
# capitals ("AUSTIN - State troopers", "NAIROBI, June 25 (Wire) -").
_PARAGRAPH_START = re.compile(r"\n\s*\n")
_LATER_PARAGRAPHS = 4


def _later_dateline(text: str) -> re.Match[str] | None:
    for number, paragraph in enumerate(_PARAGRAPH_START.finditer(text, 0, 800)):
        if number >= _LATER_PARAGRAPHS:
            break
        m = _DATELINE_PLACE.match(text, paragraph.end(), min(len(text), paragraph.end() + 120))
        if m and m.group("place").strip().isupper():
            return m
    return None


COUNTRY_OF_DEMONYM = {
    "british": "GB",
    "english": "GB",
    "scottish": "GB",
    "welsh": "GB",
    "french": "FR",
    "german": "DE",
    "iranian": "IR",
    "israeli": "IL",
    "russian": "RU",
    "chinese": "CN",
    "turkish": "TR",
    "australian": "AU",
    "american": "US",
    "indian": "IN",
    "pakistani": "PK",
    "spanish": "ES",
    "italian": "IT",
    "dutch": "NL",
    "belgian": "BE",
    "canadian": "CA",
    "irish": "IE",
    "georgian": "GE",
    "serbian": "RS",
    "greek": "GR",
    "egyptian": "EG",
    "kenyan": "KE",
    "nigerian": "NG",
    "mexican": "MX",
    "brazilian": "BR",
    "japanese": "JP",
    "korean": "KR",
    "thai": "TH",
    "polish": "PL",
    "hungarian": "HU",
    "belarusian": "BY",
    "ukrainian": "UA",
    "cuban": "CU",
    "venezuelan": "VE",
    "chilean": "CL",
    "colombian": "CO",
    "argentine": "AR",
    "argentinian": "AR",
    "sri lankan": "LK",
    "bangladeshi": "BD",
    "tunisian": "TN",
    "danish": "DK",
    "swedish": "SE",
    "norwegian": "NO",
    "swiss": "CH",
    "austrian": "AT",
    "portuguese": "PT",
    "saudi": "SA",
    "emirati": "AE",
    "lebanese": "LB",
    "syrian": "SY",
    "iraqi": "IQ",
    "afghan": "AF",
    "burmese": "MM",
    "myanmar": "MM",
    "uzbek": "UZ",
    "kazakh": "KZ",
    "azerbaijani": "AZ",
    "armenian": "AM",
    "algerian": "DZ",
    "moroccan": "MA",
    "south african": "ZA",
    "zimbabwean": "ZW",
    "ugandan": "UG",
    "ethiopian": "ET",
    "new zealand": "NZ",
    "hong kong": "HK",
    "taiwanese": "TW",
    "singaporean": "SG",
    "malaysian": "MY",
    "indonesian": "ID",
    "filipino": "PH",
    "vietnamese": "VN",
    "peruvian": "PE",
    "ecuadorian": "EC",
    "bolivian": "BO",
    "finnish": "FI",
    "czech": "CZ",
    "slovak": "SK",
    "romanian": "RO",
    "bulgarian": "BG",
    "croatian": "HR",
}


@dataclass(frozen=True)
class PlaceMention:
    """A city or town named in the text (*name* is the city a district belongs to)."""

    name: str
    country: str
    start: int
    end: int
    population: int
    candidates: tuple[tuple[str, str, int], ...] = ()  # (name, country, population) readings
    placed: bool = False  # after a word that places it ("in", "outside"), or a landmark


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).replace("’", "'")


class Gazetteer:
    """Find cities and towns in text. Build once: loading the data takes ~30 ms."""

    def __init__(self, path: Path = _DATA) -> None:
        with path.open(encoding="utf-8") as fh:
            data = json.load(fh)
        self.countries: dict[str, str] = data["countries"]
        self._by_name: dict[str, list[tuple[str, str, int]]] = {}
        for row in data["places"]:
            name, country, population = row[0], row[1], row[2]
            city = row[3] if len(row) > 3 else name
            self._by_name.setdefault(_fold(name), []).append((city, country, population))
        for name, (city, country) in _LANDMARKS.items():
            self._by_name[_fold(name)] = [(city, country, 10_000_000)]
        self._landmarks = {_fold(name) for name in _LANDMARKS}
        self._max_words = 6

    @functools.lru_cache(maxsize=2048)  # noqa: B019 (one long-lived instance per process)
    def lookup(self, name: str) -> tuple[tuple[str, str, int], ...]:
        """Every reading of *name*: (city, country, population), most populous first."""
        found = self._by_name.get(_fold(name), [])
        return tuple(sorted(found, key=lambda c: -c[2]))

    def find(
        self, text: str, start: int = 0, end: int | None = None, *, homes: bool = False
    ) -> list[PlaceMention]:
        """Cities and towns named in ``text[start:end]``, longest name first at each point;
        with *homes*, also where people are said to be from (the place of a home visit)."""
        end = len(text) if end is None else end
        mentions: list[PlaceMention] = []
        for run in _CAPITALISED_RUN.finditer(text, start, end):
            if _NOT_A_PLACE_BEFORE.search(text, max(0, run.start() - 30), run.start()) and not (
                homes and re.search(r"\bfrom\s+$", text[max(0, run.start() - 6) : run.start()])
            ):
                continue  # "a man from St Helens, West Derby": where people live
            words = list(re.finditer(r"[^\s,]+(?:,\s+)?", run.group()))
            listed = False  # "in Leatherhead and Sunbury-on-Thames": the list shares its "in"
            i = 0
            while i < len(words):
                if i and not self._may_start(words[i - 1].group()):
                    i += 1  # "Serena Kennedy": a surname, not a Colombian city
                    continue
                matched = False
                for j in range(min(len(words), i + self._max_words), i, -1):
                    a = run.start() + words[i].start()
                    b = run.start() + words[j - 1].start() + len(words[j - 1].group().rstrip(", "))
                    surface = text[a:b].rstrip(".")
                    b = a + len(surface)
                    if surface.endswith(("'s", "’s")):
                        surface, b = surface[:-2], b - 2
                    mention = self._accept(text, surface, a, b, listed, homes)
                    if mention:
                        listed = True
                        mentions.append(mention)
                        i = j
                        matched = True
                        break
                if not matched:
                    i += 1
        for m in _VILLAGE_OF.finditer(text, start, end):
            if not any(x.start <= m.start("name") < x.end for x in mentions):
                # "the village of Balcombe": a place too small for the gazetteer, named as one
                mentions.append(
                    PlaceMention(m.group("name"), "", m.start("name"), m.end("name"), 0)
                )
        return self._without_names_placed_in_another(text, sorted(mentions, key=lambda x: x.start))

    def _without_names_placed_in_another(
        self, text: str, mentions: list[PlaceMention]
    ) -> list[PlaceMention]:
        """ "Victoria Park in Leicester": a name that the text puts in another town is a park,
        square or district of that town, not the place the gazetteer knows by that name."""
        kept = []
        for number, mention in enumerate(mentions):
            after = mentions[number + 1] if number + 1 < len(mentions) else None
            if (
                after is not None
                and after.name != mention.name
                and re.fullmatch(r"\s+in\s+", text[mention.end : after.start])
            ):
                continue
            kept.append(mention)
        return kept

    @staticmethod
    def _may_start(previous: str) -> bool:
        """Whether a place name may follow *previous* inside one capitalised run."""
        return (
            previous.rstrip().endswith(",")
            or previous.strip() in _RUN_PREFIXES
            or (previous.strip().islower())
        )

    def _accept(
        self, text: str, surface: str, a: int, b: int, listed: bool = False, homes: bool = False
    ) -> PlaceMention | None:
        readings = self.lookup(surface)
        before = text[max(0, a - 30) : a]
        if not readings:
            return None
        if homes and (re.search(r"\bfrom\s+$", before) or _resident_of(text, a, b)):
            before, listed = "", True  # where someone visited at home is from: that town
        if surface in _REGIONS and not (
            # "in Durham", "Durham University": the city, when a British town has the county's
            # name
            readings[0][1] == "GB"
            and (_IN_TOWN.search(before) or _UNIVERSITY_AFTER.match(text, b))
            and not _COUNTY_AFTER.match(text, b)
        ):
            return None
        # "the Cenotaph", "the Bronx": the article belongs to the landmark's name.
        if re.search(r"\bthe\s+$", before, re.IGNORECASE) and _fold("the " + surface) in (
            self._landmarks
        ):
            a -= len(re.search(r"the\s+$", before, re.IGNORECASE).group())
        # "Oxford University", "the University of Leeds": a university is in the town it is
        # named after; the town counts when nothing placed is named (see placing).
        campus = bool(_UNIVERSITY_AFTER.match(text, b) or _UNIVERSITY_BEFORE.search(before))
        if not campus and (
            _NOT_A_PLACE_BEFORE.search(before)
            or _NOT_A_PLACE_AFTER.match(text, b)
            or _GROUP_NAME_AFTER.match(text, b)
        ):
            return None
        if surface in self.countries and surface != "Hong Kong":
            return None
        if surface in _POLICE_DESCRIPTORS and re.match(r"\s+police\b", text[b:], re.IGNORECASE):
            return None  # "University police", "Transit police": the kind of police, no town
        landmark = _fold(surface) in self._landmarks
        city, country, population = readings[0]
        placed = (
            listed
            or _PLACING.search(before) is not None
            or text.startswith(("'s", "’s"), b)
            or re.match(
                r"\s+(?:demonstration|protest|march|rally|riot|vigil|disorder|"
                r"encampment|sit-in|police)\b",
                text[b : b + 20],
                re.IGNORECASE,
            )
        )
        large = population >= 200_000 and surface not in _COMMON_WORDS
        if not (landmark or large or placed or campus):
            return None
        if surface in _COMMON_WORDS and not (placed or campus):
            return None
        if surface in _MONTH_NAMES and not _TOWN_OF.search(before):
            return None  # "In March, nine were arrested": the month, not the Fenland town
        return PlaceMention(city, country, a, b, population, readings, bool(placed or landmark))

    def dateline(self, text: str) -> PlaceMention | None:
        """The city of a dateline opening the text ("Melbourne, 12 September", "OTTAWA —",
        "BERLIN (Reuters) -"), else None."""
        m = _DATELINE_PLACE.match(text, 0, min(len(text), 200)) or _later_dateline(text)
        if not m:
            return None
        surface = m.group("place").strip()
        name = surface.title() if surface.isupper() else surface
        readings = self.lookup(name)
        if not readings or name in _REGIONS or name in self.countries:
            return None
        city, country, population = readings[0]
        # No span: the story was filed there, the text does not say the action happened there.
        return PlaceMention(city, country, -1, -1, population, readings)

    def country_named(self, text: str) -> str | None:
        """The ISO code of a country written as *text* ("France", "the UK"), else None."""
        return self.countries.get(re.sub(r"^the\s+", "", text.strip(), flags=re.IGNORECASE))
