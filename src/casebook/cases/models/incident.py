from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from casebook.cases import rules
from casebook.cases.constraints import ChecksInPython
from casebook.codebook.models import Organisation


class IncidentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    VERIFIED = "verified", "Verified"
    REJECTED = "rejected", "Rejected"
    ARCHIVED = "archived", "Archived"


# Which status may follow which: verification is a coordinator's step (see cases.services).
STATUS_TRANSITIONS: dict[str, set[str]] = {
    IncidentStatus.DRAFT: {
        IncidentStatus.IN_REVIEW,
        IncidentStatus.REJECTED,
        IncidentStatus.ARCHIVED,
    },
    IncidentStatus.IN_REVIEW: {
        IncidentStatus.DRAFT,
        IncidentStatus.VERIFIED,
        IncidentStatus.REJECTED,
        IncidentStatus.ARCHIVED,
    },
    IncidentStatus.VERIFIED: {IncidentStatus.IN_REVIEW, IncidentStatus.ARCHIVED},
    IncidentStatus.REJECTED: {IncidentStatus.DRAFT, IncidentStatus.ARCHIVED},
    IncidentStatus.ARCHIVED: {IncidentStatus.DRAFT},
}


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


class CoordinatePrecision(models.TextChoices):
    EXACT = "exact", "Exact spot"
    STREET = "street", "Street or square"
    TOWN = "town", "Town or city"
    REGION = "region", "Region"


class Tag(models.Model):
    name = models.CharField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        rules.raise_problems([*rules.text_problems(self), ("name", rules.tag_problem(self.name))])


class IncidentQuerySet(models.QuerySet):
    def in_force(self, force: Organisation) -> IncidentQuerySet:
        return self.filter(force=force)

    def worked_on_by(self, user) -> IncidentQuerySet:
        return self.filter(models.Q(created_by=user) | models.Q(assigned_to=user)).distinct()


class Incident(ChecksInPython, models.Model):
    """Something police did to people at a protest or over their expression."""

    # What a person describing the incident writes, in the editor or in an import file: not
    # its status (a workflow step), reference, assignments or bookkeeping.
    EDITABLE_FIELDS = (
        "title",
        "summary",
        "date",
        "date_precision",
        "end_date",
        "time",
        "place",
        "country",
        "latitude",
        "longitude",
        "coordinate_precision",
        "force",
        "protest",
    )

    reference = models.CharField(max_length=20, unique=True, editable=False)
    external_id = models.CharField(
        max_length=100,
        unique=True,
        null=True,
        blank=True,
        help_text="Stable identifier from an import, so re-imports update instead of duplicate.",
    )
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    date = models.DateField()
    date_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    end_date = models.DateField(null=True, blank=True)
    time = models.TimeField(null=True, blank=True)
    place = models.CharField(max_length=200, blank=True)
    country = models.CharField(max_length=2, default="GB", help_text="ISO 3166-1 alpha-2")
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    coordinate_precision = models.CharField(
        max_length=10, choices=CoordinatePrecision.choices, blank=True
    )
    force = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents"
    )
    # How the force was found when nobody named it (an import that inferred it from the
    # place, or from a source's words): shown beside it until someone sets the force.
    force_inference = models.CharField(
        max_length=200,
        blank=True,
        editable=False,
        help_text="Why the force is thought to be this one, when no one named it; empty when "
        "it was given.",
    )
    protest = models.ForeignKey(
        "cases.Protest", null=True, blank=True, on_delete=models.SET_NULL, related_name="incidents"
    )
    status = models.CharField(
        max_length=10, choices=IncidentStatus.choices, default=IncidentStatus.DRAFT
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="incidents")
    # ACLED's own coding of an event imported from ACLED, column by column as ACLED gave it,
    # so that an ACLED export gives it back unchanged: analysts join it with ACLED's data.
    acled_fields = models.JSONField(default=dict, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assigned_to = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="assigned_incidents",
        help_text="Caseworkers who work on this incident and so may see its people.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["date", "id"]),
            models.Index(fields=["force", "date"]),
            models.Index(fields=["status", "date"]),
            models.Index(fields=["protest"]),
            # The incident list sorts by title; without it every page sorts 100,000 rows.
            models.Index(fields=["title", "id"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("date")),
                name="incident_end_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True)
                | models.Q(latitude__gte=-90, latitude__lte=90),
                name="incident_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True)
                | models.Q(longitude__gte=-180, longitude__lte=180),
                name="incident_longitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=IncidentStatus.values), name="incident_status_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("casework:incident-detail", args=[self.reference])

    def clean(self) -> None:
        # The rules live in cases.rules, shared with every other write path (imports).
        errors: dict[str, str | None] = dict(rules.text_problems(self))
        if self.country:
            self.country = self.country.strip().upper()
            errors.setdefault("country", rules.country_problem(self.country))
        errors.setdefault(
            "date",
            rules.date_problem(self.date)
            or rules.future_date_problem(self.date, today=timezone.localdate()),
        )
        errors.setdefault("end_date", rules.date_problem(self.end_date))
        if self.end_date and self.date and self.end_date < self.date:
            errors["end_date"] = "The end date is before the start date."
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = "Give both latitude and longitude, or neither."
        rules.raise_problems(errors.items())

    @property
    def date_display(self) -> str:
        if self.date_precision == DatePrecision.YEAR:
            return f"{self.date:%Y}"
        if self.date_precision == DatePrecision.MONTH:
            return f"{self.date:%B %Y}"
        return f"{self.date:%-d %B %Y}"

    def can_move_to(self, status: str) -> bool:
        return status in STATUS_TRANSITIONS.get(self.status, set())


class ReferenceCounter(models.Model):
    """Last reference number handed out per year (CB-2024-000123); locked when incremented."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class SearchDocument(models.Model):
    """Denormalised text of an incident (title, summary, acts, sources) for full-text search.

    The search index itself is backend-specific (an FTS5 table on SQLite, a tsvector column
    with a GIN index on PostgreSQL) and is created in migration 0002; see cases/search.py.
    """

    incident = models.OneToOneField(
        Incident, primary_key=True, on_delete=models.CASCADE, related_name="search_document"
    )
    body = models.TextField()
    # The body as readers who may not see people read it (see cases/reading.py), made by the
    # redaction app after each write (redaction/searching.py) and searched for those readers
    # instead of the body. A rewritten document starts without one: it waits to be made.
    redacted_body = models.TextField(
        null=True,
        blank=True,
        help_text="The body as readers who may not see people read it; empty until "
        "the redaction app has made it.",
    )
    redacted_with = models.CharField(  # noqa: DJ001 (NULL: added in place, see migration 0005)
        max_length=64,
        null=True,
        blank=True,
        help_text="The detection settings the redacted body was made with; empty "
        "while it waits to be made.",
    )

    class Meta:
        indexes = [models.Index(fields=["redacted_with"], name="cases_searc_redacte_idx")]

    def __str__(self) -> str:
        return f"search document of incident {self.incident_id}"
