"""Bulk import and export of incidents. The import and export pages and `casebook
import/export` all call these two functions. Import is all or nothing by default: the whole
file is checked before anything is written, and nothing is written if any row has a problem
(every problem is reported, with its row and column); then it is written in short batches
that other writers get between, and taken back if the writing fails half way (`batches`).
With `skip_invalid` the incidents without problems are written, and those with any (all rows
of them) go to a rejects file in the file's own layout, with their problems, to be fixed and
imported again. Re-importing a file updates the incidents it imported before (matched by
`incident_id`, or by Casebook's own reference for a file exported from this casebook)
instead of duplicating them. Values a file leaves empty keep what the casebook has; acts,
outcomes, sources and tags the file names are added, and nothing the file does not name is
deleted.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from itertools import islice
from typing import BinaryIO, TextIO

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone

from casebook.accounts import roles
from casebook.audit.services import audit_record
from casebook.cases.models import Incident
from casebook.people.models import Involvement
from casebook.redaction.approved import incidents_with_approved_text
from casebook.transfer.batches import cut_off_jobs_undo, patient_writes, plans_write
from casebook.transfer.exporting import (
    IncidentExport,
    export_queryset,
    grouped,
    identity,
    incident_record,
    records_for_export,
)
from casebook.transfer.formats import detect_format, format_named
from casebook.transfer.formats.base import IncidentFormat
from casebook.transfer.models import ImportJob
from casebook.transfer.planning import IncidentPlan, Planner, is_user
from casebook.transfer.records import (
    MAX_PROBLEMS,
    ActRecord,
    ImportReport,
    IncidentRecord,
    OutcomeRecord,
    Problem,
    Skipped,
    SourceRecord,
    UnreadableFile,
)
from casebook.transfer.rejecting import Rejection
from casebook.transfer.signals import incidents_imported
from casebook.transfer.vocabulary import Vocabulary
from casebook.transfer.writing import CHUNK, ChunkWriter

__all__ = [
    "ImportFileError",
    "ImportReport",
    "IncidentExport",
    "Progress",
    "import_file_check",
    "import_template",
    "incident_record",
    "incidents_export",
    "incidents_export_stream",
    "incidents_import",
]

# progress(phase, done, total): "reading" counts characters of the file, "checking" and
# "writing" count incidents (import), "problems" the problems found so far (done; total is
# the number of incidents); "exporting" counts incidents (export).
Progress = Callable[[str, int, int], None]


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


class _CountingText(io.StringIO):
    """The file's text, telling `progress` how far the format has read into it."""

    EVERY = 1 << 16  # characters between reports: a report per line would cost more

    def __init__(self, text: str, progress: Progress) -> None:
        super().__init__(text)
        self.total, self.progress, self.reported = len(text), progress, 0

    def _advance(self, line: str) -> str:
        position = self.tell()
        if position - self.reported >= self.EVERY or not line:
            self.reported = position
            self.progress("reading", position, self.total)
        return line

    # typeshed's StringIO inherits IOBase's bytes-typed readline; StringIO's gives str.
    def readline(self, size: int = -1) -> str:  # type: ignore[override]
        return self._advance(super().readline(size))

    def __next__(self) -> str:  # type: ignore[override]
        try:
            return self._advance(super().__next__())
        except StopIteration:
            self._advance("")
            raise

    def read(self, size: int | None = -1) -> str:
        return self._advance(super().read(size))


def incidents_import(
    *,
    file: BinaryIO | bytes | str,
    actor,
    format: str = "auto",
    filename: str = "",
    dry_run: bool = False,
    update_existing: bool = True,
    default_channel: str = "other",
    skip_invalid: bool = False,
    rejects: TextIO | None = None,
    progress: Progress | None = None,
    job: ImportJob | None = None,
) -> ImportReport:
    """Import incidents from a CSV, JSON or ACLED file; all or nothing unless `skip_invalid`.

    `actor` is the signed-in user, or None for the command line (whoever runs it already
    holds the database). Raises `ImportFileError` for a file that cannot be read at all and
    `PermissionDenied` for a role that may not import; every problem inside the file is in
    the returned report instead, and then nothing is written, or with `skip_invalid` only
    the incidents without problems are, and the rejected rows are written to `rejects` (in
    the file's layout, with a `problems` column or key).
    """
    if actor is not None and not roles.can_import(actor):
        raise PermissionDenied("Only coordinators and administrators import incidents.")
    text = _decode(file)
    incident_format = _format_of(text, filename=filename, format=format)
    report = ImportReport(format=incident_format.name, dry_run=dry_run, skip_invalid=skip_invalid)
    # An import whose process died half way (kill -9) is taken back before this one reads
    # the casebook: else its half-written incidents would be planned as ones to update.
    for cut_off in cut_off_jobs_undo():
        report.notes.append(
            f"An earlier import (job {cut_off.pk}, {cut_off.filename}) had been cut off "
            "half way; what it had written was taken back first."
        )
    records, problems, duplicates = _read(
        incident_format, text, report, skip_invalid=skip_invalid, progress=progress
    )
    if len(problems) >= MAX_PROBLEMS and not skip_invalid:
        report.problems = problems
        return report
    if not records and not problems:
        if not report.skipped:
            report.problems.append(Problem("The file", "", "has no incidents in it."))
        return report
    rejected = Rejection(incident_format, records) if skip_invalid else None
    if rejected is not None:
        whole_file = rejected.take_read_problems(problems)
        if whole_file:
            report.problems = whole_file
            return report
    # Incidents with a problem found reading are planned too (and then left out), so that
    # the report has every problem of the file at once, not one round of fixes at a time.
    to_plan = [r for r in records if id(r) not in duplicates]
    _plan_and_write(
        to_plan,
        actor=actor,
        format_name=incident_format.name,
        filename=filename,
        report=report,
        problems=problems,
        rejected=rejected,
        default_channel=default_channel,
        update_existing=update_existing,
        progress=progress,
        job=job,
    )
    _add_notes(report, records)
    report.problems = _once_in_file_order(incident_format, report.problems)
    if rejected is not None and rejected.by_item:
        report.problems = rejected.problems
        report.rejected, report.rejected_rows = rejected.incidents, len(rejected.by_item)
        if rejects is not None:
            incident_format.write_rejects(text, rejected.by_item, rejects)
            report.rejects_file = str(getattr(rejects, "name", "") or "")
    if not report.ok:
        report.created = report.updated = report.unchanged = 0
        report.incident_ids = []
    elif dry_run:
        report.incident_ids = []
    elif report.incident_ids:
        incidents_imported.send(
            sender=ImportReport, incident_ids=list(report.incident_ids), created=report.created
        )
    return report


def _format_of(text: str, *, filename: str, format: str) -> IncidentFormat:
    try:
        return detect_format(filename, text[:2000]) if format == "auto" else format_named(format)
    except ValueError as error:
        raise ImportFileError(str(error)) from None


def import_file_check(*, file: bytes, filename: str, format: str = "auto") -> IncidentFormat:
    """What can be said of a file at once, before its import is queued: raises
    `ImportFileError` when it is not UTF-8 text or its layout is not recognised."""
    return _format_of(_decode(file), filename=filename, format=format)


def _read(
    incident_format: IncidentFormat,
    text: str,
    report: ImportReport,
    *,
    skip_invalid: bool,
    progress: Progress | None,
) -> tuple[list[IncidentRecord], list[Problem], set[int]]:
    """The file's records and problems, and the records (by id()) repeating an earlier id."""
    records: list[IncidentRecord] = []
    problems: list[Problem] = []
    duplicates: set[int] = set()
    seen_ids: dict[str, str] = {}
    stream = io.StringIO(text) if progress is None else _CountingText(text, progress)
    for item in _items(incident_format, stream):
        if isinstance(item, Problem):
            problems.append(item)
        elif isinstance(item, Skipped):
            report.skipped.append(item)
        else:
            if skip_invalid and not item.items:
                raise ImportFileError(
                    f"The {incident_format.label} format cannot skip "
                    "invalid rows; import without skipping them."
                )
            records.append(item)
            if item.external_id and item.external_id in seen_ids:
                problems.append(
                    Problem(
                        item.where,
                        "id",
                        f"{item.external_id!r} is also the id of {seen_ids[item.external_id]}.",
                    )
                )
                duplicates.add(id(item))
            elif item.external_id:
                seen_ids[item.external_id] = item.where
        if len(problems) >= MAX_PROBLEMS and not skip_invalid:
            break
    return records, problems, duplicates


def _items(incident_format: IncidentFormat, stream: TextIO) -> Iterator:
    """What the format reads, ending with the problem that stopped it if it could not go on."""
    try:
        yield from incident_format.read(stream)
    except UnreadableFile as error:
        yield error.problem


def _plan_and_write(
    records: list[IncidentRecord],
    *,
    actor,
    format_name: str,
    filename: str,
    report: ImportReport,
    problems: list[Problem],
    rejected: Rejection | None,
    default_channel: str,
    update_existing: bool,
    progress: Progress | None,
    job: ImportJob | None,
) -> None:
    """Check every record, a chunk at a time, writing nothing; then write them in batches.

    Unless skipping invalid incidents, nothing is written if any chunk had a problem: after
    the first problem the rest is still checked, so that every problem is reported at once.
    A dry run counts what a real run would do without writing (or locking) anything. How
    the writing stays all-or-nothing while others get between the batches: `batches`.
    """
    vocabulary = Vocabulary()
    planner = Planner(
        vocabulary=vocabulary,
        actor=actor,
        default_channel=default_channel,
        update_existing=update_existing,
    )
    to_write: list[IncidentPlan] = []
    done = 0
    for chunk in _chunks(records, CHUNK):
        plans = planner.plan(chunk)
        done += len(chunk)
        if progress:
            progress("checking", done, len(records))
            progress("problems", len(problems) + len(planner.problems), len(records))
        if rejected is not None:
            for record in chunk:
                if id(record) in planner.problems_of:
                    rejected.reject(record, planner.problems_of[id(record)])
            plans = [p for p in plans if p.record not in rejected]
        elif problems or planner.problems:
            if len(problems) + len(planner.problems) >= MAX_PROBLEMS:
                break
            continue
        to_write.extend(plans)
    report.unchanged += planner.notes["unchanged"]
    _add_planner_notes(report, planner)
    if rejected is None:
        report.problems = problems + planner.problems
        if report.problems:
            return
    if report.dry_run:
        _count(to_write, report)
        return
    if not to_write:
        return
    writer = ChunkWriter(actor=actor, vocabulary=vocabulary, format_name=format_name, report=report)
    with patient_writes():
        if job is None:
            # `casebook import` keeps a job row too: it is what a cut-off import is undone by.
            job = ImportJob.objects.create(
                created_by=actor if is_user(actor) else None,
                filename=filename[:255] or "casebook import",
                format=format_name,
                status=ImportJob.Status.RUNNING,
                started_at=timezone.now(),
            )
        try:
            plans_write(to_write, writer=writer, job=job, progress=progress)
        except Exception:
            # Taken back already; the job must not look like one cut off, to be found later.
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportJob.Status.FAILED,
                error="The import stopped while writing; nothing of it was kept.",
                finished_at=timezone.now(),
            )
            raise


def _add_planner_notes(report: ImportReport, planner: Planner) -> None:
    if planner.notes["people_new_reference"]:
        report.notes.append(
            f"{planner.notes['people_new_reference']} people had a reference from another "
            "casebook; they were added with references of this one."
        )
    if planner.notes["force_of_place"]:
        report.notes.append(
            f"{planner.notes['force_of_place']} incidents name no police force; each was "
            "given the force that polices its place, marked as inferred on the incident."
        )
    if planner.notes["no_force"]:
        report.notes.append(
            f"{planner.notes['no_force']} incidents name no police force we could "
            "recognise; they were imported without one."
        )


def _count(plans: list[IncidentPlan], report: ImportReport) -> None:
    """What writing these plans would do, as `ChunkWriter` counts it, without writing."""
    for plan in plans:
        if plan.is_new:
            report.created += 1
        elif plan.changes_anything or plan.protest_name:
            report.updated += 1
        else:
            report.unchanged += 1


def _once_in_file_order(incident_format: IncidentFormat, problems: list[Problem]) -> list[Problem]:
    """Each problem once, row by row (those of the whole file first), as the file is fixed."""
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: incident_format.item_of(p.where) or 0)


def _add_notes(report: ImportReport, records: list[IncidentRecord]) -> None:
    without_id = sum(1 for r in records if not r.external_id)
    if without_id:
        report.notes.insert(
            0,
            f"{without_id} incident{'s have' if without_id != 1 else ' has'} no incident_id: "
            "importing the same file again would add them again.",
        )


# --- Export ----------------------------------------------------------------------------


def incidents_export_stream(
    *,
    actor,
    format: str = "csv",
    incidents: QuerySet | None = None,
    personal_data: bool = False,
    redact: Callable[[str], str] | None = None,
    progress: Progress | None = None,
) -> IncidentExport:
    """Incidents in a file format, to stream (a web download); see `incidents_export`.

    Permission is checked and the export recorded in the audit trail when this is called,
    before a single incident leaves: a download cut short is still on the record.
    """
    if actor is not None and not roles.can_export(actor):
        raise PermissionDenied("Your role cannot export incidents.")
    if personal_data and actor is not None and not roles.sees_all_people(actor):
        raise PermissionDenied("Only coordinators and administrators export personal data.")
    incident_format = format_named(format)
    chosen = incidents if incidents is not None else Incident.objects.all()
    queryset = export_queryset(chosen)
    clean = identity if personal_data or redact is None else redact
    total = chosen.count()
    # The people whose details leave with the file, by reference: those of the chosen
    # incidents' acts, exactly the ones `incident_record` writes.
    people = (
        sorted(
            set(
                Involvement.objects.filter(act__incident__in=chosen).values_list(
                    "person__reference", flat=True
                )
            )
        )
        if personal_data
        else []
    )
    audit_record(
        action="cases.incidents.exported",
        instance=Incident,
        actor=actor,
        changes={
            "format": format,
            "incidents": total,
            "personal_data": personal_data,
            "people": people,
        },
    )

    approved_summaries = incidents_with_approved_text("summary")

    def records() -> Iterator[IncidentRecord]:
        chosen_records = records_for_export(
            queryset.iterator(chunk_size=CHUNK),
            personal_data=personal_data,
            redact=clean,
            approved_summaries=approved_summaries,
            batch_size=CHUNK,
        )
        for done, record in enumerate(chosen_records, start=1):
            yield record
            if progress and (done % CHUNK == 0 or done == total):
                progress("exporting", done, total)

    return IncidentExport(
        parts=grouped(incident_format.parts(records())), count=total, format=incident_format
    )


def incidents_export(
    *,
    stream: TextIO,
    actor,
    format: str = "csv",
    incidents: QuerySet | None = None,
    personal_data: bool = False,
    redact: Callable[[str], str] | None = None,
    progress: Progress | None = None,
) -> int:
    """Write incidents to `stream` in a file format; returns how many were written.

    Analysts and everyone else get no personal details. `personal_data=True` (coordinators
    and administrators only) adds people's names, contacts and addresses and the sources'
    texts, and records in the audit trail which people left the building. `redact` is applied
    to free text (titles, summaries, wording) of exports without personal data.
    """
    export = incidents_export_stream(
        actor=actor,
        format=format,
        incidents=incidents,
        personal_data=personal_data,
        redact=redact,
        progress=progress,
    )
    for part in export:
        stream.write(part)
    return export.count


# --- Templates -------------------------------------------------------------------------


def import_template(*, format: str = "csv") -> str:
    """An import file with one invented example incident, to fill in."""
    example = IncidentRecord(
        where="",
        external_id="my-group-2024-001",
        title="Arrests over placards at a vigil",
        summary="Officers arrested two people holding placards with an invented slogan.",
        date=dt.date(2024, 5, 4),
        place="Testford",
        country="GB",
        force="metropolitan-police-service",
        protest="Invented vigil",
        tags=["placards"],
        acts=[
            ActRecord(
                where="",
                act_type="arrest",
                external_id="1",
                number_affected=2,
                number_precision="exact",
                legal_provision="Public Order Act 1986 s5",
                trigger_type="placard",
                trigger_wording="INVENTED SLOGAN",
                outcomes=[OutcomeRecord(where="", outcome="charged", date=dt.date(2024, 5, 5))],
            )
        ],
        sources=[
            SourceRecord(
                where="",
                url="https://news.example.test/story/1",
                title="Two arrested at vigil",
                publisher="The Example Gazette",
                kind="news_article",
                channel="news-monitor",
                reliability="B",
                credibility="2",
                supports="arrest count",
            )
        ],
    )
    stream = io.StringIO()
    format_named(format).write([example], stream)
    return stream.getvalue()
