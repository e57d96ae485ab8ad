from django import forms

from casebook.api.models import Scope
from casebook.api.services import DEFAULT_DAYS, LONGEST_DAYS


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label="What is it for?",
        max_length=80,
        widget=forms.TextInput(attrs={"placeholder": "intake form", "autocomplete": "off"}),
    )
    scopes = forms.MultipleChoiceField(
        label="Scopes",
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Scope.READ],
    )
    days = forms.IntegerField(
        label="Expires after (days)", min_value=1, max_value=LONGEST_DAYS, initial=DEFAULT_DAYS
    )
    second_factor = forms.CharField(
        label="Code from your authenticator app",
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, needs_code: bool, may_see_people: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not needs_code:
            del self.fields["second_factor"]
        if not may_see_people:
            scopes = self.fields["scopes"]
            assert isinstance(scopes, forms.MultipleChoiceField)
            scopes.choices = [
                choice for choice in Scope.choices if choice[0] != Scope.PERSONAL_DATA
            ]
