from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """Our own user model from day one, so that later sign-in features need no swap."""

    class Meta:
        db_table = "accounts_user"


class SignInThrottle(models.Model):
    """Failed sign-ins counted against one account, one address or one known browser.

    `key` is a keyed hash of what is counted (accounts.security), so that neither typed
    names (sometimes a password typed in the wrong box) nor addresses are kept in clear.
    Rows are locked while counted, so concurrent guesses cannot slip past the limit.
    """

    key = models.CharField(max_length=64, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure = models.DateTimeField(null=True, blank=True, db_index=True)
    refused_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.failures} failed sign-ins"
