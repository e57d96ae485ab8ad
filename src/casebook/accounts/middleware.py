"""`request.user`, with roles and second factor, from what the session's one query read.

In place of Django's AuthenticationMiddleware followed by django_otp's OTPMiddleware, which
read the user and then the authenticator in queries of their own: the same user, the same
`user.otp_device` and `user.is_verified()`, the same checks, from the row that
`accounts.sessions.SessionStore.load` read with the session. Anything that row cannot answer
(another sign-in backend, a session hash made with an older secret key, an authenticator
of another kind) goes through Django's and django_otp's own code, as before.
"""

from __future__ import annotations

from functools import partial

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import is_verified
from django_otp.models import Device

from casebook.accounts.roles import roles_remember
from casebook.accounts.sessions import TOTP_PREFIX, SignedInAccount

# The backend whose `get_user` the session's query does (accounts.backends.RolesReadBackend).
ROLES_BACKEND = "casebook.accounts.backends.RolesReadBackend"


class SignedInMiddleware(AuthenticationMiddleware):
    """Sets `request.user` (lazily, as Django does) to the signed-in user with their roles,
    `otp_device` and `is_verified()`, or to an anonymous user with the same two attributes."""

    def process_request(self, request):
        super().process_request(request)  # checks that sessions come first
        request.user = SimpleLazyObject(partial(signed_in_user, request))
        request.auser = partial(_signed_in_user_async, request)


def signed_in_user(request):
    """The request's user, read once per request."""
    if not hasattr(request, "_casebook_user"):
        session = request.session
        account = session.signed_in_account() if hasattr(session, "signed_in_account") else None
        user = _from_account(request, account) if account is not None else None
        from_row = user is not None
        if user is None:
            user = auth.get_user(request)
        request._casebook_user = _with_second_factor(request, user, account if from_row else None)
    return request._casebook_user


async def _signed_in_user_async(request):
    return await sync_to_async(signed_in_user)(request)


def _from_account(request, account: SignedInAccount):
    """The session's user as its row read them, or None when only Django's own `get_user`
    can answer (it also refuses whom it must, e.g. a deactivated account)."""
    session = request.session
    user = account.user
    if (
        user is None
        or not user.is_active
        or session.get(auth.BACKEND_SESSION_KEY) != ROLES_BACKEND
        or ROLES_BACKEND not in settings.AUTHENTICATION_BACKENDS
        or str(session.get(auth.SESSION_KEY)) != str(user.pk)
    ):
        return None
    # The session is the password's: a password changed elsewhere signs this one out.
    session_hash = session.get(auth.HASH_SESSION_KEY)
    if not session_hash or not constant_time_compare(session_hash, user.get_session_auth_hash()):
        return None
    roles_remember(user, set(account.roles))
    return user


def _with_second_factor(request, user, account: SignedInAccount | None):
    """django_otp's OTPMiddleware: `user.otp_device` is the authenticator that verified this
    session if it still exists, belongs to the user and is confirmed; else None, and the
    session forgets it."""
    user.otp_device = None
    user.is_verified = partial(is_verified, user)
    if not user.is_authenticated:
        return user
    persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
    if not persistent_id:
        return user
    if account is not None and persistent_id == f"{TOTP_PREFIX}{account.device_id}":
        device = account.device
    else:
        device = Device.from_persistent_id(persistent_id)
    if device is not None and device.user_id == user.pk and device.confirmed:
        user.otp_device = device
    else:
        del request.session[DEVICE_ID_SESSION_KEY]
    return user
