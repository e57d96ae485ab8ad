"""What may leave the organisation: the approved, current redaction of a text or a photo.

Exports and (later) publishing ask here; an original without an approved redaction that is
still current gives None, and nothing is published for it.
"""

from __future__ import annotations

from casebook.redaction.models import RedactedDerivative
from casebook.redaction.services import derivative_image_bytes
from casebook.sources.models import EvidenceFile


def _current_approved(original, field: str = "") -> RedactedDerivative | None:
    for derivative in RedactedDerivative.objects.of(original, field).approved():
        if not derivative.is_stale:
            return derivative
    return None


def approved_text_for(obj, field: str) -> str | None:
    """The approved redacted text of `obj.field` as it is now, or None: publish nothing then.

    An empty field needs no redaction and gives "".
    """
    if not (getattr(obj, field) or ""):
        return ""
    derivative = _current_approved(obj, field)
    return derivative.text if derivative else None


def incidents_with_approved_text(field: str) -> frozenset[int]:
    """Ids of incidents with an approved redaction of `field` (maybe stale: check each).

    Lets a bulk export ask `approved_text_for` only where an answer can exist.
    """
    return frozenset(
        RedactedDerivative.objects.approved()
        .filter(incident__isnull=False, field=field)
        .values_list("incident_id", flat=True)
    )


def approved_image_for(evidence: EvidenceFile) -> bytes | None:
    """The approved redacted image of an evidence file, or None (always None for video)."""
    derivative = _current_approved(evidence)
    return derivative_image_bytes(derivative) if derivative else None
