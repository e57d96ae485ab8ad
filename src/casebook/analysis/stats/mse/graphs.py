"""Decomposable (chordal) graphs on k lists, with their cliques and separators.

dga averages over every decomposable graphical model of the lists; its package ships the
graphs for 3, 4 and 5 lists as data. We generate them instead: every graph on k labelled
vertices is tested for chordality, and the cliques and separators come from a junction tree.
The tests check the result against dga's lists (8, 61 and 822 graphs).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class DecomposableGraph:
    k: int
    edges: frozenset[tuple[int, int]]  # 0-based, i < j
    cliques: tuple[frozenset[int], ...]
    separators: tuple[frozenset[int], ...]  # non-empty separators of a junction forest

    @property
    def name(self) -> str:
        """Cliques with lists numbered from 1: "[1,2][3]"."""
        return "".join(
            "[" + ",".join(str(v + 1) for v in sorted(c)) + "]"
            for c in sorted(self.cliques, key=lambda c: sorted(c))
        )


def _neighbours(k: int, edges) -> list[set[int]]:
    adjacent = [set() for _ in range(k)]
    for i, j in edges:
        adjacent[i].add(j)
        adjacent[j].add(i)
    return adjacent


def _is_chordal(k: int, adjacent: list[set[int]]) -> bool:
    """Maximum cardinality search, then check the ordering is a perfect elimination order."""
    weights = [0] * k
    order: list[int] = []
    remaining = set(range(k))
    while remaining:
        vertex = max(remaining, key=lambda v: (weights[v], -v))
        order.append(vertex)
        remaining.remove(vertex)
        for neighbour in adjacent[vertex] & remaining:
            weights[neighbour] += 1
    position = {v: i for i, v in enumerate(order)}
    for vertex in order:
        earlier = [u for u in adjacent[vertex] if position[u] < position[vertex]]
        if not earlier:
            continue
        latest = max(earlier, key=lambda u: position[u])
        if not set(earlier) - {latest} <= adjacent[latest]:
            return False
    return True


def _maximal_cliques(k: int, adjacent: list[set[int]]) -> list[frozenset[int]]:
    cliques: list[frozenset[int]] = []

    def extend(clique: set[int], candidates: set[int], excluded: set[int]) -> None:
        if not candidates and not excluded:
            cliques.append(frozenset(clique))
            return
        for vertex in list(candidates):
            extend(clique | {vertex}, candidates & adjacent[vertex], excluded & adjacent[vertex])
            candidates = candidates - {vertex}
            excluded = excluded | {vertex}

    extend(set(), set(range(k)), set())
    return cliques


def _separators(cliques: list[frozenset[int]]) -> list[frozenset[int]]:
    """The separators of a maximum-weight spanning forest of the clique graph."""
    pairs = sorted(
        ((len(a & b), i, j) for (i, a), (j, b) in itertools.combinations(enumerate(cliques), 2)),
        reverse=True,
    )
    parent = list(range(len(cliques)))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    separators = []
    for weight, i, j in pairs:
        if weight == 0:
            break
        ri, rj = root(i), root(j)
        if ri != rj:
            parent[ri] = rj
            separators.append(cliques[i] & cliques[j])
    return separators


@cache
def decomposable_graphs(k: int) -> tuple[DecomposableGraph, ...]:
    """Every decomposable graph on k labelled lists (k ≤ 6 in practice)."""
    if not 1 <= k <= 6:
        raise ValueError("decomposable graphs are generated for 1 to 6 lists")
    possible = list(itertools.combinations(range(k), 2))
    graphs = []
    for mask in range(2 ** len(possible)):
        edges = frozenset(p for b, p in enumerate(possible) if mask >> b & 1)
        adjacent = _neighbours(k, edges)
        if not _is_chordal(k, adjacent):
            continue
        cliques = _maximal_cliques(k, adjacent)
        graphs.append(
            DecomposableGraph(
                k=k,
                edges=edges,
                cliques=tuple(cliques),
                separators=tuple(_separators(cliques)),
            )
        )
    return tuple(graphs)
