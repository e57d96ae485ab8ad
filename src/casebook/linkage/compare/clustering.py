"""Clusters from scored pairs, in Python: connected components over the pairs at or above a
threshold. The same answer as splink's clustering of the same pairs, without a database, so
that a coordinator's decisions (kept apart, merged) and a new threshold apply instantly.
"""

from __future__ import annotations

from collections.abc import Iterable


def clusters_at(
    *,
    ids: Iterable[str],
    pairs: Iterable[tuple[str, str, float]],
    threshold: float,
    kept_apart: set[frozenset[str]] | None = None,
) -> dict[str, str]:
    """record -> cluster id (the smallest record id in its cluster).

    `pairs` are (left, right, probability); pairs in `kept_apart` (a coordinator said
    "different events") never join two records directly.

    >>> clusters_at(ids="abcd", pairs=[("a", "b", 0.99), ("b", "c", 0.95), ("c", "d", 0.2)],
    ...             threshold=0.9)
    {'a': 'a', 'b': 'a', 'c': 'a', 'd': 'd'}
    """
    parent: dict[str, str] = {record: record for record in ids}

    def root(record: str) -> str:
        while parent[record] != record:
            parent[record] = parent[parent[record]]
            record = parent[record]
        return record

    apart = kept_apart or set()
    for left, right, probability in pairs:
        if probability < threshold or frozenset((left, right)) in apart:
            continue
        a, b = root(parent.setdefault(left, left)), root(parent.setdefault(right, right))
        if a != b:
            parent[max(a, b)] = min(a, b)
    return {record: root(record) for record in parent}
