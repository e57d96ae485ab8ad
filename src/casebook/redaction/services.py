"""Redaction workflows: propose a redacted derivative, review it, approve or reject it, and
hand approved derivatives to publication and export.

Later features publish or export only what `approved_text_for` and `approved_image_for`
return: a derivative a coordinator approved, of the original as it is now. Nothing else.

Who may do what:
- propose, review and edit (see the original with its redactions marked): administrators and
  coordinators anywhere; caseworkers on the incidents they work on (evidence: where the vault
  lets them see the file);
- approve or reject: administrators and coordinators;
- analysts and accounts without a role: nothing (they would see the originals).
Video, audio and PDF evidence cannot be redacted here, so they are never published.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone

from casebook.accounts import roles
from casebook.audit.services import audit_record
from casebook.cases.models import Incident
from casebook.cases.services import incident_may_edit
from casebook.redaction import faces, text
from casebook.redaction.models import (
    TEXT_FIELDS,
    DerivativeKind,
    DerivativeStatus,
    PublicFigure,
    RedactedDerivative,
    sha256_text,
)
from casebook.redaction.searching import search_documents_outdated
from casebook.sources.models import EvidenceFile, IncidentSource, Source

__all__ = [
    "RedactionRefused",
    "derivative_approve",
    "derivative_image_bytes",
    "derivative_may_approve",
    "derivative_may_review",
    "derivative_original_image",
    "derivative_propose",
    "derivative_reject",
    "derivative_update_boxes",
    "derivative_update_spans",
    "may_propose_for",
    "public_figures",
]


class RedactionRefused(Exception):
    """This cannot be redacted, or not now (video; a stale original; already decided)."""


# --- settings ----------------------------------------------------------------------------------


def public_figures() -> list[str]:
    """Names kept in redacted text: the setting plus the list kept in the admin."""
    configured = list(getattr(settings, "REDACTION_PUBLIC_FIGURES", []) or [])
    return configured + list(PublicFigure.objects.values_list("name", flat=True))


def _keep_collar_numbers() -> bool:
    return bool(getattr(settings, "REDACTION_KEEP_COLLAR_NUMBERS", True))


def _face_max_side() -> int:
    return int(getattr(settings, "REDACTION_FACE_MAX_SIDE", faces.DEFAULT_MAX_SIDE))


def _max_pixels() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_PIXELS", faces.DEFAULT_MAX_PIXELS))


# --- who may -----------------------------------------------------------------------------------


def _works_on_source(*, user, source: Source) -> bool:
    return IncidentSource.objects.filter(
        source=source, incident__in=Incident.objects.worked_on_by(user)
    ).exists()


def may_propose_for(*, user, original) -> bool:
    """May this user see this original and propose (or edit) its redaction?"""
    if not roles.can_edit_cases(user):
        return False
    if roles.can_verify(user):
        return True
    if isinstance(original, Incident):
        return incident_may_edit(incident=original, user=user)
    if isinstance(original, Source):
        return _works_on_source(user=user, source=original)
    if isinstance(original, EvidenceFile):
        from casebook.sources.evidence.services import evidence_details_visible_to

        return evidence_details_visible_to(user=user, evidence=original)
    return False


def derivative_may_review(*, user, derivative: RedactedDerivative) -> bool:
    return may_propose_for(user=user, original=derivative.original)


def derivative_may_approve(*, user, derivative: RedactedDerivative) -> bool:
    return roles.can_verify(user)


# --- the audit ---------------------------------------------------------------------------------


def _audit(derivative: RedactedDerivative, action: str, actor, changes: dict) -> None:
    # Only counts and codes: the spans' text is exactly the personal data being hidden.
    audit_record(
        action=action,
        instance=derivative,
        actor=actor,
        incident=derivative.related_incident,
        changes={"original": derivative.original_label, "kind": derivative.kind, **changes},
    )


def _region_summary(derivative: RedactedDerivative) -> dict:
    if derivative.kind == DerivativeKind.IMAGE:
        return {"boxes": len(derivative.regions)}
    counts = Counter(s["entity"] for s in derivative.regions if s.get("redact", True))
    kept = sum(1 for s in derivative.regions if not s.get("redact", True))
    return {"redacted": dict(sorted(counts.items())), "kept": kept}


# --- text --------------------------------------------------------------------------------------


def _span_dicts(spans: Iterable[text.Span], *, origin: str) -> list[dict]:
    return [
        {
            "start": s.start,
            "end": s.end,
            "entity": s.entity,
            "tag": s.tag,
            "redact": True,
            "origin": origin,
        }
        for s in spans
    ]


def _render_text(derivative: RedactedDerivative, original: str, regions: list[dict]) -> None:
    """Apply the regions marked for redaction; store the text and the regions with tags."""
    chosen = [(r["start"], r["end"], r["entity"]) for r in regions if r.get("redact", True)]
    result = text.apply_spans(original, chosen)
    tag_of = {(s.start, s.end): s.tag for s in result.spans}
    for region in regions:
        region["tag"] = tag_of.get((region["start"], region["end"]), "")
    derivative.regions = sorted(regions, key=lambda r: (r["start"], r["end"]))
    derivative.text = result.text


def _validated_spans(original: str, spans: Sequence[dict]) -> list[dict]:
    """Reviewer-supplied regions, checked: inside the text, known entity, no overlaps among
    those redacted (overlapping ones are merged so no fragment shows)."""
    clean = []
    for span in spans:
        try:
            start, end = int(span["start"]), int(span["end"])
        except (KeyError, TypeError, ValueError):
            raise ValueError("Each region needs a start and an end.") from None
        entity = str(span.get("entity") or "OTHER").upper()
        if entity not in text.ENTITIES:
            raise ValueError(f"Unknown kind of personal data: {entity}.")
        if not 0 <= start < end <= len(original):
            raise ValueError("A region lies outside the text.")
        clean.append(
            {
                "start": start,
                "end": end,
                "entity": entity,
                "redact": bool(span.get("redact", True)),
                "origin": "added" if span.get("origin") == "added" else "detected",
            }
        )
    redacted = text.merge_overlaps(
        (s["start"], s["end"], s["entity"], 2.0 if s["origin"] == "added" else 1.0)
        for s in clean
        if s["redact"]
    )
    kept = [
        s
        for s in clean
        if not s["redact"] and not any(m.start < s["end"] and s["start"] < m.end for m in redacted)
    ]
    origin_of = {(s["start"], s["end"]): s["origin"] for s in clean}
    merged = [
        {
            "start": m.start,
            "end": m.end,
            "entity": m.entity,
            "redact": True,
            "origin": origin_of.get((m.start, m.end), "added"),
        }
        for m in redacted
    ]
    return merged + kept


# --- images ------------------------------------------------------------------------------------


def _image_storage():
    return storages["evidence"]


def _store_image(content: bytes) -> str:
    """Write-once, content-addressed, beside the evidence blobs (same private storage)."""
    digest = hashlib.sha256(content).hexdigest()
    ext = "png" if content.startswith(b"\x89PNG") else "jpg"
    name = f"redacted/{digest[:2]}/{digest[2:4]}/{digest}.{ext}"
    storage = _image_storage()
    if not storage.exists(name):
        saved = storage.save(name, ContentFile(content, name=f"{digest}.{ext}"))
        if saved != name:  # a concurrent save of the same bytes: keep the first
            storage.delete(saved)
    return name


def delete_image_when_unused(name: str) -> None:
    """Delete a stored redacted image after the transaction, unless a derivative uses it."""
    if not name:
        return

    def delete_if_unused() -> None:
        if not RedactedDerivative.objects.filter(image_name=name).exists():
            _image_storage().delete(name)

    transaction.on_commit(delete_if_unused)


def derivative_original_image(derivative: RedactedDerivative) -> bytes:
    """The unredacted picture (metadata already stripped): only for reviewers' eyes."""
    return _original_image(derivative.evidence)


def _original_image(evidence: EvidenceFile) -> bytes:
    from casebook.sources.evidence.services import evidence_derivative_image

    return evidence_derivative_image(evidence)


def derivative_image_bytes(derivative: RedactedDerivative) -> bytes:
    with _image_storage().open(derivative.image_name, "rb") as stored:
        return stored.read()


@dataclass(frozen=True)
class _RenderedImage:
    name: str
    boxes: list[list[int]]
    width: int
    height: int


def _render_image(evidence: EvidenceFile, boxes) -> _RenderedImage:
    """Redact the original and store the result. Runs outside any transaction: detection
    takes up to a second, and SQLite would hold its write lock all that time."""
    original = _original_image(evidence)
    redacted, used = faces.redact_image(
        original, boxes, max_side=_face_max_side(), max_pixels=_max_pixels()
    )
    width, height = faces.image_size(original)
    return _RenderedImage(_store_image(redacted), [list(box) for box in used], width, height)


def _apply_image(derivative: RedactedDerivative, rendered: _RenderedImage) -> None:
    old_name = derivative.image_name
    derivative.image_name = rendered.name
    derivative.image_width, derivative.image_height = rendered.width, rendered.height
    derivative.regions = rendered.boxes
    if old_name and old_name != rendered.name:
        delete_image_when_unused(old_name)


# --- proposing ---------------------------------------------------------------------------------


def _open_proposal(original, field: str) -> RedactedDerivative | None:
    return (
        RedactedDerivative.objects.of(original, field).awaiting_review().select_for_update().first()
    )


def derivative_propose(*, original, actor, field: str = "") -> RedactedDerivative:
    """Detect what to redact in an original and propose the result for review.

    `original` is an Incident or a Source (with `field`, one of models.TEXT_FIELDS) or an
    image EvidenceFile. An open proposal for the same original is refreshed, not duplicated:
    detection runs again on the original as it is now, and earlier review edits are dropped.
    """
    if actor is not None and not may_propose_for(user=actor, original=original):
        raise PermissionDenied("This account may not redact this record.")
    if isinstance(original, EvidenceFile):
        if not original.is_image:
            raise RedactionRefused(
                f"{original.get_media_type_display()} cannot be redacted in Casebook, so it is "
                "never published or exported. Publish a still image or a transcript instead."
            )
        kind, field = DerivativeKind.IMAGE, ""
    elif isinstance(original, Incident | Source):
        kind = DerivativeKind.TEXT
        if field not in TEXT_FIELDS[original._meta.label_lower]:
            raise RedactionRefused(f"The field {field!r} cannot be redacted.")
    else:
        raise RedactionRefused(f"{type(original).__name__} cannot be redacted.")

    # Detection (and, the first time, loading a model) happens before any lock is held.
    if kind == DerivativeKind.TEXT:
        source_text = getattr(original, field) or ""
        detected = text.detect(
            source_text, public_figures=public_figures(), keep_collar_numbers=_keep_collar_numbers()
        )
    else:
        rendered = _render_image(original, None)
    with (
        _forget_image_on_failure(rendered.name if kind == DerivativeKind.IMAGE else ""),
        transaction.atomic(),
    ):
        derivative = _open_proposal(original, field) or RedactedDerivative(
            kind=kind, field=field, **{_target_name(original): original}
        )
        derivative.proposed_by = actor if _is_user(actor) else None
        derivative.proposed_at = timezone.now()
        if kind == DerivativeKind.TEXT:
            derivative.original_sha256 = sha256_text(source_text)
            _render_text(derivative, source_text, _span_dicts(detected, origin="detected"))
        else:
            derivative.original_sha256 = original.sha256
            _apply_image(derivative, rendered)
        derivative.full_clean()
        derivative.save()
        _audit(derivative, "redaction.derivative.proposed", actor, _region_summary(derivative))
    return derivative


def _target_name(original) -> str:
    return {
        "cases.incident": "incident",
        "sources.source": "source",
        "sources.evidencefile": "evidence",
    }[original._meta.label_lower]


def _is_user(actor) -> bool:
    return bool(getattr(actor, "is_authenticated", False))


def _check_editable(derivative: RedactedDerivative, actor) -> None:
    if not derivative_may_review(user=actor, derivative=derivative):
        raise PermissionDenied("This account may not edit this redaction.")
    if derivative.status != DerivativeStatus.PROPOSED:
        raise RedactionRefused("Only a redaction awaiting review can be changed.")
    if derivative.is_stale:
        raise RedactionRefused("The original changed since this was proposed: propose again.")


def _editable(derivative: RedactedDerivative, actor) -> RedactedDerivative:
    """The derivative locked for an edit, after checking (again, under the lock) who and when."""
    locked = RedactedDerivative.objects.select_for_update().get(pk=derivative.pk)
    _check_editable(locked, actor)
    return locked


@contextmanager
def _forget_image_on_failure(name: str):
    """A rendered image stored before its transaction: delete it if that transaction fails."""
    try:
        yield
    except BaseException:
        delete_image_when_unused(name)
        raise


def derivative_update_spans(
    *, derivative: RedactedDerivative, spans: Sequence[dict], actor
) -> RedactedDerivative:
    """A reviewer's edit of a text redaction: un-redact false positives, add missed spans.

    `spans` is the whole new list of regions ({"start", "end", "entity", "redact", "origin"}),
    in offsets of the original text. The text is rendered again from the original.
    """
    with transaction.atomic():
        locked = _editable(derivative, actor)
        if locked.kind != DerivativeKind.TEXT:
            raise RedactionRefused("This is an image: edit its boxes.")
        original = locked.original_text()
        _render_text(locked, original, _validated_spans(original, spans))
        locked.save(update_fields=["regions", "text"])
        _audit(locked, "redaction.derivative.edited", actor, _region_summary(locked))
    return locked


def derivative_update_boxes(
    *, derivative: RedactedDerivative, boxes: Sequence[Sequence[float]], actor
) -> RedactedDerivative:
    """A reviewer's edit of an image redaction: the boxes to obscure, in original pixels.

    The redacted image is rendered again from the original with exactly these boxes.
    """
    clean = []
    for box in boxes:
        if len(box) != 4:
            raise ValueError("Each box is four numbers: x1, y1, x2, y2.")
        clean.append([float(v) for v in box])
    if derivative.kind != DerivativeKind.IMAGE:
        raise RedactionRefused("This is text: edit its spans.")
    _check_editable(derivative, actor)
    rendered = _render_image(derivative.evidence, clean)
    with _forget_image_on_failure(rendered.name), transaction.atomic():
        locked = _editable(derivative, actor)
        _apply_image(locked, rendered)
        locked.save(update_fields=["regions", "image_name", "image_width", "image_height"])
        _audit(locked, "redaction.derivative.edited", actor, _region_summary(locked))
    return locked


# --- deciding ----------------------------------------------------------------------------------


def _decide(derivative: RedactedDerivative, actor, status: str) -> RedactedDerivative:
    if not derivative_may_approve(user=actor, derivative=derivative):
        raise PermissionDenied("Only coordinators and administrators approve redactions.")
    with transaction.atomic():
        locked = RedactedDerivative.objects.select_for_update().get(pk=derivative.pk)
        if locked.status != DerivativeStatus.PROPOSED:
            raise RedactionRefused(f"This redaction is already {locked.get_status_display()}.")
        if status == DerivativeStatus.APPROVED and locked.is_stale:
            raise RedactionRefused(
                "The original changed since this was proposed: propose "
                "again and review the new proposal."
            )
        locked.status, locked.decided_by, locked.decided_at = status, actor, timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        if status == DerivativeStatus.APPROVED:
            search_documents_outdated(locked)
        action = (
            "redaction.derivative.approved"
            if status == DerivativeStatus.APPROVED
            else "redaction.derivative.rejected"
        )
        _audit(
            locked,
            action,
            actor,
            {"status": [DerivativeStatus.PROPOSED, status], **_region_summary(locked)},
        )
    return locked


def derivative_approve(
    *, derivative: RedactedDerivative, actor, spans: Sequence[dict] | None = None
) -> RedactedDerivative:
    """Approve a proposed derivative (coordinators and administrators only).

    From now on `approved_text_for` / `approved_image_for` hand it out, until the original
    changes. `spans`, for a text redaction, are the regions as the reviewer ticked them when
    pressing Approve (the whole list, as for `derivative_update_spans`): where they differ from
    those saved they are saved first, in the same transaction, so what is approved is what the
    reviewer had in front of them, never an earlier version.
    """
    if spans is None:
        return _decide(derivative, actor, DerivativeStatus.APPROVED)
    if not derivative_may_approve(user=actor, derivative=derivative):
        raise PermissionDenied("Only coordinators and administrators approve redactions.")
    if derivative.kind != DerivativeKind.TEXT:
        raise RedactionRefused("This is an image: save its boxes, then approve.")
    with transaction.atomic():
        if not _same_regions(derivative.regions, spans):
            derivative = derivative_update_spans(derivative=derivative, spans=spans, actor=actor)
        return _decide(derivative, actor, DerivativeStatus.APPROVED)


def _same_regions(saved: Sequence[dict], ticked: Sequence[dict]) -> bool:
    def key(region: dict) -> tuple:
        return (
            int(region["start"]),
            int(region["end"]),
            str(region.get("entity") or "OTHER").upper(),
            bool(region.get("redact", True)),
        )

    try:
        return sorted(map(key, saved)) == sorted(map(key, ticked))
    except (KeyError, TypeError, ValueError):
        return False  # malformed: let derivative_update_spans say what is wrong


def derivative_reject(*, derivative: RedactedDerivative, actor) -> RedactedDerivative:
    return _decide(derivative, actor, DerivativeStatus.REJECTED)
