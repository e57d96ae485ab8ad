"""Evidence files attached to a person, as erasure and subject access see them.

Registered with `people.duties.holders` when the app is ready (sources/apps.py).
"""

from __future__ import annotations

import datetime as dt

from casebook.audit.services import audit_record
from casebook.people.duties.holders import Held, HeldFile
from casebook.people.models import Person
from casebook.sources.evidence.services import evidence_remove
from casebook.sources.evidence.storage import blob_open
from casebook.sources.models import EvidenceFile

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


def _value(value):
    return value.isoformat() if isinstance(value, dt.datetime | dt.date) else value


def _record(evidence: EvidenceFile, name: str) -> dict:
    return {
        "file": name,
        "sha256": evidence.sha256,
        "media_type": evidence.media_type,
        "size": evidence.size,
        "original_filename": evidence.original_filename,
        "caption": evidence.caption,
        "added_at": _value(evidence.added_at),
        "captured_at": _value(evidence.captured_at),
        "gps": (
            [str(evidence.gps_latitude), str(evidence.gps_longitude)]
            if evidence.has_location
            else None
        ),
        "device": " ".join(filter(None, [evidence.device_make, evidence.device_model])) or None,
        "incident": evidence.incident.reference if evidence.incident_id else None,
    }


class EvidenceHolder:
    """The person's evidence files: handed over whole, removed or detached on erasure."""

    def held(self, *, person: Person) -> Held:
        held = Held(section="evidence")
        for evidence in EvidenceFile.objects.filter(person=person).order_by("added_at", "id"):
            name = f"evidence/{evidence.sha256}.{EXTENSIONS.get(evidence.media_type, 'bin')}"
            storage_name = evidence.storage_name
            held.files.append(HeldFile(name, lambda stored=storage_name: blob_open(stored)))
            held.records.append(_record(evidence, name))
            held.audit_subjects.append((EvidenceFile._meta.label_lower, str(evidence.pk)))
        return held

    def erase(self, *, person: Person, actor, ip_address: str | None) -> dict[str, int]:
        """Remove the person's own evidence files; unlink them from shared ones."""
        removed = detached = 0
        for evidence in EvidenceFile.objects.filter(person=person):
            if evidence.incident_id is None and evidence.source_id is None:
                evidence_remove(evidence=evidence, actor=actor, ip_address=ip_address)
                removed += 1
            else:
                EvidenceFile.objects.filter(pk=evidence.pk).update(person=None)
                audit_record(
                    action="sources.evidence.detached",
                    instance=evidence,
                    actor=actor,
                    incident=evidence.incident,
                    ip_address=ip_address,
                    changes={"person": [person.reference, None]},
                )
                detached += 1
        return {"evidence_removed": removed, "evidence_detached": detached}
