"""The evidence pages: an incident's evidence, uploads, thumbnails and original downloads.

Uploads arrive two ways: the upload zone's script sends each file on its own to
`evidence-upload` and reads a JSON answer (so each file gets its own progress bar and
result); without the script, the plain form posts all files at once to `incident-evidence`.
Both go through `evidence_add`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casebook.accounts.access import staff_required
from casebook.accounts.security import client_address
from casebook.cases.models import Incident
from casebook.cases.reading import incidents_read_as_written, redact_free_text
from casebook.sources.evidence.services import (
    EvidenceIntegrityError,
    EvidenceRefused,
    evidence_add,
    evidence_derivative_image,
    evidence_details_viewed,
    evidence_details_visible_to,
    evidence_download,
    evidence_may_add,
)
from casebook.sources.evidence.sniffing import human_size
from casebook.sources.evidence.uploads import SizeLimitUploadHandler, with_size_limit
from casebook.sources.models import EvidenceFile

THUMBNAIL_SIDE = 320
MAX_CAPTION = 300


def _too_large(name: str) -> dict:
    return {
        "name": name,
        "status": "refused",
        "message": f"The file is larger than the limit of "
        f"{human_size(settings.EVIDENCE_MAX_BYTES)}.",
    }


def _add_one(request, incident: Incident, upload, caption: str) -> dict:
    """Add one uploaded file; the result as shown to the person who uploaded it."""
    result = {"name": upload.name}
    try:
        added = evidence_add(
            content=upload,
            filename=upload.name,
            actor=request.user,
            incident=incident,
            caption=caption,
            ip_address=client_address(request),
        )
    except EvidenceRefused as refusal:
        return result | {"status": "refused", "message": refusal.reason}
    except ValidationError as error:
        return result | {"status": "refused", "message": " ".join(error.messages)}
    evidence = added.evidence
    return result | {
        "status": "stored" if added.created else "duplicate",
        "message": (
            f"{evidence.get_media_type_display()}, {human_size(evidence.size)}, "
            f"SHA-256 {evidence.sha256}."
            if added.created
            else "These exact bytes are already attached to this incident; kept once."
        ),
        "id": evidence.pk,
        "sha256": evidence.sha256,
        "media_type": evidence.media_type,
    }


def _incident_for_upload(request, reference: str) -> Incident:
    incident = get_object_or_404(Incident, reference=reference)
    if not evidence_may_add(user=request.user, incident=incident):
        raise PermissionDenied(
            "Only coordinators, administrators and the caseworkers on this incident add "
            "evidence to it."
        )
    return incident


def _caption(request) -> str:
    return request.POST.get("caption", "").strip()[:MAX_CAPTION]


@csrf_exempt  # the size limit must be in place before anything reads the body: see below
@require_http_methods(["GET", "POST"])
@staff_required
def incident_evidence(request, reference: str):
    if request.method == "POST":
        handler = with_size_limit(request)
        return _incident_evidence_post(request, reference, handler)
    incident = get_object_or_404(Incident, reference=reference)
    return _evidence_page(request, incident, results=None)


@csrf_protect  # CSRF is checked here, once the size-limited parser is installed
def _incident_evidence_post(request, reference: str, handler: SizeLimitUploadHandler):
    incident = _incident_for_upload(request, reference)
    uploads = request.FILES.getlist("files")  # reading the body fills handler.oversized
    caption = _caption(request)
    results = [_too_large(name) for name in handler.oversized]
    results += [_add_one(request, incident, upload, caption) for upload in uploads]
    if not results:
        results = [{"name": "", "status": "refused", "message": "Choose at least one file."}]
    status = 200 if any(r["status"] != "refused" for r in results) else 422
    return _evidence_page(request, incident, results=results, status=status)


def _evidence_page(request, incident: Incident, *, results, status: int = 200):
    if not incidents_read_as_written(request.user, [incident.pk]):
        redact_free_text([incident])  # its title, for those who may not see its people
    files = list(EvidenceFile.objects.for_incident(incident).select_related("added_by"))
    rows = [
        (evidence, evidence_details_visible_to(user=request.user, evidence=evidence))
        for evidence in files
    ]
    evidence_details_viewed(
        actor=request.user,
        incident=incident,
        evidence=[evidence for evidence, shown in rows if shown],
        ip_address=client_address(request),
    )
    return render(
        request,
        "sources/incident_evidence.html",
        {
            "incident": incident,
            "rows": rows,
            "some_hidden": any(not details for _, details in rows),
            "results": results,
            "may_add": evidence_may_add(user=request.user, incident=incident),
            "max_bytes": settings.EVIDENCE_MAX_BYTES,
            "max_size": human_size(settings.EVIDENCE_MAX_BYTES),
            "upload_url": reverse("sources:evidence-upload", args=[incident.reference]),
        },
        status=status,
    )


@csrf_exempt  # as above: the size limit first, then the CSRF check
@require_POST
@staff_required
def evidence_upload(request, reference: str):
    handler = with_size_limit(request)
    return _evidence_upload(request, reference, handler)


@csrf_protect
def _evidence_upload(request, reference: str, handler: SizeLimitUploadHandler):
    incident = _incident_for_upload(request, reference)
    uploads = request.FILES.getlist("file")  # reading the body fills handler.oversized
    if handler.oversized:
        return JsonResponse(_too_large(handler.oversized[0]), status=413)
    if len(uploads) != 1:
        return JsonResponse(
            {"name": "", "status": "refused", "message": "Send exactly one file per request."},
            status=400,
        )
    result = _add_one(request, incident, uploads[0], _caption(request))
    status = {"stored": 201, "duplicate": 200}.get(result["status"], 422)
    return JsonResponse(result, status=status)


def _evidence_for(request, pk: int) -> EvidenceFile:
    evidence = get_object_or_404(
        EvidenceFile.objects.select_related("incident", "person", "source"), pk=pk
    )
    if not evidence_details_visible_to(user=request.user, evidence=evidence):
        raise PermissionDenied(
            "Evidence files are shown only to coordinators and to the caseworkers on the incident."
        )
    return evidence


def _private(response: HttpResponse) -> HttpResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_GET
@staff_required
def evidence_thumbnail(request, pk: int):
    """A small copy without any metadata; served only to those who may see the original."""
    evidence = _evidence_for(request, pk)
    if not evidence.is_image:
        raise Http404("Only images have thumbnails.")
    try:
        picture = evidence_derivative_image(evidence, max_side=THUMBNAIL_SIDE)
    except EvidenceIntegrityError:
        return _private(
            HttpResponse(
                "This file's stored bytes are missing or changed; run `casebook evidence verify`.",
                status=409,
                content_type="text/plain; charset=utf-8",
            )
        )
    content_type = "image/png" if picture.startswith(b"\x89PNG") else "image/jpeg"
    return _private(HttpResponse(picture, content_type=content_type))


@require_GET
@staff_required
def evidence_original(request, pk: int):
    """The original bytes, as a download, never displayed inline by the browser."""
    evidence = _evidence_for(request, pk)
    try:
        stored = evidence_download(
            evidence=evidence, actor=request.user, ip_address=client_address(request)
        )
    except EvidenceIntegrityError:
        return _private(
            HttpResponse(
                "This file's stored bytes are missing or changed, so it is not handed out; run "
                "`casebook evidence verify`.",
                status=409,
                content_type="text/plain; charset=utf-8",
            )
        )
    # The download is named by its hash: the name it was uploaded under may name someone.
    extension = EXTENSIONS.get(evidence.media_type, "bin")
    response = FileResponse(
        stored,
        as_attachment=True,
        filename=f"evidence-{evidence.sha256[:16]}.{extension}",
        content_type=evidence.media_type,
    )
    response["Content-Length"] = str(evidence.size)
    return _private(response)


EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/heic": "heic",
    "video/mp4": "mp4",
    "video/quicktime": "mov",
    "audio/mpeg": "mp3",
    "audio/mp4": "m4a",
    "audio/ogg": "ogg",
    "audio/wav": "wav",
    "application/pdf": "pdf",
    "text/plain": "txt",
}
