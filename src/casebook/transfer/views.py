"""The import and export pages: a form, a role check, and the same services as the commands."""

from __future__ import annotations

import io
from pathlib import PurePath

from django.db.models import Count
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from casebook.accounts import roles
from casebook.accounts.access import role_required
from casebook.cases.models import Incident
from casebook.transfer.downloads import rejects_hold, rejects_take
from casebook.transfer.formats import FORMATS, detect_format
from casebook.transfer.forms import ExportForm, ImportForm
from casebook.transfer.services import ImportFileError, incidents_export_stream, incidents_import

SHOWN_PROBLEMS = 200  # on the page; all of them are in the rejects file
SHOWN_SKIPPED = 50


# Importing writes to the casebook in bulk: coordinators and administrators only.
IMPORTERS_ONLY = "Only coordinators and administrators import incidents."


@require_http_methods(["GET", "POST"])
@role_required(roles.can_import, IMPORTERS_ONLY)
def import_page(request):
    if request.method != "POST":
        return render(request, "transfer/import.html", {"form": ImportForm()})
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "transfer/import.html", {"form": form}, status=400)
    upload, options = form.cleaned_data["file"], form.cleaned_data
    data = upload.read()
    rejects = io.StringIO() if options["skip_invalid"] else None
    try:
        report = incidents_import(
            file=data,
            filename=upload.name,
            format=options["format"],
            actor=request.user,
            dry_run=options["dry_run"],
            skip_invalid=options["skip_invalid"],
            rejects=rejects,
        )
    except ImportFileError as error:
        form.add_error("file", str(error))
        return render(request, "transfer/import.html", {"form": form}, status=400)
    rejects_url = ""
    if rejects is not None and report.rejected_rows:
        rejects_url = reverse(
            "transfer:import-rejects",
            args=[_hold(request, rejects.getvalue(), upload.name, data, options["format"])],
        )
    return render(
        request,
        "transfer/import.html",
        {
            "form": ImportForm(initial={"format": options["format"]}),
            "report": report,
            "problems": report.problems[:SHOWN_PROBLEMS],
            "more_problems": max(0, len(report.problems) - SHOWN_PROBLEMS),
            "skipped": report.skipped[:SHOWN_SKIPPED],
            "more_skipped": max(0, len(report.skipped) - SHOWN_SKIPPED),
            "rejects_url": rejects_url,
            "filename": upload.name,
        },
    )


def _hold(request, text: str, filename: str, data: bytes, format: str) -> str:
    """Keep the rejects for one download, named after the uploaded file."""
    head = data[:2000].decode("utf-8-sig", errors="replace")
    layout = FORMATS[format] if format != "auto" else detect_format(filename, head)
    stem = PurePath(filename).stem or "import"
    media_type = "application/jsonl" if layout.rejects_extension == "jsonl" else "text/csv"
    return rejects_hold(
        session=request.session,
        text=text,
        media_type=media_type,
        filename=f"{stem}.rejects.{layout.rejects_extension}",
    )


@require_GET
@role_required(roles.can_import, IMPORTERS_ONLY)
def import_rejects(request, token: str):
    """The rejects file of this session's import, once."""
    held = rejects_take(session=request.session, token=token)
    if held is None:
        raise Http404("This file was downloaded already, or belongs to another session.")
    response = HttpResponse(held.text, content_type=f"{held.media_type}; charset=utf-8")
    response["Content-Disposition"] = _attachment(held.filename)
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
