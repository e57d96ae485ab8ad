"""Webhook deliveries as Celery tasks (run by `casebook worker`); ids only in the broker."""

from __future__ import annotations

from casebook.monitor.celery_app import app


@app.task(name="api.webhook_deliver", bind=True, max_retries=None, acks_late=True)
def webhook_deliver_task(self, delivery_id: int) -> None:
    from casebook.api.webhooks import webhook_attempt

    pause = webhook_attempt(delivery_id=delivery_id)
    # Eagerly (no broker) there is no queue to wait in: the failure stays in the log.
    if pause is not None and not self.request.is_eager:
        raise self.retry(countdown=pause)
