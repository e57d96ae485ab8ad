"""Accounts' workflows: creating the accounts an installation starts with."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction

from casebook.accounts.models import User
from casebook.accounts.roles import Role


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
