"""Sentences and numbers of a news text, with character offsets kept exact.

Every later stage reports spans into the text it was given, so nothing here rewrites the text:
sentences are ``(start, end)`` windows over it, and numbers are parsed from the words as they
stand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "NUMBER",
    "VAGUE_BEFORE",
    "Sentence",
    "parse_number",
    "words",
    "link_sentences",
    "split_sentences",
]


def words(text: str) -> list[str]:
    """The words of *text*: lets long word lists be written as one wrapped string."""
    return text.split()


# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = frozenset(
    words(
        "mr mrs ms dr st supt insp sgt det ch cllr no nos vs v gen lt col rev prof sr jr co corp "
        "inc ltd dept est approx jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k a.m p.m "
        "s sec ss pc ds di dci dc acc cc"
    )
)
_SENTENCE_END = re.compile(r"[.!?…]+[\"”’')\]]*(?=\s)")
_LINE = re.compile(r"[^\n]+")
_STARTS_SENTENCE = re.compile(r"\s*[\"“‘'(\[]?[A-Z0-9£$€•\-–—]")


@dataclass(frozen=True)
class Sentence:
    """A sentence as a window over the text: ``text[start:end]``; *paragraph* counts lines."""

    start: int
    end: int
    paragraph: int
    text: str


def split_sentences(text: str) -> list[Sentence]:
    """Split *text* into sentences, keeping offsets.

    A line break ends a sentence unless the next line starts in lower case (hard-wrapped
    prose); a full stop ends one unless it follows a known abbreviation.

    >>> [s.text for s in split_sentences("Mr. Smith was held. Police said so.\\nNext line")]
    ['Mr. Smith was held.', 'Police said so.', 'Next line']
    """
    sentences: list[Sentence] = []
    paragraph = 0
    pending_start: int | None = None
    for line in _LINE.finditer(text):
        stripped = line.group().strip()
        if not stripped:
            continue
        line_start = line.start() + (len(line.group()) - len(line.group().lstrip()))
        line_end = line.end() - (len(line.group()) - len(line.group().rstrip()))
        # A hard-wrapped line continues the previous sentence.
        continuing = (
            pending_start is not None
            and stripped[:1].islower()
            and sentences
            and sentences[-1].text[-1:] not in '.!?"”'
        )
        if continuing:
            previous = sentences.pop()
            start = previous.start
            this_paragraph = previous.paragraph
        else:
            start = line_start
            paragraph += 1
            this_paragraph = paragraph
        cursor = start
        for end_mark in _SENTENCE_END.finditer(text, line_start, line_end):
            stop = end_mark.end()
            word = re.search(r"([\w.]+)[.!?…]+[\"”’')\]]*$", text[cursor:stop])
            if word and word.group(1).lower().rstrip(".") in _ABBREVIATIONS:
                continue
            if not _STARTS_SENTENCE.match(text, stop, line_end):
                continue
            if stop > cursor:
                sentences.append(Sentence(cursor, stop, this_paragraph, text[cursor:stop]))
            cursor = stop
            while cursor < line_end and text[cursor].isspace():
                cursor += 1
        if cursor < line_end:
            sentences.append(Sentence(cursor, line_end, this_paragraph, text[cursor:line_end]))
        pending_start = start
    return sentences


# --------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------

_UNITS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SMALL = "|".join(sorted([*_UNITS, *_TENS], key=len, reverse=True))
_WORD_NUMBER = (
    rf"(?:(?:a|one|{_SMALL})[ -]hundred(?:[ -](?:and[ -])?(?:{_SMALL})(?:[ -](?:{_SMALL}))?)?"
    rf"|(?:{'|'.join(_TENS)})(?:[ -](?:{'|'.join(_UNITS)}))?"
    rf"|{_SMALL})"
)
# Digits inside a word ("OA4P", "M25") are no number.
NUMBER = (
    rf"(?:(?<![\w.])\d{{1,3}}(?:,\d{{3}})+(?!\d)|(?<![\w.])\d+(?![\d,.]\d)(?![^\W\d_s])"
    rf"|{_WORD_NUMBER}(?![\w-]))"
)
"""A count as written: "521", "1,500", "seven", "twenty-five", "a hundred"."""

VAGUE_BEFORE = (
    r"(?:more than|over|at least|about|around|approximately|approx\.?|nearly|almost|up to|"
    r"roughly|fewer than|less than|under|upwards of|in excess of|close to|just over|just under|"
    r"well over|an estimated|estimated|some|as many as|no fewer than|no less than|"
    r"in the region of|as few as)"
)
"""Words that make the number after them bounded or approximate."""

_NUMBER_RE = re.compile(NUMBER, re.IGNORECASE)


def parse_number(words: str) -> int | None:
    """The integer a number phrase means, or None.

    >>> parse_number("1,500"), parse_number("Twenty-five"), parse_number("a hundred and six")
    (1500, 25, 106)
    >>> parse_number("several") is None
    True
    """
    words = words.strip().lower()
    if not words or not _NUMBER_RE.fullmatch(words):
        return None
    if words[0].isdigit():
        return int(words.replace(",", ""))
    total = 0
    current = 0
    for word in re.split(r"[ -]+", words):
        if word == "and":
            continue
        if word == "a":
            current = 1
        elif word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        else:
            return None
    return total + current


# --------------------------------------------------------------------------------------------
# Links to other stories
# --------------------------------------------------------------------------------------------

# A label over a list of other stories' headlines, or before one ("Read more: ...").
_LINKS_LABEL = re.compile(
    r"(?:related(?:\s+(?:articles?|stories|content|news|links|topics|reading))?|"
    r"more\s+(?:stories|news|on\s+this(?:\s+story)?|from\s+[\w ]{1,30}|like\s+this)|read\s+more|"
    r"most\s+(?:read|popular|viewed|shared)|you\s+(?:may|might)\s+also\s+like|"
    r"recommended(?:\s+for\s+you)?|trending(?:\s+now)?|top\s+stories|latest(?:\s+(?:news|stories))?|"
    r"see\s+also|also\s+read|other\s+stories|what\s+to\s+read\s+next)",
    re.IGNORECASE,
)
_LINKS_LABEL_LINE = re.compile(rf"\W*{_LINKS_LABEL.pattern}\W*", re.IGNORECASE)
_LINKS_LABEL_INLINE = re.compile(rf"\W*{_LINKS_LABEL.pattern}\s*[:|–—-]", re.IGNORECASE)


def link_sentences(sentences: list[Sentence]) -> set[int]:
    """The sentences that are other stories' headlines: a line "Related" (or "More stories",
    "Read more"...) and the short unpunctuated lines after it, or one line "Read more: ...".
    Scraped pages carry them, and an arrest in one is no act of this story.

    >>> s = split_sentences("Police held two.\\nRelated\\nMan arrested after break-in\\nMore")
    >>> sorted(link_sentences(s))
    [1, 2, 3]
    """
    found: set[int] = set()
    in_list = False
    for index, sentence in enumerate(sentences):
        words = sentence.text.strip()
        if _LINKS_LABEL_LINE.fullmatch(words):
            found.add(index)
            in_list = True
        elif _LINKS_LABEL_INLINE.match(words) or (
            in_list and len(words) < 120 and words[-1:] not in '.!?"”'
        ):
            found.add(index)
        else:
            in_list = False
    return found
