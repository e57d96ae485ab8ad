"""Releases written so far: what each said about every incident, for the next one's CHANGES."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Release(models.Model):
    """One open data release. Immutable once written: a correction is a new release."""

    version = models.CharField(max_length=30, unique=True, editable=False)
    created_at = models.DateTimeField(editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    date_from = models.DateField(null=True, blank=True, editable=False)
    date_to = models.DateField(null=True, blank=True, editable=False)
    incident_count = models.PositiveIntegerField(editable=False)
    manifest_sha256 = models.CharField(max_length=64, editable=False)
    signing_key = models.CharField(max_length=64, editable=False)
    # Where it was written; a release made from the web page lives in the data folder.
    folder = models.CharField(max_length=500, editable=False)
    # Reference -> fingerprint of everything the release said about the incident.
    fingerprints = models.JSONField(default=dict, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"release {self.version}"
