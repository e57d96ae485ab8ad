"""Signing up, confirming and leaving; a subscriber's data-protection requests.

Links carry a signed random token (`Subscriber.token`), never the address or the row's id:
- the confirmation link is signed with a timestamp and expires after CONFIRM_DAYS;
- the unsubscribe link (in every digest) is signed without expiry, as RFC 8058 expects.
Confirming twice, or leaving twice, is harmless: the second time says so.
"""

from __future__ import annotations

import enum
import secrets

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from casebook.audit.services import audit_record
from casebook.publishing.models import Subscriber

CONFIRM_DAYS = 7
# A sign-up waiting for confirmation gets its mail again only after this long: signing up
# someone else's address over and over does not flood their inbox.
RESEND_AFTER = timezone.timedelta(minutes=15)
CONFIRM_SALT = "casebook.publishing.newsletter.confirm"
UNSUBSCRIBE_SALT = "casebook.publishing.newsletter.unsubscribe"


class LinkState(enum.Enum):
    DONE = "done"  # confirmed, or unsubscribed, now
    ALREADY = "already"  # confirmed before / already gone
    EXPIRED = "expired"
    INVALID = "invalid"  # tampered with, or not one of ours


def confirm_token(subscriber: Subscriber) -> str:
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(subscriber.token)


def unsubscribe_token(subscriber: Subscriber) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(subscriber.token)


def _confirm_read(token: str) -> tuple[LinkState, str]:
    try:
        value = signing.TimestampSigner(salt=CONFIRM_SALT).unsign(
            token, max_age=CONFIRM_DAYS * 24 * 3600
        )
    except signing.SignatureExpired:
        return LinkState.EXPIRED, ""
    except signing.BadSignature:
        return LinkState.INVALID, ""
    return LinkState.DONE, value


def unsubscribe_read(token: str) -> str | None:
    """The subscriber token an unsubscribe link carries; None when it is not one of ours."""
    try:
        return signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
    except signing.BadSignature:
        return None


def address_clean(address: str) -> str:
    """The address as given, checked; raises ValidationError (never echoing it)."""
    address = (address or "").strip()
    if len(address) > 254:
        raise ValidationError("This e-mail address is too long.")
    validate_email(address)
    return address


def newsletter_subscribe(*, address: str, language: str = "") -> Subscriber | None:
    """Ask to receive the newsletter: a confirmation mail goes out, nothing else until the
    link in it is followed (and again only RESEND_AFTER later). Returns the subscriber, or
    None when the address is confirmed already (nothing is sent: the page must not tell the
    cases apart)."""
    from casebook.publishing.tasks import newsletter_confirmation_send

    address = address_clean(address)
    with transaction.atomic():
        # Through the blind index: no address is decrypted, and none is compared in SQL.
        existing = Subscriber.objects.filter(address=address).order_by("id").first()
        if existing is not None and existing.confirmed_at is not None:
            return None
        if existing is not None and timezone.now() - existing.subscribed_at < RESEND_AFTER:
            return existing  # its mail went out a moment ago
        subscriber = existing or Subscriber(address=address, token=secrets.token_urlsafe(32))
        subscriber.language = (language or "")[:10]
        subscriber.subscribed_at = timezone.now()
        subscriber.save()
        subscriber_id = subscriber.pk
        # Ids only to the queue, and only once the row is there for the worker to read.
        transaction.on_commit(lambda: newsletter_confirmation_send.delay(subscriber_id))
    return subscriber


def subscriber_for_confirmation(token: str) -> tuple[LinkState, Subscriber | None]:
    """Who a confirmation link is for (nothing is changed)."""
    state, value = _confirm_read(token)
    if state is not LinkState.DONE:
        return state, None
    subscriber = Subscriber.objects.filter(token=value).first()
    if subscriber is None:
        return LinkState.INVALID, None  # unsubscribed or purged since: sign up again
    return (LinkState.ALREADY if subscriber.confirmed_at else LinkState.DONE), subscriber


def newsletter_confirm(*, token: str) -> LinkState:
    """Follow the confirmation link: from now on digests are sent to this address."""
    with transaction.atomic():
        state, subscriber = subscriber_for_confirmation(token)
        if state is not LinkState.DONE or subscriber is None:
            return state
        subscriber.confirmed_at = timezone.now()
        subscriber.save(update_fields=["confirmed_at"])
        audit_record(
            action="publishing.subscriber.confirmed",
            instance=subscriber,
            changes={"confirmed_at": [None, subscriber.confirmed_at], "address": None},
        )
    return LinkState.DONE


def newsletter_unsubscribe(*, token: str) -> LinkState:
    """Leave the newsletter: the row goes and its data key with it (crypto-shredding)."""
    value = unsubscribe_read(token)
    if value is None:
        return LinkState.INVALID
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(token=value).first()
        if subscriber is None:
            return LinkState.ALREADY
        audit_record(
            action="publishing.subscriber.unsubscribed",
            instance=subscriber,
            changes={"address": None, "data_key": "destroyed"},
        )
        subscriber.delete()  # the key is destroyed once this commits (people/keys/sealed.py)
    return LinkState.DONE


def subscribers_unconfirmed_purge(*, now=None) -> int:
    """Delete sign-ups never confirmed within CONFIRM_DAYS (their link has expired)."""
    cutoff = (now or timezone.now()) - timezone.timedelta(days=CONFIRM_DAYS)
    count = 0
    stale = Subscriber.objects.filter(confirmed_at__isnull=True, subscribed_at__lt=cutoff)
    for subscriber in stale.iterator(chunk_size=500):
        with transaction.atomic():
            subscriber.delete()
        count += 1
    return count


def subscribers_with_address(address: str) -> list[Subscriber]:
    """The subscriptions of this address (through the blind index), oldest first."""
    try:
        address = address_clean(address)
    except ValidationError:
        return []
    return list(Subscriber.objects.filter(address=address).order_by("id"))


def subscriber_record(subscriber: Subscriber) -> dict:
    """What is kept about a subscriber, for a subject access request."""
    return {
        "address": subscriber.address,
        "language": subscriber.language or None,
        "subscribed_at": subscriber.subscribed_at.isoformat(),
        "confirmed_at": subscriber.confirmed_at.isoformat() if subscriber.confirmed_at else None,
    }


def subscriber_export(*, address: str) -> list[dict]:
    """Subject access for an address that may be on no person's record: its subscriptions."""
    return [subscriber_record(s) for s in subscribers_with_address(address)]


def subscriber_erase(*, address: str, actor=None, ip_address: str | None = None) -> int:
    """Erasure: every subscription of this address deleted, their data keys destroyed."""
    erased = 0
    with transaction.atomic():
        for subscriber in subscribers_with_address(address):
            audit_record(
                action="publishing.subscriber.erased",
                instance=subscriber,
                actor=actor,
                ip_address=ip_address,
                changes={"address": None, "data_key": "destroyed"},
            )
            subscriber.delete()
            erased += 1
    return erased
