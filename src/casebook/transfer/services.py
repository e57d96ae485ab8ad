"""Bulk import and export of incidents. The web form, the API and `casebook import/export`
all call these two functions.

Import is all or nothing: the file is checked and written in one transaction, which is
rolled back if any row has a problem (every problem is reported, with its row and column).
Re-importing a file updates the incidents it imported before (matched by `incident_id`, or by
Casebook's own reference for a file exported from this casebook) instead of duplicating them.
Values a file leaves empty keep what the casebook has; acts, outcomes, sources and tags the
file names are added, and nothing the file does not name is deleted.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import BinaryIO, TextIO

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch, QuerySet

from casebook.accounts import roles
from casebook.audit.services import audit_record
from casebook.cases.models import Act, Incident, Outcome
from casebook.people.models import Involvement
from casebook.sources.models import IncidentSource
from casebook.transfer.formats import detect_format, format_named
from casebook.transfer.planning import Planner
from casebook.transfer.records import (
    MAX_PROBLEMS,
    ActRecord,
    ImportReport,
    IncidentRecord,
    OutcomeRecord,
    PersonRecord,
    Problem,
    Skipped,
    SourceRecord,
)
from casebook.transfer.vocabulary import Vocabulary
from casebook.transfer.writing import CHUNK, plans_write

__all__ = ["ImportFileError", "ImportReport", "import_template", "incident_record",
           "incidents_export", "incidents_import"]


class ImportFileError(ValueError):
    """The file cannot be read at all (not text, unknown format)."""


# --- Import: the entry point -----------------------------------------------------------


def _decode(file: BinaryIO | bytes | str) -> str:
    data = file if isinstance(file, (bytes, str)) else file.read()
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            "The file is not UTF-8 text. In Excel choose Save As → 'CSV UTF-8'; in "
            "LibreOffice tick 'Edit filter settings' and pick Unicode (UTF-8)."
        ) from None


def _chunks(items: list, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def incidents_import(*, file: BinaryIO | bytes | str, actor, format: str = "auto",
                     filename: str = "", dry_run: bool = False, update_existing: bool = True,
                     default_channel: str = "other") -> ImportReport:
    """Import incidents from a CSV, JSON or ACLED file; all or nothing.

    `actor` is the signed-in user, or None for the command line (whoever runs it already
    holds the database). Raises `ImportFileError` for a file that cannot be read at all and
    `PermissionDenied` for a role that may not import; every problem inside the file is in
    the returned report instead, and then nothing is written.
    """
    if actor is not None and not roles.can_import(actor):
        raise PermissionDenied("Only coordinators and administrators import incidents.")
    text = _decode(file)
    try:
        incident_format = (detect_format(filename, text[:2000]) if format == "auto"
                           else format_named(format))
    except ValueError as error:
        raise ImportFileError(str(error)) from None
    report = ImportReport(format=incident_format.name, dry_run=dry_run)
    records: list[IncidentRecord] = []
    seen_ids: dict[str, str] = {}
    for item in incident_format.read(io.StringIO(text)):
        if isinstance(item, Problem):
            report.problems.append(item)
        elif isinstance(item, Skipped):
            report.skipped.append(item)
        else:
            if item.external_id and item.external_id in seen_ids:
                report.problems.append(Problem(item.where, "id", f"{item.external_id!r} is "
                                               f"also the id of {seen_ids[item.external_id]}."))
                continue
            if item.external_id:
                seen_ids[item.external_id] = item.where
            records.append(item)
        if len(report.problems) >= MAX_PROBLEMS:
            return report
    if not records and not report.problems:
        if not report.skipped:
            report.problems.append(Problem("The file", "", "has no incidents in it."))
        return report

    vocabulary = Vocabulary()
    planner = Planner(vocabulary=vocabulary, actor=actor, default_channel=default_channel,
                       update_existing=update_existing)
    # One pass: each chunk is planned, then written, inside one transaction that is rolled
    # back at the end if any chunk had a problem or this is a dry run. After the first
    # problem the rest is still checked, so that every problem is reported at once, but no
    # longer written. A dry run thus counts exactly what a real run would do.
    with transaction.atomic():
        for chunk in _chunks(records, CHUNK):
            plans = planner.plan(chunk)
            if len(planner.problems) >= MAX_PROBLEMS:
                break
            if not planner.problems:
                plans_write(plans, actor=actor, vocabulary=vocabulary,
                       format_name=incident_format.name, report=report)
        report.problems += planner.problems
        report.unchanged += planner.notes["unchanged"]
        _add_notes(report, planner, records)
        if report.problems or dry_run:
            transaction.set_rollback(True)
    if report.problems:
        report.created = report.updated = report.unchanged = 0
        report.incident_ids = []
    elif dry_run:
        report.incident_ids = []
    return report


def _add_notes(report: ImportReport, planner: Planner, records: list[IncidentRecord]) -> None:
    without_id = sum(1 for r in records if not r.external_id)
    if without_id:
        report.notes.append(
            f"{without_id} incident{'s have' if without_id != 1 else ' has'} no incident_id: "
            "importing the same file again would add them again."
        )
    if planner.notes["no_force"]:
        report.notes.append(
            f"{planner.notes['no_force']} incidents name no police force we could recognise; "
            "they were imported without one."
        )


# --- Export ----------------------------------------------------------------------------


def _identity(text: str) -> str:
    return text


def _export_queryset(incidents: QuerySet) -> QuerySet:
    # Prefetched into plain lists (to_attr): a prefetch into a related manager clones a
    # queryset per incident and per act, which was half the time of a large export.
    return (
        incidents.select_related("force", "protest")
        .prefetch_related(
            Prefetch("tags", to_attr="export_tags"),
            Prefetch("acts", to_attr="export_acts", queryset=Act.objects.select_related(
                "act_type", "trigger_type", "legal_provision", "perpetrator"
            ).prefetch_related(
                Prefetch("outcomes", to_attr="export_outcomes",
                         queryset=Outcome.objects.select_related("outcome_type")),
                Prefetch("involvements", to_attr="export_involvements",
                         queryset=Involvement.objects.select_related("person").order_by("id")),
            )),
            Prefetch("source_links", to_attr="export_links",
                     queryset=IncidentSource.objects.select_related("source__channel")
                     .order_by("id")),
        )
        .order_by("date", "id")
    )


def incident_record(incident: Incident, *, personal_data: bool = False,
                    redact: Callable[[str], str] = _identity) -> IncidentRecord:
    """An incident as a neutral record for the file formats.

    Free text goes through `redact`. People appear by pseudonymous reference only, and source
    texts (news articles name people) are left out, unless `personal_data` is true.
    """
    record = IncidentRecord(
        where=incident.reference, external_id=incident.external_id or incident.reference,
        title=redact(incident.title), summary=redact(incident.summary), date=incident.date,
        date_precision=incident.date_precision, end_date=incident.end_date, time=incident.time,
        place=incident.place, country=incident.country, latitude=incident.latitude,
        longitude=incident.longitude, coordinate_precision=incident.coordinate_precision,
        force=incident.force.slug if incident.force else "",
        force_name=incident.force.name if incident.force else "",
        nation=incident.force.nation.title() if incident.force else "",
        protest=incident.protest.name if incident.protest else "", status=incident.status,
        tags=[t.name for t in _prefetched(incident, "export_tags", "tags")],
    )
    for act in _prefetched(incident, "export_acts", "acts"):
        record.acts.append(ActRecord(
            where=incident.reference, act_type=act.act_type.slug,
            external_id=act.external_id or f"act-{act.pk}",
            number_affected=act.number_affected, number_precision=act.number_precision,
            legal_provision=act.legal_provision.citation if act.legal_provision else "",
            offence_wording=redact(act.offence_wording),
            trigger_type=act.trigger_type.slug if act.trigger_type else "",
            trigger_wording=redact(act.trigger_wording),
            perpetrator=act.perpetrator.slug if act.perpetrator else "",
            perpetrator_unit=act.perpetrator_unit,
            outcomes=[OutcomeRecord(where="", outcome=o.outcome_type.slug, date=o.date,
                                    note=redact(o.note))
                      for o in _prefetched(act, "export_outcomes", "outcomes")],
            people=[_person_record(i, personal_data)
                    for i in _prefetched(act, "export_involvements", "involvements")],
        ))
    for link in _prefetched(incident, "export_links", "source_links"):
        source = link.source
        record.sources.append(SourceRecord(
            where="", external_id=source.external_id or f"source-{source.pk}",
            url=source.url, title=redact(source.title), publisher=source.publisher,
            kind=source.kind, channel=source.channel.slug, published_at=source.published_at,
            reliability=source.reliability, credibility=source.credibility,
            text=source.text if personal_data else "", supports=redact(link.supports),
        ))
    return record


def _prefetched(instance, attribute: str, relation: str) -> list:
    """What `_export_queryset` prefetched, or a query for a record built another way."""
    if hasattr(instance, attribute):
        return getattr(instance, attribute)
    return list(getattr(instance, relation).all())


def _person_record(involvement: Involvement, personal_data: bool) -> PersonRecord:
    person = involvement.person
    record = PersonRecord(where="", role=involvement.role, reference=person.reference)
    if personal_data:
        record.full_name, record.contact, record.address = (
            person.full_name, person.contact, person.address
        )
        record.consent_record = person.consent_record
        record.consent_share = person.consent_share
        record.consent_publish = person.consent_publish
    return record


def incidents_export(*, stream: TextIO, actor, format: str = "csv",
                     incidents: QuerySet | None = None, personal_data: bool = False,
                     redact: Callable[[str], str] | None = None) -> int:
    """Write incidents to `stream` in a file format; returns how many were written.

    Analysts and everyone else get no personal details. `personal_data=True` (coordinators
    and administrators only) adds people's names, contacts and addresses and the sources'
    texts, and records in the audit trail which people left the building. `redact` is applied
    to free text (titles, summaries, wording) of exports without personal data.
    """
    if actor is not None and not roles.can_export(actor):
        raise PermissionDenied("Your role cannot export incidents.")
    if personal_data and actor is not None and not roles.sees_all_people(actor):
        raise PermissionDenied("Only coordinators and administrators export personal data.")
    incident_format = format_named(format)
    queryset = _export_queryset(incidents if incidents is not None else Incident.objects.all())
    clean = _identity if personal_data or redact is None else redact
    exported_people: list[str] = []

    def records() -> Iterable[IncidentRecord]:
        for incident in queryset.iterator(chunk_size=CHUNK):
            record = incident_record(incident, personal_data=personal_data, redact=clean)
            if personal_data:
                exported_people.extend(p.reference for a in record.acts for p in a.people)
            yield record

    count = incident_format.write(records(), stream)
    audit_record(
        action="cases.incidents.exported", object_type="cases.incident", object_id="*",
        actor=actor, changes={"format": format, "incidents": count,
                              "personal_data": personal_data,
                              "people": sorted(set(exported_people))},
    )
    return count


# --- Templates -------------------------------------------------------------------------


def import_template(*, format: str = "csv") -> str:
    """An import file with one invented example incident, to fill in."""
    example = IncidentRecord(
        where="", external_id="my-group-2024-001", title="Arrests over placards at a vigil",
        summary="Officers arrested two people holding placards with an invented slogan.",
        date=dt.date(2024, 5, 4), place="Testford", country="GB",
        force="metropolitan-police-service", protest="Invented vigil", tags=["placards"],
        acts=[ActRecord(where="", act_type="arrest", external_id="1", number_affected=2,
                        number_precision="exact", legal_provision="Public Order Act 1986 s5",
                        trigger_type="placard", trigger_wording="INVENTED SLOGAN",
                        outcomes=[OutcomeRecord(where="", outcome="charged",
                                                date=dt.date(2024, 5, 5))])],
        sources=[SourceRecord(where="", url="https://news.example.test/story/1",
                              title="Two arrested at vigil", publisher="The Example Gazette",
                              kind="news_article", channel="news-monitor", reliability="B",
                              credibility="2", supports="arrest count")],
    )
    stream = io.StringIO()
    format_named(format).write([example], stream)
    return stream.getvalue()
