"""The incident list's form: its GET parameters, checked, as filters for the selectors."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from casebook.cases.models import IncidentStatus, Protest, Tag
from casebook.cases.selectors import DEFAULT_SORT, UNRECORDED
from casebook.casework.forms.fields import (
    ColumnChoiceField,
    PlainLabels,
    ProvisionColumnChoiceField,
    codebook_choice,
    date_field,
)
from casebook.codebook.models import ActType, LegalProvision, Organisation, OutcomeType, TriggerType
from casebook.lib.countries import country_name, is_country_code
from casebook.lib.periods import Period, PeriodLabelError, period_from_label

UNRECORDED_NAMES = {
    "force": "police force",
    "protest": "protest",
    "country": "country",
    "provision": "legal provision (on an act matching the act filters)",
    "trigger": "trigger (on an act matching the act filters)",
}

SORT_CHOICES = [
    ("-date", "Newest first"),
    ("date", "Oldest first"),
    ("reference", "Reference (A–Z)"),
    ("-reference", "Reference (Z–A)"),
    ("title", "Title (A–Z)"),
    ("-title", "Title (Z–A)"),
]


class IncidentFilterForm(PlainLabels, forms.Form):
    """The list's GET parameters. Their names are a public interface (bench scripts, links)."""

    q = forms.CharField(
        required=False,
        max_length=200,
        label="Search",
        widget=forms.SearchInput(
            attrs={"placeholder": "Words in titles, placards, offences, sources…"}
        ),
    )
    date_from = date_field("From date", required=False)
    date_to = date_field("To date", required=False)
    # Set by the statistics page's links: "2024-03", "2024-Q1", "2024-W05" or "2024".
    period = forms.CharField(required=False, max_length=10, widget=forms.HiddenInput)
    force = codebook_choice(
        Organisation.objects.only("slug", "name"),
        label="Police force",
        what="police force",
        empty_label="Any force",
        field_class=ColumnChoiceField,
        label_columns=("name",),
    )
    act_type = codebook_choice(
        ActType.objects.only("slug", "label"),
        label="Act",
        what="type of act",
        empty_label="Any act",
        field_class=ColumnChoiceField,
    )
    provision = codebook_choice(
        LegalProvision.objects.only("slug", "citation", "short_citation", "title", "aliases"),
        label="Legal provision",
        what="legal provision",
        empty_label="Any provision",
        field_class=ProvisionColumnChoiceField,
    )
    trigger = codebook_choice(
        TriggerType.objects.only("slug", "label"),
        label="Trigger",
        what="trigger",
        empty_label="Any trigger",
        field_class=ColumnChoiceField,
    )
    outcome = codebook_choice(
        OutcomeType.objects.only("slug", "label"),
        label="Outcome",
        what="outcome",
        empty_label="Any outcome",
        field_class=ColumnChoiceField,
    )
    # A two-letter code, set by the statistics page's links (almost every incident is GB).
    country = forms.CharField(required=False, max_length=2, widget=forms.HiddenInput)
    status = forms.ChoiceField(
        required=False,
        label="Status",
        choices=[("", "Any status"), *IncidentStatus.choices],
        error_messages={"invalid_choice": "“%(value)s” is not a status; choose one from the list."},
    )
    # An id, set by links from a protest's page: a select of every protest would be huge.
    protest = forms.ModelChoiceField(
        Protest.objects.all(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": "There is no protest with id %(value)s; remove the protest filter."
        },
    )
    tag = forms.CharField(required=False, max_length=60, label="Tag")
    # Set by the statistics page's "Not recorded" rows and its note on dates too coarse for
    # the unit counted: incidents lacking a breakdown's value / not placeable in a unit.
    unrecorded = forms.ChoiceField(
        required=False,
        choices=[("", ""), *((name, name) for name in UNRECORDED)],
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": "“%(value)s” is not a breakdown that can be missing; remove it."
        },
    )
    coarse = forms.ChoiceField(
        required=False,
        choices=[("", ""), ("week", "week"), ("month", "month"), ("quarter", "quarter")],
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": "Dates too coarse for a week, a month or a quarter (not "
            "“%(value)s”); remove it."
        },
    )
    sort = forms.ChoiceField(
        required=False,
        choices=SORT_CHOICES,
        label="Sort by",
        error_messages={
            "invalid_choice": "Sort by date, reference or title (“%(value)s” is not one of them)."
        },
    )

    def __init__(self, *args, codebook_version: str | None = None, **kwargs):
        """`codebook_version` (analysis.freshness.codebook_version): the selects' options
        are kept in this process for it rather than read on every request."""
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, ColumnChoiceField):
                field.codebook_version = codebook_version

    def clean_tag(self) -> Tag | None:
        name = self.cleaned_data["tag"].strip()
        if not name:
            return None
        tag = Tag.objects.filter(name__iexact=name).first()
        if tag is None:
            raise ValidationError(f"No incident is tagged “{name}”; check the spelling.")
        return tag

    def clean_period(self) -> Period | None:
        label = self.cleaned_data["period"].strip()
        if not label:
            return None
        try:
            return period_from_label(label)
        except PeriodLabelError as error:
            raise ValidationError(str(error)) from None

    def clean_country(self) -> str:
        code = self.cleaned_data["country"].strip().upper()
        if code and not is_country_code(code):
            raise ValidationError(
                f"“{code}” is not a country code; use the two-letter ISO 3166 code, e.g. GB."
            )
        return code

    def hidden_filters(self) -> list[tuple[str, str, str]]:
        """(name, what it shows, value) of the filters set by links rather than the form's
        visible fields, for chips that say what the list is narrowed to."""
        data = self.cleaned_data if self.is_valid() else {}
        chips = []
        if period := data.get("period"):
            chips.append(("period", f"Period: {period.phrase}", period.label))
        if country := data.get("country"):
            chips.append(("country", f"Country: {country_name(country)}", country))
        if unrecorded := data.get("unrecorded"):
            what = UNRECORDED_NAMES[unrecorded]
            chips.append(("unrecorded", f"No {what} recorded", unrecorded))
        if coarse := data.get("coarse"):
            chips.append(("coarse", f"Date too coarse to place in a {coarse}", coarse))
        return chips

    def clean_sort(self) -> str:
        return self.cleaned_data["sort"] or DEFAULT_SORT

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The to date is before the from date; swap them.")
        return data

    def filters(self) -> dict:
        """Keyword arguments for `cases.selectors.incidents_filtered`."""
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
