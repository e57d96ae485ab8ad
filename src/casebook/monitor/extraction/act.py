"""One police action as the text states it: the record every stage of the extractor fills in.

An act is opened by an *anchor* (a verb or noun of police action); later steps give it a count,
an offence, a legal basis and a trigger, each with the span of the words it came from, and mark
how it relates to the acts around it (a part of a total, a reference to people counted before).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Act", "Span", "other_kind"]

Span = tuple[int, int]


@dataclass
class Act:
    """One police action as the text states it, with the spans of its words."""

    type: str
    anchor: Span
    sentence: int
    segment: Span
    count: int | None = None
    count_span: Span | None = None
    # The count is a single person told without a number ("a woman was arrested"): the act
    # counts one, but no total is stated.
    implicit_one: bool = False
    # The count was told by people words alone ("a man and a woman were arrested"): it counts
    # them, but the text writes no number, so it states no total either.
    unwritten: bool = False
    headline: bool = False  # told in a headline, which restates the story below it
    vague: bool = False
    bound: int | None = None  # the number of a vague count ("more than 200" -> 200)
    earlier_figure: bool = False  # "initially ... 132 arrests", "at the time, 89": superseded
    total_marker: bool = False
    additive: bool = False
    definite: bool = False
    reference: bool = False  # its subject is people counted earlier ("those arrested")
    kind_of: str = ""  # for "other": fines, containment, checkpoints, separating groups...
    all_of_them: bool = False  # "those arrested were charged": every one of them
    subset: bool = False
    # Part of a count told in the same breath and kept inside it ("48 arrested, including six
    # who locked on"; "Among them was a woman ..."): never an act of its own.
    nested: bool = False
    item: bool = False
    listed: bool = False
    words_end: int | None = None  # where the act's own words (anchor and object) end
    offence: str | None = None
    offence_span: Span | None = None
    legal_basis: str | None = None
    legal_basis_span: Span | None = None
    trigger: str | None = None
    trigger_span: Span | None = None
    mixed: bool = False  # its offence names several kinds of conduct: no trigger, not guessed
    outcomes: list[Any] = field(default_factory=list)  # outcomes.Outcome, as the text states
    parent: Act | None = field(default=None, repr=False)
    sibling: Act | None = field(default=None, repr=False)  # shares its parent
    children: list[Act] = field(default_factory=list, repr=False)

    @property
    def rich(self) -> int:
        """How much the act says: used to keep the fullest of two duplicates."""
        return sum(
            x is not None for x in (self.count, self.offence, self.legal_basis, self.trigger)
        )


_OTHER_KINDS = (
    ("fine", re.compile(r"fine|ticket|notice|summons|citation", re.IGNORECASE)),
    ("contain", re.compile(r"kettl|contain|intercept", re.IGNORECASE)),
    ("checkpoint", re.compile(r"checkpoint", re.IGNORECASE)),
    ("separate", re.compile(r"separat|apart", re.IGNORECASE)),
)


def other_kind(words: str) -> str:
    """Which kind of "other" action an anchor names: fines and containment are two acts."""
    return next((name for name, regex in _OTHER_KINDS if regex.search(words)), "other")
