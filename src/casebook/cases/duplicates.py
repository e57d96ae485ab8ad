"""One way of finding duplicate incidents, whoever asks.

The monitor (a candidate may already be an incident) asks for its nearby incidents to be
ranked, and shows the matches waiting for its accepted candidates' incidents; linkage, which
holds the trained model of "same event" and its judgement queue, registers a ranker and a
match finder here when it starts. The two sit side by side in the layers and do not import
each other: both import this, below them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass
class Suggestion:
    """An incident a new report may already be, how likely, and why in words."""

    incident: Any  # an Incident
    score: float
    reasons: list[str]


@dataclass(frozen=True)
class WaitingMatch:
    """A suggested match of an incident that waits for a person's judgement."""

    reference: str  # the other incident
    probability: float
    url: str  # where the pair is judged


# ranker(proposal, suggestions) -> the suggestions rescored (score, reasons), or None when it
# has nothing to say (no trained model yet): the caller keeps its own ranking then.
Ranker = Callable[[Any, list], list | None]
_rankers: list[Ranker] = []


def ranker_register(ranker: Ranker) -> None:
    if ranker not in _rankers:
        _rankers.append(ranker)


def suggestions_rank(proposal: Any, suggestions: list) -> list:
    """`suggestions` rescored by the first registered ranker that answers, else unchanged."""
    for ranker in _rankers:
        ranked = ranker(proposal, suggestions)
        if ranked is not None:
            return ranked
    return suggestions


# finder(references) -> reference -> its matches waiting for judgement (linkage's queue).
MatchFinder = Callable[[list[str]], dict[str, list[WaitingMatch]]]
_finders: list[MatchFinder] = []


def match_finder_register(finder: MatchFinder) -> None:
    if finder not in _finders:
        _finders.append(finder)


def matches_waiting(references: Iterable[str]) -> dict[str, list[WaitingMatch]]:
    """The suggested matches of these incidents that wait for a person (none until linkage
    has run)."""
    wanted = [r for r in references if r]
    found: dict[str, list[WaitingMatch]] = {}
    for finder in _finders if wanted else []:
        for reference, matches in finder(wanted).items():
            found.setdefault(reference, []).extend(matches)
    return found
