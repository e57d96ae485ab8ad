"""Caching the statistics page's figures, and forgetting them as soon as the record changes.

A cached figure is keyed by what it was computed from: its own parameters and the version
of the data it reads. There are two such versions, so that a change forgets only what it
can change: the monitor adding sources all day long must not throw away the counts.
- `record`: incidents, acts, outcomes, protests (whose names label a breakdown) and tags
  (a filter): the counts, the breakdowns and the outcome funnel;
- `sources`: sources and their links to incidents: the recording coverage;
- `codebook`: forces, provisions and the other codebook terms: the filter form's choices
  (the statistics page's, the incident list's). Their labels also name a breakdown's rows,
  so the record's version includes them too.
Each version has two parts, so that no change is missed:
- a generation number, bumped by a signal whenever a row of those tables is saved or
  deleted through the ORM (the editor, the admin, the monitor); for the codebook, the
  database's own revision number (codebook.models.Revision), which every process reads
  alike even without a shared cache (the generations live in the cache);
- the highest id of each of those tables, read from the database on every request in one
  statement (a primary-key index lookup each: counting rows cost 0.5 s at 100,000
  incidents), which catches rows written in bulk without signals (imports, the sample
  generator) and rows written by another process (a Celery worker). Deletions send signals
  (with receivers connected, Django never deletes these rows without them).
Entries also expire after CACHE_SECONDS, a backstop for bulk updates that change neither.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.core.cache import cache
from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save

from casebook.cases.models import Act, Incident, Outcome, Protest
from casebook.codebook.models import (
    ActType,
    Jurisdiction,
    LegalProvision,
    Organisation,
    OutcomeType,
    Revision,
    TriggerType,
)
from casebook.sources.models import IncidentSource, Source

CACHE_SECONDS = 600
CODEBOOK = (Jurisdiction, Organisation, LegalProvision, ActType, TriggerType, OutcomeType)
RECORD = (Incident, Act, Outcome, Protest, *CODEBOOK)
SOURCES = (Source, IncidentSource)
PARTS = ("record", "sources")
GENERATION_KEYS = {part: f"analysis:generation:{part}" for part in PARTS}
# The last results in this process, unpickled: reading a breakdown by protest back from the
# cache (tens of thousands of rows) cost more than a second per request at 100,000 incidents.
# Keyed like the shared cache, so the data version keeps them just as fresh.
LOCAL_ENTRIES = 96  # about a dozen pages: each has up to seven parts
_local: OrderedDict[str, object] = OrderedDict()
_local_lock = threading.Lock()
# Small pieces of pages kept for the codebook's version (a filter field for its value):
# many, cheap to key, and apart from the figures above so as not to push them out.
FRAGMENT_ENTRIES = 2000
_fragments: OrderedDict[tuple, str] = OrderedDict()
T = TypeVar("T")


@dataclass(frozen=True)
class DataVersion:
    record: str
    sources: str
    codebook: str

    def __str__(self) -> str:
        return f"{self.record}/{self.sources}"


def _highest_ids(models: tuple) -> tuple[str, dict]:
    """The highest id of each model's table, and the codebook's revision, in one statement."""
    quote = connection.ops.quote_name
    highest = ", ".join(
        f"(SELECT MAX({quote(m._meta.pk.column)}) FROM {quote(m._meta.db_table)})"  # noqa: S608
        for m in models
    )
    revision = f"(SELECT number FROM {quote(Revision._meta.db_table)} WHERE id = 1)"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {revision}, {highest}")  # noqa: S608 (constants)
        found = [str(n) for n in cursor.fetchone()]
    return found[0], dict(zip(models, found[1:], strict=True))


def data_versions() -> DataVersion:
    """The versions of the record, the sources and the codebook: one cache read and one
    statement."""
    revision, ids = _highest_ids((*RECORD, *SOURCES))
    generations = cache.get_many(GENERATION_KEYS.values())

    def version(part: str, watched: tuple) -> str:
        generation = str(generations.get(GENERATION_KEYS[part], 0))
        return "-".join([generation, *(ids[m] for m in watched)])

    return DataVersion(
        # The revision too: a label renamed in another process changes a breakdown's rows.
        record=f"{version('record', RECORD)}-r{revision}",
        sources=version("sources", SOURCES),
        codebook=_codebook_version(revision, ids),
    )


def codebook_version() -> str:
    """The codebook's version alone (`DataVersion.codebook`), in one statement: for pages
    that keep only what the codebook decides (the incident list's select options)."""
    return _codebook_version(*_highest_ids(CODEBOOK))


def _codebook_version(revision: str, ids: dict) -> str:
    return "-".join([f"r{revision}", *(ids[m] for m in CODEBOOK)])


def data_version() -> str:
    """Both versions as one text: it changes whenever anything the page shows may have."""
    return str(data_versions())


def cached(kind: str, params: object, compute: Callable[[], T], *, version: str) -> T:
    """`compute()`, or its result from the cache for the same kind, params and version."""
    key = _key(kind, params, version)
    with _local_lock:
        if key in _local:
            _local.move_to_end(key)
            return _local[key]  # type: ignore[return-value]
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, CACHE_SECONDS)
    _keep(key, found)
    return found


def cached_here(kind: str, params: object, compute: Callable[[], T], *, version: str) -> T:
    """Like `cached`, in this process only: for what cannot be pickled (a page's context
    holds callables) or is quick enough to make again in another process."""
    key = _key(kind, params, version)
    with _local_lock:
        if key in _local:
            _local.move_to_end(key)
            return _local[key]  # type: ignore[return-value]
    found = compute()
    _keep(key, found)
    return found


def kept_fragment(kind: str, params: tuple, compute: Callable[[], str], *, version: str) -> str:
    """`compute()` (a piece of HTML), or the one made in this process for the same kind,
    params (hashable) and version: no digest is made, the key is the tuple itself."""
    key = (kind, version, params)
    with _local_lock:
        found = _fragments.get(key)
        if found is not None:
            _fragments.move_to_end(key)
            return found
    found = compute()
    with _local_lock:
        _fragments[key] = found
        while len(_fragments) > FRAGMENT_ENTRIES:
            _fragments.popitem(last=False)
    return found


def _key(kind: str, params: object, version: str) -> str:
    digest = hashlib.sha256(
        json.dumps([kind, params, version], sort_keys=True, default=str).encode()
    ).hexdigest()
    return f"analysis:{kind}:{digest}"


def _keep(key: str, found: object) -> None:
    with _local_lock:
        _local[key] = found
        while len(_local) > LOCAL_ENTRIES:
            _local.popitem(last=False)


def forget_local() -> None:
    """Empty this process's copies (benchmarks time a computation with it)."""
    with _local_lock:
        _local.clear()
        _fragments.clear()


def _bumper(part: str) -> Callable[..., None]:
    key = GENERATION_KEYS[part]

    def bump(**_kwargs) -> None:
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, None)

    return bump


_bump_record = _bumper("record")
_bump_sources = _bumper("sources")
# A codebook write raises the codebook's revision (codebook.apps) and the record's generation.
_bump_codebook = _bump_record


def freshness_connect() -> None:
    """Called once from the app's ready()."""
    watched = (
        (RECORD[: -len(CODEBOOK)], _bump_record),
        (SOURCES, _bump_sources),
        (CODEBOOK, _bump_codebook),
    )
    for models, bump in watched:
        for model in models:
            uid = f"analysis-{model.__name__}"
            post_save.connect(bump, sender=model, dispatch_uid=f"{uid}-save")
            post_delete.connect(bump, sender=model, dispatch_uid=f"{uid}-del")
    m2m_changed.connect(_bump_record, sender=Incident.tags.through, dispatch_uid="analysis-tags")
