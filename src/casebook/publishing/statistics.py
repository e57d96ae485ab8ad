"""The portal's statistics: counts of published incidents, small cells suppressed.

Only published incidents are counted (the public cannot check figures against a record it
cannot see, and counting the unpublished would tell something about them). Each table is
suppressed as the analysis app's exports are (`analysis.stats.suppression`): counts from 1
to 4 shown as "<5", and more cells hidden ("[c]") where a total would give one away.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_noop

from casebook.analysis.stats.suppression import DEFAULT_THRESHOLD, suppress_table
from casebook.cases.models import Act, Incident, Outcome
from casebook.publishing.models import PortalSettings
from casebook.publishing.publishable import points_keep, published_incident_ids
from casebook.publishing.summaries import public_summary, summary_refresh


@dataclass(frozen=True)
class PublicRow:
    label: str
    slug: str  # the list filter's value for it ("" when there is none)
    incidents: str  # as shown: a number, "<5" or "[c]"
    people: str
    incidents_value: int | None  # None when hidden (charts draw only what is shown)


@dataclass(frozen=True)
class PublicTable:
    title: str
    dimension: str  # the list filter it links to ("" for none)
    rows: tuple[PublicRow, ...]
    total: PublicRow


def _suppressed(title: str, dimension: str, keyed: list[tuple[str, str, int, int]]) -> PublicTable:
    if not keyed:
        empty = PublicRow("All", "", "0", "0", 0)
        return PublicTable(title, dimension, (), empty)
    incidents = suppress_table(np.array([k[2] for k in keyed], dtype=np.int64))
    people = suppress_table(np.array([k[3] for k in keyed], dtype=np.int64))
    shown_i, shown_p = list(incidents.shown()), list(people.shown())
    hidden = incidents.primary | incidents.complementary
    rows = []
    for index, (label, slug, n, _people) in enumerate(keyed):
        rows.append(
            PublicRow(label, slug, shown_i[index], shown_p[index], None if hidden[index] else n)
        )
    total = PublicRow("All", "", shown_i[-1], shown_p[-1], None)
    return PublicTable(title, dimension, tuple(rows), total)


def _people_by(acts, key: str) -> dict:
    return {
        row[key]: row["people"] or 0
        for row in acts.values(key).annotate(people=Sum("number_affected")).order_by()
    }


def _statistics_kept() -> list[dict]:
    return [asdict(t) for t in statistics_compute()]


def public_statistics() -> list[PublicTable] | None:
    """Tables of published incidents and people affected: by year, act type, force, outcome
    (computed after every change to the publications: `summaries.py`); None while they are
    being updated."""
    kept = public_summary("statistics", _statistics_kept)
    if kept is None:
        return None
    return [
        PublicTable(
            t["title"],
            t["dimension"],
            tuple(PublicRow(**row) for row in t["rows"]),
            PublicRow(**t["total"]),
        )
        for t in kept
    ]


def statistics_compute() -> list[PublicTable]:
    """The tables of `public_statistics`, computed from the record now."""
    incidents = Incident.objects.filter(pk__in=published_incident_ids()).order_by()
    acts = Act.objects.filter(incident_id__in=published_incident_ids())
    tables = []

    years = (
        incidents.annotate(year=ExtractYear("date"))
        .values("year")
        .annotate(n=Count("id"))
        .order_by("year")
    )
    people_year = _people_by(acts.annotate(year=ExtractYear("incident__date")), "year")
    tables.append(
        _suppressed(
            gettext_noop("By year"),
            "",
            [(str(r["year"]), "", r["n"], people_year.get(r["year"], 0)) for r in years],
        )
    )

    by_type = (
        acts.values(slug=F("act_type__slug"), label=F("act_type__label"))
        .annotate(n=Count("incident_id", distinct=True), people=Sum("number_affected"))
        .order_by("act_type__position", "act_type__label")
    )
    tables.append(
        _suppressed(
            gettext_noop("By act"),
            "act_type",
            [(r["label"], r["slug"], r["n"], r["people"] or 0) for r in by_type],
        )
    )

    people_force = _people_by(acts, "incident__force_id")
    by_force = (
        incidents.filter(force__isnull=False)
        .values("force_id", slug=F("force__slug"), label=F("force__name"))
        .annotate(n=Count("id"))
        .order_by("-n", "label")
    )
    tables.append(
        _suppressed(
            gettext_noop("By police force"),
            "force",
            [(r["label"], r["slug"], r["n"], people_force.get(r["force_id"], 0)) for r in by_force],
        )
    )

    outcomes = (
        Outcome.objects.filter(act__in=acts)
        .values(slug=F("outcome_type__slug"), label=F("outcome_type__label"))
        .annotate(
            n=Count("act__incident_id", distinct=True),
            people=Sum("act__number_affected", filter=Q(act__number_affected__isnull=False)),
        )
        .order_by("outcome_type__position", "outcome_type__label")
    )
    tables.append(
        _suppressed(
            gettext_noop("By outcome reached"),
            "outcome",
            [(r["label"], r["slug"], r["n"], r["people"] or 0) for r in outcomes],
        )
    )
    return tables


def headline_figures() -> dict[str, str] | None:
    """The home page's few numbers, suppressed like the tables (kept as the tables are);
    None while they are being updated."""
    return public_summary("headline", headline_compute)


def public_figures_refresh() -> int:
    """Compute again every kept figure that is not of the current publications (the
    background task's work: `summaries.py`); how many were computed."""
    portal = PortalSettings.current()
    computed = summary_refresh("statistics", _statistics_kept)
    computed += summary_refresh("headline", headline_compute)
    key, compute = points_keep(portal=portal)
    computed += summary_refresh(key, compute)
    return computed


def headline_compute() -> dict[str, str]:
    """The numbers of `headline_figures`, computed from the record now."""
    incidents = Incident.objects.filter(pk__in=published_incident_ids()).order_by()
    acts = Act.objects.filter(incident_id__in=published_incident_ids())
    n = incidents.count()
    people = acts.aggregate(p=Sum("number_affected"))["p"] or 0
    forces = incidents.exclude(force__isnull=True).values("force_id").distinct().count()

    def shown(value: int) -> str:
        return f"<{DEFAULT_THRESHOLD}" if 0 < value < DEFAULT_THRESHOLD else f"{value:,}"

    return {"incidents": shown(n), "people": shown(people), "forces": f"{forces:,}"}


def year_chart(table: PublicTable) -> dict:
    """Bars of published incidents per year (hidden cells drawn as no bar)."""
    values = [{"year": r.label, "n": r.incidents_value} for r in table.rows]
    return {
        "width": 640,
        "background": "white",
        "description": "Published incidents per year; the table gives every figure.",
        "data": {"values": values},
        # The table beside the chart gives every figure: the bars themselves are not announced.
        "mark": {"type": "bar", "color": "#33658a", "aria": False},
        "encoding": {
            "x": {"field": "year", "type": "ordinal", "title": "Year", "sort": None},
            "y": {"field": "n", "type": "quantitative", "title": "Published incidents"},
        },
        "config": {"font": "sans-serif", "view": {"stroke": None}},
    }
