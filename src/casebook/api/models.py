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
