"""Second-factor sign-in: enrol an authenticator app once, then give a code at each sign-in."""

from __future__ import annotations

import base64

import segno
from django.conf import settings
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from casebook.accounts import security
from casebook.accounts.forms import GuardedAuthenticationForm, TokenForm
from casebook.accounts.security import needs_second_factor


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


def two_factor(request):
    """Verify a TOTP code; enrol a new authenticator first when the user has none."""
    user = request.user
    if not needs_second_factor(user) or user.is_verified():
        return redirect(_next_url(request))
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = confirmed or TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if not device.confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("token", "That code is wrong or has expired; enter the current one.")
    context = {"form": form, "enrolling": not device.confirmed, "next": _next_url(request)}
    if not device.confirmed:
        context["qr_svg"] = segno.make(device.config_url, error="m").svg_inline(scale=4)
        context["secret"] = base64.b32encode(device.bin_key).decode()
    return render(request, "accounts/two_factor.html", context)
