"""Evidence files: photos, video, audio, PDFs and text kept unaltered, addressed by their hash.

One row per attachment; the bytes are stored once per SHA-256 (see sources/evidence/storage.py),
so attaching the same photo to an incident and to a person keeps one blob and two rows.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

SHA256_PATTERN = re.compile(r"[0-9a-f]{64}")


class MediaType(models.TextChoices):
    """The allowlist: every type the vault accepts, decided from the bytes, never the name."""

    JPEG = "image/jpeg", "JPEG image"
    PNG = "image/png", "PNG image"
    WEBP = "image/webp", "WebP image"
    HEIC = "image/heic", "HEIC image"
    MP4 = "video/mp4", "MP4 video"
    MOV = "video/quicktime", "QuickTime video"
    MP3 = "audio/mpeg", "MP3 audio"
    M4A = "audio/mp4", "M4A audio"
    OGG = "audio/ogg", "Ogg audio"
    WAV = "audio/wav", "WAV audio"
    PDF = "application/pdf", "PDF document"
    TEXT = "text/plain", "Plain text"


IMAGE_TYPES = frozenset({MediaType.JPEG, MediaType.PNG, MediaType.WEBP, MediaType.HEIC})


def blob_name(sha256: str) -> str:
    """The content address of a blob in the evidence storage.

    >>> blob_name("ab" * 32)
    'ab/ab/abababababababababababababababababababababababababababababababab'
    """
    if not SHA256_PATTERN.fullmatch(sha256):
        raise ValueError("not a lower-case hexadecimal SHA-256")
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


class EvidenceFileQuerySet(models.QuerySet):
    def for_incident(self, incident) -> EvidenceFileQuerySet:
        return self.filter(incident=incident)

    def blobs(self):
        """(sha256, storage_name) of every distinct stored blob."""
        return self.values_list("sha256", "storage_name").distinct().order_by("sha256")


class EvidenceFile(models.Model):
    """One evidence file attached to an incident, a source and/or a person.

    The chain of custody is who added it, when, from which address, and its hash. The fields
    in RESTRICTED_FIELDS (where and when it was taken, on which device, and the name it was
    uploaded under) are shown only to roles that may see the people of the incident; see
    `sources.evidence.services.evidence_details_visible_to`.
    """

    RESTRICTED_FIELDS = (
        "original_filename",
        "caption",
        "captured_at",
        "capture_offset_known",
        "gps_latitude",
        "gps_longitude",
        "device_make",
        "device_model",
        "exif",
    )

    sha256 = models.CharField(max_length=64, db_index=True, editable=False)
    size = models.PositiveBigIntegerField(editable=False)
    media_type = models.CharField(max_length=40, choices=MediaType.choices, editable=False)
    storage_name = models.CharField(max_length=100, editable=False)
    # As given by the uploader's browser or the command line: shown, never used as a path
    # or to decide anything. It may carry a name, so it is restricted like the metadata.
    original_filename = models.CharField(max_length=255, blank=True)
    caption = models.CharField(max_length=300, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # A 64-bit perceptual hash of an image (16 hex digits), computed when the file is added:
    # a re-encoded or resized copy of the same photo gets (almost) the same bits, so linkage
    # can tell that two reports carry one photo. Empty for other types and unreadable images.
    perceptual_hash = models.CharField(max_length=16, blank=True, editable=False)

    # What it is evidence of. PROTECT: evidence is removed through `evidence_remove`, which
    # audits the removal and deletes the blob once nothing refers to it, never as a side
    # effect of deleting something else.
    incident = models.ForeignKey(
        "cases.Incident",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence_files",
    )
    source = models.ForeignKey(
        "sources.Source",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence_files",
    )
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence_files",
    )

    # Chain of custody.
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    added_at = models.DateTimeField(default=timezone.now, editable=False)
    added_from = models.GenericIPAddressField(null=True, blank=True, editable=False)

    # Restricted metadata read from the file: evidence in itself, and the most dangerous
    # thing in it (a home address is one GPS fix away).
    captured_at = models.DateTimeField(null=True, blank=True, editable=False)
    capture_offset_known = models.BooleanField(
        default=False,
        editable=False,
        help_text="False when the camera recorded no time zone: read as the site's zone.",
    )
    gps_latitude = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True, editable=False
    )
    gps_longitude = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True, editable=False
    )
    device_make = models.CharField(max_length=100, blank=True, editable=False)
    device_model = models.CharField(max_length=100, blank=True, editable=False)
    exif = models.JSONField(default=dict, blank=True, editable=False)

    objects = EvidenceFileQuerySet.as_manager()

    class Meta:
        ordering = ["added_at", "id"]
        indexes = [models.Index(fields=["incident", "added_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(incident__isnull=False)
                | models.Q(source__isnull=False)
                | models.Q(person__isnull=False),
                name="evidence_attached_to_something",
            ),
            models.CheckConstraint(
                condition=models.Q(media_type__in=MediaType.values), name="evidence_media_type"
            ),
            models.CheckConstraint(condition=models.Q(size__gt=0), name="evidence_not_empty"),
            models.CheckConstraint(
                condition=models.Q(gps_latitude__isnull=True)
                | models.Q(gps_latitude__gte=-90, gps_latitude__lte=90),
                name="evidence_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(gps_longitude__isnull=True)
                | models.Q(gps_longitude__gte=-180, gps_longitude__lte=180),
                name="evidence_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        # Never the file name: str() ends up in logs, admin messages and audit entries.
        return f"evidence {self.short_hash} ({self.get_media_type_display()})"

    def clean(self) -> None:
        errors = {}
        if not SHA256_PATTERN.fullmatch(self.sha256 or ""):
            errors["sha256"] = "Not a SHA-256 digest."
        elif self.storage_name != blob_name(self.sha256):
            errors["storage_name"] = "The storage name must be the content address of the hash."
        if not (self.incident_id or self.source_id or self.person_id):
            errors["incident"] = "Attach the file to an incident, a source or a person."
        if errors:
            raise ValidationError(errors)

    @property
    def short_hash(self) -> str:
        return (self.sha256 or "")[:12]

    @property
    def is_image(self) -> bool:
        return self.media_type in IMAGE_TYPES

    @property
    def has_location(self) -> bool:
        return self.gps_latitude is not None and self.gps_longitude is not None
