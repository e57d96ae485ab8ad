"""Accounts an installation starts with: made once, in their role, never overwritten."""

from __future__ import annotations

import pytest

from casebook.accounts.roles import Role, roles_of
from casebook.accounts.services import user_ensure

pytestmark = pytest.mark.django_db


def test_user_ensure_creates_a_user_in_the_role_once_and_keeps_its_password(reference_data):
    user, created = user_ensure(username="chair", role=Role.COORDINATOR, password="first-pass-1")
    assert created and roles_of(user) == {Role.COORDINATOR}
    assert not user.is_staff

    again, created_again = user_ensure(
        username="chair", role=Role.COORDINATOR, password="other-pass-2"
    )
    assert again.pk == user.pk and not created_again
    again.refresh_from_db()
    assert again.check_password("first-pass-1")


def test_user_ensure_makes_administrators_staff_for_the_admin(reference_data):
    user, _ = user_ensure(username="root-admin", role=Role.ADMINISTRATOR, password="pw-long-123")
    assert user.is_staff and user.is_superuser
