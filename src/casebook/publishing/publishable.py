"""The one way anything public reads the record: published incidents as public values.

Every public page, feed, chart and dataset starts here, and gets plain frozen values
(`PublicIncident`, `PublicAct`…), never model instances: a template cannot follow a foreign
key to a field that was never put in the value, so nothing unpublished is reachable by
accident. What goes in:

- incidents that are verified AND published by a coordinator (`Publication`) AND whose
  summary has an approved redaction of the summary as it is now (an edited summary takes
  the incident off the portal until its new redaction is approved);
- the summary only as that approved redaction; the title as its approved redaction where
  one is current, else a title made from the coded facts (act types, force, date): never the
  title as typed;
- places no finer than the portal's published precision (a town, or a region): coordinates
  rounded to a grid, and of the place's words only the town (the part after the last comma
  of a street or exact place);
- acts by their coded facts (type, number, provision, trigger, force) and outcomes by type
  and date; never wordings or notes, which are free text;
- people never by name or reference: only the roles of people who agreed to publication
  (`Person.objects.publishable()`), for a count;
- sources only of namable kinds (news articles, police statements, court records) reached
  through channels that are not our own (hotline, legal observers, partners): title (its
  approved redaction where one is current, else the kind, publisher and date), publisher,
  date and, for news and police statements, their public address; never testimonies, never
  texts or authors;
- the free text that has no approval step of its own (a source's publisher, a protest's
  name) only as the machine's redaction of it (`automatic_redactions`): a name typed there
  never reaches the public;
- images only as their approved, current redaction (`approved_image_for`); never captions or
  file names, and only of evidence not tied to a person who did not agree to publication.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from casebook.cases.models import Act, Incident, IncidentStatus, NumberPrecision, Outcome, Protest
from casebook.cases.models.incident import CoordinatePrecision, DatePrecision
from casebook.codebook.models import ActType, Organisation
from casebook.people.models import Involvement, Person
from casebook.publishing.models import PlacePrecision, PortalSettings, Post, Publication
from casebook.publishing.summaries import public_summary
from casebook.redaction.approved import approved_image_for
from casebook.redaction.models import DerivativeKind, DerivativeStatus, RedactedDerivative
from casebook.redaction.shown import approved_current, approved_redactions, automatic_redactions
from casebook.sources.models import EvidenceFile, IncidentSource, Source

NAMABLE_KINDS = (
    Source.Kind.NEWS_ARTICLE,
    Source.Kind.POLICE_STATEMENT,
    Source.Kind.COURT_RECORD,
)
# Kinds whose address may be linked: a court record's address may name a defendant.
LINKABLE_KINDS = (Source.Kind.NEWS_ARTICLE, Source.Kind.POLICE_STATEMENT)
# Channels that are the organisation's own or its partners': what came through them is
# internal, whatever its kind.
INTERNAL_CHANNELS = ("hotline", "legal-observers", "partner")

# Degrees of latitude/longitude coordinates are rounded to, by published precision: about
# 5 km for a town, 50 km for a region.
GRID = {PlacePrecision.TOWN: Decimal("0.05"), PlacePrecision.REGION: Decimal("0.5")}
_COARSER = {
    PlacePrecision.TOWN: (CoordinatePrecision.TOWN, CoordinatePrecision.REGION),
    PlacePrecision.REGION: (CoordinatePrecision.REGION,),
}


@dataclass(frozen=True)
class Term:
    """A codebook entry as the public sees it."""

    slug: str
    label: str


@dataclass(frozen=True)
class PublicOutcome:
    outcome: Term
    date: dt.date | None


@dataclass(frozen=True)
class PublicAct:
    act_type: Term
    number_affected: int | None
    number_text: str  # "3 people", "about 2 items", "number unknown"
    counts: str  # what the number counts: "people" or "items" (pages say it in their language)
    approximate: bool
    provision: Term | None
    trigger: Term | None
    perpetrator: Term | None
    outcomes: tuple[PublicOutcome, ...]
    # Roles (arrested, affected, witness) of the people who agreed to publication.
    consenting_roles: tuple[str, ...]

    @property
    def latest_outcome(self) -> PublicOutcome | None:
        return self.outcomes[-1] if self.outcomes else None


@dataclass(frozen=True)
class PublicSource:
    kind: str
    kind_label: str
    title: str
    publisher: str
    url: str
    published_on: dt.date | None


@dataclass(frozen=True)
class PublicProtest:
    pk: int
    name: str
    date: dt.date | None


@dataclass(frozen=True)
class PublicIncident:
    reference: str
    title: str
    title_made: bool  # no approved title: `title` was made from its acts, force and date
    summary: str
    date: dt.date
    date_precision: str
    date_text: str
    place: str
    country: str
    latitude: float | None
    longitude: float | None
    force: Term | None
    protest: PublicProtest | None
    acts: tuple[PublicAct, ...]
    sources: tuple[PublicSource, ...]
    image_ids: tuple[int, ...]
    published_at: dt.datetime
    changed_at: dt.datetime

    @property
    def act_types(self) -> tuple[Term, ...]:
        seen: dict[str, Term] = {}
        for act in self.acts:
            seen.setdefault(act.act_type.slug, act.act_type)
        return tuple(seen.values())


def published_incidents() -> QuerySet[Incident]:
    """Incidents that may be on the portal, as far as the database can tell.

    Verified, published, with an approved summary redaction. Whether that redaction is of the
    summary *as it is now* is checked per incident by `public_incidents` (the database does
    not hold the summary's hash); `publication_refresh` takes an incident whose summary
    changed off the portal (`Publication.listed` false), so this query and the public values
    agree. The status and the approval are checked here too, not only through `listed`: a
    write that sent no signal cannot put anything on the portal.
    """
    approved_summary = RedactedDerivative.objects.filter(
        incident_id=OuterRef("pk"), field="summary", status=DerivativeStatus.APPROVED
    )
    return Incident.objects.filter(
        Exists(approved_summary),
        status=IncidentStatus.VERIFIED,
        publication__listed=True,
    )


def published_incident_ids() -> QuerySet[Publication]:
    """The ids of `published_incidents()` (the same three conditions), as a subquery read from
    the publications' side: for whole-set figures (statistics, the map), where starting from
    every verified incident would read ten times the rows. Use as `pk__in=`."""
    approved_summary = RedactedDerivative.objects.filter(
        incident_id=OuterRef("incident_id"), field="summary", status=DerivativeStatus.APPROVED
    )
    return Publication.objects.filter(
        Exists(approved_summary), listed=True, incident__status=IncidentStatus.VERIFIED
    ).values("incident_id")


def publication_problems(incident: Incident) -> list[str]:
    """Why this incident cannot be published now (empty: it can)."""
    problems = []
    if incident.status != IncidentStatus.VERIFIED:
        problems.append("Only a verified incident can be published: verify it first.")
    summary = incident.summary or ""
    approved = approved_redactions("cases.incident", [incident.pk])
    if not summary.strip():
        problems.append("The incident has no summary to publish: write one, then redact it.")
    elif approved_current(approved, incident.pk, "summary", summary) is None:
        problems.append(
            "Its summary has no approved redaction of the text as it is now: propose one "
            "and have a coordinator approve it (Redaction queue)."
        )
    return problems


def _round(value: Decimal | None, grid: Decimal) -> float | None:
    if value is None:
        return None
    return float((value / grid).quantize(Decimal("1")) * grid)


def public_place(place: str, precision: str, *, published: str = PlacePrecision.TOWN) -> str:
    """The words of a place as far as the published precision allows.

    >>> public_place("Parliament Square, London", "street")
    'London'
    >>> public_place("12 Acacia Avenue", "exact"), public_place("Leeds", "town")
    ('', 'Leeds')
    >>> public_place("Leeds", "town", published="region")
    ''
    """
    place = (place or "").strip()
    if published == PlacePrecision.REGION:
        return place if precision == CoordinatePrecision.REGION else ""
    if precision in _COARSER[PlacePrecision.TOWN]:
        return place
    head, comma, town = place.rpartition(",")
    return town.strip() if comma and head.strip() else ""


def public_coordinates(
    latitude: Decimal | None, longitude: Decimal | None, precision: str, *, published: str
) -> tuple[float | None, float | None]:
    """Coordinates rounded to the published precision's grid (or coarser, if recorded so).

    >>> public_coordinates(Decimal("51.512345"), Decimal("-0.123456"), "exact", published="town")
    (51.5, -0.1)
    """
    if latitude is None or longitude is None:
        return None, None
    grid = GRID[PlacePrecision(published)]
    if precision == CoordinatePrecision.REGION:
        grid = GRID[PlacePrecision.REGION]
    return _round(latitude, grid), _round(longitude, grid)


@dataclass(frozen=True)
class PublicPoint:
    latitude: float
    longitude: float
    places: tuple[str, ...]
    incidents: int


def points_keep(*, portal: PortalSettings) -> tuple[str, Callable[[], list]]:
    """The key the map's points are kept under at the portal's precision, and their JSON."""

    def compute() -> list:
        return [
            [p.latitude, p.longitude, list(p.places), p.incidents]
            for p in points_compute(portal=portal)
        ]

    return f"points:{portal.place_precision}", compute


def public_points(*, portal: PortalSettings | None = None) -> list[PublicPoint] | None:
    """Published incidents grouped by their blurred coordinates, for the map (computed after
    every change to the publications, per published precision: `summaries.py`); None while
    they are being updated."""
    kept = public_summary(*points_keep(portal=portal or PortalSettings.current()))
    if kept is None:
        return None
    return [PublicPoint(lat, lon, tuple(places), n) for lat, lon, places, n in kept]


def points_compute(*, portal: PortalSettings) -> list[PublicPoint]:
    """The points of `public_points`, computed from the record now."""
    groups: dict[tuple[float, float], list[str]] = defaultdict(list)
    rows = Incident.objects.filter(pk__in=published_incident_ids()).values_list(
        "latitude", "longitude", "coordinate_precision", "place"
    )
    for latitude, longitude, precision, place in rows:
        lat, lon = public_coordinates(
            latitude, longitude, precision, published=portal.place_precision
        )
        if lat is None or lon is None:
            continue
        groups[(lat, lon)].append(public_place(place, precision, published=portal.place_precision))
    return [
        PublicPoint(lat, lon, tuple(sorted({p for p in places if p})), len(places))
        for (lat, lon), places in sorted(groups.items())
    ]


def _date_text(date: dt.date, precision: str) -> str:
    if precision == DatePrecision.YEAR:
        return f"{date:%Y}"
    if precision == DatePrecision.MONTH:
        return f"{date:%B %Y}"
    return f"{date.day} {date:%B %Y}"


def _number_text(number: int | None, precision: str, counts: str) -> str:
    """As `Act.number_with_noun` says it: "3 people", "about 1 item", "number unknown"."""
    if number is None:
        return "number unknown"
    prefix = "about " if precision == NumberPrecision.APPROXIMATE else ""
    if counts == ActType.Counts.ITEMS:
        noun = "item" if number == 1 else "items"
    else:
        noun = "person" if number == 1 else "people"
    return f"{prefix}{number} {noun}"


def _made_title(acts: Sequence[PublicAct], force: Term | None, date_text: str) -> str:
    kinds = list(dict.fromkeys(act.act_type.label for act in acts)) or ["Police action"]
    return f"{' and '.join(kinds)}{f', {force.label}' if force else ''}, {date_text}"


# Public values are made from plain rows, never model instances: a page of 25 incidents
# with their acts, outcomes and sources is a few queries of tuples (each row checked below
# as the instances were).
_INCIDENT = (
    "pk",
    "reference",
    "title",
    "summary",
    "date",
    "date_precision",
    "place",
    "country",
    "latitude",
    "longitude",
    "coordinate_precision",
    "force_id",
    "protest_id",
    "publication__published_at",
    "publication__changed_at",
)


def _loaded(ids: Sequence[int]) -> dict[int, dict]:
    rows = published_incidents().filter(pk__in=ids).values(*_INCIDENT)
    return {row["pk"]: row for row in rows}


def _public_acts(
    incident_forces: dict[int, int | None],
) -> tuple[dict[int, list[PublicAct]], dict[int, Term]]:
    """Each incident's acts (by incident id), and the forces of the incidents and acts by
    id; an act's perpetrator is its incident's force unless it names another."""
    acts = list(
        Act.objects.filter(incident_id__in=list(incident_forces))
        .order_by("incident_id", "position", "id")
        .values_list(
            "pk",
            "incident_id",
            "number_affected",
            "number_precision",
            "perpetrator_id",
            "act_type__slug",
            "act_type__label",
            "act_type__counts",
            "legal_provision__slug",
            "legal_provision__citation",
            "trigger_type__slug",
            "trigger_type__label",
        )
    )
    act_ids = [act[0] for act in acts]
    wanted = {*incident_forces.values(), *(act[4] for act in acts)} - {None}
    forces = {
        pk: Term(slug, name)
        for pk, slug, name in Organisation.objects.filter(pk__in=wanted)
        .order_by()
        .values_list("pk", "slug", "name")
    }
    outcomes: dict[int, list[PublicOutcome]] = defaultdict(list)
    rows = (
        Outcome.objects.filter(act_id__in=act_ids)
        .order_by("act_id", F("date").asc(nulls_last=True), "id")
        .values_list("act_id", "outcome_type__slug", "outcome_type__label", "date")
    )
    for act_id, slug, label, date in rows:
        outcomes[act_id].append(PublicOutcome(Term(slug, label), date))
    roles: dict[int, list[str]] = defaultdict(list)
    consenting = (
        Involvement.objects.filter(_person_publishable(), act_id__in=act_ids)
        .order_by("id")
        .values_list("act_id", "role")
    )
    for act_id, role in consenting:
        roles[act_id].append(role)
    found: dict[int, list] = defaultdict(list)
    for (
        pk,
        incident_id,
        number,
        precision,
        perpetrator_id,
        type_slug,
        type_label,
        counts,
        provision_slug,
        citation,
        trigger_slug,
        trigger_label,
    ) in acts:
        act = PublicAct(
            act_type=Term(type_slug, type_label),
            number_affected=number,
            number_text=_number_text(number, precision, counts),
            counts=counts,
            approximate=precision == NumberPrecision.APPROXIMATE,
            provision=Term(provision_slug, citation) if provision_slug is not None else None,
            trigger=Term(trigger_slug, trigger_label) if trigger_slug is not None else None,
            perpetrator=forces.get(perpetrator_id or incident_forces[incident_id]),
            outcomes=tuple(outcomes.get(pk, ())),
            consenting_roles=tuple(roles.get(pk, ())),
        )
        found[incident_id].append(act)
    return found, forces


_SOURCE_KIND_LABELS = dict(Source.Kind.choices)


def _public_links(incident_ids: Sequence[int]) -> dict[int, list[tuple]]:
    """Each incident's namable sources from outside channels, as (id, kind, title,
    publisher, url, published_at) rows in date order."""
    rows = (
        IncidentSource.objects.filter(incident_id__in=incident_ids, source__kind__in=NAMABLE_KINDS)
        .exclude(source__channel__slug__in=INTERNAL_CHANNELS)
        .order_by("source__published_at", "id")
        .values_list(
            "incident_id",
            "source_id",
            "source__kind",
            "source__title",
            "source__publisher",
            "source__url",
            "source__published_at",
        )
    )
    found: dict[int, list[tuple]] = defaultdict(list)
    for incident_id, *source in rows:
        found[incident_id].append(tuple(source))
    return found


def _public_sources(
    links: list[tuple], source_titles: dict, shown: dict[str, str]
) -> tuple[PublicSource, ...]:
    sources = []
    for pk, kind, typed_title, typed_publisher, url, published_at in links:
        published_on = published_at.date() if published_at else None
        publisher = shown.get(typed_publisher, typed_publisher)
        kind_label = str(_SOURCE_KIND_LABELS.get(kind, kind))
        title = approved_current(source_titles, pk, "title", typed_title)
        if title is None:
            parts = [kind_label, publisher]
            if published_on:
                parts.append(_date_text(published_on, DatePrecision.DAY))
            title = ", ".join(p for p in parts if p)
        sources.append(
            PublicSource(
                kind=kind,
                kind_label=kind_label,
                title=title,
                publisher=publisher,
                url=url if kind in LINKABLE_KINDS else "",
                published_on=published_on,
            )
        )
    return tuple(sources)


def _person_publishable() -> Exists:
    # Asked per row (a few per page), not as the list of every consenting person.
    return Exists(Person.objects.publishable().filter(pk=OuterRef("person_id")))


def _image_ids(incident_ids: Sequence[int]) -> dict[int, list[int]]:
    """Evidence with an approved image redaction (maybe stale: `public_image` checks), not
    tied to a person who did not agree to publication."""
    rows = (
        EvidenceFile.objects.filter(
            Q(person__isnull=True) | _person_publishable(),
            incident_id__in=incident_ids,
            redacted_derivatives__kind=DerivativeKind.IMAGE,
            redacted_derivatives__status=DerivativeStatus.APPROVED,
        )
        .order_by("added_at", "id")
        .values_list("incident_id", "pk")
        .distinct()
    )
    found: dict[int, list[int]] = defaultdict(list)
    for incident_id, pk in rows:
        found[incident_id].append(pk)
    return found


def public_incidents(
    incidents: Iterable[Incident | int] | QuerySet[Incident],
    *,
    portal: PortalSettings | None = None,
) -> list[PublicIncident]:
    """These incidents (or ids) as the public sees them, in the given order, leaving out any
    that is not (or no longer) publishable. A queryset is narrowed to published incidents."""
    portal = portal or PortalSettings.current()
    if isinstance(incidents, QuerySet):
        order = list(incidents.values_list("pk", flat=True))
    else:
        order = [i if isinstance(i, int) else i.pk for i in incidents]
    loaded = _loaded(order)
    ids = list(loaded)
    if not ids:
        return []
    texts = approved_redactions("cases.incident", ids)
    protests = {
        pk: (name, date)
        for pk, name, date in Protest.objects.filter(
            pk__in={row["protest_id"] for row in loaded.values()} - {None}
        )
        .order_by()
        .values_list("pk", "name", "date")
    }
    acts, forces = _public_acts({pk: row["force_id"] for pk, row in loaded.items()})
    links = _public_links(ids)
    source_titles = approved_redactions(
        "sources.source", {link[0] for found in links.values() for link in found}
    )
    # The free text published without an approval of its own (publishers, protest names),
    # only as the machine's redaction of it.
    shown = automatic_redactions(
        {name for name, _date in protests.values()}
        | {link[3] for found in links.values() for link in found}
    )
    images = _image_ids(ids)
    result = []
    for pk in order:
        incident = loaded.get(pk)
        if incident is None:
            continue
        typed_summary = incident["summary"]
        summary = approved_current(texts, pk, "summary", typed_summary)
        if summary is None or not typed_summary.strip():
            continue  # its summary changed since the approval: not public until re-approved
        date_text = _date_text(incident["date"], incident["date_precision"])
        force = forces.get(incident["force_id"])
        public_acts = tuple(acts.get(pk, ()))
        title = approved_current(texts, pk, "title", incident["title"])
        precision = incident["coordinate_precision"]
        lat, lon = public_coordinates(
            incident["latitude"], incident["longitude"], precision, published=portal.place_precision
        )
        protest = protests.get(incident["protest_id"])
        result.append(
            PublicIncident(
                reference=incident["reference"],
                title=title or _made_title(public_acts, force, date_text),
                title_made=not title,
                summary=summary,
                date=incident["date"],
                date_precision=incident["date_precision"],
                date_text=date_text,
                place=public_place(incident["place"], precision, published=portal.place_precision),
                country=incident["country"],
                latitude=lat,
                longitude=lon,
                force=force,
                protest=(
                    PublicProtest(
                        incident["protest_id"], shown.get(protest[0], protest[0]), protest[1]
                    )
                    if protest
                    else None
                ),
                acts=public_acts,
                sources=_public_sources(links.get(pk, []), source_titles, shown),
                image_ids=tuple(images.get(pk, ())),
                published_at=incident["publication__published_at"],
                changed_at=incident["publication__changed_at"],
            )
        )
    return result


def public_incident(reference: str) -> PublicIncident | None:
    """One published incident by its reference, or None (unknown or not public)."""
    found = public_incidents(Incident.objects.filter(reference=reference))
    return found[0] if found else None


def public_neighbours(reference: str) -> tuple[str | None, str | None]:
    """References of the published incidents just before and just after this one in date
    order (ties broken by id): (previous, next)."""
    row = published_incidents().filter(reference=reference).values("pk", "date").first()
    if row is None:
        return None, None
    return _neighbour(row["date"], row["pk"], "lt"), _neighbour(row["date"], row["pk"], "gt")


def _beyond(date: dt.date, pk: int, way: str, date_field: str, id_field: str) -> Q:
    """Rows past (date, pk) in date order, ties broken by id: `way` "lt" before, "gt" after."""
    return Q(**{f"{date_field}__{way}": date}) | Q(**{date_field: date, f"{id_field}__{way}": pk})


def _neighbour(date: dt.date, pk: int, way: str) -> str | None:
    # The listed publications' date index finds the neighbour in a few steps; it is then
    # checked as every public value is. Only if it is not public (a write that sent no
    # signal) is it looked for among the incidents themselves, the slow way.
    sign = "-" if way == "lt" else ""
    candidate = (
        Publication.objects.filter(_beyond(date, pk, way, "date", "incident_id"), listed=True)
        .order_by(f"{sign}date", f"{sign}incident_id")
        .values_list("incident_id", flat=True)
        .first()
    )
    published = published_incidents()
    if candidate is not None:
        found = published.filter(pk=candidate).values_list("reference", flat=True).first()
        if found is not None:
            return found
    return (
        published.filter(_beyond(date, pk, way, "date", "pk"))
        .order_by(f"{sign}date", f"{sign}pk")
        .values_list("reference", flat=True)
        .first()
    )


def public_image(reference: str, evidence_id: int) -> bytes | None:
    """The approved redacted image of an evidence file of a published incident, or None."""
    incident = public_incident(reference)
    if incident is None or evidence_id not in incident.image_ids:
        return None
    evidence = EvidenceFile.objects.filter(pk=evidence_id).first()
    return approved_image_for(evidence) if evidence is not None else None


def publications_changed_since(moment: dt.datetime) -> QuerySet[Publication]:
    """Publications whose public values may have changed since `moment` (feeds, releases)."""
    return Publication.objects.filter(changed_at__gte=moment)


@dataclass(frozen=True)
class PublicPost:
    slug: str
    title: str
    kind: str
    kind_label: str
    published_on: dt.date


def public_incidents_published(
    *, since: dt.datetime | None, through: dt.datetime, portal: PortalSettings | None = None
) -> list[PublicIncident]:
    """Incidents published after `since` up to `through` and public now (the digest)."""
    published = published_incidents().filter(publication__published_at__lte=through)
    if since is not None:
        published = published.filter(publication__published_at__gt=since)
    return public_incidents(published.order_by("publication__published_at", "id"), portal=portal)


def public_posts_published(*, since: dt.datetime | None, through: dt.datetime) -> list[PublicPost]:
    """Statements and news that became visible after `since`, up to `through` (the digest).

    Visible at `through`: dated on or before its day and written by then. New: dated after
    `since`'s day (a post dated ahead shows from its day), or written after `since` (a post
    dated back). Each is in one digest, whichever way it became visible.
    """
    posts = Post.objects.filter(
        published_on__isnull=False,
        published_on__lte=timezone.localdate(through),
        created_at__lte=through,
    )
    if since is not None:
        posts = posts.filter(
            Q(published_on__gt=timezone.localdate(since)) | Q(created_at__gt=since)
        )
    return [
        PublicPost(p.slug, p.title, p.kind, p.get_kind_display(), p.published_on)
        for p in posts.order_by("published_on", "id")
    ]
