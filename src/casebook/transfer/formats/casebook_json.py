"""Casebook's JSON layout: incidents with their acts, outcomes, people and sources nested.

    {"format": "casebook-incidents", "version": 1,
     "incidents": [{"id": "…", "title": "…", "date": "2024-05-04", "force": "…",
                    "acts": [{"act_type": "arrest", "number_affected": 3,
                              "outcomes": [{"outcome": "charged", "date": "2024-06-01"}],
                              "people": [{"reference": "P-000001", "role": "arrested"}]}],
                    "sources": [{"url": "https://…", "title": "…"}]}]}

A bare list of incidents is read too, and JSON Lines: one incident object per line, as the
rejects file of an import is written (with a `problems` key, which is not read). People's
personal details (`full_name`, `contact`, `address`) appear only in exports made by someone
allowed to see them, and the import takes them only for a person whose `consent_record` is
true.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from casebook.lib.untrusted_json import UntrustedJsonError, json_loads_untrusted
from casebook.transfer.formats.base import ReadItem, write_parts
from casebook.transfer.records import (
    ActRecord,
    IncidentRecord,
    OutcomeRecord,
    PersonRecord,
    Problem,
    SourceRecord,
    ValueProblem,
    parse_bool,
    parse_coordinate,
    parse_count,
    parse_date,
    parse_datetime,
    parse_time,
)

FORMAT_NAME = "casebook-incidents"
FORMAT_VERSION = 1


class _Reader:
    """Reads one JSON object field by field, noting problems instead of stopping."""

    def __init__(self, where: str, data: Any, problems: list[Problem]) -> None:
        self.where = where
        self.data = data if isinstance(data, dict) else {}
        self.problems = problems
        # Keys whose value had a problem: "is missing" would only repeat it.
        self.failed: set[str] = set()
        if not isinstance(data, dict):
            problems.append(Problem(where, "", "should be an object ({…})."))

    def text(self, key: str) -> str:
        value = self.data.get(key)
        if value is None:
            return ""
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return str(value).strip()
        self.problems.append(Problem(self.where, key, "should be text."))
        self.failed.add(key)
        return ""

    def convert(self, key: str, parse, default=None):
        raw = self.data.get(key)
        if raw is None or raw == "":
            return default
        try:
            return parse(raw if isinstance(raw, bool) else str(raw))
        except ValueProblem as error:
            self.problems.append(Problem(self.where, key, str(error)))
            self.failed.add(key)
            return default

    def items(self, key: str) -> list:
        value = self.data.get(key) or []
        if not isinstance(value, list):
            self.problems.append(Problem(self.where, key, "should be a list ([…])."))
            return []
        return value


def _read_person(where: str, data: Any, problems: list[Problem]) -> PersonRecord:
    r = _Reader(where, data, problems)
    return PersonRecord(
        where=where,
        role=r.text("role") or "affected",
        reference=r.text("reference"),
        full_name=r.text("full_name"),
        contact=r.text("contact"),
        address=r.text("address"),
        consent_record=r.convert("consent_record", parse_bool, False),
        consent_share=r.convert("consent_share", parse_bool, False),
        consent_publish=r.convert("consent_publish", parse_bool, False),
    )


def _read_act(where: str, data: Any, problems: list[Problem]) -> ActRecord:
    r = _Reader(where, data, problems)
    act = ActRecord(
        where=where,
        act_type=r.text("act_type"),
        external_id=r.text("id"),
        number_affected=r.convert("number_affected", parse_count),
        number_precision=r.text("number_precision"),
        legal_provision=r.text("legal_provision"),
        offence_wording=r.text("offence_wording"),
        trigger_type=r.text("trigger_type"),
        trigger_wording=r.text("trigger_wording"),
        perpetrator=r.text("perpetrator"),
        perpetrator_unit=r.text("perpetrator_unit"),
    )
    if not act.act_type:
        problems.append(Problem(where, "act_type", "is missing; name the act, e.g. arrest."))
    for i, item in enumerate(r.items("outcomes")):
        o = _Reader(f"{where}.outcomes[{i}]", item, problems)
        act.outcomes.append(
            OutcomeRecord(
                where=o.where,
                outcome=o.text("outcome"),
                date=o.convert("date", lambda text: parse_date(text)[0]),
                note=o.text("note"),
            )
        )
    act.people = [
        _read_person(f"{where}.people[{i}]", item, problems)
        for i, item in enumerate(r.items("people"))
    ]
    return act


def _read_source(where: str, data: Any, problems: list[Problem]) -> SourceRecord:
    r = _Reader(where, data, problems)
    return SourceRecord(
        where=where,
        external_id=r.text("id"),
        url=r.text("url"),
        title=r.text("title"),
        publisher=r.text("publisher"),
        kind=r.text("kind"),
        channel=r.text("channel"),
        published_at=r.convert("published_at", parse_datetime),
        reliability=r.text("reliability"),
        credibility=r.text("credibility"),
        text=r.text("text"),
        supports=r.text("supports"),
        found_independently=r.convert("found_independently", parse_bool, True),
    )


def _inner(where: str, part: str) -> str:
    """Where a part of an incident is: "incidents[3].acts[0]", or "Line 3: acts[0]"."""
    return f"{where}: {part}" if where.startswith("Line") else f"{where}.{part}"


def _read_incident(where: str, data: Any, problems: list[Problem]) -> IncidentRecord:
    r = _Reader(where, data, problems)
    record = IncidentRecord(
        where=where,
        external_id=r.text("id"),
        title=r.text("title"),
        summary=r.text("summary"),
        place=r.text("place"),
        country=r.text("country"),
        coordinate_precision=r.text("coordinate_precision"),
        force=r.text("force"),
        protest=r.text("protest"),
        status=r.text("status"),
        end_date=r.convert("end_date", lambda text: parse_date(text)[0]),
        time=r.convert("time", parse_time),
        latitude=r.convert("latitude", lambda text: parse_coordinate(text, limit=90)),
        longitude=r.convert("longitude", lambda text: parse_coordinate(text, limit=180)),
    )
    parsed = r.convert("date", parse_date)
    if parsed:
        record.date, record.date_precision = parsed
    record.date_precision = r.text("date_precision") or record.date_precision
    acled = r.data.get("acled") or {}
    if isinstance(acled, dict) and all(isinstance(v, str) for v in acled.values()):
        record.acled = {str(column): value for column, value in acled.items()}
    else:
        problems.append(
            Problem(where, "acled", "should be ACLED's columns and their values, as text.")
        )
    record.unreadable = r.failed
    for key in ("title", "date"):
        if not getattr(record, key) and key not in r.failed:
            problems.append(Problem(where, key, f"is missing; every incident needs a {key}."))
    for tag in r.items("tags"):
        if isinstance(tag, str | int | float) and not isinstance(tag, bool):
            if str(tag).strip():
                record.tags.append(str(tag).strip())
        else:
            problems.append(Problem(where, "tags", 'should be a list of words, e.g. ["kettling"].'))
    record.acts = [
        _read_act(_inner(where, f"acts[{i}]"), item, problems)
        for i, item in enumerate(r.items("acts"))
    ]
    record.sources = [
        _read_source(_inner(where, f"sources[{i}]"), item, problems)
        for i, item in enumerate(r.items("sources"))
    ]
    return record


_ITEM = re.compile(r"^(?:incidents\[(\d+)\]|Line (\d+))")


def _starts_as_lines(text: str) -> bool:
    """Is this JSON Lines (one object per line) rather than one JSON document?"""
    first = next((line for line in text.splitlines() if line.strip()), "")
    try:
        return isinstance(json_loads_untrusted(first), dict)
    except UntrustedJsonError:
        return False


def _lines(text: str) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield number, line


def _is_one_incident(data: Any) -> bool:
    # A one-line JSON Lines file parses as a single object: an incident, not a document.
    return (
        isinstance(data, dict)
        and "incidents" not in data
        and "format" not in data
        and bool({"id", "title", "date"} & set(data))
    )


def _relative(problem: Problem) -> str:
    """A problem as the rejects file states it: its place inside the incident, not the file.

    >>> _relative(Problem("incidents[4].acts[0]", "act_type", "is missing."))
    'acts[0], act_type: is missing.'
    >>> _relative(Problem("Line 3", "title", "is missing."))
    'title: is missing.'
    """
    place = _ITEM.sub("", problem.where).lstrip(".: ")
    return ", ".join(part for part in (place, problem.field) if part) + (
        f": {problem.message}" if place or problem.field else problem.message
    )


class CasebookJson:
    name = "json"
    label = "Casebook JSON (incidents with acts, outcomes and sources)"
    extension = "json"
    media_type = "application/json"
    rejects_extension = "jsonl"

    def item_of(self, where: str) -> int | None:
        match = _ITEM.match(where)
        return None if match is None else int(match[1] or match[2])

    def write_rejects(
        self, source: TextIO, rejected: dict[int, list[Problem]], stream: TextIO
    ) -> int:
        text = source.read()
        try:
            document = json_loads_untrusted(text)
        except UntrustedJsonError:
            document = None  # JSON Lines: `read` found no document either
        found: dict[int, Any] = {}
        if document is None or _is_one_incident(document):
            for number, line in _lines(text):
                if number in rejected:
                    try:
                        found[number] = json_loads_untrusted(line)
                    except UntrustedJsonError:
                        found[number] = {"unreadable_line": line}
        else:
            incidents = document.get("incidents") if isinstance(document, dict) else document
            incidents = incidents if isinstance(incidents, list) else []
            found = {i: incidents[i] for i in rejected if 0 <= i < len(incidents)}
        for item in sorted(found):
            data = found[item] if isinstance(found[item], dict) else {"value": found[item]}
            problems = [_relative(p) for p in rejected[item]] or [
                "(nothing wrong in it: left out with the rest of the file's problems)"
            ]
            stream.write(json.dumps({**data, "problems": problems}, ensure_ascii=False) + "\n")
        return len(found)

    def read(self, stream: TextIO) -> Iterator[ReadItem]:
        text = stream.read()
        try:
            data = json_loads_untrusted(text)
        except UntrustedJsonError as error:
            if _starts_as_lines(text):
                yield from self._read_lines(text)
                return
            yield Problem("The file", "", str(error))
            return
        if _is_one_incident(data):
            yield from self._read_lines(text)
            return
        if isinstance(data, dict):
            if data.get("format", FORMAT_NAME) != FORMAT_NAME:
                yield Problem(
                    "The file",
                    "format",
                    f"is {data.get('format')!r}; this importer reads {FORMAT_NAME!r} files.",
                )
                return
            data = data.get("incidents")
        if not isinstance(data, list):
            yield Problem(
                "The file",
                "incidents",
                "should be a list of incidents, either the "
                'whole file or under the key "incidents".',
            )
            return
        for i, item in enumerate(data):
            problems: list[Problem] = []
            record = _read_incident(f"incidents[{i}]", item, problems)
            record.items = [i]
            yield from problems
            yield record

    def _read_lines(self, text: str) -> Iterator[ReadItem]:
        for number, line in _lines(text):
            where = f"Line {number}"
            try:
                item = json_loads_untrusted(line)
            except UntrustedJsonError as error:
                reason = (
                    f"is not valid JSON ({error.syntax.msg} at column {error.syntax.colno})"
                    if error.syntax
                    else str(error).rstrip(".")
                )
                yield Problem(where, "", f"{reason}; each line holds one incident.")
                continue
            problems: list[Problem] = []
            record = _read_incident(where, item, problems)
            record.items = [number]
            yield from problems
            yield record

    def write(self, incidents: Iterable[IncidentRecord], stream: TextIO) -> int:
        return write_parts(self.parts, incidents, stream)

    def parts(self, incidents: Iterable[IncidentRecord]) -> Iterator[str]:
        # Written incident by incident so that a large export never sits whole in memory.
        yield f'{{"format": "{FORMAT_NAME}", "version": {FORMAT_VERSION}, "incidents": [\n'
        separator = ""
        for incident in incidents:
            yield separator + json.dumps(incident_json(incident), ensure_ascii=False)
            separator = ",\n"
        yield "\n]}\n"


def _drop_empty(data: dict) -> dict:
    return {key: value for key, value in data.items() if value not in ("", None, [], {})}


def incident_json(incident: IncidentRecord) -> dict:
    return _drop_empty(
        {
            "id": incident.external_id,
            "title": incident.title,
            "summary": incident.summary,
            "date": incident.date.isoformat() if incident.date else None,
            "date_precision": incident.date_precision,
            "end_date": incident.end_date.isoformat() if incident.end_date else None,
            "time": incident.time.strftime("%H:%M") if incident.time else None,
            "place": incident.place,
            "country": incident.country,
            "latitude": str(incident.latitude) if incident.latitude is not None else None,
            "longitude": str(incident.longitude) if incident.longitude is not None else None,
            "coordinate_precision": incident.coordinate_precision,
            "force": incident.force,
            "protest": incident.protest,
            "status": incident.status,
            "tags": incident.tags,
            # ACLED's own columns of an event imported from ACLED, as ACLED gave them.
            "acled": incident.acled,
            "acts": [_act_json(act) for act in incident.acts],
            "sources": [_source_json(source) for source in incident.sources],
        }
    )


def _act_json(act: ActRecord) -> dict:
    return _drop_empty(
        {
            "id": act.external_id,
            "act_type": act.act_type,
            "number_affected": act.number_affected,
            "number_precision": act.number_precision,
            "legal_provision": act.legal_provision,
            "offence_wording": act.offence_wording,
            "trigger_type": act.trigger_type,
            "trigger_wording": act.trigger_wording,
            "perpetrator": act.perpetrator,
            "perpetrator_unit": act.perpetrator_unit,
            "outcomes": [
                _drop_empty(
                    {
                        "outcome": o.outcome,
                        "date": o.date.isoformat() if o.date else None,
                        "note": o.note,
                    }
                )
                for o in act.outcomes
            ],
            "people": [_person_json(person) for person in act.people],
        }
    )


def _person_json(person: PersonRecord) -> dict:
    data: dict[str, str | bool] = {"reference": person.reference, "role": person.role}
    if person.has_personal_details:
        data |= {
            "full_name": person.full_name,
            "contact": person.contact,
            "address": person.address,
            "consent_record": person.consent_record,
            "consent_share": person.consent_share,
            "consent_publish": person.consent_publish,
        }
    return data


def _source_json(source: SourceRecord) -> dict:
    return _drop_empty(
        {
            "id": source.external_id,
            "url": source.url,
            "title": source.title,
            "publisher": source.publisher,
            "kind": source.kind,
            "channel": source.channel,
            "published_at": source.published_at.isoformat() if source.published_at else None,
            "reliability": source.reliability,
            "credibility": source.credibility,
            "text": source.text,
            "supports": source.supports,
            "found_independently": source.found_independently,
        }
    )
