"""Which act a citation of legislation belongs to.

A citation ("under Section 13 of the Terrorism Act 2000") is found with the codebook's
:class:`~casebook.codebook.matching.ProvisionIndex`; an Act the codebook lacks is cited as the
text names it ("section 1 of the Public Meeting Act 1908"), and a misspelt one ("the Terrorist
Act 2000") is read as the codebook's Act of the same year whose name it nearly spells. The
citation is given to the act whose words hold it, or the nearest act before it in its sentence;
a list of sections on an order ("conditions under sections 12 and 14") is one order per section.
"conditions imposed under section 12" belongs to the conditions (a dispersal act), not to an
arrest; "including 12 for breaching conditions under section 12" describes a subset, which is no
act of its own.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from casebook.codebook.matching import ProvisionIndex, canonical_citation
from casebook.monitor.extraction.act import Act
from casebook.monitor.extraction.lexicon import CUMULATIVE
from casebook.monitor.extraction.text import NUMBER, Sentence, parse_number

__all__ = ["CitationFinder", "attach_legal_bases"]

# "conditions imposed under section 12": the statute of the conditions, not of an arrest.
_OF_AN_ORDER = re.compile(
    r"\b(?:conditions?|restrictions?|orders?|notices?|directions?|authorisations?|"
    r"authorizations?|powers?|ban)\s+(?:\w+\s+){0,2}?(?:under|using)\s+(?:the\s+)?$",
    re.IGNORECASE,
)


# "a Section 14 order under the Act", "section 60 and section 60AA authorisations under ...".
_SECTION_BEFORE_ACT = re.compile(
    r"\b(?:sections?|s\.?)\s*(?P<numbers>\d+[A-Z]{0,2}(?:\s*(?:,|and|&|or)\s*(?:sections?\s*|"
    r"s\.?\s*)?\d+[A-Z]{0,2})*)\s+(?:[\w-]+\s+)?(?:orders?|conditions?|notices?|"
    r"directions?|authori[sz]ations?|powers?|restrictions?)\s+(?:\w+\s+){0,2}?(?:under|of)\s+"
    r"(?:the\s+)?$",
    re.IGNORECASE,
)


_SUBSET_BEFORE = re.compile(
    r"\bincluding\s+(?:\S+\s+){0,2}?\d|\bincluding\s+(?:one|two|three|"
    r"four|five|six|seven|eight|nine|ten)\b",
    re.IGNORECASE,
)


# An Act named with its year: "section 1 of the Public Meeting Act 1908", "the Terrorist Act 2000".
_NAMED_ACT = re.compile(
    r"(?:(?:sections?|sec\.?|s\.?)\s*(?P<section>\d{1,3}[A-Z]{0,3})(?:\s*\(\w{1,4}\))*\s*,?\s*"
    r"(?:of\s+|under\s+)?(?:the\s+)?)?"
    r"(?P<name>(?:[A-Z][\w'’-]*,?\s+(?:(?:and|of|for|the|in|on|to|&)\s+)?(?:\([A-Z][\w ]*\)\s+)?)"
    r"{1,8}?Act),?\s+(?:of\s+)?(?P<year>1[6-9]\d\d|20\d\d)\b"
    r"(?:,?\s+(?:section|s\.?)\s*(?P<section_after>\d{1,3}[A-Z]{0,3})\b)?"
)
# A section of an Act named without its year: "section 13 of the Terrorisim Act".
_SECTION_OF_ACT = re.compile(
    r"(?i:sections?|sec\.?|s\.?)\s*(?P<section>\d{1,3}[A-Z]{0,3})\s+of\s+(?:the\s+)?"
    r"(?P<name>(?:[A-Z][\w'’-]*\s+(?:(?:and|of|for|the|in|on|to|&)\s+)?){1,6}?Act)\b"
    r"(?!,?\s+(?:of\s+)?(?:1[6-9]|20)\d\d)"
)
# "a Section 14 notice under the Public Order Act", "section 60 powers of the Criminal Justice
# and Public Order Act": the section told before the noun of the order it made.
_SECTION_WITH_ITS_NOUN = re.compile(
    r"(?:sections?|sec\.?|s\.?)\s*(?P<section>\d{1,3}[A-Z]{0,3})\s+(?:[\w-]+\s+){1,3}?"
    r"(?:under|of|in)\s+(?:the\s+)?"
    r"(?P<name>(?:[A-Z][\w'’-]*,?\s+(?:(?:and|of|for|the|in|on|to|&)\s+)?){1,8}?Act)\b"
    r"(?!,?\s+(?:of\s+)?(?:1[6-9]|20)\d\d)",
    re.IGNORECASE,
)
_NAME_WORD = re.compile(r"[A-Za-z]{4,}")
_LISTED = re.compile(r"\s*(?:,|and|or|&|/)\s*(?:sections?\s*|s\.?\s*)?")


@dataclass(frozen=True)
class Cited:
    """A citation in a sentence: its canonical form and where it is (sentence offsets)."""

    citation: str
    start: int
    end: int
    section: str | None
    listed: bool = False  # continues a list of sections: "sections 12 *and 14*"


class CitationFinder:
    """Citations of legislation, from the codebook and beyond it."""

    def __init__(self, provisions: ProvisionIndex, statutes: Iterable[Mapping[str, Any]]) -> None:
        self.provisions = provisions
        self._statutes = [(s["name"], int(s["year"])) for s in statutes if s.get("year")]

    def find(self, sentence: str, article: str = "") -> list[Cited]:
        """Every citation in *sentence*, in order; an Act outside the codebook named without its
        year takes the year the *article* gives it elsewhere."""
        found: list[Cited] = []
        previous_end = -1
        for citation in self.provisions.find_citations(sentence):
            if citation.citation:
                listed = previous_end >= 0 and bool(
                    _LISTED.fullmatch(sentence, previous_end, citation.start)
                    or re.match(r"\d", sentence[citation.start : citation.start + 1])
                )
                found.append(
                    Cited(citation.citation, citation.start, citation.end, citation.section, listed)
                )
                previous_end = citation.end
        for m in _NAMED_ACT.finditer(sentence):
            if any(c.start < m.end() and m.start() < c.end for c in found):
                continue
            cited = self._named(m)
            if cited:
                found.append(cited)
        for m in _SECTION_OF_ACT.finditer(sentence):
            if any(c.start < m.end() and m.start() < c.end for c in found):
                continue
            cited = self._misspelt(m) or self._dated_elsewhere(m, article)
            if cited:
                found.append(cited)
        for m in _SECTION_WITH_ITS_NOUN.finditer(sentence):
            if any(c.start < m.end() and m.start() < c.end for c in found):
                continue
            cited = self._by_its_section(m)
            if cited:
                found.append(cited)
        return sorted(found, key=lambda c: c.start)

    def _by_its_section(self, m: re.Match[str]) -> Cited | None:
        """ "a Section 14 notice under the Public Order Act": the Act's name alone could be two
        Acts of two years; the section says which."""
        name = re.sub(r"\s+", " ", m.group("name")).strip()
        slug = self.provisions.resolve(f"section {m.group('section')} of the {name}")
        if not slug:
            return None
        return Cited(self.provisions.citation(slug), m.start(), m.end(), m.group("section"))

    @staticmethod
    def _dated_elsewhere(m: re.Match[str], article: str) -> Cited | None:
        """ "section 547 of the Education Act" in an article that names "the Education Act 1996"
        elsewhere: an Act outside the codebook takes the year the article gives it."""
        name = re.sub(r"^(?:The|A)\s+", "", re.sub(r"\s+", " ", m.group("name")).strip())
        if len(name.split()) < 2:
            return None
        spelt = r"\s+".join(re.escape(word) for word in name.split())
        dated = rf"\b{spelt},?\s+(?:of\s+)?(1[6-9]\d\d|20\d\d)\b"
        years = {int(year) for year in re.findall(dated, article)}
        if len(years) != 1:
            return None
        return Cited(
            canonical_citation(name, years.pop(), m.group("section")),
            m.start(),
            m.end(),
            m.group("section"),
        )

    def _misspelt(self, m: re.Match[str]) -> Cited | None:
        """A section of a codebook Act misspelt and named without its year: the section decides
        the year, as for the Act spelt right."""
        name = re.sub(r"^(?:The|A)\s+", "", re.sub(r"\s+", " ", m.group("name")).strip())
        known = {n for n, _ in self._statutes if n != name and _misspells(name, n)}
        if len(known) != 1:
            return None
        slug = self.provisions.resolve(f"section {m.group('section')} of the {known.pop()}")
        if not slug:
            return None
        return Cited(self.provisions.citation(slug), m.start(), m.end(), m.group("section"))

    def _named(self, m: re.Match[str]) -> Cited | None:
        name = re.sub(r"\s+", " ", m.group("name")).strip(" ,")
        name = re.sub(r"^(?:The|A)\s+", "", name)
        year = int(m.group("year"))
        section = m.group("section") or m.group("section_after")
        known = self._nearly(name, year)
        if known:
            slug = self.provisions.resolve(
                f"section {section} of the {known} {year}" if section else f"{known} {year}"
            )
            if slug:
                return Cited(self.provisions.citation(slug), m.start(), m.end(), section)
            name = known
        if len(name.split()) < 2:
            return None  # "Act 1986" alone names nothing
        return Cited(canonical_citation(name, year, section), m.start(), m.end(), section)

    def _nearly(self, name: str, year: int | None) -> str | None:
        """The codebook's Act of *year* (of any year when None) whose name *name* nearly spells
        ("Terrorist Act")."""
        stems = {w[:5].lower() for w in _NAME_WORD.findall(name)}
        best, best_share = None, 0.0
        for known, known_year in self._statutes:
            if year is not None and known_year != year:
                continue
            known_stems = {w[:5].lower() for w in _NAME_WORD.findall(known)}
            if not known_stems or not stems:
                continue
            share = len(stems & known_stems) / max(len(known_stems), len(stems))
            if share > best_share:
                best, best_share = known, share
        return best if best_share >= 0.5 else None


# "arrested for failing to comply with a condition imposed under section 14ZA": the offence is
# the breach, and the section that made the condition makes the breach an offence.
_BREACH = re.compile(
    r"\b(?:breach\w*|fail\w*\s+to\s+comply|not\s+complying|contraven\w*|defy\w*|flout\w*)\b",
    re.IGNORECASE,
)


def _misspells(name: str, known: str) -> bool:
    """Whether *name* is *known* with a letter or two wrong in its words.

    >>> _misspells("Terrorisim Act", "Terrorism Act")
    True
    >>> _misspells("Public Meeting Act", "Public Order Act")
    False
    """
    words, known_words = name.lower().split(), known.lower().split()
    return len(words) == len(known_words) and all(
        difflib.SequenceMatcher(None, a, b).ratio() >= 0.8
        for a, b in zip(words, known_words, strict=True)
    )


def _holders_of_an_order(holders: list[Act], text: str, start: int) -> list[Act]:
    """Who a citation of an order's power belongs to: the order, else an arrest for breaking it
    when the sentence tells of no order of its own."""
    orders = [a for a in holders if a.type in {"dispersal", "stop_search"}]
    if orders:
        return orders
    return [
        a
        for a in holders
        if a.type in {"arrest", "charge"}
        and a.anchor[1] <= start
        and (
            _BREACH.search(text, a.anchor[1], start)
            or _MADE_WITH_POWERS.fullmatch(text, a.anchor[1], start)
        )
    ]


# "The arrests were made using powers under the Terrorism Act": the powers of the arrests.
_MADE_WITH_POWERS = re.compile(
    r"\s+(?:[\w-]+\s+){0,6}?(?:using|with|under|exercising|invoking)\s+(?:[\w-]+\s+){0,2}?"
    r"powers?\s+(?:under|of|in|from)\s+(?:the\s+)?",
    re.IGNORECASE,
)


# "the first three charges ... for offences under the Terrorism Act. The three people charged
# were ...": a sentence with no act of its own that counts or points at acts of a kind.
_KIND_NOUN = re.compile(
    rf"\b(?P<which>{NUMBER}|the|these|those|all)\s+(?:[\w-]+\s+){{0,2}}?"
    r"(?P<kind>arrests|charges|arrest|charge)\b",
    re.IGNORECASE,
)


def _citations_of_neighbours(
    text: str,
    sentences: list[Sentence],
    acts: list[Act],
    finder: CitationFinder,
    by_sentence: dict[int, list[Act]],
) -> None:
    """A citation in a sentence that tells of acts of a kind without reporting one ("the first
    three charges for offences under the Terrorism Act") belongs to the one act of that kind in
    the next sentence that is the same people: of the count named, or pointing back."""
    for index, sentence in enumerate(sentences[:-1]):
        if index in by_sentence or CUMULATIVE.search(sentence.text):
            continue
        kinds = list(_KIND_NOUN.finditer(sentence.text))
        if not kinds:
            continue
        cited = [c for c in finder.find(sentence.text, text) if c.start > kinds[0].end()]
        if len(cited) != 1:
            continue
        kind = kinds[0].group("kind").lower().rstrip("s")
        which = parse_number(kinds[0].group("which").lower())
        takers = [
            a
            for a in by_sentence.get(index + 1, [])
            if a.type == kind
            and a.legal_basis is None
            and (a.reference or a.definite or (which is not None and a.count == which))
        ]
        if len(takers) == 1:
            takers[0].legal_basis = cited[0].citation
            start = sentence.start + cited[0].start
            takers[0].legal_basis_span = (start, sentence.start + cited[0].end)


def attach_legal_bases(
    text: str, sentences: list[Sentence], acts: list[Act], finder: CitationFinder
) -> None:
    """Give each act the legal provision cited in its sentence, where the citation is its, or
    in the sentence before, where that sentence only points at it."""
    provisions = finder.provisions
    by_sentence: dict[int, list[Act]] = {}
    for act in acts:
        by_sentence.setdefault(act.sentence, []).append(act)
    _citations_of_neighbours(text, sentences, acts, finder, by_sentence)
    for index, here in sorted(by_sentence.items()):
        sentence = sentences[index]
        for citation in finder.find(sentence.text, text):
            cited = citation.citation
            start, end = sentence.start + citation.start, sentence.start + citation.end
            section = (
                None
                if citation.section
                else _SECTION_BEFORE_ACT.search(
                    sentence.text, max(0, citation.start - 80), citation.start
                )
            )
            more: list[str] = []  # the further sections of a list: one order each
            if section:  # "a Section 14 order under the Public Order Act 1986"
                resolved = [
                    provisions.resolve(f"section {number} of the {cited}")
                    for number in re.findall(r"\d+[A-Z]{0,2}", section.group("numbers"))
                ]
                found = [provisions.citation(slug) for slug in resolved if slug]
                if found:
                    cited, more = found[0], found[1:]
                    start = sentence.start + section.start()
            holders = [a for a in here if a.segment[0] <= start < a.segment[1]] or (
                here if len({a.anchor for a in here}) == 1 else []
            )
            if _OF_AN_ORDER.search(sentence.text, 0, citation.start):
                holders = _holders_of_an_order(holders, text, start)
            # "27 arrests, including 12 for breaching conditions under section 12": the
            # citation describes the subset, which is no act of its own.
            holders = [
                a for a in holders if a.item or not _SUBSET_BEFORE.search(text, a.anchor[1], start)
            ]
            if holders:
                # The act whose offence phrase holds the citation, else the latest clause.
                # Else the nearest act before it ("arrested under section 13", "an
                # authorisation under section 60"), else the latest clause.
                before = [a for a in holders if a.anchor[0] <= start]
                holder = next(
                    (
                        a
                        for a in holders
                        if a.offence_span and a.offence_span[0] <= start < a.offence_span[1]
                    ),
                    max(before, key=lambda a: a.anchor[0])
                    if before
                    else max(holders, key=lambda a: a.segment[0]),
                )
                if holder.legal_basis is None:
                    holder.legal_basis = cited
                    holder.legal_basis_span = (start, end)
                    if holder.type in {"dispersal", "stop_search"}:
                        acts.extend(
                            dataclasses.replace(holder, legal_basis=c, children=[]) for c in more
                        )
                elif (
                    citation.listed
                    and holder.type in {"dispersal", "stop_search"}
                    and holder.legal_basis != cited
                ):
                    # "conditions under sections 12 and 14": an order under each section
                    acts.append(
                        dataclasses.replace(
                            holder, legal_basis=cited, legal_basis_span=(start, end), children=[]
                        )
                    )
