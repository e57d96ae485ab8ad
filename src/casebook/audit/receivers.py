from django.dispatch import receiver

from casebook.audit.services import audit_record
from casebook.cases.signals import record_changed


@receiver(record_changed, dispatch_uid="audit.record_changed")
def _write_audit_entry(
    sender, *, action, instance, actor=None, changes=None, incident=None, ip_address=None, **kwargs
):
    audit_record(
        action=action,
        object_type=instance._meta.label_lower,
        object_id=str(instance.pk),
        actor=actor,
        changes=changes or {},
        incident_reference=getattr(incident, "reference", "") or "",
        ip_address=ip_address,
    )
