from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


class RejectReason(models.TextChoices):
    NOT_RELEVANT = "not_relevant", "Not police action against protest or expression"
    NOT_AN_EVENT = "not_an_event", "Misread: the article reports no such event"
    DUPLICATE = "duplicate", "Already in the casebook"
    OUT_OF_SCOPE = "out_of_scope", "A real event, outside what we record"
    OTHER = "other", "Another reason (say which)"


# Rejections that still confirm the event happened as extracted: exported as gold events.
REASONS_CONFIRMING_THE_EVENT = frozenset({RejectReason.DUPLICATE, RejectReason.OUT_OF_SCOPE})


class Candidate(models.Model):
    """One event the extractor found in a page: a proposed incident waiting for a decision."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        ACCEPTED = "accepted", "Accepted"
        MERGED = "merged", "Merged"
        REJECTED = "rejected", "Rejected"

    page = models.ForeignKey("monitor.Page", on_delete=models.CASCADE, related_name="candidates")
    event_index = models.PositiveSmallIntegerField()
    event = models.JSONField(help_text="The event as extracted, with its acts and spans.")
    # Copied out of `event` for the queue's columns and filters.
    force_name = models.CharField(max_length=200, blank=True)
    place = models.CharField(max_length=200, blank=True)
    date = models.DateField(null=True, blank=True)
    total_arrests = models.PositiveIntegerField(null=True, blank=True)
    confidence = models.FloatField(null=True, blank=True)

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    incident = models.ForeignKey(
        "cases.Incident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reject_reason = models.CharField(max_length=20, choices=RejectReason.choices, blank=True)
    reject_note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["page", "event_index"], name="candidate_once_per_page_event"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "accepted", "merged", "rejected"]),
                name="candidate_status_known",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(reject_reason=""),
                name="candidate_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"candidate {self.pk} (page {self.page_id}, event {self.event_index + 1})"

    def get_absolute_url(self) -> str:
        return reverse("monitor:candidate-detail", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def acts(self) -> list[dict]:
        return list(self.event.get("acts") or [])


class ReviewDecision(models.Model):
    """What a coordinator decided about a candidate: a labelled example for evaluation.

    `proposed` is the event as the extractor gave it; `final` the event as it ended up in the
    casebook (in the extraction format), or null when the event was rejected as not real.
    """

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", "Accepted as proposed"
        EDITED = "edited", "Corrected, then accepted"
        MERGED = "merged", "Merged into an existing incident"
        REJECTED = "rejected", "Rejected"

    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="decisions")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reason = models.CharField(max_length=20, choices=RejectReason.choices, blank=True)
    note = models.CharField(max_length=500, blank=True)
    proposed = models.JSONField()
    final = models.JSONField(null=True, blank=True)
    incident = models.ForeignKey(
        "cases.Incident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decided_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decision__in=["accepted", "edited", "merged", "rejected"]),
                name="decision_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} ({self.candidate})"
