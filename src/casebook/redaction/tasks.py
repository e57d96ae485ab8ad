"""Redaction's background work as a Celery task (the monitor's workers run it too: its
Celery application imports this module)."""

from __future__ import annotations

from celery import shared_task

from casebook.lib.busy import database_busy


@shared_task(name="redaction.search_fill", bind=True, max_retries=5)
def search_fill(task, incident_ids: list[int]) -> int:
    """Make the redacted search documents of these incidents (after an editor's save, an
    API write, an approval); how many were made. Ids only in the broker, never text."""
    from casebook.redaction.searching import redacted_search_fill

    try:
        return redacted_search_fill(incident_ids=incident_ids)
    except Exception as error:
        if database_busy(error) and not task.request.is_eager:
            raise task.retry(exc=error, countdown=10) from None
        raise
