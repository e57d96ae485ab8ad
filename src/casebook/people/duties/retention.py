"""Retention: erase people's details N months after their case closes.

A person's case is closed when every incident they are part of is closed, on the latest of
those incidents' closing dates. An incident is closed
- when it was archived or rejected (on the day it last changed), or
- when every one of its acts has a final outcome as its latest outcome (codebook
  `OutcomeType.final`: convicted, acquitted, no further action…), on the latest such
  outcome's date (the day it was recorded, if the outcome has no date).
A person on no incident at all (their involvement was removed) is closed from the day they
were recorded. Anything else is open, and nothing about an open case is erased.

`casebook retention run` applies the rule and can be scheduled (cron now, Celery beat later).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import F
from django.utils import timezone

from casebook.cases.models import Act, IncidentStatus, Outcome
from casebook.people.duties.erasure import person_erase
from casebook.people.models import Involvement, Person

CLOSED_STATUSES = (IncidentStatus.ARCHIVED, IncidentStatus.REJECTED)


@dataclass
class RetentionDecision:
    person: Person
    closed_on: dt.date
    why: str

    @property
    def reason(self) -> str:
        return f"retention rule: {self.why}, closed on {self.closed_on:%Y-%m-%d}"


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier (the month's last day when it is shorter).

    >>> months_before(dt.date(2026, 5, 31), 3), months_before(dt.date(2026, 3, 1), 72)
    (datetime.date(2026, 2, 28), datetime.date(2020, 3, 1))
    """
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def _incident_closings(incident_ids: set[int]) -> dict[int, dt.date | None]:
    """Incident id -> the day it closed, or None while it is open."""
    closed: dict[int, dt.date | None] = {}
    acts_of: dict[int, list[int]] = defaultdict(list)
    for act_id, incident_id, status, updated_at in Act.objects.filter(
        incident_id__in=incident_ids
    ).values_list("id", "incident_id", "incident__status", "incident__updated_at"):
        if status in CLOSED_STATUSES:
            closed[incident_id] = timezone.localdate(updated_at)
        else:
            acts_of[incident_id].append(act_id)
    latest: dict[int, tuple[bool, dt.date]] = {}
    act_ids = [a for acts in acts_of.values() for a in acts]
    outcomes = (
        Outcome.objects.filter(act_id__in=act_ids)
        .order_by("act_id", F("date").asc(nulls_last=True), "id")
        .values_list("act_id", "outcome_type__final", "date", "recorded_at")
    )
    for act_id, final, date, recorded_at in outcomes.iterator(chunk_size=5000):
        latest[act_id] = (final, date or timezone.localdate(recorded_at))  # the last one wins
    for incident_id, acts in acts_of.items():
        ends = [latest.get(act_id) for act_id in acts]
        if all(end is not None and end[0] for end in ends):
            closed[incident_id] = max(end[1] for end in ends)
        else:
            closed[incident_id] = None
    return closed


def retention_due(*, months: int, today: dt.date | None = None) -> list[RetentionDecision]:
    """The people whose details the rule says must now be erased (nothing is changed)."""
    if months <= 0:
        return []
    today = today or timezone.localdate()
    cutoff = months_before(today, months)
    incidents_of: dict[int, set[int]] = defaultdict(set)
    for person_id, incident_id in Involvement.objects.filter(
        person__erased_at__isnull=True
    ).values_list("person_id", "act__incident_id"):
        incidents_of[person_id].add(incident_id)
    closings = _incident_closings({i for ids in incidents_of.values() for i in ids})
    due = []
    people = Person.objects.not_erased().only(
        "pk", "reference", "key_id", "created_at", "erased_at"
    )
    for person in people.order_by("pk").iterator(chunk_size=2000):
        incidents = incidents_of.get(person.pk)
        if not incidents:
            closed_on, why = timezone.localdate(person.created_at), "on no incident"
        else:
            days = [closings.get(i) for i in incidents]
            if any(day is None for day in days):
                continue
            closed_on, why = max(days), "case closed"
        if closed_on <= cutoff:
            due.append(RetentionDecision(person, closed_on, f"{why} more than {months} months ago"))
    return due


def retention_run(
    *,
    months: int,
    dry_run: bool = False,
    today: dt.date | None = None,
    progress: Callable[[RetentionDecision], None] | None = None,
) -> list[RetentionDecision]:
    """Erase everyone `retention_due` names (unless `dry_run`); returns the decisions."""
    decisions = retention_due(months=months, today=today)
    for decision in decisions:
        if not dry_run:
            person_erase(person=decision.person, reason=decision.reason, actor=None)
        if progress:
            progress(decision)
    return decisions
