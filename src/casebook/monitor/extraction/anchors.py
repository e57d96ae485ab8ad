"""Anchors: the verbs and nouns of police action in a sentence, and which of them report one.

:func:`anchors_in` finds them (words from :mod:`lexicon`); :func:`keep_anchor` drops words that
are not actions in their context ("powers of arrest", "held a placard", "failure to disperse");
:func:`dropped` drops actions the text does not report as done: hypothetical ("would face
arrest"), negated ("no arrests"), cumulative ("since July"), court outcomes, general rules ("where
a Section 60 order is in force") and unrelated crime.
"""

from __future__ import annotations

import re

from casebook.monitor.extraction import lexicon as lx
from casebook.monitor.extraction.act import Act, Span
from casebook.monitor.extraction.counts import PEOPLE_NEAR
from casebook.monitor.extraction.text import NUMBER, VAGUE_BEFORE, Sentence

__all__ = [
    "SERIOUS_CRIME",
    "after_unrelated_crime",
    "anchors_in",
    "crime_offence",
    "dropped",
    "keep_anchor",
]

_HELD_NOT_ARREST = re.compile(
    r"\s+(?:a|an|the|up|placards?|signs?|banners?|flags?|hostage|aloft|talks|their|his|her|its|"
    r"on\s+to|onto|responsible|back|accountable|together|events?|rallies|marches|protests?|"
    r"vigils?|meetings?|in\s+(?:high|place|reserve))\b",
    re.IGNORECASE,
)


_HELD_PERSON = re.compile(
    rf"\s+(?:a|an|the|{NUMBER})\s+(?:\d{{1,2}}-year-old\s+)?(?:[\w-]+\s+)?(?:man|woman|men|women|"
    r"boy|girl|teenager|youth|person|people|student|activist|protest[eo]rs?|demonstrators?|"
    r"pensioner|journalist)\b",
    re.IGNORECASE,
)
# An order or conditions that people are said to have broken: "for breaching a dispersal order",
# "in breach of section 14 conditions", "failing to comply with".
_BREACHED = re.compile(
    r"\b(?:breach(?:ing|ed|es)?|in\s+breach\s+of|break(?:ing)?|broke|defy(?:ing)?|defied|"
    r"ignor(?:ing|ed)|fail(?:ing|ed|ure)?\s+to\s+(?:comply|abide)\s+with|contraven\w+|violat\w+|"
    r"flout\w*)\s+(?:the\s+|a\s+|an\s+|those\s+|these\s+|its\s+|their\s+)?(?:[\w-]+\s+){0,4}$",
    re.IGNORECASE,
)
# "the arrest of more than 700 people", "the arrest of two men": the noun, with its people.
_ARREST_OF_PEOPLE = re.compile(
    rf"\s+of\s+(?:{VAGUE_BEFORE}\s+)?(?:{NUMBER}|a|an|one|two|three|dozens|hundreds|several)\s+"
    rf"(?:[\w-]+\s+){{0,2}}?{lx.PEOPLE}\b",
    re.IGNORECASE,
)
_TO_IMPOSE = re.compile(
    r"\bto\s+(?:impose|use|invoke|introduce|issue|authori[sz]e|grant|apply|seek|put\s+in\s+place)"
    r"(?:\s+[\w-]+){0,2}\s*$",
    re.IGNORECASE,
)
_EVENT_NOUN_BEFORE = re.compile(
    r"\b(?:march(?:es)?|protests?|rall(?:y|ies)|demonstrations?|vigils?|events?|meetings?|"
    r"parades?|processions?|talks|elections?|referendums?|services?|ceremon(?:y|ies)|sit-ins?)"
    r"\s+(?:\w+\s+){0,3}$",
    re.IGNORECASE,
)


_PERSON_BEFORE = re.compile(
    rf"(?:{NUMBER}|{lx.PEOPLE}|he|she|they|who|boy|girl|man|woman|teenager|both|all|those|"
    r"pair|trio|suspects?)\s+"
    r"(?:(?:were|was|had|have|has|been|being|also|later|all|subsequently)\s+){0,3}$",
    re.IGNORECASE,
)


_USED_TO = re.compile(
    r"\b(?:used|using|fired|firing|deployed|deploying|tried|trying|attempted|attempting|sought|"
    r"moved\s+in)\s+(?:[\w-]+\s+){0,5}?to\s+(?:(?:try|attempt)\s+to\s+)?$|"
    r"\b(?:were|was)\s+used\s+to\s+$|\bhad\s+to\s+$",
    re.IGNORECASE,
)


_GENERIC_ORDER = re.compile(
    r"\b(?:where|wherever|whenever|when|if|unless)\s+(?:a|an|any)\s+$", re.IGNORECASE
)


_HYPOTHETICAL_AFTER = re.compile(
    r"\s+(?:(?:were|was|are|is|remain|remained)\s+(?:still\s+|also\s+)?"
    r"(?:possible|likely|expected|planned|imminent|anticipated)|could\s+follow|may\s+follow|"
    # "a dispersal order may be considered", "powers could also be used"
    r"(?:could|may|might)\s+(?:also\s+|still\s+)?be\b|"
    r"(?:would|will)\s+(?:also\s+)?be\s+(?:considered|sought|used|applied\s+for))\b",
    re.IGNORECASE,
)


_BARE_VERB_BEFORE = re.compile(
    r"\b(?:one|an|a|single|police|officers|cops|Met|force|troopers|gardaí|gardai)\s+$",
    re.IGNORECASE,
)


def _words_before(text: str, start: int, stop_at: int, limit: int = 8) -> str:
    """Up to *limit* words before *start*, cut at the last clause break."""
    window = text[max(stop_at, start - 80) : start]
    breaks = list(lx.CLAUSE_BREAK.finditer(window))
    if breaks:
        window = window[breaks[-1].end() :]
    return " ".join(window.split()[-limit:])


def keep_anchor(kind: str, m: re.Match[str], text: str, sentence: Sentence) -> bool:
    word = m.group().lower()
    before = text[max(sentence.start, m.start() - 60) : m.start()]
    if word in {"arrest", "detain"} and not (
        _BARE_VERB_BEFORE.search(before)
        or re.match(r"\s+(?:was|has\s+been|had\s+been)\s+made", text[m.end() : m.end() + 20])
        or (word == "arrest" and _ARREST_OF_PEOPLE.match(text, m.end(), sentence.end))
    ):
        return False  # "arrest" as a plain noun or infinitive: "powers of arrest"
    if word == "intercept" and not re.search(r"\bhad\s+to\s+$", before):
        return False
    if word in {"disperse", "break up"} and not _USED_TO.search(before):
        return False  # "failure to disperse" is an offence; "used tear gas to disperse" an act
    if word == "cleared" and not re.search(
        r"\b(?:was|were|been|being)\s+(?:\w+ly\s+)?$", before, re.IGNORECASE
    ):
        return False  # "cleared" alone: only in the passive ("the square was cleared")
    if kind in {"dispersal", "stop_search"} and _BREACHED.search(before):
        return False  # "arrested for breaching a dispersal order": the order is no act here
    if word == "held":
        if _HELD_PERSON.match(text, m.end(), min(sentence.end, m.end() + 60)):
            return True  # "held a woman", "held two men"
        if _HELD_NOT_ARREST.match(text, m.end()) or _EVENT_NOUN_BEFORE.search(before):
            return False
        after_people = PEOPLE_NEAR.match(text, m.end(), min(sentence.end, m.end() + 40))
        after_number = re.match(rf"\s+{NUMBER}", text[m.end() : m.end() + 30], re.IGNORECASE)
        if not (_PERSON_BEFORE.search(before) or after_people or after_number):
            return False
    if kind in {"force", "home_visit"} or word in {
        "tickets",
        "summonses",
        "citations",
        "towed",
        "impounded",
    }:
        context = text[sentence.start : sentence.end]
        if not lx.POLICE_AGENT.search(context):
            return False
    # "those arrested include", "the arrested": people counted elsewhere.
    return not (
        kind == "arrest"
        and word in {"arrested", "detained"}
        and lx.REFERENCE.search(before[-25:])
        and not re.search(
            rf"{NUMBER}\s+$|\b(?:people|persons)\s+$|{NUMBER}\s+of\s+(?:those|the)\s+$",
            before[-25:],
            re.I,
        )
    )


def dropped(kind: str, text: str, anchor: Span, clause: Span, sentence: Sentence) -> bool:
    if _HYPOTHETICAL_AFTER.match(text, anchor[1], sentence.end):
        return True  # "more arrests are expected"
    before = _words_before(text, anchor[0], clause[0])
    if lx.NEGATION.search(before) or lx.NEGATION.search(text, anchor[0], anchor[1]):
        return True  # "no arrests were made", "had imposed no conditions"
    modal = lx.FUTURE_ONLY if kind in {"stop_search", "dispersal"} else lx.MODAL
    told = _TOLD_SOURCE.search(before)
    if kind == "image_appeal":
        before = re.sub(r"\bwould\s*$", "", before)  # "would like to identify" is the appeal
    if modal.search(_modal_reach(before[told.end() :] if told else before)):
        return True  # "would face arrest"; not "Police told the BBC 14 were arrested"
    # "to arrest", "to disperse": an intention, unless the police "had to" do it.
    if (
        re.search(r"\bto\s*$", before)
        and not re.search(
            r"\bhad\s+to\s*$|\b(?:used|using|deployed|deploying|were\s+used|was\s+used|formed|"
            r"fired|firing|tried|trying|attempted|attempting|sought|"
            r"forming|set\s+up|drafted\s+in|brought\s+in|moved\s+in|stepped\s+in)\s+"
            r"(?:[\w-]+\s+){0,5}?to\s+(?:(?:try|attempt)\s+to\s*)?$",
            text[max(sentence.start, anchor[0] - 80) : anchor[0]],
        )
        and not (
            kind in {"stop_search", "dispersal"}
            and re.search(r"\b(?:authority|powers?)\s+to\s*$", before)
        )
    ):
        # An authorisation in force ("powers are in place to stop and search") is an act.
        return True
    if _TO_IMPOSE.search(before):
        return True  # "whether to impose conditions under section 14": a decision not yet taken
    sentence_text = text[sentence.start : sentence.end]
    cumulative = lx.CUMULATIVE.search(text, clause[0], _own_clause_end(text, anchor, clause))
    if cumulative and not (
        re.fullmatch(r"so\s+far", cumulative.group(), re.IGNORECASE)
        and lx.ONE_EVENT_FOLLOW_UP.search(sentence_text)
        and not lx.SEVERAL_PROTESTS.search(sentence_text)
    ):
        # "so far" is a running total, except for one protest's follow-up arrests ("nine have
        # so far been arrested in connection with the disorder"), which belong to its event
        return True
    if lx.COUNTRYWIDE_AFTER_DAYS.search(text, clause[0], clause[1]):
        return True
    if lx.RUNNING_TOTAL.search(text, clause[0], clause[1]) and lx.SEVERAL_PROTESTS.search(
        sentence_text
    ):
        return True  # "had now charged 96 people over the protests": a running total
    if kind in {"stop_search", "dispersal"} and _GENERIC_ORDER.search(
        text, max(sentence.start, anchor[0] - 30), anchor[0]
    ):
        return True  # "at protests where a Section 60 order is in force": a general rule
    # "... and will appear before magistrates next week": a hearing to come, not a court's act
    comma_clause = _FUTURE_HEARING.sub(" ", _comma_clause(text, anchor, sentence))
    if (
        lx.COURT.search(_INJUNCTION.sub(" ", _REMANDED_AFTER.sub(" ", comma_clause)))
        and kind != "charge"
        and not (_OUTSIDE_COURT.search(comma_clause) and not _COURT_OUTCOME.search(comma_clause))
    ):
        return True  # "pleaded guilty to ...", "jailed after being arrested at ..."
    if lx.SPORT.search(sentence_text) and not lx.protest_beyond_disorder(
        text, sentence.start, sentence.end
    ):
        return True  # "12 fans arrested after disorder at the match"
    crime = lx.UNRELATED_CRIME.search(comma_clause)
    return bool(
        crime
        and not lx.protest_beyond_disorder(text, *_comma_clause_span(text, anchor, sentence))
        and not _DISORDER_OVER_CRIME.search(comma_clause, 0, crime.start())
    )


# "arrested after disorder broke out following the fatal stabbing of a teenager": the crime is
# what the disorder answered, the arrests are for the disorder.
_DISORDER_OVER_CRIME = re.compile(
    r"\b(?:disorder|riot\w*|unrest|violence|clashes|protests?|demonstrations?|vigils?|rall(?:y|ies)|"
    r"marches)\b[^,;]*?\b(?:following|after|over|in\s+the\s+wake\s+of|sparked\s+by|"
    r"triggered\s+by|prompted\s+by|in\s+response\s+to|in\s+protest\s+at)\s+(?:[\w'’-]+\s+){0,5}?$",
    re.IGNORECASE,
)


# "were arrested", "had been detained": a finite verb of the act's own, done and told as done.
_FINITE_PASSIVE = re.compile(
    r"\b(?:were|was|have\s+been|has\s+been|had\s+been)(?:\s+(?:\w+ly|also|later|then|all|"
    r"subsequently|since))?\s*$",
    re.IGNORECASE,
)


def _modal_reach(before: str) -> str:
    """The words before an act that a modal among them would govern. A finite passive of the
    act's own ("Three men who returned after being told to leave were arrested") is told as
    done: only a modal just before its auxiliary ("would have been") makes it hypothetical,
    not one inside the subject's relative clause."""
    finite = _FINITE_PASSIVE.search(before)
    if finite is None:
        return before
    return " ".join(before[: finite.start()].split()[-1:])


# Whom a spokesperson spoke to: "Police told the BBC 14 people were arrested" reports an act.
_TOLD_SOURCE = re.compile(
    r"\btold\s+(?:the\s+|a\s+)?(?:(?:[A-Z][\w'’.&-]*\s+){1,5}|(?:reporters|journalists|media|"
    r"press|local\s+media|(?:a\s+)?(?:news|press)\s+conference)\b\s*)"
)
# A protest outside a court ("arrested outside the court where the trial was held") is no
# court's act, unless the clause tells what the court decided.
_OUTSIDE_COURT = re.compile(
    r"\b(?:outside|near|at|in\s+front\s+of|steps\s+of)\s+(?:the\s+)?(?:[\w'’-]+\s+){0,3}?"
    r"(?:court|courts|magistrates['’]?|tribunal)\b",
    re.IGNORECASE,
)
# "for breaching a High Court injunction": the order broken, no court's act.
_INJUNCTION = re.compile(
    r"\b(?:(?:High|County|Supreme|civil)\s+)?[Cc]ourt\s+(?:injunctions?|orders?)\b|"
    r"\binjunctions?\s+(?:[\w-]+\s+){0,4}?(?:by|from|in|at)\s+(?:the\s+)?(?:High|County|Supreme)\s+"
    r"Court\b"
)
_COURT_OUTCOME = re.compile(
    r"\b(?:sentenced|convicted|found\s+guilty|pleaded|pleads|jailed|acquitted|cleared\s+of|"
    r"remanded|verdict|guilty)\b",
    re.IGNORECASE,
)


# "..., bringing the total since June to 130", "..., which takes the number arrested to 90": a
# running total hung on the act's clause is not the act's.
_TALLY_AFTER = re.compile(
    r",\s+(?:bringing|taking|making|pushing|which\s+(?:brings|takes|makes))\b", re.IGNORECASE
)


def _own_clause_end(text: str, anchor: Span, clause: Span) -> int:
    m = _TALLY_AFTER.search(text, anchor[1], clause[1])
    return m.start() if m else clause[1]


# "arrested ... and remanded in custody": what the court did next, not the act's own words.
_REMANDED_AFTER = re.compile(
    r"(?<=\S)\s+(?:and\s+)?(?:(?:was|were|has\s+been|have\s+been)\s+)?(?:later\s+)?"
    r"remanded\s+in\s+custody\b",
    re.IGNORECASE,
)
_FUTURE_HEARING = re.compile(
    r"\b(?:will|(?:is|are)\s+(?:due|expected|set)\s+to|bailed\s+to|remanded\s+to)\s+"
    r"(?:next\s+)?appear\b[^,.;]*",
    re.IGNORECASE,
)


SERIOUS_CRIME = re.compile(
    r"\b(?:murder\w*|stabb\w*|drugs?|cannabis|cocaine|heroin|robbery|robberies|burglar\w*|theft|"
    r"shoplift\w*|rape|homicide|manslaughter|kidnap\w*|trafficking|knife\s+crime|shooting|"
    r"stolen|stealing|(?:anti-?social|antisocial)\s+behaviour\s+by)\b",
    re.IGNORECASE,
)


# "protests over the shooting of a man", "a march calling for justice for a murdered teenager":
# the crime is what the protest is about, not what anyone was arrested for.
_PROTEST_ABOUT = re.compile(
    r"\b(?:protest\w*|demonstrat\w*|march\w*|rall(?:y|ies)|vigils?|riots?|unrest|disorder|"
    r"clashes|anger|outrage|justice)\b[^.;]{0,40}?\b(?:over|for|against|about|after|following)\s+"
    r"(?:the\s+|a\s+|an\s+)?$",
    re.IGNORECASE,
)


def crime_offence(act: Act, text: str) -> bool:
    """Whether the act's offence is a crime of its own ("arrested on suspicion of theft"), not
    the crime a protest was about."""
    if not (act.offence and SERIOUS_CRIME.search(act.offence)):
        return False
    start = act.offence_span[0] if act.offence_span else 0
    return not _PROTEST_ABOUT.search(text, max(0, start - 70), start)


def after_unrelated_crime(sentences: list[Sentence], index: int) -> bool:
    """ "... after two teenagers were stabbed. Officers arrested three.": an act told right after
    a crime, with no protest word in either sentence, belongs to the crime."""
    if index == 0:
        return False
    previous, sentence = sentences[index - 1], sentences[index]
    if lx.SPORT.search(previous.text) and not (
        lx.protest_beyond_disorder(previous.text, 0, len(previous.text))
        or lx.protest_beyond_disorder(sentence.text, 0, len(sentence.text))
    ):
        return True  # "... disorder at the match. Officers used batons to separate the groups."
    return bool(
        SERIOUS_CRIME.search(previous.text)
        and not lx.PROTEST.search(previous.text)
        and not lx.PROTEST.search(sentence.text)
    )


def _comma_clause_span(text: str, anchor: Span, sentence: Sentence) -> Span:
    start = max(text.rfind(",", sentence.start, anchor[0]) + 1, sentence.start)
    end = text.find(",", anchor[1], sentence.end)
    return start, end if end >= 0 else sentence.end


def _comma_clause(text: str, anchor: Span, sentence: Sentence) -> str:
    start = max(text.rfind(",", sentence.start, anchor[0]) + 1, sentence.start)
    end = text.find(",", anchor[1], sentence.end)
    return text[start : end if end >= 0 else sentence.end]


def anchors_in(text: str, start: int, end: int, low: str | None = None) -> list[re.Match[str]]:
    """Police-action anchors in ``text[start:end]``, in order, not overlapping.

    *low* is ``lexicon.lowered(text)`` when the caller has it already.
    """
    low = lx.lowered(text) if low is None else low
    found: list[re.Match[str]] = []
    reached = start
    for candidate in lx.ANCHOR_START.finditer(low, start, end):
        position = candidate.start()
        if position < reached or (
            position and (text[position - 1].isalnum() or text[position - 1] in "-_'’")
        ):
            continue
        m = lx.ANCHOR.match(text, position, end)
        if m:
            found.append(m)
            reached = m.end()
    return found
