"""Review pages: the queue, the text review, the image box editor, and the decisions.

Every page shows originals with their personal data, so every view checks
`derivative_may_review` (or `may_propose_for`) first; deciding needs `derivative_may_approve`.
The box editor saves with a JSON POST from its script; the same form works without it.
"""

from __future__ import annotations

import hashlib
import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from casebook.accounts import roles
from casebook.accounts.access import role_required
from casebook.cases.models import Incident
from casebook.lib.untrusted_json import UntrustedJsonError, json_loads_untrusted
from casebook.redaction import text as text_redaction
from casebook.redaction.faces import ImageUnreadable
from casebook.redaction.models import TEXT_FIELDS, DerivativeKind, RedactedDerivative
from casebook.redaction.services import (
    RedactionRefused,
    derivative_approve,
    derivative_image_bytes,
    derivative_may_approve,
    derivative_may_review,
    derivative_original_image,
    derivative_propose,
    derivative_reject,
    derivative_update_boxes,
    derivative_update_spans,
)
from casebook.sources.evidence.services import EvidenceIntegrityError
from casebook.sources.models import EvidenceFile, Source

MAX_BOXES = 500
MAX_JSON_BYTES = 200_000


# Every page shows originals with personal data: editors only, then per-record checks.
editor_required = role_required(
    roles.can_edit_cases, "Redaction is for caseworkers, coordinators and administrators."
)


def _derivative(request, pk: int) -> RedactedDerivative:
    derivative = get_object_or_404(
        RedactedDerivative.objects.select_related("incident", "source", "evidence__incident"),
        pk=pk,
    )
    if not derivative_may_review(user=request.user, derivative=derivative):
        raise PermissionDenied("Only those who may see the original may review its redaction.")
    return derivative


def _version(derivative: RedactedDerivative) -> str:
    """What the reviewer saw; an approval of anything else (edited meanwhile) is refused."""
    content = json.dumps(
        [derivative.regions, derivative.text, derivative.image_name], sort_keys=True
    )
    return hashlib.sha256(content.encode()).hexdigest()[:20]


# --- the queue ---------------------------------------------------------------------------------


@require_GET
@editor_required
def queue(request):
    related = ("incident", "source", "evidence", "proposed_by", "decided_by")
    awaiting = [
        d
        for d in RedactedDerivative.objects.awaiting_review().select_related(*related)
        if derivative_may_review(user=request.user, derivative=d)
    ]
    # Approved derivatives whose original changed since: they no longer count as approved.
    stale = [
        d
        for d in RedactedDerivative.objects.approved().select_related(*related)[:500]
        if d.is_stale and derivative_may_review(user=request.user, derivative=d)
    ]
    decided = [
        d
        for d in RedactedDerivative.objects.exclude(status="proposed")
        .select_related(*related)
        .order_by("-decided_at")[:20]
        if derivative_may_review(user=request.user, derivative=d)
    ]
    return render(
        request,
        "redaction/queue.html",
        {
            "awaiting": awaiting,
            "stale": stale,
            "decided": decided,
            "incident_fields": TEXT_FIELDS["cases.incident"],
            "source_fields": TEXT_FIELDS["sources.source"],
        },
    )


# --- proposing ---------------------------------------------------------------------------------


def _propose(request, original, field: str = ""):
    try:
        derivative = derivative_propose(original=original, field=field, actor=request.user)
    except RedactionRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("redaction:queue")
    except ImageUnreadable as problem:
        messages.error(request, str(problem))
        return redirect("redaction:queue")
    messages.success(request, f"Redaction of {derivative.original_label} proposed: review it.")
    return redirect("redaction:review", pk=derivative.pk)


@require_POST
@editor_required
def propose_incident(request, reference: str, field: str):
    incident = get_object_or_404(Incident, reference=reference)
    return _propose(request, incident, field)


@require_POST
@editor_required
def propose_source(request, pk: int, field: str):
    return _propose(request, get_object_or_404(Source, pk=pk), field)


@require_POST
@editor_required
def propose_evidence(request, pk: int):
    return _propose(request, get_object_or_404(EvidenceFile, pk=pk))


@require_POST
@editor_required
def propose_lookup(request):
    """The queue's small form: an incident reference, a source number or an evidence number."""
    what = request.POST.get("what", "")
    key = request.POST.get("key", "").strip()
    if what.startswith("incident:"):
        return propose_incident(request, key.upper(), what.removeprefix("incident:"))
    if what.startswith("source:") and key.isdigit():
        return propose_source(request, int(key), what.removeprefix("source:"))
    if what == "evidence" and key.isdigit():
        return propose_evidence(request, int(key))
    messages.error(request, "Choose what to redact and give its reference or number.")
    return redirect("redaction:queue")


# --- reviewing ---------------------------------------------------------------------------------


def _text_segments(original: str, regions: list[dict]) -> list[dict]:
    """The original cut into plain runs and marked regions, for the review page."""
    segments, position = [], 0
    for index, region in enumerate(regions):
        if region["start"] < position:
            continue
        segments.append({"text": original[position : region["start"]]})
        segments.append(
            {"text": original[region["start"] : region["end"]], "region": region, "index": index}
        )
        position = region["end"]
    segments.append({"text": original[position:]})
    return segments


@require_GET
@editor_required
def review(request, pk: int):
    derivative = _derivative(request, pk)
    context = {
        "derivative": derivative,
        "stale": derivative.is_stale,
        "may_approve": derivative_may_approve(user=request.user, derivative=derivative),
        "editable": derivative.status == "proposed" and not derivative.is_stale,
        "version": _version(derivative),
    }
    if derivative.kind == DerivativeKind.IMAGE:
        context["boxes_json"] = json.dumps(derivative.regions)
        return render(request, "redaction/review_image.html", context)
    original = derivative.original_text()
    rows = (
        [
            {"index": i, "region": r, "excerpt": original[r["start"] : r["end"]]}
            for i, r in enumerate(derivative.regions)
        ]
        if not context["stale"]
        else []
    )
    context.update(
        {
            "segments": _text_segments(original, derivative.regions)
            if not context["stale"]
            else [{"text": original}],
            "rows": rows,
            "entities": text_redaction.ENTITIES,
        }
    )
    return render(request, "redaction/review_text.html", context)


class _NotInOriginal(ValueError):
    """The reviewer asked to hide text that the original does not contain."""


def _ticked_regions(request, derivative: RedactedDerivative) -> list[dict]:
    """The proposed regions as the findings form left them: the ticked ones stay redacted."""
    keep_redacted = set(request.POST.getlist("redact"))
    return [
        dict(region, redact=str(index) in keep_redacted)
        for index, region in enumerate(derivative.regions)
    ]


def _added_regions(request, derivative: RedactedDerivative) -> list[dict]:
    """Every occurrence of the text the reviewer typed under "Hide something the machine missed"."""
    added_text = request.POST.get("add_text", "")
    if not added_text.strip():
        return []
    found = text_redaction.find_all(derivative.original_text(), added_text)
    if not found:
        raise _NotInOriginal("That text does not occur in the original; nothing added.")
    entity = request.POST.get("add_entity", "OTHER")
    return [
        {"start": s, "end": e, "entity": entity, "redact": True, "origin": "added"}
        for s, e in found
    ]


def _reviewed_regions(request, derivative: RedactedDerivative) -> list[dict]:
    return _ticked_regions(request, derivative) + _added_regions(request, derivative)


@require_POST
@editor_required
def spans(request, pk: int):
    """Save a text review: which proposed regions stay redacted, and text to add."""
    derivative = _derivative(request, pk)
    regions = _ticked_regions(request, derivative)
    try:
        regions += _added_regions(request, derivative)
    except _NotInOriginal as problem:
        messages.error(request, str(problem))
    try:
        derivative_update_spans(derivative=derivative, spans=regions, actor=request.user)
    except (RedactionRefused, ValueError) as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, "Redactions saved.")
    return redirect("redaction:review", pk=derivative.pk)


def _boxes_from(request) -> list:
    try:
        if request.content_type == "application/json":
            if len(request.body) > MAX_JSON_BYTES:
                raise ValueError("Too many boxes.")
            payload = json_loads_untrusted(request.body or b"{}")
            boxes = payload.get("boxes") if isinstance(payload, dict) else None
        else:
            boxes = json_loads_untrusted(request.POST.get("boxes") or "[]")
    except UntrustedJsonError as error:
        raise ValueError(f"The boxes sent {error}") from None
    if not isinstance(boxes, list) or len(boxes) > MAX_BOXES:
        raise ValueError(f"Send a list of at most {MAX_BOXES} boxes.")
    for box in boxes:
        if not (
            isinstance(box, list)
            and len(box) == 4
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in box)
        ):
            raise ValueError("Each box is four numbers: x1, y1, x2, y2.")
    return boxes


@require_POST
@editor_required
def boxes(request, pk: int):
    """Save the boxes of an image redaction and render it again from the original."""
    derivative = _derivative(request, pk)
    wants_json = request.content_type == "application/json"
    try:
        updated = derivative_update_boxes(
            derivative=derivative, boxes=_boxes_from(request), actor=request.user
        )
    except (RedactionRefused, ValueError) as problem:
        if wants_json:
            return JsonResponse({"error": str(problem)}, status=400)
        messages.error(request, str(problem))
        return redirect("redaction:review", pk=derivative.pk)
    if wants_json:
        return JsonResponse(
            {
                "boxes": updated.regions,
                "redacted_url": reverse("redaction:redacted-image", args=[updated.pk])
                + f"?v={_version(updated)}",
                "version": _version(updated),
            }
        )
    messages.success(request, "Boxes saved; the redacted image was drawn again.")
    return redirect("redaction:review", pk=derivative.pk)


# --- deciding ----------------------------------------------------------------------------------


def _decide(request, pk: int, decide, done: str):
    derivative = _derivative(request, pk)
    if not derivative_may_approve(user=request.user, derivative=derivative):
        raise PermissionDenied("Only coordinators and administrators decide on redactions.")
    reviewed = request.POST.get("reviewed") == "text" and decide is derivative_approve
    if (request.POST.get("version") or reviewed) and request.POST.get("version") != _version(
        derivative
    ):
        messages.error(
            request, "The redaction changed since you opened it; nothing was decided. Look again."
        )
        return redirect("redaction:review", pk=derivative.pk)
    if decide is derivative_approve and _boxes_unsaved(request, derivative):
        messages.error(
            request,
            "The boxes on the page differ from the saved ones, so nothing was approved: save "
            "the boxes, look at the blurred picture, then approve.",
        )
        return redirect("redaction:review", pk=derivative.pk)
    try:
        if reviewed:
            # Approve came with the findings form: approve the ticks as the reviewer left them.
            decide(
                derivative=derivative,
                actor=request.user,
                spans=_reviewed_regions(request, derivative),
            )
        else:
            decide(derivative=derivative, actor=request.user)
    except _NotInOriginal:
        messages.error(
            request,
            "The text to hide does not occur in the original, so nothing was approved. "
            "Correct it or clear it, then approve again.",
        )
        return redirect("redaction:review", pk=derivative.pk)
    except (RedactionRefused, ValueError) as refusal:
        messages.error(request, f"Not {done}: {refusal}")
        return redirect("redaction:review", pk=derivative.pk)
    messages.success(request, f"Redaction of {derivative.original_label} {done}.")
    return redirect("redaction:queue")


def _boxes_unsaved(request, derivative: RedactedDerivative) -> bool:
    """Did Approve come with the box editor's boxes, and do they differ from those saved?"""
    if derivative.kind != DerivativeKind.IMAGE or "boxes" not in request.POST:
        return False
    try:
        sent = _boxes_from(request)
    except ValueError:
        return True

    def rounded(boxes) -> list[list[int]]:
        return [[round(float(v)) for v in box] for box in boxes]

    return rounded(sent) != rounded(derivative.regions)


@require_POST
@editor_required
def approve(request, pk: int):
    """Approve; from the text review, with the ticks and added text submitted alongside."""
    return _decide(request, pk, derivative_approve, "approved")


@require_POST
@editor_required
def reject(request, pk: int):
    return _decide(request, pk, derivative_reject, "rejected")


# --- pictures ----------------------------------------------------------------------------------


def _picture(content: bytes) -> HttpResponse:
    kind = "image/png" if content.startswith(b"\x89PNG") else "image/jpeg"
    response = HttpResponse(content, content_type=kind)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_GET
@editor_required
def original_image(request, pk: int):
    """The picture before redaction (metadata stripped), for the box editor only."""
    derivative = _derivative(request, pk)
    if derivative.kind != DerivativeKind.IMAGE:
        raise Http404("Not an image redaction.")
    try:
        return _picture(derivative_original_image(derivative))
    except EvidenceIntegrityError as problem:
        return HttpResponse(str(problem), status=409, content_type="text/plain")


@require_GET
@editor_required
def redacted_image(request, pk: int):
    derivative = _derivative(request, pk)
    if derivative.kind != DerivativeKind.IMAGE or not derivative.image_name:
        raise Http404("Not an image redaction.")
    return _picture(derivative_image_bytes(derivative))
