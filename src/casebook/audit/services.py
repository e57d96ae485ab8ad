from __future__ import annotations

from casebook.audit.models import AuditEntry


def audit_record(*, action: str, object_type: str, object_id: str, actor=None,
                 changes: dict | None = None, incident_reference: str = "",
                 ip_address: str | None = None) -> AuditEntry:
    actor = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        action=action, object_type=object_type, object_id=object_id, actor=actor,
        changes=changes or {}, incident_reference=incident_reference, ip_address=ip_address,
    )


def incident_history(reference: str):
    return AuditEntry.objects.filter(incident_reference=reference).select_related("actor")
