"""The codebook: forces, statutes, provisions and vocabularies are data, not code.

Rows are loaded from versioned files in `codebook/data/` (one per jurisdiction) by
`casebook init`; administrators extend them in the admin. Slugs are stable identifiers used
by imports, exports and the monitor.
"""

from __future__ import annotations

from django.db import models


class Jurisdiction(models.Model):
    code = models.SlugField(max_length=20, unique=True)
    name = models.CharField(max_length=100)
    version = models.CharField(max_length=40, help_text="Version of the codebook file loaded.")
    loaded_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.version})"


class Organisation(models.Model):
    """A police force or another organisation that acts against people."""

    class Kind(models.TextChoices):
        TERRITORIAL_POLICE = "territorial_police", "Territorial police force"
        SPECIAL_POLICE = "special_police", "Special police force"
        OTHER_POLICE = "other_police", "Other police or security force"
        NON_POLICE = "non_police", "Other organisation"

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.TERRITORIAL_POLICE)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    nation = models.CharField(max_length=30, blank=True)
    aliases = models.JSONField(default=list, blank=True)
    jurisdiction = models.ForeignKey(
        Jurisdiction, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Statute(models.Model):
    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    aliases = models.JSONField(default=list, blank=True)
    jurisdiction = models.ForeignKey(
        Jurisdiction, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name", "year"]

    def __str__(self) -> str:
        return f"{self.name} {self.year}" if self.year else self.name


class LegalProvision(models.Model):
    """A section of a statute (or the statute as a whole when `section` is blank)."""

    slug = models.SlugField(max_length=100, unique=True)
    statute = models.ForeignKey(Statute, on_delete=models.PROTECT, related_name="provisions")
    section = models.CharField(max_length=20, blank=True)
    citation = models.CharField(max_length=200, unique=True)
    short_citation = models.CharField(max_length=60, blank=True)
    title = models.CharField(max_length=300, blank=True)
    aliases = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["citation"]

    def __str__(self) -> str:
        return self.citation


class Term(models.Model):
    """A controlled vocabulary entry (act type, trigger type, outcome)."""

    slug = models.SlugField(max_length=60, unique=True)
    label = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "label"]

    def __str__(self) -> str:
        return self.label


class ActType(Term):
    class Counts(models.TextChoices):
        PEOPLE = "people", "people"
        ITEMS = "items", "items"

    counts = models.CharField(
        max_length=10,
        choices=Counts.choices,
        default=Counts.PEOPLE,
        help_text="What an act's number counts: the people it affected, or the items taken.",
    )

    def count_noun(self, number: int | None) -> str:
        """The word for what this act's number counts: "1 person", "3 people", "2 items".

        >>> ActType(counts="items").count_noun(1), ActType().count_noun(3)
        ('item', 'people')
        """
        if self.counts == self.Counts.ITEMS:
            return "item" if number == 1 else "items"
        return "person" if number == 1 else "people"


class TriggerType(Term):
    pass


class OutcomeType(Term):
    final = models.BooleanField(default=False, help_text="Closes the case for this act.")


class Revision(models.Model):
    """One row whose number every write to the codebook through the ORM raises, in the
    write's own transaction (`codebook.apps`): every process reads the same number, so what
    is kept while the codebook stays as it is (the list's select options, the statistics'
    filter form) is forgotten by all of them at the first request after a change."""

    number = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"codebook revision {self.number}"


# The models whose writes raise the revision: everything a select or a label shows.
REVISED = (Jurisdiction, Organisation, Statute, LegalProvision, ActType, TriggerType, OutcomeType)


def revision_bump(**_kwargs) -> None:
    """Raise the codebook's revision (a signal receiver: any keyword arguments)."""
    if not Revision.objects.filter(pk=1).update(number=models.F("number") + 1):
        Revision.objects.get_or_create(pk=1, defaults={"number": 1})
