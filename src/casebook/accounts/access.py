"""The one gate a view puts in front of itself: a predicate of `accounts/roles.py`.

    @role_required(roles.can_import, "Only coordinators and administrators import incidents.")
    def import_page(request): ...

Users for whom the predicate is false get 403 with the sentence, shown on the 403 page; the
view does not run. Anonymous visitors never get here: LoginRequiredMiddleware sends them to
sign in first. Checks that depend on the record (may this caseworker edit *this* incident?)
stay in the view or its service, after the gate.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from casebook.accounts.roles import is_staff_member

View = Callable[..., HttpResponse]


def role_required(may: Callable[[Any], bool], refusal: str) -> Callable[[View], View]:
    """A view decorator: 403 with `refusal` unless `may(request.user)`."""

    def gate(view: View) -> View:
        @wraps(view)
        def gated(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not may(request.user):
                raise PermissionDenied(refusal)
            return view(request, *args, **kwargs)

        return gated

    return gate


# The gate of every casework page: an account without a role sees nothing.
staff_required = role_required(
    is_staff_member, "Your account has no role yet; ask an administrator."
)
