"""Sign-in pages: the password (throttled), the second factor (enrolled once, with an
administrator's invitation), an invitation link, and choosing one's own password."""

from __future__ import annotations

import base64

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_GET
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from casebook.accounts import security, services
from casebook.accounts.forms import GuardedAuthenticationForm, InvitationCodeForm, TokenForm
from casebook.accounts.security import client_address, needs_second_factor

# The invitation code the person brought (by link or typed), until they have enrolled.
INVITATION_SESSION_KEY = "casebook_enrolment_invitation"


class SignInView(LoginView):
    template_name = "accounts/login.html"
    authentication_form = GuardedAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        # This browser is now known to the account: strangers' failed guesses never slow it.
        response.set_cookie(
            security.DEVICE_COOKIE,
            security.known_browser_cookie(self.request, form.get_user().username),
            max_age=security.DEVICE_COOKIE_DAYS * 24 * 3600,
            secure=settings.HTTPS,
            httponly=True,
            samesite="Lax",
        )
        return response


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@require_GET
def invitation(request, code: str):
    """An invitation link: remember its code for the enrolment that follows sign-in.

    Opening it uses nothing up (mail scanners open links too); enrolling does.
    """
    if services.invitation_find(code) is None:
        return render(request, "accounts/invitation_invalid.html", status=410)
    request.session[INVITATION_SESSION_KEY] = services.invitation_code_normal(code)
    two_factor_page = reverse("accounts:two-factor")
    if request.user.is_authenticated:
        return redirect(two_factor_page)
    messages.info(request, "Sign in with the password you were given to set up your app.")
    return redirect(f"{reverse('accounts:login')}?{urlencode({'next': two_factor_page})}")


def two_factor(request):
    """Verify a TOTP code; enrol a new authenticator first, when invited to."""
    user = request.user
    if not needs_second_factor(user) or user.is_verified():
        return redirect(_next_url(request))
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return _enrol(request)
    return _verify(request, device, enrolling=False)


def _enrol(request):
    user = request.user
    code = request.session.get(INVITATION_SESSION_KEY)
    if not services.enrolment_allowed(user=user, code=code):
        return _ask_for_invitation(request)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return _verify(request, device, enrolling=True)


def _ask_for_invitation(request):
    """Without an invitation the password alone must not reach the authenticator's secret."""
    form = InvitationCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        found = services.invitation_find(code)
        if found is not None and found.user_id == request.user.pk:
            request.session[INVITATION_SESSION_KEY] = services.invitation_code_normal(code)
            # A secret shown before the invitation (to whoever had the password) is not reused.
            TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
            next_url = urlencode({"next": _next_url(request)})
            return redirect(f"{reverse('accounts:two-factor')}?{next_url}")
        form.add_error(
            "code",
            "That invitation code is wrong, used or expired. Ask an administrator for a new "
            "invitation.",
        )
    return render(
        request,
        "accounts/invitation_needed.html",
        {"form": form, "next": _next_url(request)},
    )


def _verify(request, device: TOTPDevice, *, enrolling: bool):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and "token" in request.POST and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if enrolling:
                try:
                    services.enrolment_complete(
                        user=request.user,
                        code=request.session.get(INVITATION_SESSION_KEY),
                        ip_address=client_address(request),
                    )
                except services.EnrolmentNotAllowed:
                    return _ask_for_invitation(request)
                request.session.pop(INVITATION_SESSION_KEY, None)
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("token", "That code is wrong or has expired; enter the current one.")
    context = {"form": form, "enrolling": enrolling, "next": _next_url(request)}
    if enrolling:
        context["qr_svg"] = segno.make(device.config_url, error="m").svg_inline(scale=4)
        context["secret"] = base64.b32encode(device.bin_key).decode()
    return render(request, "accounts/two_factor.html", context)


def password_change(request):
    """Choose one's own password (required at first sign-in when someone else chose it)."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        services.password_change_done(user=user, ip_address=client_address(request))
        messages.success(request, "Your new password is saved.")
        return redirect(_next_url(request))
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "next": _next_url(request), "required": request.user.must_change_password},
    )
