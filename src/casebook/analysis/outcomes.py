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

from casebook.analysis.counts import ACT_FILTERS
from casebook.analysis.stats.shares import Share, wilson_interval
from casebook.analysis.stats.survival import KaplanMeier, kaplan_meier
from casebook.cases.models import Act, Outcome
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
class _Arrest:
    date: dt.date
    precision: str
    people: int | None
    steps: dict[str, dt.date | None] = field(default_factory=dict)  # slug -> first date
    final_on: dt.date | None = None  # the first final outcome's date
    final: bool = False


def _arrests(filters: dict, reader=None) -> dict[int, _Arrest]:
    incidents = incidents_filtered(
        **{k: v for k, v in filters.items() if k != "sort"}, reader=reader
    )
    conditions = acts_matching(**{k: filters.get(k) for k in ACT_FILTERS})
    acts = Act.objects.filter(
        conditions,
        incident_id__in=incidents.order_by().values("pk"),
        act_type_id__in=ActType.objects.filter(slug=ARREST).values("pk"),
    ).order_by()
    found = {
        pk: _Arrest(date, precision, people)
        for pk, date, precision, people in acts.values_list(
            "pk", "incident__date", "incident__date_precision", "number_affected"
        )
    }
    kinds = dict(OutcomeType.objects.values_list("pk", "slug"))
    finals = set(OutcomeType.objects.filter(final=True).values_list("pk", flat=True))
    steps = Outcome.objects.filter(act_id__in=acts.values("pk")).order_by()
    for act_id, kind, date in steps.values_list("act_id", "outcome_type_id", "date"):
        arrest = found[act_id]
        slug = kinds[kind]
        if slug not in arrest.steps:
            arrest.steps[slug] = date
        elif date and (arrest.steps[slug] is None or date < arrest.steps[slug]):
            arrest.steps[slug] = date  # the first time it happened
        if kind in finals:
            arrest.final = True
            if date and (arrest.final_on is None or date < arrest.final_on):
                arrest.final_on = date
    return found


def _time_to(slug: str, arrests: list[_Arrest], today: dt.date) -> TimeTo:
    durations, observed = [], []
    for arrest in arrests:
        if slug in arrest.steps:
            when = arrest.steps[slug]
            if when is None:
                continue  # it happened, but on a day nobody recorded
            durations.append(max(0, (when - arrest.date).days))
            observed.append(True)
        elif arrest.final:
            if arrest.final_on is None:
                continue
            durations.append(max(0, (arrest.final_on - arrest.date).days))
            observed.append(False)
        else:
            durations.append(max(0, (today - arrest.date).days))
            observed.append(False)
    events = sum(observed)
    curve = kaplan_meier(durations, observed) if events else None
    return TimeTo(TIMED[slug], curve, events, len(observed) - events)


def funnel_compute(*, filters: dict, today: dt.date | None = None, reader=None) -> Funnel:
    today = today or dt.date.today()
    arrests = list(_arrests(filters, reader).values())
    funnel = Funnel(arrests=len(arrests))
    funnel.people = sum(a.people or 0 for a in arrests)
    funnel.unknown_people = sum(1 for a in arrests if a.people is None)
    labels = dict(OutcomeType.objects.values_list("slug", "label"))
    tallies: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for arrest in arrests:
        for slug in arrest.steps:
            tallies[slug][0] += 1
            tallies[slug][1] += arrest.people or 0
        if not arrest.final:
            # Not the "pending" outcome type's slug: an arrest can have that step too.
            key = "_open" if arrest.steps else "_none"
            tallies[key][0] += 1
            tallies[key][1] += arrest.people or 0
    rows = [(slug, labels.get(slug, slug), True) for slug in STEPS if slug in labels]
    rows += [("_open", "Still pending", False), ("_none", "No outcome recorded", False)]
    if arrests:
        funnel.steps = [
            Step(
                slug,
                label,
                tallies[slug][0],
                tallies[slug][1],
                wilson_interval(tallies[slug][0], len(arrests)),
                linked,
            )
            for slug, label, linked in rows
        ]
    timed = [a for a in arrests if a.precision == "day"]
    funnel.untimed = len(arrests) - len(timed)
    funnel.times = [_time_to(slug, timed, today) for slug in TIMED]
    return funnel
