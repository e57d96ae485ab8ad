"""Sign-in protection: throttling and lockout of password guessing, and who needs 2FA.

An account is locked for LOCK_MINUTES after MAX_FAILURES_PER_ACCOUNT failed sign-ins within
that window; an address that fails MAX_FAILURES_PER_ADDRESS times is refused for the same
time, whatever name it tries. Both clear on their own; a successful sign-in clears the
account's failures.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from casebook.accounts.models import LoginFailure
from casebook.accounts.roles import Role, has_role

MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20
LOCK_MINUTES = 15


def client_address(request) -> str | None:
    # Behind a proxy (CASEBOOK_HTTPS) REMOTE_ADDR is the proxy; the proxy must set it right.
    return request.META.get("REMOTE_ADDR") or None


def _recent(**filters):
    since = timezone.now() - dt.timedelta(minutes=LOCK_MINUTES)
    return LoginFailure.objects.filter(at__gte=since, **filters)


def sign_in_refusal(*, username: str, ip_address: str | None) -> str | None:
    """Why a sign-in attempt must be refused before checking the password, or None."""
    if _recent(username=username.lower()).count() >= MAX_FAILURES_PER_ACCOUNT:
        return (
            f"This account is locked for {LOCK_MINUTES} minutes after "
            f"{MAX_FAILURES_PER_ACCOUNT} failed sign-ins. Try again later, or ask an "
            "administrator to check the account."
        )
    if ip_address and _recent(ip_address=ip_address).count() >= MAX_FAILURES_PER_ADDRESS:
        return f"Too many failed sign-ins from this network. Try again in {LOCK_MINUTES} minutes."
    return None


def sign_in_failed(*, username: str, ip_address: str | None) -> None:
    LoginFailure.objects.create(username=username.lower()[:150], ip_address=ip_address)
    # Keep the table small: nothing older than a day is ever needed.
    LoginFailure.objects.filter(at__lt=timezone.now() - dt.timedelta(days=1)).delete()


def sign_in_succeeded(*, username: str) -> None:
    LoginFailure.objects.filter(username=username.lower()).delete()


def needs_second_factor(user) -> bool:
    """Coordinators and administrators must sign in with a second factor (TOTP)."""
    return settings.REQUIRE_TWO_FACTOR and has_role(user, Role.ADMINISTRATOR, Role.COORDINATOR)
