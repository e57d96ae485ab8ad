"""Legislation as people cite it: "s.14 POA", "Section 13 of the Terrorism Act", "TA 2000 s12"."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from casebook.codebook.matching.phrases import (
    NAME_SEPARATOR,
    STATUTE_SEPARATOR,
    Mention,
    PhraseTrie,
    normalise,
    paragraph_matches,
    surface_forms,
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

    >>> from casebook.codebook.matching.files import default_codebook_path, load_codebook_file
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
        self._statute_names = self._read_statutes(statutes, ignore).pattern()
        aliases = self._read_provisions(provisions)
        self._regex = self._compile(PhraseTrie(NAME_SEPARATOR))
        # Most aliases are ordinary citations the grammar already reads; only the others need
        # matching as literal phrases (and each one makes the pattern longer to compile).
        alias_trie = PhraseTrie(NAME_SEPARATOR)
        for slug, alias in aliases:
            if self.find_all(alias) != [(slug, 0, len(alias))]:
                for form in surface_forms(alias):
                    alias_trie.add(form)
        if alias_trie:
            self._regex = self._compile(alias_trie)

    def _read_statutes(
        self, statutes: Iterable[Mapping[str, Any]], ignore: Iterable[str]
    ) -> PhraseTrie:
        """Index the statutes' names and aliases; the trie of every way they are written."""
        statute_trie = PhraseTrie(STATUTE_SEPARATOR)
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
                for form in surface_forms(alias):
                    statute_trie.add(form)
            for form in surface_forms(name):
                statute_trie.add(form)
        for key, slug in unique_forms.items():
            if key in self._statute_forms and self._statute_forms[key] != {slug}:
                raise ValueError(f"statute alias {key!r} is also the name of other Acts")
            self._statute_forms[key] = {slug}
        for phrase in ignore:
            if normalise(phrase) not in self._statute_forms:
                for form in surface_forms(phrase):
                    statute_trie.add(form)  # matched, then dropped: it names another Act
        return statute_trie

    def _read_provisions(self, provisions: Iterable[Mapping[str, Any]]) -> list[tuple[str, str]]:
        """Index the provisions by statute and section; returns every (slug, alias) given."""
        aliases: list[tuple[str, str]] = []
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
        return aliases

    def _compile(self, alias_trie: PhraseTrie) -> re.Pattern[str]:
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

        >>> from casebook.codebook.matching.files import default_codebook_path, load_codebook_file
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

        >>> from casebook.codebook.matching.files import default_codebook_path, load_codebook_file
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
        for match in paragraph_matches(self._regex, text):
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
