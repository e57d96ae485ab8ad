"""Sign-in protection: slowing password guessing without handing anyone a lock-out button,
the client's address, and who needs a second factor.

Guesses are counted against what they come through, and past a free allowance each further
guess must wait a pause that doubles (1, 2, 4, 8 minutes, then 15 at most):
- an **account**, for browsers that have never signed in to it (5 free failures);
- an **address**, for the same browsers (20 free: an office shares one address);
- a **known browser**: one that signed in to the account before carries a signed cookie,
  and its failures count against that browser alone (5 free).
So a stranger who types wrong passwords at someone's name slows only strangers: the owner,
signing in from their usual browser, is never refused because of it, nor is an office whose
people have signed in before. Nothing locks for good; a successful sign-in clears the account
(or the browser), and counts are forgotten a day after the last failure.

Each attempt is counted *before* its password is checked, on rows locked for the count (one
transaction, SELECT … FOR UPDATE; on SQLite the transaction takes the write lock at once), so
concurrent guesses cannot all be checked before the first is counted: past the allowance they
are refused without a check.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import math
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from casebook.accounts.models import SignInThrottle
from casebook.accounts.roles import Role, has_role

FREE_FAILURES = {"account": 5, "address": 20, "device": 5}
FIRST_PAUSE = dt.timedelta(minutes=1)
LONGEST_PAUSE = dt.timedelta(minutes=15)
FORGET_AFTER = dt.timedelta(days=1)

DEVICE_COOKIE = "casebook_known_browser"
DEVICE_COOKIE_DAYS = 365
_DEVICE_SALT = "casebook.accounts.known-browser"
_KEY_SALT = "casebook.accounts.sign-in-throttle"
_DEVICES_KEPT = 10  # accounts remembered per browser (a shared office computer)


class SignInRefused(Exception):
    """This attempt is refused before its password is checked; the message says for how long."""


@dataclass(frozen=True)
class SignInAttempt:
    """What an attempt was counted against: (kind, key) pairs, kind in FREE_FAILURES."""

    counted: tuple[tuple[str, str], ...]


def client_address(request) -> str | None:
    """The client's IP address, or None.

    Behind a reverse proxy this is the address the proxy forwarded, when the proxy is in
    CASEBOOK_TRUSTED_PROXIES (`casebook serve` resolves it; see web/proxies.py); otherwise
    the peer that connected.
    """
    address = request.META.get("REMOTE_ADDR") or ""
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def _key(kind: str, value: str) -> str:
    return salted_hmac(_KEY_SALT, f"{kind}:{value}", algorithm="sha256").hexdigest()


def _pause(beyond: int) -> dt.timedelta:
    """The wait after the `beyond`-th failure past the allowance (0 for the last free one)."""
    return min(FIRST_PAUSE * (2 ** min(beyond, 10)), LONGEST_PAUSE)


def _refusal(kind: str, wait: dt.timedelta) -> str:
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    when = f"{minutes} minute{'s' if minutes != 1 else ''}"
    if kind == "account":
        return (
            f"Too many failed sign-ins to this account from browsers it has not been used in. "
            f"Try again in {when}, or sign in from a browser where you have signed in to "
            "Casebook before."
        )
    if kind == "address":
        return (
            f"Too many failed sign-ins from this network. Try again in {when}, or sign in "
            "from a browser where you have signed in to Casebook before."
        )
    return f"Too many failed sign-ins from this browser. Try again in {when}."


def sign_in_attempt_begin(
    *, username: str, ip_address: str | None, known_browser: str | None
) -> SignInAttempt:
    """Count an attempt before its password is checked, or raise SignInRefused.

    `known_browser` is the browser's id for this account (`known_browser_id`), if any.
    """
    if known_browser:
        counted: list[tuple[str, str]] = [("device", _key("device", known_browser))]
    else:
        counted = [("account", _key("account", username.strip().lower()))]
        if ip_address:
            counted.append(("address", _key("address", ip_address)))
    now = timezone.now()
    keys = sorted(key for _, key in counted)
    SignInThrottle.objects.bulk_create(
        [SignInThrottle(key=key) for key in keys], ignore_conflicts=True
    )
    with transaction.atomic():
        # Locked in one order, so two attempts never wait on each other's second row.
        locked = SignInThrottle.objects.select_for_update().filter(key__in=keys)
        rows = {row.key: row for row in locked.order_by("key")}
        for kind, key in counted:
            refused_until = rows[key].refused_until
            if refused_until and refused_until > now:
                raise SignInRefused(_refusal(kind, refused_until - now))
        for kind, key in counted:
            row = rows[key]
            if row.last_failure and now - row.last_failure > FORGET_AFTER:
                row.failures = 0
            row.failures += 1  # counted now; taken back if the password is right
            row.last_failure = now
            beyond = row.failures - FREE_FAILURES[kind]
            row.refused_until = now + _pause(beyond) if beyond >= 0 else None
            row.save(update_fields=["failures", "last_failure", "refused_until"])
    SignInThrottle.objects.filter(
        Q(refused_until__isnull=True) | Q(refused_until__lt=now),
        last_failure__lt=now - FORGET_AFTER,
    ).delete()
    return SignInAttempt(tuple(counted))


def sign_in_attempt_succeeded(attempt: SignInAttempt) -> None:
    """The password was right: clear the account's (or browser's) count, and take this
    attempt back from the address's (other failures from there still count)."""
    with transaction.atomic():
        for kind, key in attempt.counted:
            rows = SignInThrottle.objects.select_for_update().filter(key=key)
            if kind != "address":
                rows.delete()
                continue
            for row in rows:
                row.failures = max(0, row.failures - 1)
                if row.failures < FREE_FAILURES[kind]:
                    row.refused_until = None
                row.save(update_fields=["failures", "refused_until"])


def known_browser_id(request, username: str) -> str | None:
    """The id this browser was given when it signed in to `username` before, or None."""
    for name, browser in _known_browsers(request):
        if name == username.strip().lower():
            return browser
    return None


def known_browser_cookie(request, username: str) -> str:
    """The cookie value that makes this browser known to `username` (keeping the others)."""
    name = username.strip().lower()
    entries = [entry for entry in _known_browsers(request) if entry[0] != name]
    entries.append((name, known_browser_id(request, name) or secrets.token_urlsafe(16)))
    return signing.dumps([list(entry) for entry in entries[-_DEVICES_KEPT:]], salt=_DEVICE_SALT)


def _known_browsers(request) -> list[tuple[str, str]]:
    raw = request.COOKIES.get(DEVICE_COOKIE)
    if not raw:
        return []
    try:
        entries = signing.loads(
            raw, salt=_DEVICE_SALT, max_age=dt.timedelta(days=DEVICE_COOKIE_DAYS)
        )
        return [(str(name), str(browser)) for name, browser in entries]
    except (signing.BadSignature, TypeError, ValueError):
        return []


def needs_second_factor(user) -> bool:
    """Coordinators and administrators must sign in with a second factor (TOTP)."""
    return settings.REQUIRE_TWO_FACTOR and has_role(user, Role.ADMINISTRATOR, Role.COORDINATOR)
