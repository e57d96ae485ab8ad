"""Redacted derivatives: what may leave the organisation, once a coordinator approved it.

A derivative is made from one original: an incident's or a source's text field, or an image
evidence file. It records the hash of that original; when the original changes the derivative
is stale and no longer counts as approved (`is_stale`), whatever its status says.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

# Which text fields of which records may be redacted and published.
TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    "cases.incident": ("summary", "title"),
    "sources.source": ("text", "title"),
}


def sha256_text(text: str) -> str:
    """The hash a text derivative remembers of its original.

    >>> sha256_text("")[:12]
    'e3b0c44298fc'
    """
    return hashlib.sha256(text.encode()).hexdigest()


class PublicFigure(models.Model):
    """A person whose name stays in redacted text: ministers, commissioners, MPs…

    Added to CASEBOOK_REDACTION_PUBLIC_FIGURES (the setting); both lists apply.
    """

    name = models.CharField(
        max_length=200,
        unique=True,
        help_text="Full name as written, e.g. 'Mark Rowley'. Titles, case and a possessive "
        "'s are ignored when comparing. A surname alone stays redacted.",
    )
    note = models.CharField(max_length=200, blank=True, help_text="Why they are public.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DerivativeKind(models.TextChoices):
    TEXT = "text", "Text"
    IMAGE = "image", "Image"


class DerivativeStatus(models.TextChoices):
    PROPOSED = "proposed", "Awaiting review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class RedactedDerivativeQuerySet(models.QuerySet):
    def awaiting_review(self) -> RedactedDerivativeQuerySet:
        return self.filter(status=DerivativeStatus.PROPOSED)

    def approved(self) -> RedactedDerivativeQuerySet:
        return self.filter(status=DerivativeStatus.APPROVED)

    def of(self, obj, field: str = "") -> RedactedDerivativeQuerySet:
        """Derivatives of one record (and field), newest first."""
        label = obj._meta.label_lower
        if label == "cases.incident":
            qs = self.filter(incident=obj, field=field)
        elif label == "sources.source":
            qs = self.filter(source=obj, field=field)
        elif label == "sources.evidencefile":
            qs = self.filter(evidence=obj)
        else:
            raise TypeError(f"{label} has no redacted derivatives")
        return qs.order_by("-proposed_at", "-id")


class RedactedDerivative(models.Model):
    kind = models.CharField(max_length=5, choices=DerivativeKind.choices)
    # What it derives from: exactly one of these (a constraint says so).
    incident = models.ForeignKey(
        "cases.Incident",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="redacted_derivatives",
    )
    source = models.ForeignKey(
        "sources.Source",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="redacted_derivatives",
    )
    evidence = models.ForeignKey(
        "sources.EvidenceFile",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="redacted_derivatives",
    )
    field = models.CharField(
        max_length=40, blank=True, help_text="The text field redacted; empty for images."
    )
    original_sha256 = models.CharField(
        max_length=64, help_text="Hash of the original this was made from."
    )
    text = models.TextField(blank=True, help_text="The redacted text.")
    image_name = models.CharField(
        max_length=200, blank=True, help_text="The redacted image in the evidence storage."
    )
    image_width = models.PositiveIntegerField(null=True, blank=True)
    image_height = models.PositiveIntegerField(null=True, blank=True)
    # Text: [{"start", "end", "entity", "tag", "redact", "origin"}] in original offsets.
    # Image: [[x1, y1, x2, y2], …] in pixels of the upright original.
    regions = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=10, choices=DerivativeStatus.choices, default=DerivativeStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    proposed_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = RedactedDerivativeQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_at", "-id"]
        indexes = [
            models.Index(fields=["status", "proposed_at"]),
            models.Index(fields=["incident", "field", "status"]),
            models.Index(fields=["source", "field", "status"]),
            models.Index(fields=["evidence", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(incident__isnull=False, source__isnull=True, evidence__isnull=True)
                    | Q(incident__isnull=True, source__isnull=False, evidence__isnull=True)
                    | Q(incident__isnull=True, source__isnull=True, evidence__isnull=False)
                ),
                name="redaction_one_original",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="image", evidence__isnull=False, field="")
                    | Q(kind="text", evidence__isnull=True) & ~Q(field="")
                ),
                name="redaction_kind_matches_original",
            ),
            models.CheckConstraint(
                condition=Q(status__in=DerivativeStatus.values), name="redaction_status_known"
            ),
            models.CheckConstraint(
                condition=Q(status="proposed") | Q(decided_at__isnull=False),
                name="redaction_decision_has_time",
            ),
            # One open proposal per original: proposing again refreshes it.
            models.UniqueConstraint(
                fields=["incident", "field"],
                condition=Q(status="proposed"),
                name="redaction_one_open_per_incident_field",
            ),
            models.UniqueConstraint(
                fields=["source", "field"],
                condition=Q(status="proposed"),
                name="redaction_one_open_per_source_field",
            ),
            models.UniqueConstraint(
                fields=["evidence"],
                condition=Q(status="proposed"),
                name="redaction_one_open_per_evidence",
            ),
        ]

    def __str__(self) -> str:
        return f"redacted {self.kind} #{self.pk} of {self.original_label}"

    def clean(self) -> None:
        if self.kind == DerivativeKind.TEXT:
            label = self.original._meta.label_lower if self.original is not None else ""
            if self.field not in TEXT_FIELDS.get(label, ()):
                raise ValidationError({"field": f"{self.field!r} cannot be redacted here."})

    @property
    def original(self):
        """The record this derives from: an Incident, a Source or an EvidenceFile."""
        return self.incident or self.source or self.evidence

    @property
    def original_label(self) -> str:
        """What it derives from, without anything personal (used in pages and the audit)."""
        if self.incident_id:
            return f"incident {self.incident.reference} {self.field}"
        if self.source_id:
            return f"source {self.source_id} {self.field}"
        return f"evidence {self.evidence.short_hash}" if self.evidence_id else "nothing"

    @property
    def related_incident(self):
        """The incident the audit entry is filed under, if any."""
        if self.incident_id:
            return self.incident
        if self.evidence_id and self.evidence.incident_id:
            return self.evidence.incident
        return None

    def original_text(self) -> str:
        return getattr(self.original, self.field) or ""

    def current_original_sha256(self) -> str:
        if self.kind == DerivativeKind.IMAGE:
            return self.evidence.sha256
        return sha256_text(self.original_text())

    @property
    def is_stale(self) -> bool:
        """The original changed after this was made: it must be proposed again."""
        return self.current_original_sha256() != self.original_sha256

    @property
    def is_current_approval(self) -> bool:
        return self.status == DerivativeStatus.APPROVED and not self.is_stale


class AutomaticRedaction(models.Model):
    """The machine's redaction of one text, kept so that it runs once per text, not once
    per page view: what readers who may not see people read until a person reviewed it.

    Keyed by the hash of the text and of what detection depends on (the public figures, the
    collar-number setting, `AUTOMATIC_VERSION`): an edited text, or a changed list of public
    figures, is simply another key, so nothing stale is ever served. The original text is
    never stored here, only its redaction.
    """

    key = models.CharField(max_length=64, primary_key=True)
    text = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"automatic redaction {self.key[:12]}"
