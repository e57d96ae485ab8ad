"""Personal access tokens: how a partner's tool signs in to the API as one user.

Only a hash of the token is kept (like an invitation code): the token is shown once, to whoever
created it, and a leaked database gives no working token. A token acts as its user, with no
more than the user's role allows; its scopes narrow that further (see `Scope`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Scope(models.TextChoices):
    # Reading the record as the user's role reads it (free text redacted where the role must).
    READ = "read", "read"
    # Recording and changing, through the same domain functions as the pages; includes read.
    WRITE = "write", "write"
    # People's details, for roles that may see them at all (never an analyst).
    PERSONAL_DATA = "personal-data", "personal data"


class AccessToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens"
    )
    # What the token is for ("intake form"), chosen by its owner: shown in lists, never secret.
    name = models.CharField(max_length=80)
    # The token's first characters, so that its owner can tell tokens apart (GitHub does so).
    prefix = models.CharField(max_length=16)
    token_hash = models.CharField(max_length=64, unique=True)
    # Comma-separated Scope values, in Scope's order.
    scopes = models.CharField(max_length=40)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_used_from = models.GenericIPAddressField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="api_token_expires_after_creation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(filter(None, self.scopes.split(",")))

    def allows(self, scope: str) -> bool:
        """Does this token carry `scope`? Writing includes reading."""
        scopes = self.scope_set
        return scope in scopes or (scope == Scope.READ and Scope.WRITE in scopes)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "active" if self.expires_at > timezone.now() else "expired"


class WebhookEvent(models.TextChoices):
    INCIDENT_CREATED = "incident.created", "an incident was recorded"
    INCIDENT_UPDATED = "incident.updated", "an incident was changed"
    INCIDENT_VERIFIED = "incident.verified", "an incident was verified"
    INCIDENT_PUBLISHED = "incident.published", "an incident was published on the portal"
    CANDIDATE_WAITING = "candidate.waiting", "a news monitor candidate waits for review"


class WebhookEndpoint(models.Model):
    """A partner's address that is told when something happens, signed with its secret.

    Administrators manage them in the admin. The secret must be kept to sign; it is shown
    there for the partner to verify signatures with (Standard Webhooks).
    """

    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    # Comma-separated WebhookEvent values; empty: every event.
    events = models.CharField(
        max_length=200,
        blank=True,
        help_text="Comma-separated: " + ", ".join(WebhookEvent.values) + ". Empty: all of them.",
    )
    secret = models.CharField(max_length=80, help_text="Standard Webhooks secret (whsec_…).")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.url

    def wants(self, event: str) -> bool:
        wanted = {e.strip() for e in self.events.split(",") if e.strip()}
        return not wanted or event in wanted


class WebhookDelivery(models.Model):
    """One message to one endpoint and what became of it: the delivery log.

    The payload names records by reference and address only, never a person's details or
    free text; the log keeps the answer's status code, never its body.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "pending"
        DELIVERED = "delivered", "delivered"
        FAILED = "failed", "failed (no more retries)"

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    message_id = models.CharField(max_length=40, unique=True)
    event = models.CharField(max_length=40, choices=WebhookEvent.choices)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint} ({self.status})"
