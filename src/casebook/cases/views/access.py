"""The one check every casework page makes before anything else."""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied

from casebook.accounts import roles


def staff_required(view):
    """Signed-in users without a role (outsiders) see nothing: 403, not an empty page.

    Anonymous visitors never get here: LoginRequiredMiddleware sends them to sign in.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not roles.is_staff_member(request.user):
            raise PermissionDenied("Your account has no role yet; ask an administrator.")
        return view(request, *args, **kwargs)

    return wrapped
