from django.db.models.signals import post_delete
from django.dispatch import receiver

from casebook.redaction.models import RedactedDerivative


@receiver(post_delete, sender=RedactedDerivative, dispatch_uid="redaction.derivative_deleted")
def _delete_unused_image(sender, instance, **kwargs):
    # Also runs when an incident or evidence file is deleted and takes its derivatives along.
    from casebook.redaction.services import delete_image_when_unused

    delete_image_when_unused(instance.image_name)
