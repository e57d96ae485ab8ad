from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """Our own user model from day one, so that later sign-in features need no swap."""

    class Meta:
        db_table = "accounts_user"


class LoginFailure(models.Model):
    """A failed sign-in, kept briefly to throttle guessing (see accounts.security)."""

    username = models.CharField(max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"failed sign-in at {self.at:%Y-%m-%d %H:%M}"
