"""Rows of the project's permission matrix (tests/web/test_permissions.py) for /accounts/."""

from __future__ import annotations

from django.urls import reverse


def _fresh_invitation(w) -> str:
    """A valid invitation's link: everybody is sent on (to sign in, or to enrol)."""
    from casebook.accounts.services import invitation_issue, invitation_path
    from tests.factories import UserFactory

    _, code = invitation_issue(user=UserFactory(role="coordinator"), issued_by=None)
    return invitation_path(code)


ACCOUNTS_MATRIX = {
    "accounts:invitation": ("GET", _fresh_invitation, (302,) * 6),
    # Every signed-in user may choose a new password; the anonymous are sent to sign in.
    "accounts:password-change": (
        "GET",
        lambda w: reverse("accounts:password-change"),
        (200,) * 5 + (302,),
    ),
}
