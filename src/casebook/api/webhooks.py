"""Outgoing webhooks: partners are told when an incident is recorded, changed, verified or
published, and when a news monitor candidate waits for review.

Events come from the audit trail (every state change writes one entry there) and from new
candidates; after the change commits, one delivery per subscribed endpoint is logged and sent
by Celery (`api.webhook_deliver`), signed per Standard Webhooks, retried with a doubling
pause (30 s, 1 min, 2 min … MAX_ATTEMPTS in all). Without a broker each is tried once, in
the process, and a failure stays in the log. Payloads name records by reference and API
address only: never a person, never free text.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid

import httpx
from django.db import transaction
from django.utils import timezone

from casebook.api import signing
from casebook.api.models import WebhookDelivery, WebhookEndpoint, WebhookEvent

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
FIRST_PAUSE_SECONDS = 30
TIMEOUT_SECONDS = 10

# Audit action -> webhook event.
FROM_AUDIT = {
    "cases.incident.created": WebhookEvent.INCIDENT_CREATED,
    "cases.incident.updated": WebhookEvent.INCIDENT_UPDATED,
    "cases.incident.verified": WebhookEvent.INCIDENT_VERIFIED,
    "publishing.incident.published": WebhookEvent.INCIDENT_PUBLISHED,
}


def webhook_payload(event: str, *, reference: str = "", candidate_id: int | None = None) -> dict:
    """What a message says: the event, when, and which record (by reference and address)."""
    data: dict = {}
    if reference:
        data = {"reference": reference, "url": f"/api/v1/incidents/{reference}"}
    if candidate_id is not None:
        data = {"candidate": candidate_id, "url": "/api/v1/monitor/candidates"}
    return {"type": event, "timestamp": timezone.now().isoformat(), "data": data}


def webhook_emit(event: str, payload: dict) -> list[WebhookDelivery]:
    """Log a delivery per active endpoint that wants `event`, and send them once committed."""
    endpoints = [e for e in WebhookEndpoint.objects.filter(active=True) if e.wants(event)]
    deliveries = [
        WebhookDelivery.objects.create(
            endpoint=endpoint,
            message_id=f"msg_{uuid.uuid4().hex}",
            event=event,
            payload=payload,
        )
        for endpoint in endpoints
    ]
    if deliveries:
        ids = [d.pk for d in deliveries]
        transaction.on_commit(lambda: _send(ids))
    return deliveries


def _send(ids: list[int]) -> None:
    from casebook.api.tasks import webhook_deliver_task

    for delivery_id in ids:
        webhook_deliver_task.delay(delivery_id)


def _pause(attempts: int) -> int:
    return FIRST_PAUSE_SECONDS * 2 ** (attempts - 1)


def webhook_attempt(*, delivery_id: int, client: httpx.Client | None = None) -> int | None:
    """Try to deliver once. Returns seconds until the next try, or None when done (delivered,
    or out of attempts)."""
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
        return None
    body = json.dumps(delivery.payload, separators=(",", ":")).encode()
    timestamp = int(timezone.now().timestamp())
    headers = signing.headers(delivery.message_id, timestamp, body, delivery.endpoint.secret)
    status_code, error = None, ""
    try:
        sender = client or httpx.Client(timeout=TIMEOUT_SECONDS, follow_redirects=False)
        with sender if client is None else _kept(sender):
            answer = sender.post(delivery.endpoint.url, content=body, headers=headers)
        status_code = answer.status_code
        if not 200 <= status_code < 300:
            error = f"answered HTTP {status_code}"
    except httpx.HTTPError as failure:
        error = type(failure).__name__  # never the message: it can quote the address's reply
    delivery.attempts += 1
    delivery.last_status_code = status_code
    delivery.last_error = error
    if not error:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
            WebhookDelivery.Status.DELIVERED,
            timezone.now(),
            None,
        )
        delivery.save()
        return None
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.status, delivery.next_attempt_at = WebhookDelivery.Status.FAILED, None
        delivery.save()
        logger.warning("webhook %s failed for good: %s", delivery.message_id, error)
        return None
    pause = _pause(delivery.attempts)
    delivery.next_attempt_at = timezone.now() + dt.timedelta(seconds=pause)
    delivery.save()
    return pause


class _kept:
    """A client passed in (tests) is used, not closed."""

    def __init__(self, client):
        self.client = client

    def __enter__(self):
        return self.client

    def __exit__(self, *exc):
        return False


def webhooks_connect() -> None:
    """Listen to the audit trail and the review queue (called once, by the app's ready())."""
    from django.db.models.signals import post_save

    from casebook.audit.signals import entry_recorded
    from casebook.monitor.models import Candidate

    # Audit entries are inserted as plain rows: the trail sends its own signal, not post_save.
    entry_recorded.connect(_on_audit_entry, dispatch_uid="api-webhooks-audit")
    post_save.connect(_on_candidate, sender=Candidate, dispatch_uid="api-webhooks-candidate")


def _on_audit_entry(sender, entry, **kwargs) -> None:
    event = FROM_AUDIT.get(entry.action)
    if event and entry.incident_reference:
        webhook_emit(event, webhook_payload(event, reference=entry.incident_reference))


def _on_candidate(sender, instance, created, **kwargs) -> None:
    if created and instance.status == "pending":
        event = WebhookEvent.CANDIDATE_WAITING
        webhook_emit(event, webhook_payload(event, candidate_id=instance.pk))
