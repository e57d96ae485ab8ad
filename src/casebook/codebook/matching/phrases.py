"""How names are compared and found: folding text, and a trie of phrases as one regex.

`normalise` is the form every name and alias is compared in; `PhraseTrie` turns hundreds of
names into one regular expression that finds them in running text at a handful of character
tests per position. The indexes in `names.py` and `citations.py` are built on both.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any

Mention = tuple[str, int, int]
"""A slug found in a text, with the start and end offsets of the words that named it."""

_APOSTROPHES = re.compile(r"['’‘`´]")
_NON_WORD = re.compile(r"[\W_]+")
_RAW_TOKEN = re.compile(r"\w+|&")
_ACRONYM = re.compile(r"[A-Z]{2,}")
LEADING_THE = re.compile(r"the(?!\w)\W*", re.IGNORECASE)


@functools.lru_cache(maxsize=4096)
def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Casefold, strip accents, '&' -> 'and', punctuation -> spaces; keeps a leading 'the'."""
    text = strip_accents(text).casefold().replace("&", " and ")
    text = _APOSTROPHES.sub("", text)
    return _NON_WORD.sub(" ", text).strip()


def normalise(text: str) -> str:
    """Reduce a name to the form names are compared in.

    Casefolds, strips accents, reads "&" as "and", turns punctuation into spaces, drops a
    leading "the" and collapses runs of spaces.

    >>> normalise("  The Devon & Cornwall   Police. ")
    'devon and cornwall police'
    >>> normalise("Dyfed-Powys Police")
    'dyfed powys police'
    """
    folded = fold(text)
    if folded.startswith("the "):
        folded = folded[4:]
    return folded


# A token of a phrase as it is matched in running text: its folded text and how its case
# matters. Acronyms ("GMP", "POA", "PACE") match only in capitals, so that "pace" or "mps" in
# ordinary prose are not read as names; the first word of an organisation's name must keep its
# capital, so that "protesters met police" is not "Met Police".
Token = tuple[str, int]
ANY_CASE, EXACT, CAPITALISED = 0, 1, 2

# Between the words of a name: spaces, hyphens or dashes (statute names also carry commas and
# brackets: "Police, Crime, Sentencing and Courts Act", "Criminal Justice and Licensing
# (Scotland) Act"). At least one character, so a word always ends where a separator starts, and
# possessive, so a failed match never backtracks through long runs of whitespace. The pattern
# repeats the separator between every two words of every name, so it is kept short: compiling
# the index is most of its cost.
NAME_SEPARATOR = "[\\s\u2010-\u2015-]++"
STATUTE_SEPARATOR = "[\\s\u2010-\u2015,()-]++"
# A blank line inside a match means two paragraphs: "in Kent" ending one and "Police said"
# starting the next is not "Kent Police".
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n")


def paragraph_matches(regex: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """``regex.finditer(text)``, skipping matches that span a paragraph break."""
    position = 0
    while (match := regex.search(text, position)) is not None:
        if _PARAGRAPH_BREAK.search(match.group()):
            position = match.start() + 1
            continue
        yield match
        position = match.end() if match.end() > match.start() else match.end() + 1


def surface_forms(phrase: str, *, proper_name: bool = False) -> set[tuple[Token, ...]]:
    """The token sequences by which *phrase* can appear in text (with and without accents).

    For a *proper_name*, the first word after an optional "the" keeps its initial capital.
    """
    forms: set[tuple[Token, ...]] = set()
    for variant in {phrase, strip_accents(phrase)}:
        tokens: list[Token] = []
        for raw in _RAW_TOKEN.findall(_APOSTROPHES.sub("", variant)):
            if raw == "&":
                tokens.append(("and", ANY_CASE))
            elif _ACRONYM.fullmatch(raw):
                tokens.append((raw, EXACT))
            else:
                first = not tokens or (len(tokens) == 1 and tokens[0][0] == "the")
                capitalised = proper_name and first and raw[0].isupper()
                tokens.append((raw.casefold(), CAPITALISED if capitalised else ANY_CASE))
        if tokens:
            forms.add(tuple(tokens))
    return forms


def folded_words(tokens: Iterable[Token]) -> tuple[str, ...]:
    return tuple(strip_accents(text).casefold() for text, _ in tokens)


def phrase_key(tokens: tuple[Token, ...]) -> str:
    """The :func:`normalise` form of a token sequence."""
    words = folded_words(tokens)
    return " ".join(words[1:] if words[:1] == ("the",) and len(words) > 1 else words)


class PhraseTrie:
    """A trie of phrases over characters, rendered as one regex.

    A plain alternation of hundreds of names makes the regex engine try every name at every
    position; a trie shares prefixes, so each position costs a handful of character tests.
    """

    _END = ("end",)

    def __init__(self, separator: str) -> None:
        self._root: dict[tuple[str, ...], Any] = {}
        self._separator = separator

    def add(self, tokens: tuple[Token, ...], *, force_suffix: bool = False) -> None:
        """Add a phrase; with *force_suffix*, followed by any of "Police", "Constabulary",
        "Police Service" or "Police Force" (one shared sub-pattern instead of four names)."""
        node = self._root
        units: list[tuple[str, ...]] = []
        for index, (text, case) in enumerate(tokens):
            if index:
                units.append(("sep",))
            if case == EXACT:
                units.append(("exact", text))
            elif case == CAPITALISED:
                units.append(("exact", text[0].upper()))
                units.extend(("char", c) for c in text[1:])
            elif text == "and":
                units.append(("and",))
            else:
                units.extend(("char", c) for c in text)
        if force_suffix:
            units.extend([("sep",), ("suffix",)])
        for unit in units:
            node = node.setdefault(unit, {})
        node[self._END] = {}

    def __bool__(self) -> bool:
        return bool(self._root)

    def pattern(self) -> str:
        """The regex source matching any phrase added, longest first at each position.

        It ends mid-word as often as not: the caller follows it with ``(?!\\w)``, and
        backtracking then finds the longest phrase that ends on a word boundary.
        """
        if not self._root:
            return r"(?!x)x"  # matches nothing
        return self._render(self._root)

    def _unit(self, unit: tuple[str, ...]) -> str:
        kind = unit[0]
        if kind == "char":
            return re.escape(unit[1])
        if kind == "sep":
            return self._separator
        if kind == "and":
            return "(?:and|&)"
        if kind == "suffix":
            return f"(?:police(?:{self._separator}(?:service|force))?|constabulary)"
        return f"(?-i:{re.escape(unit[1])})"  # exact

    def _render(self, node: dict[tuple[str, ...], Any]) -> str:
        branches = []
        for unit in sorted((u for u in node if u != self._END), key=repr):
            chain = [self._unit(unit)]
            child = node[unit]
            # Follow single-child chains without opening a group per character.
            while len(child) == 1 and self._END not in child:
                (next_unit,) = child
                chain.append(self._unit(next_unit))
                child = child[next_unit]
            if len(child) > 1 or self._END not in child:
                rest = self._render(child)
                # Longer continuations are tried before stopping here: greedy `?`.
                chain.append(f"(?:{rest})?" if self._END in child else rest)
            branches.append("".join(chain))
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
