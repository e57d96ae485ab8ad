"""Rows of the project's permission matrix (tests/web/test_permissions.py) for /redaction/.

That matrix must list every URL; to include these, it takes one line:

    from tests.redaction.matrix import REDACTION_MATRIX
    MATRIX |= REDACTION_MATRIX

Each row builds what it needs on the matrix's World the first time (its caseworker does not
work on the World's incident, so sees none of its originals). test_matrix_rows.py checks the
rows against the same personas with the same request the matrix sends.
"""

from __future__ import annotations

import io

from django.urls import reverse
from PIL import Image

#        administrator, coordinator, caseworker (not on the incident), analyst, outsider, anonymous
EDITORS = (200, 200, 200, 403, 403, 302)
REVIEWERS = (200, 200, 403, 403, 403, 302)
ON_THE_RECORD = (302, 302, 403, 403, 403, 302)
ANY_EDITOR_POSTS = (302, 302, 302, 403, 403, 302)


def _incident_text(w):
    from casebook.redaction.services import derivative_propose

    if not hasattr(w, "redaction_text"):
        w.redaction_text = derivative_propose(original=w.incident, field="summary", actor=None)
    return w.redaction_text


def _fresh_text(w):
    """A new proposal each call, so every persona decides on one still awaiting review."""
    from casebook.redaction.services import derivative_propose
    from tests.factories import IncidentFactory

    incident = IncidentFactory(summary="Jo Bloggs was arrested.", status="draft")
    return derivative_propose(original=incident, field="summary", actor=None)


def _source(w):
    from tests.factories import SourceFactory

    if not hasattr(w, "redaction_source"):
        w.redaction_source = SourceFactory(text="Jo Bloggs saw it.")
    return w.redaction_source


def _evidence(w):
    from casebook.sources.evidence.services import evidence_add

    if not hasattr(w, "redaction_evidence"):
        picture = io.BytesIO()
        Image.new("RGB", (64, 48), (30, 120, 200)).save(picture, "JPEG")
        w.redaction_evidence = evidence_add(
            content=picture, filename="photo.jpg", actor=None, incident=w.incident
        ).evidence
    return w.redaction_evidence


def _image(w):
    from casebook.redaction.services import derivative_propose

    if not hasattr(w, "redaction_image"):
        w.redaction_image = derivative_propose(original=_evidence(w), actor=None)
    return w.redaction_image


REDACTION_MATRIX = {
    "redaction:queue": ("GET", lambda w: reverse("redaction:queue"), EDITORS),
    "redaction:propose": ("POST", lambda w: reverse("redaction:propose"), ANY_EDITOR_POSTS),
    "redaction:propose-incident": (
        "POST",
        lambda w: reverse("redaction:propose-incident", args=[w.incident.reference, "summary"]),
        ON_THE_RECORD,
    ),
    "redaction:propose-source": (
        "POST",
        lambda w: reverse("redaction:propose-source", args=[_source(w).pk, "text"]),
        ON_THE_RECORD,
    ),
    "redaction:propose-evidence": (
        "POST",
        lambda w: reverse("redaction:propose-evidence", args=[_evidence(w).pk]),
        ON_THE_RECORD,
    ),
    "redaction:review": (
        "GET",
        lambda w: reverse("redaction:review", args=[_incident_text(w).pk]),
        REVIEWERS,
    ),
    "redaction:spans": (
        "POST",
        lambda w: reverse("redaction:spans", args=[_incident_text(w).pk]),
        ON_THE_RECORD,
    ),
    "redaction:boxes": (
        "POST",
        lambda w: reverse("redaction:boxes", args=[_image(w).pk]),
        ON_THE_RECORD,
    ),
    "redaction:approve": (
        "POST",
        lambda w: reverse("redaction:approve", args=[_fresh_text(w).pk]),
        ON_THE_RECORD,
    ),
    "redaction:reject": (
        "POST",
        lambda w: reverse("redaction:reject", args=[_fresh_text(w).pk]),
        ON_THE_RECORD,
    ),
    "redaction:original-image": (
        "GET",
        lambda w: reverse("redaction:original-image", args=[_image(w).pk]),
        REVIEWERS,
    ),
    "redaction:redacted-image": (
        "GET",
        lambda w: reverse("redaction:redacted-image", args=[_image(w).pk]),
        REVIEWERS,
    ),
}
