"""Accounts' workflows: creating the accounts an installation starts with, inviting people
to enrol an authenticator, and their first own password."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from casebook.accounts.models import EnrolmentInvitation, User
from casebook.accounts.roles import Role
from casebook.audit.services import audit_record


def user_ensure(*, username: str, role: Role, password: str) -> tuple[User, bool]:
    """Create a user in a role, or leave an existing one (and its password) alone.

    Either way the user ends up in the role's group; returns the user and whether it was
    created. Needs the role groups (`bootstrap_reference_data`).
    """
    with transaction.atomic():
        user, created = User.objects.get_or_create(username=username)
        if created:
            user.set_password(password)
            user.is_staff = role == Role.ADMINISTRATOR
            user.is_superuser = role == Role.ADMINISTRATOR
            user.save()
        user.groups.add(Group.objects.get(name=role.value))
    return user, created


# --- Invitations to enrol an authenticator -----------------------------------------------------

INVITATION_HOURS = 72
# Codes are typed as well as clicked: letters and digits that cannot be mistaken for each other.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_CODE_LENGTH = 20  # about 98 bits


def invitation_code_normal(code: str) -> str:
    """The code as stored and compared: spaces, dashes and case do not matter.

    >>> invitation_code_normal(" abcd-efgh jkmn ")
    'ABCDEFGHJKMN'
    """
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _code_hash(code: str) -> str:
    return hashlib.sha256(invitation_code_normal(code).encode()).hexdigest()


def invitation_issue(
    *, user: User, issued_by: User | None, hours: int = INVITATION_HOURS, ip_address=None
) -> tuple[EnrolmentInvitation, str]:
    """A new invitation for `user` to enrol an authenticator, and its code (shown once).

    Older unused invitations of the user stop working. `issued_by` None is the console.
    """
    if hours < 1:
        raise ValueError("An invitation lasts at least an hour.")
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))
    code = "-".join(raw[i : i + 5] for i in range(0, _CODE_LENGTH, 5))
    now = timezone.now()
    with transaction.atomic():
        EnrolmentInvitation.objects.filter(user=user, used_at__isnull=True).update(expires_at=now)
        invitation = EnrolmentInvitation.objects.create(
            user=user,
            code_hash=_code_hash(code),
            issued_by=issued_by,
            expires_at=now + dt.timedelta(hours=hours),
        )
        audit_record(
            action="accounts.invitation.issued",
            instance=user,
            actor=issued_by,
            changes={"expires_at": [None, invitation.expires_at]},
            ip_address=ip_address,
        )
    return invitation, code


def invitation_find(code: str) -> EnrolmentInvitation | None:
    """The unused, unexpired invitation with this code, or None."""
    if not invitation_code_normal(code):
        return None
    return (
        EnrolmentInvitation.objects.select_related("user")
        .filter(code_hash=_code_hash(code), used_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )


def invitation_path(code: str) -> str:
    """Where the invited person opens their invitation (a random code, nothing personal)."""
    return reverse("accounts:invitation", args=[invitation_code_normal(code)])


def enrolment_allowed(*, user: User, code: str | None) -> bool:
    """May `user` enrol an authenticator now: invited with `code`, or trusted from the console."""
    if user.may_enrol_without_invitation:
        return True
    invitation = invitation_find(code or "")
    return invitation is not None and invitation.user_id == user.pk


def enrolment_complete(*, user: User, code: str | None, ip_address=None) -> None:
    """The user has confirmed an authenticator: use up the invitation (or the console's trust).

    Raises EnrolmentNotAllowed if the invitation was used or expired in the meantime.
    """
    now = timezone.now()
    with transaction.atomic():
        if user.may_enrol_without_invitation:
            User.objects.filter(pk=user.pk).update(may_enrol_without_invitation=False)
            user.may_enrol_without_invitation = False
        else:
            # One UPDATE: two tabs racing with one code cannot both use it.
            used = EnrolmentInvitation.objects.filter(
                user=user,
                code_hash=_code_hash(code or ""),
                used_at__isnull=True,
                expires_at__gt=now,
            ).update(used_at=now)
            if not used:
                raise EnrolmentNotAllowed
        audit_record(
            action="accounts.authenticator.enrolled",
            instance=user,
            actor=user,
            ip_address=ip_address,
        )


def console_trust_for_enrolment(*, user: User) -> bool:
    """Let `user` enrol an authenticator without an invitation, if they have none yet.

    Only for what an operator does at the server's console (`casebook init`): whoever runs
    it could issue themselves an invitation anyway. Returns whether the user was trusted.
    """
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return False
    User.objects.filter(pk=user.pk).update(may_enrol_without_invitation=True)
    user.may_enrol_without_invitation = True
    return True


class EnrolmentNotAllowed(Exception):
    """No valid invitation (any more) to enrol an authenticator."""


def password_change_done(*, user: User, ip_address=None) -> None:
    """The user chose their own password: they need not be asked again."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(must_change_password=False)
        user.must_change_password = False
        audit_record(
            action="accounts.password.changed", instance=user, actor=user, ip_address=ip_address
        )
