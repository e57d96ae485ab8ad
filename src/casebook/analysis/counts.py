"""Counts of incidents, acts and people affected per period, overall and broken down.

The incidents counted are exactly those of the incident list for the same filters: the
queries start from `cases.selectors.incidents_filtered`, and the acts counted satisfy the
list's own act condition (`acts_matching`). A count is placed in a period by the rule of
`lib/periods.py` (an incident known only to the month is never placed in a week); those too
coarse for the unit are counted apart, never spread or dropped.

The database groups rows by the first day of their month, week or year (`PeriodStart`), so
a query returns one row per period, date precision and breakdown value, however many
incidents there are; quarters are rolled up from months here.

Breakdowns by a property of the incident (force, protest, country) count each incident
once. Breakdowns by a property of an act (act type, provision, trigger, outcome) count an
incident under every value one of its matching acts has, so their incident counts add up to
more than the total: an incident with an arrest and a seizure is one arrest incident and one
seizure incident.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property

from django.db.models import Count, DateField, F, Func, Min, Q, QuerySet, Sum
from django.db.models.functions import Trunc

from casebook.cases.models import Act, Outcome, Protest
from casebook.cases.selectors import acts_matching, incidents_filtered
from casebook.codebook.models import ActType, LegalProvision, Organisation, OutcomeType, TriggerType
from casebook.lib.countries import country_name
from casebook.lib.periods import PLACEABLE, Period, periods_spanning

ACT_FILTERS = ("act_type", "provision", "trigger", "outcome")


class PeriodStart(Func):
    """The first day of the week, month or year a date falls in, computed by the database.

    SQLite's own date() modifiers (C, fast) rather than Django's Trunc, which calls back
    into Python once per row there; PostgreSQL's date_trunc. Quarters group by month.
    """

    output_field = DateField()

    def __init__(self, expression, unit: str):
        self.unit = "month" if unit == "quarter" else unit
        super().__init__(expression)

    def as_sqlite(self, compiler, connection, **extra):
        modifiers = {
            "week": "'weekday 0', '-6 days'",
            "month": "'start of month'",
            "year": "'start of year'",
        }[self.unit]
        return self.as_sql(compiler, connection, template=f"date(%(expressions)s, {modifiers})")

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template=f"date_trunc('{self.unit}', %(expressions)s)::date"
        )

    def as_sql(self, compiler, connection, **extra):
        if "template" in extra:
            return super().as_sql(compiler, connection, **extra)
        fallback = Trunc(self.source_expressions[0], self.unit, output_field=DateField())
        return compiler.compile(fallback)


@dataclass
class Cell:
    """What one cell counts: incidents, acts, and people affected by those acts."""

    incidents: int = 0
    acts: int = 0
    people: int = 0
    unknown: int = 0  # acts whose number of people is not known (not counted in `people`)

    def add(self, other: Cell) -> None:
        self.incidents += other.incidents
        self.acts += other.acts
        self.people += other.people
        self.unknown += other.unknown

    def measure(self, name: str) -> int:
        return int(getattr(self, name))


@dataclass
class Row:
    """One line of counts: everything matching, or one value of a breakdown."""

    key: str | None  # the value of the list's filter that finds its incidents; None: no filter
    label: str
    by_period: dict[Period, Cell] = field(default_factory=lambda: defaultdict(Cell))
    coarse: Cell = field(default_factory=Cell)  # dated too coarsely for the unit

    @cached_property
    def total(self) -> Cell:
        """Read once the rows are complete (sorting a breakdown by protest read it 60,000
        times); nothing adds to a row after that."""
        cell = Cell()
        for value in self.by_period.values():
            cell.add(value)
        cell.add(self.coarse)
        return cell


@dataclass(frozen=True)
class Dimension:
    slug: str  # also the incident list's filter name
    label: str
    level: str  # "incident" or "act" or "outcome"
    column: str  # the column on Incident or Act that holds the value


DIMENSIONS: dict[str, Dimension] = {
    d.slug: d
    for d in (
        Dimension("force", "Police force", "incident", "force_id"),
        Dimension("act_type", "Act", "act", "act_type_id"),
        Dimension("provision", "Legal provision", "act", "legal_provision_id"),
        Dimension("trigger", "Trigger", "act", "trigger_type_id"),
        Dimension("outcome", "Outcome", "outcome", ""),
        Dimension("protest", "Protest", "incident", "protest_id"),
        Dimension("country", "Country", "incident", "country"),
    )
}


@dataclass
class CountTables:
    unit: str
    periods: list[Period]  # every period from the first to the last with a count, no gaps
    total: Row
    dimension: Dimension | None = None
    rows: list[Row] = field(default_factory=list)  # one per value, largest first
    unrecorded: Row | None = None  # acts (or incidents) with no value for the dimension

    @property
    def placeable(self) -> frozenset[str]:
        return PLACEABLE[self.unit]


def _incident_filters(filters: dict) -> dict:
    return {k: v for k, v in filters.items() if k != "sort"}


def _acts_of(incidents: QuerySet, filters: dict) -> QuerySet:
    conditions = acts_matching(**{k: filters.get(k) for k in ACT_FILTERS})
    if not any(v for k, v in filters.items() if k not in ACT_FILTERS):
        # Only act filters: an act meeting them belongs to an incident with such an act, so
        # the IN (every incident) the database would otherwise build adds nothing.
        return Act.objects.filter(conditions)
    return Act.objects.filter(conditions, incident_id__in=incidents.values("pk"))


def _add_rows(
    rows: Iterable[dict],
    target: dict,
    unit: str,
    *,
    metric: str,
) -> None:
    """Put grouped database rows ({start, precision, key, n}) into target[key]."""
    placeable = PLACEABLE[unit]
    periods: dict = {}  # start -> Period: many rows share one
    for row in rows:
        line = target[row["key"]]
        if row["precision"] in placeable:
            start = row["start"]
            period = periods.get(start)
            if period is None:
                period = periods[start] = Period.of(start, unit)
            cell = line.by_period[period]
        else:
            cell = line.coarse
        if metric == "incidents":
            cell.incidents += row["n"]
        else:
            cell.acts += row["n"]
            cell.people += row["people"] or 0
            cell.unknown += row["unknown"]


def _with_key(rows: Iterable[dict], key: str | None) -> Iterable[dict]:
    for row in rows:
        row["key"] = row[key] if key else None
        yield row


def _grouped_incidents(incidents: QuerySet, unit: str, key: str | None) -> Iterable[dict]:
    rows = (
        incidents.order_by()
        .annotate(start=PeriodStart(F("date"), unit), precision=F("date_precision"))
        .values("start", "precision", *([key] if key else []))
        .annotate(n=Count("id"))
    )
    return _with_key(rows, key)


def _act_measures(prefix: str = "", *, incidents: bool = False) -> dict:
    measures = {
        "n": Count("id"),
        "people": Sum(f"{prefix}number_affected"),
        "unknown": Count("id", filter=Q(**{f"{prefix}number_affected__isnull": True})),
    }
    if incidents:
        measures["incidents"] = Count(f"{prefix}incident_id", distinct=True)
    return measures


def _grouped_acts(acts: QuerySet, unit: str, key: str | None, *, incidents: bool = False):
    rows = (
        acts.order_by()
        .annotate(
            start=PeriodStart(F("incident__date"), unit),
            precision=F("incident__date_precision"),
        )
        .values("start", "precision", *([key] if key else []))
        .annotate(**_act_measures(incidents=incidents))
    )
    return _with_key(rows, key)


def _grouped_outcomes(acts: QuerySet, unit: str) -> Iterable[dict]:
    """Acts that reached each outcome type, per period, in one query: the outcome rows of
    these acts, one per act and type (an act may reach a type twice; its people count
    once), grouped by type, with their act's measures."""
    first_of_each = (
        Outcome.objects.order_by()
        .values("act_id", "outcome_type_id")
        .annotate(first=Min("pk"))
        .values("first")
    )
    rows = (
        Outcome.objects.order_by()
        .filter(pk__in=first_of_each, act_id__in=acts.values("pk"))
        .annotate(
            start=PeriodStart(F("act__incident__date"), unit),
            precision=F("act__incident__date_precision"),
        )
        .values("start", "precision", "outcome_type_id")
        .annotate(**_act_measures("act__", incidents=True))
    )
    return _with_key(rows, "outcome_type_id")


@dataclass
class Breakdown:
    """The rows of one breakdown: computed (and cached) apart from the totals, which do
    not depend on it."""

    dimension: Dimension
    rows: list[Row]
    unrecorded: Row | None


def counts_compute(*, filters: dict, unit: str, by: str = "", reader=None) -> CountTables:
    """Counts for the incident list's `filters` per `unit`, broken down `by` a dimension.

    Words searched (`q`) are searched as `reader` may search them, as in the incident list:
    a count must not tell an analyst that a name typed into a summary is there.
    """
    tables = counts_total(filters=filters, unit=unit, reader=reader)
    if by in DIMENSIONS:
        tables = with_breakdown(
            tables, counts_breakdown(filters=filters, unit=unit, by=by, reader=reader)
        )
    return tables


def counts_total(*, filters: dict, unit: str, reader=None) -> CountTables:
    """The counts of everything matching, per `unit`, without a breakdown."""
    filters = _incident_filters(filters)
    incidents = incidents_filtered(**filters, reader=reader).order_by()
    acts = _acts_of(incidents, filters)
    totals: dict = defaultdict(lambda: Row(None, "All matching"))
    _add_rows(_grouped_incidents(incidents, unit, None), totals, unit, metric="incidents")
    _add_rows(_grouped_acts(acts, unit, None), totals, unit, metric="acts")
    total = totals[None]
    return CountTables(unit=unit, periods=_span(total), total=total)


def with_breakdown(tables: CountTables, breakdown: Breakdown) -> CountTables:
    return replace(
        tables,
        dimension=breakdown.dimension,
        rows=breakdown.rows,
        unrecorded=breakdown.unrecorded,
    )


def _span(total: Row) -> list[Period]:
    if not total.by_period:
        return []
    return periods_spanning(min(total.by_period), max(total.by_period))


def counts_breakdown(*, filters: dict, unit: str, by: str, reader=None) -> Breakdown:
    """The rows of the breakdown `by` a dimension, largest first."""
    dimension = DIMENSIONS[by]
    filters = _incident_filters(filters)
    incidents = incidents_filtered(**filters, reader=reader).order_by()
    acts = _acts_of(incidents, filters)
    lines: dict = defaultdict(lambda: Row(None, ""))
    if dimension.level == "incident":
        column = dimension.column
        _add_rows(_grouped_incidents(incidents, unit, column), lines, unit, metric="incidents")
        _add_rows(_grouped_acts(acts, unit, f"incident__{column}"), lines, unit, metric="acts")
    else:
        if dimension.level == "act":
            grouped = list(_grouped_acts(acts, unit, dimension.column, incidents=True))
        else:
            grouped = list(_grouped_outcomes(acts, unit))
        _add_rows(grouped, lines, unit, metric="acts")
        _add_incident_counts(grouped, lines, unit)
    breakdown = Breakdown(dimension, [], None)
    labels = _labels(dimension, [k for k in lines if k not in (None, "")])
    for key, line in lines.items():
        if key in (None, ""):
            line.label = "Not recorded"
            breakdown.unrecorded = line
            continue
        slug, label = labels.get(key, (str(key), str(key)))
        line.key, line.label = slug, label
        if line.total.incidents or line.total.acts:
            breakdown.rows.append(line)
    breakdown.rows.sort(key=lambda r: (-r.total.incidents, -r.total.acts, r.label))
    return breakdown


def _add_incident_counts(grouped: list[dict], lines: dict, unit: str) -> None:
    """Distinct incidents per (period, value): each incident has one period, so these add up
    across periods for a value."""
    _add_rows(({**row, "n": row["incidents"]} for row in grouped), lines, unit, metric="incidents")


def _labels(dimension: Dimension, keys: list) -> dict[object, tuple[str, str]]:
    """Database value -> (the list filter's value, the label shown)."""
    if dimension.slug == "country":
        return {code: (code, country_name(code) or code) for code in keys}
    if dimension.slug == "protest":
        wanted = set(keys)
        # Every protest rather than pk IN (thousands of ids): Django resolves each id of a
        # long list one by one, which cost more than reading the few columns of them all.
        protests = Protest.objects.filter(pk__in=keys) if len(keys) < 500 else Protest.objects
        return {
            pk: (str(pk), f"{name} ({date:%-d %b %Y})" if date else name)
            for pk, name, date in protests.values_list("pk", "name", "date")
            if pk in wanted
        }
    model, label = {
        "force": (Organisation, "name"),
        "act_type": (ActType, "label"),
        "provision": (LegalProvision, "citation"),
        "trigger": (TriggerType, "label"),
        "outcome": (OutcomeType, "label"),
    }[dimension.slug]
    return {
        pk: (slug, text)
        for pk, slug, text in model.objects.filter(pk__in=keys).values_list("pk", "slug", label)
    }
