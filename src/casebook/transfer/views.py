"""The import and export pages: a form, a role check, and the same services as the commands.

An import from the web is a background job (`transfer.jobs`): the form stores the file and
sends the browser to the job's page, which follows the job's progress (htmx asks again every
second) until it shows the report.
"""

from __future__ import annotations

from django.db.models import Count
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from casebook.accounts import roles
from casebook.accounts.access import role_required
from casebook.cases.models import Incident
from casebook.transfer.forms import ExportForm, ImportForm
from casebook.transfer.jobs import (
    import_job_create,
    import_job_progress,
    import_job_rejects,
    import_job_start,
    import_jobs_recover,
)
from casebook.transfer.models import ImportJob
from casebook.transfer.services import (
    ImportFileError,
    import_file_check,
    incidents_export_stream,
)

SHOWN_PROBLEMS = 200  # on the page; all of them are in the rejects file
SHOWN_SKIPPED = 50
SHOWN_INCIDENTS = 50
RECENT_JOBS = 10


# Importing writes to the casebook in bulk: coordinators and administrators only.
IMPORTERS_ONLY = "Only coordinators and administrators import incidents."


@require_http_methods(["GET", "POST"])
@role_required(roles.can_import, IMPORTERS_ONLY)
def import_page(request):
    if request.method != "POST":
        import_jobs_recover()
        return _import_form(request, ImportForm())
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_form(request, form, status=400)
    upload, options = form.cleaned_data["file"], form.cleaned_data
    data = upload.read()
    try:
        import_file_check(file=data, filename=upload.name, format=options["format"])
    except ImportFileError as error:
        form.add_error("file", str(error))
        return _import_form(request, form, status=400)
    job = import_job_create(
        actor=request.user,
        data=data,
        filename=upload.name,
        format=options["format"],
        dry_run=options["dry_run"],
        skip_invalid=options["skip_invalid"],
    )
    import_job_start(job)
    return redirect("transfer:import-job", pk=job.pk)


def _import_form(request, form: ImportForm, *, status: int = 200):
    jobs = ImportJob.objects.filter(created_by=request.user)[:RECENT_JOBS]
    return render(request, "transfer/import.html", {"form": form, "jobs": jobs}, status=status)


def _own_job(request, pk: int) -> ImportJob:
    # Only its importer sees a job: its report quotes the file's values.
    return get_object_or_404(ImportJob, pk=pk, created_by=request.user)


@require_GET
@role_required(roles.can_import, IMPORTERS_ONLY)
def import_job(request, pk: int):
    """A job's progress while it runs, then its report; htmx asks for the part that changes."""
    job = _own_job(request, pk)
    report = job.report or {}
    problems = report.get("problems", [])
    skipped = report.get("skipped", [])
    ids = report.get("incident_ids", [])
    context = {
        "job": job,
        "progress": import_job_progress(job) if not job.ended else {},
        "report": report,
        "problems": problems[:SHOWN_PROBLEMS],
        "more_problems": max(0, len(problems) - SHOWN_PROBLEMS),
        "skipped": skipped[:SHOWN_SKIPPED],
        "more_skipped": max(0, len(skipped) - SHOWN_SKIPPED),
        "incidents": Incident.objects.filter(pk__in=ids[:SHOWN_INCIDENTS]).order_by("reference"),
        "more_incidents": max(0, len(ids) - SHOWN_INCIDENTS),
        "rejects_waiting": bool(job.rejects_key),
    }
    template = "transfer/_job.html" if request.htmx else "transfer/import_job.html"
    return render(request, template, context)


@require_GET
@role_required(roles.can_import, IMPORTERS_ONLY)
def import_job_rejects_download(request, pk: int):
    """The rejects file of the user's own import job, once."""
    held = import_job_rejects(_own_job(request, pk))
    if held is None:
        raise Http404("This file was downloaded already.")
    filename, media_type, text = held
    response = HttpResponse(text, content_type=f"{media_type}; charset=utf-8")
    response["Content-Disposition"] = _attachment(filename)
    return response


@require_http_methods(["GET", "POST"])
@role_required(roles.can_export, "Your role cannot export incidents.")
def export_page(request):
    allowed = roles.sees_all_people(request.user)
    counts = dict(Incident.objects.order_by().values_list("status").annotate(count=Count("id")))
    form = ExportForm(request.POST or None, personal_data_allowed=allowed, status_counts=counts)
    if request.method != "POST" or not form.is_valid():
        status = 400 if request.method == "POST" else 200
        return render(
            request,
            "transfer/export.html",
            {"form": form, "incidents": sum(counts.values())},
            status=status,
        )
    options = form.cleaned_data
    incidents = Incident.objects.filter(status__in=options["statuses"])
    if options["since"]:
        incidents = incidents.filter(date__gte=options["since"])
    if options["until"]:
        incidents = incidents.filter(date__lte=options["until"])
    export = incidents_export_stream(
        actor=request.user,
        format=options["format"],
        incidents=incidents,
        personal_data=options.get("personal_data", False),
    )
    response = StreamingHttpResponse(
        (part.encode() for part in export),
        content_type=f"{export.format.media_type}; charset=utf-8",
    )
    response["Content-Disposition"] = _attachment(export.filename)
    return response


def _attachment(filename: str) -> str:
    # Only the characters a file name needs: the name comes from an upload.
    safe = "".join(c for c in filename if c.isalnum() or c in "._-") or "download"
    return f'attachment; filename="{safe}"'
