"""The newsletter's Celery tasks (run by `casebook worker`; ids only in the broker)."""

from __future__ import annotations

from casebook.monitor.celery_app import app


@app.task(name="publishing.newsletter_confirmation_send", bind=True, max_retries=5)
def newsletter_confirmation_send(self, subscriber_id: int) -> bool:
    from casebook.publishing.newsletter.mail import confirmation_send

    sent = confirmation_send(subscriber_id=subscriber_id)
    # Eagerly (no broker) there is no queue to wait in: the sign-up can be made again.
    if not sent and not self.request.is_eager:
        raise self.retry(countdown=120)
    return sent


@app.task(name="publishing.newsletter_digest_due")
def newsletter_digest_due() -> int:
    """Celery beat's tick: send the digest if the administrator's schedule says it is due;
    forget sign-ups never confirmed."""
    from casebook.publishing.newsletter.digest import digest_send
    from casebook.publishing.newsletter.subscriptions import subscribers_unconfirmed_purge

    subscribers_unconfirmed_purge()
    return digest_send(scheduled=True).sent


@app.task(name="publishing.figures_refresh", bind=True, max_retries=3)
def figures_refresh(self) -> int:
    """The statistics, the home page's figures and the map's points, computed again after a
    change (and by Celery beat before they age); how many were computed."""
    from casebook.lib.busy import database_busy
    from casebook.publishing.statistics import public_figures_refresh

    try:
        return public_figures_refresh()
    except Exception as error:
        if database_busy(error) and not self.request.is_eager:
            raise self.retry(exc=error, countdown=10) from None
        raise
