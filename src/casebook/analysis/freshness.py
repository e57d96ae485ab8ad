"""Caching the statistics page's figures, and forgetting them as soon as the record changes.

A cached figure is keyed by what it was computed from: the page's parameters and the data
version below. The version has two parts, so that no change is missed:
- a generation number, bumped by a signal whenever an incident, act, outcome, source or
  source link is saved or deleted through the ORM (the editor, the admin, the monitor);
- the highest id of each of those tables, read from the database on every request (one
  primary-key index lookup each: counting rows cost 0.5 s at 100,000 incidents), which
  catches rows written in bulk without signals (imports, the sample generator) and rows
  written by another process (a Celery worker). Deletions send signals (with receivers
  connected, Django never deletes these rows without them).
Entries also expire after CACHE_SECONDS, a backstop for bulk updates that change neither.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db.models import Max
from django.db.models.signals import m2m_changed, post_delete, post_save

from casebook.cases.models import Act, Incident, Outcome
from casebook.sources.models import IncidentSource, Source

GENERATION_KEY = "analysis:generation"
CACHE_SECONDS = 600
WATCHED = (Incident, Act, Outcome, Source, IncidentSource)
# The last results in this process, unpickled: reading a breakdown by protest back from the
# cache (tens of thousands of rows) cost more than a second per request at 100,000 incidents.
# Keyed like the shared cache, so the data version keeps them just as fresh.
LOCAL_ENTRIES = 16
_local: OrderedDict[str, object] = OrderedDict()
_local_lock = threading.Lock()
T = TypeVar("T")


def data_version() -> str:
    parts = [str(cache.get(GENERATION_KEY, 0))]
    for model in WATCHED:
        parts.append(str(model.objects.order_by().aggregate(last=Max("pk"))["last"]))
    return "/".join(parts)


def cached(kind: str, params: object, compute: Callable[[], T], *, version: str) -> T:
    """`compute()`, or its result from the cache for the same kind, params and version."""
    digest = hashlib.sha256(
        json.dumps([kind, params, version], sort_keys=True, default=str).encode()
    ).hexdigest()
    key = f"analysis:{kind}:{digest}"
    with _local_lock:
        if key in _local:
            _local.move_to_end(key)
            return _local[key]  # type: ignore[return-value]
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, CACHE_SECONDS)
    with _local_lock:
        _local[key] = found
        while len(_local) > LOCAL_ENTRIES:
            _local.popitem(last=False)
    return found


def _bump(**_kwargs) -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, None)


def freshness_connect() -> None:
    """Called once from the app's ready()."""
    for model in WATCHED:
        post_save.connect(_bump, sender=model, dispatch_uid=f"analysis-{model.__name__}-save")
        post_delete.connect(_bump, sender=model, dispatch_uid=f"analysis-{model.__name__}-del")
    m2m_changed.connect(_bump, sender=Incident.tags.through, dispatch_uid="analysis-tags")
