"""Linkage's background work as a Celery task on the casebook's Celery application (the
monitor's workers run it: that application imports this module). Bound to it, not shared:
sent from a process that has not loaded it yet, a shared task would go to Celery's default
application (amqp on localhost), where no casebook worker reads."""

from __future__ import annotations

from casebook.lib.busy import call_when_free, database_busy
from casebook.monitor.celery_app import app

REQUEUE_SECONDS = 30


@app.task(name="linkage.compare_new", bind=True, max_retries=None)
def compare_new(task) -> int | None:
    """Compare the incidents new since the last run with the casebook; the run's id. More
    than one comparison's worth (a large import) queues the task again for the rest, so a
    worker is never held for the whole import at once."""
    from casebook.linkage.incremental import incidents_compare_new, incidents_waiting

    try:
        run = call_when_free(incidents_compare_new, patience=60)
    except Exception as error:
        if database_busy(error) and not task.request.is_eager:
            raise task.retry(exc=error, countdown=REQUEUE_SECONDS) from None
        raise
    if run is not None and incidents_waiting():
        compare_new.delay()
    return run.pk if run else None
