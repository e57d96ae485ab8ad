"""Turning what a file says ("the Met", "s.14 POA", "Stop and search") into codebook rows.

Loaded once per import, so that a 100,000-row file costs a handful of queries rather than
several per row. Exact matches (slug, name, label, citation, alias) come first; free text
then goes to the codebook's own resolver, so imports and the news monitor agree on names.
"""

from __future__ import annotations

import difflib
import functools

from casebook.codebook.areas import force_of_area
from casebook.codebook.matching import NameIndex, ProvisionIndex
from casebook.codebook.models import (
    ActType,
    LegalProvision,
    Organisation,
    OutcomeType,
    Statute,
    TriggerType,
)
from casebook.sources.models import Channel
from casebook.transfer.records import ValueProblem


def _index_or_none(build):
    """The codebook's resolver, or None when the codebook rows contradict each other (two
    forces sharing an alias after an edit in the admin): exact names still work then."""
    try:
        return build()
    except ValueError:
        return None


@functools.lru_cache(maxsize=1 << 16)  # a file names the same few terms on every row
def _key(text: str) -> str:
    """Case, spacing, hyphens and underscores do not matter when naming a term.

    >>> _key("Stop-and  Search"), _key("stop_search")
    ('stop and search', 'stop search')
    """
    return " ".join(text.lower().replace("-", " ").replace("_", " ").split())


class _Terms:
    """One controlled vocabulary, by slug and by label."""

    def __init__(self, rows, noun: str) -> None:
        self.noun = noun
        self.rows = list(rows)
        self.by_key = {}
        for row in self.rows:
            self.by_key[_key(row.label)] = row
            self.by_key[_key(row.slug)] = row

    def get(self, text: str):
        row = self.by_key.get(_key(text))
        if row is None:
            slugs = ", ".join(r.slug for r in self.rows)
            raise ValueProblem(f"{text!r} is not {self.noun} in the codebook; use one of: {slugs}.")
        return row


class Vocabulary:
    def __init__(self) -> None:
        self.act_types = _Terms(ActType.objects.all(), "an act type")
        self.trigger_types = _Terms(TriggerType.objects.all(), "a trigger type")
        self.outcome_types = _Terms(OutcomeType.objects.all(), "an outcome")
        self.forces = {o.slug: o for o in Organisation.objects.all()}
        self._force_keys: dict[str, Organisation] = {}
        for org in self.forces.values():
            for name in (org.slug, org.name, *org.aliases):
                self._force_keys.setdefault(_key(name), org)
        self._force_index = _index_or_none(
            lambda: NameIndex.from_organisations(
                {"slug": o.slug, "name": o.name, "aliases": o.aliases} for o in self.forces.values()
            )
        )
        self.provisions = {p.slug: p for p in LegalProvision.objects.select_related("statute")}
        self._provision_keys: dict[str, LegalProvision] = {}
        for provision in self.provisions.values():
            for name in (
                provision.slug,
                provision.citation,
                provision.short_citation,
                *provision.aliases,
            ):
                if name:
                    self._provision_keys.setdefault(_key(name), provision)
        # The resolver needs each statute's year; an administrator's yearless statute is
        # still found by its exact citation above.
        dated = {s.slug: s for s in Statute.objects.exclude(year=None)}
        self._provision_index = _index_or_none(
            lambda: ProvisionIndex(
                [
                    {"slug": s.slug, "name": s.name, "year": s.year, "aliases": s.aliases}
                    for s in dated.values()
                ],
                [
                    {
                        "slug": p.slug,
                        "statute": p.statute.slug,
                        "section": p.section or None,
                        "citation": p.citation,
                        "short_citation": p.short_citation,
                        "aliases": p.aliases,
                    }
                    for p in self.provisions.values()
                    if p.statute.slug in dated
                ],
            )
        )
        self.channels = {c.slug: c for c in Channel.objects.all()}
        self._channel_keys = {}
        for channel in self.channels.values():
            self._channel_keys[_key(channel.slug)] = channel
            self._channel_keys[_key(channel.name)] = channel

    # --- forces ---------------------------------------------------------------------

    def force(self, text: str) -> Organisation:
        """The force a file names, by slug, name or alias; a clear error otherwise."""
        org = self._force_keys.get(_key(text))
        if org is None and self._force_index:
            slug = self._force_index.resolve(text)
            org = self.forces.get(slug) if slug else None
        if org is None:
            close = difflib.get_close_matches(
                text, [o.name for o in self.forces.values()], n=1, cutoff=0.6
            )
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise ValueProblem(
                f"{text!r} is not a police force in the codebook.{hint} Use "
                "the force's name or slug, e.g. metropolitan-police-service."
            )
        return org

    def force_in(self, text: str) -> Organisation | None:
        """The one force that free text (ACLED notes) mentions; None if none or several."""
        if not self._force_index:
            return None
        slugs = {slug for slug, _, _ in self._force_index.find_all(text)}
        return self.forces.get(slugs.pop()) if len(slugs) == 1 else None

    def force_of_place(self, areas: list[str], *, country: str) -> tuple[Organisation, str] | None:
        """The territorial force that polices the first of `areas` the codebook lists, with
        the area's name; None where the codebook cannot tell."""
        found = force_of_area(areas, country=country)
        if found is None or found.force not in self.forces:
            return None
        return self.forces[found.force], found.area

    # --- legal provisions -----------------------------------------------------------

    def provision(self, text: str) -> LegalProvision:
        provision = self._provision_keys.get(_key(text))
        if provision is None:
            provision = self.provision_in(text)
        if provision is None:
            raise ValueProblem(
                f"{text!r} is not a provision in the codebook. Write a citation such as "
                "'Public Order Act 1986 s14', or leave legal_provision empty and put the "
                "wording in offence_wording."
            )
        return provision

    def provision_in(self, text: str) -> LegalProvision | None:
        """The one provision free text cites; None if none, or if it could mean several."""
        slug = self._provision_index.resolve(text) if self._provision_index else None
        return self.provisions.get(slug) if slug else None

    # --- sources --------------------------------------------------------------------

    def channel(self, text: str) -> Channel:
        channel = self._channel_keys.get(_key(text))
        if channel is None and _key(text) in FORMAT_CHANNELS:
            # Created when the import is written, not while it is only being checked.
            name, description = FORMAT_CHANNELS[_key(text)]
            channel = Channel(slug=_key(text), name=name, description=description)
            self._channel_keys[_key(text)] = channel
        if channel is None:
            raise ValueProblem(
                f"{text!r} is not a channel; use one of: {', '.join(self.channels)}."
            )
        return channel

    def save_new_channels(self) -> None:
        # Unsaved model instances cannot go in a set: Django refuses to hash them.
        for channel in {id(c): c for c in self._channel_keys.values()}.values():
            if channel.pk is None:
                channel.save()
                self.channels[channel.slug] = channel


# Channels that a file format brings with it, created on first import.
FORMAT_CHANNELS = {
    "acled": (
        "ACLED",
        "Events coded by ACLED (Armed Conflict Location & Event Data); its "
        "terms forbid republishing the rows.",
    ),
}


class Choices:
    """A Django `choices` list, looked up by value or label; built once, not per row."""

    def __init__(self, choices, noun: str) -> None:
        self.noun = noun
        self.values = [str(value) for value, _ in choices]
        self.by_key: dict[str, str] = {}
        for value, label in choices:
            self.by_key.setdefault(_key(str(value)), value)
            self.by_key.setdefault(_key(str(label)), value)

    def get(self, text: str) -> str:
        value = self.by_key.get(_key(text))
        if value is None:
            raise ValueProblem(
                f"{text!r} is not {self.noun}; use one of: {', '.join(self.values)}."
            )
        return value


def choice(text: str, choices, noun: str) -> str:
    """The value of a Django `choices` entry named by its value or its label.

    >>> choice("News article", [("news_article", "News article")], "a source kind")
    'news_article'
    """
    return Choices(choices, noun).get(text)
