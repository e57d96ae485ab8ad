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

from casebook.codebook.matching.citations import (
    STATUTE_LOOKALIKES,
    CitationMention,
    ProvisionIndex,
    canonical_citation,
)
from casebook.codebook.matching.files import default_codebook_path, load_codebook_file
from casebook.codebook.matching.names import ORGANISATION_LOOKALIKES, NameIndex
from casebook.codebook.matching.phrases import Mention, normalise

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
