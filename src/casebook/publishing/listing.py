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
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, QuerySet

from casebook.cases.models import Act, Incident
from casebook.cases.selectors import acts_matching
from casebook.codebook.models import ActType, LegalProvision, Organisation, OutcomeType, TriggerType
from casebook.publishing.models import PortalSettings
from casebook.publishing.publishable import (
    PublicIncident,
    public_incidents,
    public_place,
    published_incidents,
)
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


def places(*, portal: PortalSettings | None = None) -> dict[str, list[int]]:
    """Each place the public sees -> ids of the published incidents there."""
    portal = portal or PortalSettings.current()
    found: dict[str, list[int]] = defaultdict(list)
    rows = published_incidents().values_list("pk", "place", "coordinate_precision")
    for pk, place, precision in rows:
        shown = public_place(place, precision, published=portal.place_precision)
        if shown:
            found[shown].append(pk)
    return dict(sorted(found.items(), key=lambda item: item[0].lower()))


def public_filtered(filters: PublicFilters) -> QuerySet[Incident]:
    """Published incidents matching every filter, newest first."""
    incidents = published_incidents()
    if filters.q:
        matching = RedactedDerivative.objects.filter(
            incident_id=OuterRef("pk"),
            status=DerivativeStatus.APPROVED,
            field__in=("summary", "title"),
            text__icontains=filters.q,
        )
        incidents = incidents.filter(Exists(matching))
    if filters.force:
        incidents = incidents.filter(force_id=filters.force.pk)
    if filters.date_from:
        incidents = incidents.filter(date__gte=filters.date_from)
    if filters.date_to:
        incidents = incidents.filter(date__lte=filters.date_to)
    if filters.protest_id:
        incidents = incidents.filter(protest_id=filters.protest_id)
    condition = acts_matching(
        act_type=filters.act_type,
        provision=filters.provision,
        trigger=filters.trigger,
        outcome=filters.outcome,
    )
    if condition:
        incidents = incidents.filter(
            Exists(Act.objects.filter(condition, incident_id=OuterRef("pk")))
        )
    if filters.place:
        incidents = incidents.filter(pk__in=places().get(filters.place, []))
    return incidents.order_by("-date", "-id")


def public_page(filters: PublicFilters, number) -> tuple[Page, list[PublicIncident]]:
    """The requested page of matching published incidents, as public values."""
    ids = public_filtered(filters).values_list("pk", flat=True)
    page = Paginator(ids, PER_PAGE).get_page(number)
    return page, public_incidents(Incident(pk=pk) for pk in page.object_list)


def latest_published(count: int = 10) -> list[PublicIncident]:
    """The most recently published incidents."""
    ids = published_incidents().order_by("-publication__published_at", "-id")[:count]
    return public_incidents(list(ids))
