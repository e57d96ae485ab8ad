from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone


class FeedQuerySet(models.QuerySet):
    def due(self, now: dt.datetime | None = None) -> FeedQuerySet:
        """Active feeds never read, or whose interval has passed since the last read."""
        now = now or timezone.now()
        return self.filter(active=True).filter(
            models.Q(next_due_at__isnull=True) | models.Q(next_due_at__lte=now)
        )


class Feed(models.Model):
    """A news feed or a single web address the monitor reads at an interval."""

    class Kind(models.TextChoices):
        RSS = "rss", "RSS or Atom feed"
        PAGE = "page", "Single web page"
        POLICE = "police", "A police force's own feed or page"

    class LastStatus(models.TextChoices):
        NEVER = "never", "Not read yet"
        OK = "ok", "Read"
        NOT_MODIFIED = "not_modified", "Unchanged since last read"
        FAILED = "failed", "Failed"

    name = models.CharField(max_length=200)
    url = models.URLField(max_length=1000, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.RSS)
    interval_minutes = models.PositiveIntegerField(default=30)
    active = models.BooleanField(default=True, help_text="Paused feeds are not read.")
    # Conditional requests: sent back so an unchanged feed costs the publisher a 304.
    etag = models.CharField(max_length=300, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    next_due_at = models.DateTimeField(null=True, blank=True)
    last_status = models.CharField(
        max_length=15, choices=LastStatus.choices, default=LastStatus.NEVER
    )
    last_error = models.CharField(max_length=500, blank=True)
    last_new_pages = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = FeedQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["active", "next_due_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(interval_minutes__gte=1), name="feed_interval_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["rss", "page", "police"]), name="feed_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_police(self) -> bool:
        return self.kind == self.Kind.POLICE
