"""Evidence files of an incident: their metadata, and adding one through the vault's checks
(`evidence_add`: the allowlist sniffing, hashing, the same permission as the upload page)."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from casebook.accounts.access import staff_required
from casebook.accounts.security import client_address
from casebook.api.auth import WRITE
from casebook.api.models import Scope
from casebook.api.problems import READ_ONE, ApiProblem, Problem
from casebook.api.problems import WRITE as WRITE_ANSWERS
from casebook.cases.models import Incident
from casebook.sources.evidence.services import (
    evidence_add,
    evidence_details_viewed,
    evidence_details_visible_to,
)
from casebook.sources.evidence.sniffing import EvidenceRefused
from casebook.sources.models import EvidenceFile

router = Router(tags=["evidence"])


class EvidenceDetails(Schema):
    original_filename: str
    caption: str
    width: int | None
    height: int | None
    captured_at: dt.datetime | None
    gps_latitude: Decimal | None
    gps_longitude: Decimal | None
    device_make: str
    device_model: str


class EvidenceOut(Schema):
    id: int
    sha256: str
    size: int
    media_type: str
    added_at: dt.datetime
    details: EvidenceDetails | None = Field(
        description="File name, caption and the metadata that can place a person: only with "
        "the personal-data scope, for roles that see this evidence. Otherwise null."
    )


def _shows_details(request, evidence: EvidenceFile) -> bool:
    token = request.api_token
    return token.allows(Scope.PERSONAL_DATA) and evidence_details_visible_to(
        user=request.user, evidence=evidence
    )


def _evidence(evidence: EvidenceFile, details: bool) -> dict:
    return {
        "id": evidence.pk,
        "sha256": evidence.sha256,
        "size": evidence.size,
        "media_type": evidence.media_type,
        "added_at": evidence.added_at,
        "details": {name: getattr(evidence, name) for name in EvidenceDetails.model_fields}
        if details
        else None,
    }


@router.get(
    "/incidents/{reference}/evidence",
    response={200: list[EvidenceOut], **READ_ONE},
    summary="The evidence files of an incident (metadata only)",
)
@staff_required
def evidence_list(request, reference: str):
    incident = get_object_or_404(Incident, reference=reference)
    files = list(EvidenceFile.objects.for_incident(incident))
    rows = [(evidence, _shows_details(request, evidence)) for evidence in files]
    evidence_details_viewed(
        actor=request.user,
        incident=incident,
        evidence=[evidence for evidence, shown in rows if shown],
        ip_address=client_address(request),
    )
    return [_evidence(evidence, shown) for evidence, shown in rows]


@router.post(
    "/incidents/{reference}/evidence",
    auth=WRITE,
    response={200: EvidenceOut, 201: EvidenceOut, 413: Problem, **WRITE_ANSWERS},
    summary="Add an evidence file to an incident (multipart: `file`, optional `caption`)",
)
@staff_required
def evidence_upload(request, reference: str, file: File[UploadedFile], caption: Form[str] = ""):
    incident = get_object_or_404(Incident, reference=reference)
    if file.size is not None and file.size > settings.EVIDENCE_MAX_BYTES:
        raise ApiProblem(
            413,
            "too-large",
            "The file is too large",
            f"Files up to {settings.EVIDENCE_MAX_BYTES} bytes are taken; this one has {file.size}.",
            [{"field": "file", "detail": "Send a smaller file (or cut the video)."}],
        )
    try:
        added = evidence_add(
            content=file,  # type: ignore[arg-type]
            filename=file.name or "",
            actor=request.user,
            incident=incident,
            caption=caption.strip()[:300],
            ip_address=client_address(request),
            via="api",
        )
    except EvidenceRefused as refusal:
        raise ApiProblem(
            422,
            "invalid-fields",
            "The file is not accepted",
            "Nothing was stored.",
            [{"field": "file", "detail": refusal.reason}],
        ) from None
    evidence = added.evidence
    return Status(
        201 if added.created else 200, _evidence(evidence, _shows_details(request, evidence))
    )
