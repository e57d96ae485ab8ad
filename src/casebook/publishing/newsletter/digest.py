"""The digest: what was published since the last one, to every confirmed subscriber.

Celery beat asks every quarter of an hour (`publishing.newsletter_digest_due`); a digest is
due once the administrator's interval (`PortalSettings.digest_every_days`, 7 by default)
has passed since the last one and the day has reached their hour (`digest_hour`). Each run
is recorded (`Digest`) and the next covers what was published after it. Nothing is sent
when nothing was published. Content comes only from the publishable layer.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone

from casebook.audit.services import audit_record
from casebook.people.models import preload_data_keys
from casebook.publishing.models import Digest, PortalSettings, Subscriber
from casebook.publishing.newsletter.mail import (
    SEND_ERRORS,
    digest_message,
    newsletter_configuration_problems,
)
from casebook.publishing.publishable import (
    PublicIncident,
    PublicPost,
    public_incidents_published,
    public_posts_published,
)

logger = logging.getLogger(__name__)

# A digest sent a little early still counts as a week's: beat's tick and the time sending
# took must not push the next one a whole day later.
SLACK = dt.timedelta(hours=1)
BATCH = 200


@dataclass
class DigestContents:
    since: dt.datetime | None
    through: dt.datetime
    incidents: list[PublicIncident] = field(default_factory=list)
    posts: list[PublicPost] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.incidents and not self.posts


@dataclass
class DigestReport:
    digest: Digest | None
    contents: DigestContents | None
    sent: int = 0
    failed: int = 0


def digest_contents(
    *, since: dt.datetime | None, through: dt.datetime, portal: PortalSettings
) -> DigestContents:
    """Published incidents, and statements and news if that section is on, in the window."""
    incidents = public_incidents_published(since=since, through=through, portal=portal)
    posts = public_posts_published(since=since, through=through) if portal.show_posts else []
    return DigestContents(since, through, incidents, posts)


def digest_due(*, portal: PortalSettings, now: dt.datetime | None = None) -> bool:
    """Is a digest due by the administrator's schedule?"""
    now = now or timezone.now()
    if not (portal.enabled and portal.show_newsletter):
        return False
    if timezone.localtime(now).hour < portal.digest_hour:
        return False
    last = Digest.objects.order_by("-through", "-id").first()
    return last is None or now - last.ran_at >= dt.timedelta(days=portal.digest_every_days) - SLACK


def _claim(*, now: dt.datetime, scheduled: bool) -> tuple[Digest | None, DigestContents | None]:
    with transaction.atomic():
        # One digest at a time: two workers' ticks, or a tick and `casebook newsletter send`.
        portal = PortalSettings.objects.select_for_update().filter(pk=1).first()
        if portal is None or (scheduled and not digest_due(portal=portal, now=now)):
            return None, None
        last = Digest.objects.order_by("-through", "-id").first()
        since = last.through if last else now - dt.timedelta(days=portal.digest_every_days)
        contents = digest_contents(since=since, through=now, portal=portal)
        digest = Digest.objects.create(
            ran_at=now,
            since=since,
            through=now,
            incidents=len(contents.incidents),
            posts=len(contents.posts),
        )
    return digest, contents


def digest_send(*, now: dt.datetime | None = None, scheduled: bool = False) -> DigestReport:
    """Send the digest now (`scheduled`: only if `digest_due`). Nothing when nothing was
    published; the run is recorded either way, so the next digest starts after it."""
    now = now or timezone.now()
    problems = newsletter_configuration_problems()
    if problems:
        # Nothing claimed: once the settings are put right, the digest covers this time too.
        logger.warning("The newsletter's digest is not sent: %s", " ".join(problems))
        return DigestReport(None, None)
    digest, contents = _claim(now=now, scheduled=scheduled)
    if digest is None or contents is None:
        return DigestReport(None, None)
    if contents.empty:
        return DigestReport(digest, contents)
    portal = PortalSettings.current()
    connection = get_connection()
    try:
        connection.open()
    except SEND_ERRORS:
        digest.delete()  # the mail server is down: the next tick tries again
        raise
    sent = failed = 0
    try:
        subscribers = Subscriber.objects.filter(confirmed_at__isnull=False).order_by("id")
        batch: list[Subscriber] = []
        for subscriber in subscribers.iterator(chunk_size=BATCH):
            batch.append(subscriber)
            if len(batch) == BATCH:
                done, lost = _send_batch(batch, portal, contents, connection)
                sent, failed, batch = sent + done, failed + lost, []
        done, lost = _send_batch(batch, portal, contents, connection)
        sent, failed = sent + done, failed + lost
    finally:
        connection.close()
    with transaction.atomic():
        digest.recipients, digest.failed = sent, failed
        digest.save(update_fields=["recipients", "failed"])
        audit_record(
            action="publishing.digest.sent",
            instance=digest,
            changes={
                "incidents": digest.incidents,
                "posts": digest.posts,
                "recipients": sent,
                "failed": failed,
            },
        )
    return DigestReport(digest, contents, sent, failed)


def _send_batch(batch, portal, contents, connection) -> tuple[int, int]:
    preload_data_keys(batch)
    sent = failed = 0
    for subscriber in batch:
        if subscriber.personal_data_key() is None:
            continue  # its key is gone (an older backup restored): nobody to write to
        message = digest_message(subscriber, portal, contents)
        message.connection = connection
        try:
            message.send()
        except SEND_ERRORS as error:
            logger.warning("The digest did not reach %s: %s", subscriber, type(error).__name__)
            failed += 1
        else:
            sent += 1
    return sent, failed
