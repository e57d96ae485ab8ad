"""Form pieces shared by the incident pages: plain labels, dates, fast codebook selects."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from casebook.codebook.models import LegalProvision

DATE_HELP = "YYYY-MM-DD, e.g. 2024-05-04"


class PlainLabels:
    """Labels without Django's trailing colon; required fields' labels get a CSS class."""

    required_css_class = "required"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class FastSelect(forms.Select):
    """A select whose options are written in Python, not one template render per option.

    The codebook selects hold hundreds of options (forces, provisions); Django's default
    rendering spent more time on them than the incident list spends on its queries.
    """

    def render(self, name, value, attrs=None, renderer=None):
        selected = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option, mark_safe(" selected") if str(option) in selected else "", label)
                for option, label in self.choices
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            options,
        )


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def date_field(label: str, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=date_input(),
        **kwargs,
        error_messages={"invalid": f"Give the {label.lower()} as a date, {DATE_HELP}."},
    )


def codebook_choice(
    queryset,
    *,
    label: str,
    what: str,
    required: bool = False,
    empty_label: str = "—",
    field_class=forms.ModelChoiceField,
):
    return field_class(
        queryset=queryset,
        to_field_name="slug",
        required=required,
        label=label,
        empty_label=empty_label,
        widget=FastSelect,
        error_messages={
            "invalid_choice": f"“%(value)s” is not a {what} in the codebook; choose one "
            "from the list.",
            "required": f"Choose the {what}.",
        },
    )


class ProvisionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: LegalProvision) -> str:
        return f"{obj.citation} — {obj.title}" if obj.title else obj.citation
