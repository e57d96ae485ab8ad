"""The pipeline's stages as Celery tasks, chained per page, and the feed-polling tasks.

Each stage task takes a page id, runs the same stage function `page_process` runs in-process,
saves the page and returns the id for the next task of the chain. A page whose journey ended
(stopped, skipped, failed) passes through the remaining tasks untouched. Arguments and
results are ids only: article text never travels through the broker's logs. The markup a
later stage still needs waits in `page.raw` and is emptied once read.
"""

from __future__ import annotations

import logging

from celery import chain
from django.db import transaction

from casebook.lib.busy import call_when_free, database_busy
from casebook.monitor.celery_app import app
from casebook.monitor.models import Feed, Page
from casebook.monitor.pipeline import STAGES, Context, Work, stage_run

logger = logging.getLogger(__name__)

# A task waits this long for a busy database (SQLite's single writer), then goes back to the
# queue to wait there instead, as often as it takes: a page is never dropped for it.
PATIENCE_SECONDS = 60
REQUEUE_SECONDS = 30


def _log_wait(seconds: float) -> None:
    logger.warning("monitor: the database is busy; the task tries again in %.1f s", seconds)


def _when_free(task, work):
    """Run a task's work, waiting while the database is busy; requeue the task if it stays
    busy (never in eager mode, where there is no queue: the error is raised then)."""
    try:
        return call_when_free(work, patience=PATIENCE_SECONDS, on_wait=_log_wait)
    except Exception as error:
        if database_busy(error) and not task.request.is_eager:
            raise task.retry(exc=error, countdown=REQUEUE_SECONDS) from None
        raise


def _stage(name: str):
    def run(task, page_id: int | None) -> int | None:
        return _when_free(task, lambda: _stage_once(name, page_id))

    run.__name__ = run.__qualname__ = f"stage_{name}"
    return app.task(name=f"monitor.{name}", bind=True, max_retries=None)(run)


def _stage_once(name: str, page_id: int | None) -> int | None:
    """One stage of a page, from the page as saved: run again after a busy database, it
    starts from the same state."""
    if page_id is None:
        return None
    page = Page.objects.filter(pk=page_id).first()
    if page is None or page.status != Page.Status.NEW:
        return page_id
    work = Work.from_page(page)
    ctx = Context()
    try:
        going_on = stage_run(name, page, work, ctx)
    finally:
        ctx.close()
    later = STAGES[STAGES.index(name) + 1 :]
    keep_markup = going_on and any(stage in ("read", "prefilter", "text") for stage in later)
    if keep_markup:
        page.raw = work.markup if work.markup is not None else (work.plain or "")
        if work.plain is not None and not page.content_type:
            page.content_type = "text/plain"
    else:
        page.raw = ""
    page.save()
    return page_id


STAGE_TASKS = {name: _stage(name) for name in STAGES}


def page_chain(page_id: int, *, start: str = "fetch"):
    """The chain of stage tasks for one page, from `start` to the last stage."""
    first, *rest = STAGES[STAGES.index(start) :]
    return chain(STAGE_TASKS[first].s(page_id), *(STAGE_TASKS[name].s() for name in rest))


class CeleryRunner:
    """Saves the page (with its markup, if any) and sends its chain to the broker."""

    def submit(self, page: Page, work: Work) -> None:
        page.status, page.error = Page.Status.NEW, ""
        page.attempts += 1
        start = "fetch"
        if work.body is not None:
            # Bytes cannot wait in a text column: run the fetch stage (decoding) here.
            stage_run("fetch", page, work, Context())
            start = "read"
        page.raw = work.markup if work.markup is not None else (work.plain or "")
        if work.plain is not None and work.markup is None:
            page.content_type = "text/plain"
        page.save()
        if page.status == Page.Status.NEW:
            # After the commit, or a fast worker could look for the page before it exists.
            chain_of_page = page_chain(page.pk, start=start)
            transaction.on_commit(chain_of_page.apply_async)


@app.task(name="monitor.feed_poll", bind=True, max_retries=None)
def feed_poll_task(task, feed_id: int) -> int:
    from casebook.monitor.intake import feed_poll, runner_default

    def poll() -> int:
        feed = Feed.objects.filter(pk=feed_id).first()
        if feed is None or not feed.active:
            return 0
        return feed_poll(feed, runner_default()).new_pages

    return _when_free(task, poll)


@app.task(name="monitor.feeds_poll_due", bind=True, max_retries=None)
def feeds_poll_due(task) -> int:
    """Celery beat's every-minute tick: one polling task per feed that is due."""
    due = _when_free(task, lambda: list(Feed.objects.due().values_list("pk", flat=True)))
    for feed_id in due:
        feed_poll_task.delay(feed_id)
    return len(due)
