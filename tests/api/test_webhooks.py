"""Outgoing webhooks: signed per Standard Webhooks, delivered and retried, logged, and never
carrying personal data."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from casebook.api import signing
from casebook.api.models import WebhookDelivery, WebhookEndpoint
from casebook.api.webhooks import MAX_ATTEMPTS, webhook_attempt
from tests.api.operations import NEW_INCIDENT

pytestmark = pytest.mark.django_db


class Receiver:
    """A partner's server on 127.0.0.1 that answers each request with the next status."""

    def __init__(self, statuses):
        self.statuses = list(statuses)
        self.received: list[tuple[dict, bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made = []

    def make(statuses=()):
        made.append(Receiver(statuses))
        return made[-1]

    yield make
    for r in made:
        r.close()


def test_recording_an_incident_through_the_api_sends_a_signed_message_without_people(
    api_for, receiver, django_capture_on_commit_callbacks
):
    partner = receiver()
    endpoint = WebhookEndpoint.objects.create(
        url=partner.url, secret=signing.secret_new(), events="incident.created"
    )
    body = NEW_INCIDENT | {
        "people": [{"full_name": "Invented Hookperson", "act": 0, "consent_record": True}]
    }
    with django_capture_on_commit_callbacks(execute=True):
        created = api_for("coordinator").post("/api/v1/incidents", json=body)
    assert created.status_code == 201, created.content
    assert len(partner.received) == 1
    headers, sent = partner.received[0]
    assert signing.verify(
        headers["webhook-id"],
        int(headers["webhook-timestamp"]),
        sent,
        endpoint.secret,
        headers["webhook-signature"],
    )
    message = json.loads(sent)
    assert message["type"] == "incident.created"
    assert message["data"]["reference"] == created.json()["reference"]
    assert "Hookperson" not in sent.decode() and "Invented arrests" not in sent.decode()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "delivered" and delivery.last_status_code == 200


def test_an_endpoint_gets_only_the_events_it_asked_for(
    api_for, receiver, django_capture_on_commit_callbacks
):
    partner = receiver()
    WebhookEndpoint.objects.create(
        url=partner.url, secret=signing.secret_new(), events="incident.verified"
    )
    with django_capture_on_commit_callbacks(execute=True):
        api_for("coordinator").post("/api/v1/incidents", json=NEW_INCIDENT)
    assert partner.received == [] and not WebhookDelivery.objects.exists()


def test_a_failed_delivery_is_retried_with_a_doubling_pause_and_logged(receiver):
    partner = receiver([500, 503])
    endpoint = WebhookEndpoint.objects.create(url=partner.url, secret=signing.secret_new())
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, message_id="msg_test1", event="incident.updated", payload={"data": {}}
    )
    assert webhook_attempt(delivery_id=delivery.pk) == 30
    assert webhook_attempt(delivery_id=delivery.pk) == 60
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        "pending",
        2,
        "answered HTTP 503",
    )
    assert webhook_attempt(delivery_id=delivery.pk) is None
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempts == 3
    # Every try carried the same message id: the partner can drop repeats.
    assert {h["webhook-id"] for h, _ in partner.received} == {"msg_test1"}


def test_a_delivery_gives_up_after_the_last_attempt():
    endpoint = WebhookEndpoint.objects.create(
        url="http://127.0.0.1:9/closed", secret=signing.secret_new()
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, message_id="msg_test2", event="incident.updated", payload={}
    )
    for _ in range(MAX_ATTEMPTS):
        webhook_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.attempts == MAX_ATTEMPTS
    assert delivery.last_error == "ConnectError"
