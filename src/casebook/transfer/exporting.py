"""Incidents as neutral records for the file formats, and an export ready to stream.

`incident_record` is also what other parts of Casebook use to hand an incident to a file
format; `export_queryset` loads everything an export needs in a handful of queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from casebook.cases.models import Act, Incident, Outcome
from casebook.people.models import Involvement
from casebook.redaction.approved import approved_text_for
from casebook.redaction.shown import redact_objects
from casebook.sources.models import IncidentSource
from casebook.transfer.formats.base import PART_SIZE, IncidentFormat
from casebook.transfer.records import (
    ActRecord,
    IncidentRecord,
    OutcomeRecord,
    PersonRecord,
    SourceRecord,
)


def identity(text: str) -> str:
    return text


def export_queryset(incidents: QuerySet) -> QuerySet:
    # Prefetched into plain lists (to_attr): a prefetch into a related manager clones a
    # queryset per incident and per act, which was half the time of a large export.
    return (
        incidents.select_related("force", "protest")
        .prefetch_related(
            Prefetch("tags", to_attr="export_tags"),
            Prefetch(
                "acts",
                to_attr="export_acts",
                queryset=Act.objects.select_related(
                    "act_type", "trigger_type", "legal_provision", "perpetrator"
                ).prefetch_related(
                    Prefetch(
                        "outcomes",
                        to_attr="export_outcomes",
                        queryset=Outcome.objects.select_related("outcome_type"),
                    ),
                    Prefetch(
                        "involvements",
                        to_attr="export_involvements",
                        queryset=Involvement.objects.select_related("person").order_by("id"),
                    ),
                ),
            ),
            Prefetch(
                "source_links",
                to_attr="export_links",
                queryset=IncidentSource.objects.select_related("source__channel").order_by("id"),
            ),
        )
        .order_by("date", "id")
    )


def export_summary(
    incident: Incident, *, personal_data: bool, approved_summaries: frozenset[int] | None = None
) -> str:
    """The summary as it may leave: as written with personal data, else only its approved
    redaction (empty until one is approved). `approved_summaries` (from
    `incidents_with_approved_text`) spares a query per incident in bulk exports."""
    if personal_data:
        return incident.summary
    if approved_summaries is not None and incident.pk not in approved_summaries:
        return ""
    return approved_text_for(incident, "summary") or ""


def records_for_export(
    incidents: Iterable[Incident],
    *,
    personal_data: bool,
    redact: Callable[[str], str] = identity,
    approved_summaries: frozenset[int] | None = None,
    batch_size: int = 500,
) -> Iterator[IncidentRecord]:
    """Incidents (from `export_queryset`) as records, their free text as it may leave.

    Without personal data, what leaves the organisation carries free text (titles, places,
    wording, notes, what sources support, protests) only redacted: the approved redaction,
    else the machine's (stored once, see redaction/shown.py), a batch at a time.
    """
    batch: list[Incident] = []
    for incident in incidents:
        batch.append(incident)
        if len(batch) == batch_size:
            yield from _batch_records(batch, personal_data, redact, approved_summaries)
            batch = []
    yield from _batch_records(batch, personal_data, redact, approved_summaries)


def _batch_records(batch, personal_data, redact, approved_summaries) -> Iterator[IncidentRecord]:
    summaries = {
        i.pk: export_summary(i, personal_data=personal_data, approved_summaries=approved_summaries)
        for i in batch
    }
    if not personal_data:
        redact_objects(_free_text_objects(batch))
    for incident in batch:
        yield incident_record(
            incident, personal_data=personal_data, redact=redact, summary=summaries[incident.pk]
        )


def _free_text_objects(incidents: list[Incident]) -> list:
    objects: list = []
    for incident in incidents:
        acts = _prefetched(incident, "export_acts", "acts")
        links = _prefetched(incident, "export_links", "source_links")
        objects += [incident, incident.protest, *acts, *links, *(link.source for link in links)]
        objects += [o for act in acts for o in _prefetched(act, "export_outcomes", "outcomes")]
    return objects


def incident_record(
    incident: Incident,
    *,
    personal_data: bool = False,
    redact: Callable[[str], str] = identity,
    approved_summaries: frozenset[int] | None = None,
    summary: str | None = None,
) -> IncidentRecord:
    """An incident as a neutral record for the file formats.

    Free text goes through `redact` (and, for what leaves, `records_for_export` redacts it
    first). People appear by pseudonymous reference only, and source texts (news articles
    name people) are left out, unless `personal_data` is true. The summary is `summary`
    if given, else `export_summary`.
    """
    if summary is None:
        summary = export_summary(
            incident, personal_data=personal_data, approved_summaries=approved_summaries
        )
    record = IncidentRecord(
        where=incident.reference,
        external_id=incident.external_id or incident.reference,
        title=redact(incident.title),
        summary=redact(summary),
        date=incident.date,
        date_precision=incident.date_precision,
        end_date=incident.end_date,
        time=incident.time,
        place=incident.place,
        country=incident.country,
        latitude=incident.latitude,
        longitude=incident.longitude,
        coordinate_precision=incident.coordinate_precision,
        force=incident.force.slug if incident.force else "",
        force_name=incident.force.name if incident.force else "",
        nation=incident.force.nation.title() if incident.force else "",
        protest=incident.protest.name if incident.protest else "",
        status=incident.status,
        tags=[t.name for t in _prefetched(incident, "export_tags", "tags")],
        acled=dict(incident.acled_fields or {}),
    )
    for act in _prefetched(incident, "export_acts", "acts"):
        record.acts.append(
            ActRecord(
                where=incident.reference,
                act_type=act.act_type.slug,
                external_id=act.external_id or f"act-{act.pk}",
                number_affected=act.number_affected,
                number_precision=act.number_precision,
                legal_provision=act.legal_provision.citation if act.legal_provision else "",
                offence_wording=redact(act.offence_wording),
                trigger_type=act.trigger_type.slug if act.trigger_type else "",
                trigger_wording=redact(act.trigger_wording),
                perpetrator=act.perpetrator.slug if act.perpetrator else "",
                perpetrator_unit=act.perpetrator_unit,
                outcomes=[
                    OutcomeRecord(
                        where="", outcome=o.outcome_type.slug, date=o.date, note=redact(o.note)
                    )
                    for o in _prefetched(act, "export_outcomes", "outcomes")
                ],
                people=[
                    _person_record(i, personal_data)
                    for i in _prefetched(act, "export_involvements", "involvements")
                ],
            )
        )
    for link in _prefetched(incident, "export_links", "source_links"):
        source = link.source
        record.sources.append(
            SourceRecord(
                where="",
                external_id=source.external_id or f"source-{source.pk}",
                url=source.url,
                title=redact(source.title),
                publisher=source.publisher,
                kind=source.kind,
                channel=source.channel.slug,
                published_at=source.published_at,
                reliability=source.reliability,
                credibility=source.credibility,
                text=source.text if personal_data else "",
                supports=redact(link.supports),
                found_independently=link.found_independently,
            )
        )
    return record


def _prefetched(instance, attribute: str, relation: str) -> list:
    """What `export_queryset` prefetched, or a query for a record built another way."""
    if hasattr(instance, attribute):
        return getattr(instance, attribute)
    return list(getattr(instance, relation).all())


def _person_record(involvement: Involvement, personal_data: bool) -> PersonRecord:
    person = involvement.person
    record = PersonRecord(where="", role=involvement.role, reference=person.reference)
    if personal_data:
        record.full_name, record.contact, record.address = (
            person.full_name,
            person.contact,
            person.address,
        )
        record.consent_record = person.consent_record
        record.consent_share = person.consent_share
        record.consent_publish = person.consent_publish
    return record


@dataclass
class IncidentExport:
    """An export ready to stream: iterating over it gives the file's text, piece by piece."""

    parts: Iterator[str]
    count: int
    format: IncidentFormat

    def __iter__(self) -> Iterator[str]:
        return self.parts

    @property
    def filename(self) -> str:
        return f"casebook-incidents-{dt.date.today():%Y-%m-%d}.{self.format.extension}"


def grouped(parts: Iterable[str], size: int = PART_SIZE) -> Iterator[str]:
    """Pieces of about `size` characters, from formats that give one per incident."""
    pending: list[str] = []
    length = 0
    for part in parts:
        pending.append(part)
        length += len(part)
        if length >= size:
            yield "".join(pending)
            pending, length = [], 0
    if pending:
        yield "".join(pending)
