from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from casebook.cases import rules
from casebook.cases.constraints import ChecksInPython
from casebook.codebook.models import ActType, LegalProvision, Organisation, OutcomeType, TriggerType


class NumberPrecision(models.TextChoices):
    EXACT = "exact", "Exact"
    APPROXIMATE = "approximate", "Approximate"
    UNKNOWN = "unknown", "Unknown"


class Act(ChecksInPython, models.Model):
    """One thing done to people within an incident: an arrest, a seizure, an image appeal…"""

    # What the editor and imports write of an act (its outcomes are rows of their own).
    EDITABLE_FIELDS = (
        "act_type",
        "number_affected",
        "number_precision",
        "legal_provision",
        "offence_wording",
        "trigger_type",
        "trigger_wording",
        "perpetrator",
        "perpetrator_unit",
    )

    incident = models.ForeignKey("cases.Incident", on_delete=models.CASCADE, related_name="acts")
    external_id = models.CharField(max_length=100, null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    act_type = models.ForeignKey(ActType, on_delete=models.PROTECT, related_name="acts")
    number_affected = models.PositiveIntegerField(null=True, blank=True)
    number_precision = models.CharField(
        max_length=12, choices=NumberPrecision.choices, default=NumberPrecision.EXACT
    )
    legal_provision = models.ForeignKey(
        LegalProvision, null=True, blank=True, on_delete=models.PROTECT, related_name="acts"
    )
    offence_wording = models.CharField(
        max_length=500, blank=True, help_text="The offence as the source words it."
    )
    trigger_type = models.ForeignKey(
        TriggerType, null=True, blank=True, on_delete=models.PROTECT, related_name="acts"
    )
    trigger_wording = models.TextField(
        blank=True, help_text="The trigger's own words, e.g. what the placard said."
    )
    perpetrator = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="acts",
        help_text="Defaults to the incident's force.",
    )
    perpetrator_unit = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["incident", "position", "id"]
        indexes = [
            models.Index(fields=["act_type", "incident"]),
            models.Index(fields=["legal_provision", "incident"]),
            # The list's act type + provision filter (arrests under s5): counted and checked
            # on the index alone, not act by act (15x faster at 1,000,000 incidents).
            models.Index(fields=["act_type", "legal_provision", "incident"]),
            models.Index(fields=["trigger_type", "incident"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "external_id"], name="act_external_id_unique_per_incident"
            ),
            models.CheckConstraint(
                condition=~models.Q(number_precision="unknown")
                | models.Q(number_affected__isnull=True),
                name="act_unknown_number_has_no_count",
            ),
            models.CheckConstraint(
                condition=models.Q(number_precision__in=NumberPrecision.values),
                name="act_number_precision_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.act_type} ({self.number_display})"

    def clean(self) -> None:
        if self.number_precision == NumberPrecision.UNKNOWN and self.number_affected is not None:
            raise ValidationError({"number_affected": "Leave the number empty when it is unknown."})
        if self.number_precision != NumberPrecision.UNKNOWN and self.number_affected is None:
            self.number_precision = NumberPrecision.UNKNOWN
        rules.raise_problems(
            [
                *rules.text_problems(self),
                ("number_affected", rules.count_problem(self.number_affected)),
            ]
        )

    @property
    def number_display(self) -> str:
        if self.number_affected is None:
            return "number unknown"
        prefix = "about " if self.number_precision == NumberPrecision.APPROXIMATE else ""
        return f"{prefix}{self.number_affected}"

    @property
    def number_with_noun(self) -> str:
        """The number and what it counts, by act type: "3 people", "about 2 items"."""
        if self.number_affected is None:
            return "number unknown"
        return f"{self.number_display} {self.act_type.count_noun(self.number_affected)}"

    @property
    def latest_outcome(self) -> Outcome | None:
        outcomes = list(self.outcomes.all())
        return outcomes[-1] if outcomes else None


class Outcome(models.Model):
    """One step in what became of the people of an act: charged, bailed, convicted…"""

    act = models.ForeignKey(Act, on_delete=models.CASCADE, related_name="outcomes")
    outcome_type = models.ForeignKey(OutcomeType, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["act", models.F("date").asc(nulls_last=True), "id"]

    def __str__(self) -> str:
        return f"{self.outcome_type} {self.date or ''}".strip()

    def clean(self) -> None:
        # An outcome not yet given its act (an import checking a new incident) is compared
        # with its incident's date by the importer, through the same rule.
        incident_date = self.act.incident.date if self.act_id else None
        rules.raise_problems(
            [
                *rules.text_problems(self),
                (
                    "date",
                    rules.date_problem(self.date)
                    or rules.outcome_date_problem(self.date, incident_date),
                ),
            ]
        )
