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
from urllib.parse import urlsplit

from casebook.codebook.matching import NameIndex
from casebook.monitor.extraction.places import COUNTRY_OF_DEMONYM, Gazetteer
from casebook.monitor.extraction.text import words

__all__ = ["ForceFinder", "ForceMention", "polices"]

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

# Main towns each UK territorial force polices. Used only to keep a force that the text names
# for actions in another of its towns ("West Yorkshire Police ... In Bradford, four men were
# arrested"); never to name a force the text does not name.
_AREA_TOWNS = {
    "avon-and-somerset-constabulary": "Bristol|Bath|Weston-super-Mare|Taunton|Yeovil|Bridgwater",
    "bedfordshire-police": "Luton|Bedford|Dunstable",
    "cambridgeshire-constabulary": "Cambridge|Peterborough|Huntingdon|Ely|Wisbech",
    "cheshire-constabulary": "Chester|Warrington|Crewe|Macclesfield|Ellesmere Port|Widnes|"
    "Runcorn|Northwich",
    "cleveland-police": "Middlesbrough|Hartlepool|Stockton-on-Tees|Redcar",
    "cumbria-constabulary": "Carlisle|Barrow-in-Furness|Kendal|Workington|Whitehaven",
    "derbyshire-constabulary": "Derby|Chesterfield|Buxton|Ilkeston|Glossop",
    "devon-and-cornwall-police": "Plymouth|Exeter|Torquay|Paignton|Truro|Newquay|Barnstaple|"
    "Falmouth|Penzance",
    "dorset-police": "Bournemouth|Poole|Weymouth|Dorchester",
    "durham-constabulary": "Durham|Darlington|Chester-le-Street|Consett|Peterlee",
    "dyfed-powys-police": "Aberystwyth|Carmarthen|Llanelli|Haverfordwest|Brecon",
    "essex-police": "Chelmsford|Colchester|Southend-on-Sea|Basildon|Harlow|Brentwood|"
    "Clacton-on-Sea|Epping|Grays",
    "gloucestershire-constabulary": "Gloucester|Cheltenham|Stroud|Tewkesbury",
    "greater-manchester-police": "Manchester|Salford|Bolton|Wigan|Stockport|Oldham|Rochdale|"
    "Bury|Altrincham|Ashton-under-Lyne",
    "gwent-police": "Newport|Cwmbran|Pontypool|Abergavenny|Ebbw Vale",
    "hampshire-and-isle-of-wight-constabulary": "Southampton|Portsmouth|Winchester|"
    "Basingstoke|Aldershot|Fareham|Gosport|"
    "Eastleigh|Andover",
    "hertfordshire-constabulary": "Watford|St Albans|Stevenage|Hemel Hempstead|Hertford|Hatfield",
    "humberside-police": "Hull|Kingston upon Hull|Grimsby|Scunthorpe|Bridlington|Goole",
    "kent-police": "Maidstone|Canterbury|Dover|Folkestone|Ashford|Margate|Ramsgate|Gravesend|"
    "Dartford|Chatham|Rochester|Gillingham|Tunbridge Wells|Sevenoaks",
    "lancashire-constabulary": "Preston|Blackpool|Blackburn|Burnley|Lancaster|Chorley|"
    "Accrington|Morecambe",
    "leicestershire-police": "Leicester|Loughborough|Hinckley|Melton Mowbray",
    "lincolnshire-police": "Lincoln|Grantham|Boston|Skegness|Spalding",
    "merseyside-police": "Liverpool|Southport|Birkenhead|St Helens|Bootle|Wallasey|Knowsley",
    "metropolitan-police-service": "London|Croydon|Romford|Ilford|Harrow|Wembley|Uxbridge|"
    "Bromley|Enfield|Kingston upon Thames|Sutton|Barnet",
    "norfolk-constabulary": "Norwich|Great Yarmouth|King's Lynn|Thetford",
    "north-wales-police": "Wrexham|Rhyl|Llandudno|Colwyn Bay|Caernarfon",
    "north-yorkshire-police": "York|Harrogate|Scarborough|Selby|Skipton|Whitby|Northallerton",
    "northamptonshire-police": "Northampton|Kettering|Corby|Wellingborough",
    "northumbria-police": "Newcastle|Newcastle upon Tyne|Sunderland|Gateshead|South Shields|"
    "North Shields|Blyth|Ashington|Hexham",
    "nottinghamshire-police": "Nottingham|Mansfield|Newark|Worksop",
    "south-wales-police": "Cardiff|Swansea|Merthyr Tydfil|Bridgend|Neath|Port Talbot|"
    "Pontypridd|Barry",
    "south-yorkshire-police": "Sheffield|Rotherham|Doncaster|Barnsley",
    "staffordshire-police": "Stoke|Stoke-on-Trent|Stafford|Burton upon Trent|Tamworth|"
    "Newcastle-under-Lyme|Cannock|Lichfield",
    "suffolk-constabulary": "Ipswich|Lowestoft|Bury St Edmunds|Felixstowe",
    "surrey-police": "Guildford|Woking|Epsom|Staines|Leatherhead|Redhill|Camberley|"
    "Sunbury-on-Thames|Weybridge",
    "sussex-police": "Brighton|Hove|Crawley|Worthing|Eastbourne|Hastings|Chichester|Horsham|"
    "Bognor Regis|Lewes",
    "thames-valley-police": "Oxford|Reading|Slough|Milton Keynes|High Wycombe|Aylesbury|"
    "Banbury|Maidenhead|Bracknell|Newbury|Windsor",
    "warwickshire-police": "Warwick|Nuneaton|Rugby|Leamington Spa|Stratford-upon-Avon",
    "west-mercia-police": "Worcester|Hereford|Shrewsbury|Telford|Kidderminster|Redditch",
    "west-midlands-police": "Birmingham|Coventry|Wolverhampton|Walsall|Dudley|West Bromwich|"
    "Solihull|Sutton Coldfield",
    "west-yorkshire-police": "Leeds|Bradford|Wakefield|Huddersfield|Halifax|Dewsbury|Keighley|"
    "Batley",
    "wiltshire-police": "Swindon|Salisbury|Chippenham|Trowbridge",
    "police-scotland": "Glasgow|Edinburgh|Aberdeen|Dundee|Inverness|Perth|Stirling|Paisley|"
    "Falkirk|Kilmarnock|Ayr|Livingston|East Kilbride|Motherwell|Hamilton",
    "police-service-of-northern-ireland": "Belfast|Derry|Londonderry|Lisburn|Newry|Ballymena|"
    "Armagh|Omagh|Enniskillen|Larne|Portadown|Craigavon|"
    "Coleraine|Antrim",
}
_FORCE_OF_TOWN = {town: slug for slug, towns in _AREA_TOWNS.items() for town in towns.split("|")}


def _squash(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.lower().replace("&", "and"))


def polices(slug: str | None, town: str) -> bool:
    """Whether the force *slug* polices *town* (as far as the table of main towns knows)."""
    return slug is not None and _FORCE_OF_TOWN.get(town) == slug


# Where a city's own force goes by the city's name ("Chicago police", "the Ottawa Police
# Service"); elsewhere "Paris police" or "Berlin police" describes the police of a city in
# English, it names no force.
_CITY_FORCE_COUNTRIES = frozenset({"US", "CA"})

_POLICE_KINDS = {"territorial_police", "special_police", "other_police"}

_NAMED_FORCE = re.compile(
    r"(?<![\w-])(?P<place>(?:(?:[A-Z]\.){2,}[ \t]+)?(?:[A-Z][\w'’-]+[ \t]+){1,4}?)"
    r"(?P<kind>Police\s+Department|Police\s+Dept\.?|Police\s+Bureau|Police\s+Service|"
    r"Police\s+Force|Constabulary|Sheriff['’]s\s+(?:Office|Department)|State\s+Police|"
    r"Highway\s+Patrol|Gendarmerie|Police)(?![\w-])"
    # "Cardiff Bay Police Station", "the Police Federation": a place or a body, not a force.
    r"(?!\s+(?:[Ss]tation|HQ|[Hh]eadquarters|Federation|[Cc]ommissioner|[Cc]ollege|[Ss]cotland\s+"
    r"Federation))"
)
_CITY_KIND = re.compile(r"(?:Police\s+(?:Department|Dept\.?|Bureau|Service)|Police|police)")
_CITY_POLICE = re.compile(r"(?<![\w-])(?P<place>(?:[A-Z][\w'’-]+[ \t]+){1,3}?)police(?![\w-])")
# Capitalised words that describe police rather than name a force.
_GENERIC = frozenset(
    words(
        "the a an counter terrorism counter-terrorism transport riot military secret border "
        "campus university mounted traffic federal national armed special local state met "
        "metropolitan "
        "royal city county municipal regional auxiliary civilian plainclothes plain-clothes "
        "uniformed senior chief assistant deputy detective officers officer anti-riot anti-terror "
        "armed-response response public order security neighbourhood community safer british "
        "english scottish welsh but and when after as if while police said says however meanwhile "
        "also then"
    )
)
# A force named in its own language and described in English beside it: "the Mossos
# d'Esquadra, Catalonia's regional police,", "Spain's paramilitary police, the Guardia Civil,".
_FOREIGN_WORD = r"(?:[A-Z][\w'’-]+|d['’][A-Z][\w'’-]*)"
_FOREIGN_NAME = (
    rf"{_FOREIGN_WORD}(?:\s+(?:{_FOREIGN_WORD}|de|del|della|di|du|des|la|le|der|van|von))*"
)
_POLICE_DESCRIBED = (
    r"(?:the\s+)?(?:[A-Z][\w-]+['’]s\s+|the\s+(?:country|city|region|state)['’]s\s+)"
    r"(?:(?:regional|national|state|federal|city|municipal|local|military|paramilitary|riot|"
    r"border|main|civil)\s+){0,2}police(?:\s+force)?"
)
_APPOSITIVE_FORCE = re.compile(
    rf"(?<![\w'’-])(?:[Tt]he\s+)?(?P<name>{_FOREIGN_NAME}),\s+{_POLICE_DESCRIBED}\s*[,.;)—–]|"
    rf"{_POLICE_DESCRIBED},\s+(?:the\s+)?(?P<after>{_FOREIGN_NAME})\s*[,.;)—–]"
)
_DEMONYM_POLICE = re.compile(
    r"\b(?P<demonym>" + "|".join(sorted(COUNTRY_OF_DEMONYM, key=len, reverse=True)) + r")\s+"
    r"(?:riot\s+|security\s+|state\s+|national\s+|military\s+)?"
    r"(?:police|security\s+forces|law\s+enforcement|authorities|officers|gendarmes)\b",
    re.IGNORECASE,
)


def _same_force_one_name(found: list[ForceMention]) -> list[ForceMention]:
    """ "Chicago police ... the Chicago Police Department": one force, under its fullest name."""
    full: dict[str, str] = {}
    for mention in found:
        if mention.slug is None:
            head = re.sub(r"\s+(?:police|Police\b.*)$", "", mention.name)
            if len(mention.name) > len(full.get(head, "")):
                full[head] = mention.name
    renamed = []
    for mention in found:
        if mention.slug is None:
            head = re.sub(r"\s+(?:police|Police\b.*)$", "", mention.name)
            if full.get(head, mention.name) != mention.name:
                mention = ForceMention(
                    full[head], None, mention.country, mention.start, mention.end, mention.home
                )
        renamed.append(mention)
    return renamed


@dataclass(frozen=True)
class ForceMention:
    """A force named in the text: canonical *name* (codebook) or as written, and its country."""

    name: str
    slug: str | None
    country: str | None
    start: int
    end: int
    home: tuple[str, str] | None = None
    """(city, country) a city's own force polices, where an article names no place."""


class ForceFinder:
    """Find forces in text with the codebook's organisations and a pattern for others."""

    def __init__(self, organisations: list[dict], gazetteer: Gazetteer) -> None:
        police = [o for o in organisations if o.get("kind") in _POLICE_KINDS]
        self._index = NameIndex.from_organisations(police)
        # squashed names and aliases ("avonandsomersetconstabulary", "metpolice") -> slug
        self._squashed = {
            _squash(name): o["slug"]
            for o in police
            for name in (o["name"], *(o.get("aliases") or ()))
        }
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
        for m in _APPOSITIVE_FORCE.finditer(text):
            name = m.group("name") or m.group("after")
            a = m.start("name") if m.group("name") else m.start("after")
            if not any(a < y and x < a + len(name) for x, y in taken):
                found.append(ForceMention(name, None, None, a, a + len(name)))
                taken.append((a, a + len(name)))
        for regex in (_NAMED_FORCE, _CITY_POLICE):
            for m in regex.finditer(text):
                a, b = m.start("place"), m.end()
                if any(a < y and x < b for x, y in taken):
                    continue
                mention = self._outside_codebook(text, m, regex is _CITY_POLICE)
                if mention:
                    found.append(mention)
                    taken.append((mention.start, mention.end))
        return _same_force_one_name(sorted(found, key=lambda m: m.start))

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
        # "Chicago police": only a large city outside the UK (UK forces have codebook names),
        # and not where state or national forces police the cities ("Sydney police" is NSW
        # Police described, not a force's name).
        if lowercase and (
            not readings or readings[0][2] < 200_000 or readings[0][1] not in _CITY_FORCE_COUNTRIES
        ):
            return None
        start = m.start("place") + m.group("place").index(words[0])
        name = re.sub(r"\s+", " ", text[start : m.end()])
        country = readings[0][1] if readings else None
        # "the Madison Police Department" polices Madison: a city force's home city
        city_kind = lowercase or _CITY_KIND.fullmatch(m.group("kind"))
        home = (readings[0][0], country) if country in _CITY_FORCE_COUNTRIES and city_kind else None
        return ForceMention(name, None, country, start, m.end(), home)

    def publisher(self, url: str) -> ForceMention | None:
        """The force whose own website published the page ("avonandsomerset.police.uk/news/..."):
        a force's press release tells what its officers did, often as "we" and "our officers".
        The mention has no span: the text does not name it."""
        host = (urlsplit(url or "").hostname or "").lower()
        if not re.search(r"(?:^|\.)police\.(?:uk|scot)$", host):
            return None
        labels = [x for x in host.split(".") if x not in {"www", "news"}]
        label = _squash(labels[0]) if len(labels) > 2 else ""
        for suffix in ("", "police", "constabulary", "policeservice", "policeforce"):
            for key in (label + suffix, suffix + label) if label else ():
                slug = self._squashed.get(key)
                if slug is not None:
                    return ForceMention(
                        self._index.name(slug), slug, self._country.get(slug), -1, -1
                    )
        return None

    def demonym_countries(self, text: str, start: int = 0, end: int | None = None) -> list[str]:
        """Countries told by generic wording such as "French police" or "Iranian authorities"."""
        end = len(text) if end is None else end
        return [
            COUNTRY_OF_DEMONYM[m.group("demonym").lower()]
            for m in _DEMONYM_POLICE.finditer(text, start, end)
        ]
