"""A small published record full of canaries: what may be public, and what never may."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from casebook.cases.models import IncidentStatus
from casebook.publishing.models import PortalSettings, Publication
from casebook.redaction.models import RedactedDerivative, sha256_text
from casebook.sources.models import Channel, Source
from tests.factories import (
    ActFactory,
    IncidentFactory,
    IncidentSourceFactory,
    InvolvementFactory,
    OutcomeFactory,
    PersonFactory,
    SourceFactory,
)

# Each appears in one field that must never reach anything public.
RAW_SUMMARY = "Canaryrawsummary Qvxz was held by the arm"
RAW_TITLE = "Canaryrawtitle Qvxz arrested"
STREET = "17 Canarystreet Qvxz Road"
WORDING = "Canarywording Qvxz"
NOTE = "Canarynote Qvxz"
NAME = "Canaryname Qvxz"
CONSENTING_NAME = "Canaryconsenting Qvxz"
TESTIMONY = "Canarytestimony Qvxz: they pushed me"
HOTLINE = "Canaryhotline Qvxz"
ARTICLE_TEXT = "Canaryarticle Qvxz full text"
UNPUBLISHED = "Canaryunpublished Qvxz"
UNAPPROVED = "Canaryunapproved Qvxz"
CANARIES = (
    RAW_SUMMARY,
    RAW_TITLE,
    STREET,
    WORDING,
    NOTE,
    NAME,
    CONSENTING_NAME,
    TESTIMONY,
    HOTLINE,
    ARTICLE_TEXT,
    UNPUBLISHED,
    UNAPPROVED,
)
APPROVED_SUMMARY = "[PERSON-1] was held by the arm at the invented march."
APPROVED_TITLE = "Arrest at the invented march"


def approve(obj, field: str, text: str) -> RedactedDerivative:
    """An approved redaction of `obj.field` as it is now (as a coordinator's approval leaves)."""
    now = timezone.now()
    target = {"cases.incident": "incident", "sources.source": "source"}[obj._meta.label_lower]
    return RedactedDerivative.objects.create(
        kind="text",
        field=field,
        original_sha256=sha256_text(getattr(obj, field)),
        text=text,
        status="approved",
        proposed_at=now,
        decided_at=now,
        **{target: obj},
    )


def publish(incident) -> Publication:
    return Publication.objects.create(incident=incident)


def portal_on() -> PortalSettings:
    portal = PortalSettings.current()
    portal.enabled = True
    portal.name = "Invented Watch"
    portal.save()
    return portal


class PublishedWorld:
    """One published incident with everything that must stay inside, and others that are
    not public for each reason (not published, not verified, summary not approved)."""

    def __init__(self):
        self.incident = IncidentFactory(
            title=RAW_TITLE,
            summary=RAW_SUMMARY,
            status=IncidentStatus.VERIFIED,
            place=f"{STREET}, Testford",
            coordinate_precision="exact",
            latitude=Decimal("51.512345"),
            longitude=Decimal("-0.123456"),
            date=dt.date(2024, 5, 4),
        )
        act = ActFactory(incident=self.incident, offence_wording=WORDING, trigger_wording=WORDING)
        OutcomeFactory(act=act, note=NOTE)
        InvolvementFactory(act=act, person=PersonFactory(full_name=NAME, consent_publish=False))
        InvolvementFactory(
            act=act,
            person=PersonFactory(full_name=CONSENTING_NAME, consent_publish=True),
            role="witness",
        )
        self.article = SourceFactory(title="Invented Gazette report", text=ARTICLE_TEXT)
        IncidentSourceFactory(incident=self.incident, source=self.article)
        testimony = SourceFactory(
            kind=Source.Kind.TESTIMONY, title=TESTIMONY, text=TESTIMONY, url=""
        )
        IncidentSourceFactory(incident=self.incident, source=testimony)
        hotline_news = SourceFactory(
            title=HOTLINE, channel=Channel.objects.get(slug="hotline"), text=HOTLINE
        )
        IncidentSourceFactory(incident=self.incident, source=hotline_news)
        approve(self.incident, "summary", APPROVED_SUMMARY)
        self.publication = publish(self.incident)

        # Verified and approved, but nobody published it.
        self.unpublished = IncidentFactory(
            title=UNPUBLISHED, summary=UNPUBLISHED, status=IncidentStatus.VERIFIED
        )
        approve(self.unpublished, "summary", UNPUBLISHED)
        # Published, but its summary's redaction was never approved.
        self.unapproved = IncidentFactory(
            title=UNAPPROVED, summary=UNAPPROVED, status=IncidentStatus.VERIFIED
        )
        publish(self.unapproved)
        # Published and approved once, then sent back for review.
        self.unverified = IncidentFactory(
            title=UNPUBLISHED + " in review", summary=UNPUBLISHED + " s", status="in_review"
        )
        approve(self.unverified, "summary", UNPUBLISHED)
        publish(self.unverified)
