"""The statistics page's form: the incident list's own filters, plus how to count."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms

from casebook.analysis.counts import DIMENSIONS
from casebook.analysis.growth import MEASURES
from casebook.cases.models import IncidentStatus
from casebook.casework.forms import IncidentFilterForm
from casebook.lib.countries import country_name

UNIT_CHOICES = [("week", "Week"), ("month", "Month"), ("quarter", "Quarter"), ("year", "Year")]
DEFAULT_UNIT = "month"
# Parameters of this page that the incident list does not take.
OWN_FIELDS = ("unit", "by", "measure", "seasonal")


class StatisticsForm(IncidentFilterForm):
    """Every filter of the incident list, with the same names, checks and messages, so
    that a link from a number to the list carries the filters over unchanged."""

    unit = forms.ChoiceField(
        required=False,
        choices=UNIT_CHOICES,
        label="Count per",
        error_messages={
            "invalid_choice": "Count per week, month, quarter or year (“%(value)s” is not one)."
        },
    )
    by = forms.ChoiceField(
        required=False,
        choices=[("", "No breakdown"), *((d.slug, d.label) for d in DIMENSIONS.values())],
        label="Break down by",
        error_messages={
            "invalid_choice": "“%(value)s” is not a breakdown; choose one from the list."
        },
    )
    measure = forms.ChoiceField(
        required=False,
        choices=[(key, label.capitalize()) for key, label in MEASURES.items()],
        label="Trend of",
        error_messages={
            "invalid_choice": "The trend is of incidents, acts or people (not “%(value)s”)."
        },
    )
    seasonal = forms.BooleanField(
        required=False,
        label="Allow for the month of the year",
        help_text="Monthly series: month-of-year terms in the trend regression.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["sort"]  # the statistics have no order of incidents

    def clean_unit(self) -> str:
        return self.cleaned_data["unit"] or DEFAULT_UNIT

    def clean_measure(self) -> str:
        return self.cleaned_data["measure"] or "incidents"

    def filters(self) -> dict:
        return {k: v for k, v in super().filters().items() if k not in OWN_FIELDS}

    def cache_key(self) -> list[tuple[str, str]]:
        """The parameters that decide the figures, as plain text."""
        return sorted(
            (name, str(value)) for name, value in self.data.items() if name in self.fields and value
        )

    def list_params(self) -> dict[str, str]:
        """The incident list's parameters for these filters."""
        return {
            name: value
            for name, value in self.data.items()
            if name in self.fields and name not in OWN_FIELDS and value
        }

    def list_query(self, **extra: str) -> str:
        """The incident list's query string for these filters and `extra` ones."""
        params = self.list_params()
        params.update({k: v for k, v in extra.items() if v})
        return urlencode(sorted(params.items()))

    def described(self) -> list[tuple[str, str]]:
        """The filters as a report names them for its reader: (what, value).

        A protest is named by its number (its name is free text, which a report for outside
        use never carries), and words searched are not printed: they may be a name."""
        described = []
        for name, value in self.filters().items():
            label = self.fields[name].label or name.replace("_", " ").capitalize()
            if name == "q":
                text = "a text search (its words are not printed in a report)"
            elif name == "period":
                label, text = "Period", value.phrase
            elif name == "country":
                label, text = "Country", country_name(value) or value
            elif name == "protest":
                label, text = "Protest", f"protest number {value.pk}"
            elif name == "status":
                text = str(IncidentStatus(value).label)
            elif hasattr(value, "isoformat"):
                text = value.isoformat()
            else:
                text = str(value)
            described.append((str(label), text))
        return described
