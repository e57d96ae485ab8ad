"""Casebook's JSON layout: incidents with their acts, outcomes, people and sources nested.

    {"format": "casebook-incidents", "version": 1,
     "incidents": [{"id": "…", "title": "…", "date": "2024-05-04", "force": "…",
                    "acts": [{"act_type": "arrest", "number_affected": 3,
                              "outcomes": [{"outcome": "charged", "date": "2024-06-01"}],
                              "people": [{"reference": "P-000001", "role": "arrested"}]}],
                    "sources": [{"url": "https://…", "title": "…"}]}]}

A bare list of incidents is read too. People's personal details (`full_name`, `contact`,
`address`) appear only in exports made by someone allowed to see them, and the import takes
them only for a person whose `consent_record` is true.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from casebook.transfer.formats.base import ReadItem
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
        if not isinstance(data, dict):
            problems.append(Problem(where, "", "should be an object ({…})."))

    def text(self, key: str) -> str:
        value = self.data.get(key)
        if value is None:
            return ""
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return str(value).strip()
        self.problems.append(Problem(self.where, key, "should be text."))
        return ""

    def convert(self, key: str, parse, default=None):
        raw = self.data.get(key)
        if raw is None or raw == "":
            return default
        try:
            return parse(raw if isinstance(raw, bool) else str(raw))
        except ValueProblem as error:
            self.problems.append(Problem(self.where, key, str(error)))
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
        where=where, role=r.text("role") or "affected", reference=r.text("reference"),
        full_name=r.text("full_name"), contact=r.text("contact"), address=r.text("address"),
        consent_record=r.convert("consent_record", parse_bool, False),
        consent_share=r.convert("consent_share", parse_bool, False),
        consent_publish=r.convert("consent_publish", parse_bool, False),
    )


def _read_act(where: str, data: Any, problems: list[Problem]) -> ActRecord:
    r = _Reader(where, data, problems)
    act = ActRecord(
        where=where, act_type=r.text("act_type"), external_id=r.text("id"),
        number_affected=r.convert("number_affected", parse_count),
        number_precision=r.text("number_precision"),
        legal_provision=r.text("legal_provision"), offence_wording=r.text("offence_wording"),
        trigger_type=r.text("trigger_type"), trigger_wording=r.text("trigger_wording"),
        perpetrator=r.text("perpetrator"), perpetrator_unit=r.text("perpetrator_unit"),
    )
    if not act.act_type:
        problems.append(Problem(where, "act_type", "is missing; name the act, e.g. arrest."))
    for i, item in enumerate(r.items("outcomes")):
        o = _Reader(f"{where}.outcomes[{i}]", item, problems)
        act.outcomes.append(OutcomeRecord(
            where=o.where, outcome=o.text("outcome"),
            date=o.convert("date", lambda text: parse_date(text)[0]), note=o.text("note"),
        ))
    act.people = [_read_person(f"{where}.people[{i}]", item, problems)
                  for i, item in enumerate(r.items("people"))]
    return act


def _read_source(where: str, data: Any, problems: list[Problem]) -> SourceRecord:
    r = _Reader(where, data, problems)
    return SourceRecord(
        where=where, external_id=r.text("id"), url=r.text("url"), title=r.text("title"),
        publisher=r.text("publisher"), kind=r.text("kind"), channel=r.text("channel"),
        published_at=r.convert("published_at", parse_datetime),
        reliability=r.text("reliability"), credibility=r.text("credibility"),
        text=r.text("text"), supports=r.text("supports"),
    )


def _read_incident(where: str, data: Any, problems: list[Problem]) -> IncidentRecord:
    r = _Reader(where, data, problems)
    record = IncidentRecord(
        where=where, external_id=r.text("id"), title=r.text("title"),
        summary=r.text("summary"), place=r.text("place"), country=r.text("country"),
        coordinate_precision=r.text("coordinate_precision"), force=r.text("force"),
        protest=r.text("protest"), status=r.text("status"),
        end_date=r.convert("end_date", lambda text: parse_date(text)[0]),
        time=r.convert("time", parse_time),
        latitude=r.convert("latitude", lambda text: parse_coordinate(text, limit=90)),
        longitude=r.convert("longitude", lambda text: parse_coordinate(text, limit=180)),
    )
    parsed = r.convert("date", parse_date)
    if parsed:
        record.date, record.date_precision = parsed
    record.date_precision = r.text("date_precision") or record.date_precision
    for key in ("title", "date"):
        if not getattr(record, key):
            problems.append(Problem(where, key, f"is missing; every incident needs a {key}."))
    record.tags = [str(tag).strip() for tag in r.items("tags") if str(tag).strip()]
    record.acts = [_read_act(f"{where}.acts[{i}]", item, problems)
                   for i, item in enumerate(r.items("acts"))]
    record.sources = [_read_source(f"{where}.sources[{i}]", item, problems)
                      for i, item in enumerate(r.items("sources"))]
    return record


class CasebookJson:
    name = "json"
    label = "Casebook JSON (incidents with acts, outcomes and sources)"
    extension = "json"
    media_type = "application/json"

    def read(self, stream: TextIO) -> Iterator[ReadItem]:
        try:
            data = json.load(stream)
        except json.JSONDecodeError as error:
            yield Problem(f"Line {error.lineno}", "", f"the file is not valid JSON "
                          f"({error.msg} at column {error.colno}).")
            return
        if isinstance(data, dict):
            if data.get("format", FORMAT_NAME) != FORMAT_NAME:
                yield Problem("The file", "format", f"is {data.get('format')!r}; this importer "
                              f"reads {FORMAT_NAME!r} files.")
                return
            data = data.get("incidents")
        if not isinstance(data, list):
            yield Problem("The file", "incidents", "should be a list of incidents, either the "
                          "whole file or under the key \"incidents\".")
            return
        for i, item in enumerate(data):
            problems: list[Problem] = []
            record = _read_incident(f"incidents[{i}]", item, problems)
            yield from problems
            yield record

    def write(self, incidents: Iterable[IncidentRecord], stream: TextIO) -> int:
        # Written incident by incident so that a large export never sits whole in memory.
        stream.write(f'{{"format": "{FORMAT_NAME}", "version": {FORMAT_VERSION}, '
                     '"incidents": [\n')
        count = 0
        for incident in incidents:
            if count:
                stream.write(",\n")
            stream.write(json.dumps(incident_json(incident), ensure_ascii=False))
            count += 1
        stream.write("\n]}\n")
        return count


def _drop_empty(data: dict) -> dict:
    return {key: value for key, value in data.items() if value not in ("", None, [])}


def incident_json(incident: IncidentRecord) -> dict:
    return _drop_empty({
        "id": incident.external_id, "title": incident.title, "summary": incident.summary,
        "date": incident.date.isoformat() if incident.date else None,
        "date_precision": incident.date_precision,
        "end_date": incident.end_date.isoformat() if incident.end_date else None,
        "time": incident.time.strftime("%H:%M") if incident.time else None,
        "place": incident.place, "country": incident.country,
        "latitude": str(incident.latitude) if incident.latitude is not None else None,
        "longitude": str(incident.longitude) if incident.longitude is not None else None,
        "coordinate_precision": incident.coordinate_precision, "force": incident.force,
        "protest": incident.protest, "status": incident.status, "tags": incident.tags,
        "acts": [_act_json(act) for act in incident.acts],
        "sources": [_source_json(source) for source in incident.sources],
    })


def _act_json(act: ActRecord) -> dict:
    return _drop_empty({
        "id": act.external_id, "act_type": act.act_type,
        "number_affected": act.number_affected, "number_precision": act.number_precision,
        "legal_provision": act.legal_provision, "offence_wording": act.offence_wording,
        "trigger_type": act.trigger_type, "trigger_wording": act.trigger_wording,
        "perpetrator": act.perpetrator, "perpetrator_unit": act.perpetrator_unit,
        "outcomes": [
            _drop_empty({"outcome": o.outcome,
                         "date": o.date.isoformat() if o.date else None, "note": o.note})
            for o in act.outcomes
        ],
        "people": [_person_json(person) for person in act.people],
    })


def _person_json(person: PersonRecord) -> dict:
    data = {"reference": person.reference, "role": person.role}
    if person.has_personal_details:
        data |= {
            "full_name": person.full_name, "contact": person.contact,
            "address": person.address, "consent_record": person.consent_record,
            "consent_share": person.consent_share, "consent_publish": person.consent_publish,
        }
    return data


def _source_json(source: SourceRecord) -> dict:
    return _drop_empty({
        "id": source.external_id, "url": source.url, "title": source.title,
        "publisher": source.publisher, "kind": source.kind, "channel": source.channel,
        "published_at": source.published_at.isoformat() if source.published_at else None,
        "reliability": source.reliability, "credibility": source.credibility,
        "text": source.text, "supports": source.supports,
    })
