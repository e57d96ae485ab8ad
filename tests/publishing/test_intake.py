"""Accounts from the public: received with a receipt, sealed contact, abuse resistance, the
sender's private page, the caseworkers' decision; never on a public page."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection
from django.urls import reverse

from casebook.audit.models import AuditEntry
from casebook.publishing import intake
from casebook.publishing.models import Submission
from casebook.sources.models import Source
from tests.publishing.world import PublishedWorld, approve, portal_on

pytestmark = pytest.mark.django_db
ACCOUNT = "Canaryaccount Wxqz: an officer pulled my sleeve at the gate."
CONTACT = "canary-sender-wxqz@example.test"


@pytest.fixture
def portal(reference_data, monkeypatch):
    monkeypatch.setattr(intake, "MIN_SECONDS", 0)
    monkeypatch.setattr(intake, "MIN_SECONDS_WITHOUT_SCRIPT", 0)
    from django.core.cache import cache

    cache.clear()
    return portal_on()


def _send(client, url=None, **fields):
    url = url or reverse("publishing:submit")
    data = {
        "account": ACCOUNT,
        "name": "Canaryname Wxqz",
        "contact": CONTACT,
        "consent_contact": "on",
        "consent_use": "on",
        "token": intake.form_token(),
        "website": "",
        **fields,
    }
    return client.post(url, data)


def _code(response) -> str:
    text = response.content.decode()
    return text.split('<p class="receipt"><strong>', 1)[1].split("<", 1)[0]


def test_an_account_is_received_with_a_receipt_and_its_contact_sealed(client, portal):
    response = _send(client)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    code = _code(response)
    submission = Submission.objects.get()
    assert submission.receipt_sha256 == intake.receipt_hash(code)
    assert code not in repr(Submission.objects.values())
    assert submission.person.contact == CONTACT  # readable through the keyring…
    with connection.cursor() as cursor:  # …and sealed in the database
        cursor.execute("SELECT contact FROM people_person WHERE id = %s", [submission.person_id])
        assert CONTACT not in cursor.fetchone()[0]
    entry = AuditEntry.objects.get(action="publishing.submission.received")
    assert ACCOUNT not in str(entry.changes)


def test_without_consent_no_contact_detail_is_kept(client, portal):
    _send(client, consent_contact="")
    assert Submission.objects.get().person is None


def test_a_form_sent_too_quickly_is_refused_with_the_reason(client, portal, monkeypatch):
    monkeypatch.setattr(intake, "MIN_SECONDS_WITHOUT_SCRIPT", 600)
    page = _send(client).content.decode()
    assert "quicker than a person" in page
    assert not Submission.objects.exists()


def test_the_honeypot_is_thanked_and_dropped(client, portal):
    response = _send(client, website="http://spam.example.test")
    assert "Thank you" in response.content.decode()
    assert not Submission.objects.exists()


def test_one_connection_sends_at_most_five_forms_an_hour(client, portal):
    for _ in range(intake.RATE_LIMIT):
        _send(client)
    page = _send(client).content.decode()
    assert "Too many forms" in page
    assert Submission.objects.count() == intake.RATE_LIMIT


def test_the_proof_of_work_is_checked():
    token = intake.form_token()
    nonce = next(
        n
        for n in range(10_000_000)
        if hashlib.sha256(f"{token}:{n}".encode()).digest()[:2] == b"\0\0"
    )
    assert intake.work_done(token, str(nonce))
    assert not intake.work_done(token, str(nonce + 1)) or nonce == 0
    assert not intake.work_done(token, "x")


def test_the_sender_adds_to_and_withdraws_their_account(client, portal):
    code = _code(_send(client))
    url = reverse("publishing:receipt", args=[code])
    assert "Waiting for a caseworker" in client.get(url).content.decode()
    client.post(url, {"text": "One more thing."})
    assert "One more thing." in Submission.objects.get().additions
    client.post(url, {"withdraw": "1"})
    submission = Submission.objects.get()
    assert submission.status == "withdrawn" and submission.account == ""
    assert submission.person.is_erased
    assert client.get(reverse("publishing:receipt", args=["NOPE-NOPE"])).status_code == 404


def test_a_caseworker_turns_an_account_into_a_source_of_a_new_draft_incident(
    client, portal, client_for
):
    _send(client)
    submission = Submission.objects.get()
    response = client_for("caseworker").post(
        reverse("publishing:intake-detail", args=[submission.pk]), {"decision": "accept"}
    )
    assert response.status_code == 302
    source = Source.objects.get(channel__slug="public-form")
    assert source.kind == "testimony" and ACCOUNT in source.text
    link = source.incident_links.get()
    assert link.incident.status == "draft"
    assert Submission.objects.get().status == "accepted"


def test_discarding_needs_a_reason_the_sender_then_sees(client, portal, client_for):
    code = _code(_send(client))
    submission = Submission.objects.get()
    url = reverse("publishing:intake-detail", args=[submission.pk])
    page = client_for("caseworker").post(url, {"decision": "discard"}).content.decode()
    assert "Say why" in page
    client_for("caseworker").post(url, {"decision": "discard", "reason": "Not about police."})
    receipt = client.get(reverse("publishing:receipt", args=[code])).content.decode()
    assert "Not about police." in receipt


def test_an_accepted_account_never_reaches_a_public_page(client, portal, client_for):
    world = PublishedWorld()
    url = reverse("publishing:correct", args=[world.incident.reference])
    assert client.get(url).status_code == 200
    _send(client, url=url)
    submission = Submission.objects.get()
    assert submission.kind == "correction" and submission.incident == world.incident
    client_for("coordinator").post(
        reverse("publishing:intake-detail", args=[submission.pk]),
        {"decision": "accept", "reference": world.incident.reference},
    )
    # The source added to it changed the incident: its approved summary still stands.
    approve(world.incident, "summary", "Still the approved summary.")
    search = reverse("publishing:incident-list") + "?q=pulled+my+sleeve"
    assert "0 cases" in client.get(search).content.decode()
    for page_url in (
        "/",
        reverse("publishing:incident", args=[world.incident.reference]),
        reverse("publishing:feed"),
    ):
        body = client.get(page_url).content.decode().lower()
        assert "canaryaccount" not in body and "wxqz" not in body, page_url


def test_corrections_only_for_published_cases(client, portal):
    world = PublishedWorld()
    url = reverse("publishing:correct", args=[world.unpublished.reference])
    assert client.get(url).status_code == 404
