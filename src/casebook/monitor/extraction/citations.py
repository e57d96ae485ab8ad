"""Which act a citation of legislation belongs to.

A citation ("under Section 13 of the Terrorism Act 2000") is found with the codebook's
:class:`~casebook.codebook.matching.ProvisionIndex` and given to the act whose words hold it, or
the nearest act before it in its sentence. "conditions imposed under section 12" belongs to the
conditions (a dispersal act), not to an arrest; "including 12 for breaching conditions under
section 12" describes a subset, which is no act of its own.
"""

from __future__ import annotations

import re

from casebook.codebook.matching import ProvisionIndex
from casebook.monitor.extraction.act import Act
from casebook.monitor.extraction.text import Sentence

__all__ = ["attach_legal_bases"]

# "conditions imposed under section 12": the statute of the conditions, not of an arrest.
_OF_AN_ORDER = re.compile(
    r"\b(?:conditions?|restrictions?|orders?|notices?|directions?|authorisations?|"
    r"authorizations?|powers?|ban)\s+(?:\w+\s+){0,2}?(?:under|using)\s+(?:the\s+)?$",
    re.IGNORECASE,
)


_SECTION_BEFORE_ACT = re.compile(
    r"\b(?:section|s\.?)\s*(?P<number>\d+[A-Z]{0,2})\s+(?:orders?|conditions?|notices?|"
    r"directions?|authori[sz]ations?|powers?|restrictions?)\s+(?:\w+\s+){0,2}?(?:under|of)\s+"
    r"(?:the\s+)?$",
    re.IGNORECASE,
)


_SUBSET_BEFORE = re.compile(
    r"\bincluding\s+(?:\S+\s+){0,2}?\d|\bincluding\s+(?:one|two|three|"
    r"four|five|six|seven|eight|nine|ten)\b",
    re.IGNORECASE,
)


def attach_legal_bases(
    text: str, sentences: list[Sentence], acts: list[Act], provisions: ProvisionIndex
) -> None:
    """Give each act the legal provision cited in its sentence, where the citation is its."""
    for index in {a.sentence for a in acts}:
        sentence = sentences[index]
        here = [a for a in acts if a.sentence == index]
        for citation in provisions.find_citations(sentence.text):
            if not citation.citation:
                continue
            cited = citation.citation
            start, end = sentence.start + citation.start, sentence.start + citation.end
            section = (
                None
                if citation.section
                else _SECTION_BEFORE_ACT.search(
                    sentence.text, max(0, citation.start - 80), citation.start
                )
            )
            if section:  # "a Section 14 order under the Public Order Act 1986"
                slug = provisions.resolve(
                    f"section {section.group('number')} of the {citation.citation}"
                )
                if slug:
                    cited = provisions.citation(slug)
                    start = sentence.start + section.start()
            holders = [a for a in here if a.segment[0] <= start < a.segment[1]] or (
                here if len({a.anchor for a in here}) == 1 else []
            )
            if _OF_AN_ORDER.search(sentence.text, 0, citation.start):
                holders = [a for a in holders if a.type in {"dispersal", "stop_search"}]
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
