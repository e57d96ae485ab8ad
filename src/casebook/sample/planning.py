"""When and where sample incidents happen: dates, causes, places and protests.

Dates rise year on year, cluster on weekends (protests) or weekdays (home visits, online
posts), and dip in the first lockdown; each cause has its busy months; places are weighted
towards big cities; national marches go to central London.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from casebook.cases.models import DatePrecision, Protest
from casebook.sample import coding, words

if TYPE_CHECKING:
    from casebook.sources.models import Source

FIRST_DAY = dt.date(2019, 1, 1)
LAST_DAY = dt.date(2026, 10, 31)
# The sample mirrors the wave of Terrorism Act s13 arrests over placards after a proscription.
PROSCRIPTION_WAVE_FROM = dt.date(2025, 7, 5)
PROTEST_WEEKDAYS = (0.5, 0.5, 0.6, 0.6, 0.8, 3.0, 1.4)  # Monday .. Sunday
AWAY_WEEKDAYS = (1.1, 1.1, 1.1, 1.1, 1.0, 0.6, 0.5)
COVID_LOCKDOWN = (dt.date(2020, 3, 23), dt.date(2020, 5, 31))
YEARLY_GROWTH = 0.17  # e^0.17 ≈ 18% more incidents a year


class Weighted:
    """A weighted choice prepared once: pick() costs one random number and a bisection."""

    __slots__ = ("keys", "cumulative", "total")

    def __init__(self, weights: Mapping):
        self.keys = list(weights)
        self.cumulative = list(itertools.accumulate(weights.values()))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random):
        return self.keys[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


@dataclass(eq=False)
class ProtestPlan:
    """A protest to write, with what its incidents need to know about it."""

    protest: Protest
    place: words.Place
    cause: words.Cause
    national: bool
    mass_arrest: bool = False
    coverage: Source | None = None


@dataclass(slots=True, eq=False)
class IncidentPlan:
    """When, where and over what an incident happens; `order` is its rank by date."""

    date: dt.date
    precision: str
    place: words.Place
    cause: words.Cause
    protest: ProtestPlan | None
    mass_arrest: bool = False
    order: int = 0


def _days() -> list[dt.date]:
    return [FIRST_DAY + dt.timedelta(n) for n in range((LAST_DAY - FIRST_DAY).days + 1)]


def _day_weights(days: list[dt.date], weekdays: tuple[float, ...]) -> list[float]:
    """Rising trend × weekday pattern × the first lockdown's lull, per day."""
    weights = []
    for day in days:
        weight = math.exp(YEARLY_GROWTH * (day - FIRST_DAY).days / 365.25)
        weight *= weekdays[day.weekday()]
        if COVID_LOCKDOWN[0] <= day <= COVID_LOCKDOWN[1]:
            weight *= 0.35
        weights.append(weight)
    return weights


def _cause_weight(cause: words.Cause, month: str) -> float:
    for first, last, weight in cause.periods:
        if first <= month <= last:
            return weight
    return cause.base


class Calendar:
    """Draws dates, causes and places with the trends the sample should show."""

    def __init__(self):
        self.days = _days()
        self.protest_days = list(itertools.accumulate(_day_weights(self.days, PROTEST_WEEKDAYS)))
        self.away_days = list(itertools.accumulate(_day_weights(self.days, AWAY_WEEKDAYS)))
        self.causes: dict[str, Weighted] = {}
        self.local = Weighted({p: p.weight for p in words.PLACES})
        self.london = Weighted(
            {p: p.weight for p in words.PLACES if p.town == "London" and p.precision == "street"}
        )

    def date(self, rng: random.Random, *, at_protest: bool) -> dt.date:
        cumulative = self.protest_days if at_protest else self.away_days
        index = bisect.bisect_right(cumulative, rng.random() * cumulative[-1])
        return self.days[min(index, len(self.days) - 1)]

    def cause(self, rng: random.Random, date: dt.date) -> words.Cause:
        month = f"{date:%Y-%m}"
        if month not in self.causes:
            self.causes[month] = Weighted({c: _cause_weight(c, month) for c in words.CAUSES})
        return self.causes[month].pick(rng)


def round_figure(value: float) -> int:
    """Crowd estimates as people give them: two significant figures.

    >>> round_figure(12345.6)
    12000
    """
    if value < 10:
        return max(1, round(value))
    digits = int(math.log10(value)) - 1
    return int(round(value, -digits))


def plan_sample(rng: random.Random, size: int) -> tuple[list[ProtestPlan], list[IncidentPlan]]:
    if size == 0:
        return [], []
    calendar = Calendar()
    protests = []
    for _ in range(max(1, round(size / 5))):
        date = calendar.date(rng, at_protest=True)
        cause = calendar.cause(rng, date)
        national = rng.random() < cause.national_share
        place = calendar.london.pick(rng) if national else calendar.local.pick(rng)
        names = [n for n in cause.protest_names if ("{town}" in n) != national]
        name = rng.choice(names or cause.protest_names).format(town=place.town)
        crowd = rng.lognormvariate(9.3 if national else 5.2, 0.8 if national else 1.0)
        protests.append(
            ProtestPlan(
                protest=Protest(
                    name=name,
                    date=date,
                    place=place.name,
                    organiser=rng.choice(cause.organisers).format(town=place.town),
                    cause=cause.label,
                    estimated_size=(
                        None if rng.random() < 0.1 else round_figure(crowd * cause.size_scale)
                    ),
                ),
                place=place,
                cause=cause,
                national=national,
                mass_arrest=rng.random() < _mass_arrest_chance(cause, date, national=national),
            )
        )
    # Every protest has an incident (the first one carries a mass arrest, if there was one);
    # bigger protests attract more of the rest.
    at_protests = min(size, max(len(protests), round(size * 0.75)))
    pull = Weighted({p: (p.protest.estimated_size or 100) ** 0.3 for p in protests})
    chosen = protests + [pull.pick(rng) for _ in range(at_protests - len(protests))]
    plans = []
    for number, protest in enumerate(chosen):
        date = protest.protest.date
        if rng.random() < 0.08 and date < LAST_DAY:
            date += dt.timedelta(days=1)  # arrests the morning after, or a second day
        precision = DatePrecision.DAY if rng.random() < 0.97 else DatePrecision.MONTH
        mass_arrest = protest.mass_arrest and number < len(protests)
        if mass_arrest:
            date, precision = protest.protest.date, DatePrecision.DAY
        plans.append(
            IncidentPlan(
                _coarsen(date, precision),
                precision,
                protest.place,
                protest.cause,
                protest,
                mass_arrest,
            )
        )
    for _ in range(size - at_protests):
        date = calendar.date(rng, at_protest=False)
        precision = Weighted(
            {DatePrecision.DAY: 85, DatePrecision.MONTH: 12, DatePrecision.YEAR: 3}
        ).pick(rng)
        plans.append(
            IncidentPlan(
                _coarsen(date, precision),
                precision,
                calendar.local.pick(rng),
                calendar.cause(rng, date),
                None,
            )
        )
    rng.shuffle(plans)  # mixes protest and standalone incidents before the stable sort
    plans.sort(key=lambda plan: plan.date)
    for order, plan in enumerate(plans):
        plan.order = order
    return protests, plans


def _mass_arrest_chance(cause: words.Cause, date: dt.date, *, national: bool) -> float:
    if not national:
        return 0.002
    if cause.slug in coding.PROSCRIPTION_CAUSES and date >= PROSCRIPTION_WAVE_FROM:
        return 0.3
    return 0.03


def _coarsen(date: dt.date, precision: str) -> dt.date:
    if precision == DatePrecision.MONTH:
        return date.replace(day=1)
    if precision == DatePrecision.YEAR:
        return date.replace(month=1, day=1)
    return date
