"""Finding published incidents: the public list's filters, search and pages.

The filters are the inside list's (force, act type, provision, trigger, outcome, dates) and
use its act condition (`cases.selectors.acts_matching`), so one act must match them all.
Two differ, because only public values may be searched:
- the text search looks only in approved redactions (summaries and titles), never in what
  was typed: a word found only in a raw summary, a source or a testimony finds nothing;
- the place filter offers the places the public sees (`public_place`), not the typed place,
  which may name a street.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, QuerySet

from casebook.cases.models import Act
from casebook.cases.selectors import acts_matching
from casebook.codebook.models import ActType, LegalProvision, Organisation, OutcomeType, TriggerType
from casebook.publishing.models import PlacePrecision, PortalSettings, Publication
from casebook.publishing.publishable import PublicIncident, public_incidents
from casebook.redaction.models import DerivativeStatus, RedactedDerivative

PER_PAGE = 25


@dataclass(frozen=True)
class PublicFilters:
    q: str = ""
    force: Organisation | None = None
    act_type: ActType | None = None
    provision: LegalProvision | None = None
    trigger: TriggerType | None = None
    outcome: OutcomeType | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    place: str = ""
    protest_id: int | None = None
    extra: dict = field(default_factory=dict)


def listed_publications() -> QuerySet[Publication]:
    """The publications the list shows: one row each, with the values it sorts and filters by
    (`Publication.listed`, kept by `publication_refresh`). A list page and its count read
    this table and its indexes, never every incident; the incidents of the page shown are
    then read, and checked once more, by `public_incidents`."""
    return Publication.objects.filter(listed=True)


def _place_field(portal: PortalSettings | None) -> str:
    portal = portal or PortalSettings.current()
    return "place_region" if portal.place_precision == PlacePrecision.REGION else "place_town"


def places(*, portal: PortalSettings | None = None) -> list[str]:
    """The places the public sees (`public_place`) of the listed incidents, A to Z."""
    field = _place_field(portal)
    found = (
        listed_publications()
        .exclude(**{field: ""})
        .order_by()
        .values_list(field, flat=True)
        .distinct()
    )
    return sorted(found, key=str.lower)


def public_filtered(
    filters: PublicFilters, *, portal: PortalSettings | None = None
) -> QuerySet[Publication]:
    """Publications of the listed incidents matching every filter, newest incident first."""
    listed = listed_publications()
    if filters.q:
        # The approved texts are searched once, as a list, not once per listed incident.
        matching = RedactedDerivative.objects.filter(
            status=DerivativeStatus.APPROVED,
            field__in=("summary", "title"),
            text__icontains=filters.q,
            incident_id__isnull=False,
        )
        listed = listed.filter(incident_id__in=matching.values("incident_id"))
    if filters.force:
        listed = listed.filter(force_id=filters.force.pk)
    if filters.date_from:
        listed = listed.filter(date__gte=filters.date_from)
    if filters.date_to:
        listed = listed.filter(date__lte=filters.date_to)
    if filters.protest_id:
        listed = listed.filter(incident__protest_id=filters.protest_id)
    condition = acts_matching(
        act_type=filters.act_type,
        provision=filters.provision,
        trigger=filters.trigger,
        outcome=filters.outcome,
    )
    if condition:
        listed = listed.filter(
            Exists(Act.objects.filter(condition, incident_id=OuterRef("incident_id")))
        )
    if filters.place:
        listed = listed.filter(**{_place_field(portal): filters.place})
    return listed.order_by("-date", "-incident_id")


def public_page(
    filters: PublicFilters, number, *, portal: PortalSettings | None = None
) -> tuple[Page, list[PublicIncident]]:
    """The requested page of matching published incidents, as public values."""
    ids = public_filtered(filters, portal=portal).values_list("incident_id", flat=True)
    page = Paginator(ids, PER_PAGE).get_page(number)
    return page, public_incidents(list(page.object_list), portal=portal)


def latest_published(
    count: int = 10, *, portal: PortalSettings | None = None
) -> list[PublicIncident]:
    """The most recently published incidents."""
    ids = listed_publications().order_by("-published_at", "-incident_id")[:count]
    return public_incidents(list(ids.values_list("incident_id", flat=True)), portal=portal)
