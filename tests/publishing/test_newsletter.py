"""The newsletter end to end, against a real SMTP server on this machine (aiosmtpd):
double opt-in, the digest of what was published, RFC 8058 one-click unsubscribe; and the
address as personal data (sealed, in subject access, erased)."""

from __future__ import annotations

import json
import re
import zipfile
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import signing
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from casebook.audit.models import AuditEntry
from casebook.monitor.celery_app import app as celery_app
from casebook.people.duties.erasure import person_erase
from casebook.people.duties.subject_access import person_export
from casebook.people.keys.keyring import keyring
from casebook.publishing import intake
from casebook.publishing.models import Digest, PortalSettings, Subscriber
from casebook.publishing.newsletter import subscriptions
from casebook.publishing.newsletter.digest import digest_send
from casebook.publishing.services import publication_publish
from casebook.publishing.tasks import newsletter_digest_due
from tests.factories import IncidentFactory, PersonFactory
from tests.publishing.smtp import LocalSMTP, html_of, text_of
from tests.publishing.world import APPROVED_SUMMARY, CANARIES, PublishedWorld, approve, portal_on

pytestmark = pytest.mark.django_db

READER = "reader.newsletter.qzx@example.test"
OTHER = "other.reader.qzx@example.test"
PUBLIC_URL = "https://portal.example.test"


@pytest.fixture
def smtp(settings):
    with LocalSMTP() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.DEFAULT_FROM_EMAIL = "news@portal.example.test"
        yield server


@pytest.fixture
def newsletter(reference_data, settings, smtp, monkeypatch):
    """The portal on with its newsletter offered; the form's waits off (see test_intake)."""
    from django.core.cache import cache

    monkeypatch.setattr(intake, "MIN_SECONDS", 0)
    monkeypatch.setattr(intake, "MIN_SECONDS_WITHOUT_SCRIPT", 0)
    cache.clear()
    settings.PUBLIC_URL = PUBLIC_URL
    portal = portal_on()
    portal.show_newsletter = True
    portal.digest_hour = 0  # due at any hour of the day: no test depends on the clock
    portal.full_clean()
    portal.save()
    return portal


def _sign_up(client, capture, address=READER, **fields):
    with capture(execute=True):
        return client.post(
            reverse("publishing:newsletter"),
            {"address": address, "token": intake.form_token(), "website": "", **fields},
        )


def _link(message, name: str) -> str:
    """The path of the portal link in a mail's text part whose URL name is `name`."""
    prefix = PUBLIC_URL + reverse(name, args=["TOKEN"]).replace("TOKEN/", "")
    found = re.search(re.escape(prefix) + r"\S+", text_of(message))
    assert found, text_of(message)
    return urlsplit(found.group(0)).path


def _publish_new(text: str, coordinator):
    incident = IncidentFactory(status="verified", summary=f"Raw {text}")
    approve(incident, "summary", text)
    publication_publish(incident=incident, actor=coordinator)
    return incident


def test_sign_up_confirm_digest_and_one_click_unsubscribe_end_to_end(
    client, newsletter, smtp, personas, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    page = _sign_up(client, capture)
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    assert "Check your mail" in page.content.decode()
    (confirmation,) = smtp.to(READER)
    assert confirmation["From"] == "news@portal.example.test"
    assert "html" in html_of(confirmation)
    confirm = _link(confirmation, "publishing:newsletter-confirm")
    assert READER not in confirm and "@" not in confirm

    # The link shows a button (a mail scanner opening it confirms nothing); pressing it does.
    assert "Confirm" in client.get(confirm).content.decode()
    assert Subscriber.objects.get().confirmed_at is None
    assert "You are signed up" in client.post(confirm).content.decode()
    assert "You are signed up" in client.post(confirm).content.decode()  # twice: harmless
    assert AuditEntry.objects.filter(action="publishing.subscriber.confirmed").count() == 1

    # Someone else signs up and confirms: they will show the second digest did go out.
    _sign_up(client, capture, address=OTHER)
    client.post(_link(smtp.to(OTHER)[0], "publishing:newsletter-confirm"))
    smtp.clear()

    incident = _publish_new("An invented arrest at the gate, redacted.", personas["coordinator"])
    # Celery (eager here: no broker in the tests) runs the beat's task; it is due.
    assert newsletter_digest_due.delay().get() == 2
    (digest,) = smtp.to(READER)
    text = text_of(digest)
    assert "An invented arrest at the gate, redacted." in text
    assert PUBLIC_URL + reverse("publishing:incident", args=[incident.reference]) in text
    assert "<" not in text.split("--")[0]  # plain text, not HTML in disguise
    assert "An invented arrest" in html_of(digest)
    assert "<img" not in html_of(digest)
    unsubscribe_url = digest["List-Unsubscribe"].strip().strip("<>")
    assert unsubscribe_url.startswith(PUBLIC_URL + "/newsletter/unsubscribe/")
    assert READER not in unsubscribe_url and "@" not in unsubscribe_url
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Every link in the mail leads straight to the portal: none is rewritten or tracked.
    links = re.findall(r'href="([^"]+)"', html_of(digest))
    assert links and all(link.startswith(PUBLIC_URL + "/") for link in links)

    # A mail provider's one-click POST: no session, no CSRF token.
    from django.test import Client

    provider = Client(enforce_csrf_checks=True)
    answer = provider.post(
        urlsplit(unsubscribe_url).path,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert answer.status_code == 200
    assert "You have left" in answer.content.decode()
    assert Subscriber.objects.filter(address=READER).count() == 0
    assert provider.post(urlsplit(unsubscribe_url).path).status_code == 200  # again: harmless

    smtp.clear()
    _publish_new("A second invented case, redacted.", personas["coordinator"])
    later = timezone.now() + timezone.timedelta(days=7)
    report = digest_send(now=later)
    assert report.sent == 1
    assert smtp.to(READER) == []
    assert "A second invented case" in text_of(smtp.to(OTHER)[0])
    assert "An invented arrest" not in text_of(smtp.to(OTHER)[0])  # only what is new


def test_the_beat_schedule_asks_for_the_digest(newsletter):
    entry = settings.CELERY_BEAT_SCHEDULE["publishing-newsletter-digest-due"]
    assert entry["task"] == "publishing.newsletter_digest_due"
    assert newsletter_digest_due.name == entry["task"]
    assert "casebook.publishing.tasks" in celery_app.conf.imports


def test_nothing_is_sent_before_confirmation(
    client, newsletter, smtp, personas, django_capture_on_commit_callbacks
):
    _sign_up(client, django_capture_on_commit_callbacks)
    smtp.clear()
    _publish_new("Invented and published, redacted.", personas["coordinator"])
    assert newsletter_digest_due.delay().get() == 0
    assert smtp.messages == []


def test_nothing_is_sent_when_nothing_was_published(newsletter, smtp):
    Subscriber.objects.create(address=READER, token="t" * 43, confirmed_at=timezone.now())
    report = digest_send()
    assert report.sent == 0 and report.contents.empty
    assert smtp.messages == []
    assert not AuditEntry.objects.filter(action="publishing.digest.sent").exists()


def test_the_schedule_is_the_administrators(newsletter, smtp, reference_data):
    from casebook.publishing.newsletter.digest import digest_due

    now = timezone.now()
    assert digest_due(portal=newsletter, now=now)
    Digest.objects.create(ran_at=now, through=now)
    assert not digest_due(portal=newsletter, now=now + timezone.timedelta(days=6))
    assert digest_due(portal=newsletter, now=now + timezone.timedelta(days=7))
    newsletter.digest_every_days = 1
    assert digest_due(portal=newsletter, now=now + timezone.timedelta(days=1))
    newsletter.show_newsletter = False
    assert not digest_due(portal=newsletter, now=now + timezone.timedelta(days=30))


def test_an_expired_or_tampered_link_is_refused_with_a_clear_page(
    client, newsletter, django_capture_on_commit_callbacks, smtp
):
    _sign_up(client, django_capture_on_commit_callbacks)
    subscriber = Subscriber.objects.get()
    good = subscriptions.confirm_token(subscriber)
    tampered = good[:-3] + ("aaa" if not good.endswith("aaa") else "bbb")
    page = client.post(reverse("publishing:newsletter-confirm", args=[tampered]))
    assert page.status_code == 400 and "does not work" in page.content.decode()
    assert Subscriber.objects.get().confirmed_at is None

    # A link signed 8 days ago: expired.
    signer = signing.TimestampSigner(salt=subscriptions.CONFIRM_SALT)
    old = signer.sign(subscriber.token)
    value, stamp, signature = old.rsplit(":", 2)
    back = signing.b62_encode(signing.b62_decode(stamp) - 8 * 24 * 3600)
    expired = f"{value}:{back}"
    expired = f"{expired}:{signer.signature(expired)}"
    page = client.post(reverse("publishing:newsletter-confirm", args=[expired]))
    assert page.status_code == 400 and "expired" in page.content.decode()
    assert Subscriber.objects.get().confirmed_at is None

    # The address's own text is no token, and the unsubscribe link is signed too.
    assert client.get(reverse("publishing:newsletter-confirm", args=[READER])).status_code == 400
    bad = reverse("publishing:newsletter-unsubscribe", args=[subscriber.token + ":forged"])
    assert client.post(bad).status_code == 400
    assert Subscriber.objects.exists()


def test_the_address_is_sealed_in_the_database_and_found_by_its_blind_index(
    client, newsletter, smtp, django_capture_on_commit_callbacks
):
    _sign_up(client, django_capture_on_commit_callbacks)
    subscriber = Subscriber.objects.get()
    with connection.cursor() as cursor:
        cursor.execute("SELECT address FROM publishing_subscriber")
        (raw,) = cursor.fetchone()
    assert READER not in raw and raw.startswith("cb1:")
    assert Subscriber.objects.get(pk=subscriber.pk).address == READER
    assert Subscriber.objects.filter(address=READER.upper()).get() == subscriber
    # Signing up again keeps one row, and sends no second mail straight away.
    _sign_up(client, django_capture_on_commit_callbacks)
    assert Subscriber.objects.count() == 1
    assert len(smtp.to(READER)) == 1
    Subscriber.objects.filter(pk=subscriber.pk).update(
        subscribed_at=timezone.now() - subscriptions.RESEND_AFTER
    )
    _sign_up(client, django_capture_on_commit_callbacks)
    assert len(smtp.to(READER)) == 2 and Subscriber.objects.count() == 1
    # Nothing of the address in the audit trail.
    assert READER not in json.dumps(list(AuditEntry.objects.values()), default=str)


def test_unsubscribing_destroys_the_address_key(
    client, newsletter, django_capture_on_commit_callbacks
):
    _sign_up(client, django_capture_on_commit_callbacks)
    subscriber = Subscriber.objects.get()
    key_id = str(subscriber.key_id)
    assert keyring().data_key(key_id) is not None
    token = subscriptions.unsubscribe_token(subscriber)
    url = reverse("publishing:newsletter-unsubscribe", args=[token])
    assert "Leave the newsletter" in client.get(url).content.decode()
    assert Subscriber.objects.exists()  # GET only asks
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    assert not Subscriber.objects.exists()
    assert keyring().data_key(key_id) is None
    assert AuditEntry.objects.filter(action="publishing.subscriber.unsubscribed").exists()


def test_subject_access_and_erasure_of_a_person_reach_their_subscription(
    newsletter, tmp_path, django_capture_on_commit_callbacks
):
    person = PersonFactory(contact=READER, consent_record=True)
    Subscriber.objects.create(address=READER, token="s" * 43, confirmed_at=timezone.now())
    Subscriber.objects.create(address=OTHER, token="o" * 43)
    person_export(person=person, output=tmp_path / "access.zip")
    with zipfile.ZipFile(tmp_path / "access.zip") as archive:
        record = json.loads(archive.read("person.json"))
    assert [s["address"] for s in record["newsletter"]] == [READER]

    key_id = str(Subscriber.objects.get(token="s" * 43).key_id)
    with django_capture_on_commit_callbacks(execute=True):
        person_erase(person=person, reason="their request")
    assert list(Subscriber.objects.values_list("token", flat=True)) == ["o" * 43]
    assert keyring().data_key(key_id) is None
    entry = AuditEntry.objects.get(action="people.person.erased")
    assert entry.changes["newsletter_subscriptions_erased"] == 1


def test_an_address_on_no_record_has_its_own_access_and_erasure_commands(newsletter, tmp_path, run):
    Subscriber.objects.create(address=READER, token="s" * 43, confirmed_at=timezone.now())
    out = run("newsletter", "export", READER, str(tmp_path / "access.json"))
    assert READER not in out
    exported = json.loads((tmp_path / "access.json").read_text())
    assert exported["newsletter"][0]["address"] == READER
    assert "Erased 1 subscriptions" in run("newsletter", "erase", READER)
    assert not Subscriber.objects.exists()


def test_keys_reconcile_and_reindex_count_a_subscribers_key_as_used(own_keys, newsletter, run):
    Subscriber.objects.create(address=READER, token="s" * 43)
    out = run("keys", "reconcile", "--dry-run")
    assert "0 keys that no person in this database uses" in out
    from casebook.people.services import search_index_rebuild

    search_index_rebuild()  # drops index entries no row uses: not the subscriber's
    assert Subscriber.objects.filter(address=READER).exists()


def test_casebook_newsletter_send_sends_now_or_says_why_not(newsletter, smtp, run, personas):
    Subscriber.objects.create(address=READER, token="s" * 43, confirmed_at=timezone.now())
    assert "Nothing was published" in run("newsletter", "send")
    _publish_new("Published for the command, redacted.", personas["coordinator"])
    assert "to 1 subscribers" in run("newsletter", "send")
    assert "Published for the command" in text_of(smtp.to(READER)[0])
    assert "1 subscribers" in run("newsletter", "status")
    newsletter.show_newsletter = False
    newsletter.save()
    with pytest.raises(CommandError):
        run("newsletter", "send")


def test_the_newsletter_is_off_until_the_administrator_offers_it(client, newsletter):
    newsletter.show_newsletter = False
    newsletter.save()
    assert client.get(reverse("publishing:newsletter")).status_code == 404


def test_turning_it_on_needs_a_public_address(newsletter, settings):
    from django.core.exceptions import ValidationError

    settings.PUBLIC_URL = ""
    with pytest.raises(ValidationError):
        PortalSettings.current().full_clean()


def test_the_sign_up_form_has_the_public_forms_abuse_resistance(
    client, newsletter, smtp, django_capture_on_commit_callbacks
):
    page = _sign_up(client, django_capture_on_commit_callbacks, website="http://spam.test")
    assert "Check your mail" in page.content.decode()  # thanked and dropped
    assert not Subscriber.objects.exists() and smtp.messages == []
    for n in range(intake.RATE_LIMIT):
        _sign_up(client, django_capture_on_commit_callbacks, address=f"r{n}@example.test")
    page = _sign_up(client, django_capture_on_commit_callbacks, address="late@example.test")
    assert "Too many forms" in page.content.decode()
    assert Subscriber.objects.count() == intake.RATE_LIMIT


def test_digest_mails_carry_nothing_kept_inside(
    newsletter, smtp, reference_data, django_capture_on_commit_callbacks
):
    """The canary leak test over the digest: only the publishable layer's words go out."""
    world = PublishedWorld()
    Subscriber.objects.create(address=READER, token="s" * 43, confirmed_at=timezone.now())
    report = digest_send(now=timezone.now())
    assert report.sent == 1
    (mail,) = smtp.to(READER)
    whole = (text_of(mail) + html_of(mail) + str(mail["Subject"])).lower()
    leaked = [canary for canary in CANARIES if canary.lower() in whole]
    assert not leaked, leaked
    assert APPROVED_SUMMARY.split("]")[1].strip()[:20] in text_of(mail)
    assert world.unpublished.reference not in whole


def test_a_reader_of_the_arabic_portal_gets_arabic_mails(
    client, newsletter, smtp, django_capture_on_commit_callbacks
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    page = _sign_up(client, django_capture_on_commit_callbacks)
    assert "تفقّد بريدك" in page.content.decode()
    (mail,) = smtp.to(READER)
    assert "أكّد اشتراكك" in str(mail["Subject"])
    assert 'dir="rtl"' in html_of(mail)


def test_a_refused_recipient_is_counted_and_the_others_still_get_the_digest(
    newsletter, smtp, personas
):
    smtp.refuse(READER)
    Subscriber.objects.create(address=READER, token="s" * 43, confirmed_at=timezone.now())
    Subscriber.objects.create(address=OTHER, token="o" * 43, confirmed_at=timezone.now())
    _publish_new("Published for two readers, redacted.", personas["coordinator"])
    report = digest_send()
    assert (report.sent, report.failed) == (1, 1)
    assert smtp.to(READER) == [] and len(smtp.to(OTHER)) == 1
    entry = AuditEntry.objects.get(action="publishing.digest.sent")
    assert (entry.changes["recipients"], entry.changes["failed"]) == (1, 1)
    assert READER not in json.dumps(entry.changes)


def test_a_second_tick_right_after_a_digest_sends_nothing(newsletter, smtp, personas):
    Subscriber.objects.create(address=READER, token="s" * 43, confirmed_at=timezone.now())
    _publish_new("Published once, redacted.", personas["coordinator"])
    assert digest_send(scheduled=True).sent == 1
    assert digest_send(scheduled=True).digest is None  # not due again for a week
    assert len(smtp.to(READER)) == 1


def test_sign_ups_never_confirmed_are_forgotten_after_their_link_expires(newsletter):
    old = Subscriber.objects.create(
        address=READER,
        token="s" * 43,
        subscribed_at=timezone.now() - timezone.timedelta(days=subscriptions.CONFIRM_DAYS + 1),
    )
    Subscriber.objects.create(address=OTHER, token="o" * 43)
    assert subscriptions.subscribers_unconfirmed_purge() == 1
    assert list(Subscriber.objects.values_list("token", flat=True)) == ["o" * 43]
    assert not Subscriber.objects.filter(pk=old.pk).exists()


def test_the_administrator_offers_the_newsletter_and_sets_its_schedule(
    newsletter, client_for, settings
):
    admin = client_for("administrator")
    form = {
        "enabled": "on",
        "name": "Invented Watch",
        "place_precision": "town",
        "show_newsletter": "on",
        "digest_every_days": "14",
        "digest_hour": "18",
    }
    settings.PUBLIC_URL = ""
    page = admin.post(reverse("publishing:settings"), form)
    assert "CASEBOOK_PUBLIC_URL" in page.content.decode()
    settings.PUBLIC_URL = PUBLIC_URL
    assert admin.post(reverse("publishing:settings"), form).status_code == 302
    portal = PortalSettings.current()
    assert (portal.show_newsletter, portal.digest_every_days, portal.digest_hour) == (True, 14, 18)
    entry = AuditEntry.objects.filter(action="publishing.settings.changed").latest("sequence")
    assert entry.changes["digest_every_days"] == [7, 14]


def test_without_a_public_address_no_digest_is_sent_and_none_is_lost(
    newsletter, smtp, personas, settings
):
    Subscriber.objects.create(address=READER, token="s" * 43, confirmed_at=timezone.now())
    _publish_new("Waiting for the settings, redacted.", personas["coordinator"])
    settings.PUBLIC_URL = ""
    assert digest_send().digest is None and smtp.messages == []
    settings.PUBLIC_URL = PUBLIC_URL
    assert digest_send().sent == 1
    assert "Waiting for the settings" in text_of(smtp.to(READER)[0])


def test_a_refusal_is_said_in_the_readers_language(client, newsletter, monkeypatch):
    monkeypatch.setattr(intake, "MIN_SECONDS_WITHOUT_SCRIPT", 600)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    page = client.post(
        reverse("publishing:newsletter"),
        {"address": READER, "token": intake.form_token(), "website": ""},
    ).content.decode()
    assert "انتظر 600 ثانية" in page
    assert not Subscriber.objects.exists()
