"""The Celery application that runs the monitor's stages on workers.

Configured from Django settings (the CELERY_* block at the end of settings.py): the broker
comes from CASEBOOK_BROKER_URL (Redis or RabbitMQ). Without one, tasks run eagerly in the
calling process and the pipeline does not use Celery at all (see intake.runner_default).
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casebook.settings")

app = Celery("casebook")
app.config_from_object("django.conf:settings", namespace="CELERY")
# The monitor's stages, web imports run as jobs (transfer/jobs.py), linkage comparing new
# incidents, the API's webhook deliveries, the newsletter's mails and the redacted search
# documents made after a save (named, not imported: other apps).
app.conf.imports = (
    "casebook.monitor.tasks",
    "casebook.transfer.tasks",
    "casebook.linkage.tasks",
    "casebook.api.tasks",
    "casebook.publishing.tasks",
    "casebook.redaction.tasks",
)
