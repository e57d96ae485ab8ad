"""ACLED's CSV layout (the 31 columns of its API and data export), read and written.

Reading keeps only events in which police acted against protesters or people expressing
themselves: "Protest with intervention", "Excessive force against protesters", "Arrests", and
any other event with state forces as an actor whose notes report arrests, dispersal or force.
Peaceful protests are skipped (they are counted in the import report). ACLED codes no act
counts, so arrests are read from the notes ("police arrested 12 people"); the force and the
legal provision are looked for in the notes by the codebook at import time.

Both ACLED's older numeric actor codes (inter1 = 1 for state forces) and the newer text codes
("State forces") are understood; dates may be ISO, dd-mm-yyyy or "02 January 2022". ACLED's
terms forbid republishing its rows: imported incidents carry the tag "acled" and a source on
the "acled" channel, so that publishing can leave them out.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from typing import TextIO

from casebook.lib.countries import country_code, country_name, country_numeric
from casebook.transfer.formats.base import (
    PART_SIZE,
    PROBLEMS_COLUMN,
    CsvRejects,
    ReadItem,
    csv_rows,
    drain,
    spreadsheet_safe,
    write_parts,
)
from casebook.transfer.records import (
    ActRecord,
    IncidentRecord,
    Problem,
    Skipped,
    SourceRecord,
    ValueProblem,
    parse_coordinate,
    parse_date,
)

COLUMNS = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
)
REQUIRED_COLUMNS = ("event_id_cnty", "event_date", "sub_event_type", "notes")
# Free text, where a leading "-" or "=" is words; the numeric columns (a negative longitude)
# are left alone.
TEXT_COLUMNS = frozenset(
    {
        "event_id_cnty",
        "actor1",
        "assoc_actor_1",
        "actor2",
        "assoc_actor_2",
        "region",
        "country",
        "admin1",
        "admin2",
        "admin3",
        "location",
        "source",
        "notes",
        "tags",
    }
)
ACLED_TAG = "acled"
ACLED_CHANNEL = "acled"
POLICE_ACTION_EVENTS = {
    "protest with intervention",
    "excessive force against protesters",
    "excessive force against protestors",
    "arrests",
}
# ACLED time_precision: 1 = the day, 2 = a day in a known week, 3 = a day in a known month.
_DATE_PRECISION = {"1": "day", "2": "day", "3": "month"}
# ACLED geo_precision: 1 = the town, 2 = near a town or part of a region, 3 = a larger region.
_COORDINATE_PRECISION = {"1": "town", "2": "region", "3": "region"}

_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "hundred": 100,
}
_QUALIFIER = (
    r"(?P<qualifier>at least|around|about|approximately|some|up to|over|more than|"
    r"nearly|almost|roughly)\s+"
)
# Vague amounts come first in the alternation: "a number of" must not be read as "a" (one).
_VAGUE = (
    r"an unspecified number of|a number of|a few|a group of|a handful of|several|many|"
    r"dozens of|tens of|scores of|hundreds of|thousands of|multiple|some|few"
)
_NUMBER = r"\d{1,3}(?:,\d{3})+|\d+|" + "|".join(_NUMBER_WORDS)
_QUANTITY = rf"(?P<quantity>{_VAGUE}|(?:{_QUALIFIER})?(?P<number>{_NUMBER}))(?!\w)"
_VERB = r"(?:arrested|detained|arresting|detaining)"
_ARREST_PATTERNS = [
    # "police arrested 12 people", "arrested and questioned tens of civilians"
    re.compile(rf"\b{_VERB}\s+(?:and\s+\w+\s+)?{_QUANTITY}"),
    # "2 journalists were arrested", "eight were detained", "a man was arrested"
    re.compile(
        rf"\b{_QUANTITY}\s+(?:[\w'-]+\s+){{0,3}}?(?P<verb>were|was|had been|"
        rf"have been|being)\s+(?:\w+\s+)?(?:arrested|detained)\b"
    ),
    # "made 12 arrests", "the arrest of at least 400 people"
    re.compile(rf"\b{_QUANTITY}\s+(?:\w+\s+)?arrests\b"),
    re.compile(rf"\b(?:arrest|detention)s?\s+of\s+{_QUANTITY}"),
]
_ARREST_WORD = re.compile(r"\b(?:arrest(?:ed|s|ing)?|detain(?:ed|s|ing)?)\b")
_NO_ARREST = re.compile(
    r"\b(?:no|zero|without) arrests?\b|\b(?:no one|nobody|none) "
    r"(?:was|were) (?:arrested|detained)\b|\bno (?:\w+ )?(?:were|was) "
    r"(?:arrested|detained)\b"
)
_DISPERSAL_WORD = re.compile(r"\b(?:dispers(?:e|ed|al|ing)|kettl(?:e|ed|ing))\b")
_FORCE_WORD = re.compile(
    r"\b(?:tear ?gas|pepper spray|batons?|water cannon|rubber bullets|"
    r"beat|beaten|tasered|pushed|punched|kicked)\b"
)


def arrest_count(notes: str) -> tuple[int | None, str] | None:
    """How many people the notes say were arrested: (count, precision), or None if no arrest.

    >>> arrest_count("Police arrested at least 12 people.")
    (12, 'approximate')
    >>> arrest_count("Two protesters were arrested.")
    (2, 'exact')
    >>> arrest_count("Several people were detained.")
    (None, 'unknown')
    >>> arrest_count("On 2 May 2022, 6 journalists were arrested.")
    (6, 'exact')
    >>> arrest_count("A peaceful vigil; no one was arrested.") is None
    True
    """
    # "No one was arrested" must neither count one arrest nor record an arrest at all.
    text = _NO_ARREST.sub(" ", " ".join(notes.lower().split()))
    if not _ARREST_WORD.search(text):
        return None
    for pattern in _ARREST_PATTERNS:
        for match in pattern.finditer(text):
            figure = match["number"]
            if figure is None:
                return None, "unknown"
            count = int(figure.replace(",", "")) if figure[0].isdigit() else (_NUMBER_WORDS[figure])
            if 1900 <= count <= 2100 and not match["qualifier"]:
                continue  # a year ("in 2022 three were arrested"), not a count
            if count == 1 and match.groupdict().get("verb") in {"were", "have been"}:
                continue  # "staging a demonstration were detained": "a" counted no one
            return count, "approximate" if match["qualifier"] else "exact"
    return None, "unknown"


def _is_state_force(code: str) -> bool:
    value = code.strip().lower()
    return value == "1" or value.startswith("state forces")


def _acts(sub_event: str, notes: str, where: str) -> list[ActRecord]:
    acts = []
    arrests = arrest_count(notes)
    if arrests is not None or sub_event == "arrests":
        count, precision = arrests or (None, "unknown")
        acts.append(
            ActRecord(
                where=where,
                act_type="arrest",
                number_affected=count,
                number_precision=precision,
                provision_hint=notes,
            )
        )
    lowered = notes.lower()
    if sub_event.startswith("excessive force") or _FORCE_WORD.search(lowered):
        acts.append(ActRecord(where=where, act_type="force", number_precision="unknown"))
    if _DISPERSAL_WORD.search(lowered):
        acts.append(ActRecord(where=where, act_type="dispersal", number_precision="unknown"))
    return acts


def _read_row(row: int, values: dict[str, str]) -> Iterator[ReadItem]:
    where = f"Row {row}"
    event_id = values.get("event_id_cnty", "")
    sub_event = values.get("sub_event_type", "").strip()
    notes = values.get("notes", "")
    if not event_id:
        yield Problem(where, "event_id_cnty", "is empty; every ACLED event has an id.")
        return
    state_involved = any(_is_state_force(values.get(k, "")) for k in ("inter1", "inter2"))
    acts = _acts(sub_event.lower(), notes, where)
    if sub_event.lower() not in POLICE_ACTION_EVENTS and not (state_involved and acts):
        yield Skipped(where, f"{sub_event or 'an event'} with no police action")
        return
    if not acts:
        acts = [ActRecord(where=where, act_type="other", number_precision="unknown")]
    try:
        day, _ = parse_date(values.get("event_date", ""))
    except ValueProblem as error:
        yield Problem(where, "event_date", str(error))
        return
    country = ""
    for column in ("iso3", "iso", "country"):
        if values.get(column) and (code := country_code(values[column])):
            country = code
            break
    if not country:
        yield Problem(
            where,
            "country",
            f"{values.get('country', '')!r} is not a country we "
            "know; give the ISO code in the iso column.",
        )
    location = values.get("location", "")
    record = IncidentRecord(
        where=where,
        external_id=f"acled:{event_id}",
        title=f"{sub_event or 'Police action'} in {location or values.get('admin1', '')}".strip(),
        summary=notes,
        date=day,
        date_precision=_DATE_PRECISION.get(values.get("time_precision", "").strip(), "day"),
        place=location,
        country=country,
        coordinate_precision=_COORDINATE_PRECISION.get(values.get("geo_precision", "").strip(), ""),
        tags=[ACLED_TAG],
        acts=acts,
        force_hint=notes,
        areas=[values.get(column, "") for column in ("admin3", "admin2", "location", "admin1")],
        # Every column as ACLED gave it, for an ACLED export to give back unchanged.
        acled={column: value for column, value in values.items() if column != PROBLEMS_COLUMN},
    )
    fatalities = values.get("fatalities", "").strip()
    if fatalities.isdigit() and int(fatalities) > 0:
        record.summary += f"\n\nACLED records {fatalities} fatalities."
    for column, limit in (("latitude", 90), ("longitude", 180)):
        if raw := values.get(column, ""):
            try:
                setattr(record, column, parse_coordinate(raw, limit=limit))
            except ValueProblem as error:
                yield Problem(where, column, str(error))
    if record.latitude is None or record.longitude is None:
        record.latitude = record.longitude = None
        record.coordinate_precision = ""
    record.sources.append(
        SourceRecord(
            where=where,
            external_id=f"acled:{event_id}",
            title=f"ACLED event {event_id}",
            publisher=values.get("source", ""),
            kind="news_article",
            channel=ACLED_CHANNEL,
            text=notes,
            supports="ACLED's coding of the event",
        )
    )
    record.items = [row]
    yield record


class AcledCsv(CsvRejects):
    name = "acled"
    label = "ACLED CSV (ACLED's export columns)"
    extension = "csv"
    media_type = "text/csv"

    def read(self, stream: TextIO) -> Iterator[ReadItem]:
        header, rows = csv_rows(stream)
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            yield Problem(
                "Row 1",
                ", ".join(missing),
                "column missing; this does not look "
                "like an ACLED export. Download the events with all columns.",
            )
            return
        seen: dict[str, int] = {}
        for row, values in rows:
            event_id = values.get("event_id_cnty", "")
            if event_id in seen:
                yield Problem(
                    f"Row {row}",
                    "event_id_cnty",
                    f"{event_id} was already given on "
                    f"row {seen[event_id]}; keep one row per event.",
                )
                continue
            seen[event_id] = row
            yield from _read_row(row, values)

    def write(self, incidents: Iterable[IncidentRecord], stream: TextIO) -> int:
        return write_parts(self.parts, incidents, stream)

    def parts(self, incidents: Iterable[IncidentRecord]) -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(COLUMNS)
        yield drain(buffer)
        for incident in incidents:
            writer.writerow(
                [
                    spreadsheet_safe(str(value)) if column in TEXT_COLUMNS else value
                    for column, value in zip(COLUMNS, acled_row(incident), strict=True)
                ]
            )
            if buffer.tell() >= PART_SIZE:
                yield drain(buffer)
        yield drain(buffer)


# How ACLED's codebook classes what police do (ACLED's event categories): at a protest,
# an intervention (arrests, dispersal, kettling, searches, seizures, force short of the
# serious injury ACLED keeps for "Excessive force against protesters"); elsewhere, a politically
# significant arrest is "Arrests", force against people is "Attack", and the rest of what
# Casebook records (charges, cautions, fines, conditions, appeals, visits, surveillance) is no
# event of its own in ACLED's terms: "Other" strategic developments. A charge is not an arrest.
# (act type -> (sub-event at a protest, sub-event elsewhere)); tests check every act type of
# the codebook against ACLED's own category list.
ACT_SUB_EVENTS: dict[str, tuple[str, str]] = {
    "arrest": ("Protest with intervention", "Arrests"),
    "seizure": ("Protest with intervention", "Other"),
    "stop_search": ("Protest with intervention", "Other"),
    "dispersal": ("Protest with intervention", "Protest with intervention"),
    "containment": ("Protest with intervention", "Protest with intervention"),
    "force": ("Protest with intervention", "Attack"),
    "charge": ("Other", "Other"),
    "caution": ("Other", "Other"),
    "fine": ("Other", "Other"),
    "conditions": ("Other", "Other"),
    "image_appeal": ("Other", "Other"),
    "personal_details_published": ("Other", "Other"),
    "home_visit": ("Other", "Other"),
    "surveillance": ("Other", "Other"),
    "other": ("Other", "Other"),
}
# sub-event -> (event type, disorder type), as ACLED's category list and flags give them.
SUB_EVENTS: dict[str, tuple[str, str]] = {
    "Protest with intervention": ("Protests", "Demonstrations"),
    "Attack": ("Violence against civilians", "Political violence"),
    "Arrests": ("Strategic developments", "Strategic developments"),
    "Other": ("Strategic developments", "Strategic developments"),
}
# The most telling event wins when an incident's acts map to several.
_SUB_EVENT_ORDER = ("Attack", "Protest with intervention", "Arrests", "Other")
# Triggers that put people in a street or a square: an act over them happened at a protest.
_PROTEST_TRIGGERS = frozenset(
    {"placard", "banner", "flag", "chant", "speech", "leaflet", "noise", "gathering", "obstruction"}
)
# ACLED's actor types in its older numeric coding (the interaction is the two, smaller first).
STATE_FORCES, PROTESTERS, CIVILIANS = 1, 6, 7
# Where ISO's English name is not the short one data sets (and ACLED) use.
_SHORT_NAMES = {
    "CD": "Democratic Republic of Congo",
    "FM": "Micronesia",
    "PS": "Palestine",
    "RU": "Russia",
    "VA": "Vatican City",
    "VG": "British Virgin Islands",
    "VI": "United States Virgin Islands",
    "FK": "Falkland Islands",
    "MF": "Saint-Martin",
    "SX": "Sint Maarten",
    "BQ": "Caribbean Netherlands",
}
# ACLED's regions of the few countries whose forces a Casebook codebook lists.
_REGIONS = {
    **dict.fromkeys(("GB", "IE", "IM", "JE", "GG"), "Europe"),
    **dict.fromkeys(("US", "CA"), "North America"),
    "AU": "Oceania",
    "HK": "East Asia",
}


def at_protest(incident: IncidentRecord) -> bool:
    """Did the incident happen at a protest, as ACLED would see it?"""
    return bool(incident.protest) or any(
        act.act_type in ("dispersal", "containment") or act.trigger_type in _PROTEST_TRIGGERS
        for act in incident.acts
    )


def acled_event(incident: IncidentRecord) -> tuple[str, str, str]:
    """(disorder_type, event_type, sub_event_type) that ACLED's codebook gives the incident.

    >>> acled_event(IncidentRecord(where="", external_id="", acts=[ActRecord("", "charge")]))
    ('Strategic developments', 'Strategic developments', 'Other')
    """
    protest = at_protest(incident)
    found = {
        ACT_SUB_EVENTS.get(act.act_type, ("Other", "Other"))[0 if protest else 1]
        for act in incident.acts
    } or {"Other"}
    sub_event = next(name for name in _SUB_EVENT_ORDER if name in found)
    event_type, disorder = SUB_EVENTS[sub_event]
    return disorder, event_type, sub_event


def _country_name(alpha2: str) -> str:
    return _SHORT_NAMES.get(alpha2, country_name(alpha2)) if alpha2 else ""


def _notes(incident: IncidentRecord) -> str:
    """What happened, for ACLED's notes: the approved redaction of the summary where there is
    one (nothing else of the narrative leaves), then the coded facts in words."""
    where = f" in {incident.place}" if incident.place else ""
    who = incident.force_name or "Police"
    acts = "; ".join(_act_words(act) for act in incident.acts) or "acted"
    coded = f"On {incident.date:%-d %B %Y}{where}, {who}: {acts}." if incident.date else ""
    return " ".join(part for part in (incident.summary.strip(), coded) if part)


def _act_words(act: ActRecord) -> str:
    """One act in words from its coded fields only (never its free-text wording).

    >>> _act_words(ActRecord("", "stop_search", number_affected=3, legal_provision="PACE s1"))
    'stop search of 3 people (PACE s1)'
    """
    number = act.number_affected
    words = act.act_type.replace("_", " ")
    if number is not None:
        words += f" of {number} {'person' if number == 1 else 'people'}"
    detail = ", ".join(
        part
        for part in (act.legal_provision, f"over a {act.trigger_type}" if act.trigger_type else "")
        if part
    )
    outcomes = ", ".join(o.outcome.replace("_", " ") for o in act.outcomes)
    return words + (f" ({detail})" if detail else "") + (f"; then {outcomes}" if outcomes else "")


def acled_row(incident: IncidentRecord) -> list:
    """The incident in ACLED's 31 columns.

    An event imported from ACLED goes back exactly as ACLED gave it, column by column, so
    that it joins with ACLED's own data. Casebook's own incidents are coded as ACLED's
    codebook would code them, in its older numeric actor coding: the force against
    protesters (at a protest) or civilians; the event id is Casebook's reference.
    """
    if incident.acled:
        return [incident.acled.get(column, "") for column in COLUMNS]
    external = incident.external_id
    event_id = external.removeprefix("acled:") if external.startswith("acled:") else external
    disorder, event_type, sub_event = acled_event(incident)
    time_precision = {"day": 1, "month": 3, "year": 3}.get(incident.date_precision, 1)
    geo_precision = {"exact": 1, "street": 1, "town": 1, "region": 2}.get(
        incident.coordinate_precision, ""
    )
    country = incident.country or ""
    name = _country_name(country)
    police = incident.force_name or (f"Police Forces of {name}" if name else "Police Forces")
    if event_type == "Protests":
        actor1, inter1 = (f"Protesters ({name})" if name else "Protesters"), PROTESTERS
        actor2, inter2 = police, STATE_FORCES
    else:
        actor1, inter1 = police, STATE_FORCES
        kind, inter2 = (
            ("Protesters", PROTESTERS) if at_protest(incident) else ("Civilians", CIVILIANS)
        )
        actor2 = f"{kind} ({name})" if name else kind
    return [
        event_id,
        incident.date.isoformat() if incident.date else "",
        incident.date.year if incident.date else "",
        time_precision,
        disorder,
        event_type,
        sub_event,
        actor1,
        "",
        inter1,
        actor2,
        "",
        inter2,
        int(f"{min(inter1, inter2)}{max(inter1, inter2)}"),
        "",
        country_numeric(country) or "",
        _REGIONS.get(country, ""),
        name,
        incident.nation,
        "",
        "",
        incident.place,
        incident.latitude if incident.latitude is not None else "",
        incident.longitude if incident.longitude is not None else "",
        geo_precision,
        "; ".join(s.publisher for s in incident.sources if s.publisher),
        "",
        _notes(incident),
        0,
        "; ".join(incident.tags),
        "",
    ]
