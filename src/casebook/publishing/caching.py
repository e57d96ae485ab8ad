"""Caching public pages, and forgetting them as soon as anything public may have changed.

A cached page is keyed by its address and the portal's version, which has two parts:
- a generation number in the cache, bumped in this process whenever a publication, post or
  the portal's settings change, or a record behind a published incident is saved or deleted
  (the receivers below also re-check the incident's publication: `publication_refresh`);
- from the database, on every request, the number of publications and the latest time one
  changed, the latest post change and the settings' last change: one small query, which
  catches what another process (a worker, another web process) changed.
Entries also expire after CACHE_SECONDS, a backstop for bulk writes that send no signals
(and `public_incidents` re-checks every summary's approval whenever it builds a value).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import TypeVar

from django.core.cache import cache
from django.db.models import Count, Max
from django.db.models.signals import m2m_changed, post_delete, post_save

GENERATION_KEY = "publishing:generation"
CACHE_SECONDS = 300
T = TypeVar("T")


def portal_changed() -> None:
    """Forget every cached public page (in this process at once; elsewhere by the version)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, None)


def portal_version() -> str:
    from casebook.publishing.models import PortalSettings, Post, Publication

    publications = Publication.objects.order_by().aggregate(n=Count("id"), last=Max("changed_at"))
    posts = Post.objects.order_by().aggregate(n=Count("id"), last=Max("updated_at"))
    portal = PortalSettings.objects.filter(pk=1).values_list("changed_at", flat=True).first()
    parts = [
        cache.get(GENERATION_KEY, 0),
        publications["n"],
        publications["last"],
        posts["n"],
        posts["last"],
        portal,
    ]
    return "/".join(str(p) for p in parts)


# Set while a page is computed from figures about to be replaced (`summaries.py`).
_not_kept: ContextVar[bool] = ContextVar("publishing_page_not_kept", default=False)


def page_not_kept() -> None:
    """The page being computed must not be cached: it shows figures being recomputed."""
    _not_kept.set(True)


def cached(key: str, compute: Callable[[], T], *, version: str) -> T:
    """`compute()`, or its result kept under `key` for this portal version (unless the
    computation called `page_not_kept`)."""
    digest = hashlib.sha256(f"{version}\0{key}".encode()).hexdigest()
    full_key = f"publishing:{digest}"
    found = cache.get(full_key)
    if found is None:
        token = _not_kept.set(False)
        try:
            found = compute()
            if not _not_kept.get():
                cache.set(full_key, found, CACHE_SECONDS)
        finally:
            _not_kept.reset(token)
    return found


# What a change to a record means for the publications: the incidents concerned.
def _incidents_of(instance) -> Iterable[int]:
    from casebook.cases.models import Act, Incident, Outcome
    from casebook.people.models import Involvement, Person
    from casebook.redaction.models import RedactedDerivative
    from casebook.sources.models import EvidenceFile, IncidentSource, Source

    if isinstance(instance, Incident):
        return [instance.pk]
    if isinstance(instance, Act | IncidentSource | EvidenceFile):
        return [instance.incident_id] if instance.incident_id else []
    if isinstance(instance, Outcome):
        return list(Act.objects.filter(pk=instance.act_id).values_list("incident_id", flat=True))
    if isinstance(instance, Involvement):
        return list(Act.objects.filter(pk=instance.act_id).values_list("incident_id", flat=True))
    if isinstance(instance, Person):
        return list(
            Act.objects.filter(involvements__person_id=instance.pk).values_list(
                "incident_id", flat=True
            )
        )
    if isinstance(instance, Source):
        return list(
            IncidentSource.objects.filter(source_id=instance.pk).values_list(
                "incident_id", flat=True
            )
        )
    if isinstance(instance, RedactedDerivative):
        if instance.incident_id:
            return [instance.incident_id]
        if instance.source_id:
            return _incidents_of(Source(pk=instance.source_id))
        if instance.evidence_id:
            return list(
                EvidenceFile.objects.filter(pk=instance.evidence_id).values_list(
                    "incident_id", flat=True
                )
            )
    return []


def _record_changed(sender, instance, **kwargs) -> None:
    from casebook.publishing.models import Publication
    from casebook.publishing.services import publication_refresh

    ids = [pk for pk in _incidents_of(instance) if pk]
    if ids and Publication.objects.filter(incident_id__in=ids).exists():
        publication_refresh(incident_ids=ids)


def _publishing_changed(sender, **kwargs) -> None:
    portal_changed()


def _publication_deleted(sender, instance, **kwargs) -> None:
    # Withdrawn, or its incident deleted: figures computed before may count it.
    from casebook.publishing.summaries import figures_changed, figures_removed

    figures_removed()
    figures_changed()


def _publication_created(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    # However a publication is made (the service, the command, a fixture), the values the
    # list reads are filled at once: a new row is not listed until they are.
    if created and not raw:
        from casebook.publishing.services import publication_refresh

        publication_refresh(incident_ids=[instance.incident_id])


def invalidation_connect() -> None:
    """Called once from the app's ready()."""
    from casebook.cases.models import Act, Incident, Outcome, Protest
    from casebook.people.models import Involvement, Person
    from casebook.publishing.models import PortalSettings, Post, Publication
    from casebook.redaction.models import RedactedDerivative
    from casebook.sources.models import EvidenceFile, IncidentSource, Source

    for model in (
        Incident,
        Act,
        Outcome,
        IncidentSource,
        Source,
        Involvement,
        Person,
        EvidenceFile,
        RedactedDerivative,
    ):
        uid = f"publishing.refresh.{model._meta.label_lower}"
        post_save.connect(_record_changed, sender=model, dispatch_uid=uid + ".save")
        post_delete.connect(_record_changed, sender=model, dispatch_uid=uid + ".delete")
    for model in (Publication, Post, PortalSettings, Protest):
        uid = f"publishing.changed.{model._meta.label_lower}"
        post_save.connect(_publishing_changed, sender=model, dispatch_uid=uid + ".save")
        post_delete.connect(_publishing_changed, sender=model, dispatch_uid=uid + ".delete")
    post_save.connect(
        _publication_created, sender=Publication, dispatch_uid="publishing.publication.created"
    )
    post_delete.connect(
        _publication_deleted, sender=Publication, dispatch_uid="publishing.publication.deleted"
    )
    m2m_changed.connect(
        _publishing_changed, sender=Post.incidents.through, dispatch_uid="publishing.post.m2m"
    )
