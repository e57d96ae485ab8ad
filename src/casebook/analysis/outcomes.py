"""What became of the people arrested: the outcome funnel and the time to an outcome.

The units are arrest records (acts of type "arrest"): the people arrested together in one
act share one outcome history, so counting them one by one would claim more independent
observations than there are; the people are shown beside. A share counts the arrests whose
history has that step at any point, so the incident list's `outcome` filter finds exactly
them. Wilson 95% intervals (analysis/stats/shares.py).

Time to charge and time to no further action are Kaplan–Meier curves from the incident's
date (which must be known to the day) to the step's date. An arrest still pending is
censored at today; one that ended otherwise (cautioned, say, before any charge) is censored
at that outcome's date: it can no longer be charged, and the curve answers "how long until
a charge, among those still open to one".
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.db import connection
from django.db.models import Case, Count, F, Max, Min, Q, Value, When

from casebook.analysis.counts import ACT_FILTERS
from casebook.analysis.stats.shares import Share, wilson_interval
from casebook.analysis.stats.survival import KaplanMeier, kaplan_meier
from casebook.cases.models import Act
from casebook.cases.selectors import acts_matching, incidents_filtered
from casebook.codebook.models import ActType, OutcomeType

ARREST = "arrest"
STEPS = ("charged", "cautioned", "no_further_action", "convicted", "acquitted", "dropped")
TIMED = {"charged": "charge", "no_further_action": "no further action"}


@dataclass(frozen=True)
class Step:
    slug: str
    label: str
    arrests: int
    people: int
    share: Share
    linked: bool  # the incident list's outcome filter finds these


@dataclass(frozen=True)
class TimeTo:
    what: str
    curve: KaplanMeier | None
    events: int
    censored: int

    @property
    def median(self) -> float | None:
        return self.curve.median if self.curve else None

    @property
    def interval(self) -> tuple[float | None, float | None]:
        return self.curve.median_interval if self.curve else (None, None)


@dataclass
class Funnel:
    arrests: int = 0
    people: int = 0
    unknown_people: int = 0
    steps: list[Step] = field(default_factory=list)
    times: list[TimeTo] = field(default_factory=list)
    untimed: int = 0  # arrests whose incident date is not known to the day


@dataclass
class _Group:
    """Arrests alike in everything the funnel counts (grouped by the database)."""

    arrests: int
    people: int  # their people, the unknown ones as 0
    unknown: int  # arrests whose number of people is not known
    reached: frozenset[str]  # the steps (outcome type slugs) their histories have
    steps: bool  # their histories have any step at all
    final: bool
    timed: bool  # the incident's date is known to the day
    times: dict[str, tuple[int | None, bool]]  # TIMED slug -> (days, observed); None: unknown


def _days_to(slug: str, kinds: dict, today: str) -> str:
    """SQL for an arrest's days to the step `slug`, observed or censored (see below)."""
    reached = (
        f"WHEN has_{slug} = 1 THEN {_days(f'on_{slug}', 'a_date')} " if slug in kinds else ""
    )  # else a codebook without the step: every arrest is censored
    return (
        f"CASE WHEN a_precision <> 'day' THEN NULL {reached}"
        f"WHEN a_final = 1 THEN {_days('a_final_on', 'a_date')} "
        f"ELSE {_days(today, 'a_date')} END"
    )


def _days(later: str, earlier: str) -> str:
    """SQL for the whole days from one date column to another."""
    if connection.vendor == "postgresql":
        return f"({later} - {earlier})"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def _arrest_groups(filters: dict, today: dt.date, reader=None) -> list[_Group]:
    """Every arrest matching the filters, as groups of arrests alike in what the funnel
    counts: one query, however many arrests (a Python loop over 64,000 arrests and their
    120,000 outcomes took two seconds at 100,000 incidents).

    Inside, one row per arrest: which step types its history has, the first date of each
    timed step and of the first final outcome; outside, those rows grouped by the flags and
    by the days each time-to curve needs (an arrest with the step: to its first date,
    observed; otherwise ended: to the final outcome's date, censored; still open: to today,
    censored; a date not recorded: unknown, left out)."""
    incidents = incidents_filtered(
        **{k: v for k, v in filters.items() if k != "sort"}, reader=reader
    )
    conditions = acts_matching(**{k: filters.get(k) for k in ACT_FILTERS})
    acts = Act.objects.filter(
        conditions,
        incident_id__in=incidents.order_by().values("pk"),
        act_type_id__in=ActType.objects.filter(slug=ARREST).values("pk"),
    ).order_by()
    kinds = dict(OutcomeType.objects.filter(slug__in=STEPS).values_list("slug", "pk"))
    finals = list(OutcomeType.objects.filter(final=True).values_list("pk", flat=True))
    final = Q(outcomes__outcome_type_id__in=finals)
    per_arrest = acts.values("pk").annotate(
        a_people=F("number_affected"),
        a_date=F("incident__date"),
        a_precision=F("incident__date_precision"),
        a_steps=Count("outcomes"),
        a_final=Max(Case(When(final, then=Value(1)), default=Value(0))),
        a_final_on=Min(Case(When(final, then=F("outcomes__date")))),
        **{
            f"has_{slug}": Max(
                Case(When(outcomes__outcome_type_id=pk, then=Value(1)), default=Value(0))
            )
            for slug, pk in kinds.items()
        },
        **{
            f"on_{slug}": Min(Case(When(outcomes__outcome_type_id=pk, then=F("outcomes__date"))))
            for slug, pk in kinds.items()
            if slug in TIMED
        },
    )
    inner, params = per_arrest.query.sql_with_params()
    timed = list(TIMED)
    today_sql = "CAST(%s AS DATE)" if connection.vendor == "postgresql" else "%s"
    grouped = [
        "a_final",
        "CASE WHEN a_steps > 0 THEN 1 ELSE 0 END",
        "CASE WHEN a_precision = 'day' THEN 1 ELSE 0 END",
        *(f"has_{slug}" for slug in kinds),
        *(_days_to(slug, kinds, today_sql) for slug in timed),
    ]
    sql = (
        "SELECT COUNT(*), SUM(COALESCE(a_people, 0)), "  # noqa: S608 (values are parameters)
        f"SUM(CASE WHEN a_people IS NULL THEN 1 ELSE 0 END), {', '.join(grouped)} "
        f"FROM ({inner}) arrest GROUP BY {', '.join(str(4 + i) for i in range(len(grouped)))}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*[today.isoformat()] * len(timed), *params])
        rows = cursor.fetchall()
    groups = []
    for n, people, unknown, is_final, has_steps, day_known, *rest in rows:
        has, days = rest[: len(kinds)], rest[len(kinds) :]
        reached = frozenset(slug for slug, flag in zip(kinds, has, strict=True) if flag)
        groups.append(
            _Group(
                arrests=n,
                people=int(people or 0),
                unknown=int(unknown or 0),
                reached=reached,
                steps=bool(has_steps),
                final=bool(is_final),
                timed=bool(day_known),
                times={
                    slug: (None if d is None else int(d), slug in reached)
                    for slug, d in zip(timed, days, strict=True)
                },
            )
        )
    return groups


def _time_to(slug: str, groups: list[_Group]) -> TimeTo:
    durations, observed, counts = [], [], []
    for group in groups:
        days, reached = group.times[slug]
        if days is None:
            continue  # it happened, or the history ended, on a day nobody recorded
        durations.append(max(0, days))
        observed.append(reached)
        counts.append(group.arrests)
    events = sum(n for n, seen in zip(counts, observed, strict=True) if seen)
    curve = (
        kaplan_meier(np.repeat(durations, counts), np.repeat(observed, counts)) if events else None
    )
    return TimeTo(TIMED[slug], curve, events, sum(counts) - events)


def funnel_compute(*, filters: dict, today: dt.date | None = None, reader=None) -> Funnel:
    today = today or dt.date.today()
    groups = _arrest_groups(filters, today, reader)
    arrests = sum(g.arrests for g in groups)
    funnel = Funnel(arrests=arrests)
    funnel.people = sum(g.people for g in groups)
    funnel.unknown_people = sum(g.unknown for g in groups)
    labels = dict(OutcomeType.objects.values_list("slug", "label"))
    tallies: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for group in groups:
        for slug in group.reached:
            tallies[slug][0] += group.arrests
            tallies[slug][1] += group.people
        if not group.final:
            # Not the "pending" outcome type's slug: an arrest can have that step too.
            key = "_open" if group.steps else "_none"
            tallies[key][0] += group.arrests
            tallies[key][1] += group.people
    rows = [(slug, labels.get(slug, slug), True) for slug in STEPS if slug in labels]
    rows += [("_open", "Still pending", False), ("_none", "No outcome recorded", False)]
    if arrests:
        funnel.steps = [
            Step(
                slug,
                label,
                tallies[slug][0],
                tallies[slug][1],
                wilson_interval(tallies[slug][0], arrests),
                linked,
            )
            for slug, label, linked in rows
        ]
    timed = [g for g in groups if g.timed]
    funnel.untimed = arrests - sum(g.arrests for g in timed)
    funnel.times = [_time_to(slug, timed) for slug in TIMED]
    return funnel
