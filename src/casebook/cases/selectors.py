"""The incident list's query: filters, sorting, paging and the per-row extras, kept fast.

At 100,000 incidents the list must answer well under 150 ms on SQLite and PostgreSQL, so:
- conditions on acts and tags are `Exists()` subqueries, never joins (a join multiplies rows
  and needs DISTINCT, which defeats the (date, id) index the default order uses);
- a page is found as ids first, then only its 50 rows are loaded (`IdsFirstPaginator`);
- every list counts its matches exactly up to COUNT_LIMIT and says "more than" beyond, and
  its pages go that far (add a filter to reach further): an exact count reads every match,
  which grows with the casebook (a million incidents: 150 ms for a common trigger and
  status on SQLite, a second on PostgreSQL; counting "police" reads every search document),
  while 10,001 of them cost the same at any size; a reader wants the exact number when it
  is small, and the statistics page counts the big ones;
- the page's act summaries (and, from sources, its source counts) are computed afterwards
  for its rows only, one grouped query each, instead of annotating every matching incident.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from functools import cached_property
from typing import cast

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connection, models, router
from django.db.models import Count, Exists, F, Func, Max, OuterRef, Q, QuerySet, Sum

from casebook.cases.models import Act, Incident, Outcome, Protest, Tag
from casebook.cases.prepared import Prepared
from casebook.cases.search import (
    among_ids,
    filter_by_text,
    matching_ids,
    query_terms,
    searched_index,
    text_condition,
    text_count_within,
    text_probe,
)
from casebook.codebook.models import (
    ActType,
    LegalProvision,
    Organisation,
    OutcomeType,
    TriggerType,
)
from casebook.lib.periods import PLACEABLE, Period

# Every order ends on a unique column so that pages never overlap or skip rows.
SORTS: dict[str, tuple[str, ...]] = {
    "-date": ("-date", "-id"),
    "date": ("date", "id"),
    "-reference": ("-reference",),
    "reference": ("reference",),
    "title": ("title", "id"),
    "-title": ("-title", "-id"),
}
DEFAULT_SORT = "-date"
COUNT_LIMIT = 10_000

# The list's `unrecorded` filter: incidents with nothing recorded for a breakdown of the
# statistics page (its "Not recorded" row). A property of the incident, or of an act, in
# which case one act that matches the act filters must lack it.
UNRECORDED_INCIDENT = {
    "force": Q(force__isnull=True),
    "protest": Q(protest__isnull=True),
    "country": Q(country=""),
}
UNRECORDED_ACT = {
    "provision": Q(legal_provision__isnull=True),
    "trigger": Q(trigger_type__isnull=True),
}
UNRECORDED = (*UNRECORDED_INCIDENT, *UNRECORDED_ACT)

# The columns the list shows: the rest (summary, coordinates…) stays on disk. Read by a
# prepared query (cases/prepared.py) into instances as `select_related("force", "protest")
# .only(...)` made them: the incident's own columns, its force's and its protest's.
LIST_COLUMNS = {
    Incident: ("id", "reference", "title", "date", "date_precision", "place", "status"),
    Organisation: ("id", "name", "slug"),
    Protest: ("id", "name", "date"),
}
_ROW_FIELDS = (
    *LIST_COLUMNS[Incident],
    "force_id",
    *(f"force__{name}" for name in LIST_COLUMNS[Organisation][1:]),
    "protest_id",
    *(f"protest__{name}" for name in LIST_COLUMNS[Protest][1:]),
)
_LIST_ROWS = Prepared(
    Incident, lambda ids: Incident.objects.filter(pk__in=ids).values_list(*_ROW_FIELDS)
)


class IdsFirstPaginator(Paginator):
    """Finds a page's ids with a narrow query, then loads those rows with `load(ids)`.

    Sorting and skipping only ids runs on an index; sorting or skipping whole rows with their
    joined force and protest is what made deep pages (40 ms → 0.4 ms at page 1,000) and broad
    searches (78 ms → 22 ms for "placard" at 100,000 incidents, SQLite) slow.

    `ids` is the queryset the page's ids come from when it must differ in form (not in
    result) from the counted one; `count_limit` counts at most that many, and sets
    `count_capped` when there are more; `known_count` is that count (up to the limit plus
    one) when the caller already has it.
    """

    object_list: QuerySet

    def __init__(
        self,
        object_list: QuerySet,
        per_page,
        *,
        load: Callable[[list[int]], list],
        ids: QuerySet | None = None,
        count_limit: int | None = None,
        known_count: int | None = None,
        **kwargs,
    ):
        super().__init__(object_list, per_page, **kwargs)
        self.load = load
        self.ids = object_list if ids is None else ids
        self.count_limit = count_limit
        self.count_capped = False
        self.known_count = known_count

    @cached_property
    def count(self) -> int:
        if self.count_limit is None:
            return self.object_list.count()
        if self.known_count is not None:
            found = self.known_count  # already counted, up to the limit, elsewhere
        else:
            # Unordered, or the database would sort every match before counting the first.
            found = self.object_list.order_by()[: self.count_limit + 1].count()
        self.count_capped = found > self.count_limit
        return min(found, self.count_limit)

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(self.ids.values_list("pk", flat=True)[bottom:top])
        return Page(self.load(ids), number, self)


class _Unindexed(Func):
    """`+column` in SQLite: the planner will not drive the query from this column.

    With `+id IN (matches)` SQLite walks the index of the requested order and stops after
    one page, instead of fetching every match and sorting them all (2 ms instead of 140 ms
    for a word found in nearly every incident; at worst, for a rare word, one pass over the
    index, about 15 ms).
    """

    template = "+%(expressions)s"


def incident_page(*, filters: dict, number, per_page: int, reader, typing: bool = False) -> Page:
    """The requested page of the incident list for these filters (see `incidents_filtered`),
    its text searched as `reader` may search it (cases.search.text_condition); `typing`: a
    search sent while its words are typed (its last word also matches a word's start)."""
    q = filters.get("q")
    index = searched_index(reader)
    if q and index is not None and query_terms(q):
        return _searched_page(filters, number, per_page, index=index, typing=typing)
    incidents = incidents_filtered(**filters, reader=reader, typing=typing)
    ids = incidents
    if q and connection.vendor == "sqlite":
        text = text_condition(q, reader=reader, pk=_Unindexed(F("pk")), typing=typing)
        if text is not None:
            others = {k: v for k, v in filters.items() if k != "q"}
            ids = incidents_filtered(**others).filter(text)
    if q or not _linked(filters):
        paginator = IdsFirstPaginator(
            incidents, per_page, load=incident_rows, ids=ids, count_limit=COUNT_LIMIT
        )
        return paginator.get_page(number)
    # Act or tag filters: the matching ids are read (up to the limit, one more to know there
    # are more) where that is cheaper (`_incidents_counted`), in no order. When they are
    # few and spread over a big casebook, the page is found among them, sorted, rather than
    # by walking the order's index past many incidents that fail.
    counted = _incidents_counted(filters)
    found = incidents.values_list("pk", flat=True) if counted is None else counted
    listed = list(found.order_by()[: COUNT_LIMIT + 1])  # unordered: no join, no sort
    paginator = IdsFirstPaginator(
        incidents,
        per_page,
        load=incident_rows,
        count_limit=COUNT_LIMIT,
        known_count=len(listed),
    )
    if _walk_is_long(paginator, number):
        sort = filters.get("sort") or DEFAULT_SORT
        paginator.ids = Incident.objects.filter(among_ids(listed)).order_by(
            *SORTS.get(sort, SORTS[DEFAULT_SORT])
        )
    return paginator.get_page(number)


def _linked(filters: dict) -> bool:
    """Whether the filters hold a condition on acts or tags (which no index of the
    incidents' order can check)."""
    given = {name for name, value in filters.items() if value not in (None, "")}
    return bool(given & (ACT_FILTERS | {"tag"})) or filters.get("unrecorded") in UNRECORDED_ACT


def _walk_is_long(paginator: IdsFirstPaginator, number) -> bool:
    """Whether finding the page by walking the incidents in the order asked for would read
    many more of them than match in all: the matches are few (counted, not "more than")
    and spread over a big casebook, so that a walk to the page's last row passes about
    (incidents / matches) rows for each match it keeps. A rare act type at a million
    incidents: 50,000 rows walked for a first page of 50, against listing its 1,000
    matches. The casebook's size is taken as its highest id (one index seek)."""
    count = paginator.count
    if paginator.count_capped or count == 0:
        return False
    try:
        page = paginator.validate_number(number)
    except PageNotAnInteger:
        page = 1  # as get_page shows
    except EmptyPage:
        page = paginator.num_pages
    last_id = Incident.objects.order_by().aggregate(last=Max("pk"))["last"] or 0
    walked = min(page * paginator.per_page, count) * last_id / count
    return walked > WALK_FACTOR * count


# How many rows a walk may read for each match there is before listing the matches (each
# listed match costs a read of its incident's row and a place in a sort; each walked row
# a check on an index).
WALK_FACTOR = 4


def _searched_page(filters: dict, number, per_page: int, *, index: str, typing: bool) -> Page:
    """A page of a text search over one index (`index`), the full-text index read once.

    The first COUNT_LIMIT + 1 matches of the words are read (a pass that stops there). When
    there are no more, the whole match is known: the other filters, the count and the page
    work on those ids. When there are more (a word in most incidents), the incidents are
    checked one by one against the index as the database walks them (`text_probe`): in the
    order asked for until the page is full, and up to the limit for the count, which is
    known to be "more than" without another query when no other filter is set.
    """
    others = {name: value for name, value in filters.items() if name != "q"}
    incidents = incidents_filtered(**others)
    matched = matching_ids(filters["q"], index=index, limit=COUNT_LIMIT + 1, typing=typing)
    if len(matched) <= COUNT_LIMIT:
        paginator = IdsFirstPaginator(
            incidents.filter(among_ids(matched)), per_page, load=incident_rows
        )
        return paginator.get_page(number)
    probe = text_probe(filters["q"], index=index, typing=typing)
    searched = incidents.filter(probe)
    narrowed = any(value not in (None, "") for name, value in others.items() if name != "sort")
    known = None if narrowed else COUNT_LIMIT + 1
    # Checking each incident against the index costs ~20 µs on SQLite: fine for a few
    # thousand (a protest, a small force's year), not for tens of thousands.
    if (
        narrowed
        and connection.vendor == "sqlite"
        and incidents.order_by()[:SEARCH_PROBES].count() == SEARCH_PROBES
    ):
        known = text_count_within(
            incidents, filters["q"], index=index, limit=COUNT_LIMIT + 1, typing=typing
        )
    paginator = IdsFirstPaginator(
        searched, per_page, load=incident_rows, count_limit=COUNT_LIMIT, known_count=known
    )
    return paginator.get_page(number)


# Incidents a search with filters checks one by one against the full-text index, at most,
# to count them on SQLite (20-40 µs each at a million incidents); beyond, the index's
# matches are read and looked up in the set of them instead (~0.15 µs a match, up to every
# match when few are among them: the cheaper from about a thousand).
SEARCH_PROBES = 1_000

ACT_FILTERS = frozenset({"act_type", "provision", "trigger", "outcome"})
INCIDENT_FILTERS = frozenset(
    {"date_from", "date_to", "period", "force", "country", "status", "protest", "coarse"}
)


def _incidents_counted(filters: dict) -> QuerySet | None:
    """With act or tag filters, the matching incidents' ids read as distinct incident ids of
    the matching acts (or the tag's links), joined to their incident for its own filters,
    rather than with an `Exists` per incident: the same ids, since every act and link
    belongs to one existing incident, but the database may start from whichever side
    matches fewer rows (9x faster for act filters alone at 100,000 incidents). None without
    act or tag filters, with a text search (counted up to its limit instead), or when on
    SQLite fewer incidents match their own filters (`_fewer_incidents`): then the plain
    count, which starts from them."""
    given = {name for name, value in filters.items() if value not in (None, "")} - {"sort"}
    unrecorded = filters.get("unrecorded")
    on_acts = bool(given & ACT_FILTERS) or unrecorded in UNRECORDED_ACT
    if "q" in given or not (on_acts or "tag" in given):
        return None
    chosen = {name: filters[name] for name in given & INCIDENT_FILTERS}
    if unrecorded in UNRECORDED_INCIDENT:
        chosen["unrecorded"] = unrecorded
    own, plain = incident_conditions("incident__", **chosen), incident_conditions(**chosen)
    tag = filters.get("tag")
    if not on_acts:
        assert tag is not None  # noqa: S101 (given is act filters or a tag)
        if plain and _fewer_incidents(plain, Incident.tags.through.objects.filter(tag_id=tag.pk)):
            return None
        # One link per incident and tag (the table's unique pair): counted on the tag's
        # index alone, without reading each link for its incident (3x faster at 1,000,000).
        return Incident.tags.through.objects.filter(own, tag_id=tag.pk).values_list(
            "incident_id", flat=True
        )
    conditions = acts_matching(**{name: filters[name] for name in given & ACT_FILTERS})
    if unrecorded in UNRECORDED_ACT:
        conditions &= UNRECORDED_ACT[unrecorded]
    if plain and _fewer_incidents(plain, Act.objects.filter(conditions)):
        return None
    acts = Act.objects.filter(conditions, own)
    if tag:
        tagged = Incident.tags.through.objects.filter(
            incident_id=OuterRef("incident_id"), tag_id=tag.pk
        )
        acts = acts.filter(Exists(tagged))
    return acts.values_list("incident_id", flat=True).distinct()


# Incidents read, at most, to see which side a count should start from (SQLite): about 10 ms
# (index entries only). Below it a rare status with a common trigger starts from the status.
SIDE_PROBE = 100_000


def _fewer_incidents(own: Q, rows: QuerySet) -> bool:
    """On SQLite, whether fewer incidents match their own filters (`own`) than `rows` (acts
    or links) match theirs: then the count starts from the incidents' index and checks
    their acts (`Exists`). Each side is counted on its index, the incidents up to
    SIDE_PROBE, the rows up to one more than half of them. SQLite keeps no statistics of
    values (only averages), so left to itself it starts from the acts of a common trigger
    to count a rare status (20x slower). PostgreSQL's planner knows how common each value
    is and chooses itself (False)."""
    if connection.vendor != "sqlite":
        return False
    # Unordered: the models' default orders would sort (and join) before counting.
    incidents = Incident.objects.filter(own).order_by()[:SIDE_PROBE].count()
    # From the rows' side each match reads its incident's row, from the incidents' side
    # only an index: half as many rows is where the rows' side starts to win.
    half = incidents // 2
    return incidents < SIDE_PROBE and rows.order_by()[: half + 1].count() > half


def _loader(model, names: Sequence[str]) -> Callable[[str, Sequence], models.Model]:
    """Makes `model` instances from values of the columns `names`, in that order, as the
    ORM does for a query that loads only those (`from_db` wants the model's order)."""
    in_model_order = [f.attname for f in model._meta.concrete_fields if f.attname in names]
    order = [list(names).index(name) for name in in_model_order]

    def load(alias: str, values: Sequence) -> models.Model:
        return model.from_db(alias, in_model_order, [values[i] for i in order])

    return load


_OWN = len(LIST_COLUMNS[Incident])
_load_incident = _loader(Incident, [*LIST_COLUMNS[Incident], "force_id", "protest_id"])
_load_force = _loader(Organisation, LIST_COLUMNS[Organisation])
_load_protest = _loader(Protest, LIST_COLUMNS[Protest])


def incident_rows(ids: Sequence[int]) -> list[Incident]:
    """The list's columns for these incidents, in the order of `ids`, in one query."""
    alias = router.db_for_read(Incident)
    force_field, protest_field = Incident.force.field, Incident.protest.field
    by_id: dict[int, Incident] = {}
    for row in _LIST_ROWS.rows(ids):
        force, protest = row[_OWN : _OWN + 3], row[_OWN + 3 : _OWN + 6]
        incident = cast(Incident, _load_incident(alias, (*row[:_OWN], force[0], protest[0])))
        force_field.set_cached_value(
            incident, None if force[0] is None else _load_force(alias, force)
        )
        protest_field.set_cached_value(
            incident, None if protest[0] is None else _load_protest(alias, protest)
        )
        by_id[incident.pk] = incident
    return [by_id[pk] for pk in ids if pk in by_id]


def incidents_filtered(
    *,
    q: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    period: Period | None = None,
    force: Organisation | None = None,
    country: str = "",
    act_type: ActType | None = None,
    provision: LegalProvision | None = None,
    trigger: TriggerType | None = None,
    outcome: OutcomeType | None = None,
    status: str = "",
    protest: Protest | None = None,
    tag: Tag | None = None,
    unrecorded: str = "",
    coarse: str = "",
    sort: str = DEFAULT_SORT,
    reader=None,
    typing: bool = False,
) -> QuerySet[Incident]:
    """Incidents matching every given filter, in the given order, ready to paginate.

    `incident_page` pages it for the list. The act filters apply to one and the same act:
    `act_type=arrest, provision=s5` finds incidents with an arrest under s5, not an arrest
    and some other act under s5; `outcome` finds acts that reached that outcome at some step.
    `period` keeps incidents dated in it whose date is precise enough to be placed there
    (lib/periods.py): the statistics page counts by the same rule; `coarse` (a unit) keeps
    those whose date is too coarse to be placed in any period of it. `unrecorded` (a
    breakdown: force, protest, country, provision or trigger) keeps incidents with nothing
    recorded for it; for a property of an act, an act matching the act filters lacks it.
    The text `q` is searched as `reader` may search it; without a reader (commands,
    benchmarks), as written. Its words match whole words (stemmed); with `typing` (a search
    sent while it is typed) the last one also the start of a word.
    """
    incidents: QuerySet[Incident] = Incident.objects.all()
    if q:
        incidents = filter_by_text(incidents, q, reader=reader, typing=typing)
    incidents = incidents.filter(
        incident_conditions(
            date_from=date_from,
            date_to=date_to,
            period=period,
            force=force,
            country=country,
            status=status,
            protest=protest,
            unrecorded=unrecorded,
            coarse=coarse,
        )
    )
    act_conditions = acts_matching(
        act_type=act_type, provision=provision, trigger=trigger, outcome=outcome
    )
    if unrecorded in UNRECORDED_ACT:
        act_conditions &= UNRECORDED_ACT[unrecorded]
    if act_conditions:
        incidents = incidents.filter(
            Exists(Act.objects.filter(act_conditions, incident_id=OuterRef("pk")))
        )
    if tag:
        tagged = Incident.tags.through.objects.filter(incident_id=OuterRef("pk"), tag_id=tag.pk)
        incidents = incidents.filter(Exists(tagged))
    return incidents.order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT]))


def incident_conditions(
    prefix: str = "",
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    period: Period | None = None,
    force: Organisation | None = None,
    country: str = "",
    status: str = "",
    protest: Protest | None = None,
    unrecorded: str = "",
    coarse: str = "",
) -> Q:
    """The list's filters on the incident's own columns (see `incidents_filtered`), as one
    condition; `prefix` ("incident__") states it from a row that points at the incident."""
    conditions: list[Q] = []
    if date_from:
        conditions.append(Q(date__gte=date_from))
    if date_to:
        conditions.append(Q(date__lte=date_to))
    if period:
        conditions.append(
            Q(date__gte=period.start, date__lte=period.end, date_precision__in=period.precisions)
        )
    if coarse:
        conditions.append(~Q(date_precision__in=PLACEABLE[coarse]))
    if unrecorded in UNRECORDED_INCIDENT:
        conditions.append(UNRECORDED_INCIDENT[unrecorded])
    if force:
        conditions.append(Q(force_id=force.pk))
    if country:
        conditions.append(Q(country=country))
    if status:
        conditions.append(Q(status=status))
    if protest:
        conditions.append(Q(protest_id=protest.pk))
    combined = Q()
    for condition in conditions:
        combined &= _prefixed(condition, prefix) if prefix else condition
    return combined


def _prefixed(condition: Q, prefix: str) -> Q:
    """The same condition stated through a relation: Q(date__gte=d) -> Q(incident__date__gte=d)."""
    prefixed = Q(
        *(
            _prefixed(child, prefix) if isinstance(child, Q) else (prefix + child[0], child[1])
            for child in cast(list, condition.children)
        ),
        _connector=condition.connector,
        _negated=condition.negated,
    )
    return prefixed


def acts_matching(
    *,
    act_type: ActType | None = None,
    provision: LegalProvision | None = None,
    trigger: TriggerType | None = None,
    outcome: OutcomeType | None = None,
) -> Q:
    """The condition on one act that the list's act filters make (empty when none is set).

    `incidents_filtered` keeps incidents with such an act; the statistics page counts the
    acts themselves by the same condition.
    """
    conditions = Q()
    if act_type:
        conditions &= Q(act_type_id=act_type.pk)
    if provision:
        conditions &= Q(legal_provision_id=provision.pk)
    if trigger:
        conditions &= Q(trigger_type_id=trigger.pk)
    if outcome:
        conditions &= Q(
            Exists(Outcome.objects.filter(act_id=OuterRef("pk"), outcome_type_id=outcome.pk))
        )
    return conditions


def plural(label: str, count: int) -> str:
    """A codebook label counted in words, lower-cased.

    >>> plural("Arrest", 3), plural("Seizure", 1), plural("Stop and search", 2)
    ('3 arrests', '1 seizure', '2 × stop and search')
    """
    word = label.lower()
    if count == 1:
        return f"1 {word}"
    if " " in word:
        # Multi-word labels ("stop and search", "personal details published") do not take
        # a plural ending; a count sign reads better than a wrong plural.
        return f"{count} × {word}"
    suffix = "es" if word.endswith(("s", "x", "ch", "sh")) else "s"
    return f"{count} {word}{suffix}"


# One grouped query per page (a prepared query: cases/prepared.py).
_ACT_SUMMARIES = Prepared(
    Act,
    lambda ids: (
        Act.objects.filter(incident_id__in=ids)
        .values_list("incident_id", "act_type__label", "act_type__position", "act_type__counts")
        .annotate(
            people=Sum("number_affected"),
            unknown=Count("id", filter=Q(number_affected__isnull=True)),
        )
        .order_by("incident_id", "act_type__position", "act_type__label")
    ),
)


def act_summaries(incident_ids: Sequence[int]) -> dict[int, str]:
    """Incident id -> "3 arrests, 1 seizure" for these incidents, in one grouped query.

    An act whose number is unknown counts as an act ("arrests, number unknown") rather than
    as zero people.
    """
    parts: dict[int, list[str]] = defaultdict(list)
    for incident_id, label, _position, counts, people, unknown in _ACT_SUMMARIES.rows(incident_ids):
        if people and counts == ActType.Counts.ITEMS:
            # "3 seizures" would read as three acts: say what the number counts.
            items = ActType(counts=ActType.Counts.ITEMS).count_noun(people)
            more = " or more" if unknown else ""
            text = f"{label.lower()} ({people}{more} {items})"
        elif people:
            text = plural(label, people)
            if unknown:
                text += " or more"
        else:
            text = f"{label.lower()} (number unknown)"
        parts[incident_id].append(text)
    return {incident_id: ", ".join(texts) for incident_id, texts in parts.items()}
