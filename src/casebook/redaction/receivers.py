from django.db.models.signals import post_delete, pre_save
from django.dispatch import receiver

from casebook.redaction.models import RedactedDerivative


@receiver(post_delete, sender=RedactedDerivative, dispatch_uid="redaction.derivative_deleted")
def _delete_unused_image(sender, instance, **kwargs):
    # Also runs when an incident or evidence file is deleted and takes its derivatives along.
    from casebook.redaction.services import delete_image_when_unused

    delete_image_when_unused(instance.image_name)


@receiver(pre_save, dispatch_uid="redaction.never_save_shown_text")
def _refuse_saving_shown_text(sender, instance, **kwargs):
    # An object given its redacted text for a page (shown.redact_objects) would overwrite
    # the original with the redaction: a bug to stop loudly, never to let through.
    if getattr(instance, "_casebook_redacted", False):
        raise RuntimeError(
            f"{sender._meta.label} was redacted for showing and cannot be saved; load it again."
        )
