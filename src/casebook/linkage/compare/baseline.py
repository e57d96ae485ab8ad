"""The naive way to find duplicates, to measure the model against: one cluster per exact key
(the same force, the same date and the same place, as written). Records with any of the
three missing stand alone."""

from __future__ import annotations

from collections.abc import Iterable

from casebook.linkage.compare.records import LinkageRecord, place_key


def exact_key_clusters(records: Iterable[LinkageRecord]) -> dict[str, str]:
    """record -> cluster: the first record id with the same force, date and place.

    >>> import datetime as dt
    >>> day = dt.date(2025, 8, 9)
    >>> exact_key_clusters([
    ...     LinkageRecord("a", day, force="met", place="Whitehall, London"),
    ...     LinkageRecord("b", day, force="met", place="whitehall london"),
    ...     LinkageRecord("c", day, force="met", place=""),
    ... ])
    {'a': 'a', 'b': 'a', 'c': 'c'}
    """
    first: dict[tuple, str] = {}
    clusters = {}
    for record in records:
        place = place_key(record.place)
        if record.force and record.date and place:
            key = (record.force, record.date, place)
            clusters[record.record_id] = first.setdefault(key, record.record_id)
        else:
            clusters[record.record_id] = record.record_id
    return clusters
