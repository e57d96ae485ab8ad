from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from casebook.accounts import security


class GuardedAuthenticationForm(AuthenticationForm):
    """The sign-in form, refusing locked accounts before the password is even checked."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = security.client_address(self.request) if self.request else None
        refusal = security.sign_in_refusal(username=username, ip_address=address)
        if refusal:
            raise ValidationError(refusal, code="locked")
        try:
            cleaned = super().clean()
        except ValidationError:
            security.sign_in_failed(username=username, ip_address=address)
            raise
        security.sign_in_succeeded(username=username)
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
