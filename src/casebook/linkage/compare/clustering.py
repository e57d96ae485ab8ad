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


class _Clusters:
    """Union of records into clusters, with the two rules of the module's docstring."""

    def __init__(self, ids: Iterable[str], kept_apart, cohesion: float):
        self.members: dict[str, list[str]] = {}
        self.cluster_of: dict[str, str] = {}
        for record in ids:
            self.add(record)
        self.apart: dict[str, set[str]] = {}  # cluster -> records that may not join it
        for pair in kept_apart or ():
            left, right = tuple(pair)
            self.apart.setdefault(left, set()).add(right)
            self.apart.setdefault(right, set()).add(left)
        self.cohesion = cohesion
        self.scored: dict[str, dict[str, float]] = {}

    def add(self, record: str) -> None:
        if record not in self.cluster_of:
            self.cluster_of[record], self.members[record] = record, [record]

    def score(self, left: str, right: str, probability: float) -> None:
        self.scored.setdefault(left, {})[right] = probability
        self.scored.setdefault(right, {})[left] = probability

    def may_join(self, a: str, b: str) -> bool:
        if self.apart.get(a) and not self.apart[a].isdisjoint(self.members[b]):
            return False
        group_a, group_b = self.members[a], self.members[b]
        if not self.cohesion or len(group_a) * len(group_b) == 1:
            return True
        total = sum(self.scored.get(x, {}).get(y, 0.0) for x in group_a for y in group_b)
        return total / (len(group_a) * len(group_b)) >= self.cohesion

    def join(self, left: str, right: str) -> None:
        self.add(left)
        self.add(right)
        a, b = self.cluster_of[left], self.cluster_of[right]
        if a == b:
            return
        if len(self.members[a]) < len(self.members[b]):
            a, b = b, a  # b, the smaller, moves into a
        if not self.may_join(a, b):
            return
        for record in self.members[b]:
            self.cluster_of[record] = a
        self.members[a] += self.members.pop(b)
        if b in self.apart:
            self.apart.setdefault(a, set()).update(self.apart.pop(b))

    def named(self) -> dict[str, str]:
        names = {cluster: min(group) for cluster, group in self.members.items()}
        return {record: names[cluster] for record, cluster in self.cluster_of.items()}


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
    clusters = _Clusters(ids, kept_apart, cohesion)
    joining = []
    for left, right, probability in pairs:
        if cohesion:
            clusters.score(left, right, probability)
        if probability >= threshold:
            joining.append((left, right, probability))
    for left, right, _ in sorted(joining, key=lambda p: (-p[2], p[0], p[1])):
        clusters.join(left, right)
    return clusters.named()
