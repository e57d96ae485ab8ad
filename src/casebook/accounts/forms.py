from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from casebook.accounts import security


class GuardedAuthenticationForm(AuthenticationForm):
    """The sign-in form, counting each attempt before checking its password
    (accounts.security): past the allowance, attempts are refused unchecked."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if not username or not self.cleaned_data.get("password"):
            return super().clean()  # a box left empty: nothing was tried, nothing to count
        request = self.request
        try:
            attempt = security.sign_in_attempt_begin(
                username=username,
                ip_address=security.client_address(request) if request else None,
                known_browser=security.known_browser_id(request, username) if request else None,
            )
        except security.SignInRefused as refusal:
            raise ValidationError(str(refusal), code="throttled") from None
        cleaned = super().clean()  # a wrong password raises here; it is already counted
        security.sign_in_attempt_succeeded(attempt)
        return cleaned


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Six-digit code from your authenticator app",
        max_length=8,
        min_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_token(self):
        token = "".join(self.cleaned_data["token"].split())
        if not token.isdigit():
            raise ValidationError("The code is made of digits only.")
        return token


class InvitationCodeForm(forms.Form):
    code = forms.CharField(
        label="Invitation code from your administrator",
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )
