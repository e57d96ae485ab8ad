"""Redaction's background work as a Celery task on the casebook's Celery application (run by
`casebook worker`; ids only in the broker). Bound to that application, not shared: sent from
a process that has not loaded it yet, a shared task would go to Celery's default one."""

from __future__ import annotations

from casebook.lib.busy import database_busy
from casebook.monitor.celery_app import app


@app.task(name="redaction.search_fill", bind=True, max_retries=5)
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
