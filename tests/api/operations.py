"""Every operation of /api/v1/, how to call it in a test world, and who may.

The API's permission matrix (test_matrix.py) calls each one with a token of each role and
with none; it also fails when the OpenAPI document has an operation that is not listed here.
The canary leak test (tests/protection) reads every GET operation as every viewer.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field

# The API's personas: the four roles, an account whose role was taken away, and no token.
API_PERSONAS = ("administrator", "coordinator", "caseworker", "analyst", "outsider", "anonymous")

#         administrator, coordinator, caseworker (not on the incident), analyst, outsider, none
STAFF = (200, 200, 200, 200, 403, 401)
RECORDERS = (201, 201, 201, 403, 403, 401)
IMPORTERS = (201, 201, 403, 403, 403, 401)
INCIDENT_EDITORS = (200, 200, 403, 403, 403, 401)
QUEUE_READERS = (200, 200, 200, 403, 403, 401)
ADMINISTRATORS = (200, 403, 403, 403, 403, 401)

NEW_INCIDENT = {
    "title": "Invented arrests at a synthetic vigil",
    "date": "2024-05-04",
    "force": "metropolitan-police-service",
    "acts": [{"act_type": "arrest", "number_affected": 2}],
}


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # as the OpenAPI document writes it
    url_name: str
    build: Callable  # world -> URL
    expected: tuple[int, ...]
    body: Callable | None = None  # world -> JSON body (or multipart dict, see `multipart`)
    multipart: bool = False
    headers: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def _path(url: str) -> Callable:
    return lambda w: url


def _incident(w) -> str:
    return f"/api/v1/incidents/{w.incident.reference}"


def _ready_incident(w):
    from tests.factories import ready_incident

    return ready_incident(status="draft")


def _source(w) -> str:
    from tests.factories import IncidentSourceFactory

    return f"/api/v1/sources/{IncidentSourceFactory(incident=w.incident).source_id}"


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def _upload(w) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"file": SimpleUploadedFile("invented.png", _png(), "image/png"), "caption": "x"}


OPERATIONS: list[Operation] = [
    Operation("GET", "/api/v1/me", "api-v1:me", _path("/api/v1/me"), (200,) * 5 + (401,)),
    Operation("GET", "/api/v1/codebook", "api-v1:codebook", _path("/api/v1/codebook"), STAFF),
    Operation(
        "GET", "/api/v1/incidents", "api-v1:incident_list", _path("/api/v1/incidents"), STAFF
    ),
    Operation(
        "POST",
        "/api/v1/incidents",
        "api-v1:incident_create",
        _path("/api/v1/incidents"),
        RECORDERS,
        body=lambda w: NEW_INCIDENT,
    ),
    Operation(
        "POST",
        "/api/v1/incidents/bulk",
        "api-v1:incident_bulk",
        _path("/api/v1/incidents/bulk"),
        IMPORTERS,
        body=lambda w: {"incidents": [NEW_INCIDENT | {"acts": []}]},
    ),
    Operation(
        "GET",
        "/api/v1/incidents/{reference}",
        "api-v1:incident_detail",
        _incident,
        STAFF,
    ),
    Operation(
        "PATCH",
        "/api/v1/incidents/{reference}",
        "api-v1:incident_update",
        _incident,
        INCIDENT_EDITORS,
        body=lambda w: {"place": "Testford"},
    ),
    Operation(
        "POST",
        "/api/v1/incidents/{reference}/status",
        "api-v1:incident_status",
        lambda w: f"/api/v1/incidents/{_ready_incident(w).reference}/status",
        INCIDENT_EDITORS,
        body=lambda w: {"status": "in_review"},
    ),
    Operation(
        "GET",
        "/api/v1/incidents/{reference}/evidence",
        "api-v1:evidence_list",
        lambda w: _incident(w) + "/evidence",
        STAFF,
    ),
    Operation(
        "POST",
        "/api/v1/incidents/{reference}/evidence",
        "api-v1:evidence_upload",
        lambda w: f"/api/v1/incidents/{_ready_incident(w).reference}/evidence",
        IMPORTERS,
        body=_upload,
        multipart=True,
    ),
    Operation("GET", "/api/v1/protests", "api-v1:protest_list", _path("/api/v1/protests"), STAFF),
    Operation(
        "GET",
        "/api/v1/protests/{protest_id}",
        "api-v1:protest_detail",
        lambda w: f"/api/v1/protests/{w.protest.pk}",
        STAFF,
    ),
    Operation("GET", "/api/v1/sources/{source_id}", "api-v1:source_detail", _source, STAFF),
    Operation(
        "GET",
        "/api/v1/people",
        "api-v1:person_list",
        _path("/api/v1/people"),
        QUEUE_READERS,
    ),
    # A caseworker not on the incident does not find its person at all.
    Operation(
        "GET",
        "/api/v1/people/{reference}",
        "api-v1:person_detail",
        lambda w: f"/api/v1/people/{w.person.reference}",
        (200, 200, 404, 403, 403, 401),
    ),
    Operation(
        "GET",
        "/api/v1/monitor/candidates",
        "api-v1:candidate_list",
        _path("/api/v1/monitor/candidates"),
        QUEUE_READERS,
    ),
    # A candidate nobody has: reviewers get 404, everyone else 403 first.
    Operation(
        "POST",
        "/api/v1/monitor/candidates/{candidate_id}/decision",
        "api-v1:candidate_decide",
        _path("/api/v1/monitor/candidates/999999/decision"),
        (404, 404, 403, 403, 403, 401),
        body=lambda w: {"decision": "reject", "reason": "not_police"},
    ),
    Operation("GET", "/api/v1/statistics", "api-v1:statistics", _path("/api/v1/statistics"), STAFF),
    Operation(
        "GET",
        "/api/v1/audit/verify",
        "api-v1:audit_status",
        _path("/api/v1/audit/verify"),
        ADMINISTRATORS,
    ),
]
