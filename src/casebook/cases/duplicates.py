"""One way of finding duplicate incidents, whoever asks.

The monitor (a candidate may already be an incident) asks for its nearby incidents to be
ranked; linkage, which holds the trained model of "same event", registers a ranker here when
it starts. The two sit side by side in the layers and do not import each other: both import
this, below them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
