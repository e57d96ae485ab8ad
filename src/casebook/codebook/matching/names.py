"""Organisations (police forces) by name or alias: exact lookup, and every mention in a text."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from casebook.codebook.matching.phrases import (
    ANY_CASE,
    LEADING_THE,
    NAME_SEPARATOR,
    Mention,
    PhraseTrie,
    Token,
    fold,
    folded_words,
    normalise,
    paragraph_matches,
    phrase_key,
    surface_forms,
)

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


def _split_force_suffix(
    tokens: tuple[Token, ...],
) -> tuple[tuple[Token, ...], tuple[str, ...]] | None:
    """Split "Kent Police" into ("Kent", ("police",)); None without a suffix or a place."""
    words = folded_words(tokens)
    for suffix in _FORCE_SUFFIXES:
        if len(words) > len(suffix) and words[-len(suffix) :] == suffix:
            stem = tokens[: -len(suffix)]
            return None if folded_words(stem) == ("the",) else (stem, suffix)
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
        forms = self._read_names(records)  # every phrase find_all must see, look-alikes too
        self._add_suffix_variants(forms)
        for phrase in ignore:
            key = normalise(phrase)
            if key in self._explicit:
                raise ValueError(f"{phrase!r} is ignored but names {self._explicit[key]!r}")
            forms.extend(surface_forms(phrase, proper_name=True))
        self._regex = re.compile(rf"(?<!\w){self._trie(forms).pattern()}(?!\w)", re.IGNORECASE)

    def _read_names(
        self, records: Iterable[tuple[str, str, Iterable[str]]]
    ) -> list[tuple[Token, ...]]:
        """Index every name and alias; returns the ways each can be written."""
        forms: list[tuple[Token, ...]] = []
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
                if fold(alias).startswith("the "):
                    self._needs_the.add(key)
                forms.extend(surface_forms(alias, proper_name=True))
        return forms

    def _add_suffix_variants(self, forms: list[tuple[Token, ...]]) -> None:
        """ "Kent Police" also answers to "Kent Constabulary", unless that names another."""
        for form in forms:
            split = _split_force_suffix(form)
            if split is None:
                continue
            stem, _suffix = split
            slug = self._explicit[phrase_key(form)]
            for replacement in _INTERCHANGEABLE_SUFFIXES:
                key = phrase_key(stem + tuple((word, ANY_CASE) for word in replacement))
                if key in self._explicit:
                    continue  # an explicit alias always wins over a guessed variant
                if self._variants.setdefault(key, slug) not in (slug, None):
                    self._variants[key] = None

    @staticmethod
    def _trie(forms: list[tuple[Token, ...]]) -> PhraseTrie:
        # Where an alias needs its "the" ("the Met"), a longer name starting with the next word
        # ("Met Office", "Met Police") must be matchable with "the" too, or "the Met" would
        # win by starting earlier.
        after_the = {
            folded_words(f)[1] for f in forms if len(f) > 1 and folded_words(f)[0] == "the"
        }
        trie = PhraseTrie(NAME_SEPARATOR)
        for form in forms:
            variants = [form]
            if folded_words(form)[0] in after_the:
                variants.append((("the", ANY_CASE), *form))
            for variant in variants:
                split = _split_force_suffix(variant)
                if split is None or split[1] not in _INTERCHANGEABLE_SUFFIXES:
                    trie.add(variant)  # no suffix, or not an interchangeable one ("Department")
                if split is not None:
                    trie.add(split[0], force_suffix=True)
        return trie

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
        for match in paragraph_matches(self._regex, text):
            matched = match.group()
            slug = self._lookup(normalise(matched))
            if slug is None:
                continue  # a look-alike such as "Met Office"
            start = match.start()
            the = LEADING_THE.match(matched)
            if the and normalise(matched) not in self._needs_the:
                start += the.end()
            mentions.append((slug, start, match.end()))
        return mentions
