"""Rows of the project's permission matrix (tests/web/test_permissions.py) for the evidence
pages. The matrix merges every `*_MATRIX` dict found in `tests/<app>/matrix.py`.

The World's caseworker does not work on the World's incident: they may see that evidence
exists (the list) but not the files, and may not upload.
"""

from __future__ import annotations

import io

from django.urls import reverse
from PIL import Image

#        administrator, coordinator, caseworker (not on the incident), analyst, outsider, anonymous
STAFF_READ = (200, 200, 200, 200, 403, 302)
PEOPLE_VIEWERS = (200, 200, 403, 403, 403, 302)
# The matrix posts no file: those who may upload get 400 ("send exactly one file").
UPLOADERS_WITHOUT_A_FILE = (400, 400, 403, 403, 403, 302)


def _evidence(w):
    from casebook.sources.evidence.services import evidence_add

    if not hasattr(w, "sources_evidence"):
        picture = io.BytesIO()
        Image.new("RGB", (64, 48), (200, 120, 30)).save(picture, "PNG")
        w.sources_evidence = evidence_add(
            content=picture,
            filename="Canaryname Zqxwv.png",
            actor=None,
            incident=w.incident,
            caption="7 Canary Row, Zqxwvton",
        ).evidence
    return w.sources_evidence


SOURCES_MATRIX = {
    "sources:incident-evidence": (
        "GET",
        lambda w: reverse("sources:incident-evidence", args=[_evidence(w).incident.reference]),
        STAFF_READ,
    ),
    "sources:evidence-upload": (
        "POST",
        lambda w: reverse("sources:evidence-upload", args=[w.incident.reference]),
        UPLOADERS_WITHOUT_A_FILE,
    ),
    "sources:evidence-thumbnail": (
        "GET",
        lambda w: reverse("sources:evidence-thumbnail", args=[_evidence(w).pk]),
        PEOPLE_VIEWERS,
    ),
    "sources:evidence-original": (
        "GET",
        lambda w: reverse("sources:evidence-original", args=[_evidence(w).pk]),
        PEOPLE_VIEWERS,
    ),
}
