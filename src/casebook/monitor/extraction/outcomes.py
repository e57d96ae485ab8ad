"""What became of the people of an act, as the article states it: proposed outcomes.

"Seven were arrested ... Three were later charged and four were released under investigation"
gives the arrest two outcomes (charged, 3; released under investigation, 4). Outcomes are the
codebook's outcome slugs; the review queue proposes them with the act, and accepting the candidate
records them. An outcome belongs to the act told before it (in its sentence or the three before),
else to the first act after it in its sentence ("Charged after last week's arrests: ...").

The count is the number told with the outcome ("three were charged"); "all of them", "they" or
"both" give the act's own count; "he", "she", "the woman" give one; "the rest" and anything else
give no count.
Nothing is summed or guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from casebook.monitor.extraction import lexicon as lx
from casebook.monitor.extraction.act import Act, Span
from casebook.monitor.extraction.text import NUMBER, Sentence, parse_number

__all__ = ["Outcome", "attach_outcomes"]


@dataclass(frozen=True)
class Outcome:
    """One stated outcome: a codebook outcome slug, how many people it concerns, and its words."""

    outcome: str
    count: int | None
    span: Span


# Most specific first: "released under investigation" is not plain "released".
_OUTCOMES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (slug, re.compile(pattern, re.IGNORECASE))
    for slug, pattern in (
        ("no_further_action", r"\bno\s+further\s+action\b"),
        ("released_under_investigation", r"\breleased\s+under\s+investigation\b"),
        (
            "bailed",
            r"\b(?:re-)?bailed\b|\breleased\s+on\s+(?:police\s+|conditional\s+|unconditional\s+)?"
            r"bail\b|\bgranted\s+(?:police\s+)?bail\b",
        ),
        (
            "cautioned",
            r"\bcautioned\b(?!\s+(?:that|against|about|anyone|people\s+to|the\s+public))|"
            r"\bgiven\s+(?:a\s+)?(?:police\s+)?cautions?\b",
        ),
        ("dropped", r"\bcharges?\s+(?:were|was|have\s+been|had\s+been)\s+(?:later\s+)?dropped\b"),
        ("acquitted", r"\bacquitted\b|\bfound\s+not\s+guilty\b|\bcleared\s+of\b"),
        ("convicted", r"\bconvicted\b|\bfound\s+guilty\b|\bpleaded\s+guilty\b"),
        ("charged", r"\bcharged\b(?!\s+(?:at|towards|into|through|up|down|across)\b)"),
        (
            "released",
            r"\breleased\s+without\s+(?:charge|further\s+action)\b|\bde-arrested\b|\breleased\b"
            r"(?!\s+(?:later\s+)?(?:with\s+no\s+further|under\s+investigation|on\s+(?:\w+\s+)?bail|"
            r"pending))"
            r"(?!\s+(?:\w+\s+){0,3}?(?:images?|footage|photos?|photographs?|pictures?|stills|"
            r"CCTV|e-?fits?|a\s+statement|statements?|details|figures|a\s+video|videos?|names|"
            r"an?\s+appeal))",
        ),
    )
)
# Who the outcome concerns, told just before its words.
_ALL = re.compile(r"\b(?:all|both|they|those\s+(?:arrested|detained|held))\b", re.IGNORECASE)
# "the rest were released": how many is left to arithmetic, which is never done.
_REST = re.compile(
    r"\b(?:the\s+(?:rest|others|remainder|remaining\s+\w+)|the\s+other\s+(?:\w+\s+)?(?:people|"
    r"men|women|protest[eo]rs|activists|demonstrators))\b",
    re.IGNORECASE,
)
_ONE = re.compile(
    r"\b(?:he|she|the\s+(?:other|man|woman|boy|girl|teenager|protest[eo]r|activist|"
    r"\d{1,2}-year-old))\b",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(r"[;:]|,|\band\b|\bwhile\b|\bbut\b|\bwhereas\b", re.IGNORECASE)
_NUMBER = re.compile(NUMBER, re.IGNORECASE)
_NOT_DONE = re.compile(
    r"\b(?:not|no|never|yet\s+to|will|would|could|may|might|expected|facing|face|if)\s+"
    r"(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)
# "Those found guilty can be liable to ...": the law, not what happened.
_GENERAL_AFTER = re.compile(
    r"\s+(?:\w+\s+){0,2}?(?:can|could|may|might|would|will|face|faces|risk)\b", re.IGNORECASE
)
_HOLDERS = ("arrest", "charge", "other")
_REACH = 3  # sentences after an act in which its outcomes may be told


def attach_outcomes(text: str, sentences: list[Sentence], acts: list[Act]) -> None:
    """Find the outcomes stated around *acts* and add each to the act it is about."""
    holders = sorted(
        (a for a in acts if a.type in _HOLDERS and not a.item and not a.listed),
        key=lambda a: a.anchor[0],
    )
    if not holders:
        return
    wanted = sorted(
        {
            i
            for a in holders
            for i in range(a.sentence, min(len(sentences), a.sentence + _REACH + 1))
        }
    )
    for index in wanted:
        sentence = sentences[index]
        for slug, start, end in _mentions(text, sentence):
            holder = _holder(holders, sentences, index, start, slug)
            if holder is None:
                continue
            outcome = Outcome(slug, _count(text, sentence, start, holder), (start, end))
            if all(o.outcome != slug for o in holder.outcomes):
                holder.outcomes.append(outcome)


def _mentions(text: str, sentence: Sentence) -> list[tuple[str, int, int]]:
    """Outcome words in *sentence*, most specific first, never two over the same words."""
    found: list[tuple[str, int, int]] = []
    for slug, regex in _OUTCOMES:
        for m in regex.finditer(text, sentence.start, sentence.end):
            if any(m.start() < b and a < m.end() for _, a, b in found):
                continue
            before = text[max(sentence.start, m.start() - 30) : m.start()]
            if _NOT_DONE.search(before) or _GENERAL_AFTER.match(text, m.end(), sentence.end):
                continue  # "will be charged", "was not charged", "those found guilty can be ..."
            found.append((slug, m.start(), m.end()))
    return sorted(found, key=lambda f: f[1])


def _holder(
    holders: list[Act], sentences: list[Sentence], index: int, position: int, slug: str
) -> Act | None:
    """The act an outcome told at *position* (in sentence *index*) is about: the arrest told
    before it; for an outcome of a charge ("charged with X and bailed") with no arrest told,
    the charge; else the first arrest after it in its sentence."""
    earliest = sentences[max(0, index - _REACH)].start
    before = [a for a in holders if earliest <= a.anchor[0] < position]
    arrests = [a for a in before if a.type != "charge"]
    if arrests:
        return arrests[-1]
    if slug != "charged" and before:
        return before[-1]
    end = sentences[index].end
    return next((a for a in holders if position < a.anchor[0] < end and a.type != "charge"), None)


def _count(text: str, sentence: Sentence, start: int, holder: Act) -> int | None:
    """How many people the outcome at *start* concerns, as the words before it tell."""
    clause_start = sentence.start
    for m in _CLAUSE_BREAK.finditer(text, sentence.start, start):
        clause_start = m.end()
    numbers = [
        m
        for m in _NUMBER.finditer(text, clause_start, start)
        if not lx.not_people(text, m.start(), m.end())
    ]
    if numbers:
        return parse_number(numbers[-1].group())
    if _REST.search(text, clause_start, start):
        return None
    if _ALL.search(text, clause_start, start) or _ALL.search(text, sentence.start, start):
        return holder.count
    if _ONE.search(text, clause_start, start) or _ONE.search(text, sentence.start, start):
        return 1
    return 1 if holder.count == 1 else None  # what became of the one person told of
