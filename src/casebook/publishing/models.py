"""What the organisation chose to make public: which incidents, its own posts, the portal.

Verified is not public. An incident is on the portal only while a `Publication` row exists
for it (a coordinator's explicit step, audited) *and* it is still verified *and* its summary
has an approved redaction of the summary as it is now (see `publishable.py`, the one way
public pages read the record).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.signals import post_delete
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casebook.people.keys.fields import DataKeyIdField, EncryptedCharField
from casebook.people.keys.sealed import SealedRecord, data_key_destroy_on_delete

LISTED = models.Q(listed=True)


class Publication(models.Model):
    """A coordinator's decision that an incident may appear on the public portal."""

    incident = models.OneToOneField(
        "cases.Incident", on_delete=models.CASCADE, related_name="publication"
    )
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When what the public sees of the incident last changed (feeds' <updated>).
    changed_at = models.DateTimeField(default=timezone.now)
    # Whether the summary still has an approved redaction of the text as it is now: an
    # edited summary takes the incident off the portal until its redaction is approved
    # again (kept by `publication_refresh`; public values check it once more themselves).
    summary_current = models.BooleanField(default=True)
    # What the portal's list sorts, filters and counts by, copied from the incident by
    # `publication_refresh` (on publishing, and after every change to the incident, its acts
    # or its redactions), so that a list page and its count read this small table instead of
    # joining every incident. `listed`: verified and `summary_current`, the list's condition;
    # the public values of each incident shown are still checked against the record itself.
    listed = models.BooleanField(default=False)
    date = models.DateField(null=True, blank=True)
    force = models.ForeignKey(
        "codebook.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The place's words as the public sees them at each published precision (`public_place`):
    # never a street, so never more than the portal shows.
    place_town = models.CharField(max_length=200, blank=True)
    place_region = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["published_at"]),
            models.Index(fields=["changed_at"]),
            # Partial: only listed rows, so a page walks the index in date order and stops, and
            # a count reads no more entries than are listed.
            models.Index(
                fields=["date", "incident"], condition=LISTED, name="publishing_listed_date"
            ),
            models.Index(
                fields=["force", "date", "incident"],
                condition=LISTED,
                name="publishing_listed_force",
            ),
            models.Index(
                fields=["published_at", "incident"],
                condition=LISTED,
                name="publishing_listed_published",
            ),
            models.Index(fields=["place_town"], condition=LISTED, name="publishing_listed_town"),
            models.Index(
                fields=["place_region"], condition=LISTED, name="publishing_listed_region"
            ),
        ]

    def __str__(self) -> str:
        return f"publication of incident {self.incident_id}"


class PublicSummary(models.Model):
    """A figure computed from every published incident (the statistics, the map's points),
    kept for the version of the publications it was computed from (`summaries.py`): computed
    again in the background after every change, readers read one row."""

    key = models.CharField(max_length=100, unique=True)
    version = models.CharField(max_length=200)
    value = models.JSONField()
    computed_at = models.DateTimeField(default=timezone.now)
    # `FiguresState.removals` when the computation started: while it is still the count, no
    # incident counted in this figure has left the portal since (`summaries.py`).
    removals = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"public summary {self.key}"


class FiguresState(models.Model):
    """One row (pk 1): what readers need to know to show kept figures while new ones are
    being computed (`summaries.py`).

    `removals` counts every incident that left the portal (withdrawn, sent back for review,
    summary edited, deleted), in the same transaction as its leaving: a figure computed
    before the last removal may count it, so it is never shown again. `requested_at`: when
    the last computation was asked for (on a worker, or in the writer's process after its
    transaction)."""

    removals = models.PositiveBigIntegerField(default=0)
    removed_at = models.DateTimeField(null=True, blank=True)
    requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="figures_one_row")]

    def __str__(self) -> str:
        return "public figures' state"


class PlacePrecision(models.TextChoices):
    TOWN = "town", "Town or city"
    REGION = "region", "Region"


class PortalSettings(models.Model):
    """The administrator's choices for the public portal (one row, pk 1)."""

    enabled = models.BooleanField(
        default=False,
        help_text="Off: the site has no public pages; its address leads to the sign-in.",
    )
    name = models.CharField(max_length=120, default="Casebook")
    description = models.TextField(
        blank=True,
        max_length=2000,
        help_text="A few sentences on the home page: who you are and what this record is.",
    )
    place_precision = models.CharField(
        max_length=10,
        choices=PlacePrecision.choices,
        default=PlacePrecision.TOWN,
        help_text="The finest place the public sees: never a street or an exact spot.",
    )
    show_statistics = models.BooleanField(default=True)
    show_protests = models.BooleanField(default=True)
    show_posts = models.BooleanField("show statements and news", default=True)
    show_map = models.BooleanField(default=True)
    show_feeds = models.BooleanField(default=True)
    show_newsletter = models.BooleanField(
        "offer the newsletter",
        default=False,
        help_text="A sign-up form on the portal and a digest of what was published. Needs "
        "CASEBOOK_EMAIL_HOST and CASEBOOK_PUBLIC_URL.",
    )
    digest_every_days = models.PositiveSmallIntegerField(
        "send the digest every (days)",
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text="7: weekly. Nothing is sent when nothing was published.",
    )
    digest_hour = models.PositiveSmallIntegerField(
        "at (hour of the day)",
        default=9,
        validators=[MaxValueValidator(23)],
        help_text="In the casebook's time zone.",
    )
    tile_url = models.CharField(
        max_length=300,
        blank=True,
        help_text="A map tile server ({z}/{x}/{y}); empty: no request leaves for a third "
        "party, the map shows the outline that ships with Casebook.",
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "portal settings"
        verbose_name_plural = "portal settings"
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="portal_one_row"),
            models.CheckConstraint(
                condition=models.Q(digest_every_days__gte=1, digest_every_days__lte=31),
                name="portal_digest_every_days_range",
            ),
            models.CheckConstraint(
                condition=models.Q(digest_hour__lte=23), name="portal_digest_hour_range"
            ),
        ]

    def __str__(self) -> str:
        return "portal settings"

    def clean(self) -> None:
        if self.tile_url and not self.tile_url.startswith("https://"):
            raise ValidationError({"tile_url": "Give an https:// address, or leave it empty."})
        if self.tile_url and not all(p in self.tile_url for p in ("{z}", "{x}", "{y}")):
            raise ValidationError(
                {
                    "tile_url": "Give the address of one tile with {z}, {x} and {y} where the "
                    "zoom and the tile's column and row go, as your tile provider documents it "
                    "(https://tiles.example.org/{z}/{x}/{y}.png)."
                }
            )
        if self.show_newsletter:
            from casebook.publishing.newsletter.mail import newsletter_configuration_problems

            problems = newsletter_configuration_problems()
            if problems:
                raise ValidationError({"show_newsletter": problems})

    @classmethod
    def current(cls) -> PortalSettings:
        found = cls.objects.filter(pk=1).first()
        return found if found is not None else cls(pk=1)


class PostKind(models.TextChoices):
    STATEMENT = "statement", _("Statement")
    NEWS = "news", _("News")


class Post(models.Model):
    """A statement or news post written by the organisation, in Markdown."""

    kind = models.CharField(max_length=10, choices=PostKind.choices, default=PostKind.NEWS)
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    body = models.TextField(help_text="Markdown; raw HTML is shown as text, never run.")
    published_on = models.DateField(
        null=True,
        blank=True,
        help_text="Empty: a draft, not shown. A future date: shown from that day.",
    )
    incidents = models.ManyToManyField(
        "cases.Incident",
        blank=True,
        related_name="posts",
        help_text="Incidents it is about; only published ones are linked on the portal.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=PostKind.values), name="post_kind_known"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("publishing:post", args=[self.slug])


class SubmissionKind(models.TextChoices):
    TESTIMONY = "testimony", _("What happened")
    CORRECTION = "correction", _("A correction")


class SubmissionStatus(models.TextChoices):
    RECEIVED = "received", _("Waiting for a caseworker")
    ACCEPTED = "accepted", _("Added to the casebook as a source")
    DISCARDED = "discarded", _("Not used")
    WITHDRAWN = "withdrawn", _("Withdrawn by the person who sent it")


class Submission(models.Model):
    """An account or a correction sent through the public form: never published as it is.

    It waits in the intake queue until a caseworker turns it into a source (channel "public
    form") on an incident, or discards it with a reason. Contact details are never kept
    here: they are sealed in a `people.Person` from the moment they arrive (so erasure and
    subject access reach them). The submitter holds a receipt code; only its hash is kept.
    """

    receipt_sha256 = models.CharField(max_length=64, unique=True, editable=False)
    kind = models.CharField(
        max_length=10, choices=SubmissionKind.choices, default=SubmissionKind.TESTIMONY
    )
    incident = models.ForeignKey(
        "cases.Incident",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="public_submissions",
        help_text="The published incident a correction is about.",
    )
    account = models.TextField(max_length=10_000)
    additions = models.TextField(blank=True, help_text="What the sender added later, dated.")
    language = models.CharField(max_length=10, blank=True)
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="public_submissions",
        help_text="Where the sender's contact details are sealed, if they gave any.",
    )
    consent_contact = models.BooleanField(default=False)
    consent_use = models.BooleanField(default=False)
    consent_publish = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.RECEIVED
    )
    decision_reason = models.CharField(max_length=300, blank=True)
    source = models.ForeignKey(
        "sources.Source", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["status", "received_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=SubmissionStatus.values),
                name="submission_status_known",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=SubmissionKind.values), name="submission_kind_known"
            ),
        ]

    def __str__(self) -> str:
        # Never the account or anything of the sender's: str() ends up in logs and the audit.
        return f"submission {self.pk}"


class SubmissionFile(models.Model):
    """A file sent with an account (a photo, mostly), waiting with it for a caseworker.

    The evidence vault checked its bytes when it arrived and keeps them (by hash, like every
    evidence file); it is never shown on a public page. When the account is accepted the
    file becomes evidence of the incident and the source (`evidence`), with its metadata
    read then and restricted like any evidence file's; when the account is withdrawn or
    discarded, the row goes and so do the bytes, unless evidence refers to them.
    """

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="files")
    sha256 = models.CharField(max_length=64, editable=False)
    size = models.PositiveBigIntegerField(editable=False)
    media_type = models.CharField(max_length=40, editable=False)
    # As the sender's browser gave it: shown to caseworkers only, never used as a path.
    original_filename = models.CharField(max_length=255, blank=True)
    received_at = models.DateTimeField(default=timezone.now, editable=False)
    evidence = models.ForeignKey(
        "sources.EvidenceFile", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["received_at", "id"]
        indexes = [models.Index(fields=["sha256"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(size__gt=0), name="submission_file_not_empty")
        ]

    def __str__(self) -> str:
        # Never the file name: it may name someone.
        return f"file {self.sha256[:12]} of submission {self.submission_id}"


class Subscriber(SealedRecord, models.Model):
    """Someone who asked for the newsletter. Their address is personal data: sealed with a
    data key of its own in the keyring, like people's details (people/keys), found only
    through the blind index (`Subscriber.objects.filter(address=…)`), and destroyed with
    its key when they unsubscribe or are erased: the row is deleted, never kept.

    Nothing is sent before `confirmed_at` (double opt-in); an address never confirmed is
    deleted after `newsletter.CONFIRM_DAYS`. Links in mails carry a signed `token` (random,
    never the address or the row's id).
    """

    PERSONAL_FIELDS = ("address",)

    key_id = DataKeyIdField(default=uuid.uuid4, unique=True, editable=False)
    address = EncryptedCharField(max_length=254, blind_index="contact")
    token = models.CharField(max_length=43, unique=True, editable=False)
    language = models.CharField(max_length=10, blank=True)
    subscribed_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # A subscriber is deleted, not erased: the sealed field needs to know it never is.
    erased_at = None

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["confirmed_at"])]

    def __str__(self) -> str:
        # Never the address: str() ends up in logs and the audit trail.
        return f"subscriber {self.pk}"


post_delete.connect(
    data_key_destroy_on_delete, sender=Subscriber, dispatch_uid="publishing.subscriber.key"
)


class Digest(models.Model):
    """One run of the newsletter's digest: what it covered and how many it was sent to.

    A run with nothing published is kept too (nothing sent): the next digest starts where
    this one ended, `through`.
    """

    ran_at = models.DateTimeField(default=timezone.now)
    since = models.DateTimeField(null=True, blank=True)
    through = models.DateTimeField()
    incidents = models.PositiveIntegerField(default=0)
    posts = models.PositiveIntegerField(default=0)
    recipients = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-through", "-id"]
        get_latest_by = "through"

    def __str__(self) -> str:
        return f"digest {self.pk}"
