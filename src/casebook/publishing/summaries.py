"""Figures over every published incident, computed once per version of the publications.

The statistics, the home page's figures and the map's points each read all published
incidents and their acts: too much for every reader whose page is not cached. They are kept
in the database (`PublicSummary`), one row per figure, with the version of the publications
they were computed from: how many publications there are and when the last one changed
(`publication_refresh` marks every change to what the public sees, publishing and
withdrawing add or remove a row). The first reader after a change computes the figure
again; the others read one row, whether or not the page cache has the page.

Like cached pages, a figure is also recomputed once it is CACHE_SECONDS old: a backstop for
writes that sent no signal. Values are plain JSON (numbers, strings, lists), never records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import DatabaseError, transaction
from django.db.models import Count, Max
from django.utils import timezone

from casebook.publishing.caching import CACHE_SECONDS
from casebook.publishing.models import Publication, PublicSummary


def publications_version() -> str:
    """What every figure over the published incidents depends on, as one string."""
    found = Publication.objects.order_by().aggregate(n=Count("id"), last=Max("changed_at"))
    last = found["last"].isoformat() if found["last"] else "-"
    return f"{found['n']}/{last}"


def public_summary(key: str, compute: Callable[[], Any]) -> Any:
    """The figure kept under `key` if it is of the current version, else `compute()` (a
    JSON value), kept for the next reader."""
    version = publications_version()
    now = timezone.now()
    kept = PublicSummary.objects.filter(key=key).values_list("version", "value", "computed_at")
    row = kept.first()
    if row is not None and row[0] == version and row[2] > now - dt.timedelta(seconds=CACHE_SECONDS):
        return row[1]
    value = compute()
    try:
        with transaction.atomic():
            PublicSummary.objects.update_or_create(
                key=key, defaults={"version": version, "value": value, "computed_at": now}
            )
    except DatabaseError:
        # Two readers computed it at once, or the database is busy: the next reader keeps it.
        pass
    return value
