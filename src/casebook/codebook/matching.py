"""Resolve police forces and legal provisions named in free text to codebook slugs.

Framework-free on purpose: the importer, the news extractor and the CLI all need the same
answers, and none of them should have to start Django to get them. Everything here works on
the plain dicts of a codebook file (``data/uk.json``).

Two indexes:

- :class:`NameIndex` for organisations: exact lookup of a name or alias, and a scan that finds
  every mention in a long text.
- :class:`ProvisionIndex` for legislation: understands citations as people write them
  ("s.14 POA", "Section 13 of the Terrorism Act", "Terrorism Act 2000, section 12") and picks
  the statute from the section when two Acts share a name.

The guiding rule is *refuse rather than guess*: an alias that would name two organisations is an
error when the index is built, and a citation that could mean two provisions resolves to None.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "ORGANISATION_LOOKALIKES",
    "STATUTE_LOOKALIKES",
    "CitationMention",
    "Mention",
    "NameIndex",
    "ProvisionIndex",
    "canonical_citation",
    "default_codebook_path",
    "load_codebook_file",
    "normalise",
]

Mention = tuple[str, int, int]
"""A slug found in a text, with the start and end offsets of the words that named it."""

# Phrases that contain a force's alias but name something else. "the Met Office" must not be
# read as "the Met" followed by "Office".
ORGANISATION_LOOKALIKES: tuple[str, ...] = (
    "Met Office",
    "Met Gala",
    "Met Museum",
    "Met Opera",
    "Met Éireann",
    "Metropolitan Museum",
    "Metropolitan Opera",
)

# Acts outside the codebook whose names end with the name of an Act inside it: without these,
# "the Prevention of Terrorism Act" would be read as the Terrorism Act 2000.
STATUTE_LOOKALIKES: tuple[str, ...] = (
    "Prevention of Terrorism Act",
    "Counter-Terrorism Act",
    "City of London Police Act",
    "Electronic Communications Act",
    "Criminal Justice (Public Order) Act",
)

# A trailing word that makes a place name into a force name: "Kent Police" and "Kent
# Constabulary" are the same force, "Kent" alone is a county.
_FORCE_SUFFIXES: tuple[tuple[str, ...], ...] = (
    ("police", "department"),
    ("police", "service"),
    ("police", "force"),
    ("constabulary",),
    ("police",),
)
_INTERCHANGEABLE_SUFFIXES: tuple[tuple[str, ...], ...] = (
    ("police",),
    ("constabulary",),
    ("police", "service"),
    ("police", "force"),
)

_APOSTROPHES = re.compile(r"['’‘`´]")
_NON_WORD = re.compile(r"[\W_]+")
_RAW_TOKEN = re.compile(r"\w+|&")
_ACRONYM = re.compile(r"[A-Z]{2,}")
_LEADING_THE = re.compile(r"the(?!\w)\W*", re.IGNORECASE)


@functools.lru_cache(maxsize=4096)
def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _fold(text: str) -> str:
    """Casefold, strip accents, '&' -> 'and', punctuation -> spaces; keeps a leading 'the'."""
    text = _strip_accents(text).casefold().replace("&", " and ")
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
    folded = _fold(text)
    if folded.startswith("the "):
        folded = folded[4:]
    return folded


# --------------------------------------------------------------------------------------------
# Phrase trie compiled to one regular expression
# --------------------------------------------------------------------------------------------

# A token of a phrase as it is matched in running text: its folded text and how its case
# matters. Acronyms ("GMP", "POA", "PACE") match only in capitals, so that "pace" or "mps" in
# ordinary prose are not read as names; the first word of an organisation's name must keep its
# capital, so that "protesters met police" is not "Met Police".
_Token = tuple[str, int]
_ANY_CASE, _EXACT, _CAPITALISED = 0, 1, 2

# Between the words of a name: spaces, hyphens or dashes (statute names also carry commas and
# brackets: "Police, Crime, Sentencing and Courts Act", "Criminal Justice and Licensing
# (Scotland) Act"). At least one character, so a word always ends where a separator starts, and
# possessive, so a failed match never backtracks through long runs of whitespace. The pattern
# repeats the separator between every two words of every name, so it is kept short: compiling
# the index is most of its cost.
_NAME_SEPARATOR = "[\\s\u2010-\u2015-]++"
_STATUTE_SEPARATOR = "[\\s\u2010-\u2015,()-]++"
# A blank line inside a match means two paragraphs: "in Kent" ending one and "Police said"
# starting the next is not "Kent Police".
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n")


def _matches(regex: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """``regex.finditer(text)``, skipping matches that span a paragraph break."""
    position = 0
    while (match := regex.search(text, position)) is not None:
        if _PARAGRAPH_BREAK.search(match.group()):
            position = match.start() + 1
            continue
        yield match
        position = match.end() if match.end() > match.start() else match.end() + 1


def _surface_forms(phrase: str, *, proper_name: bool = False) -> set[tuple[_Token, ...]]:
    """The token sequences by which *phrase* can appear in text (with and without accents).

    For a *proper_name*, the first word after an optional "the" keeps its initial capital.
    """
    forms: set[tuple[_Token, ...]] = set()
    for variant in {phrase, _strip_accents(phrase)}:
        tokens: list[_Token] = []
        for raw in _RAW_TOKEN.findall(_APOSTROPHES.sub("", variant)):
            if raw == "&":
                tokens.append(("and", _ANY_CASE))
            elif _ACRONYM.fullmatch(raw):
                tokens.append((raw, _EXACT))
            else:
                first = not tokens or (len(tokens) == 1 and tokens[0][0] == "the")
                capitalised = proper_name and first and raw[0].isupper()
                tokens.append((raw.casefold(), _CAPITALISED if capitalised else _ANY_CASE))
        if tokens:
            forms.add(tuple(tokens))
    return forms


def _folded(tokens: Iterable[_Token]) -> tuple[str, ...]:
    return tuple(_strip_accents(text).casefold() for text, _ in tokens)


def _key(tokens: tuple[_Token, ...]) -> str:
    """The :func:`normalise` form of a token sequence."""
    words = _folded(tokens)
    return " ".join(words[1:] if words[:1] == ("the",) and len(words) > 1 else words)


class _Trie:
    """A trie of phrases over characters, rendered as one regex.

    A plain alternation of hundreds of names makes the regex engine try every name at every
    position; a trie shares prefixes, so each position costs a handful of character tests.
    """

    _END = ("end",)

    def __init__(self, separator: str) -> None:
        self._root: dict[tuple[str, ...], Any] = {}
        self._separator = separator

    def add(self, tokens: tuple[_Token, ...], *, force_suffix: bool = False) -> None:
        """Add a phrase; with *force_suffix*, followed by any of "Police", "Constabulary",
        "Police Service" or "Police Force" (one shared sub-pattern instead of four names)."""
        node = self._root
        units: list[tuple[str, ...]] = []
        for index, (text, case) in enumerate(tokens):
            if index:
                units.append(("sep",))
            if case == _EXACT:
                units.append(("exact", text))
            elif case == _CAPITALISED:
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


# --------------------------------------------------------------------------------------------
# Organisations
# --------------------------------------------------------------------------------------------


def _split_force_suffix(
    tokens: tuple[_Token, ...],
) -> tuple[tuple[_Token, ...], tuple[str, ...]] | None:
    """Split "Kent Police" into ("Kent", ("police",)); None without a suffix or a place."""
    words = _folded(tokens)
    for suffix in _FORCE_SUFFIXES:
        if len(words) > len(suffix) and words[-len(suffix) :] == suffix:
            stem = tokens[: -len(suffix)]
            return None if _folded(stem) == ("the",) else (stem, suffix)
    return None


class NameIndex:
    """Exact, unambiguous lookup of organisations by name or alias.

    Built from ``(slug, name, aliases)`` records. Each name and alias is compared after
    :func:`normalise`. A force name ending in "Police" also answers to the same name ending in
    "Constabulary", "Police Service" or "Police Force" (and the other way round), unless that
    variant is another organisation's alias; a bare place name never matches.

    An alias given for two different slugs raises ``ValueError``: an index that silently
    picked one would file incidents under the wrong force.

    >>> index = NameIndex([("kent-police", "Kent Police", ["Kent Constabulary"]),
    ...                    ("metropolitan-police-service", "Metropolitan Police Service",
    ...                     ["the Met", "Scotland Yard"])])
    >>> index.resolve("Scotland Yard"), index.resolve("kent police force"), index.resolve("Kent")
    ('metropolitan-police-service', 'kent-police', None)
    >>> index.find_all("The Met and Kent Constabulary, not the Met Office.")
    [('metropolitan-police-service', 0, 7), ('kent-police', 12, 29)]
    """

    def __init__(
        self,
        records: Iterable[tuple[str, str, Iterable[str]]],
        *,
        ignore: Iterable[str] = ORGANISATION_LOOKALIKES,
    ) -> None:
        self._explicit: dict[str, str] = {}
        self._variants: dict[str, str | None] = {}  # None: two organisations share the variant
        self._names: dict[str, str] = {}
        # Keys of aliases that only work with their "the" ("the Met" -> "met"): a mention of
        # them keeps "the" in its span.
        self._needs_the: set[str] = set()
        forms: list[tuple[_Token, ...]] = []  # every phrase find_all must see, look-alikes too

        for slug, name, aliases in records:
            if slug in self._names:
                raise ValueError(f"duplicate organisation slug {slug!r}")
            self._names[slug] = name
            for alias in (name, *aliases):
                key = normalise(alias)
                if not key:
                    raise ValueError(f"empty name or alias for {slug!r}")
                other = self._explicit.setdefault(key, slug)
                if other != slug:
                    raise ValueError(
                        f"ambiguous alias {alias!r}: names both {other!r} and {slug!r}"
                    )
                if _fold(alias).startswith("the "):
                    self._needs_the.add(key)
                forms.extend(_surface_forms(alias, proper_name=True))

        for form in forms:
            split = _split_force_suffix(form)
            if split is None:
                continue
            stem, suffix = split
            slug = self._explicit[_key(form)]
            for other in _INTERCHANGEABLE_SUFFIXES:
                key = _key(stem + tuple((word, _ANY_CASE) for word in other))
                if key in self._explicit:
                    continue  # an explicit alias always wins over a guessed variant
                if self._variants.setdefault(key, slug) not in (slug, None):
                    self._variants[key] = None

        for phrase in ignore:
            key = normalise(phrase)
            if key in self._explicit:
                raise ValueError(f"{phrase!r} is ignored but names {self._explicit[key]!r}")
            forms.extend(_surface_forms(phrase, proper_name=True))

        # Where an alias needs its "the" ("the Met"), a longer name starting with the next word
        # ("Met Office", "Met Police") must be matchable with "the" too, or "the Met" would
        # win by starting earlier.
        after_the = {_folded(f)[1] for f in forms if len(f) > 1 and _folded(f)[0] == "the"}
        trie = _Trie(_NAME_SEPARATOR)
        for form in forms:
            variants = [form]
            if _folded(form)[0] in after_the:
                variants.append((("the", _ANY_CASE), *form))
            for variant in variants:
                split = _split_force_suffix(variant)
                if split is None or split[1] not in _INTERCHANGEABLE_SUFFIXES:
                    trie.add(variant)  # no suffix, or not an interchangeable one ("Department")
                if split is not None:
                    trie.add(split[0], force_suffix=True)
        self._regex = re.compile(rf"(?<!\w){trie.pattern()}(?!\w)", re.IGNORECASE)

    @classmethod
    def from_organisations(
        cls,
        organisations: Iterable[Mapping[str, Any]],
        *,
        ignore: Iterable[str] = ORGANISATION_LOOKALIKES,
    ) -> NameIndex:
        """Build from the ``organisations`` list of a codebook file."""
        return cls(
            ((o["slug"], o["name"], o.get("aliases") or ()) for o in organisations),
            ignore=ignore,
        )

    def __len__(self) -> int:
        return len(self._names)

    def name(self, slug: str) -> str:
        """The canonical name of *slug* (``KeyError`` if unknown)."""
        return self._names[slug]

    def _lookup(self, key: str) -> str | None:
        if key in self._explicit:
            return self._explicit[key]
        return self._variants.get(key)

    def resolve(self, text: str) -> str | None:
        """The slug whose name or alias is exactly *text* (after normalising), else None.

        >>> NameIndex([("cheshire-constabulary", "Cheshire Constabulary",
        ...             ["Cheshire Police"])]).resolve("CHESHIRE POLICE")
        'cheshire-constabulary'
        """
        return self._lookup(normalise(text))

    def find_all(self, text: str) -> list[Mention]:
        """Every mention of an organisation in *text*, in order, as ``(slug, start, end)``.

        Matches whole words, case-insensitively (acronyms such as "GMP" only in capitals), the
        longest name first and never overlapping. A leading "the" is part of the span only when
        the alias needs it ("the Met").

        >>> index = NameIndex([("avon", "Avon and Somerset Constabulary", [])])
        >>> index.find_all("Officers from Avon & Somerset police said")
        [('avon', 14, 36)]
        """
        mentions: list[Mention] = []
        for match in _matches(self._regex, text):
            matched = match.group()
            slug = self._lookup(normalise(matched))
            if slug is None:
                continue  # a look-alike such as "Met Office"
            start = match.start()
            the = _LEADING_THE.match(matched)
            if the and normalise(matched) not in self._needs_the:
                start += the.end()
            mentions.append((slug, start, match.end()))
        return mentions


# --------------------------------------------------------------------------------------------
# Legislation
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CitationMention:
    """A citation of legislation found in a text.

    ``provision`` is None when the statute is in the codebook but the section is not; the
    canonical ``citation`` ("Terrorism Act 2000 s58") is still given.
    """

    statute: str
    section: str | None
    provision: str | None
    citation: str
    start: int
    end: int


_YEAR = r"(?:1[5-9]\d\d|20\d\d)"
_SECTION_WORD = r"(?:sections?|secs?|sect|ss|s|§§|§)\.?"
_SECTION_NUMBER = r"\d{1,3}[A-Za-z]{0,3}(?!\w)"
_SUBSECTIONS = r"(?:[ \t]?\([ \t]*[0-9A-Za-z]{1,4}[ \t]*\))*"
_SECTION_ITEM = rf"(?:{_SECTION_WORD}[ \t]*)?(?P<number>{_SECTION_NUMBER}){_SUBSECTIONS}"
_SECTION_LIST = (
    rf"{_SECTION_WORD}[ \t]*{_SECTION_NUMBER}{_SUBSECTIONS}"
    rf"(?:[ \t]*(?:,|and|or|&|/)[ \t]*(?:{_SECTION_WORD}[ \t]*)?{_SECTION_NUMBER}{_SUBSECTIONS})*"
)
_SECTION_ITEM_RE = re.compile(_SECTION_ITEM, re.IGNORECASE)
_BARE_SECTION_RE = re.compile(
    rf"[ \t]*{_SECTION_WORD}[ \t]*(?P<number>{_SECTION_NUMBER}){_SUBSECTIONS}[ \t]*",
    re.IGNORECASE,
)


def _section_key(section: str) -> str:
    """'04a' -> '4A': how sections are compared."""
    digits = section.lstrip("0") or "0"
    return digits.upper()


def canonical_citation(name: str, year: int, section: str | None) -> str:
    """The citation form used across Casebook.

    >>> canonical_citation("Public Order Act", 1986, "14")
    'Public Order Act 1986 s14'
    >>> canonical_citation("Terrorism Act", 2000, None)
    'Terrorism Act 2000'
    """
    return f"{name} {year}" + (f" s{section}" if section else "")


class ProvisionIndex:
    """Resolve citations of legislation to the codebook's legal provisions.

    Built from the ``statutes`` and ``legal_provisions`` lists of a codebook file. Understands
    the canonical and short citations, explicit aliases, and the usual ways of writing a
    section: "s.14 POA", "s14 Public Order Act 1986", "section 14 of the Public Order Act",
    "Terrorism Act 2000, section 12", "sec. 5 POA 1986", "the 1986 Public Order Act s.14".
    An Act named without a section resolves to the Act's own (section-less) provision.

    When an Act is named without a year and several statutes share the name, the section
    decides: s7 of "the Public Order Act" is the 2023 Act, s12 the 1986 Act. With no section,
    or a section more than one of them has, the answer is None: the index never prefers the
    older or the more common Act.

    >>> index = ProvisionIndex.from_codebook(load_codebook_file(default_codebook_path()))
    >>> index.resolve("Section 13 of the Terrorism Act"), index.resolve("s.7 Public Order Act")
    ('ta-2000-s13', 'poa-2023-s7')
    >>> index.resolve("Public Order Act") is None
    True
    """

    def __init__(
        self,
        statutes: Iterable[Mapping[str, Any]],
        provisions: Iterable[Mapping[str, Any]],
        *,
        ignore: Iterable[str] = STATUTE_LOOKALIKES,
    ) -> None:
        self._statutes: dict[str, tuple[str, int]] = {}
        # Normalised statute name or alias -> the statutes it can mean. A bare name may mean
        # several ("public order act"); an alias or a name with its year means exactly one.
        self._statute_forms: dict[str, set[str]] = {}
        self._by_section: dict[tuple[str, str | None], str] = {}
        self._sections: dict[str, set[str]] = {}  # section key -> provision slugs, all Acts
        self._exact: dict[str, str] = {}
        self._citations: dict[str, str] = {}
        self._located: dict[str, tuple[str, str | None]] = {}  # slug -> (statute, section)
        statute_trie = _Trie(_STATUTE_SEPARATOR)
        aliases: list[tuple[str, str]] = []

        unique_forms: dict[str, str] = {}
        for statute in statutes:
            slug, name = statute["slug"], statute["name"]
            if statute.get("year") is None:
                raise ValueError(f"statute {slug!r} has no year: citations need one")
            year = int(statute["year"])
            if slug in self._statutes:
                raise ValueError(f"duplicate statute slug {slug!r}")
            self._statutes[slug] = (name, year)
            self._statute_forms.setdefault(normalise(name), set()).add(slug)
            for alias in (f"{name} {year}", *(statute.get("aliases") or ())):
                key = normalise(alias)
                if unique_forms.setdefault(key, slug) != slug:
                    raise ValueError(
                        f"ambiguous statute alias {alias!r}: {unique_forms[key]!r} and {slug!r}"
                    )
                for form in _surface_forms(alias):
                    statute_trie.add(form)
            for form in _surface_forms(name):
                statute_trie.add(form)
        for key, slug in unique_forms.items():
            if key in self._statute_forms and self._statute_forms[key] != {slug}:
                raise ValueError(f"statute alias {key!r} is also the name of other Acts")
            self._statute_forms[key] = {slug}
        for phrase in ignore:
            if normalise(phrase) not in self._statute_forms:
                for form in _surface_forms(phrase):
                    statute_trie.add(form)  # matched, then dropped: it names another Act

        for provision in provisions:
            slug, statute = provision["slug"], provision["statute"]
            if statute not in self._statutes:
                raise ValueError(f"provision {slug!r} cites unknown statute {statute!r}")
            if slug in self._citations:
                raise ValueError(f"duplicate provision slug {slug!r}")
            section = provision.get("section")
            section_key = _section_key(str(section)) if section else None
            if self._by_section.setdefault((statute, section_key), slug) != slug:
                raise ValueError(f"{statute!r} section {section!r} appears twice")
            if section_key:
                self._sections.setdefault(section_key, set()).add(slug)
            self._citations[slug] = provision["citation"]
            self._located[slug] = (statute, section_key)
            names = [provision["citation"], provision.get("short_citation") or ""]
            for alias in [*names, *(provision.get("aliases") or ())]:
                key = normalise(alias)
                if not key:
                    continue
                if self._exact.setdefault(key, slug) != slug:
                    raise ValueError(
                        f"ambiguous citation {alias!r}: {self._exact[key]!r} and {slug!r}"
                    )
                aliases.append((slug, alias))

        self._statute_names = statute_trie.pattern()
        self._regex = self._compile(_Trie(_NAME_SEPARATOR))
        # Most aliases are ordinary citations the grammar already reads; only the others need
        # matching as literal phrases (and each one makes the pattern longer to compile).
        alias_trie = _Trie(_NAME_SEPARATOR)
        for slug, alias in aliases:
            if self.find_all(alias) != [(slug, 0, len(alias))]:
                for form in _surface_forms(alias):
                    alias_trie.add(form)
        if alias_trie:
            self._regex = self._compile(alias_trie)

    def _compile(self, alias_trie: _Trie) -> re.Pattern[str]:
        return re.compile(
            r"(?<![\w'’])(?:"
            # Sections first: "s.14 of the Public Order Act 1986", "sections 12 and 14 of ..."
            rf"(?:(?P<sections>{_SECTION_LIST})[ \t]*,?[ \t]*"
            r"(?:(?:of|under|in|to)[ \t]+)?(?:the[ \t]+)?)?"
            # The Act: "Public Order Act", "the 1986 Public Order Act", "POA 1986"
            rf"(?:(?P<year_before>{_YEAR})[ \t]+)?(?P<name>{self._statute_names})(?!\w)"
            rf"(?:[ \t]*,?[ \t]*\(?(?P<year_after>{_YEAR})\)?(?!\w))?"
            # Sections after the Act, when none came before: "Terrorism Act 2000, section 12",
            # unless they belong to the next Act: "the Terrorism Act and s.5 of the POA".
            rf"(?(sections)|(?:[ \t]*[,(\-\u2013]?[ \t]*(?P<tail>{_SECTION_LIST})"
            r"(?![ \t]*,?[ \t]*(?:of|under)[ \t])\)?)?)"
            rf"|(?P<alias>{alias_trie.pattern()})(?!\w)"
            ")",
            re.IGNORECASE,
        )

    @classmethod
    def from_codebook(cls, codebook: Mapping[str, Any]) -> ProvisionIndex:
        """Build from a loaded codebook file."""
        return cls(codebook["statutes"], codebook["legal_provisions"])

    def citation(self, slug: str) -> str:
        """The canonical citation of provision *slug* (``KeyError`` if unknown)."""
        return self._citations[slug]

    # -- resolving ----------------------------------------------------------------------------

    def resolve(self, text: str) -> str | None:
        """The provision *text* cites, or None when it cites none or could mean several.

        Tries, in order: an exact citation or alias; an Act alone ("Terrorism Act"); a section
        alone, when exactly one provision in the codebook has it ("s.4A"); and finally the
        citations found in the text ("arrested under the Terrorism Act"), which must all agree.

        >>> index = ProvisionIndex.from_codebook(load_codebook_file(default_codebook_path()))
        >>> index.resolve("arrested under s.14 POA for breaching conditions")
        'poa-1986-s14'
        """
        key = normalise(text)
        if key in self._exact:
            return self._exact[key]
        if key in self._statute_forms:
            return self._act_provision(self._statute_forms[key])
        bare = _BARE_SECTION_RE.fullmatch(text.strip())
        if bare:
            candidates = self._sections.get(_section_key(bare.group("number")), set())
            return next(iter(candidates)) if len(candidates) == 1 else None
        found = {citation.provision for citation in self._scan(text)}
        if len(found) == 1:
            return found.pop()
        return None

    def find_citations(self, text: str) -> list[CitationMention]:
        """Every citation of a codebook statute in *text*, including sections it lacks.

        "sections 12 and 14 of the Public Order Act" gives two citations; their spans
        partition the words of the citation.
        """
        return [c for c in self._scan(text) if c.statute]

    def find_all(self, text: str) -> list[Mention]:
        """Every mention of a codebook provision in *text*, as ``(slug, start, end)``.

        Sections named without their Act ("a section 14 order") are not reported: in running
        text a bare number is too weak a clue.

        >>> index = ProvisionIndex.from_codebook(load_codebook_file(default_codebook_path()))
        >>> index.find_all("held under Section 13 of the Terrorism Act and s.5 POA 1986")
        [('ta-2000-s13', 11, 42), ('poa-1986-s5', 47, 59)]
        """
        return [(c.provision, c.start, c.end) for c in self._scan(text) if c.provision]

    def _act_provision(self, statutes: set[str]) -> str | None:
        if len(statutes) != 1:
            return None
        return self._by_section.get((next(iter(statutes)), None))

    def _statutes_named(self, match: re.Match[str]) -> set[str]:
        named = self._statute_forms.get(normalise(match.group("name")), set())
        year = match.group("year_before") or match.group("year_after")
        if year:
            named = {slug for slug in named if self._statutes[slug][1] == int(year)}
        return named

    def _scan(self, text: str) -> Iterator[CitationMention]:
        """Yield citations; ones that cannot be pinned to one statute have ``statute=''``."""
        for match in _matches(self._regex, text):
            if match.group("alias") is not None:
                slug = self._exact.get(normalise(match.group("alias")))
                if slug:
                    yield self._mention(slug, match.start(), match.end())
                continue
            known_name = normalise(match.group("name")) in self._statute_forms  # not a look-alike
            statutes = self._statutes_named(match)
            group = "sections" if match.group("sections") is not None else "tail"
            if match.group(group) is None:
                act = self._act_provision(statutes)
                if act:
                    yield self._mention(act, match.start(), match.end())
                elif known_name:
                    yield CitationMention("", None, None, "", match.start(), match.end())
                continue
            yield from self._section_mentions(match, group, statutes, known_name)

    def _section_mentions(
        self, match: re.Match[str], group: str, statutes: set[str], known_name: bool
    ) -> Iterator[CitationMention]:
        offset = match.start(group)
        items = list(_SECTION_ITEM_RE.finditer(match.group(group)))
        for position, item in enumerate(items):
            # The spans partition the citation: the first takes its start, the last its end.
            start = match.start() if position == 0 else offset + item.start("number")
            end = match.end() if position == len(items) - 1 else offset + item.end("number")
            section = _section_key(item.group("number"))
            having = {s for s in statutes if (s, section) in self._by_section}
            if len(having) == 1:
                statute = having.pop()
                yield self._mention(self._by_section[(statute, section)], start, end)
            elif len(statutes) == 1 and not having:
                statute = next(iter(statutes))
                name, year = self._statutes[statute]
                yield CitationMention(
                    statute, section, None, canonical_citation(name, year, section), start, end
                )
            elif known_name:
                yield CitationMention("", section, None, "", start, end)

    def _mention(self, slug: str, start: int, end: int) -> CitationMention:
        statute, section = self._located[slug]
        return CitationMention(statute, section, slug, self._citations[slug], start, end)


# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------

_REQUIRED_KEYS = (
    "jurisdiction",
    "name",
    "version",
    "organisations",
    "statutes",
    "legal_provisions",
    "act_types",
    "trigger_types",
    "outcomes",
)


def default_codebook_path() -> Path:
    """The UK codebook shipped with Casebook (``codebook/data/uk.json``)."""
    return Path(__file__).resolve().parent / "data" / "uk.json"


def load_codebook_file(path: str | Path) -> dict[str, Any]:
    """Read a codebook JSON file, checking that its top-level sections are all present.

    >>> load_codebook_file(default_codebook_path())["jurisdiction"]
    'uk'
    """
    with Path(path).open(encoding="utf-8") as fh:
        codebook = json.load(fh)
    if not isinstance(codebook, dict):
        raise ValueError(f"{path}: a codebook is a JSON object")
    missing = [key for key in _REQUIRED_KEYS if key not in codebook]
    if missing:
        raise ValueError(f"{path}: missing {', '.join(missing)}")
    return codebook
