"""Figures over every published incident, computed in the background after every change.

The statistics, the home page's figures and the map's points each read all published
incidents and their acts: seconds at 10,000 published, too much for a reader. They are kept
in the database (`PublicSummary`), one row per figure, with the version of the publications
they were computed from: how many publications there are and when the last one changed
(`publication_refresh` marks every change to what the public sees, publishing and
withdrawing add or remove a row).

After a change commits, `figures_changed` asks for new figures: a Celery task on a worker,
or, without a broker, in the writer's own process just after its transaction (as the
project's other tasks run), so that readers find them made. While they are being computed a
reader gets the figures of the previous version, but only when that is safe: when no
incident has left the portal since they were computed (`FiguresState.removals`, counted in
the same transaction as the leaving, read before a computation starts). A figure computed
before a withdrawal may count the withdrawn incident (a town on the map, a row of a table),
so after one the reader is told the figures are being updated instead (`None`). Pages drawn
from such figures are not kept in the page cache.

A reader computes a figure itself only as a backstop: when none is kept and none is being
computed (a new installation, a test without committed transactions), when a computation
asked for GRACE_SECONDS ago has not arrived (no worker running), or when a figure is
MAX_AGE_SECONDS old (writes that sent no signal; Celery beat recomputes figures before
then). One reader at a time per figure; the others get the previous figures or the notice.
Values are plain JSON (numbers, strings, lists), never records.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any, NamedTuple

from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models import Count, F, Max
from django.utils import timezone

from casebook.publishing.caching import CACHE_SECONDS, page_not_kept
from casebook.publishing.models import FiguresState, Publication, PublicSummary

logger = logging.getLogger(__name__)

GRACE_SECONDS = 60
MAX_AGE_SECONDS = CACHE_SECONDS
# A figure the background keeps ahead of the backstop: recomputed when this old.
REFRESH_AGE_SECONDS = MAX_AGE_SECONDS // 2


def publications_version() -> str:
    """What every figure over the published incidents depends on, as one string."""
    found = Publication.objects.order_by().aggregate(n=Count("id"), last=Max("changed_at"))
    last = found["last"].isoformat() if found["last"] else "-"
    return f"{found['n']}/{last}"


class _Kept(NamedTuple):
    version: str
    value: Any
    computed_at: dt.datetime
    removals: int


def _kept(key: str) -> _Kept | None:
    row = (
        PublicSummary.objects.filter(key=key)
        .values_list("version", "value", "computed_at", "removals")
        .first()
    )
    return _Kept(*row) if row is not None else None


def _state() -> tuple[int, dt.datetime | None]:
    row = FiguresState.objects.filter(pk=1).values_list("removals", "requested_at").first()
    return row if row is not None else (0, None)


def _current(kept: _Kept | None, version: str, removals: int, *, age: int) -> bool:
    return (
        kept is not None
        and kept.version == version
        and kept.removals == removals
        and kept.computed_at > timezone.now() - dt.timedelta(seconds=age)
    )


def public_summary(key: str, compute: Callable[[], Any]) -> Any | None:
    """The figure kept under `key`; while a new one is being computed, the previous one if
    no incident left the portal since, else None (the figures are being updated)."""
    version = publications_version()
    removals, requested_at = _state()
    kept = _kept(key)
    safe = kept is not None and kept.removals == removals
    if safe and _current(kept, version, removals, age=MAX_AGE_SECONDS):
        return kept.value  # type: ignore[union-attr]
    now = timezone.now()
    under_way = (
        requested_at is not None
        and requested_at > now - dt.timedelta(seconds=GRACE_SECONDS)
        and (kept is None or requested_at > kept.computed_at)
    )
    lock = f"publishing:figures:computing:{key}"
    if not under_way and cache.add(lock, 1, GRACE_SECONDS):
        try:
            return summary_keep(key, compute)
        finally:
            cache.delete(lock)
    page_not_kept()  # drawn from figures about to change: not for the page cache
    return kept.value if safe else None  # type: ignore[union-attr]


def summary_keep(key: str, compute: Callable[[], Any]) -> Any:
    """Compute the figure now and keep it (with the version and removals read first)."""
    version = publications_version()
    removals, _ = _state()
    started = timezone.now()
    value = compute()
    try:
        with transaction.atomic():
            PublicSummary.objects.update_or_create(
                key=key,
                defaults={
                    "version": version,
                    "value": value,
                    "computed_at": started,
                    "removals": removals,
                },
            )
    except DatabaseError:
        # Two computed it at once, or the database is busy: the next computation keeps it.
        pass
    return value


def summary_refresh(key: str, compute: Callable[[], Any]) -> bool:
    """Compute and keep the figure unless it is of the current version and fresh (the
    background's side); whether it was computed."""
    removals, _ = _state()
    if _current(_kept(key), publications_version(), removals, age=REFRESH_AGE_SECONDS):
        return False
    summary_keep(key, compute)
    return True


def _state_update(**values) -> None:
    if not FiguresState.objects.filter(pk=1).update(**values):
        FiguresState.objects.get_or_create(pk=1)
        FiguresState.objects.filter(pk=1).update(**values)


def figures_removed() -> None:
    """An incident left the portal: figures computed before now may count it. Called inside
    the transaction that takes it off, so the count and the leaving commit together."""
    _state_update(removals=F("removals") + 1, removed_at=timezone.now())


def figures_request() -> None:
    """Ask for new figures now (a task on a worker; without a broker, here)."""
    from casebook.publishing.tasks import figures_refresh

    _state_update(requested_at=timezone.now())
    figures_refresh.delay()


def figures_changed() -> None:
    """What the public sees changed: ask for new figures once the transaction commits."""
    transaction.on_commit(figures_request, robust=True)
