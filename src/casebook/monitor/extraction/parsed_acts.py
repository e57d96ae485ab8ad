"""Acts the word rules miss because their words stand apart, read from the dependency parse.

The anchors of :mod:`anchors` are words of police action with their people close by. Some
reports put the people far from the verb ("Seven activists who had unfurled a banner from a
bridge were held for an identity check") or tell the act with plain verbs of movement ("was
questioned at her house by a police officer over a message", "police took 40 protesters to a
police station"). The parser ties the verb to who it was done to, who did it and where:

- a home visit: a verb whose place is someone's home ("at her house", "to his flat") and whose
  doer is the police, in a sentence about something the person posted or said;
- custody: a verb that takes people "to a police station" (the police its doer), or people held
  or detained in the passive, however far their noun stands from the verb;
- a dispersal: the police clearing, moving or breaking up people or their gathering, with a
  quantifier before the people ("cleared hundreds of students from the steps", "moved dozens of
  protesters off the road");
- powers used: the police using or invoking powers under a cited section ("used powers under
  sections 12 and 14 of the Public Order Act to restrict the route"): conditions or a dispersal
  order, or a stop-and-search authorisation when the section is 60 or 60AA.

Only sentences in a protest's context that gave no act and pass a cheap word gate are parsed,
at most :data:`MAX_SENTENCES` per article (the parse is the one :mod:`grammar` loads).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from casebook.monitor.extraction import lexicon as lx
from casebook.monitor.extraction.act import Act
from casebook.monitor.extraction.grammar import parse_sentences
from casebook.monitor.extraction.text import Sentence, parse_number
from casebook.monitor.extraction.triggers import set_trigger

if TYPE_CHECKING:
    from spacy.tokens import Token

__all__ = ["MAX_SENTENCES", "find_acts_by_grammar"]

MAX_SENTENCES = 8
_GATE = re.compile(
    r"\b(?:home|house|flat|door|doorstep|address|apartment|station|held|detained|cleared|moved|"
    r"removed|pushed|drove|evicted|broke|dispersed|powers)\b",
    re.I,
)
_HOME = re.compile(r"homes?|house|flat|door|doorstep|address|apartment", re.I)
_POLICE = re.compile(r"police|officers?|constables?|detectives?|gendarmes?|PCs?", re.I)
_PERSON = re.compile(lx.PEOPLE, re.I)
# What someone said or posted: a visit over it is a visit over speech.
_SPEECH = re.compile(
    r"\b(?:posts?|posted|tweets?|tweeted|messages?|comments?|memes?|videos?|remarks|shared|"
    r"wrote|uploaded|social\s+media|online)\b",
    re.I,
)
_TAKEN = {"took", "taken", "take", "brought", "bring", "escorted", "driven", "drove"}
_TO_CUSTODY = re.compile(r"station|custody|cells?", re.I)
_HELD = {"held", "detained"}
_IDENTITY = re.compile(r"\bidentit(?:y|ies)\b|\bID\s+checks?\b", re.I)
# Words that make a number a bound, not a count ("around 40", "more than 60").
_BOUNDS = {"than", "least", "about", "around", "nearly", "almost", "over", "some", "roughly"}


def find_acts_by_grammar(
    text: str, sentences: list[Sentence], quiet: list[int], acts: list[Act]
) -> list[Act]:
    """Home visits and custody told in the *quiet* sentences (in a protest's context, no act
    found by the word rules), read from the parse."""
    told = {a.sentence for a in acts}
    wanted = [
        i
        for i in quiet
        if i not in told and _GATE.search(text, sentences[i].start, sentences[i].end)
    ][:MAX_SENTENCES]
    if not wanted:
        return []
    found: list[Act] = []
    for index, doc in zip(
        wanted, parse_sentences([sentences[i].text for i in wanted]), strict=True
    ):
        sentence = sentences[index]
        for verb in doc:
            if not verb.tag_.startswith("VB"):
                continue
            act = (
                _home_visit(verb, sentence, index)
                or _custody(verb, sentence, index)
                or _dispersal(verb, sentence, index)
                or _powers_used(verb, sentence, index)
            )
            if act is not None:
                set_trigger(act, text)
                found.append(act)
                break  # one act per sentence: the parse tells its main action
    return found


def _home_visit(verb: Token, sentence: Sentence, index: int) -> Act | None:
    home = next(
        (
            pobj
            for prep in verb.children
            if prep.dep_ == "prep" and prep.lower_ in {"at", "to", "on", "round", "outside"}
            for pobj in prep.children
            if pobj.dep_ == "pobj" and _HOME.fullmatch(pobj.text)
        ),
        None,
    )
    if home is None or not _done_by_police(verb) or not _SPEECH.search(sentence.text):
        return None
    offset = sentence.start
    start, end = min(verb.idx, home.idx), max(verb.idx + len(verb), home.idx + len(home))
    act = Act("home_visit", (offset + start, offset + end), index, (sentence.start, sentence.end))
    act.count, act.count_span, act.implicit_one = 1, act.anchor, True
    return act


def _custody(verb: Token, sentence: Sentence, index: int) -> Act | None:
    people: Token | None = None
    if verb.lower_ in _TAKEN and _done_by_police(verb):
        to_custody = any(
            prep.dep_ == "prep"
            and prep.lower_ in {"to", "into"}
            and any(p.dep_ == "pobj" and _TO_CUSTODY.fullmatch(p.text) for p in prep.children)
            for prep in verb.children
        )
        people = next((c for c in verb.children if c.dep_ in {"dobj", "nsubjpass"}), None)
        if not to_custody:
            people = None
    elif verb.lower_ in _HELD and verb.tag_ == "VBN":
        people = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
    if people is None or people.tag_ not in {"NN", "NNS"} or not _PERSON.fullmatch(people.text):
        return None  # "Those arrested were held ...": people counted before, no new act
    offset = sentence.start
    act = Act(
        "arrest",
        (offset + verb.idx, offset + verb.idx + len(verb)),
        index,
        (sentence.start, sentence.end),
    )
    _count_people(act, people, offset)
    if _IDENTITY.search(sentence.text):
        # custody to check who people are is no formal arrest: the labelling rules code "other"
        act.type, act.kind_of = "other", "identity"
    return act


# Verbs of dispersal: some need a direction ("moved ... off the road", "broke up"), "cleared"
# and "dispersed" do not.
_CLEARING = {"cleared", "dispersed", "evicted"}
_MOVING = {"moved", "removed", "pushed", "drove", "broke"}
_AWAY = {"off", "from", "out", "away", "back", "on", "up"}
_GATHERING = re.compile(
    r"crowds?|camps?|encampments?|sit-ins?|blockades?|marches|march|protests?|demonstrations?|"
    r"rall(?:y|ies)|vigils?|occupations?",
    re.I,
)
_QUANTITY = re.compile(
    r"hundreds|dozens|scores|thousands|tens|some|many|most|all|group|number|handful|rest", re.I
)


def _dispersal(verb: Token, sentence: Sentence, index: int) -> Act | None:
    word = verb.lower_
    if word not in _CLEARING | _MOVING or verb.tag_ != "VBD" or not _done_by_police(verb):
        return None
    if word in _MOVING and not any(
        c.dep_ in {"prt", "prep", "advmod"} and c.lower_ in _AWAY for c in verb.children
    ):
        return None
    target = next((c for c in verb.children if c.dep_ == "dobj"), None)
    if target is not None and _QUANTITY.fullmatch(target.text):
        # "hundreds of students": the people follow "of"
        target = next(
            (
                p
                for c in target.children
                if c.lower_ == "of"
                for p in c.children
                if p.dep_ == "pobj"
            ),
            None,
        )
    if target is None or not (_PERSON.fullmatch(target.text) or _GATHERING.fullmatch(target.text)):
        return None
    offset = sentence.start
    start, end = verb.idx, target.idx + len(target)
    return Act("dispersal", (offset + start, offset + end), index, (sentence.start, sentence.end))


_USING = {"used", "invoked", "exercised", "deployed", "applied"}
_SECTION = re.compile(r"\bsections?\s+(?P<n>\d+[A-Z]{0,2})", re.I)


def _powers_used(verb: Token, sentence: Sentence, index: int) -> Act | None:
    if verb.lower_ not in _USING or not _done_by_police(verb):
        return None
    powers = next((c for c in verb.children if c.dep_ == "dobj" and c.lower_ == "powers"), None)
    # "under" hangs on "powers" or on the verb, as the parse has it
    under = powers is not None and any(
        c.dep_ == "prep" and c.lower_ in {"under", "of"} for c in (*powers.children, *verb.children)
    )
    section = _SECTION.search(sentence.text, verb.idx)
    if powers is None or not under or section is None:
        return None
    kind = "stop_search" if section.group("n").upper() in {"60", "60AA"} else "dispersal"
    offset = sentence.start
    start, end = verb.idx, powers.idx + len(powers)
    return Act(kind, (offset + start, offset + end), index, (sentence.start, sentence.end))


def _done_by_police(verb: Token) -> bool:
    for child in verb.children:
        if child.dep_ == "nsubj":
            return _is_police(child)
        if child.dep_ == "agent":
            return any(p.dep_ == "pobj" and _is_police(p) for p in child.children)
    return False


def _is_police(noun: Token) -> bool:
    return bool(_POLICE.fullmatch(noun.text)) or any(
        c.dep_ == "compound" and c.lower_ == "police" for c in noun.children
    )


def _count_people(act: Act, people: Token, offset: int) -> None:
    number = next((c for c in people.children if c.dep_ == "nummod"), None)
    if number is not None:
        if any(c.lower_ in _BOUNDS for c in number.subtree if c is not number):
            act.vague = True
            return
        value = parse_number(number.lower_)
        if value is not None and value > 0:
            act.count = value
            act.count_span = (offset + number.idx, offset + number.idx + len(number))
        return
    determiner = next((c for c in people.children if c.dep_ == "det"), None)
    if determiner is not None and determiner.lower_ in {"a", "an"} and people.tag_ == "NN":
        act.count, act.implicit_one = 1, True
        act.count_span = (offset + determiner.idx, offset + people.idx + len(people))
