"""Publishing and withdrawing incidents, the portal's settings and posts: each audited.

Who may: coordinators and administrators publish and withdraw (`roles.can_verify`: the same
people who verify, because publishing is the step past verification); administrators change
the portal's settings; coordinators and administrators write posts.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from casebook.accounts import roles
from casebook.audit.services import audit_record
from casebook.cases.models import Incident, IncidentStatus, Protest
from casebook.publishing import caching
from casebook.publishing.models import PlacePrecision, PortalSettings, Post, Publication
from casebook.publishing.publishable import public_place, publication_problems
from casebook.publishing.summaries import figures_changed, figures_removed
from casebook.redaction.models import sha256_text
from casebook.redaction.shown import approved_redactions, automatic_redactions
from casebook.sources.models import IncidentSource


class PublicationRefused(ValidationError):
    """The incident cannot be published now; the message says why and what to do."""


def publication_may_decide(user) -> bool:
    return roles.can_verify(user)


def publication_publish(*, incident: Incident, actor) -> Publication:
    """Put a verified incident with an approved summary redaction on the public portal.

    `actor` None is the command line (`casebook portal publish`), run by the server's operator.
    """
    if actor is not None and not publication_may_decide(actor):
        raise PermissionDenied("Only coordinators and administrators publish incidents.")
    with transaction.atomic():
        locked = Incident.objects.select_for_update().get(pk=incident.pk)
        problems = publication_problems(locked)
        if problems:
            raise PublicationRefused(problems)
        publication, created = Publication.objects.get_or_create(
            incident=locked, defaults={"published_by": actor}
        )
        if not created:
            return publication  # already public: nothing changed, nothing to record
        audit_record(
            action="publishing.incident.published",
            instance=publication,
            actor=actor,
            changes={"published": [False, True]},
            incident=locked,
        )
    caching.portal_changed()
    return publication


def publication_withdraw(*, incident: Incident, actor) -> bool:
    """Take an incident off the public portal. False when it was not published."""
    if actor is not None and not publication_may_decide(actor):
        raise PermissionDenied("Only coordinators and administrators withdraw incidents.")
    with transaction.atomic():
        publication = Publication.objects.select_for_update().filter(incident=incident).first()
        if publication is None:
            return False
        audit_record(
            action="publishing.incident.withdrawn",
            instance=publication,
            actor=actor,
            changes={"published": [True, False]},
            incident=incident,
        )
        publication.delete()
    caching.portal_changed()
    return True


def publication_refresh(*, incident_ids) -> int:
    """After a change to these incidents (or their acts, sources, redactions): mark when their
    public values changed, whether each summary's approval is still current, and the values
    the portal's list reads (`Publication.listed` and the copies beside it). Returns how many
    publications were touched. Not audited: it records no one's decision."""
    ids = list(incident_ids)
    touched = 0
    for start in range(0, len(ids), REFRESH_BATCH):
        touched += _refresh_batch(ids[start : start + REFRESH_BATCH])
    if touched:
        caching.portal_changed()
        figures_changed()
    return touched


REFRESH_BATCH = 500
LISTING_FIELDS = ("summary_current", "listed", "date", "force", "place_town", "place_region")


def _refresh_batch(incident_ids: list[int]) -> int:
    publications = list(
        Publication.objects.filter(incident_id__in=incident_ids).select_related("incident")
    )
    if not publications:
        return 0
    approved = approved_redactions("cases.incident", [p.incident_id for p in publications])
    now = timezone.now()
    was_listed = {p.pk for p in publications if p.listed}
    for publication in publications:
        incident = publication.incident
        summary = incident.summary or ""
        by_hash = approved.get((publication.incident_id, "summary"), {})
        publication.summary_current = bool(summary.strip()) and sha256_text(summary) in by_hash
        publication.listed = (
            publication.summary_current and incident.status == IncidentStatus.VERIFIED
        )
        publication.date = incident.date
        publication.force_id = incident.force_id
        precision = incident.coordinate_precision
        publication.place_town = public_place(incident.place, precision)
        publication.place_region = public_place(
            incident.place, precision, published=PlacePrecision.REGION
        )
        publication.changed_at = now
    Publication.objects.bulk_update(publications, [*LISTING_FIELDS, "changed_at"])
    if any(p.pk in was_listed and not p.listed for p in publications):
        figures_removed()  # off the list now: figures computed before may count it
    _free_text_redact([p.incident for p in publications if p.listed])
    return len(publications)


def _free_text_redact(incidents: list[Incident]) -> None:
    """The machine's redaction of the free text public pages show without an approval of its
    own (publishers, protest names: `public_incidents`), made now and stored, so that no
    reader waits for the language model."""
    ids = [incident.pk for incident in incidents]
    if not ids:
        return
    texts = set(
        IncidentSource.objects.filter(incident_id__in=ids).values_list(
            "source__publisher", flat=True
        )
    )
    texts |= set(
        Protest.objects.filter(incidents__in=ids).values_list("name", flat=True).distinct()
    )
    automatic_redactions(texts)


PORTAL_FIELDS = (
    "enabled",
    "name",
    "description",
    "place_precision",
    "show_statistics",
    "show_protests",
    "show_posts",
    "show_map",
    "show_feeds",
    "tile_url",
    "show_newsletter",
    "digest_every_days",
    "digest_hour",
)


def portal_settings_update(*, actor, **values) -> PortalSettings:
    """Change the portal's settings (administrators only)."""
    if not roles.is_administrator(actor):
        raise PermissionDenied("Only administrators change the portal's settings.")
    unknown = set(values) - set(PORTAL_FIELDS)
    if unknown:
        raise ValueError(f"Not portal settings: {sorted(unknown)}")
    with transaction.atomic():
        current = PortalSettings.current()
        changes = {}
        for field, value in values.items():
            old = getattr(current, field)
            if old != value:
                # The description is the organisation's own words, public by design.
                changes[field] = [old, value]
                setattr(current, field, value)
        current.full_clean()
        current.save()
        if "place_precision" in changes:
            figures_changed()  # the map's points at the new precision
        if changes:
            audit_record(
                action="publishing.settings.changed",
                instance=current,
                actor=actor,
                changes=changes,
            )
    caching.portal_changed()
    return current


def post_may_write(user) -> bool:
    return roles.can_verify(user)


def post_write(*, post: Post, actor, incidents=None) -> Post:
    """Create or change a statement or news post (coordinators and administrators)."""
    if not post_may_write(actor):
        raise PermissionDenied("Only coordinators and administrators write posts.")
    created = post.pk is None
    with transaction.atomic():
        post.full_clean()
        post.save()
        if incidents is not None:
            post.incidents.set(incidents)
        audit_record(
            action="publishing.post.created" if created else "publishing.post.updated",
            instance=post,
            actor=actor,
            changes={"title": [None, post.title], "published_on": [None, post.published_on]},
        )
    caching.portal_changed()
    return post


def post_remove(*, post: Post, actor) -> None:
    if not post_may_write(actor):
        raise PermissionDenied("Only coordinators and administrators remove posts.")
    with transaction.atomic():
        audit_record(
            action="publishing.post.deleted",
            instance=post,
            actor=actor,
            changes={"title": [post.title, None]},
        )
        post.delete()
    caching.portal_changed()
