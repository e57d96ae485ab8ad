"""Personal access tokens: creating (shown once), recognising and revoking them."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user

from casebook.accounts import roles
from casebook.accounts.security import needs_second_factor
from casebook.api.models import AccessToken, Scope
from casebook.audit.services import audit_record

TOKEN_PREFIX = "cbk_"  # noqa: S105 (marks a token for scanners; not a secret)
DEFAULT_DAYS = 90
LONGEST_DAYS = 366
# A token's last use is written at most this often (or when it comes from a new address):
# one write per request would make every API read a write, which SQLite serialises.
TOUCH_EVERY = dt.timedelta(seconds=60)


def _hash(raw: str) -> str:
    # Tokens carry 240 random bits: a plain SHA-256 is as strong as a slow hash would be.
    return hashlib.sha256(raw.strip().encode()).hexdigest()


def token_scopes_normal(scopes: Iterable[str]) -> list[str]:
    """Scopes in their one order, each once; unknown ones raise ValidationError.

    >>> token_scopes_normal(["write", "read", "write"])
    ['read', 'write']
    """
    wanted = {scope.strip() for scope in scopes if scope.strip()}
    unknown = wanted - set(Scope.values)
    if unknown:
        raise ValidationError(
            {"scopes": f"Unknown scope {sorted(unknown)[0]!r}; use read, write or personal-data."}
        )
    if not wanted:
        raise ValidationError(
            {"scopes": "Choose at least one scope: read, write or personal-data."}
        )
    return [scope for scope in Scope.values if scope in wanted]


def _second_factor_ok(user, code: str) -> bool:
    code = "".join((code or "").split())
    if not code.isdigit():
        return False
    return any(device.verify_token(code) for device in devices_for_user(user, confirmed=True))


def token_create(
    *,
    user,
    name: str,
    scopes: Iterable[str],
    days: int = DEFAULT_DAYS,
    second_factor: str = "",
    at_console: bool = False,
    ip_address: str | None = None,
) -> tuple[AccessToken, str]:
    """A new token for `user`, and the token itself (shown once, never stored).

    Made by the user in the account's page (`at_console` False) or by an operator at the
    server (`casebook token create`). A coordinator's or administrator's token signs in as
    someone who had to pass a second factor: on the page it needs a fresh code from their
    authenticator (`second_factor`), so a stolen session alone cannot mint one.
    """
    wanted = token_scopes_normal(scopes)
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Say what the token is for (e.g. “intake form”)."})
    if len(name) > 80:
        raise ValidationError({"name": "Keep the name under 80 characters."})
    if not 1 <= days <= LONGEST_DAYS:
        raise ValidationError(
            {"expires": f"A token lasts from 1 to {LONGEST_DAYS} days (asked: {days})."}
        )
    if not roles.is_staff_member(user):
        raise PermissionDenied("An account without a role cannot have API tokens.")
    if Scope.PERSONAL_DATA in wanted and not roles.may_see_people(user):
        raise ValidationError(
            {"scopes": "This role never sees people's details: leave out personal-data."}
        )
    if not at_console and needs_second_factor(user) and not _second_factor_ok(user, second_factor):
        raise ValidationError(
            {
                "second_factor": "Enter the current code from your authenticator app: "
                "tokens of coordinators and administrators need a fresh one."
            }
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(30)
    now = timezone.now()
    with transaction.atomic():
        token = AccessToken(
            user=user,
            name=name,
            prefix=raw[:10],
            token_hash=_hash(raw),
            scopes=",".join(wanted),
            created_at=now,
            expires_at=now + dt.timedelta(days=days),
        )
        token.full_clean()
        token.save()
        audit_record(
            action="api.token.created",
            instance=token,
            actor=None if at_console else user,
            changes={
                "user": [None, user.username],
                "scopes": [None, token.scopes],
                "expires_at": [None, token.expires_at],
            },
            ip_address=ip_address,
        )
    return token, raw


def token_revoke(*, token: AccessToken, actor=None, ip_address: str | None = None) -> bool:
    """Revoke `token` now; False if it was revoked already. `actor` None is the console.

    Owners revoke their own tokens, administrators anyone's.
    """
    if actor is not None and actor.pk != token.user_id and not roles.is_administrator(actor):
        raise PermissionDenied("Only the token's owner or an administrator revokes it.")
    with transaction.atomic():
        revoked = AccessToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if revoked:
            token.refresh_from_db(fields=["revoked_at"])
            audit_record(
                action="api.token.revoked",
                instance=token,
                actor=actor,
                changes={"revoked_at": [None, token.revoked_at]},
                ip_address=ip_address,
            )
    return bool(revoked)


def token_authenticate(*, raw: str, ip_address: str | None = None) -> AccessToken | None:
    """The active token `raw` is, with its user, or None; records when and whence it was used."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        AccessToken.objects.select_related("user")
        .filter(token_hash=_hash(raw), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    stale = token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY
    if stale or token.last_used_from != ip_address:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_from=ip_address)
        token.last_used_at, token.last_used_from = now, ip_address
    return token


def tokens_of(user):
    return AccessToken.objects.filter(user=user)
