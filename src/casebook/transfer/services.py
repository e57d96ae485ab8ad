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
from dataclasses import dataclass
from typing import BinaryIO, TextIO

from django.core.exceptions import PermissionDenied
from django.db.models import Max, QuerySet
from django.utils import timezone

from casebook.accounts import roles
from casebook.audit.services import audit_record
from casebook.cases.models import Incident
from casebook.lib.collector import older_objects_set_aside
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
from casebook.transfer.reading import (
    NOT_UTF8,
    CannotSkip,
    FileText,
    SeenIds,
    record_chunks,
)
from casebook.transfer.records import (
    MAX_PROBLEMS,
    ActRecord,
    ImportReport,
    IncidentRecord,
    OutcomeRecord,
    Problem,
    SourceRecord,
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

# progress(phase, done, total): "reading" counts bytes of the file (characters of a file
# given as text), "checking" and "writing" count incidents (import; while checking, the
# total is estimated from how far the file is read), "problems" the problems found so far
# (done; total is the number of incidents); "exporting" counts incidents (export).
Progress = Callable[[str, int, int], None]


class ImportFileError(ValueError):
    """The file cannot be read at all (not text, unknown format)."""


# --- Import: the entry point -----------------------------------------------------------


def _file_text(file: BinaryIO | bytes | str) -> FileText:
    return file if isinstance(file, FileText) else FileText(file)


# The casebook's objects are set aside from the cycle collector's full walks while a file
# is checked and written: those walks were a sixth of an import's CPU (`lib.collector`).
@older_objects_set_aside()
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

    The file is read as a stream, twice (`reading`): first every incident is checked and
    nothing is kept but the problems and what checks across rows need; then it is read again
    and written. A binary file is read from where it stands, and must not change meanwhile.
    """
    if actor is not None and not roles.can_import(actor):
        raise PermissionDenied("Only coordinators and administrators import incidents.")
    source = _file_text(file)
    try:
        incident_format = _format_of(source.head(), filename=filename, format=format)
    except UnicodeDecodeError:
        raise ImportFileError(NOT_UTF8) from None
    report = ImportReport(format=incident_format.name, dry_run=dry_run, skip_invalid=skip_invalid)
    # An import whose process died half way (kill -9) is taken back before this one reads
    # the casebook: else its half-written incidents would be planned as ones to update.
    for cut_off in cut_off_jobs_undo():
        report.notes.append(
            f"An earlier import (job {cut_off.pk}, {cut_off.filename}) had been cut off "
            "half way; what it had written was taken back first."
        )
    rejected = Rejection(incident_format) if skip_invalid else None
    vocabulary = Vocabulary()

    def new_planner(*, checking: bool, known_up_to: int | None) -> Planner:
        return Planner(
            vocabulary=vocabulary,
            actor=actor,
            default_channel=default_channel,
            update_existing=update_existing,
            checking=checking,
            known_up_to=known_up_to,
        )

    known_up_to = Incident.objects.aggregate(top=Max("pk"))["top"] or 0
    try:
        checked = _check(
            source,
            incident_format,
            report,
            planner=new_planner(checking=True, known_up_to=known_up_to),
            rejected=rejected,
            progress=progress,
        )
    except UnicodeDecodeError:
        raise ImportFileError(NOT_UTF8) from None
    except CannotSkip:
        raise ImportFileError(
            f"The {incident_format.label} format cannot skip "
            "invalid rows; import without skipping them."
        ) from None
    if checked.to_write and not dry_run and (rejected is not None or not report.problems):
        changing: list[IncidentPlan] = []
        _write(
            _plans_again(
                source,
                incident_format,
                new_planner(checking=False, known_up_to=known_up_to),
                rejected=rejected,
                changing=changing,
                report=report,
            ),
            changing,
            total=checked.to_write,
            actor=actor,
            vocabulary=vocabulary,
            format_name=incident_format.name,
            filename=filename,
            report=report,
            progress=progress,
            job=job,
        )
    if checked.without_id:
        report.notes.insert(
            0,
            f"{checked.without_id} incident{'s have' if checked.without_id != 1 else ' has'} "
            "no incident_id: importing the same file again would add them again.",
        )
    report.problems = _once_in_file_order(incident_format, report.problems)
    if rejected is not None and rejected.by_item:
        report.problems = rejected.problems
        report.rejected, report.rejected_rows = rejected.incidents, len(rejected.by_item)
        if rejects is not None:
            with source.open() as again:
                incident_format.write_rejects(again, rejected.by_item, rejects)
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


def _format_of(head: str, *, filename: str, format: str) -> IncidentFormat:
    try:
        return detect_format(filename, head) if format == "auto" else format_named(format)
    except ValueError as error:
        raise ImportFileError(str(error)) from None


def import_file_check(*, file: bytes, filename: str, format: str = "auto") -> IncidentFormat:
    """What can be said of a file at once, before its import is queued: raises
    `ImportFileError` when it is not UTF-8 text or its layout is not recognised."""
    try:
        return _format_of(_file_text(file).head(), filename=filename, format=format)
    except UnicodeDecodeError:
        raise ImportFileError(NOT_UTF8) from None


@dataclass
class _Checked:
    incidents: int = 0  # records read
    without_id: int = 0
    to_write: int = 0  # incidents a real run would write (created, updated or unchanged)


def _check(
    source: FileText,
    incident_format: IncidentFormat,
    report: ImportReport,
    *,
    planner: Planner,
    rejected: Rejection | None,
    progress: Progress | None,
) -> _Checked:
    """Read the whole file and check every incident, a chunk at a time, writing nothing.

    The problems end in `report.problems` (unless skipping invalid incidents: then in
    `rejected`). After the first problem the rest is still checked, so that every problem is
    reported at once. A dry run's counts are those a real run would make.
    """
    checked = _Checked()
    read_problems: list[Problem] = []
    counts = ImportReport(format="", dry_run=True)

    def reading(done: int, total: int) -> None:
        assert progress is not None
        progress("reading", done, total)
        position[0] = (done, total)

    position = [(0, 1)]
    stream = source.open(reading if progress else None)
    chunks = record_chunks(
        incident_format,
        stream,
        size=CHUNK,
        seen=SeenIds(incident_format),
        skip_invalid=rejected is not None,
    )
    for chunk in chunks:
        report.skipped.extend(chunk.skipped)
        read_problems.extend(chunk.problems)
        checked.incidents += len(chunk.records)
        checked.without_id += sum(1 for r in chunk.records if not r.external_id)
        if len(read_problems) >= MAX_PROBLEMS and rejected is None:
            report.problems = read_problems
            checked.without_id = 0
            return checked
        if rejected is not None:
            whole_file = rejected.take_read_problems(chunk.problems, chunk.records)
            if whole_file:
                report.problems = whole_file
                rejected.by_item.clear()
                checked.to_write = checked.without_id = 0
                return checked
        plans = planner.plan([r for r in chunk.records if id(r) not in chunk.repeats])
        if progress:
            done, total = position[0]
            # How many incidents the file holds is known only at its end: estimated meanwhile.
            estimate = max(checked.incidents, int(checked.incidents * total / max(done, 1)))
            progress("checking", checked.incidents, estimate)
            progress("problems", len(read_problems) + len(planner.problems), estimate)
        if rejected is not None:
            for record in chunk.records:
                if id(record) in planner.problems_of:
                    rejected.reject(record, planner.problems_of[id(record)])
            plans = [p for p in plans if p.record not in rejected]
        # Records are let go chunk by chunk: an id() may be a later record's.
        planner.problems_of.clear()
        if rejected is None and (read_problems or planner.problems):
            if len(read_problems) + len(planner.problems) >= MAX_PROBLEMS:
                break
            continue
        checked.to_write += len(plans)
        _count(plans, counts)
    if progress:
        progress("checking", checked.incidents, checked.incidents)
        progress("problems", len(read_problems) + len(planner.problems), max(checked.incidents, 1))
    _checked_report(report, checked, planner, read_problems, counts, skipping=rejected is not None)
    return checked


def _checked_report(
    report: ImportReport,
    checked: _Checked,
    planner: Planner,
    read_problems: list[Problem],
    counts: ImportReport,
    *,
    skipping: bool,
) -> None:
    """What the check of a whole file tells: its problems, notes, and a dry run's counts."""
    if not checked.incidents and not read_problems and not report.skipped:
        report.problems.append(Problem("The file", "", "has no incidents in it."))
        return
    report.unchanged += planner.notes["unchanged"]
    _add_planner_notes(report, planner)
    if not skipping:
        report.problems = read_problems + planner.problems
    if report.dry_run and (skipping or not report.problems):
        report.created += counts.created
        report.updated += counts.updated
        report.unchanged += counts.unchanged


def _plans_again(
    source: FileText,
    incident_format: IncidentFormat,
    planner: Planner,
    *,
    rejected: Rejection | None,
    changing: list[IncidentPlan],
    report: ImportReport,
) -> Iterator[list[IncidentPlan]]:
    """The file read again and planned a chunk at a time for writing, without checking
    again (the file passed, or its incidents with problems are left out as `rejected`
    says): the plans of new incidents, while those changing incidents already in the
    casebook are kept in `changing`, for the last transaction."""
    chunks = record_chunks(
        incident_format, source.open(), size=CHUNK, seen=None, skip_invalid=False
    )
    for chunk in chunks:
        records = [r for r in chunk.records if rejected is None or r not in rejected]
        plans = planner.plan(records)
        planner.problems_of.clear()
        new = []
        for plan in plans:
            if plan.is_new:
                new.append(plan)
            elif plan.changes_anything or plan.protest_name or plan.record.tags:
                changing.append(plan)
            else:
                report.unchanged += 1  # nothing to write: not held for the last transaction
        yield new


def _write(
    new: Iterator[list[IncidentPlan]],
    changing: list[IncidentPlan],
    *,
    total: int,
    actor,
    vocabulary: Vocabulary,
    format_name: str,
    filename: str,
    report: ImportReport,
    progress: Progress | None,
    job: ImportJob | None,
) -> None:
    """Write the checked file in batches (how it stays all-or-nothing: `batches`)."""
    writer = ChunkWriter(actor=actor, vocabulary=vocabulary, format_name=format_name, report=report)
    own_job = job is None
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
            plans_write(
                new,
                changing,
                total=total,
                writer=writer,
                job=job,
                progress=progress,
            )
        except Exception:
            # Taken back already; the job must not look like one cut off, to be found later.
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportJob.Status.FAILED,
                error="The import stopped while writing; nothing of it was kept.",
                finished_at=timezone.now(),
            )
            raise
        if own_job:
            # A job run by `jobs` is given its end with its report, there.
            ImportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now())


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
