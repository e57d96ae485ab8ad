"""Clusters from scored pairs, in Python: records joined strongest pair first, never joining
two records that must stay apart, nor two groups that agree only through one pair. Without a
database, so that a coordinator's decisions (kept apart, merged) and a new threshold apply
instantly.

Plain connected components chain: A is very like B, B like C, so A joins C even when the
model scored A and C as clearly different events (two arrests at one protest, each like a
report dated only to the month). Here

- a pair kept apart (a coordinator said "different events", or the model scored it clearly
  apart) keeps its two records in different clusters whatever joins them through others: a
  merge that would break that is refused, and the stronger pairs, taken first, win;
- two groups join only when, on average over every pair across them, the model holds them
  likely enough (`cohesion`; a pair it never scored counts as 0): one vague report like one
  incident of each of two groups does not make the groups one.
"""

from __future__ import annotations

from collections.abc import Iterable


def clusters_at(
    *,
    ids: Iterable[str],
    pairs: Iterable[tuple[str, str, float]],
    threshold: float,
    kept_apart: Iterable[frozenset[str] | tuple[str, str]] | None = None,
    cohesion: float = 0.0,
) -> dict[str, str]:
    """record -> cluster id (the smallest record id in its cluster).

    `pairs` are (left, right, probability): those at `threshold` or above join clusters,
    strongest first; all of them count towards `cohesion`, the least mean probability over
    the pairs across two clusters for them to join. The two records of a pair in
    `kept_apart` never end in one cluster.

    >>> clusters_at(ids="abcd", pairs=[("a", "b", 0.99), ("b", "c", 0.95), ("c", "d", 0.2)],
    ...             threshold=0.9)
    {'a': 'a', 'b': 'a', 'c': 'a', 'd': 'd'}
    >>> clusters_at(ids="abc", pairs=[("a", "b", 0.99), ("b", "c", 0.95)], threshold=0.9,
    ...             kept_apart=[("a", "c")])
    {'a': 'a', 'b': 'a', 'c': 'c'}
    >>> clusters_at(ids="abc", pairs=[("a", "b", 0.99), ("b", "c", 0.95)], threshold=0.9,
    ...             cohesion=0.5)
    {'a': 'a', 'b': 'a', 'c': 'c'}
    """
    members: dict[str, list[str]] = {}
    cluster_of: dict[str, str] = {}
    for record in ids:
        cluster_of[record] = record
        members[record] = [record]
    apart: dict[str, set[str]] = {}  # cluster -> records that may not join it
    for pair in kept_apart or ():
        left, right = tuple(pair)
        apart.setdefault(left, set()).add(right)
        apart.setdefault(right, set()).add(left)
    scored: dict[str, dict[str, float]] = {}
    joining = []
    for left, right, probability in pairs:
        if cohesion:
            scored.setdefault(left, {})[right] = probability
            scored.setdefault(right, {})[left] = probability
        if probability >= threshold:
            joining.append((left, right, probability))
    joining.sort(key=lambda p: (-p[2], p[0], p[1]))

    def mean_across(a: list[str], b: list[str]) -> float:
        total = sum(scored.get(x, {}).get(y, 0.0) for x in a for y in b)
        return total / (len(a) * len(b))

    for left, right, _ in joining:
        for record in (left, right):
            if record not in cluster_of:
                cluster_of[record], members[record] = record, [record]
        a, b = cluster_of[left], cluster_of[right]
        if a == b:
            continue
        if len(members[a]) < len(members[b]):
            a, b = b, a  # b, the smaller, moves into a
        if apart.get(a) and not apart[a].isdisjoint(members[b]):
            continue
        if cohesion and len(members[a]) * len(members[b]) > 1:
            if mean_across(members[a], members[b]) < cohesion:
                continue
        for record in members[b]:
            cluster_of[record] = a
        members[a] += members.pop(b)
        if b in apart:
            apart.setdefault(a, set()).update(apart.pop(b))
    named = {cluster: min(group) for cluster, group in members.items()}
    return {record: named[cluster] for record, cluster in cluster_of.items()}
