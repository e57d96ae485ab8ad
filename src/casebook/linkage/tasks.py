"""Linkage's background work as a Celery task (the monitor's workers run it too: its
Celery application imports this module)."""

from __future__ import annotations

from celery import shared_task

from casebook.lib.busy import call_when_free, database_busy

REQUEUE_SECONDS = 30


@shared_task(name="linkage.compare_new", bind=True, max_retries=None)
def compare_new(task) -> int | None:
    """Compare the incidents new since the last run with the casebook; the run's id."""
    from casebook.linkage.incremental import incidents_compare_new

    try:
        run = call_when_free(incidents_compare_new, patience=60)
    except Exception as error:
        if database_busy(error) and not task.request.is_eager:
            raise task.retry(exc=error, countdown=REQUEUE_SECONDS) from None
        raise
    return run.pk if run else None
