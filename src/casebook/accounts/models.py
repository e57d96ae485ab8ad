from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models


class User(AbstractUser):
    """Our own user model from day one, so that later sign-in features need no swap."""

    # Set when someone else chose the password (an administrator, `casebook init` printing
    # one): the user must choose their own before anything else.
    must_change_password = models.BooleanField(default=False)
    # The administrator `casebook init` made at the console may enrol an authenticator without
    # an invitation (nobody else could have invited them); cleared once they have enrolled.
    may_enrol_without_invitation = models.BooleanField(default=False)

    class Meta:
        db_table = "accounts_user"


class EnrolmentInvitation(models.Model):
    """A one-time permission, from an administrator, to enrol an authenticator app.

    Only a hash of the code is kept: the code is shown once to whoever issues it, and a
    leaked database gives no working invitation. A new invitation replaces older unused ones.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    code_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"authenticator invitation (expires {self.expires_at:%Y-%m-%d %H:%M})"


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


class Session(AbstractBaseSession):
    """A browser's session (Django's database session), its row also naming the user it
    signed in and the authenticator that verified them, copied from its data when it is saved.

    With them, the session, the user with their roles and that authenticator are read in one
    query on each request (accounts.sessions), fresh from their own tables: a role taken
    away, an account deactivated or an authenticator removed counts from the next request on,
    whatever changed it. No database constraint on either: the columns only say where to look,
    and a row they no longer find reads as no user or no authenticator.
    """

    user = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        db_constraint=False,
        related_name="+",
    )
    totp_device_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        db_table = "accounts_session"
        verbose_name = "session"
        verbose_name_plural = "sessions"

    @classmethod
    def get_session_store_class(cls):
        from casebook.accounts.sessions import SessionStore

        return SessionStore
