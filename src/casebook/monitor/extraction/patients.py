"""How many people an act was done to, read from the parse where the word rules could not tell.

The word rules count what stands just before or after the act's verb. Between a subject and its
verb there can be other verbs ("A student was handcuffed and arrested", "a pensioner was pinned
down and arrested") and the rules give up. The dependency parser finds the people the verb was
done to: the object of an active verb, or the subject of a passive one, through the verbs it is
joined to. A number on that noun is the count unless something bounds it ("more than 60"); one
person told with "a" or "an" ("a student") is one, and no total is stated.

Only acts still without a count are looked at, in at most :data:`MAX_SENTENCES` sentences of an
article that passed the prefilter; the parse is the one :mod:`grammar` loads.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from casebook.monitor.extraction import lexicon as lx
from casebook.monitor.extraction.act import Act
from casebook.monitor.extraction.grammar import parse_sentences
from casebook.monitor.extraction.text import Sentence, parse_number

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = ["count_by_grammar"]

MAX_SENTENCES = 12
_COUNTED_KINDS = {"arrest", "charge"}
_PERSON = re.compile(lx.PEOPLE, re.IGNORECASE)
# Words that make a number a bound, not a count: "more than 60", "at least 20", "about 50".
_BOUNDS = {
    "than",
    "least",
    "most",
    "about",
    "around",
    "nearly",
    "almost",
    "up",
    "over",
    "some",
    "roughly",
    "approximately",
    "under",
    "fewer",
    "less",
    "more",
}
_ONE = {"a", "an", "one"}
# Heads of a phrase whose "a" counts no single person: "a number of protesters", "a group".
_NO_ONE = re.compile(r"number|group|crowd|handful|lot|dozen|couple|host|series|total|few|score")


def count_by_grammar(text: str, sentences: list[Sentence], acts: list[Act]) -> None:
    """Give arrests and charges the word rules left without a count the count of the people
    their verb was done to, where the parse names them plainly."""
    wanted = [a for a in acts if _uncounted(a)]
    indexes = sorted({a.sentence for a in wanted})[:MAX_SENTENCES]
    if not indexes:
        return
    docs = dict(zip(indexes, parse_sentences([sentences[i].text for i in indexes]), strict=True))
    for act in wanted:
        doc = docs.get(act.sentence)
        if doc is not None:
            _count_from(doc, act, sentences[act.sentence].start)


def _uncounted(act: Act) -> bool:
    return (
        act.type in _COUNTED_KINDS
        and act.count is None
        and act.bound is None
        and not (act.reference or act.nested or act.subset or act.item or act.all_of_them)
    )


def _count_from(doc: Doc, act: Act, offset: int) -> None:
    verb = next(
        (t for t in doc if act.anchor[0] <= offset + t.idx < act.anchor[1] and t.tag_ == "VBN"),
        None,
    ) or next(
        (t for t in doc if act.anchor[0] <= offset + t.idx < act.anchor[1] and t.tag_ == "VBD"),
        None,
    )
    people = _patient(verb) if verb is not None else None
    if people is None or not _PERSON.fullmatch(people.text):
        return
    number = next((c for c in people.children if c.dep_ == "nummod"), None)
    if number is not None:
        if any(c.lower_ in _BOUNDS for c in number.subtree if c is not number):
            return  # a bound: the count rules mark such numbers themselves
        value = parse_number(number.lower_)
        if value is not None and value > 0:
            act.count, act.count_span = (
                value,
                (offset + number.idx, offset + number.idx + len(number)),
            )
        return
    determiner = next((c for c in people.children if c.dep_ == "det"), None)
    if (
        determiner is not None
        and determiner.lower_ in _ONE
        and people.tag_ == "NN"
        and not _NO_ONE.fullmatch(people.lower_)
        and not any(c.dep_ == "conj" for c in people.children)
    ):
        act.count = 1
        act.count_span = (offset + determiner.idx, offset + people.idx + len(people))
        act.implicit_one = determiner.lower_ != "one"
        act.vague = False


def _patient(verb: Token) -> Token | None:
    """Who *verb* was done to: its object when active, else the subject of the passive clause
    it belongs to, found through the verbs it is joined to ("was handcuffed and arrested")."""
    direct = next((c for c in verb.children if c.dep_ == "dobj"), None)
    if direct is not None:
        return direct if verb.tag_ == "VBD" else None
    if verb.tag_ != "VBN":
        return None
    passive = False
    for _ in range(4):
        passive = passive or any(c.dep_ == "auxpass" for c in verb.children)
        subject = next((c for c in verb.children if c.dep_ in {"nsubjpass", "nsubj"}), None)
        if subject is not None:
            copula = verb.lower_ in {"was", "were", "is", "are", "been"}
            return subject if passive or subject.dep_ == "nsubjpass" or copula else None
        if verb.dep_ not in {"conj", "acomp", "advcl", "xcomp"} or verb.head is verb:
            return None
        verb = verb.head
    return None
